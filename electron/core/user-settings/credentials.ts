// credentials.*: the user's own API keys (auth.get_credentials / create_credentials / edit_credentials /
// revoke_credentials; clearml-api.md §2, §4; clearml-enterprise-api.md §1.1, §1.9, §2.4). A new key's secret is in
// the create answer only: never cached, logged, or returned again.
import { ApiError, credentialSnippets, type CredentialInfo, type CredentialsState, type HandlersOf, type NewCredential } from '../../../shared/api'
import type { userSettingsMethods } from '../../../shared/api/methods/user-settings'
import type { CoreContext } from '../context'
import { ClearmlError } from '../clearml'
import { fieldError, isAdmin, isObject, numOrNull, refusalAt, requireOnline, str, strOrNull } from './common'

type Methods = Pick<typeof userSettingsMethods, 'credentials.list' | 'credentials.create' | 'credentials.editLabel' | 'credentials.revoke'>

interface WireCredential {
  access_key?: string
  label?: string | null
  created?: string | null
  last_used?: string | null
  last_used_from?: string | null
  expire?: string | null
}
interface WireCredentials {
  credentials?: WireCredential[]
  additional_credentials?: Record<string, WireCredential[]>
  max_credentials?: number | null
  default_expiration_sec?: number | null
  max_expiration_sec?: number | null
}

const DAY = 86_400
const days = (sec: number) => {
  const d = sec / DAY
  return `${Number.isInteger(d) ? d : d.toFixed(1)} day${d === 1 ? '' : 's'}`
}

const toInfo = (c: WireCredential): CredentialInfo => ({
  accessKey: str(c.access_key),
  label: strOrNull(c.label),
  created: strOrNull(c.created),
  lastUsed: strOrNull(c.last_used),
  lastUsedFrom: strOrNull(c.last_used_from),
  expire: strOrNull(c.expire)
})

/**
 * The credential calls of one user: the signed-in user's own, or (with `as`) a service account's, made as that
 * account (the impersonation header); `admin` then says whether the account itself is an administrator.
 */
