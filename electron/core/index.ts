// The core's composition root: plain Node, never imports 'electron'. It opens the database and the secret
// store, builds the session and the data layer, and spreads every feature's handlers into one table.
// Transports (Electron IPC, the web host) call `core.dispatch(method, input, meta)` and subscribe with `core.on`.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ApiError, CONSOLE_VERSION, type AppStatus, type MethodInput, type MethodName, type MethodOutput, type DataChanged, type EventName, type Events, type Handlers } from '../../shared/api'
import { appHandlers, buildStatus } from './app/handlers'
import { configHandlers } from './config/handlers'
import { connectionsHandlers } from './connections/handlers'
import { ConnectionRepo } from './connections/repo'
import type { CoreContext } from './context'
import { DataLayer } from './data'
import { coreMigrations, openDatabase, type Db } from './db'
import { createDispatch, type CallMeta, type Dispatch } from './dispatch'
import { acquireInstanceLock } from './instance-lock'
import { createLogger } from './log'
import { profileHandlers } from './profile/handlers'
import { draftsHandlers } from './drafts/handlers'
import { DraftEngine } from './drafts/engine'
import { DraftRepo } from './drafts/repo'
import { vaultsHandlers } from './vaults/handlers'
import { vaultProvisioner } from './vaults/provisioner'
import { cachedConfig, resourcesHandlers } from './resources/handlers'
import { resourceLocal, resourcesProvisioner } from './resources/provisioner'
import { userSettingsHandlers } from './user-settings/handlers'
import { adminUsersHandlers } from './admin-users/handlers'
import { identityProvidersHandlers } from './identity-providers/handlers'
import { serviceAccountsHandlers } from './service-accounts/handlers'
import { accessRulesHandlers } from './access-rules/handlers'
import { usageHandlers } from './usage/handlers'
import { createKeyFileStore, type SecretStore } from './secrets'
import { Session } from './session'

export type { CallMeta, Dispatch, Envelope } from './dispatch'
export { InstanceLockError } from './instance-lock'

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
  /** Overall deadline of one read (retries included) before the cache answers. */
  readDeadlineMs?: number
}

export interface Core {
  /** Validate, guard, run and wrap one call: the only way transports reach the handlers. */
  dispatch: Dispatch
  /** dispatch for in-process callers (demo, CLI, tests): the result, or the typed error thrown. */
  invoke<M extends MethodName>(method: M, input: MethodInput<M>, meta?: CallMeta): Promise<MethodOutput<M>>
  /** The handler table, for tests that call a method directly (no validation, no guard). */
  handlers: Handlers
  on<E extends EventName>(event: E, cb: (payload: Events[E]) => void): () => void
  status(): AppStatus
  close(): Promise<void>
  /** For tests: the database handle. */
  readonly db: Db
}

export async function createCore(opts: CoreOptions): Promise<Core> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 })
  // One console per data folder: a second one would fight over the database (InstanceLockError says who holds it).
  const lock = acquireInstanceLock(opts.dataDir)
  let db: Db
  try {
    db = openDatabase(join(opts.dataDir, 'console.db'), { migrations: coreMigrations })
  } catch (e) {
    lock.release()
    throw e
  }
  if (db.recovered) log.warn('local cache was recovered', { reason: db.recovered.reason })
  const secrets = opts.secretStore ?? createKeyFileStore(join(opts.dataDir, 'secret.key'))
  const clientVersion = opts.clientVersion ?? CONSOLE_VERSION

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
  const announce = (e: DataChanged) => emit('data.changed', e)

  const connections = new ConnectionRepo(db, secrets)
  const session: Session = new Session(connections, () => emit('status', status()), {
    clientVersion,
    retryMinMs: opts.retryMinMs,
    retryMaxMs: opts.retryMaxMs,
    timeoutMs: opts.requestTimeoutMs,
    heartbeatMs: opts.heartbeatMs
  })
  const data = new DataLayer(db, session, announce, { readDeadlineMs: opts.readDeadlineMs })
  const status = () => buildStatus({ db, secrets, session, clientVersion })
  const drafts = new DraftRepo(db, secrets)
  const resources = resourceLocal(db)
  const engine = new DraftEngine({
    db,
    secrets,
    drafts,
    provisioners: { vault: vaultProvisioner(session), resources: resourcesProvisioner(session, resources, () => cachedConfig(db, session)) },
    active: () => {
      const c = session.connection
      return c ? { id: c.id, name: c.name, apiUrl: c.apiUrl, user: session.identity?.userName ?? c.accessKey } : null
    },
    requireOnline: (what) => {
      if (!session.connection) throw new ApiError('no_connection', 'No active connection. Add or activate one under Connections.')
      if (session.state !== 'online') throw new ApiError('offline', `The server is needed to ${what}, and it cannot be reached: ${session.reason ?? 'offline'}. Your drafts are kept.`)
    },
    progress: (p) => emit('drafts.progress', p)
  })
  const ctx: CoreContext = { db, secrets, session, data, connections, drafts, engine, clientVersion, status, announce }

  const handlers: Handlers = {
    ...appHandlers(ctx),
    ...connectionsHandlers(ctx),
    ...configHandlers(),
    ...profileHandlers(ctx),
    ...draftsHandlers(ctx),
    ...vaultsHandlers(ctx),
    ...resourcesHandlers(ctx, resources),
    ...userSettingsHandlers(ctx),
    ...adminUsersHandlers(ctx),
    ...identityProvidersHandlers(ctx),
    ...serviceAccountsHandlers(ctx),
    ...accessRulesHandlers(ctx),
    ...usageHandlers(ctx)
  }
  const dispatch = createDispatch({
    handlers,
    active: () => {
      const c = session.connection
      return c ? { id: c.id, name: c.name, production: c.production } : null
    },
    announce
  })

  session.activate(connections.activeId())

  return {
    dispatch,
    async invoke(method, input, meta) {
      const out = await dispatch(method, input, meta)
      if (out.ok) return out.result as never
      throw ApiError.from(out.error)
    },
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
      try {
        await db.close()
      } finally {
        lock.release()
      }
    }
  }
}
