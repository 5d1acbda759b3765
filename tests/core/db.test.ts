import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { MigrationError, cacheClear, cacheDelete, cacheGet, cachePut, coreMigrations, migrationChecksum, openDatabase, type Db, type Migration } from '../../electron/core/db/index'
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
  dir = mkdtempSync(join(tmpdir(), 'core-db-'))
  file = join(dir, 'cache.db')
})

afterEach(async () => {
  for (const db of open.splice(0)) await db.close({ backup: false })
  rmSync(dir, { recursive: true, force: true })
})

const testMigrations: Migration[] = [
  { id: 1, name: 'a', sql: 'CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT);' },
  { id: 2, name: 'b', sql: 'CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id));' },
  { id: 3, name: 'c', sql: "INSERT INTO a (v) VALUES ('seed');" }
]

function addConnection(db: Db, id = 'c1'): void {
  db.prepare('INSERT INTO connections (id, name, api_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, `conn ${id}`, 'http://localhost:8008', Date.now(), Date.now())
}

describe('openDatabase: pragmas and migrations', () => {
  it('sets WAL, foreign keys and busy timeout', () => {
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBeLessThanOrEqual(250)
    expect(db.recovered).toBeNull()
  })

  it('applies migrations in order, each recorded with a sha256 checksum', () => {
    const db = track(openDatabase(file, { migrations: testMigrations }))
    expect(db.appliedMigrations).toEqual([1, 2, 3])
    const rows = db.prepare('SELECT id, name, checksum, applied_at FROM _migrations ORDER BY id').all() as Array<{ id: number; name: string; checksum: string; applied_at: number }>
    expect(rows.map((r) => [r.id, r.name])).toEqual([[1, 'a'], [2, 'b'], [3, 'c']])
    rows.forEach((r, i) => {
      expect(r.checksum).toBe(migrationChecksum(testMigrations[i].sql))
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/)
      expect(r.applied_at).toBeGreaterThan(0)
    })
    expect(db.prepare('SELECT count(*) AS n FROM a').get()).toEqual({ n: 1 })
  })

  it('re-open is a no-op, and later migrations are applied incrementally', async () => {
    const first = openDatabase(file, { migrations: testMigrations.slice(0, 2) })
    expect(first.appliedMigrations).toEqual([1, 2])
    await first.close()
    const second = openDatabase(file, { migrations: testMigrations.slice(0, 2) })
    expect(second.appliedMigrations).toEqual([])
    await second.close()
    const third = track(openDatabase(file, { migrations: testMigrations }))
    expect(third.appliedMigrations).toEqual([3])
    expect(third.prepare('SELECT count(*) AS n FROM _migrations').get()).toEqual({ n: 3 })
  })

  it('refuses an edited migration with MigrationError and leaves the data alone', async () => {
    await openDatabase(file, { migrations: testMigrations }).close()
    const edited = testMigrations.map((m) => (m.id === 2 ? { ...m, sql: m.sql.replace('a_id', 'x_id') } : m))
    expect(() => openDatabase(file, { migrations: edited })).toThrow(MigrationError)
    expect(() => openDatabase(file, { migrations: edited })).toThrow(/Migration 2 \("b"\).*changed/)
    // not re-applied, not recovered: the original schema is still there
    const db = track(openDatabase(file, { migrations: testMigrations }))
    expect(db.recovered).toBeNull()
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'b'").get()).toEqual({ sql: expect.stringContaining('a_id') })
  })

  it('treats CRLF line endings as the same migration', async () => {
    await openDatabase(file, { migrations: testMigrations }).close()
    const crlf = testMigrations.map((m) => ({ ...m, sql: m.sql.replace(/\n/g, '\r\n') + '\r\n' }))
    expect(() => track(openDatabase(file, { migrations: crlf }))).not.toThrow()
  })

  it('refuses gaps, reordering and unknown applied migrations', async () => {
    expect(() => openDatabase(file, { migrations: [testMigrations[0], testMigrations[2]] })).toThrow(MigrationError)
    expect(() => openDatabase(file, { migrations: [testMigrations[1], testMigrations[0]] })).toThrow(/out of order or with a gap/)
    await openDatabase(file, { migrations: testMigrations }).close()
    expect(() => openDatabase(file, { migrations: testMigrations.slice(0, 2) })).toThrow(/newer version/)
  })

  it('rolls back a failing migration and records nothing for it', async () => {
    const bad: Migration[] = [testMigrations[0], { id: 2, name: 'broken', sql: 'CREATE TABLE z (id INTEGER); INSERT INTO nope VALUES (1);' }]
    expect(() => openDatabase(file, { migrations: bad })).toThrow(/Migration 2 \("broken"\) failed and was rolled back/)
    const raw = new Database(file)
    expect(raw.prepare('SELECT id FROM _migrations').all()).toEqual([{ id: 1 }])
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'z'").get()).toBeUndefined()
    raw.close()
  })
})