export function credentialOps(ctx: CoreContext, target: { as?: string; admin?: boolean } = {}) {
  const { session } = ctx
  const opts = target.as ? { impersonate: target.as } : {}
  const whose = target.as ? 'this account’s' : 'your'

  async function fetchState(signal?: AbortSignal): Promise<CredentialsState> {
    const r = await session.call<WireCredentials>('auth.get_credentials', {}, { signal, ...opts })
    const creds = Array.isArray(r.credentials) ? r.credentials.filter(isObject) : []
    const other: Record<string, CredentialInfo[]> = {}
    if (isObject(r.additional_credentials)) {
      for (const [ws, list] of Object.entries(r.additional_credentials)) if (Array.isArray(list)) other[ws] = list.filter(isObject).map(toInfo)
    }
    return {
      credentials: creds.map(toInfo),
      otherWorkspaces: other,
      maxCredentials: numOrNull(r.max_credentials),
      defaultExpirationSec: numOrNull(r.default_expiration_sec),
      maxExpirationSec: numOrNull(r.max_expiration_sec),
      expirySupported: session.capabilities?.enterprise === true || 'max_expiration_sec' in r || creds.some((c) => 'expire' in c),
      admin: target.as ? target.admin === true : isAdmin(session)
    }
  }

  const unknownKey = (e: unknown): never => {
    // 400/75 (edit) or 400/300 (revoke): the key is not one of the user's (anymore)
    if (e instanceof ClearmlError && e.kind === 'validation') {
      const of = target.as ? 'this account' : 'yours'
      throw new ApiError('not_found', `The server has no such key of ${of}: ${e.serverMessage ?? e.message}. It may have been revoked already.`, {
        field: 'accessKey',
        issues: [{ path: 'accessKey', message: 'No such key' }]
      })
    }
    throw e
  }

  async function create({ label, expirationSec }: { label?: string; expirationSec?: number | null }): Promise<NewCredential> {
    const conn = requireOnline(session, 'create credentials')
    const state = await fetchState()
    const admin = state.admin
    if (state.maxCredentials !== null && state.credentials.length >= state.maxCredentials) {
      const have = target.as ? 'This account already has' : 'You already have'
      const revoke = target.as ? 'Revoke one it no longer uses first.' : 'Revoke one you no longer use first.'
      throw fieldError('label', `${have} ${state.credentials.length} credentials, the most this server allows (${state.maxCredentials}). ${revoke}`)
    }
    if (expirationSec !== undefined) {
      if (expirationSec !== null && !state.expirySupported) {
        throw fieldError('expirationSec', 'This server’s credentials never expire: it does not support an expiry (ClearML Enterprise does).')
      }
      if (expirationSec === null && state.maxExpirationSec !== null && !admin) {
        throw fieldError('expirationSec', `Only an administrator can create credentials that never expire on this server; choose at most ${days(state.maxExpirationSec)}.`)
      }
      // "never" is sent as no expiration_sec, which gets the server's default for this user: it must be none
      if (expirationSec === null && state.defaultExpirationSec !== null) {
        throw fieldError('expirationSec', `This server gives ${whose} new credentials an expiry (${days(state.defaultExpirationSec)} by default), so they cannot be made never to expire; choose a duration.`)
      }
      if (expirationSec !== null && state.maxExpirationSec !== null && expirationSec > state.maxExpirationSec && !admin) {
        throw fieldError('expirationSec', `Expiration must be at most ${days(state.maxExpirationSec)} (this server’s limit).`)
      }
    }
    let r: { credentials?: { access_key?: string; secret_key?: string; label?: string | null; expire?: string | null } }
    try {
      r = await session.call(
        'auth.create_credentials',
        {
          ...(label && { label }),
          // null (never) and undefined (the server's default) are both sent as no expiration_sec: the checks above
          // made sure that the default is "never" when null was asked for
          ...(typeof expirationSec === 'number' && { expiration_sec: expirationSec })
        },
        opts
      )
    } catch (e) {
      if (e instanceof ClearmlError && e.kind === 'validation' && /expir/i.test(e.serverMessage ?? e.message)) refusalAt(e, 'expirationSec')
      if (e instanceof ClearmlError && e.kind === 'validation' && /label/i.test(e.serverMessage ?? e.message)) refusalAt(e, 'label')
      throw e
    }
    const c = r.credentials
    if (!c?.access_key || !c.secret_key) throw new ApiError('server', 'The server answered auth.create_credentials without a key pair.')
    const accessKey = c.access_key
    const secretKey = c.secret_key
    const newLabel = strOrNull(c.label) ?? (label || null)
    if (!target.as) {
      // the list as it is now (no secret in it) for the cache
      try {
        ctx.data.store(conn.id, 'credentials', 'state', await fetchState(), { announce: false })
      } catch {
        /* the key exists; the list reloads on the announced topic */
      }
    }
    return {
      accessKey,
      secretKey,
      label: newLabel,
      expire: strOrNull(c.expire),
      snippets: credentialSnippets({
        webUrl: conn.webUrl || conn.apiUrl,
        apiUrl: conn.apiUrl,
        filesUrl: conn.filesUrl || null,
        accessKey,
        secretKey,
        label: newLabel
      })
    }
  }

  async function revoke(accessKey: string): Promise<{ revoked: number }> {
    const conn = requireOnline(session, 'revoke the credentials')
    if (accessKey === conn.accessKey) {
      throw fieldError('accessKey', `This console signs in to “${conn.name}” with this key; revoking it would cut the connection off. Create a new key, edit the connection to use it, then revoke this one.`)
    }
    try {
      const r = await session.call<{ revoked?: number }>('auth.revoke_credentials', { access_key: accessKey }, opts)
      return { revoked: r.revoked ?? 0 }
    } catch (e) {
      return unknownKey(e)
    }
  }

  return { fetchState, create, revoke, unknownKey }
}

export function credentialsHandlers(ctx: CoreContext): HandlersOf<Methods> {
  const { session, data } = ctx
  const ops = credentialOps(ctx)

  return {
    'credentials.list': async ({ refresh }) => data.read({ topic: 'credentials', key: 'state', what: 'API credentials', refresh, fetch: ops.fetchState }),

    'credentials.create': async (input) => ops.create(input),

    'credentials.editLabel': async ({ accessKey, label }) => {
      requireOnline(session, 'change the label')
      try {
        const r = await session.call<{ updated?: number }>('auth.edit_credentials', { access_key: accessKey, label: label || null })
        return { updated: r.updated ?? 0 }
      } catch (e) {
        return ops.unknownKey(e)
      }
    },

    'credentials.revoke': async ({ accessKey }) => ops.revoke(accessKey)
  }
}
