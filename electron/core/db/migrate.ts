import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { Logger } from '../log'

export interface Migration {
  /** 1, 2, 3, … with no gaps, in this order. */
  id: number
  name: string
  sql: string
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migrationId?: number
  ) {
    super(message)
    this.name = 'MigrationError'
  }
}

/** SQLITE_BUSY / SQLITE_LOCKED and their extended codes: another connection holds the lock (retryable). */
export function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

/**
 * Checksum of a migration's SQL. Line endings are normalised and surrounding whitespace trimmed so a
 * checkout with CRLF does not count as an edit; any other change does.
 */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n?/g, '\n').trim(), 'utf8').digest('hex')
}

interface AppliedRow {
  id: number
  name: string
  checksum: string
  applied_at: number
}

/** Check the list itself: ids 1..n, strictly in order, unique names. */
export function validateMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (!Number.isInteger(m.id) || m.id !== i + 1) {
      throw new MigrationError(
        `Migration list out of order or with a gap: position ${i + 1} holds id ${m.id} ("${m.name}"); ids must be 1, 2, 3, … in order`,
        m.id
      )
    }
    if (!m.name || !m.sql?.trim()) throw new MigrationError(`Migration ${m.id} has no name or no SQL`, m.id)
  })
}

/**
 * Apply pending migrations, each in its own transaction, recording them in `_migrations`.
 * Refuses (MigrationError) an applied migration whose checksum or name changed, an applied migration that
 * is no longer in the list (database from a newer app version), and gaps or reordering.
 * Returns the ids applied now.
 */
export function runMigrations(db: Database.Database, migrations: readonly Migration[], log?: Logger): number[] {
  validateMigrationList(migrations)
  db.exec(`CREATE TABLE IF NOT EXISTS _migrations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`)
  const applied = db.prepare('SELECT id, name, checksum, applied_at FROM _migrations ORDER BY id').all() as AppliedRow[]

  applied.forEach((row, i) => {
    if (row.id !== i + 1) {
      throw new MigrationError(`The database's migration history has a gap: expected migration ${i + 1}, found ${row.id}`, row.id)
    }
    const m = migrations[i]
    if (!m) {
      throw new MigrationError(
        `The database has migration ${row.id} ("${row.name}") which this version of the app does not know; ` +
          `it was probably written by a newer version. Refusing to open it.`,
        row.id
      )
    }
    if (m.name !== row.name || migrationChecksum(m.sql) !== row.checksum) {
      throw new MigrationError(
        `Migration ${m.id} ("${m.name}") was already applied as "${row.name}" but its SQL has changed since ` +
          `(checksum ${row.checksum.slice(0, 12)}… now ${migrationChecksum(m.sql).slice(0, 12)}…). ` +
          `Applied migrations must never be edited: add a new migration instead.`,
        m.id
      )
    }
  })

  const insert = db.prepare('INSERT INTO _migrations (id, name, checksum, applied_at) VALUES (?, ?, ?, ?)')
  const done: number[] = []
  for (const m of migrations.slice(applied.length)) {
    const apply = db.transaction(() => {
      db.exec(m.sql)
      insert.run(m.id, m.name, migrationChecksum(m.sql), Date.now())
    })
    try {
      apply()
    } catch (err) {
      // a locked database did not make the migration fail: it was rolled back and can simply be retried
      if (isSqliteBusy(err)) throw err
      throw new MigrationError(`Migration ${m.id} ("${m.name}") failed and was rolled back: ${(err as Error).message}`, m.id)
    }
    log?.info(`applied migration ${m.id} (${m.name})`)
    done.push(m.id)
  }
  return done
}
