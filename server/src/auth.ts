import type { IncomingHttpHeaders } from 'node:http'
import { errors } from './errors'
import type { AuthInfo, Identity } from './endpoint'
import { isAdminRole } from './groups'
import { verifyJwt } from './jwt'
import type { Store } from './store'

export const COOKIE_NAME = 'clearml_token_basic'

/** A ClearML header, read under both its X-Clearml-* and X-Trains-* names. */
export function clearmlHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[`x-clearml-${name}`] ?? headers[`x-trains-${name}`]
  return Array.isArray(v) ? v[0] : v
}

function cookieToken(headers: IncomingHttpHeaders): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const [k, ...rest] = part.trim().split('=')
    if (k === COOKIE_NAME && rest.length) return rest.join('=')
  }
  return undefined
}

/** The caller's address: X-Real-IP, else the first X-Forwarded-For entry, else the peer address. */
export function clientIp(headers: IncomingHttpHeaders, remoteIp: string | undefined): string | null {
  const fwd = headers['x-real-ip'] ?? headers['x-forwarded-for']
  return (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0].trim() ?? remoteIp ?? null
}

/**
 * The identity of a user in a company: their own company by default, or a company (workspace) they joined, where
 * their role is the membership's. Undefined for an unknown user or a company they are not in.
 */
export function identityOf(store: Store, userId: string, role?: string, companyId?: string): Identity | undefined {
  const stored = store.user(userId)
  if (!stored) return undefined
  const user = store.userInCompany(userId, companyId ?? stored.company)
  if (!user) return undefined
  const company = store.company(user.company)
  return { user: user.id, company: user.company, role: role ?? user.role, user_name: user.name, company_name: company?.name ?? '' }
}

/** True when the key has an expiry at or before `nowMs`. */
export function isExpired(expire: string | null, nowMs: number): boolean {
  return expire !== null && Date.parse(expire) <= nowMs
}

/**
 * Authenticates a call (clearml-api.md §1.4). Returns undefined when no credentials were sent;
 * throws the matching 401 otherwise.
 */
export function authenticate(
  store: Store, secret: string, headers: IncomingHttpHeaders, remoteIp: string | undefined
): { identity: Identity; auth: AuthInfo } | undefined {
  let authz = headers.authorization
  let fromCookie = false
  if (!authz) {
    const cookie = cookieToken(headers)
    if (!cookie) return undefined
    authz = `Bearer ${cookie}`
    fromCookie = true
  }
  const space = authz.indexOf(' ')
  const scheme = (space < 0 ? authz : authz.slice(0, space)).toLowerCase()
  const value = space < 0 ? '' : authz.slice(space + 1).trim()

  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (!value || colon < 0) throw errors.badCredentials()
    const accessKey = decoded.slice(0, colon)
    const secretKey = decoded.slice(colon + 1)
    const cred = store.credential(accessKey)
    if (!cred || cred.secret_key !== secretKey) throw errors.invalidCredentials('failed to locate provided credentials')
    // an expired key is refused like an unknown one (same code), with its own reason
    if (isExpired(cred.expire, store.clock())) throw errors.invalidCredentials('credentials expired')
    const identity = identityOf(store, cred.user_id, undefined, cred.company)
    if (!identity) throw errors.invalidCredentials('failed to locate provided credentials')
    const from = clearmlHeader(headers, 'worker') ?? clientIp(headers, remoteIp)
    store.touchCredential(accessKey, from)
    return { identity, auth: { kind: 'basic', accessKey } }
  }

  if (scheme === 'bearer') {
    if (!value) throw errors.invalidToken('missing token')
    const payload = verifyJwt(value, secret, store.clock() / 1000)
    const sessionId = typeof payload.session_id === 'string' ? payload.session_id : null
    if (sessionId && store.isSessionRevoked(sessionId)) throw errors.invalidToken('Token revoked')
    const claimed = payload.identity as Partial<Identity> | undefined
    if (!claimed || typeof claimed.user !== 'string') throw errors.invalidToken('Invalid token payload')
    // the token's company must still be the user's own or one they are a member of (leaving a workspace ends its sessions)
    const identity = typeof claimed.company === 'string'
      ? identityOf(store, claimed.user, typeof claimed.role === 'string' ? claimed.role : undefined, claimed.company)
      : undefined
    if (!identity) throw errors.invalidToken('Invalid user')
    return { identity, auth: { kind: 'bearer', sessionId, exp: typeof payload.exp === 'number' ? payload.exp : null, ...(fromCookie && { cookie: true }) } }
  }

  throw errors.badAuthType()
}

/**
 * The impersonation headers (clearml-api.md §1.2): `X-Clearml-Impersonate-As: <user id>` acts as that user with their
 * identity and role; `X-Clearml-Act-As: <user id>` with their identity and the caller's role. Allowed to admin callers
 * (system, root, admin) for users of the caller's workspace, and — Impersonate-As only — to service accounts that may
 * run tasks as their owners (`allow_running_as_owner`; an admin owner is then impersonated with the role `user`: the
 * task's code does not get admin rights). Both headers at once: 400/5; not allowed or an unknown user: 400/6.
 * Returns the identity to act as and, when it changed, the caller as `impersonator`.
 */
export function impersonate(store: Store, caller: Identity, headers: IncomingHttpHeaders): { identity: Identity; impersonator?: Identity } {
  const as = clearmlHeader(headers, 'impersonate-as')
  const act = clearmlHeader(headers, 'act-as')
  if (as === undefined && act === undefined) return { identity: caller }
  if (as !== undefined && act !== undefined) throw errors.invalidHeaders('X-Clearml-Impersonate-As and X-Clearml-Act-As cannot be sent together')
  const target = (as ?? act)!.trim()
  const row = store.userInCompany(caller.user, caller.company)
  const serviceOwnerRun = as !== undefined && row?.service === 1 && row.allow_running_as_owner === 1
  if (!isAdminRole(caller.role) && !serviceOwnerRun) throw errors.impersonationError('impersonation is not allowed for this caller', { user: target.slice(0, 100) })
  const other = target ? identityOf(store, target, undefined, caller.company) : undefined
  if (!other) throw errors.impersonationError('unknown user', { user: target.slice(0, 100) })
  if (act !== undefined) return { identity: { ...other, role: caller.role }, impersonator: caller }
  const role = !isAdminRole(caller.role) && isAdminRole(other.role) ? 'user' : other.role
  return { identity: { ...other, role }, impersonator: caller }
}

/** Records the web UI's use (users.get_all_ex activity.last_ui_access), at most once a minute per user. */
export function touchUiAccess(store: Store, userId: string): void {
  const now = store.clock()
  const last = store.user(userId)?.last_ui_access
  if (last && now - Date.parse(last) < 60_000) return
  store.updateUser(userId, { last_ui_access: new Date(now).toISOString() })
}
