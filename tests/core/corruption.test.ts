/**
 * Damaged database files and hard kills: every case must end with a healthy database, the user's
 * data restored from the backup when one exists, the recovery reported (`db.recovered`), the bad
 * file kept aside, and a good backup never replaced by an empty database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import { cacheGet, cachePut, coreMigrations, openDatabase, type Db } from '../../electron/core/db/index'
import { setStderrLogging } from '../../electron/core/log'

setStderrLogging(false)

let dir: string
let file: string
const open: Db[] = []

function track(db: Db): Db {
  open.push(db)
  return db
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'core-corruption-'))
  file = join(dir, 'console.db')
})

afterEach(async () => {
  for (const db of open.splice(0)) await db.close({ backup: false })
  rmSync(dir, { recursive: true, force: true })
})

function addConnection(db: Db, id = 'c1'): void {
  db.prepare('INSERT INTO connections (id, name, api_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, `conn ${id}`, 'http://localhost:8008', Date.now(), Date.now())
}

/** A database with one connection and a cached value, closed cleanly (so `<file>.bak` holds the same). */
async function goodDatabaseWithBackup(): Promise<void> {
  const db = openDatabase(file, { migrations: coreMigrations })
  addConnection(db)
  cachePut(db, 'c1', 'users', 'me', { name: 'Ada' })
  await db.close()
  expect(existsSync(`${file}.bak`)).toBe(true)
}

/** A sizeable checkpointed database without a backup (several pages, so truncation hits real data). */
async function bigDatabaseWithoutBackup(): Promise<void> {
  const db = openDatabase(file, { migrations: coreMigrations })
  addConnection(db)
  db.transaction(() => {
    for (let i = 0; i < 500; i++) cachePut(db, 'c1', 'k', `key-${i}`, { i, pad: 'x'.repeat(300) })
  })()
  await db.close({ backup: false })
  expect(existsSync(`${file}-wal`)).toBe(false)
}

function backupConnections(): string[] {
  const raw = new Database(`${file}.bak`, { readonly: true, fileMustExist: true })
  try {
    return (raw.prepare('SELECT id FROM connections ORDER BY id').all() as Array<{ id: string }>).map((r) => r.id)
  } finally {
    raw.close()
  }
}

const movedAside = () => readdirSync(dir).filter((f) => f.startsWith('console.db.corrupt-'))

describe('0-byte database file', () => {
  it('is treated as corruption when a backup exists: the backup is restored and the recovery reported', async () => {
    await goodDatabaseWithBackup()
    writeFileSync(file, '')
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    expect(db.recovered?.restored).toBe('backup')
    expect(db.recovered?.reason).toMatch(/empty \(0 bytes\)/)
    expect(cacheGet(db, 'c1', 'users', 'me')?.value).toEqual({ name: 'Ada' })
    expect(db.isHealthy()).toBe(true)
    expect(movedAside()).toHaveLength(1)
  })

  it('regression: open + clean shutdown after a 0-byte file never overwrites the good backup with an empty database', async () => {
    await goodDatabaseWithBackup()
    writeFileSync(file, '')
    const db = openDatabase(file, { migrations: coreMigrations })
    await db.close() // writes the backup again
    expect(backupConnections()).toEqual(['c1'])
    // and the next start has the data too
    const again = track(openDatabase(file, { migrations: coreMigrations }))
    expect(again.recovered).toBeNull()
    expect(cacheGet(again, 'c1', 'users', 'me')?.value).toEqual({ name: 'Ada' })
  })

  it('without a backup: starts fresh, reports it and moves the empty file aside', () => {
    writeFileSync(file, '')
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    expect(db.recovered?.restored).toBe('fresh')
    expect(db.recovered?.reason).toMatch(/empty \(0 bytes\)/)
    expect(existsSync(db.recovered!.movedTo)).toBe(true)
    expect(db.isHealthy()).toBe(true)
    addConnection(db)
  })
})

