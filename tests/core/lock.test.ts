/** One app instance per data folder: `console.lock` with the holder's pid, host and start time. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { LOCK_FILE_NAME, acquireInstanceLock, type InstanceLock } from '../../electron/core/instance-lock'

let dir: string
let lockFile: string
const held: InstanceLock[] = []
const children: ChildProcess[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'core-lock-'))
  lockFile = join(dir, LOCK_FILE_NAME)
})

afterEach(async () => {
  for (const l of held.splice(0)) l.release()
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r))
      c.kill('SIGKILL')
      await exited
    }
  }
  rmSync(dir, { recursive: true, force: true })
})

function acquire(d = dir): InstanceLock {
  const l = acquireInstanceLock(d)
  held.push(l)
  return l
}

/** A live process that is not us (so `process.kill(pid, 0)` succeeds). */
function aliveChild(): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['-e', 'process.stdout.write("up\\n"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(c)
  return new Promise((res, rej) => {
    c.stdout!.once('data', () => res(c))
    c.once('error', rej)
  })
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const c = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((r) => c.once('exit', r))
  return c.pid!
}

function writeLock(info: Record<string, unknown>): void {
  writeFileSync(lockFile, JSON.stringify(info))
}

describe('acquireInstanceLock', () => {
  it('creates a private lock file naming this process, and release removes it', () => {
    const lock = acquire()
    expect(existsSync(lockFile)).toBe(true)
    const info = JSON.parse(readFileSync(lockFile, 'utf8'))
    expect(info).toMatchObject({ pid: process.pid, hostname: hostname(), program: 'ClearML Admin Console' })
    expect(Date.parse(info.startedAt)).toBeGreaterThan(0)
    if (process.platform !== 'win32') expect(statSync(lockFile).mode & 0o777).toBe(0o600)
    lock.release()
    expect(existsSync(lockFile)).toBe(false)
    lock.release() // idempotent
    acquire() // and can be taken again
  })

  it('refuses when a live process holds the folder, naming it, and leaves its lock alone', async () => {
    const other = await aliveChild()
    const startedAt = new Date(Date.now() - 60_000).toISOString()
    writeLock({ program: 'ClearML Admin Console', pid: other.pid, hostname: hostname(), startedAt })
    const before = readFileSync(lockFile, 'utf8')
    let message = ''
    try {
      acquire()
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toContain(`Another ClearML Admin Console (pid ${other.pid}, started ${startedAt}) is using ${dir}.`)
    expect(message).toContain('Close it first, or use another data folder with CLEARML_CONSOLE_DATA.')
    expect(readFileSync(lockFile, 'utf8')).toBe(before)
  })

  it('refuses a second acquisition in the same process', () => {
    acquire()
    expect(() => acquire()).toThrow(/already/)
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(process.pid)
  })

  it('takes over a stale lock whose process is gone', async () => {
    const pid = await deadPid()
    writeLock({ program: 'ClearML Admin Console', pid, hostname: hostname(), startedAt: new Date(0).toISOString() })
    acquire()
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(process.pid)
  })

  it('takes over a lock with our own pid left by an earlier process (pid reuse, e.g. in containers)', () => {
    writeLock({ program: 'ClearML Admin Console', pid: process.pid, hostname: hostname(), startedAt: new Date(0).toISOString(), token: 'old' })
    acquire()
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).token).not.toBe('old')
  })

  it('takes over an unreadable lock file', () => {
    writeFileSync(lockFile, 'garbage')
    acquire()
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(process.pid)
  })

  it('refuses a lock held on another host (its pid cannot be checked) and says how to clear it', () => {
    writeLock({ program: 'ClearML Admin Console', pid: 4242, hostname: 'some-other-host.example', startedAt: new Date().toISOString() })
    expect(() => acquire()).toThrow(/Another ClearML Admin Console on some-other-host\.example \(pid 4242, started .*\) is using .*CLEARML_CONSOLE_DATA.*console\.lock/s)
  })

  it('release does not remove a lock that another process took over meanwhile', () => {
    const lock = acquire()
    writeLock({ program: 'ClearML Admin Console', pid: 1, hostname: hostname(), startedAt: new Date().toISOString(), token: 'theirs' })
    lock.release()
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).token).toBe('theirs')
  })

  describe('across processes', () => {
    // one process (no tsx CLI wrapper), so the child's pid is the lock holder's
    const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
    const lockModule = pathToFileURL(resolve(import.meta.dirname, '../../electron/core/instance-lock.ts')).href

    function runChild(body: string): ChildProcess {
      const script = join(dir, `child-${children.length}.mts`)
      writeFileSync(script, `import { acquireInstanceLock } from ${JSON.stringify(lockModule)}\nconst dataDir = process.argv[2]\n${body}\n`)
      const c = spawn(process.execPath, ['--import', tsxLoader, script, dir], { stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(c)
      return c
    }

    it('a second process is refused while the first holds the folder', async () => {
      const c = runChild('acquireInstanceLock(dataDir); process.stdout.write("held\\n"); setInterval(() => {}, 1000)')
      await new Promise<void>((res, rej) => {
        c.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && res())
        c.once('exit', (code) => rej(new Error(`child exited ${code}`)))
      })
      expect(() => acquire()).toThrow(new RegExp(`Another ClearML Admin Console \\(pid ${c.pid}, started `))
    })

    it('the lock is released when the holding process exits without calling release()', async () => {
      const c = runChild('acquireInstanceLock(dataDir); process.exitCode = 0')
      let err = ''
      c.stderr!.on('data', (d: Buffer) => (err += d.toString()))
      const code = await new Promise((r) => c.once('exit', r))
      expect({ code, err }).toEqual({ code: 0, err: '' })
      expect(existsSync(lockFile)).toBe(false)
    })
  })
})
