/**
 * The local SQLite cache (better-sqlite3): WAL, foreign keys, a short busy timeout with a typed 'busy'
 * error, hash-checked migrations, integrity check at open with move-aside / restore-from-backup
 * recovery, backup on clean close that never replaces a backup holding data with an empty database,
 * and private permissions (folder 0700, files 0600) on POSIX.
 */
import Database from 'better-sqlite3'
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, parse, resolve } from 'node:path'
import { ApiError, type ApiErrorCode } from '../../../shared/api/errors'
import { createLogger, type Logger } from '../log'
import { isSqliteBusy, runMigrations, type Migration } from './migrate'

export { MigrationError, migrationChecksum, runMigrations, validateMigrationList } from './migrate'
export type { Migration } from './migrate'
export { coreMigrations } from './migrations'
export { cacheGet, cachePut, cacheDelete, cacheClear } from './cache'
export type { CacheEntry } from './cache'

/**
 * How long SQLite retries when another connection holds the lock. better-sqlite3 is synchronous, so this
 * wait blocks the event loop (every request, every event): keep it short and answer with a typed,
 * retryable error instead (see `DB_BUSY_CODE`). Within the app one connection does all the writing (and
 * one instance per data folder, see instance-lock.ts), so contention only comes from outside.
 */
export const BUSY_TIMEOUT_MS = 100

/**
 * Code of the error thrown when the database is locked by another connection (SQLITE_BUSY / SQLITE_LOCKED),
 * with `details: { retryable: true, sqliteCode }`. The cast keeps this compiling against a contract whose
 * ApiErrorCode does not list 'busy' yet; drop it once the code is committed in shared/api/errors.ts.
 */
export const DB_BUSY_CODE = 'busy' as unknown as ApiErrorCode

export interface DbBusyDetails {
  retryable: true
  sqliteCode: string
}

/** True for the typed busy error thrown by this module. */
export function isDatabaseBusy(err: unknown): err is ApiError & { details: DbBusyDetails } {
  return err instanceof ApiError && err.code === DB_BUSY_CODE
}

