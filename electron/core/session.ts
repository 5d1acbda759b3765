// The active connection: one ClearML client, the online/offline state, and automatic reconnection.
import { ApiError, type AppStatus, type Capabilities, type ConnectionState, type Identity } from '../../shared/api'
import { ClearmlClient, ClearmlError } from './clearml'
import { createLogger } from './log'
import type { ConnectionRepo, StoredConnection } from './connections/repo'

const log = createLogger('session')

/** The request never got an answer (as opposed to an answer that is an error). */
function unreachable(err: unknown): boolean {
  return err instanceof ClearmlError && (err.kind === 'network' || err.kind === 'timeout')
}

export interface SessionOptions {
  /** First reconnect delay; doubles up to retryMaxMs. */
  retryMinMs?: number
  retryMaxMs?: number
  timeoutMs?: number
  /** While online, check the server this often so a lost server shows as offline without user action. */
  heartbeatMs?: number
  clientVersion: string
  /** Transport failures in a row (calls that could not reach the server) before the session goes offline. */
  failuresBeforeOffline?: number
}

export class Session {
  state: ConnectionState = 'none'
  reason: string | null = null
  since = Date.now()
  nextRetryAt: number | null = null
  capabilities: Capabilities | null = null
  identity: Identity | null = null
  private client: ClearmlClient | null = null
  private conn: StoredConnection | null = null
  private retryTimer: NodeJS.Timeout | null = null
  private heartbeatTimer: NodeJS.Timeout | null = null
  private retryDelay: number
  private connecting: Promise<void> | null = null
  private generation = 0
  /** Aborted when the session goes offline or switches connection: in-flight calls stop retrying at once. */
  private liveCalls = new AbortController()
  private transportFailures = 0
  private probing: Promise<void> | null = null

  constructor(
    private readonly repo: ConnectionRepo,
    private readonly emitStatus: () => void,
    private readonly opts: SessionOptions
  ) {
    this.retryDelay = opts.retryMinMs ?? 1000
  }

  get connection(): StoredConnection | null {
    return this.conn
  }

  /** Switch to a connection (or none) and connect in the background. */
  activate(id: string | null): void {
    this.generation++
    this.abortLiveCalls()
    this.transportFailures = 0
    this.clearRetry()
    this.stopHeartbeat()
    // An attempt for the previous connection may still be in flight: it no longer counts.
    this.connecting = null
    this.client = null
    this.capabilities = null
    this.identity = null
    this.conn = id ? (this.repo.get(id) ?? null) : null
    this.retryDelay = this.opts.retryMinMs ?? 1000
    if (!this.conn) {
      this.setState('none', null)
      return
    }
    const secret = this.repo.secretOf(this.conn)
    if (!secret) {
      this.setState('auth_failed', 'The stored secret key cannot be read on this machine; edit the connection and enter it again.')
      return
    }
    this.client = new ClearmlClient({
      apiUrl: this.conn.apiUrl,
      accessKey: this.conn.accessKey,
      secretKey: secret,
      verifyTls: this.conn.verifyTls,
      caFile: this.conn.caFile ?? undefined,
      timeoutMs: this.opts.timeoutMs,
      clientId: `clearml-admin-console-${this.opts.clientVersion}`
    })
    // A new connection starts from "connecting" (never the previous one's "online": its heartbeat was stopped
    // above and restarts only on the way into online).
    this.setState('connecting', null)
    void this.connect()
  }

  /** Try now (also used by "Retry now"). Resolves when the attempt is over. */
  connect(): Promise<void> {
    if (!this.client) return Promise.resolve()
    if (this.connecting) return this.connecting
    const gen = this.generation
    const client = this.client
    this.clearRetry()
    // First contact shows "connecting"; while offline the retries stay quietly "offline".
    if (this.state !== 'online' && this.state !== 'offline') this.setState('connecting', this.reason)
    this.connecting = (async () => {
      try {
        await client.login()
        if (gen !== this.generation) return
        this.readCapabilities(client)
        await this.readFeatures(client, gen)
        if (gen !== this.generation) return
        this.retryDelay = this.opts.retryMinMs ?? 1000
        this.setState('online', null)
      } catch (err) {
        if (gen !== this.generation) return
        this.handleFailure(err)
      } finally {
        if (gen === this.generation) this.connecting = null
      }
    })()
    return this.connecting
  }

