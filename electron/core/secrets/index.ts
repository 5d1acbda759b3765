/**
 * Secret store interface and the AES-256-GCM key-file implementation (web host and tests).
 *
 * Every ciphertext is tagged with the method that made it, so a later run (or another store) knows
 * which one can open it:
 *   `$00:` Electron safeStorage (implemented in electron/main, not here: core never imports 'electron')
 *   `$01:` AES-256-GCM with a 32-byte key file: `$01:` + base64(iv[12] | tag[16] | ciphertext)
 * `decrypt` never throws: anything it cannot open (wrong key, tampered, other tag, garbage) is undefined.
 */
export type { SecretStore } from './types'
export { SECRET_TAG_SAFE_STORAGE, SECRET_TAG_KEY_FILE, SECRET_METHOD_SAFE_STORAGE, SECRET_METHOD_KEY_FILE, tagOf, decryptTagged } from './types'
export { createKeyFileStore, SecretStoreError } from './key-file'
