// This console's own settings for one connection (table connection_settings): what the web app keeps in its
// browser's localStorage, such as `disableHidpi`. Local, so it works offline; removed with the connection.
import type { Db } from '../db'

export class LocalSettings {
  constructor(private readonly db: Db) {}

  get<T>(connectionId: string, key: string, fallback: T): T {
    const row = this.db.prepare('SELECT value FROM connection_settings WHERE connection_id = ? AND key = ?').get(connectionId, key) as { value: string } | undefined
    return row ? (JSON.parse(row.value) as T) : fallback
  }

  set(connectionId: string, key: string, value: unknown): void {
    this.db
      .prepare(
        `INSERT INTO connection_settings (connection_id, key, value) VALUES (?, ?, ?)
         ON CONFLICT (connection_id, key) DO UPDATE SET value = excluded.value`
      )
      .run(connectionId, key, JSON.stringify(value))
  }
}