describe('openDatabase: recovery', () => {
  it('moves a corrupt file aside and opens a fresh database with recovered set', () => {
    writeFileSync(file, Buffer.from('this is certainly not an sqlite database '.repeat(200)))
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    expect(db.recovered).not.toBeNull()
    expect(db.recovered!.restored).toBe('fresh')
    expect(db.recovered!.movedTo).toMatch(/cache\.db\.corrupt-\d{4}-\d\d-\d\dT/)
    expect(db.recovered!.reason).toMatch(/unreadable/)
    expect(existsSync(db.recovered!.movedTo)).toBe(true)
    expect(db.isHealthy()).toBe(true)
    addConnection(db)
    expect(db.prepare('SELECT count(*) AS n FROM connections').get()).toEqual({ n: 1 })
  })

  it('detects damage inside a real database file (quick_check / corrupt pages)', async () => {
    const db = openDatabase(file, { migrations: coreMigrations })
    addConnection(db)
    const put = db.transaction(() => {
      for (let i = 0; i < 2000; i++) cachePut(db, 'c1', 'k', `key-${i}`, { i, pad: 'x'.repeat(200) })
    })
    put()
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)')
    await db.close({ backup: false })
    // smash pages in the middle of the file, keep the header
    const fs = await import('node:fs')
    const buf = fs.readFileSync(file)
    for (let off = 4096 * 3; off < buf.length - 4096; off += 4096 * 7) buf.fill(0xa5, off, off + 4096)
    fs.writeFileSync(file, buf)
    const again = track(openDatabase(file, { migrations: coreMigrations }))
    expect(again.recovered?.restored).toBe('fresh')
    expect(again.isHealthy()).toBe(true)
  })

  it('restores from the .bak written on clean close when the main file is corrupt', async () => {
    const db = openDatabase(file, { migrations: coreMigrations })
    addConnection(db)
    cachePut(db, 'c1', 'users', 'me', { name: 'Ada' })
    await db.close() // writes cache.db.bak
    expect(existsSync(`${file}.bak`)).toBe(true)
    writeFileSync(file, Buffer.alloc(8192, 0x42))
    rmSync(`${file}-wal`, { force: true })
    const restored = track(openDatabase(file, { migrations: coreMigrations }))
    expect(restored.recovered?.restored).toBe('backup')
    expect(restored.recovered?.reason).toMatch(/backup .*restored/)
    expect(cacheGet(restored, 'c1', 'users', 'me')?.value).toEqual({ name: 'Ada' })
    expect(readdirSync(dir).some((f) => f.startsWith('cache.db.corrupt-'))).toBe(true)
  })

  it('falls back to a fresh database when the .bak is corrupt too', () => {
    writeFileSync(file, Buffer.alloc(4096, 1))
    writeFileSync(`${file}.bak`, Buffer.alloc(4096, 2))
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    expect(db.recovered?.restored).toBe('fresh')
    expect(db.isHealthy()).toBe(true)
  })

  it('does not treat an edited migration as corruption (file stays in place)', async () => {
    await openDatabase(file, { migrations: testMigrations }).close()
    expect(() => openDatabase(file, { migrations: [{ ...testMigrations[0], sql: 'CREATE TABLE q (x);' }] })).toThrow(MigrationError)
    expect(readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([])
  })

  it('backup() can be called while open', async () => {
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    addConnection(db)
    const bak = await db.backup()
    const copy = new Database(bak, { readonly: true })
    expect(copy.prepare('SELECT id FROM connections').all()).toEqual([{ id: 'c1' }])
    copy.close()
  })
})

describe('cache helpers', () => {
  it('roundtrips JSON values with fetchedAt, upserts, deletes and cascades', () => {
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    addConnection(db, 'c1')
    addConnection(db, 'c2')
    expect(cacheGet(db, 'c1', 'users', 'all')).toBeUndefined()
    const before = Date.now()
    cachePut(db, 'c1', 'users', 'all', [{ id: 'u1', name: 'Ada', tags: ['x'], n: 1.5, ok: true, nothing: null }])
    const got = cacheGet(db, 'c1', 'users', 'all')
    expect(got?.value).toEqual([{ id: 'u1', name: 'Ada', tags: ['x'], n: 1.5, ok: true, nothing: null }])
    expect(got!.fetchedAt).toBeGreaterThanOrEqual(before)
    expect(cachePut(db, 'c1', 'users', 'all', { replaced: true }, 42)).toEqual({ fetchedAt: 42, tables: ['cache'] })
    expect(cacheGet(db, 'c1', 'users', 'all')).toEqual({ value: { replaced: true }, fetchedAt: 42 })
    cachePut(db, 'c1', 'queues', 'all', [])
    cachePut(db, 'c2', 'users', 'all', 'other')
    expect(cacheDelete(db, 'c1', 'queues', 'all')).toBe(true)
    expect(cacheDelete(db, 'c1', 'queues', 'all')).toBe(false)
    expect(cacheClear(db, 'c2', 'nope')).toBe(0)
    db.prepare('DELETE FROM connections WHERE id = ?').run('c1')
    expect(cacheGet(db, 'c1', 'users', 'all')).toBeUndefined()
    expect(cacheGet(db, 'c2', 'users', 'all')?.value).toBe('other')
  })

  it('rejects cache rows for unknown connections (foreign keys on)', () => {
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    expect(() => cachePut(db, 'ghost', 'users', 'all', 1)).toThrow(/FOREIGN KEY/)
  })

  it('keeps drafts when their connection is deleted', () => {
    const db = track(openDatabase(file, { migrations: coreMigrations }))
    addConnection(db)
    db.prepare("INSERT INTO drafts (id, connection_id, kind, server_id, name, op, content_ref, created_at, updated_at) VALUES ('d1', 'c1', 'vault', 'v1', 'v', 'upsert', '$01:sealed', 1, 1)").run()
    db.prepare("DELETE FROM connections WHERE id = 'c1'").run()
    expect(db.prepare("SELECT connection_id FROM drafts WHERE id = 'd1'").get()).toEqual({ connection_id: null })
  })
})
