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

  /**
   * Store; returns the time stored. Announces the change only when the value differs from what was
   * cached, so a screen that reloads on `cache.changed` does not loop on its own refreshes.
   */
  put(connectionId: string, kind: string, key: string, value: unknown): number {
    const before = cacheGet(this.db, connectionId, kind, key)
    const same = before !== undefined && JSON.stringify(before.value) === JSON.stringify(value)
    const { fetchedAt } = cachePut(this.db, connectionId, kind, key, value)
    if (!same) this.changed(connectionId, [kind])
    return fetchedAt
  }
}
