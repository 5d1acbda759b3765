// The active connection: one ClearML client, the online/offline state, and automatic reconnection.
import { ApiError, type AppStatus, type Capabilities, type ConnectionState, type Identity } from '../../../shared/api'
import { ClearmlClient, ClearmlError } from '../clearml'
import { createLogger } from '../log'
import type { ConnectionRepo, StoredConnection } from './connections'

const log = createLogger('session')

export interface SessionOptions {
  /** First reconnect delay; doubles up to retryMaxMs. */
  retryMinMs?: number
  retryMaxMs?: number
  timeoutMs?: number
  /** While online, check the server this often so a lost server shows as offline without user action. */
  heartbeatMs?: number
  clientVersion: string
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
  private readonly onlineListeners: Array<() => void> = []

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

  onOnline(cb: () => void): void {
    this.onlineListeners.push(cb)
  }

  /** Switch to a connection (or none) and connect in the background. */
  activate(id: string | null): void {
    this.generation++
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
        this.retryDelay = this.opts.retryMinMs ?? 1000
        this.setState('online', null)
        for (const cb of this.onlineListeners) {
          try {
            cb()
          } catch (e) {
            log.warn('online listener failed', { message: (e as Error).message })
          }
        }
      } catch (err) {
        if (gen !== this.generation) return
        this.handleFailure(err)
      } finally {
        if (gen === this.generation) this.connecting = null
      }
    })()
    return this.connecting
  }

  /** Call the server through the active client; network failures turn the session offline. */
  async call<T>(endpoint: string, data?: Record<string, unknown>): Promise<T> {
    const client = this.requireClient()
    try {
      const result = await client.call<T>(endpoint, data)
      if (this.state !== 'online') {
        this.readCapabilities(client)
        this.setState('online', null)
      }
      return result
    } catch (err) {
      if (err instanceof ClearmlError && (err.kind === 'network' || err.kind === 'timeout' || (err.kind === 'auth' && err.subcode !== 30))) {
        this.handleFailure(err)
      }
      throw err
    }
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
    this.clearRetry()
    this.stopHeartbeat()
    this.client = null
  }

  private readCapabilities(client: ClearmlClient) {
    try {
      const caps = client.capabilities()
      if (!caps) return
      this.capabilities = { apiVersion: caps.apiVersion, serverVersion: caps.serverVersion, featureSet: caps.featureSet, enterprise: caps.enterprise }
      const id = caps.identity
      if (id) this.identity = { userId: id.user, userName: id.user_name, companyId: id.company, companyName: id.company_name, role: id.role }
    } catch (e) {
      log.warn('could not read capabilities from the token', { message: (e as Error).message })
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
      client.ping({ retries: 0, timeoutMs: 5000 }).catch((err) => {
        if (gen === this.generation && this.state === 'online') this.handleFailure(err)
      })
    }, every)
    this.heartbeatTimer.unref?.()
  }

  private stopHeartbeat() {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = null
  }

  private setState(state: ConnectionState, reason: string | null) {
    if (state === 'online' && this.state !== 'online') this.startHeartbeat()
    if (state !== 'online') this.stopHeartbeat()
    const changed = state !== this.state || reason !== this.reason
    if (state !== this.state) this.since = Date.now()
    this.state = state
    this.reason = reason
    if (changed || state === 'offline') this.emitStatus()
  }
}
