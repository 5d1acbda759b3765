import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  SECRET_TAG_KEY_FILE,
  SECRET_TAG_SAFE_STORAGE,
  SecretStoreError,
  createKeyFileStore,
  decryptTagged,
  tagOf,
  type SecretStore
} from '../../electron/core/secrets/index'
import { addLogSink, setStderrLogging, type LogRecord } from '../../electron/core/log'

setStderrLogging(false)

let dir: string
let keyFile: string
const records: LogRecord[] = []
let removeSink: () => void

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'core-secrets-'))
  keyFile = join(dir, 'keys', 'secret.key')
  records.length = 0
  removeSink = addLogSink((r) => records.push(r))
})
afterEach(() => {
  removeSink()
  rmSync(dir, { recursive: true, force: true })
})

const SECRET = 'S3cr3t-Key_with-unicode-é-and-67chars-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'

describe('key-file secret store', () => {
  it('roundtrips, tags with $01:, and never contains the plain text', () => {
    const store = createKeyFileStore(keyFile)
    expect(store.available).toBe(true)
    const c = store.encrypt(SECRET)
    expect(c.startsWith(SECRET_TAG_KEY_FILE)).toBe(true)
    expect(tagOf(c)).toBe('$01:')
    expect(c).not.toContain(SECRET)
    expect(c).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 20))
    expect(store.decrypt(c)).toBe(SECRET)
    expect(store.decrypt(store.encrypt(''))).toBe('')
    // random IV: same plain text, different ciphertexts
    expect(store.encrypt(SECRET)).not.toBe(c)
  })

  it('creates the key file on first use with mode 0600 in a 0700 folder', () => {
    const store = createKeyFileStore(keyFile)
    expect(existsSync(keyFile)).toBe(false)
    store.encrypt('x')
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700)
    expect(readFileSync(keyFile).length).toBe(32)
  })

  it('a second store on the same key file decrypts', () => {
    const c = createKeyFileStore(keyFile).encrypt(SECRET)
    expect(createKeyFileStore(keyFile).decrypt(c)).toBe(SECRET)
  })

  it('tampering gives undefined (GCM auth) and a warning without the data', () => {
    const store = createKeyFileStore(keyFile)
    const c = store.encrypt(SECRET)
    const raw = Buffer.from(c.slice(4), 'base64')
    for (const pos of [0, 13, 30, raw.length - 1]) {
      const t = Buffer.from(raw)
      t[pos] ^= 0x01
      expect(store.decrypt('$01:' + t.toString('base64'))).toBeUndefined()
    }
    expect(store.decrypt('$01:' + raw.subarray(0, 20).toString('base64'))).toBeUndefined()
    expect(store.decrypt('$01:!!!not base64!!!')).toBeUndefined()
    expect(store.decrypt('$00:abc')).toBeUndefined()
    expect(store.decrypt(SECRET)).toBeUndefined()
    expect(store.decrypt(undefined as unknown as string)).toBeUndefined()
    const warnings = records.filter((r) => r.level === 'warn')
    expect(warnings.length).toBeGreaterThan(0)
    for (const w of warnings) {
      expect(w.line).not.toContain(c.slice(4, 40))
      expect(w.line).not.toContain(SECRET)
    }
  })

  it('a different key cannot decrypt', () => {
    const c = createKeyFileStore(keyFile).encrypt(SECRET)
    const other = createKeyFileStore(join(dir, 'other.key'))
    other.encrypt('make the key')
    expect(other.decrypt(c)).toBeUndefined()
  })

  it('refuses an existing key file readable by group or others', () => {
    createKeyFileStore(keyFile).encrypt('x')
    chmodSync(keyFile, 0o644)
    expect(() => createKeyFileStore(keyFile)).toThrow(SecretStoreError)
    expect(() => createKeyFileStore(keyFile)).toThrow(/chmod 600/)
    chmodSync(keyFile, 0o640)
    expect(() => createKeyFileStore(keyFile)).toThrow(/mode 640/)
    chmodSync(keyFile, 0o600)
    expect(() => createKeyFileStore(keyFile)).not.toThrow()
  })

  it('refuses a key file of the wrong size instead of replacing it', () => {
    writeFileSync(keyFile.replace('keys/', ''), Buffer.alloc(16), { mode: 0o600 })
    expect(() => createKeyFileStore(keyFile.replace('keys/', ''))).toThrow(/expected 32/)
  })

  it('decrypt without a key file gives undefined and creates nothing', () => {
    const store = createKeyFileStore(keyFile)
    expect(store.decrypt('$01:' + Buffer.alloc(40).toString('base64'))).toBeUndefined()
    expect(existsSync(keyFile)).toBe(false)
  })
})

describe('decryptTagged', () => {
  const fakeSafeStorage = (available: boolean): SecretStore => ({
    method: 'safeStorage',
    available,
    encrypt: (p) => SECRET_TAG_SAFE_STORAGE + Buffer.from(p).toString('hex'),
    decrypt: (c) => (c.startsWith(SECRET_TAG_SAFE_STORAGE) ? Buffer.from(c.slice(4), 'hex').toString() : undefined)
  })

  it('dispatches on the tag', () => {
    const kf = createKeyFileStore(keyFile)
    const ss = fakeSafeStorage(true)
    const a = kf.encrypt('from key file')
    const b = ss.encrypt('from keychain')
    expect(decryptTagged([ss, kf], a)).toBe('from key file')
    expect(decryptTagged([kf, ss], b)).toBe('from keychain')
  })

  it('gives undefined for untagged, unknown tags, or an unavailable store', () => {
    const kf = createKeyFileStore(keyFile)
    expect(decryptTagged([kf], 'plain text secret')).toBeUndefined()
    expect(decryptTagged([kf], '$07:abcd')).toBeUndefined()
    expect(decryptTagged([fakeSafeStorage(false)], fakeSafeStorage(true).encrypt('x'))).toBeUndefined()
    const throwing: SecretStore = { method: 'safeStorage', available: true, encrypt: () => '', decrypt: () => { throw new Error('boom') } }
    expect(decryptTagged([throwing], '$00:aa')).toBeUndefined()
  })
})