/** Map SQLITE_BUSY* / SQLITE_LOCKED* to the typed busy error; anything else is returned unchanged. */
export function toBusyError(err: unknown): unknown {
  if (!isSqliteBusy(err)) return err
  const sqliteCode = (err as { code: string }).code
  const e = new ApiError(
    DB_BUSY_CODE,
    'The local database is busy: another program is using it. Try again in a moment.',
    { retryable: true, sqliteCode } satisfies DbBusyDetails
  )
  Object.defineProperty(e, 'cause', { value: err, enumerable: false })
  return e
}

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
  /**
   * The raw better-sqlite3 handle (pragma, backup…). Prefer `prepare` / `transaction` / `exec` below:
   * only they turn a locked database into the typed busy error.
   */
  readonly sqlite: Database.Database
  readonly file: string
  /** Path of the backup written by `backup()` (`<file>.bak`). */
  readonly backupFile: string
  /** Set when the file was unreadable (or empty, 0 bytes) at open and was moved aside; null otherwise. */
  readonly recovered: Recovery | null
  /** Migration ids applied by this open (empty when the schema was already current). */
  readonly appliedMigrations: readonly number[]
  /** Statements whose run/get/all/iterate throw the typed busy error (DB_BUSY_CODE) instead of SQLITE_BUSY. */
  prepare: Database.Database['prepare']
  exec(sql: string): void
  /** Transaction functions (and .deferred/.immediate/.exclusive) that throw the typed busy error. */
  transaction: Database.Database['transaction']
  /** `PRAGMA quick_check` === ok. */
  isHealthy(): boolean
  /**
   * Online backup to `<file>.bak` (written to a private temp file, then renamed). Resolves to the backup
   * path. Never replaces a backup that holds data with a database that holds none (the existing backup is
   * kept and its path returned), and when this database was created new in this run (no file, an empty
   * file or a fresh recovery) an older backup holding data is first kept as `<file>.bak.previous-<time>`.
   */
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
function openChecked(file: string, readonly: boolean, log: Logger): Database.Database {
  const existed = existsSync(file)
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS, readonly, fileMustExist: readonly })
  try {
    // before anything is written: the -wal / -shm files SQLite creates next take the main file's mode
    // (a file SQLite just created under the usual umask is restricted without a word: nothing was exposed)
    if (!readonly) tightenFile(file, log, !existed)
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

function uniquePath(base: string): string {
  let target = base
  for (let n = 1; existsSync(target); n++) target = `${base}-${n}`
  return target
}

/** Move `file` and its -wal / -shm side files to `<file>.corrupt-<timestamp>[-n]`. */
function moveAside(file: string): string {
  const target = uniquePath(`${file}.corrupt-${timestamp()}`)
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

/** Size of `file`, or null when it does not exist. */
function fileSize(file: string): number | null {
  try {
    return statSync(file).size
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

// ---------------------------------------------------------------------------------------------
// Permissions: the cache holds server data and encrypted secrets; on POSIX the folder is 0700 and the
// database files 0600. Files and folders left looser by an older version (or a permissive umask) are
// tightened at open; when that fails, a warning says so. A folder that is evidently shared (sticky like
// /tmp, the home folder, a filesystem root) is never chmod-ed: only warned about.
// (The secret key file is deliberately not touched here: the key-file store refuses a loose key file
// instead of repairing it, because it may already have been read.)

const POSIX = process.platform !== 'win32'

function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0')
}

function tightenFolder(dir: string, log: Logger): void {
  if (!POSIX) return
  const abs = resolve(dir)
  let mode: number
  try {
    mode = statSync(abs).mode
  } catch {
    return
  }
  if ((mode & 0o077) === 0) return
  const shared = (mode & 0o1000) !== 0 || abs === resolve(homedir()) || abs === parse(abs).root
  if (shared) {
    log.warn(`the data folder ${abs} is accessible to other users (mode ${modeText(mode)}) and looks shared, so its permissions were left alone; use a private folder for the database`)
    return
  }
  try {
    chmodSync(abs, 0o700)
    log.info(`restricted the data folder ${abs} to its owner (was mode ${modeText(mode)})`)
  } catch (err) {
    log.warn(`the data folder ${abs} is accessible to other users (mode ${modeText(mode)}) and its permissions could not be restricted: ${describe(err)}`)
  }
}

function tightenFile(file: string, log: Logger, fresh = false): void {
  if (!POSIX) return
  let mode: number
  try {
    const st = statSync(file)
    if (!st.isFile()) return
    mode = st.mode
  } catch {
    return
  }
  if ((mode & 0o077) === 0) return
  try {
    chmodSync(file, 0o600)
    if (!fresh) log.info(`restricted ${file} to its owner (was mode ${modeText(mode)})`)
  } catch (err) {
    log.warn(`${file} is accessible to other users (mode ${modeText(mode)}) and its permissions could not be restricted: ${describe(err)}`)
  }
}

/** The database, its side files and its backup. */
function tightenDatabaseFiles(file: string, log: Logger): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`, `${file}.bak`]) tightenFile(f, log)
}

// ---------------------------------------------------------------------------------------------
// Busy mapping: statements and transactions from `Db` throw the typed busy error.

const STATEMENT_RUNNERS = new Set<PropertyKey>(['run', 'get', 'all'])

function wrapStatement<S extends object>(stmt: S): S {
  const proxy: S = new Proxy(stmt, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown
      if (typeof value !== 'function') return value
      const fn = value as (...args: unknown[]) => unknown
      if (STATEMENT_RUNNERS.has(prop)) {
        return (...args: unknown[]) => {
          try {
            return fn.apply(target, args)
          } catch (err) {
            throw toBusyError(err)
          }
        }
      }
      if (prop === 'iterate') {
        return (...args: unknown[]) => {
          let it: Iterator<unknown> & Partial<Iterable<unknown>>
          try {
            it = fn.apply(target, args) as Iterator<unknown>
          } catch (err) {
            throw toBusyError(err)
          }
          const wrapped: IterableIterator<unknown> = {
            next: (...a: [] | [unknown]) => {
              try {
                return it.next(...a)
              } catch (err) {
                throw toBusyError(err)
              }
            },
            return: (v?: unknown) => (it.return ? it.return(v) : { done: true, value: v }),
            [Symbol.iterator]() {
              return wrapped
            }
          }
          return wrapped
        }
      }
      // pluck/expand/raw/bind/safeIntegers… return the statement itself: keep handing out the proxy
      return (...args: unknown[]) => {
        const r = fn.apply(target, args)
        return r === target ? proxy : r
      }
    }
  })
  return proxy
}

type TxFn = ((...args: unknown[]) => unknown) & Record<string, unknown>

function wrapTransaction(sqlite: Database.Database): Database.Database['transaction'] {
  const guard = (fn: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]): unknown {
      try {
        return fn.apply(this, args)
      } catch (err) {
        throw toBusyError(err)
      }
    }
  return ((body: (...args: unknown[]) => unknown) => {
    const tx = sqlite.transaction(body) as unknown as TxFn
    const out = guard(tx) as unknown as TxFn
    for (const variant of ['default', 'deferred', 'immediate', 'exclusive'] as const) {
      const v = tx[variant]
      if (typeof v === 'function') Object.defineProperty(out, variant, { value: guard(v as (...args: unknown[]) => unknown), enumerable: true })
    }
    Object.defineProperty(out, 'database', { value: tx.database, enumerable: true })
    return out
  }) as unknown as Database.Database['transaction']
}

// ---------------------------------------------------------------------------------------------
// Backup guard

/** Whether any table other than SQLite's own and `_migrations` has a row. */
function hasUserData(db: Database.Database): boolean {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_migrations'")
    .pluck()
    .all() as string[]
  return tables.some((t) => db.prepare(`SELECT 1 FROM "${t.replace(/"/g, '""')}" LIMIT 1`).get() !== undefined)
}

