// Read-through cache on top of the SQLite `cache` table; every write announces which kinds changed.
import type { Db } from '../db'
import { cacheGet, cachePut } from '../db'

export class CacheStore {
  constructor(
    private readonly db: Db,
    private readonly changed: (connectionId: string, kinds: string[]) => void
  ) {}

  get<T>(connectionId: string, kind: string, key: string): { value: T; fetchedAt: number } | undefined {
    const hit = cacheGet(this.db, connectionId, kind, key)
    return hit ? { value: hit.value as T, fetchedAt: hit.fetchedAt } : undefined
  }

  /** Store and announce; returns the time stored. */
  put(connectionId: string, kind: string, key: string, value: unknown): number {
    const { fetchedAt } = cachePut(this.db, connectionId, kind, key, value)
    this.changed(connectionId, [kind])
    return fetchedAt
  }
}
