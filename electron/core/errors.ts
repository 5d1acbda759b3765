import { ApiError } from '../../shared/api'
import { ClearmlError } from './clearml'

/** Map anything thrown in the core to the contract's typed error. Messages never carry secrets. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof ClearmlError) {
    const details = { endpoint: err.endpoint, resultCode: err.code, resultSubcode: err.subcode }
    switch (err.kind) {
      case 'network':
      case 'timeout':
        return new ApiError('offline', err.message, details)
      case 'auth':
        return new ApiError('auth', err.message, details)
      case 'forbidden':
        return new ApiError('forbidden', err.message, details)
      case 'not_found':
        return new ApiError('unsupported', err.message, details)
      case 'validation':
        return new ApiError('invalid_input', err.message, details)
      default:
        return new ApiError('server', err.message, details)
    }
  }
  return new ApiError('internal', err instanceof Error ? err.message : String(err))
}
