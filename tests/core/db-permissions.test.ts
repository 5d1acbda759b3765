/** The data folder and the database files are private to the user (POSIX only). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { coreMigrations, openDatabase } from '../../electron/core/db/index'
import { addLogSink, setStderrLogging, type LogRecord } from '../../electron/core/log'

setStderrLogging(false)

const mode = (p: string) => statSync(p).mode & 0o777

let root: string
let dataDir: string
let file: string

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'core-db-perms-'))
  dataDir = join(root, 'data')
  file = join(dataDir, 'console.db')
})

afterEach(() => {
  rmSync(root, { recursive: true, force: true })
})

describe.skipIf(process.platform === 'win32')('permissions', () => {
  it('tightens an existing 0755 folder and 0644 database, -wal, -shm and .bak at open', async () => {
    mkdirSync(dataDir)
    chmodSync(dataDir, 0o755)
    // an older version left the files world-readable; another connection keeps -wal/-shm on disk
    const other = new Database(file)
    other.pragma('journal_mode = WAL')
    other.exec('CREATE TABLE t (x)')
    copyFileSync(file, `${file}.bak`)
    for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}.bak`]) chmodSync(f, 0o644)
    expect(mode(dataDir)).toBe(0o755)

    const db = openDatabase(file, { migrations: coreMigrations })
    try {
      expect(mode(dataDir)).toBe(0o700)
      for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}.bak`]) expect({ f, mode: mode(f).toString(8) }).toEqual({ f, mode: '600' })
    } finally {
      other.close()
      await db.close()
    }
    expect(mode(`${file}.bak`)).toBe(0o600)
  })

  it('creates new files private even with a permissive umask', async () => {
    const old = process.umask(0o022)
    try {
      const db = openDatabase(file, { migrations: coreMigrations })
      db.prepare("INSERT INTO settings (key, value) VALUES ('a', '1')").run()
      expect(mode(dataDir)).toBe(0o700)
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect({ f, mode: mode(f).toString(8) }).toEqual({ f, mode: '600' })
      await db.close()
      expect(mode(`${file}.bak`)).toBe(0o600)
    } finally {
      process.umask(old)
    }
  })

  it('leaves a shared (sticky, world-writable) folder alone but warns, and still makes its files private', async () => {
    mkdirSync(dataDir)
    chmodSync(dataDir, 0o1777)
    const records: LogRecord[] = []
    const off = addLogSink((r) => records.push(r))
    try {
      const db = openDatabase(file, { migrations: coreMigrations })
      await db.close()
    } finally {
      off()
    }
    expect(statSync(dataDir).mode & 0o7777).toBe(0o1777)
    expect(records.some((r) => r.level === 'warn' && r.message.includes(dataDir) && /other users/.test(r.message))).toBe(true)
    expect(mode(file)).toBe(0o600)
    expect(mode(`${file}.bak`)).toBe(0o600)
  })
})
