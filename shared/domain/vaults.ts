// Configuration vaults, the domain part shared by renderer, core and CLI: the document a draft edits, its
// fingerprint (to detect a change on the server without a version field), and the published vocabulary
// (../shared/clearml-enterprise-api.md §1.5: users.vault / users.vault_data).
import type { ConfigFormat } from '../config/types'

/** Who a vault applies to: every member of the organization, the members of one group, or one user. */
export type VaultScope = 'organization' | 'group' | 'user'

/**
 * What a vault configures. `config` is ClearML client configuration (clearml.conf keys);
 * `remote_session_ssh_server` holds SSH server keys; `ui_storage_credentials` the web app's storage
 * credentials (its type string is not published: kept in one place, here).
 */
export type VaultType = 'config' | 'remote_session_ssh_server' | 'ui_storage_credentials' | 'monitoring'
export const VAULT_TYPES: readonly VaultType[] = ['config', 'remote_session_ssh_server', 'ui_storage_credentials', 'monitoring']
export const UI_STORAGE_CREDENTIALS_TYPE: VaultType = 'ui_storage_credentials'

/** The fields of a vault an admin edits; the server's own fields (id, dates, editable) are not part of it. */
export interface VaultDoc {
  /** The vault's name in the UI (the API calls it description). */
  description: string
  scope: VaultScope
  /** The group id, for scope 'group'. */
  group: string | null
  /** The user id, for scope 'user' (a personal vault). */
  user: string | null
  type: VaultType
  format: ConfigFormat
  enabled: boolean
  data: string
}

/** A vault as the server lists it (users.vault_data). */
export interface VaultInfo extends VaultDoc {
  id: string
  groupName: string | null
  lastUpdate: string | null
  /** False when the server cannot decrypt it: show, never edit. */
  editable: boolean
  /** The server's version of the vault, when it gives one (the published API has none). */
  version: string | null
}

/** The fields that matter for "did the server change since my draft's base" — never dates or ids. */
export function vaultFingerprint(v: VaultDoc): string {
  return fingerprint([v.description, v.scope, v.group ?? '', v.user ?? '', v.type, v.format, v.enabled ? '1' : '0', v.data])
}

/**
 * A stable, collision-resistant-enough fingerprint of a list of strings (FNV-1a, 2 × 32 bits, length-prefixed
 * fields so ["ab","c"] and ["a","bc"] differ). Not a security hash: it only tells changed from unchanged.
 */
export function fingerprint(fields: readonly string[]): string {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193 ^ 0x5bd1e995
  const feed = (c: number) => {
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0
    h2 = (h2 ^ (h2 >>> 13)) >>> 0
  }
  for (const f of fields) {
    const len = String(f.length)
    for (let i = 0; i < len.length; i++) feed(len.charCodeAt(i))
    feed(0x3a)
    for (let i = 0; i < f.length; i++) feed(f.charCodeAt(i))
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')
}
