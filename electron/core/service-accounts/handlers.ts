// Service accounts: the table (users.get_service_users, with each account's groups and the keys at risk), one
// account's panel (its keys and gateway tokens listed as the account through the impersonation header, the vaults
// that apply to it), create (auth.create_service_user; the initial secret is in the answer only), rename and Allow
// impersonation (users.update_service_user), Admin (users.set_role, where allow_admins), delete (auth.delete_user).
// Reads are cache first with their age; every write needs the server and is refused offline with the reason.
import { ApiError, credentialSnippets, pageOf, type HandlersOf } from '../../../shared/api'
import type { serviceAccountsMethods } from '../../../shared/api/methods/service-accounts'
import {
  NOT_ADMIN_SERVICE_ACCOUNTS,
  keysAtRisk,
  sameAccountName,
  workerOf,
  type AppliedVault,
  type ServiceAccount,
  type ServiceAccountDetails,
  type ServiceAccountsState
} from '../../../shared/domain/service-accounts'
import { ClearmlError } from '../clearml'
import type { CoreContext } from '../context'
import { createLogger } from '../log'
import { fieldError, isObject, numOrNull, requireOnline, str, strOrNull } from '../user-settings/common'
import { credentialOps } from '../user-settings/credentials'
import { fetchRouterTokens, generateRouterToken, revokeRouterTokens } from '../user-settings/gateway'
import type { VaultData } from '../vaults/provisioner'
import { adminGuard } from '../admin-guard'
import { ADMIN_ROLES } from '../../../shared/domain/admin-users'

const DAY = 86_400
const log = createLogger('service-accounts')

interface WireServiceUser {
  id?: string
  name?: string
  role?: string
  allow_running_as_owner?: boolean
  credentials?: number
  last_active_time?: string | null
}
interface WireServiceUsers {
  users?: WireServiceUser[]
  allowed_service_users?: number | null
  allow_admins?: boolean
  default_expiration_sec?: number | null
  max_expiration_sec?: number | null
}
interface WireGroup {
  id: string
  name: string
  users?: Array<{ id: string }>
}

/** Map over `items`, at most `n` at a time (one key listing per service account). */
async function inBatches<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += n) out.push(...(await Promise.all(items.slice(i, i + n).map(fn))))
  return out
}

const days = (sec: number) => {
  const d = sec / DAY
  return `${Number.isInteger(d) ? d : d.toFixed(1)} day${d === 1 ? '' : 's'}`
}

/** A refusal because the caller is no administrator, or a server without service accounts, in words. */
function explain(e: unknown): never {
  if (e instanceof ClearmlError && e.kind === 'forbidden') throw new ApiError('forbidden', NOT_ADMIN_SERVICE_ACCOUNTS, { reason: e.message })
  if (e instanceof ClearmlError && e.kind === 'not_found') {
    throw new ApiError('unsupported', 'This server does not offer service accounts (users.get_service_users): they need ClearML Enterprise.')
  }
  throw e
}

