// How configuration vaults are read from and written to a ClearML server (the published users.* vault API,
// ../shared/clearml-enterprise-api.md §1.5). The only vault-specific part of drafts → plan → apply.
import { convertConfig, handleValidateRequest } from '../../../shared/config'
import { parseStorageVault, vaultFingerprint, type VaultDoc, type VaultInfo, type VaultScope, type VaultType } from '../../../shared/api'
import { ClearmlError } from '../clearml'
import type { Provisioner } from '../drafts/provisioner'
import type { Session } from '../session'
import { sshVaultProblems } from './ssh-keys'

/** users.vault_data as the server sends it. */
export interface VaultData {
  id: string
  data?: string
  description?: string | null
  enabled?: boolean
  format?: string
  scope?: string
  type?: string
  group?: string | null
  group_name?: string | null
  user?: string | null
  last_update?: string | null
  editable?: boolean
  /** Not in the published API; a server that gives it gets version-based conflict detection. */
  version?: number | string | null
}

export function toVaultInfo(v: VaultData): VaultInfo {
  const format = v.format === 'json' || v.format === 'yaml' ? v.format : 'hocon'
  return {
    id: v.id,
    description: v.description ?? '',
    scope: (v.scope === 'organization' || v.scope === 'user' ? v.scope : 'group') as VaultScope,
    group: v.group ?? null,
    groupName: v.group_name ?? null,
    user: v.user ?? null,
    type: (v.type ?? 'config') as VaultType,
    format,
    enabled: v.enabled !== false,
    data: v.data ?? '',
    lastUpdate: v.last_update ?? null,
    editable: v.editable !== false,
    version: v.version === undefined || v.version === null ? null : String(v.version)
  }
}

export function toVaultDoc(v: VaultInfo): VaultDoc {
  return { description: v.description, scope: v.scope, group: v.group, user: v.user, type: v.type, format: v.format, enabled: v.enabled, data: v.data }
}

/**
 * Every vault the caller may provision: the organization's (admins) and the caller's own; with `serviceAccounts`
 * (an administrator), also the service accounts' own vaults, listed as each account (the impersonation header).
 */
export async function fetchVaults(session: Session, opts: { preview: boolean; signal?: AbortSignal; serviceAccounts?: boolean }): Promise<VaultInfo[]> {
  const body = opts.preview ? { preview_data: true } : {}
  const out = new Map<string, VaultInfo>()
  let admin = false
  try {
    const org = await session.call<{ vaults?: VaultData[] }>('users.get_organization_vaults', body, { signal: opts.signal })
    for (const v of org.vaults ?? []) out.set(v.id, toVaultInfo(v))
    admin = true
  } catch (e) {
    // Not an admin, or a server without the endpoint: the caller's own vaults are still listed.
    if (!(e instanceof ClearmlError && (e.kind === 'forbidden' || e.kind === 'not_found'))) throw e
  }
  const mine = await session.call<{ vaults?: VaultData[] }>('users.get_vaults', body, { signal: opts.signal })
  for (const v of mine.vaults ?? []) if (!out.has(v.id)) out.set(v.id, toVaultInfo(v))
  if (admin && opts.serviceAccounts) for (const v of await serviceAccountVaults(session, body, opts.signal)) if (!out.has(v.id)) out.set(v.id, v)
  return [...out.values()]
}

/** The service accounts' own (user-scope) vaults; none when the server has no service accounts. */
async function serviceAccountVaults(session: Session, body: Record<string, unknown>, signal?: AbortSignal): Promise<VaultInfo[]> {
  let accounts: Array<{ id: string }>
  try {
    accounts = (await session.call<{ users?: Array<{ id: string }> }>('users.get_service_users', {}, { signal })).users ?? []
  } catch (e) {
    if (e instanceof ClearmlError && (e.kind === 'forbidden' || e.kind === 'not_found')) return []
    throw e
  }
  const lists = await Promise.all(
    accounts.map((a) => session.call<{ vaults?: VaultData[] }>('users.get_vaults', body, { signal, impersonate: a.id }).then((r) => (r.vaults ?? []).filter((v) => v.scope === 'user' && v.user === a.id)))
  )
  return lists.flat().map(toVaultInfo)
}

/** Why a vault cannot be provisioned as it is (an invalid vault may be sent disabled, never enabled). */
export function vaultProblem(doc: VaultDoc): string | null {
  if (doc.scope === 'group' && !doc.group) return 'Choose the group this vault applies to'
  if (doc.type === 'remote_session_ssh_server') {
    const p = sshVaultProblems(doc.data)
    return p.length ? `SSH server keys: ${p.map((x) => x.message).join('; ')}` : null
  }
  if (doc.type === 'ui_storage_credentials') {
    const p = parseStorageVault(doc.data).problems
    return p.length ? `Storage credentials: ${p.map((x) => x.message).join('; ')}` : null
  }
  if (doc.type !== 'config' || !doc.enabled) return null
  const { diagnostics } = handleValidateRequest({ id: 0, text: doc.data, format: doc.format, adminVault: doc.scope !== 'user' })
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (!errors.length) return null
  const first = errors[0]
  return `An invalid vault cannot be enabled: ${errors.length} error${errors.length === 1 ? '' : 's'} (line ${first.line}, column ${first.column}: ${first.message})`
}

/** The SDK and agent parse vault data as HOCON: a YAML vault is sent as HOCON (clearml-api.md §8). */
function forTheSdk(doc: VaultDoc): { data: string; format: VaultDoc['format'] } {
  if (doc.format !== 'yaml' || doc.type !== 'config') return { data: doc.data, format: doc.format }
  const r = convertConfig(doc.data, 'yaml', 'hocon')
  if (r.text === undefined) throw new Error('The YAML does not parse, so it cannot be converted to HOCON for the SDK')
  return { data: r.text, format: 'hocon' }
}

export function vaultProvisioner(session: Session): Provisioner<'vault'> {
  const payload = (doc: VaultDoc, id?: string) => {
    const sent = forTheSdk(doc)
    return {
      vault: { ...(id && { id }), data: sent.data, description: doc.description, enabled: doc.enabled, format: sent.format, scope: doc.scope, type: doc.type },
      ...(doc.scope === 'group' && doc.group && { group: doc.group }),
      ...(doc.scope === 'user' && doc.user && doc.user !== session.identity?.userId && { user: doc.user })
    }
  }
  return {
    kind: 'vault',
    async fetchAll(signal) {
      const list = await fetchVaults(session, { preview: false, signal, serviceAccounts: true })
      return new Map(list.map((v) => [v.id, { doc: toVaultDoc(v), version: v.version }]))
    },
    fingerprint: vaultFingerprint,
    nameOf: (doc) => doc.description,
    invalid: vaultProblem,
    notes: (doc) => (doc.format === 'yaml' && doc.type === 'config' ? ['YAML is sent as HOCON, the format the SDK and the agent read.'] : []),
    async create(doc) {
      const r = await session.call<{ vault?: string | { id: string }; id?: string }>('users.add_or_update_vault', payload(doc))
      const id = typeof r.vault === 'string' ? r.vault : (r.vault?.id ?? r.id)
      if (!id) throw new Error('The server did not say which vault it created')
      return id
    },
    async update(serverId, doc) {
      await session.call('users.add_or_update_vault', payload(doc, serverId))
    },
    async remove(serverId) {
      await session.call('users.delete_vaults', { vaults: [serverId] })
    }
  }
}