  /**
   * Call the server through the active client. A server that answers with an error stays online; a server
   * that cannot be reached turns the session offline only when a quick ping confirms it, or after
   * `failuresBeforeOffline` such failures in a row — so one reset or stalled answer does not flip the
   * status. Going offline aborts every call still retrying.
   */
  async call<T>(endpoint: string, data?: Record<string, unknown>, opts: { signal?: AbortSignal; impersonate?: string; timeoutMs?: number } = {}): Promise<T> {
    const client = this.requireClient()
    const gen = this.generation
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.liveCalls.signal]) : this.liveCalls.signal
    try {
      const result = await client.call<T>(endpoint, data, { signal, ...(opts.impersonate && { impersonate: opts.impersonate }), ...(opts.timeoutMs && { timeoutMs: opts.timeoutMs }) })
      if (gen !== this.generation) return result
      this.transportFailures = 0
      if (this.state !== 'online') {
        this.readCapabilities(client)
        this.setState('online', null)
      }
      return result
    } catch (err) {
      if (gen === this.generation && err instanceof ClearmlError) {
        if (err.kind === 'network' || err.kind === 'timeout') this.transportFailed(err)
        else if (err.kind === 'auth' && err.subcode !== 30) this.handleFailure(err)
        else if (err.kind !== 'aborted') this.transportFailures = 0
      }
      throw err
    }
  }

  /** The signal that aborts when the session stops being usable (offline, switched, closed). */
  get liveSignal(): AbortSignal {
    return this.liveCalls.signal
  }

  private transportFailed(err: ClearmlError): void {
    if (this.state !== 'online') return
    this.transportFailures++
    if (this.transportFailures >= (this.opts.failuresBeforeOffline ?? 3)) {
      this.handleFailure(err)
      return
    }
    // One failure: is the server gone, or did one request fail? Ask it directly, once at a time.
    if (this.probing || !this.client) return
    const gen = this.generation
    const client = this.client
    this.probing = client
      .ping({ retries: 2, timeoutMs: 5000 })
      .then(
        () => undefined,
        (e) => {
          if (gen === this.generation && this.state === 'online' && unreachable(e)) this.handleFailure(e)
        }
      )
      .finally(() => (this.probing = null))
  }

  private abortLiveCalls(): void {
    this.liveCalls.abort()
    this.liveCalls = new AbortController()
  }

  requireClient(): ClearmlClient {
    if (!this.conn) throw new ApiError('no_connection', 'No active connection. Add or activate one under Connections.')
    if (!this.client) throw new ApiError('auth', this.reason ?? 'The connection cannot be used.')
    return this.client
  }

  status(): Pick<AppStatus, 'state' | 'reason' | 'since' | 'nextRetryAt' | 'capabilities' | 'identity'> {
    return { state: this.state, reason: this.reason, since: this.since, nextRetryAt: this.nextRetryAt, capabilities: this.capabilities, identity: this.identity }
  }

  close(): void {
    this.generation++
    this.abortLiveCalls()
    this.clearRetry()
    this.stopHeartbeat()
    this.client = null
  }

  private readCapabilities(client: ClearmlClient) {
    try {
      const caps = client.capabilities()
      if (!caps) return
      this.capabilities = { apiVersion: caps.apiVersion, serverVersion: caps.serverVersion, featureSet: caps.featureSet, enterprise: caps.enterprise, features: this.capabilities?.features ?? null }
      const id = caps.identity
      if (id) this.identity = { userId: id.user, userName: id.user_name, companyId: id.company, companyName: id.company_name, role: id.role }
    } catch (e) {
      log.warn('could not read capabilities from the token', { message: (e as Error).message })
    }
  }

  /** Capability detection as the published API offers it: users.get_current_user {get_supported_features}. */
  private async readFeatures(client: ClearmlClient, gen: number): Promise<void> {
    try {
      const r = await client.call<{ supported_features?: unknown }>('users.get_current_user', { get_supported_features: true }, { signal: this.liveCalls.signal })
      const list = Array.isArray(r.supported_features) ? r.supported_features.filter((f): f is string => typeof f === 'string') : null
      if (gen === this.generation && this.capabilities) this.capabilities = { ...this.capabilities, features: list }
    } catch (e) {
      log.debug('the server did not list its supported features', { message: (e as Error).message })
    }
  }

  private handleFailure(err: unknown) {
    const e = err instanceof ClearmlError ? err : null
    if (e && e.kind === 'auth') {
      this.clearRetry()
      this.setState('auth_failed', e.message)
      return
    }
    const reason = e ? e.message : `Unexpected failure: ${(err as Error)?.message ?? String(err)}`
    this.scheduleRetry()
    this.setState('offline', reason)
  }

  private scheduleRetry() {
    this.clearRetry()
    const delay = this.retryDelay
    this.retryDelay = Math.min(this.retryDelay * 2, this.opts.retryMaxMs ?? 15000)
    this.nextRetryAt = Date.now() + delay
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.nextRetryAt = null
      void this.connect()
    }, delay)
    this.retryTimer.unref?.()
  }

  private clearRetry() {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.nextRetryAt = null
  }

  private startHeartbeat() {
    this.stopHeartbeat()
    const every = this.opts.heartbeatMs ?? 15000
    if (!every || !this.client) return
    const gen = this.generation
    const client = this.client
    this.heartbeatTimer = setInterval(() => {
      if (gen !== this.generation || this.state !== 'online') return
      client.ping({ retries: 1, timeoutMs: 5000 }).catch((err) => {
        // A server that answers, even with an error, is not gone.
        if (gen === this.generation && this.state === 'online' && unreachable(err)) this.handleFailure(err)
      })
    }, every)
    this.heartbeatTimer.unref?.()
  }

  private stopHeartbeat() {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = null
  }

  private setState(state: ConnectionState, reason: string | null) {
    if (state === 'online' && this.state !== 'online') {
      this.transportFailures = 0
      this.startHeartbeat()
    }
    if (state !== 'online') this.stopHeartbeat()
    if ((state === 'offline' || state === 'auth_failed') && this.state !== state) this.abortLiveCalls()
    const changed = state !== this.state || reason !== this.reason
    if (state !== this.state) this.since = Date.now()
    this.state = state
    this.reason = reason
    if (changed || state === 'offline') this.emitStatus()
  }
}