describe('backup guard', () => {
  it('a database created fresh in this run with no data never replaces a backup that holds data', async () => {
    await goodDatabaseWithBackup()
    // the live file vanished (deleted, sync tool…): the app starts with a new, empty database
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true })
    const db = openDatabase(file, { migrations: coreMigrations })
    expect(db.recovered).toBeNull()
    await db.close()
    expect(backupConnections()).toEqual(['c1'])
    // nor on the next run, while the database is still empty
    await openDatabase(file, { migrations: coreMigrations }).close()
    expect(backupConnections()).toEqual(['c1'])
  })

  it('when the fresh database gets data, the older backup is kept beside the new one', async () => {
    await goodDatabaseWithBackup()
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true })
    const db = openDatabase(file, { migrations: coreMigrations })
    addConnection(db, 'c2')
    await db.close()
    expect(backupConnections()).toEqual(['c2'])
    const kept = readdirSync(dir).filter((f) => f.startsWith('console.db.bak.previous-'))
    expect(kept).toHaveLength(1)
    const raw = new Database(join(dir, kept[0]), { readonly: true })
    expect(raw.prepare('SELECT id FROM connections').all()).toEqual([{ id: 'c1' }])
    raw.close()
  })

  it('an ordinary run keeps refreshing the backup (deleting data is backed up too)', async () => {
    await goodDatabaseWithBackup()
    const db = openDatabase(file, { migrations: coreMigrations })
    addConnection(db, 'c2')
    await db.close()
    expect(backupConnections()).toEqual(['c1', 'c2'])
    const db2 = openDatabase(file, { migrations: coreMigrations })
    db2.prepare("DELETE FROM connections WHERE id = 'c2'").run()
    await db2.close()
    expect(backupConnections()).toEqual(['c1'])
    expect(readdirSync(dir).filter((f) => f.includes('.bak.previous-'))).toEqual([])
  })

  it('an unusable backup is moved aside, not overwritten, when a fresh database is created', async () => {
    writeFileSync(file, Buffer.alloc(4096, 1))
    writeFileSync(`${file}.bak`, Buffer.alloc(4096, 2))
    const db = openDatabase(file, { migrations: coreMigrations })
    expect(db.recovered?.restored).toBe('fresh')
    await db.close()
    const aside = readdirSync(dir).filter((f) => f.startsWith('console.db.bak.corrupt-'))
    expect(aside).toHaveLength(1)
    expect(readFileSync(join(dir, aside[0]))).toEqual(Buffer.alloc(4096, 2))
  })
})

describe('damaged files', () => {
  it('garbage header with a backup: backup restored', async () => {
    await goodDatabaseWithBackup()
    const buf = readFileSync(file)
    buf.fill(0x37, 0, 100)
    writeFileSync(file, buf)
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    expect(db.recovered?.restored).toBe('backup')
    expect(cacheGet(db, 'c1', 'users', 'me')?.value).toEqual({ name: 'Ada' })
    expect(db.isHealthy()).toBe(true)
  })

  it('garbage header without a backup: fresh database, recovery reported, bad file moved aside intact', async () => {
    await bigDatabaseWithoutBackup()
    const buf = readFileSync(file)
    buf.fill(0x37, 0, 100)
    writeFileSync(file, buf)
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    expect(db.recovered?.restored).toBe('fresh')
    expect(readFileSync(db.recovered!.movedTo).equals(buf)).toBe(true)
    expect(db.isHealthy()).toBe(true)
    expect(db.prepare('SELECT count(*) AS n FROM connections').get()).toEqual({ n: 0 })
  })

  it('garbage WAL is ignored by SQLite: the checkpointed data is intact and nothing is reported', async () => {
    await goodDatabaseWithBackup()
    writeFileSync(`${file}-wal`, Buffer.alloc(64 * 1024, 0x5a))
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    expect(db.recovered).toBeNull()
    expect(db.isHealthy()).toBe(true)
    expect(cacheGet(db, 'c1', 'users', 'me')?.value).toEqual({ name: 'Ada' })
  })

  it.each([
    ['to 50 bytes', (n: number) => Math.min(50, n)],
    ['to one page', () => 4096],
    ['to half', (n: number) => Math.floor(n / 2)]
  ])('truncated %s without a backup: fresh database, recovery reported', async (_label, size) => {
    await bigDatabaseWithoutBackup()
    const buf = readFileSync(file)
    writeFileSync(file, buf.subarray(0, size(buf.length)))
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    expect(db.recovered?.restored).toBe('fresh')
    expect(statSync(db.recovered!.movedTo).size).toBe(size(buf.length))
    expect(db.isHealthy()).toBe(true)
  })

  it('truncated with a backup: backup restored', async () => {
    await goodDatabaseWithBackup()
    const buf = readFileSync(file)
    writeFileSync(file, buf.subarray(0, Math.floor(buf.length / 2)))
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    expect(db.recovered?.restored).toBe('backup')
    expect(cacheGet(db, 'c1', 'users', 'me')?.value).toEqual({ name: 'Ada' })
  })
})