/** Whether the backup file is a readable database with user data (false when missing or unreadable). */
function backupHasUserData(backupFile: string): boolean {
  if (!existsSync(backupFile)) return false
  let bak: Database.Database | null = null
  try {
    bak = new Database(backupFile, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS })
    return hasUserData(bak)
  } catch {
    return false
  } finally {
    bak?.close()
  }
}

/**
 * Open (creating if needed) the database at `file` and bring its schema up to date.
 *
 * Recovery: when the file is not a database, fails `PRAGMA quick_check`, or is empty (0 bytes: SQLite
 * would silently treat it as a new database, and the next clean close would then overwrite the good
 * backup with it), it is moved aside to `<file>.corrupt-<timestamp>`; then `<file>.bak` is restored if it
 * exists and passes quick_check, otherwise a fresh database is created (an unusable backup is moved aside
 * to `<file>.bak.corrupt-<timestamp>`, never overwritten). `db.recovered` says which, so the UI can tell
 * the user. Other failures (permissions, MigrationError) are thrown unchanged, and a locked database is
 * thrown as the typed busy error: a file is never moved aside for anything but corruption.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  const log = options.logger ?? createLogger('db')
  const readonly = options.readonly ?? false
  const backupFile = `${file}.bak`
  try {
    return openOrRecover(file, backupFile, readonly, options, log)
  } catch (err) {
    throw toBusyError(err)
  }
}

function openOrRecover(file: string, backupFile: string, readonly: boolean, options: OpenDatabaseOptions, log: Logger): Db {
  if (!readonly) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    tightenFolder(dirname(file), log)
    tightenDatabaseFiles(file, log)
  }
  const sizeAtOpen = fileSize(file)

  let sqlite: Database.Database
  let recovered: Recovery | null = null
  try {
    if (sizeAtOpen === 0 && !readonly) throw new CorruptDatabase('the file is empty (0 bytes)')
    sqlite = openChecked(file, readonly, log)
  } catch (err) {
    if (!isCorruption(err) || readonly) throw err
    const why = describe(err)
    const movedTo = moveAside(file)
    log.error(`database ${file} is unreadable (${why}); moved it to ${movedTo}`)
    let restoredFromBackup = false
    let backupMovedTo: string | null = null
    if (existsSync(backupFile)) {
      try {
        copyFileSync(backupFile, file)
        sqlite = openChecked(file, false, log)
        restoredFromBackup = true
      } catch (bakErr) {
        removeWithSideFiles(file)
        // keep it for inspection; above all, the fresh database's first backup must not overwrite it
        backupMovedTo = uniquePath(`${backupFile}.corrupt-${timestamp()}`)
        renameSync(backupFile, backupMovedTo)
        log.error(`backup ${backupFile} is unusable too (${describe(bakErr)}); moved it to ${backupMovedTo} and starting with an empty database`)
      }
    }
    if (!restoredFromBackup) sqlite = openChecked(file, false, log)
    recovered = restoredFromBackup
      ? {
          reason: `The local database was unreadable (${why}). It was moved to ${movedTo} and the last backup (${backupFile}) was restored; changes made after that backup are lost.`,
          movedTo,
          restored: 'backup'
        }
      : {
          reason:
            `The local database was unreadable (${why}) and no usable backup exists` +
            (backupMovedTo ? ` (the damaged backup was moved to ${backupMovedTo})` : '') +
            `. It was moved to ${movedTo} and an empty database was created; cached data will be fetched again, local drafts are in the moved file.`,
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
  if (!readonly) tightenDatabaseFiles(file, log)

  // "new in this run": nothing (or nothing readable) was there, so its backups must not displace older data
  const createdThisRun = sizeAtOpen === null || recovered?.restored === 'fresh'
  return makeDb(sqlite!, file, backupFile, recovered, applied, createdThisRun, log)
}

function makeDb(
  sqlite: Database.Database,
  file: string,
  backupFile: string,
  recovered: Recovery | null,
  applied: number[],
  createdThisRun: boolean,
  log: Logger
): Db {
  let backupInFlight: Promise<string> | null = null
  /** Until this run has written a backup of its own, an existing backup is from an earlier run. */
  let backupIsFromEarlierRun = true
  const isHealthy = (): boolean => {
    try {
      const r = quickCheck(sqlite)
      return r.length === 1 && r[0] === 'ok'
    } catch {
      return false
    }
  }

  /**
   * The backup rule: a backup that holds data is never replaced by a database that holds none; and the
   * first backup of a database created new in this run moves an older backup holding data aside
   * (`<file>.bak.previous-<time>`) instead of overwriting it. Returns false to keep the existing backup.
   */
  const mayWriteBackup = (): boolean => {
    if (!existsSync(backupFile)) return true
    const liveHasData = hasUserData(sqlite)
    if (liveHasData && !(createdThisRun && backupIsFromEarlierRun)) return true
    if (!backupHasUserData(backupFile)) return true
    if (!liveHasData) {
      log.warn(`not replacing the backup ${backupFile}, which holds data, with a copy of ${file}, which holds none; the previous backup is kept`)
      return false
    }
    const kept = uniquePath(`${backupFile}.previous-${timestamp()}`)
    renameSync(backupFile, kept)
    log.warn(`${file} was created new in this run; the previous backup, which holds older data, was kept as ${kept}`)
    return true
  }

  const backup = (): Promise<string> => {
    if (backupInFlight) return backupInFlight
    const tmp = `${backupFile}.tmp-${process.pid}`
    const run = async (): Promise<string> => {
      if (!mayWriteBackup()) return backupFile
      // created private, so the copy is never readable by others, not even while it is written
      rmSync(tmp, { force: true })
      closeSync(openSync(tmp, 'wx', 0o600))
      try {
        await sqlite.backup(tmp)
        tightenFile(tmp, log)
        renameSync(tmp, backupFile)
      } catch (err) {
        rmSync(tmp, { force: true })
        throw err
      }
      backupIsFromEarlierRun = false
      return backupFile
    }
    backupInFlight = run().finally(() => {
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
    prepare: ((source: string) => {
      try {
        return wrapStatement(sqlite.prepare(source))
      } catch (err) {
        throw toBusyError(err)
      }
    }) as Database.Database['prepare'],
    exec: (sql) => {
      try {
        sqlite.exec(sql)
      } catch (err) {
        throw toBusyError(err)
      }
    },
    transaction: wrapTransaction(sqlite),
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
