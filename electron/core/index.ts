// The core: plain Node, never imports 'electron'. Both transports (IPC and the web host) drive it
// through `dispatch(core.handlers, method, input)` and subscribe to its events with `core.on`.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { AppStatus, Events, EventName, Handlers, TestConnectionResult } from '../../shared/api'
import { convertConfig, handleValidateRequest } from '../../shared/config'
import { ClearmlClient, ClearmlError } from './clearml'
import { coreMigrations, openDatabase, type Db } from './db'
import { createLogger } from './log'
import type { SecretStore } from './secrets'
import { createKeyFileStore } from './secrets'
import { CacheStore } from './services/cache-store'
import { ConnectionRepo, publicInfo } from './services/connections'
import { ProfileService } from './services/profile'
import { Session } from './services/session'

export { dispatch, type Envelope } from './dispatch'

const log = createLogger('core')

export interface CoreOptions {
  /** Folder for the SQLite cache (and the key file when no secret store is given). */
  dataDir: string
  /** Where secrets are encrypted. Default: AES-256-GCM with a 0600 key file in dataDir. */
  secretStore?: SecretStore
  clientVersion?: string
  /** Reconnect backoff; tests shorten it. */
  retryMinMs?: number
  retryMaxMs?: number
  requestTimeoutMs?: number
  heartbeatMs?: number
}

export interface Core {
  handlers: Handlers
  on<E extends EventName>(event: E, cb: (payload: Events[E]) => void): () => void
  status(): AppStatus
  close(): Promise<void>
  /** For tests: the database handle. */
  readonly db: Db
}

export const CLIENT_VERSION = '0.1.0'

