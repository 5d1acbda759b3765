// The core's data layer: the one cache-first read-through every read service uses, and the one place
// that announces changed data (`data.changed { topics }`) to the renderers.
import { ApiError, type Cached, type DataChanged, type Topic } from '../../shared/api'
import { ClearmlError } from './clearml'
import { cacheGet, cachePut, type Db } from './db'
import type { Session } from './session'

export interface DataLayerOptions {
  /** Overall deadline of one read, retries and reconnect included; past it the cache answers. */
  readDeadlineMs?: number
}

export interface ReadRequest<T> {
  topic: Topic
  /** Key within the topic (one cached value per key and connection). */
  key: string
  /**
   * Wait for the server. Without it, a read while the session is still connecting answers from the cache at
   * once (the screen reloads when the session comes online); with it, the read waits (up to the deadline).
   */
  refresh: boolean
  /** What a person would call the data, for messages: "profile", "users list". */
  what: string
  /** Fetch from the server. Must pass the signal on to the session's calls. */
  fetch: (signal: AbortSignal) => Promise<T>
}

export class DataLayer {
  private readonly deadlineMs: number

  constructor(
    private readonly db: Db,
    private readonly session: Session,
    private readonly announce: (e: DataChanged) => void,
    opts: DataLayerOptions = {}
  ) {
    this.deadlineMs = opts.readDeadlineMs ?? 15_000
  }

  /**
   * No connection → typed error; offline → the cache (with its age) or a typed error; otherwise fetch,
   * store and answer — and when the fetch cannot reach the server, or the deadline passes, the cache.
   */
  async read<T>(req: ReadRequest<T>): Promise<Cached<T>> {
    const conn = this.session.connection
    if (!conn) throw new ApiError('no_connection', 'No active connection. Add or activate one under Connections.')
    const cached = cacheGet(this.db, conn.id, req.topic, req.key)
    const fromCache = (): Cached<T> | null => (cached ? { value: cached.value as T, source: 'cache', fetchedAt: cached.fetchedAt } : null)
    const offline = () =>
      new ApiError('offline', `${this.session.reason ?? 'The server cannot be reached'}. No cached ${req.what} is available yet.`)

    if (this.session.state === 'offline' || this.session.state === 'auth_failed') {
      const hit = fromCache()
      if (hit) return hit
      throw offline()
    }

    if (this.session.state === 'connecting' && !req.refresh) {
      const hit = fromCache()
      if (hit) return hit
    }
    const deadline = AbortSignal.timeout(this.deadlineMs)
    try {
      if (this.session.state === 'connecting') await raceDeadline(this.session.connect(), deadline)
      if (this.session.state !== 'online') {
        const hit = fromCache()
        if (hit) return hit
        throw offline()
      }
      const value = await raceDeadline(req.fetch(deadline), deadline)
      const fetchedAt = this.store(conn.id, req.topic, req.key, value)
      return { value, source: 'server', fetchedAt }
    } catch (err) {
      const unreachable =
        deadline.aborted || (err instanceof ClearmlError && (err.kind === 'network' || err.kind === 'timeout' || err.kind === 'aborted'))
      const hit = unreachable ? fromCache() : null
      if (hit) return hit
      if (deadline.aborted) throw new ApiError('offline', `The server did not answer within ${Math.round(this.deadlineMs / 1000)} s. No cached ${req.what} is available yet.`)
      throw err
    }
  }

  /**
   * Store a fetched value; announces its topic only when the value differs from what was cached. A write
   * passes `announce: false`: dispatch announces the topics the method declares, once.
   */
  store(connectionId: string, topic: Topic, key: string, value: unknown, opts: { announce?: boolean } = {}): number {
    const before = opts.announce === false ? undefined : cacheGet(this.db, connectionId, topic, key)
    const same = before !== undefined && JSON.stringify(before.value) === JSON.stringify(value)
    const { fetchedAt } = cachePut(this.db, connectionId, topic, key, value)
    if (opts.announce !== false && !same) this.announce({ connectionId, topics: [topic] })
    return fetchedAt
  }
}

/** Resolve with the promise, or reject when the deadline passes first (the promise is left to settle). */
function raceDeadline<T>(p: Promise<T>, deadline: AbortSignal): Promise<T> {
  if (deadline.aborted) return Promise.reject(new ApiError('offline', 'Deadline passed'))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ApiError('offline', 'Deadline passed'))
    deadline.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => {
        deadline.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e) => {
        deadline.removeEventListener('abort', onAbort)
        reject(e)
      }
    )
  })
}