describe('kill -9 while writing', () => {
  // `node --import <tsx loader>`: one process (the tsx CLI would put a wrapper process in between, and
  // SIGKILL would hit the wrapper instead of the writer)
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  const dbModule = pathToFileURL(resolve(import.meta.dirname, '../../electron/core/db/index.ts')).href

  /** Child: opens the database through openDatabase and inserts rows, printing each id after its commit. */
  function writerScript(): string {
    return `
import { openDatabase } from ${JSON.stringify(dbModule)}
import { randomBytes } from 'node:crypto'
const db = openDatabase(process.argv[2], {
  migrations: [{ id: 1, name: 'rows', sql: 'CREATE TABLE rows (id INTEGER PRIMARY KEY, payload BLOB NOT NULL, crc TEXT NOT NULL)' }]
})
const insert = db.prepare('INSERT INTO rows (payload, crc) VALUES (?, ?)')
const write = db.transaction((n) => {
  let id = 0
  for (let i = 0; i < n; i++) {
    const payload = randomBytes(200 + Math.floor(Math.random() * 3000))
    id = Number(insert.run(payload, payload.toString('base64').slice(0, 16)).lastInsertRowid)
  }
  return id
})
process.stdout.write('ready ' + process.pid + '\\n')
function loop() {
  // a few rows per transaction; the id is acknowledged only after the commit returned
  for (let k = 0; k < 20; k++) process.stdout.write(write(1 + (k % 3)) + '\\n')
  setImmediate(loop)
}
loop()
`
  }

  /** Run the writer, SIGKILL it after `killAfter` acknowledged commits; resolves to the acknowledged ids. */
  function runAndKill(script: string, killAfter: number): Promise<number[]> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, ['--import', tsxLoader, script, file], { stdio: ['ignore', 'pipe', 'pipe'] })
      const acked: number[] = []
      let pending = ''
      let stderr = ''
      let killed = false
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`writer did not reach ${killAfter} commits in time; stderr: ${stderr}`))
      }, 20000)
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.stdout.on('data', (d: Buffer) => {
        pending += d.toString()
        const lines = pending.split('\n')
        pending = lines.pop()!
        for (const l of lines) {
          if (/^\d+$/.test(l)) acked.push(Number(l))
          else if (l.startsWith('ready ') && Number(l.slice(6)) !== child.pid) reject(new Error('the writer is not the spawned process'))
        }
        if (!killed && acked.length >= killAfter) {
          killed = true
          child.kill('SIGKILL')
        }
      })
      child.on('exit', (code, signal) => {
        clearTimeout(timer)
        if (signal === 'SIGKILL' && killed) resolvePromise(acked)
        else reject(new Error(`writer exited early (code ${code}, signal ${signal}): ${stderr}`))
      })
    })
  }

  it('every acknowledged row survives, the database is healthy and nothing is reported as corruption', async () => {
    const script = join(dir, 'writer.mts')
    writeFileSync(script, writerScript())
    for (const killAfter of [25, 300, 1200, 2500]) {
      const acked = await runAndKill(script, killAfter)
      expect(acked.length).toBeGreaterThanOrEqual(killAfter)
      const db = openDatabase(file, { migrations: [{ id: 1, name: 'rows', sql: 'CREATE TABLE rows (id INTEGER PRIMARY KEY, payload BLOB NOT NULL, crc TEXT NOT NULL)' }] })
      try {
        expect(db.recovered).toBeNull()
        expect(db.isHealthy()).toBe(true)
        expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
        const maxAcked = Math.max(...acked)
        const present = db.prepare('SELECT count(*) AS n FROM rows WHERE id <= ?').get(maxAcked) as { n: number }
        expect(present.n).toBe(maxAcked) // ids are 1..n with no gaps: every acknowledged row is there
        let corruptRows = 0
        for (const r of db.prepare('SELECT payload, crc FROM rows').iterate() as Iterable<{ payload: Buffer; crc: string }>) {
          if (r.payload.toString('base64').slice(0, 16) !== r.crc) corruptRows++
        }
        expect(corruptRows).toBe(0)
      } finally {
        await db.close({ backup: false })
      }
    }
  }, 60000)
})