export async function createCore(opts: CoreOptions): Promise<Core> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 })
  const db = openDatabase(join(opts.dataDir, 'console.db'), { migrations: coreMigrations })
  if (db.recovered) log.warn('local cache was recovered', { reason: db.recovered.reason })
  const secrets = opts.secretStore ?? createKeyFileStore(join(opts.dataDir, 'secret.key'))
  const clientVersion = opts.clientVersion ?? CLIENT_VERSION

  const listeners = new Map<EventName, Set<(p: unknown) => void>>()
  const emit = <E extends EventName>(event: E, payload: Events[E]) => {
    for (const cb of listeners.get(event) ?? []) {
      try {
        cb(payload)
      } catch (e) {
        log.warn('event listener failed', { event, message: (e as Error).message })
      }
    }
  }

  const repo = new ConnectionRepo(db, secrets)
  const cache = new CacheStore(db, (connectionId, kinds) => emit('cache.changed', { connectionId, kinds }))
  const session: Session = new Session(repo, () => emit('status', status()), {
    clientVersion,
    retryMinMs: opts.retryMinMs,
    retryMaxMs: opts.retryMaxMs,
    timeoutMs: opts.requestTimeoutMs,
    heartbeatMs: opts.heartbeatMs
  })
  const profile = new ProfileService(session, cache)
  session.onOnline(() => {
    // Refresh what the screens show as soon as the server is back.
    const conn = session.connection
    if (conn) profile.get(true).catch((e) => log.warn('profile refresh after reconnect failed', { message: (e as Error).message }))
  })

  function status(): AppStatus {
    const conn = session.connection
    return {
      clientVersion,
      activeConnectionId: conn?.id ?? null,
      activeConnectionName: conn?.name ?? null,
      production: conn?.production ?? false,
      ...session.status(),
      secretStore: {
        method: secrets.method,
        available: secrets.available,
        description: secrets.available ? `Secrets are encrypted (${secrets.method}).` : 'No safe secret storage is available on this machine.'
      },
      databaseRecovered: db.recovered ? { reason: db.recovered.reason, movedTo: db.recovered.movedTo } : null
    }
  }

  async function testClient(client: ClearmlClient): Promise<TestConnectionResult> {
    let latencyMs: number
    try {
      latencyMs = (await client.ping()).latencyMs
    } catch (err) {
      return { ok: false, latencyMs: null, serverVersion: null, apiVersion: null, featureSet: null, user: null, failedStep: 'ping', message: (err as Error).message }
    }
    try {
      await client.login()
      const caps = client.capabilities()
      const id = caps?.identity
      return {
        ok: true,
        latencyMs,
        serverVersion: caps?.serverVersion ?? null,
        apiVersion: caps?.apiVersion ?? null,
        featureSet: caps?.featureSet ?? null,
        user: id ? { name: id.user_name, role: id.role, company: id.company_name } : null,
        failedStep: null,
        message: `Connected in ${latencyMs} ms`
      }
    } catch (err) {
      const msg = err instanceof ClearmlError ? err.message : (err as Error).message
      return { ok: false, latencyMs, serverVersion: null, apiVersion: null, featureSet: null, user: null, failedStep: 'login', message: msg }
    }
  }

  const handlers: Handlers = {
    'app.status': async () => status(),
    'app.reconnect': async () => {
      await session.connect()
      return status()
    },
    'connections.list': async () => repo.list().map(publicInfo),
    'connections.create': async ({ activate, ...input }) => {
      const created = repo.create(input)
      if (activate || !repo.activeId()) {
        repo.setActive(created.id)
        session.activate(created.id)
      }
      return publicInfo(repo.require(created.id))
    },
    'connections.update': async ({ id, patch }) => {
      const updated = repo.update(id, patch)
      if (session.connection?.id === id) session.activate(id)
      return publicInfo(updated)
    },
    'connections.delete': async ({ id }) => {
      repo.require(id)
      const wasActive = session.connection?.id === id
      const deleted = repo.delete(id)
      if (wasActive) {
        repo.setActive(null)
        session.activate(null)
      }
      return { deleted }
    },
    'connections.activate': async ({ id }) => {
      repo.require(id)
      repo.setActive(id)
      session.activate(id)
      await session.connect()
      return status()
    },
    'connections.test': async (input) => {
      if ('id' in input) {
        const c = repo.require(input.id)
        const secret = repo.secretOf(c)
        if (!secret) return { ok: false, latencyMs: null, serverVersion: null, apiVersion: null, featureSet: null, user: null, failedStep: 'login', message: 'The stored secret key cannot be read on this machine; enter it again.' }
        return testClient(new ClearmlClient({ apiUrl: c.apiUrl, accessKey: c.accessKey, secretKey: secret, verifyTls: c.verifyTls, caFile: c.caFile ?? undefined, retries: 0, timeoutMs: 8000 }))
      }
      const d = input.draft
      if (!d.secretKey) return { ok: false, latencyMs: null, serverVersion: null, apiVersion: null, featureSet: null, user: null, failedStep: 'login', message: 'Enter the secret key to test.' }
      return testClient(new ClearmlClient({ apiUrl: d.apiUrl.replace(/\/+$/, ''), accessKey: d.accessKey, secretKey: d.secretKey, verifyTls: d.verifyTls, caFile: d.caFile ?? undefined, retries: 0, timeoutMs: 8000 }))
    },
    'config.validate': async ({ text, format, adminVault }) => {
      const { diagnostics } = handleValidateRequest({ id: 0, text, format, adminVault })
      return {
        diagnostics,
        errors: diagnostics.filter((d) => d.severity === 'error').length,
        warnings: diagnostics.filter((d) => d.severity === 'warning').length
      }
    },
    'config.convert': async ({ text, from, to }) => {
      const r = convertConfig(text, from, to)
      return { text: r.text ?? null, diagnostics: r.diagnostics, lostComments: r.lostComments }
    },
    'profile.get': async ({ refresh }) => profile.get(refresh),
    'profile.rename': async ({ name }) => profile.rename(name)
  }

  session.activate(repo.activeId())

  return {
    handlers,
    db,
    status,
    on(event, cb) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(cb as (p: unknown) => void)
      return () => set.delete(cb as (p: unknown) => void)
    },
    async close() {
      session.close()
      await db.close()
    }
  }
}
