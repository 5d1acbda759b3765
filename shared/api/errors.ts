/** Typed error crossing the API boundary (IPC or HTTP). The renderer client rethrows it as ApiError. */
export type ApiErrorCode =
  | 'invalid_input' // the input failed the contract's schema (details.issues says which field and why)
  | 'unknown_method'
  | 'not_found'
  | 'conflict'
  | 'offline' // the server cannot be reached and nothing usable is cached
  | 'auth' // the server refused the credentials
  | 'forbidden'
  | 'server' // the server answered with an error
  | 'unsupported' // the server lacks the feature (e.g. enterprise-only)
  | 'no_connection' // no active connection
  | 'confirmation_required' // a change to a production server that the caller did not confirm
  | 'busy' // the local database is busy (another process holds it): retry shortly
  | 'too_large' // the request body is over the size limit
  | 'unauthorized' // the web host refused the console token (not the ClearML server: that is 'auth')
  | 'method_not_allowed' // the web host was called with the wrong HTTP method
  | 'internal'

export const apiErrorCodes: readonly ApiErrorCode[] = [
  'invalid_input',
  'unknown_method',
  'not_found',
  'conflict',
  'offline',
  'auth',
  'forbidden',
  'server',
  'unsupported',
  'no_connection',
  'confirmation_required',
  'busy',
  'too_large',
  'unauthorized',
  'method_not_allowed',
  'internal'
]

export interface ApiErrorShape {
  code: ApiErrorCode
  message: string
  details?: unknown
}

export class ApiError extends Error implements ApiErrorShape {
  readonly code: ApiErrorCode
  readonly details?: unknown
  constructor(code: ApiErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.details = details
  }
  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message, details: this.details }
  }
  static from(shape: unknown): ApiError {
    if (shape instanceof ApiError) return shape
    const s = shape as Partial<ApiErrorShape> | undefined
    if (s && typeof s.code === 'string' && typeof s.message === 'string') return new ApiError(s.code as ApiErrorCode, s.message, s.details)
    return new ApiError('internal', shape instanceof Error ? shape.message : String(shape))
  }
}

export function isApiErrorShape(v: unknown): v is ApiErrorShape {
  return !!v && typeof v === 'object' && typeof (v as ApiErrorShape).code === 'string' && typeof (v as ApiErrorShape).message === 'string'
}
