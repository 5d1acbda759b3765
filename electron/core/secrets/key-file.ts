import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { closeSync, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { createLogger, type Logger } from '../log'
import { SECRET_METHOD_KEY_FILE, SECRET_TAG_KEY_FILE, type SecretStore } from './types'

const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const ALGORITHM = 'aes-256-gcm'
/** Bound into every ciphertext as additional authenticated data, so a blob cannot be re-tagged. */
const AAD = Buffer.from(SECRET_TAG_KEY_FILE, 'utf8')
const CHECK_MODES = process.platform !== 'win32'

export type SecretStoreErrorCode = 'insecure_key_file' | 'invalid_key_file' | 'key_file_io'

export class SecretStoreError extends Error {
  constructor(
    readonly code: SecretStoreErrorCode,
    message: string
  ) {
    super(message)
    this.name = 'SecretStoreError'
  }
}

/**
 * Refuse, never repair: a key file that group or others can read may already have been read, so fixing
 * its mode silently would hide a leak. The user must check it and `chmod 600` it (or delete it, losing
 * the stored secrets). Also refuses a file owned by another user and one that is not exactly 32 bytes.
 */
function checkKeyFile(keyFile: string, fd: number): Buffer {
  const st = fstatSync(fd)
  if (!st.isFile()) throw new SecretStoreError('invalid_key_file', `Key file ${keyFile} is not a regular file`)
  if (CHECK_MODES) {
    if ((st.mode & 0o077) !== 0) {
      throw new SecretStoreError(
        'insecure_key_file',
        `Key file ${keyFile} is readable or writable by other users (mode ${(st.mode & 0o777).toString(8).padStart(3, '0')}). ` +
          `Refusing to use it: check who could have read it, then run "chmod 600 ${keyFile}" (or delete it and enter the secrets again).`
      )
    }
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
      throw new SecretStoreError('insecure_key_file', `Key file ${keyFile} belongs to another user (uid ${st.uid}); refusing to use it.`)
    }
  }
  const key = readFileSync(fd)
  if (key.length !== KEY_BYTES) {
    throw new SecretStoreError(
      'invalid_key_file',
      `Key file ${keyFile} holds ${key.length} bytes, expected ${KEY_BYTES}. It is damaged; it was not replaced, so secrets encrypted with it are not overwritten.`
    )
  }
  return key
}

function loadExisting(keyFile: string): Buffer | undefined {
  let fd: number
  try {
    fd = openSync(keyFile, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new SecretStoreError('key_file_io', `Cannot read key file ${keyFile}: ${(err as Error).message}`)
  }
  try {
    return checkKeyFile(keyFile, fd)
  } finally {
    closeSync(fd)
  }
}

/** Create the key atomically: write a private temp file, then hard-link it into place (fails if one appeared). */
function createKey(keyFile: string, log: Logger): Buffer {
  const dir = dirname(keyFile)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  if (CHECK_MODES && (statSync(dir).mode & 0o022) !== 0) {
    log.warn(`the folder of the key file (${dir}) is writable by other users`)
  }
  const key = randomBytes(KEY_BYTES)
  const tmp = `${keyFile}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  const fd = openSync(tmp, 'wx', 0o600)
  try {
    writeSync(fd, key)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    linkSync(tmp, keyFile)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new SecretStoreError('key_file_io', `Cannot create key file ${keyFile}: ${(err as Error).message}`)
    // another process won the race: use its key
    const other = loadExisting(keyFile)
    if (!other) throw new SecretStoreError('key_file_io', `Key file ${keyFile} vanished while being created`)
    return other
  } finally {
    unlinkSync(tmp)
  }
  log.info(`created a new key file at ${keyFile}`)
  return key
}

/**
 * AES-256-GCM secret store keyed by a 32-byte file (created on first encrypt with mode 0600, its folder
 * 0700). An existing key file is checked at construction and refused (SecretStoreError, code
 * 'insecure_key_file') when group/others have any access to it.
 */
export function createKeyFileStore(keyFile: string, options: { logger?: Logger } = {}): SecretStore {
  const log = options.logger ?? createLogger('secrets')
  let key: Buffer | undefined = loadExisting(keyFile)

  const getKey = (create: boolean): Buffer | undefined => {
    if (key) return key
    key = loadExisting(keyFile) ?? (create ? createKey(keyFile, log) : undefined)
    return key
  }

  return {
    method: SECRET_METHOD_KEY_FILE,
    tag: SECRET_TAG_KEY_FILE,
    available: true,
    encrypt(plain: string): string {
      if (typeof plain !== 'string') throw new TypeError('encrypt expects a string')
      const k = getKey(true)!
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv(ALGORITHM, k, iv, { authTagLength: TAG_BYTES })
      cipher.setAAD(AAD)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return SECRET_TAG_KEY_FILE + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')
    },
    decrypt(text: string): string | undefined {
      try {
        if (typeof text !== 'string' || !text.startsWith(SECRET_TAG_KEY_FILE)) return undefined
        const k = getKey(false)
        if (!k) {
          log.warn(`cannot decrypt a stored secret: key file ${keyFile} does not exist (was it deleted?)`)
          return undefined
        }
        const b64 = text.slice(SECRET_TAG_KEY_FILE.length)
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new Error('not base64')
        const raw = Buffer.from(b64, 'base64')
        if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('too short')
        const decipher = createDecipheriv(ALGORITHM, k, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES })
        decipher.setAAD(AAD)
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
      } catch (err) {
        // never the ciphertext or the key in the log: only its length and the reason
        log.warn(`cannot decrypt a stored secret (${text?.length ?? 0} chars) with key file ${keyFile}: wrong key or damaged data`, {
          reason: (err as Error).message
        })
        return undefined
      }
    }
  }
}
