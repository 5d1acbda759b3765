import type { Db } from './index'

export interface CacheEntry<T = unknown> {
  value: T
  /** ms since the epoch */
  fetchedAt: number
}

interface Row {
  value: string
  fetched_at: number
}

/** Cached value for (connection, kind, key), or undefined. */
export function cacheGet<T = unknown>(db: Db, connId: string, kind: string, key: string): CacheEntry<T> | undefined {
  const row = db.prepare('SELECT value, fetched_at FROM cache WHERE connection_id = ? AND kind = ? AND key = ?').get(connId, kind, key) as Row | undefined
  if (!row) return undefined
  return { value: JSON.parse(row.value) as T, fetchedAt: row.fetched_at }
}

/**
 * Insert or replace a cached value (stored as JSON). The connection must exist (foreign key); its cache
 * rows go when it is deleted. Returns the `fetchedAt` actually stored (use it, not a second Date.now()) and
 * the tables touched, for change events.
 */
export function cachePut(db: Db, connId: string, kind: string, key: string, value: unknown, fetchedAt: number = Date.now()): { fetchedAt: number; tables: ['cache'] } {
  const json = JSON.stringify(value)
  if (json === undefined) throw new TypeError(`cachePut(${kind}/${key}): value is not JSON-serialisable`)
  db.prepare(
    `INSERT INTO cache (connection_id, kind, key, value, fetched_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (connection_id, kind, key) DO UPDATE SET value = excluded.value, fetched_at = excluded.fetched_at`
  ).run(connId, kind, key, json, fetchedAt)
  return { fetchedAt, tables: ['cache'] }
}

/** Delete one entry; returns whether it existed. */
export function cacheDelete(db: Db, connId: string, kind: string, key: string): boolean {
  return db.prepare('DELETE FROM cache WHERE connection_id = ? AND kind = ? AND key = ?').run(connId, kind, key).changes > 0
}

/** Delete a connection's entries (all kinds, or one kind); returns the count. */
export function cacheClear(db: Db, connId: string, kind?: string): number {
  const r = kind === undefined
    ? db.prepare('DELETE FROM cache WHERE connection_id = ?').run(connId)
    : db.prepare('DELETE FROM cache WHERE connection_id = ? AND kind = ?').run(connId, kind)
  return r.changes
}
