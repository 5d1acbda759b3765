export interface SecretStore {
  /** Which backend, e.g. 'safeStorage' or 'key-file-aes-256-gcm' (shown in the UI). */
  readonly method: string
  /** False when the backend cannot be used on this machine (e.g. no keychain): the UI must say so. */
  readonly available: boolean
  /** The `$NN:` prefix this store writes. Optional: when absent it is derived from `method`. */
  readonly tag?: string
  /** Tagged ciphertext. Throws only when the store is unavailable. */
  encrypt(plain: string): string
  /** Plain text, or undefined when this store cannot open `cipher`. Never throws. */
  decrypt(cipher: string): string | undefined
}

/** Electron safeStorage (OS keychain); implemented in electron/main. */
export const SECRET_TAG_SAFE_STORAGE = '$00:'
/** AES-256-GCM with a key file (mode 0600). */
export const SECRET_TAG_KEY_FILE = '$01:'

export const SECRET_METHOD_SAFE_STORAGE = 'safeStorage'
export const SECRET_METHOD_KEY_FILE = 'key-file-aes-256-gcm'

const TAG_BY_METHOD: Record<string, string> = {
  [SECRET_METHOD_SAFE_STORAGE]: SECRET_TAG_SAFE_STORAGE,
  [SECRET_METHOD_KEY_FILE]: SECRET_TAG_KEY_FILE
}

/** The `$NN:` tag of a ciphertext, or undefined when it carries none (never treat that as plain text). */
export function tagOf(cipher: unknown): string | undefined {
  if (typeof cipher !== 'string') return undefined
  const m = /^\$[0-9]{2}:/.exec(cipher)
  return m ? m[0] : undefined
}

function storeTag(store: SecretStore): string | undefined {
  return store.tag ?? TAG_BY_METHOD[store.method]
}

/**
 * Decrypt with whichever available store wrote `cipher` (dispatch on its tag). Undefined when the tag is
 * unknown/missing, no available store has it, or decryption fails. Never throws.
 */
export function decryptTagged(stores: readonly SecretStore[], cipher: string): string | undefined {
  const tag = tagOf(cipher)
  if (!tag) return undefined
  for (const store of stores) {
    if (storeTag(store) !== tag) continue
    try {
      if (!store.available) continue
      const plain = store.decrypt(cipher)
      if (plain !== undefined) return plain
    } catch {
      /* a store must not throw from decrypt; tolerate one that does */
    }
  }
  return undefined
}
