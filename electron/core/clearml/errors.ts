import { redactString } from '../log'

export type ClearmlErrorKind = 'auth' | 'not_found' | 'validation' | 'forbidden' | 'server' | 'network' | 'timeout' | 'aborted'

export interface ClearmlErrorInit {
  code: number
  subcode?: number
  endpoint: string
  kind: ClearmlErrorKind
  message: string
  retriable?: boolean
  /** HTTP status (0 when no response arrived). */
  status?: number
  /** The server's own result_msg, redacted (may differ from `message` when a friendlier one is given). */
  serverMessage?: string
  /** Node/axios error code for transport failures: ECONNREFUSED, ETIMEDOUT, CERT_HAS_EXPIRED… */
  networkCode?: string
  /** Delay the server asked for (Retry-After), in ms. */
  retryAfterMs?: number
}

/**
 * A failed ClearML call. `code` is the envelope's result_code (= HTTP status), 0 when no answer came
 * (network/timeout/aborted). The message is always redacted: never a secret or a token. No `cause` is
 * attached on purpose: axios errors carry the request headers (Authorization).
 */
export class ClearmlError extends Error {
  readonly code: number
  readonly subcode: number
  readonly endpoint: string
  readonly kind: ClearmlErrorKind
  /** True when trying again later may succeed (transport failures, 429, 5xx). */
  readonly retriable: boolean
  readonly status: number
  readonly serverMessage?: string
  readonly networkCode?: string
  readonly retryAfterMs?: number

  constructor(init: ClearmlErrorInit) {
    super(redactString(init.message))
    this.name = 'ClearmlError'
    this.code = init.code
    this.subcode = init.subcode ?? 0
    this.endpoint = init.endpoint
    this.kind = init.kind
    this.status = init.status ?? init.code
    this.retriable = init.retriable ?? defaultRetriable(init.kind, init.code, init.networkCode)
    if (init.serverMessage !== undefined) this.serverMessage = redactString(init.serverMessage)
    if (init.networkCode !== undefined) this.networkCode = init.networkCode
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      subcode: this.subcode,
      endpoint: this.endpoint,
      kind: this.kind,
      retriable: this.retriable,
      status: this.status,
      ...(this.serverMessage !== undefined && { serverMessage: this.serverMessage }),
      ...(this.networkCode !== undefined && { networkCode: this.networkCode })
    }
  }
}

/** Kind of an HTTP/envelope result code. */
export function kindForCode(code: number): ClearmlErrorKind {
  if (code === 401) return 'auth'
  if (code === 403) return 'forbidden'
  if (code === 404) return 'not_found'
  if (code === 408) return 'timeout'
  if (code === 429 || code >= 500) return 'server'
  if (code >= 400) return 'validation'
  return 'server'
}

/** Transport errors where the request certainly did not reach the server (safe to retry any call). */
export const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'])
/** Transport errors that retrying will not fix. */
export const PERMANENT_NETWORK_CODES = new Set(['ENOTFOUND', 'ERR_INVALID_URL', 'CA_FILE'])

export function isTlsCode(code: string | undefined): boolean {
  return !!code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|EPROTO|DEPTH_ZERO/.test(code)
}

function defaultRetriable(kind: ClearmlErrorKind, code: number, networkCode?: string): boolean {
  if (kind === 'timeout') return true
  if (kind === 'network') return !PERMANENT_NETWORK_CODES.has(networkCode ?? '') && !isTlsCode(networkCode)
  return code === 429 || code === 500 || code === 502 || code === 503 || code === 504
}
