// Secret store over Electron's safeStorage (OS keychain). Ciphertexts are tagged '$00:'.
import { safeStorage } from 'electron'
import type { SecretStore } from '../core/secrets'

export function createSafeStorageStore(): SecretStore {
  const available = safeStorage.isEncryptionAvailable()
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined
  // On Linux 'basic_text' means the key is hard-coded: that is not safe storage, so say so.
  const safe = available && backend !== 'basic_text'
  return {
    method: `safeStorage${backend ? `:${backend}` : ''}`,
    available: safe,
    encrypt(plain: string): string {
      if (!safe) throw new Error('No OS keychain is available: refusing to store a secret in plain text.')
      return '$00:' + safeStorage.encryptString(plain).toString('base64')
    },
    decrypt(cipher: string): string | undefined {
      if (!cipher.startsWith('$00:')) return undefined
      try {
        return safeStorage.decryptString(Buffer.from(cipher.slice(4), 'base64'))
      } catch {
        return undefined
      }
    }
  }
}
