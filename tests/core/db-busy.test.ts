/**
 * Another process holding the write lock must not freeze the event loop: a write answers quickly with a
 * typed, retryable error (code 'busy') instead of waiting seconds and failing with "database is locked".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiError } from '../../shared/api/errors'
import { BUSY_TIMEOUT_MS, coreMigrations, isDatabaseBusy, openDatabase, type Db } from '../../electron/core/db/index'
import { setStderrLogging } from '../../electron/core/log'

setStderrLogging(false)

const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3')

let dir: string
let file: string
let db: Db | null = null
let holder: ChildProcess | null = null

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'core-db-busy-'))
  file = join(dir, 'console.db')
})

afterEach(async () => {
  if (holder && holder.exitCode === null && holder.signalCode === null) {
    const exited = new Promise((r) => holder!.once('exit', r))
    holder.kill('SIGKILL')
    await exited
  }
  holder = null
  await db?.close({ backup: false })
  db = null
  rmSync(dir, { recursive: true, force: true })
})

/** Another process opens the database and holds `BEGIN EXCLUSIVE` until killed (or told to commit via stdin). */
function holdExclusiveLock(): Promise<ChildProcess> {
  const script = `
const Database = require(process.argv[1])
const db = new Database(process.argv[2])
db.exec('BEGIN EXCLUSIVE')
db.prepare("INSERT INTO settings (key, value) VALUES ('held', '1')").run()
process.stdout.write('locked\\n')
process.stdin.on('data', () => { db.exec('COMMIT'); db.close(); process.exit(0) })
`
  const child = spawn(process.execPath, ['-e', script, betterSqlite3, file], { stdio: ['pipe', 'pipe', 'pipe'] })
  holder = child
  return new Promise((resolve, reject) => {
    let err = ''
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) resolve(child)
    })
    child.on('exit', (code) => reject(new Error(`lock holder exited (${code}): ${err}`)))
  })
}

function insertSetting(d: Db, key: string): void {
  d.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(key, '1')
}

describe('busy database', () => {
  it('uses a short busy timeout (never a multi-second synchronous wait)', () => {
    db = openDatabase(file, { migrations: coreMigrations })
    expect(BUSY_TIMEOUT_MS).toBeLessThanOrEqual(250)
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS)
  })

  it('a write while another process holds the lock fails fast with a typed retryable busy error', async () => {
    db = openDatabase(file, { migrations: coreMigrations })
    const child = await holdExclusiveLock()

    const t0 = performance.now()
    let caught: unknown
    try {
      insertSetting(db, 'a')
    } catch (err) {
      caught = err
    }
    const elapsed = performance.now() - t0
    expect(elapsed).toBeLessThan(600)
    expect(caught).toBeInstanceOf(ApiError)
    expect((caught as ApiError).code).toBe('busy')
    expect((caught as ApiError).details).toMatchObject({ retryable: true })
    expect((caught as ApiError).message).toMatch(/busy/i)
    expect(isDatabaseBusy(caught)).toBe(true)

    // the same through a transaction, and through exec
    const t1 = performance.now()
    expect(() => db!.transaction(() => insertSetting(db!, 'b'))()).toThrow(expect.objectContaining({ code: 'busy' }))
    expect(() => db!.exec("INSERT INTO settings (key, value) VALUES ('c', '1')")).toThrow(expect.objectContaining({ code: 'busy' }))
    expect(performance.now() - t1).toBeLessThan(1200)

    // reads still work (WAL), chained statement methods keep the mapping
    expect(db.prepare('SELECT count(*) FROM settings').pluck().get()).toBe(0)
    expect(() => db!.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').bind('d', '1').run()).toThrow(expect.objectContaining({ code: 'busy' }))

    // once the other process lets go, the same write succeeds: the error really was retryable
    const done = new Promise((r) => child.once('exit', r))
    child.stdin!.write('commit\n')
    await done
    insertSetting(db, 'a')
    expect(db.prepare('SELECT key FROM settings ORDER BY key').pluck().all()).toEqual(['a', 'held'])
  })

  it('a pending migration on a locked database fails fast with the busy error, not a MigrationError', async () => {
    await openDatabase(file, { migrations: coreMigrations }).close({ backup: false })
    await holdExclusiveLock()
    const next = [...coreMigrations, { id: coreMigrations.length + 1, name: 'extra', sql: 'CREATE TABLE extra (x INTEGER)' }]
    const t0 = performance.now()
    let caught: unknown
    try {
      db = openDatabase(file, { migrations: next })
    } catch (err) {
      caught = err
    }
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(isDatabaseBusy(caught)).toBe(true)
  })

  it('other SQLite errors pass through unchanged', () => {
    db = openDatabase(file, { migrations: coreMigrations })
    insertSetting(db, 'x')
    let caught: unknown
    try {
      insertSetting(db, 'x')
    } catch (err) {
      caught = err
    }
    expect(caught).not.toBeInstanceOf(ApiError)
    expect((caught as { code?: string }).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY')
    expect(isDatabaseBusy(caught)).toBe(false)
  })
})