export function serviceAccountsHandlers(ctx: CoreContext): HandlersOf<typeof serviceAccountsMethods> {
  const { session, data } = ctx

  const { refuseNonAdmin } = adminGuard(session, NOT_ADMIN_SERVICE_ACCOUNTS)

  async function groupsByUser(signal?: AbortSignal): Promise<Map<string, Array<{ id: string; name: string }>>> {
    const out = new Map<string, Array<{ id: string; name: string }>>()
    try {
      const r = await session.call<{ groups?: WireGroup[] }>('permissions.get_user_groups', {}, { signal })
      for (const g of r.groups ?? []) for (const u of g.users ?? []) out.set(u.id, [...(out.get(u.id) ?? []), { id: g.id, name: g.name }])
    } catch (e) {
      log.warn('could not read the user groups of the service accounts', { message: (e as Error).message })
    }
    return out
  }

  /** The accounts as the server lists them; `keysOf` says which of an account's keys to read (as the account) for the flag. */
  async function fetchState(signal?: AbortSignal, only?: string): Promise<ServiceAccountsState> {
    const r = await session.call<WireServiceUsers>('users.get_service_users', {}, { signal }).catch(explain)
    const groups = await groupsByUser(signal)
    const now = Date.now()
    const wire = (r.users ?? []).filter(isObject).filter((u) => !only || u.id === only)
    const accounts = await inBatches(wire, 8, async (u): Promise<ServiceAccount> => {
      const id = str(u.id)
      const name = str(u.name) || id
      const role = str(u.role) || 'user'
      let atRisk: ServiceAccount['atRisk'] = []
      let workers: string[] = []
      try {
        // its keys, listed as the account: which expire soon and were last used from a worker
        const creds = await credentialOps(ctx, { as: id }).fetchState(signal)
        atRisk = keysAtRisk({ id, name }, creds.credentials, now)
        workers = [...new Set(creds.credentials.map(workerOf).filter((w): w is string => !!w))].sort()
      } catch (e) {
        log.warn('could not read the keys of a service account', { id, message: (e as Error).message })
      }
      return {
        id,
        name,
        role,
        admin: ADMIN_ROLES.includes(role),
        allowImpersonation: u.allow_running_as_owner === true,
        groups: groups.get(id) ?? [],
        credentials: typeof u.credentials === 'number' ? u.credentials : 0,
        lastActive: strOrNull(u.last_active_time),
        atRisk,
        workers
      }
    })
    return {
      accounts,
      allowedServiceUsers: numOrNull(r.allowed_service_users),
      allowAdmins: r.allow_admins === true,
      defaultExpirationSec: numOrNull(r.default_expiration_sec),
      maxExpirationSec: numOrNull(r.max_expiration_sec)
    }
  }

  const readState = (refresh: boolean) => data.read({ topic: 'serviceAccounts', key: 'list', what: 'service accounts', refresh, fetch: fetchState })

  /** The live list (for a write), stored as the cache; refused when the caller is no administrator. */
  async function liveState(): Promise<ServiceAccountsState> {
    const conn = requireOnline(session, 'change service accounts')
    const state = await fetchState()
    data.store(conn.id, 'serviceAccounts', 'list', state, { announce: false })
    return state
  }
  async function liveAccount(id: string): Promise<{ state: ServiceAccountsState; account: ServiceAccount }> {
    const state = await liveState()
    const account = state.accounts.find((a) => a.id === id)
    if (!account) throw new ApiError('not_found', 'The server has no such service account; it may have been deleted.', { field: 'id' })
    return { state, account }
  }
  async function refreshCache(): Promise<void> {
    const conn = session.connection
    if (!conn) return
    try {
      data.store(conn.id, 'serviceAccounts', 'list', await fetchState(), { announce: false })
    } catch (e) {
      log.warn('could not refresh the service accounts', { message: (e as Error).message })
    }
  }
  function nameClash(state: ServiceAccountsState, name: string, id?: string): void {
    const clash = state.accounts.find((a) => a.id !== id && sameAccountName(a.name, name))
    if (clash) throw fieldError('name', `A service account named “${clash.name}” already exists`)
  }
  /** A server refusal of a write, placed at the field it names. */
  function refusal(e: unknown, fallback: string): never {
    if (e instanceof ClearmlError && e.kind === 'validation') {
      const msg = e.serverMessage ?? e.message
      throw fieldError(/expir/i.test(msg) ? 'expirationSec' : /admin/i.test(msg) ? 'admin' : /name|limit/i.test(msg) ? 'name' : fallback, msg)
    }
    explain(e)
  }

  async function fetchDetails(id: string, signal?: AbortSignal): Promise<ServiceAccountDetails> {
    const account = (await fetchState(signal, id)).accounts[0]
    if (!account) throw new ApiError('not_found', 'The server has no such service account; it may have been deleted.', { field: 'id' })
    const credentials = await credentialOps(ctx, { as: id, admin: account.admin }).fetchState(signal)
    let gateway: ServiceAccountDetails['gateway'] = null
    let gatewayUnavailable: string | null = null
    try {
      gateway = await fetchRouterTokens(session, signal, id)
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'unsupported')) throw e
      gatewayUnavailable = e.message
    }
    // the vaults that apply to the account, as the account sees them (leaf strings hidden by the preview)
    let vaults: VaultData[] = []
    try {
      vaults = (await session.call<{ vaults?: VaultData[] }>('users.get_vaults', { preview_data: true }, { signal, impersonate: id })).vaults ?? []
    } catch (e) {
      if (!(e instanceof ClearmlError && e.kind === 'not_found')) throw e
    }
    const own = vaults.find((v) => v.scope === 'user' && v.user === id && (v.type ?? 'config') === 'config') ?? null
    const adminVaults: AppliedVault[] = vaults
      .filter((v) => (v.scope === 'organization' || v.scope === 'group') && v.enabled !== false)
      .map((v) => ({
        id: v.id,
        description: v.description ?? '',
        scope: v.scope as AppliedVault['scope'],
        groupName: v.group_name ?? null,
        format: v.format ?? 'hocon',
        preview: v.data ?? ''
      }))
    return { account, credentials, gateway, gatewayUnavailable, adminVaults, vaultId: own?.id ?? null, vaultEnabled: own ? own.enabled !== false : null }
  }

  return {
    'serviceAccounts.list': async ({ refresh, ...q }) => {
      const all = await readState(refresh)
      refuseNonAdmin()
      const s = all.value
      const page = pageOf(s.accounts, q, {
        search: (a) => [a.name, a.id],
        order: (a, key) => (key === 'credentials' ? a.credentials : key === 'lastActive' ? (a.lastActive ?? '') : key === 'id' ? a.id : a.name)
      })
      return {
        ...page,
        count: s.accounts.length,
        names: s.accounts.map((a) => ({ id: a.id, name: a.name })),
        atRisk: s.accounts.flatMap((a) => a.atRisk).sort((a, b) => Date.parse(a.expire) - Date.parse(b.expire)),
        allowedServiceUsers: s.allowedServiceUsers,
        allowAdmins: s.allowAdmins,
        defaultExpirationSec: s.defaultExpirationSec,
        maxExpirationSec: s.maxExpirationSec,
        source: all.source,
        fetchedAt: all.fetchedAt
      }
    },

    'serviceAccounts.details': async ({ id, refresh }) => {
      const r = await data.read({ topic: 'serviceAccounts', key: `details:${id}`, what: 'service account', refresh, fetch: (signal) => fetchDetails(id, signal) })
      refuseNonAdmin()
      return r
    },

    'serviceAccounts.create': async ({ name, allowImpersonation, admin, expirationSec }) => {
      const conn = requireOnline(session, 'create a service account')
      const state = await liveState()
      nameClash(state, name)
      if (state.allowedServiceUsers !== null && state.accounts.length >= state.allowedServiceUsers) {
        throw fieldError('name', `This server allows at most ${state.allowedServiceUsers} service accounts, and all are in use. Delete one that is no longer needed first.`)
      }
      if (admin && !state.allowAdmins) {
        throw fieldError('admin', 'This server does not allow administrator service accounts (allow_service_user_admins is off).')
      }
      const max = state.maxExpirationSec
      if (expirationSec === null && (max !== null || state.defaultExpirationSec !== null)) {
        throw fieldError('expirationSec', `This server gives service account keys an expiry${max !== null ? ` of at most ${days(max)}` : ''}: choose a duration.`)
      }
      if (typeof expirationSec === 'number' && max !== null && expirationSec > max) {
        throw fieldError('expirationSec', `Expiration must be at most ${days(max)} (this server’s limit).`)
      }
      let r: { id?: string; credentials?: { access_key?: string; secret_key?: string; label?: string | null; expire?: string | null } }
      try {
        r = await session.call('auth.create_service_user', {
          name,
          allow_running_as_owner: allowImpersonation,
          ...(typeof expirationSec === 'number' && { credentials_expiration_sec: expirationSec })
        })
      } catch (e) {
        refusal(e, 'name')
      }
      const id = r.id
      const c = r.credentials
      if (!id || !c?.access_key || !c.secret_key) throw new ApiError('server', 'The server answered auth.create_service_user without the account or its key pair.')
      let warning: string | null = null
      if (admin) {
        try {
          await session.call('users.set_role', { user: id, role: 'admin' })
        } catch (e) {
          warning = `The account was created, but could not be made an administrator: ${(e as Error).message}`
        }
      }
      await refreshCache()
      const label = strOrNull(c.label)
      return {
        id,
        name,
        warning,
        credential: {
          accessKey: c.access_key,
          secretKey: c.secret_key,
          label,
          expire: strOrNull(c.expire),
          snippets: credentialSnippets({
            webUrl: conn.webUrl || conn.apiUrl,
            apiUrl: conn.apiUrl,
            filesUrl: conn.filesUrl || null,
            accessKey: c.access_key,
            secretKey: c.secret_key,
            label,
            comment: `service account “${name}”`
          })
        }
      }
    },

    'serviceAccounts.update': async ({ id, name, allowImpersonation, admin }) => {
      const { state, account } = await liveAccount(id)
      if (name !== undefined) nameClash(state, name, id)
      if (admin === true && !account.admin && !state.allowAdmins) {
        throw fieldError('admin', 'This server does not allow administrator service accounts (allow_service_user_admins is off).')
      }
      let updated = 0
      if (name !== undefined || allowImpersonation !== undefined) {
        try {
          const r = await session.call<{ updated?: number }>('users.update_service_user', {
            user: id,
            ...(name !== undefined && { name }),
            ...(allowImpersonation !== undefined && { allow_running_as_owner: allowImpersonation })
          })
          updated += r.updated ?? 0
        } catch (e) {
          refusal(e, 'name')
        }
      }
      if (admin !== undefined && admin !== account.admin) {
        try {
          const r = await session.call<{ updated?: number }>('users.set_role', { user: id, role: admin ? 'admin' : 'user' })
          updated += r.updated ?? 0
        } catch (e) {
          refusal(e, 'admin')
        }
      }
      await refreshCache()
      return { updated }
    },

    'serviceAccounts.delete': async ({ id }) => {
      await liveAccount(id)
      let r: { deleted?: number }
      try {
        r = await session.call<{ deleted?: number }>('auth.delete_user', { user: id })
      } catch (e) {
        refusal(e, 'id')
      }
      await refreshCache()
      return { deleted: r.deleted ?? 0 }
    },

    'serviceAccounts.credentials.create': async ({ user, label, expirationSec }) => {
      const { account } = await liveAccount(user)
      return credentialOps(ctx, { as: user, admin: account.admin }).create({ label, expirationSec })
    },

    'serviceAccounts.credentials.revoke': async ({ user, accessKey }) => {
      await liveAccount(user)
      const r = await credentialOps(ctx, { as: user }).revoke(accessKey)
      await refreshCache()
      return r
    },

    'serviceAccounts.gateway.generate': async ({ user, label, expirationDays }) => {
      await liveAccount(user)
      return generateRouterToken(session, { label, expirationDays, user })
    },

    'serviceAccounts.gateway.revoke': async ({ user, ids }) => {
      await liveAccount(user)
      // only the account's own tokens are revoked
      const mine = new Set((await fetchRouterTokens(session, undefined, user)).tokens.map((t) => t.id))
      const foreign = ids.find((i) => !mine.has(i))
      if (foreign) throw new ApiError('not_found', 'That token is not one of this account’s (it may have been revoked already).', { field: 'ids' })
      return revokeRouterTokens(session, ids)
    }
  }
}
