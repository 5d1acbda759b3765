/**
 * The local SQLite cache (better-sqlite3): WAL, foreign keys, busy timeout, hash-checked migrations,
 * integrity check at open with move-aside / restore-from-backup recovery, backup on clean close.
 */
import Database from 'better-sqlite3'
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { createLogger, type Logger } from '../log'
import { runMigrations, type Migration } from './migrate'

export { MigrationError, migrationChecksum, runMigrations, validateMigrationList } from './migrate'
export type { Migration } from './migrate'
export { coreMigrations } from './migrations'
export { cacheGet, cachePut, cacheDelete, cacheClear } from './cache'
export type { CacheEntry } from './cache'

export const BUSY_TIMEOUT_MS = 5000

export interface Recovery {
  /** Human-readable, for the UI: what was wrong and what was done. */
  reason: string
  /** Where the unreadable file was moved (its -wal/-shm, if any, sit beside it with the same suffixes). */
  movedTo: string
  /** 'backup' when the `.bak` copy was restored, 'fresh' when an empty database was created. */
  restored: 'backup' | 'fresh'
}

export interface OpenDatabaseOptions {
  migrations?: readonly Migration[]
  logger?: Logger
  readonly?: boolean
}

export interface Db {
  /** The better-sqlite3 handle: prepare, transaction, exec, pragma… */
  readonly sqlite: Database.Database
  readonly file: string
  /** Path of the backup written by `backup()` (`<file>.bak`). */
  readonly backupFile: string
  /** Set when the file was unreadable at open and was moved aside; null otherwise. */
  readonly recovered: Recovery | null
  /** Migration ids applied by this open (empty when the schema was already current). */
  readonly appliedMigrations: readonly number[]
  prepare: Database.Database['prepare']
  exec(sql: string): void
  transaction: Database.Database['transaction']
  /** `PRAGMA quick_check` === ok. */
  isHealthy(): boolean
  /** Online backup to `<file>.bak` (written to a temp file, then renamed). Resolves to the backup path. */
  backup(): Promise<string>
  /**
   * Close. By default first checks integrity and, when healthy, writes the `.bak` backup, so await it.
   * `{ backup: false }` closes at once.
   */
  close(opts?: { backup?: boolean }): Promise<void>
  readonly open: boolean
}

/** SQLite error codes that mean "this file is not a usable database" (and not e.g. busy or permissions). */
const CORRUPTION_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX'])

class CorruptDatabase extends Error {}

function isCorruption(err: unknown): boolean {
  if (err instanceof CorruptDatabase) return true
  const code = (err as { code?: unknown })?.code
  return typeof code === 'string' && (CORRUPTION_CODES.has(code) || code.startsWith('SQLITE_CORRUPT'))
}

function quickCheck(db: Database.Database): string[] {
  const rows = db.pragma('quick_check') as Array<{ quick_check: string }>
  return rows.map((r) => r.quick_check)
}

/** Open and configure one file; throws CorruptDatabase/SQLite corruption errors when unreadable. */
function openChecked(file: string, readonly: boolean): Database.Database {
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS, readonly, fileMustExist: readonly })
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    const result = quickCheck(db)
    if (result.length !== 1 || result[0] !== 'ok') {
      throw new CorruptDatabase(`integrity check failed: ${result.slice(0, 3).join('; ')}`)
    }
    if (!readonly) db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-')
}

/** Move `file` and its -wal / -shm side files to `<file>.corrupt-<timestamp>[-n]`. */
function moveAside(file: string): string {
  const base = `${file}.corrupt-${timestamp()}`
  let target = base
  for (let n = 1; existsSync(target); n++) target = `${base}-${n}`
  if (existsSync(file)) renameSync(file, target)
  for (const side of ['-wal', '-shm', '-journal']) {
    if (existsSync(file + side)) renameSync(file + side, target + side)
  }
  return target
}

