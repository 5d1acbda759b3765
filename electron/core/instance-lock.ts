/**
 * One app instance per data folder.
 *
 * Two instances on the same folder would fight over the SQLite write lock (every write of one fails as
 * busy while the other writes) and each would overwrite the other's backup at close. So the folder is
 * claimed with a lock file, `console.lock`, holding who owns it (program, pid, host, start time).
 *
 * - Created atomically: the content is written to a private temp file which is then hard-linked into
 *   place (`link` fails if the name exists), so a reader never sees a half-written lock.
 * - An existing lock whose process is alive (same host, `process.kill(pid, 0)` succeeds or answers
 *   EPERM) is respected: `acquireInstanceLock` throws `InstanceLockError` naming that process.
 * - A stale lock (same host, pid gone; our own pid but not held by this process — pid reuse after a
 *   crash, common in containers; unreadable content) is taken over.
 * - A lock from another host (a data folder on a network share) cannot be checked and is respected;
 *   the message says which file to delete if that instance is known to be gone.
 * - `release()` removes the lock only if it is still ours; it is also released when the process exits
 *   (the 'exit' event: normal exit, process.exit, uncaught exception). A crash or SIGKILL leaves a stale
 *   lock, which the next start takes over.
 *
 * Plain Node: never imports 'electron'.
 */
import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { hostname as osHostname } from 'node:os'
import { join, resolve } from 'node:path'
import { createLogger, type Logger } from './log'

export const LOCK_FILE_NAME = 'console.lock'
export const PROGRAM_NAME = 'ClearML Admin Console'

export interface LockInfo {
  program: string
  pid: number
  hostname: string
  /** ISO 8601 */
  startedAt: string
  /** Random per acquisition: tells our lock from a later one with the same pid. */
  token: string
}

export interface InstanceLock {
  readonly file: string
  readonly info: LockInfo
  /** Remove the lock file if it is still ours. Idempotent. */
  release(): void
}

export class InstanceLockError extends Error {
  readonly code = 'instance_locked'
  constructor(
    message: string,
    readonly lockFile: string,
    readonly holder: Partial<LockInfo> | null
  ) {
    super(message)
    this.name = 'InstanceLockError'
  }
}

/** Locks held by this process, by lock file path → token. */
const heldHere = new Map<string, string>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const [file, token] of heldHere) removeIfOurs(file, token)
    heldHere.clear()
  })
}

function readLock(file: string): { raw: string; info: Partial<LockInfo> | null } | null {
  let raw: string
  try {
    raw = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  try {
    const parsed = JSON.parse(raw) as Partial<LockInfo>
    return { raw, info: parsed && typeof parsed === 'object' ? parsed : null }
  } catch {
    return { raw, info: null }
  }
}

function removeIfOurs(file: string, token: string): void {
  try {
    const current = readLock(file)
    if (current?.info?.token === token) unlinkSync(file)
  } catch {
    /* best effort: a stale lock is taken over at the next start anyway */
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

type Verdict = { held: true; message: string } | { held: false; why: string }

function judge(file: string, dataDir: string, info: Partial<LockInfo> | null): Verdict {
  if (!info || !Number.isInteger(info.pid) || (info.pid as number) <= 0 || typeof info.hostname !== 'string') {
    return { held: false, why: 'unreadable lock file' }
  }
  const pid = info.pid as number
  const program = typeof info.program === 'string' && info.program ? info.program : PROGRAM_NAME
  const started = typeof info.startedAt === 'string' ? info.startedAt : 'at an unknown time'
  const advice = 'Close it first, or use another data folder with CLEARML_CONSOLE_DATA.'
  if (info.hostname !== osHostname()) {
    return {
      held: true,
      message:
        `Another ${program} on ${info.hostname} (pid ${pid}, started ${started}) is using ${dataDir}. ${advice} ` +
        `If it is no longer running, delete ${file}.`
    }
  }
  if (pid === process.pid) {
    if (heldHere.get(file) === info.token) {
      return { held: true, message: `This process already uses ${dataDir} (lock ${file} taken ${started}); release it before opening the folder again.` }
    }
    return { held: false, why: `left by an earlier process with the same pid ${pid}` }
  }
  if (pidAlive(pid)) {
    return {
      held: true,
      message: `Another ${program} (pid ${pid}, started ${started}) is using ${dataDir}. ${advice} If no such program is running, delete ${file}.`
    }
  }
  return { held: false, why: `process ${pid} is gone` }
}

/** Write `content` to a private temp file beside `file`; returns its path. */
function writeTemp(file: string, content: string): string {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  const fd = openSync(tmp, 'wx', 0o600)
  try {
    writeSync(fd, content)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  return tmp
}

/**
 * Claim `dataDir` for this process (creating the folder, 0700, if needed). Throws `InstanceLockError`
 * when another live instance holds it. Call `release()` on close.
 */
export function acquireInstanceLock(dataDir: string, options: { logger?: Logger } = {}): InstanceLock {
  const log = options.logger ?? createLogger('lock')
  const dir = resolve(dataDir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const file = join(dir, LOCK_FILE_NAME)
  const info: LockInfo = {
    program: PROGRAM_NAME,
    pid: process.pid,
    hostname: osHostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(12).toString('hex')
  }
  const tmp = writeTemp(file, JSON.stringify(info) + '\n')
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, file)
        break
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      if (attempt >= 5) {
        throw new InstanceLockError(`Could not take the lock ${file}: it keeps changing (another instance starting at the same time?)`, file, null)
      }
      const existing = readLock(file)
      if (!existing) continue // released meanwhile: try again
      const verdict = judge(file, dataDir, existing.info)
      if (verdict.held) throw new InstanceLockError(verdict.message, file, existing.info)
      log.info(`taking over the stale lock ${file} (${verdict.why})`)
      // Stale: move it aside under a private name, then make sure what we moved is what we judged (another
      // starting instance may have replaced it meanwhile); if not, put it back and look again.
      const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`
      try {
        renameSync(file, aside)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw err
      }
      let moved: string | null = null
      try {
        moved = readFileSync(aside, 'utf8')
      } catch {
        moved = null
      }
      if (moved !== existing.raw) {
        try {
          linkSync(aside, file)
        } catch {
          /* someone else holds the name now: their lock stands */
        }
      }
      try {
        unlinkSync(aside)
      } catch {
        /* ignore */
      }
    }
  } finally {
    try {
      unlinkSync(tmp)
    } catch {
      /* ignore */
    }
  }

  heldHere.set(file, info.token)
  installExitHook()
  let released = false
  return {
    file,
    info,
    release() {
      if (released) return
      released = true
      if (heldHere.get(file) === info.token) heldHere.delete(file)
      removeIfOurs(file, info.token)
    }
  }
}
