// gateway.*: AI Application Gateway tokens (Enterprise auth.get_router_tokens / generate_router_token /
// revoke_router_tokens; clearml-enterprise-api.md §1.1, §1.7). A new token is returned once: never cached or logged.
import { ApiError, type GatewayToken, type HandlersOf } from '../../../shared/api'
import type { userSettingsMethods } from '../../../shared/api/methods/user-settings'
import type { CoreContext } from '../context'
import type { Session } from '../session'
import { ClearmlError } from '../clearml'
import { fieldError, isObject, numOrNull, orUnsupported, requireEnterprise, requireOnline, str, strOrNull, userName } from './common'

type Methods = Pick<typeof userSettingsMethods, 'gateway.tokens' | 'gateway.generate' | 'gateway.revoke'>

export const GATEWAY_UNSUPPORTED = 'AI Application Gateway tokens need ClearML Enterprise; this server does not offer them.'
const DAY = 86_400

interface WireRouterToken {
  id?: string
  label?: string
  type?: string
  user?: unknown
  created?: string | null
  created_by?: unknown
  expires?: string | null
  revoked?: boolean
  revoked_at?: string | null
}

const toToken = (t: WireRouterToken): GatewayToken => ({
  id: str(t.id),
  label: str(t.label),
  type: str(t.type),
  user: userName(t.user),
  created: strOrNull(t.created),
  createdBy: userName(t.created_by),
  expires: strOrNull(t.expires),
  revoked: t.revoked === true || !!t.revoked_at
})

/** The gateway tokens of the caller, or (with `as`) of another user, listed as that user (the impersonation header). */
export async function fetchRouterTokens(session: Session, signal?: AbortSignal, as?: string): Promise<{ tokens: GatewayToken[]; maxExpirationSec: number | null }> {
  requireEnterprise(session, GATEWAY_UNSUPPORTED)
  // the key field (the token's last characters) is not read: nothing of a token but its metadata is kept
  const r = await orUnsupported(GATEWAY_UNSUPPORTED, () =>
    session.call<{ tokens?: unknown[]; max_expiration_sec?: number | null }>('auth.get_router_tokens', {}, { signal, ...(as && { impersonate: as }) })
  )
  return { tokens: (Array.isArray(r.tokens) ? r.tokens.filter(isObject) : []).map((t) => toToken(t as WireRouterToken)), maxExpirationSec: numOrNull(r.max_expiration_sec) }
}

/** A new token (for `user` when given: an administrator's call), checked against the server's cap first. */
export async function generateRouterToken(session: Session, input: { label: string; expirationDays: number; user?: string }): Promise<{ token: string }> {
  requireEnterprise(session, GATEWAY_UNSUPPORTED)
  requireOnline(session, 'generate a token')
  const { maxExpirationSec } = await fetchRouterTokens(session, undefined, input.user)
  const sec = input.expirationDays * DAY
  if (maxExpirationSec !== null && sec > maxExpirationSec) {
    const maxDays = Math.floor(maxExpirationSec / DAY)
    throw fieldError('expirationDays', `Expiration must be at most ${maxDays} day${maxDays === 1 ? '' : 's'} (this server’s limit).`)
  }
  let r: { token?: unknown }
  try {
    r = await orUnsupported(GATEWAY_UNSUPPORTED, () =>
      session.call<{ token?: unknown }>('auth.generate_router_token', { label: input.label, expiration_sec: sec, ...(input.user && { user: input.user }) })
    )
  } catch (e) {
    if (e instanceof ClearmlError && e.kind === 'validation') {
      const msg = e.serverMessage ?? e.message
      throw fieldError(/expir/i.test(msg) ? 'expirationDays' : 'label', msg)
    }
    throw e
  }
  if (typeof r.token !== 'string' || !r.token) throw new ApiError('server', 'The server answered auth.generate_router_token without a token.')
  return { token: r.token }
}

export async function revokeRouterTokens(session: Session, ids: string[]): Promise<{ revoked: number }> {
  requireEnterprise(session, GATEWAY_UNSUPPORTED)
  requireOnline(session, 'revoke the tokens')
  const r = await orUnsupported(GATEWAY_UNSUPPORTED, () => session.call<{ revoked?: number }>('auth.revoke_router_tokens', { ids }))
  return { revoked: r.revoked ?? 0 }
}

export function gatewayHandlers(ctx: CoreContext): HandlersOf<Methods> {
  const { session, data } = ctx
  return {
    'gateway.tokens': async ({ refresh }) => {
      requireEnterprise(session, GATEWAY_UNSUPPORTED)
      return data.read({ topic: 'gateway', key: 'tokens', what: 'gateway tokens', refresh, fetch: (signal) => fetchRouterTokens(session, signal) })
    },
    'gateway.generate': async (input) => generateRouterToken(session, input),
    'gateway.revoke': async ({ ids }) => revokeRouterTokens(session, ids)
  }
}
