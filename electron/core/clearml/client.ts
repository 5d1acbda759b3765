/**
 * ClearML REST client (axios): `POST <apiUrl>/<service>.<action>` with a JSON body, `{meta, data}`
 * envelope, auth.login with HTTP basic -> JWT -> Bearer, proactive and on-401/30 refresh, bounded retries
 * with backoff and jitter, AbortSignal, custom CA / no TLS verification. See clearml-api.md §1.
 *
 * The secret key and the token live only in this object's memory. Nothing here logs or throws them:
 * error messages are built from codes and redacted server messages, never from axios errors.
 */
import axios, { type AxiosInstance, type AxiosProxyConfig, type AxiosResponse } from 'axios'
import { readFileSync, statSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { rootCertificates } from 'node:tls'
import { performance } from 'node:perf_hooks'
import { createLogger, redactString, type Logger } from '../log'
import { ClearmlError, NOT_SENT_CODES, PERMANENT_NETWORK_CODES, isTlsCode, kindForCode } from './errors'
import { capabilitiesFromClaims, decodeTokenClaims, type ClearmlCapabilities, type TokenClaims, type TokenIdentity } from './token'
import { CONSOLE_VERSION } from '../../../shared/api/version'

/** A CA bundle is a few hundred kilobytes at most. */
const MAX_CA_FILE_BYTES = 1024 * 1024

export const DEFAULT_CLIENT_ID = `clearml-admin-console-${CONSOLE_VERSION}`
/** Re-login when fewer seconds than this remain on the token (the SDK's token_expiration_threshold_sec). */
export const REFRESH_MARGIN_SEC = 360
const BACKOFF_BASE_MS = 200
const BACKOFF_MAX_MS = 5000
const RETRY_AFTER_MAX_MS = 10_000

export interface ClearmlClientOptions {
  apiUrl: string
  accessKey: string
  /** Plain text, kept in memory only. */
  secretKey: string
  /** Default true. False: accept any certificate (self-signed servers). */
  verifyTls?: boolean
  /** PEM file with extra CA certificates, trusted in addition to the system roots. */
  caFile?: string
  /** Per request; default 15000. */
  timeoutMs?: number
  /** Retries after the first attempt for transient failures; default 3. */
  retries?: number
  /** X-Clearml-Client header value; default `clearml-admin-console-<version>`. */
  clientId?: string
  /** Called after every login (and with nulls when the token is dropped). */
  onTokenChange?: (token: string | null, capabilities: ClearmlCapabilities | null) => void
  /** A token to start with (e.g. from a previous run); re-login happens as usual when it expires. */
  token?: string
  /** Seconds before expiry at which to re-login; default 360. */
  refreshMarginSec?: number
  /** axios proxy config; default false (no proxy, environment variables ignored). */
  proxy?: AxiosProxyConfig | false
  logger?: Logger
  /** Clock in ms (tests). */
  now?: () => number
  /** Random in [0,1) for backoff jitter (tests). */
  random?: () => number
  /** First backoff step in ms (doubles per retry, capped at 5 s, with jitter); default 200. */
  retryBaseMs?: number
}

export interface CallOptions {
  signal?: AbortSignal
  /** Send without Authorization (debug.ping, login.supported_modes). */
  noAuth?: boolean
  timeoutMs?: number
  /** Override the client's retry count for this call. */
  retries?: number
  /**
   * Whether repeating the call is harmless. Default: guessed from the action name (get*, ping, info,
   * supported_modes, login…). Non-idempotent calls are retried only when the request surely never reached
   * the server (connection refused, DNS try-again) or the server refused it unprocessed (429, 503).
   */
  idempotent?: boolean
  /** Call `<apiUrl>/v<apiVersion>/<endpoint>` instead of the unversioned path (server's max version). */
  apiVersion?: string
  /**
   * Act as another user of the workspace (`X-Clearml-Impersonate-As: <user id>`, clearml-api.md §1.2): an
   * administrator working on a service account's keys, vault or tokens, or checking what a user may access.
   */
  impersonate?: string
}

export interface PingResult {
  ok: true
  latencyMs: number
  msg?: string
}

/** What testConnection learns about a server. */
export interface ServerProbe {
  latencyMs: number
  serverVersion: string
  apiVersion: string
  featureSet: string
  enterprise: boolean
  identity: TokenIdentity
}

interface TokenState {
  token: string
  claims: TokenClaims | undefined
  capabilities: ClearmlCapabilities | null
  /** Local-clock expiry in ms (Infinity when unknown), computed from the token's lifetime to absorb clock skew. */
  localExpiresAt: number
}

const ENDPOINT_PATTERN = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/i
const IDEMPOTENT_ACTION = /^(get|ping$|info$|supported_modes$|fixed_users_mode$|login$|validate|endpoints$|config$|report_stats_option$)/

type AuthMode = { kind: 'none' } | { kind: 'basic' } | { kind: 'bearer'; token: string }

/** Strip user:password@ from a URL for messages. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    return u.toString().replace(/\/$/, '')
  } catch {
    return redactString(url)
  }
}

function networkPhrase(code: string | undefined, fallback: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused'
    case 'ENOTFOUND':
      return 'host not found (DNS)'
    case 'EAI_AGAIN':
      return 'DNS lookup failed (temporary)'
    case 'ECONNRESET':
      return 'connection reset by the server'
    case 'EPIPE':
      return 'connection closed by the server'
    case 'EHOSTUNREACH':
      return 'host unreachable'
    case 'ENETUNREACH':
      return 'network unreachable'
    case 'ERR_SOCKET_CONNECTION_TIMEOUT':
      return 'connection attempt timed out'
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'the server uses a self-signed TLS certificate (add its CA file, or turn off certificate verification)'
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return 'the TLS certificate is signed by an unknown authority (add its CA file)'
    case 'CERT_HAS_EXPIRED':
      return 'the server TLS certificate has expired'
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'the TLS certificate does not match the host name'
    default:
      return fallback === 'socket hang up' ? 'connection closed by the server (socket hang up)' : fallback
  }
}

function delay(ms: number, signal: AbortSignal | undefined, endpoint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(endpoint))
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortedError(endpoint))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function abortedError(endpoint: string): ClearmlError {
  return new ClearmlError({ code: 0, endpoint, kind: 'aborted', message: `Call to ${endpoint} was cancelled`, retriable: false })
}

/** Wait for a shared promise, but give up (without cancelling it) when this caller's signal aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, endpoint: string): Promise<T> {
  if (!signal) return promise
  if (signal.aborted) return Promise.reject(abortedError(endpoint))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(endpoint))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      }
    )
  })
}

export class ClearmlClient {
  readonly apiUrl: string
  private readonly accessKey: string
  private readonly secretKey: string
  private readonly timeoutMs: number
  private readonly retries: number
  private readonly clientId: string
  private readonly refreshMarginMs: number
  private readonly log: Logger
  private readonly now: () => number
  private readonly random: () => number
  private readonly http: AxiosInstance
  private httpAgent: http.Agent | undefined
  private httpsAgent: https.Agent | undefined
  private agentError: string | undefined
  private state: TokenState | null = null
  private loginInFlight: Promise<TokenState> | null = null
  private closed = false

  constructor(private readonly options: ClearmlClientOptions) {
    if (!options.apiUrl) throw new TypeError('ClearmlClient: apiUrl is required')
    this.apiUrl = options.apiUrl.trim().replace(/\/+$/, '')
    this.accessKey = options.accessKey ?? ''
    this.secretKey = options.secretKey ?? ''
    this.timeoutMs = options.timeoutMs ?? 15_000
    this.retries = Math.max(0, options.retries ?? 3)
    this.clientId = options.clientId ?? DEFAULT_CLIENT_ID
    this.refreshMarginMs = (options.refreshMarginSec ?? REFRESH_MARGIN_SEC) * 1000
    this.log = options.logger ?? createLogger('clearml')
    this.now = options.now ?? Date.now
    this.random = options.random ?? Math.random
    this.http = axios.create({ proxy: options.proxy ?? false, maxRedirects: 0 })
    if (options.token) this.setToken(options.token)
  }

  // ---------------------------------------------------------------------------------- public API

  /**
   * Call `<service>.<action>` and return the envelope's `data`. Logs in first when needed (Bearer on every
   * call), re-logs in within `refreshMarginSec` of expiry and once on 401/30, retries transient failures.
   * Throws ClearmlError only.
   */
  async call<T = unknown>(endpoint: string, data?: object, opts: CallOptions = {}): Promise<T> {
    if (!ENDPOINT_PATTERN.test(endpoint)) {
      throw new ClearmlError({ code: 0, endpoint, kind: 'validation', message: `Invalid endpoint name "${endpoint}" (expected service.action)`, retriable: false })
    }
    if (opts.signal?.aborted) throw abortedError(endpoint)
    const body = data ?? {}
    const idempotent = opts.idempotent ?? IDEMPOTENT_ACTION.test(endpoint.split('.')[1])
    if (opts.noAuth) return this.withRetries(endpoint, idempotent, opts, () => this.send<T>(endpoint, body, { kind: 'none' }, opts))

    let refreshedOn401 = false
    for (;;) {
      const state = await this.ensureToken(opts.signal, endpoint)
      try {
        return await this.withRetries(endpoint, idempotent, opts, () => this.send<T>(endpoint, body, { kind: 'bearer', token: state.token }, opts))
      } catch (err) {
        if (!refreshedOn401 && err instanceof ClearmlError && err.code === 401 && err.subcode === 30) {
          refreshedOn401 = true
          this.log.info(`${endpoint}: token rejected (401/30), logging in again`)
          if (this.state === state) this.dropToken()
          continue
        }
        throw err
      }
    }
  }

  /**
   * Log in now (joins a login already in flight) and return the server's capabilities.
   * A 401 becomes ClearmlError kind 'auth' with "Invalid access key or secret key (401/22)".
   */
  async login(opts: { signal?: AbortSignal } = {}): Promise<ClearmlCapabilities> {
    const state = await raceAbort(this.sharedLogin(), opts.signal, 'auth.login')
    return state.capabilities ?? capabilitiesFromClaims({})
  }

  /** What the current token says (unverified), or null before the first login. */
  capabilities(): ClearmlCapabilities | null {
    return this.state?.capabilities ?? null
  }

  /** Replace the token (e.g. one saved from a previous run), or drop it with null. */
  setToken(token: string | null): void {
    if (token === null) {
      this.dropToken()
      return
    }
    this.state = this.makeState(token)
    this.options.onTokenChange?.(token, this.state.capabilities)
  }

  /** Whether a token is held (it may still be near expiry). */
  get loggedIn(): boolean {
    return this.state !== null
  }

  /** debug.ping without auth: is a ClearML API server there, and how fast. */
  async ping(opts: { signal?: AbortSignal; retries?: number; timeoutMs?: number } = {}): Promise<PingResult> {
    const started = performance.now()
    const data = await this.call<{ msg?: unknown }>('debug.ping', {}, { ...opts, noAuth: true, idempotent: true })
    const latencyMs = Math.round((performance.now() - started) * 10) / 10
    return { ok: true, latencyMs, ...(typeof data?.msg === 'string' && { msg: data.msg }) }
  }

  /**
   * Ping (no retries: a quick answer) then log in with the credentials. Throws ClearmlError with a precise
   * message: "Cannot reach <url>: connection refused", "Invalid access key or secret key (401/22)", …
   * A server too old for debug.ping (404 with a ClearML envelope) still counts as reachable.
   */
  async testConnection(opts: { signal?: AbortSignal } = {}): Promise<ServerProbe> {
    let latencyMs: number
    const started = performance.now()
    try {
      latencyMs = (await this.ping({ signal: opts.signal, retries: 0 })).latencyMs
    } catch (err) {
      if (!(err instanceof ClearmlError && err.kind === 'not_found' && err.serverMessage !== undefined)) throw err
      latencyMs = Math.round((performance.now() - started) * 10) / 10
    }
    this.dropToken()
    const caps = await this.login(opts)
    return {
      latencyMs,
      serverVersion: caps.serverVersion,
      apiVersion: caps.apiVersion,
      featureSet: caps.featureSet,
      enterprise: caps.enterprise,
      identity: caps.identity
    }
  }

  /** Drop the token and close pooled sockets. Later calls fail with kind 'aborted'. */
  close(): void {
    this.closed = true
    this.dropToken()
    this.httpAgent?.destroy()
    this.httpsAgent?.destroy()
  }

  // ---------------------------------------------------------------------------------- auth

  private makeState(token: string): TokenState {
    const claims = decodeTokenClaims(token)
    const receivedAt = this.now()
    let localExpiresAt = Infinity
    if (claims?.exp !== undefined) {
      localExpiresAt = claims.iat !== undefined ? receivedAt + (claims.exp - claims.iat) * 1000 : claims.exp * 1000
    }
    return { token, claims, capabilities: claims ? capabilitiesFromClaims(claims) : null, localExpiresAt }
  }

  private dropToken(): void {
    if (!this.state) return
    this.state = null
    this.options.onTokenChange?.(null, null)
  }

  private needsRefresh(state: TokenState): boolean {
    return state.localExpiresAt - this.now() <= this.refreshMarginMs
  }

  private async ensureToken(signal: AbortSignal | undefined, endpoint: string): Promise<TokenState> {
    const state = this.state
    if (state && !this.needsRefresh(state)) return state
    if (state) this.log.info(`token expires in ${Math.round((state.localExpiresAt - this.now()) / 1000)} s; logging in again before ${endpoint}`)
    return raceAbort(this.sharedLogin(), signal, endpoint)
  }

  /** One login at a time: concurrent callers share it. Not tied to any caller's AbortSignal. */
  private sharedLogin(): Promise<TokenState> {
    this.loginInFlight ??= this.doLogin().finally(() => {
      this.loginInFlight = null
    })
    return this.loginInFlight
  }

  private async doLogin(): Promise<TokenState> {
    let data: { token?: unknown }
    try {
      data = await this.withRetries('auth.login', true, {}, () => this.send<{ token?: unknown }>('auth.login', {}, { kind: 'basic' }, {}))
    } catch (err) {
      if (err instanceof ClearmlError && err.kind === 'auth') {
        const which = err.subcode === 20 || err.subcode === 21 || err.subcode === 22 || !this.accessKey || !this.secretKey
        throw new ClearmlError({
          code: err.code,
          subcode: err.subcode,
          endpoint: 'auth.login',
          kind: 'auth',
          message: which ? `Invalid access key or secret key (${err.code}/${err.subcode})` : `Login refused: ${err.message} (${err.code}/${err.subcode})`,
          serverMessage: err.serverMessage,
          status: err.status,
          retriable: false
        })
      }
      throw err
    }
    const token = data?.token
    if (typeof token !== 'string' || !decodeTokenClaims(token)) {
      throw new ClearmlError({ code: 0, endpoint: 'auth.login', kind: 'server', message: `${displayUrl(this.apiUrl)} answered auth.login without a usable token`, retriable: false })
    }
    const state = this.makeState(token)
    if (this.needsRefresh(state)) {
      this.log.warn(`the server issues tokens valid for less than ${this.refreshMarginMs / 1000} s; every call will log in again`)
    }
    this.state = state
    const caps = state.capabilities!
    this.log.info(`logged in to ${displayUrl(this.apiUrl)} as ${caps.identity.user_name || caps.identity.user} (server ${caps.serverVersion}, API ${caps.apiVersion}, ${caps.featureSet})`)
    this.options.onTokenChange?.(token, caps)
    return state
  }

  // ---------------------------------------------------------------------------------- transport

  private async withRetries<T>(endpoint: string, idempotent: boolean, opts: CallOptions, attempt: () => Promise<T>): Promise<T> {
    const retries = Math.max(0, opts.retries ?? this.retries)
    for (let n = 0; ; n++) {
      try {
        return await attempt()
      } catch (err) {
        if (!(err instanceof ClearmlError) || n >= retries || opts.signal?.aborted || this.closed || !this.shouldRetry(err, idempotent)) throw err
        const backoff = Math.min(BACKOFF_MAX_MS, (this.options.retryBaseMs ?? BACKOFF_BASE_MS) * 2 ** n)
        const wait = err.retryAfterMs !== undefined ? Math.min(err.retryAfterMs, RETRY_AFTER_MAX_MS) : Math.round(backoff / 2 + (this.random() * backoff) / 2)
        this.log.warn(`${endpoint}: ${err.message}; retry ${n + 1}/${retries} in ${wait} ms`)
        await delay(wait, opts.signal, endpoint)
      }
    }
  }

  private shouldRetry(err: ClearmlError, idempotent: boolean): boolean {
    if (!err.retriable) return false
    if (err.kind === 'network') return idempotent || NOT_SENT_CODES.has(err.networkCode ?? '')
    if (err.kind === 'timeout') return idempotent && err.code === 0
    // the server answered: a 4xx other than 429 is final; 429/503 mean "not processed, come back later"
    if (err.code === 429 || err.code === 503) return true
    return idempotent && (err.code === 500 || err.code === 502 || err.code === 504)
  }

  private agents(): { httpAgent?: http.Agent; httpsAgent?: https.Agent } {
    if (this.agentError) return {}
    if (this.apiUrl.startsWith('https:')) {
      if (!this.httpsAgent) {
        let ca: string[] | undefined
        if (this.options.caFile) {
          try {
            // Only a regular file of a sensible size: a FIFO or a device would block or exhaust the process.
            const st = statSync(this.options.caFile)
            if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' })
            if (st.size > MAX_CA_FILE_BYTES) throw Object.assign(new Error('larger than 1 MB'), { code: 'larger than 1 MB' })
            ca = [...rootCertificates, readFileSync(this.options.caFile, 'utf8')]
          } catch (err) {
            this.agentError = `Cannot read the CA file ${this.options.caFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`
            return {}
          }
        }
        this.httpsAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: this.options.verifyTls !== false, ...(ca && { ca }) })
      }
      return { httpsAgent: this.httpsAgent }
    }
    this.httpAgent ??= new http.Agent({ keepAlive: true })
    return { httpAgent: this.httpAgent }
  }

  private async send<T>(endpoint: string, data: object, auth: AuthMode, opts: CallOptions): Promise<T> {
    if (this.closed) throw abortedError(endpoint)
    const agents = this.agents()
    if (this.agentError) throw new ClearmlError({ code: 0, endpoint, kind: 'network', networkCode: 'CA_FILE', message: this.agentError, retriable: false })
    const url = `${this.apiUrl}/${opts.apiVersion ? `v${opts.apiVersion}/` : ''}${endpoint}`
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'X-Clearml-Client': this.clientId
    }
    if (auth.kind === 'basic') headers.Authorization = 'Basic ' + Buffer.from(`${this.accessKey}:${this.secretKey}`, 'utf8').toString('base64')
    else if (auth.kind === 'bearer') headers.Authorization = `Bearer ${auth.token}`
    if (opts.impersonate && auth.kind === 'bearer') headers['X-Clearml-Impersonate-As'] = opts.impersonate
    const timeout = opts.timeoutMs ?? this.timeoutMs

    let res: AxiosResponse<string>
    try {
      res = await this.http.request<string>({
        method: 'POST',
        url,
        data: JSON.stringify(data),
        headers,
        timeout,
        signal: opts.signal,
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
        validateStatus: () => true,
        transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
        ...agents
      })
    } catch (err) {
      throw this.transportError(endpoint, err, opts.signal, timeout)
    }
    return this.unwrap<T>(endpoint, url, res)
  }

  private transportError(endpoint: string, err: unknown, signal: AbortSignal | undefined, timeout: number): ClearmlError {
    if (signal?.aborted || axios.isCancel(err)) return abortedError(endpoint)
    const e = err as { code?: string; message?: string; cause?: { code?: string }; errors?: Array<{ code?: string }> }
    let code = e.code
    if (!code || code === 'ERR_NETWORK' || code === 'ERR_BAD_REQUEST') code = e.cause?.code ?? e.errors?.[0]?.code ?? code
    const where = displayUrl(this.apiUrl)
    if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || /timeout/i.test(e.message ?? '')) {
      return new ClearmlError({ code: 0, endpoint, kind: 'timeout', networkCode: code, message: `${where} did not answer ${endpoint} within ${timeout} ms` })
    }
    const phrase = networkPhrase(code, redactString(e.message ?? 'unknown network error'))
    const tls = isTlsCode(code)
    return new ClearmlError({
      code: 0,
      endpoint,
      kind: 'network',
      networkCode: code,
      message: tls ? `TLS error talking to ${where}: ${phrase}` : `Cannot reach ${where}: ${phrase}`,
      retriable: !tls && !PERMANENT_NETWORK_CODES.has(code ?? '')
    })
  }

  private unwrap<T>(endpoint: string, url: string, res: AxiosResponse<string>): T {
    let body: { meta?: Record<string, unknown>; data?: unknown } | undefined
    try {
      body = typeof res.data === 'string' && res.data.length > 0 ? JSON.parse(res.data) : undefined
    } catch {
      body = undefined
    }
    const meta = body && typeof body === 'object' && body.meta && typeof body.meta === 'object' ? body.meta : undefined
    const status = res.status
    const retryAfter = res.headers?.['retry-after']
    const retryAfterSec = typeof retryAfter === 'string' && /^\d+(\.\d+)?$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined
    const retryAfterMs = retryAfterSec !== undefined ? retryAfterSec * 1000 : undefined

    if (!meta) {
      const where = displayUrl(url)
      if (status >= 200 && status < 300) {
        throw new ClearmlError({
          code: status,
          endpoint,
          kind: 'server',
          message: `${where} answered HTTP ${status} but not with a ClearML API response; is ${displayUrl(this.apiUrl)} the API server URL (not the web app)?`,
          retriable: false
        })
      }
      if (status >= 300 && status < 400) {
        throw new ClearmlError({ code: status, endpoint, kind: 'server', message: `${where} redirected (HTTP ${status}); use the final API server URL`, retriable: false })
      }
      throw new ClearmlError({ code: status, endpoint, kind: kindForCode(status), message: `HTTP ${status}${res.statusText ? ' ' + res.statusText : ''} from ${where}`, retryAfterMs })
    }
    const code = typeof meta.result_code === 'number' ? meta.result_code : status
    const subcode = typeof meta.result_subcode === 'number' ? meta.result_subcode : 0
    if (code >= 200 && code < 300 && status >= 200 && status < 300) return (body!.data ?? {}) as T
    const serverMessage = typeof meta.result_msg === 'string' && meta.result_msg ? meta.result_msg : `HTTP ${status}`
    const errCode = code >= 400 ? code : status
    return this.throwApiError(endpoint, errCode, subcode, serverMessage, retryAfterMs)
  }

  private throwApiError(endpoint: string, code: number, subcode: number, serverMessage: string, retryAfterMs: number | undefined): never {
    throw new ClearmlError({ code, subcode, endpoint, kind: kindForCode(code), message: serverMessage, serverMessage, retryAfterMs })
  }
}