function removeWithSideFiles(file: string): void {
  for (const f of [file, file + '-wal', file + '-shm', file + '-journal']) rmSync(f, { force: true })
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * Open (creating if needed) the database at `file` and bring its schema up to date.
 *
 * Recovery: when the file is not a database or fails `PRAGMA quick_check`, it is moved aside to
 * `<file>.corrupt-<timestamp>`; then `<file>.bak` is restored if it exists and passes quick_check,
 * otherwise a fresh database is created. `db.recovered` says which, so the UI can tell the user.
 * Other failures (busy, permissions, MigrationError) are thrown unchanged: a file is never moved aside
 * for anything but corruption.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  const log = options.logger ?? createLogger('db')
  const readonly = options.readonly ?? false
  const backupFile = `${file}.bak`
  if (!readonly) mkdirSync(dirname(file), { recursive: true })

  let sqlite: Database.Database
  let recovered: Recovery | null = null
  try {
    sqlite = openChecked(file, readonly)
  } catch (err) {
    if (!isCorruption(err) || readonly) throw err
    const why = describe(err)
    const movedTo = moveAside(file)
    log.error(`database ${file} is unreadable (${why}); moved it to ${movedTo}`)
    let restoredFromBackup = false
    if (existsSync(backupFile)) {
      try {
        copyFileSync(backupFile, file)
        sqlite = openChecked(file, false)
        restoredFromBackup = true
      } catch (bakErr) {
        log.error(`backup ${backupFile} is unusable too (${describe(bakErr)}); starting with an empty database`)
        removeWithSideFiles(file)
      }
    }
    if (!restoredFromBackup) sqlite = openChecked(file, false)
    recovered = restoredFromBackup
      ? {
          reason: `The local database was unreadable (${why}). It was moved to ${movedTo} and the last backup (${backupFile}) was restored; changes made after that backup are lost.`,
          movedTo,
          restored: 'backup'
        }
      : {
          reason: `The local database was unreadable (${why}) and no usable backup exists. It was moved to ${movedTo} and an empty database was created; cached data will be fetched again, local drafts are in the moved file.`,
          movedTo,
          restored: 'fresh'
        }
    log.warn(recovered.reason)
  }

  let applied: number[] = []
  if (options.migrations && options.migrations.length > 0 && !readonly) {
    try {
      applied = runMigrations(sqlite!, options.migrations, log)
    } catch (err) {
      sqlite!.close()
      throw err
    }
  }

  return makeDb(sqlite!, file, backupFile, recovered, applied, log)
}

function makeDb(sqlite: Database.Database, file: string, backupFile: string, recovered: Recovery | null, applied: number[], log: Logger): Db {
  let backupInFlight: Promise<string> | null = null
  const isHealthy = (): boolean => {
    try {
      const r = quickCheck(sqlite)
      return r.length === 1 && r[0] === 'ok'
    } catch {
      return false
    }
  }
  const backup = (): Promise<string> => {
    if (backupInFlight) return backupInFlight
    const tmp = `${backupFile}.tmp-${process.pid}`
    backupInFlight = sqlite
      .backup(tmp)
      .then(() => {
        renameSync(tmp, backupFile)
        return backupFile
      })
      .catch((err: unknown) => {
        rmSync(tmp, { force: true })
        throw err
      })
      .finally(() => {
        backupInFlight = null
      })
    return backupInFlight
  }
  const db: Db = {
    sqlite,
    file,
    backupFile,
    recovered,
    appliedMigrations: applied,
    prepare: sqlite.prepare.bind(sqlite) as Database.Database['prepare'],
    exec: (sql) => {
      sqlite.exec(sql)
    },
    transaction: sqlite.transaction.bind(sqlite) as Database.Database['transaction'],
    isHealthy,
    backup,
    async close(opts) {
      if (!sqlite.open) return
      if ((opts?.backup ?? true) && !sqlite.readonly) {
        try {
          if (backupInFlight) await backupInFlight.catch(() => undefined)
          // Never replace a good backup with a copy of a damaged database.
          if (isHealthy()) await backup()
          else log.error(`database ${file} failed its integrity check at close; keeping the previous backup`)
        } catch (err) {
          log.warn(`backup of ${file} failed: ${describe(err)}`)
        }
      }
      sqlite.close()
    },
    get open() {
      return sqlite.open
    }
  }
  return db
}
