import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import { AccountStore, type RouterTokenRow } from '../account-store'
import { COOKIE_NAME, clearmlHeader, identityOf } from '../auth'
import { type CallContext, MAX_EXPIRATION_SEC, MAX_TOKEN_TTL_SEC, empty, endpoint, requireIdentity, stringList } from '../endpoint'
import { errors } from '../errors'
import { ADMIN_ROLES, isAdminRole } from '../groups'
import { ownValue } from '../request'
import { type CredentialRow, newId } from '../store'

/**
 * auth.* (clearml-api.md §2 "auth"; clearml-enterprise-api.md §1.1, §1.9): login/logout and the caller's own
 * credentials. `authEndpoints` are the open-source shapes (feature set basic); `enterpriseAuthEndpoints` replace
 * create/get/revoke_credentials with the published Enterprise shapes (expiry, workspaces, limits) and add the App
 * Gateway router tokens.
 */

const label = z.string().max(256)

/** Revokes the Bearer token's session (a Basic caller has none) and clears the web cookie. */
function logout(ctx: CallContext<unknown>) {
  if (ctx.auth?.kind === 'bearer' && ctx.auth.sessionId) ctx.server.store.revokeSession(ctx.auth.sessionId, ctx.auth.exp)
  ctx.setCookie(`${COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`)
  return {}
}

export const authEndpoints = [
  endpoint({
    name: 'auth.login', minVersion: '2.1', auth: 'required',
    schema: z.object({ expiration_sec: z.number().int().min(1).max(MAX_TOKEN_TTL_SEC).optional(), set_cookie: z.boolean().optional() }),
    handler: (ctx) => {
      const ttl = ctx.data.expiration_sec ?? ctx.server.tokenTtlSec
      let identity = requireIdentity(ctx)
      const enterprise = ctx.server.featureSet === 'enterprise'
      // enterprise (inferred, like the agent's X-Clearml-Tenant): a token for another workspace the caller is a member of
      const tenant = enterprise ? clearmlHeader(ctx.headers, 'tenant') : undefined
      if (tenant && tenant !== identity.company) {
        const other = identityOf(ctx.server.store, identity.user, undefined, tenant)
        if (!other) throw errors.invalidCredentials('not a member of the requested tenant', { tenant })
        identity = other
      }
      const token = ctx.server.issueToken(identity, ttl)
      // users.get_all_ex activity: the last time the key holder's credentials obtained a token
      if (ctx.auth?.kind === 'basic') {
        const owner = ctx.server.store.credential(ctx.auth.accessKey)?.user_id
        if (owner) ctx.server.store.updateUser(owner, { last_credentials_login: ctx.server.store.nowIso() })
      }
      // set_cookie (enterprise, default true): a desktop client sends false
      if (!(enterprise && ctx.data.set_cookie === false)) ctx.setCookie(`${COOKIE_NAME}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${ttl}`)
      return { token }
    }
  }),
  endpoint({ name: 'auth.logout', minVersion: '2.2', auth: 'required', schema: empty, handler: logout }),
  // the web app's variant: optional auth, same effect
  endpoint({ name: 'login.logout', minVersion: '2.13', auth: 'optional', schema: empty, handler: logout }),
  endpoint({
    name: 'auth.create_credentials', minVersion: '2.1', auth: 'required',
    schema: z.object({ label: label.optional() }),
    handler: (ctx) => {
      const cred = ctx.server.store.createCredentials(requireIdentity(ctx).user, ctx.data.label ?? null)
      return { credentials: { access_key: cred.access_key, secret_key: cred.secret_key, ...(cred.label !== null && { label: cred.label }) } }
    }
  }),
  endpoint({
    name: 'auth.get_credentials', minVersion: '2.1', auth: 'required', schema: empty,
    handler: (ctx) => ({
      // the keys of the session's company (the open-source server has one company per user)
      credentials: ctx.server.store.credentialsOf(requireIdentity(ctx).user, requireIdentity(ctx).company).map((c) => ({
        access_key: c.access_key,
        ...(c.label !== null && { label: c.label }),
        ...(c.last_used !== null && { last_used: c.last_used }),
        ...(c.last_used_from !== null && { last_used_from: c.last_used_from })
      }))
    })
  }),
  endpoint({
    name: 'auth.edit_credentials', minVersion: '2.19', auth: 'required',
    schema: z.object({ access_key: z.string().min(1), label: label.nullable().optional() }),
    handler: (ctx) => {
      const user = requireIdentity(ctx).user
      const { store } = ctx.server
      if (store.credential(ctx.data.access_key)?.user_id !== user) throw errors.invalidAccessKey(undefined, { access_key: ctx.data.access_key })
      return { updated: store.setCredentialLabel(user, ctx.data.access_key, ctx.data.label ?? null) }
    }
  }),
  endpoint({
    name: 'auth.revoke_credentials', minVersion: '2.1', auth: 'required',
    schema: z.object({ access_key: z.string().min(1) }),
    handler: (ctx) => {
      const revoked = ctx.server.store.deleteCredential(requireIdentity(ctx).user, ctx.data.access_key)
      if (!revoked) throw errors.invalidUser('invalid access key', { access_key: ctx.data.access_key })
      return { revoked }
    }
  })
]

// --- enterprise: credentials with expiry, workspaces and limits -----------------------------------------------------

/** auth.credential_key: every field present, null when unset. */
function credentialKey(c: CredentialRow) {
  return { access_key: c.access_key, created: c.created, expire: c.expire, label: c.label, last_used: c.last_used, last_used_from: c.last_used_from }
}

// --- enterprise: App Gateway router tokens ---------------------------------------------------------------------------

type RouterTokenField = 'id' | 'key' | 'label' | 'type' | 'user' | 'created' | 'created_by' | 'expires' | 'revoked' | 'revoked_at' |
  'revoked_by' | 'endpoints' | 'metadata'

function routerTokenView(t: RouterTokenRow): Record<RouterTokenField, unknown> {
  return {
    id: t.id, key: t.key, label: t.label, type: t.type, user: t.user_id, created: t.created, created_by: t.created_by,
    expires: t.expires, revoked: t.revoked_at !== null, revoked_at: t.revoked_at, revoked_by: t.revoked_by,
    endpoints: JSON.parse(t.endpoints), metadata: JSON.parse(t.metadata)
  }
}

/** SHA-256 (hex) of a router token: the only form in which a token is stored. */
export const hashRouterToken = (token: string) => createHash('sha256').update(token).digest('hex')

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === undefined || a === null) return -1
  if (b === undefined || b === null) return 1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  return String(a).localeCompare(String(b))
}

const positiveSec = z.number().int().positive().max(MAX_EXPIRATION_SEC)

export const enterpriseAuthEndpoints = [
  endpoint({
    name: 'auth.create_credentials', minVersion: '2.1', auth: 'required',
    schema: z.object({ label: label.optional(), expiration_sec: positiveSec.optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store, credentialPolicy: policy } = ctx.server
      const admin = isAdminRole(identity.role)
      return store.tx(() => {
        if (store.credentialsOf(identity.user, identity.company).length >= policy.maxCredentials) {
          throw errors.validation(`credentials limit reached (at most ${policy.maxCredentials} per user in a workspace): revoke one first`, { max_credentials: policy.maxCredentials })
        }
        // admins: no expiry unless asked; others: the default when absent, never more than the cap
        const sec = ctx.data.expiration_sec ?? (admin ? null : policy.defaultExpirationSec)
        if (!admin && policy.maxExpirationSec !== null && (sec === null || sec > policy.maxExpirationSec)) {
          throw errors.validation(`error for field 'expiration_sec'. Non-admin users may not exceed ${policy.maxExpirationSec} seconds`, { max_expiration_sec: policy.maxExpirationSec })
        }
        const expire = sec === null ? null : new Date(store.clock() + sec * 1000).toISOString()
        const cred = store.createCredentials(identity.user, ctx.data.label ?? null, undefined, { company: identity.company, expire })
        return { credentials: { access_key: cred.access_key, secret_key: cred.secret_key, label: cred.label, expire: cred.expire } }
      })
    }
  }),
  endpoint({
    name: 'auth.get_credentials', minVersion: '2.1', auth: 'required', schema: empty,
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store, credentialPolicy: policy } = ctx.server
      const credentials: ReturnType<typeof credentialKey>[] = []
      const additional: Record<string, ReturnType<typeof credentialKey>[]> = {}
      for (const c of store.credentialsOf(identity.user)) {
        if (c.company === identity.company) credentials.push(credentialKey(c))
        else (additional[c.company] ??= []).push(credentialKey(c))
      }
      return {
        credentials, additional_credentials: additional, max_credentials: policy.maxCredentials,
        // what a key of the caller gets when expiration_sec is absent: admins' keys never expire by default
        default_expiration_sec: isAdminRole(identity.role) ? null : policy.defaultExpirationSec,
        max_expiration_sec: policy.maxExpirationSec
      }
    }
  }),
  endpoint({
    name: 'auth.revoke_credentials', minVersion: '2.1', auth: 'required',
    // optional in the published schema; the endpoint cannot do without it (400/12 below)
    schema: z.object({ access_key: z.string().min(1).optional() }),
    handler: (ctx) => {
      const accessKey = ctx.data.access_key
      if (accessKey === undefined) throw errors.validation(`error for field 'access_key'. An access key is needed`)
      const revoked = ctx.server.store.deleteCredential(requireIdentity(ctx).user, accessKey)
      if (!revoked) throw errors.invalidUser('invalid access key', { access_key: accessKey })
      return { revoked }
    }
  }),
  endpoint({
    name: 'auth.locate_credentials', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ access_key: z.string().min(1) }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      // keys that log into the caller's workspace (whoever holds them)
      const cred = store.credential(ctx.data.access_key)
      const owner = cred && cred.company === identity.company ? store.userInCompany(cred.user_id, identity.company) : undefined
      if (!cred || !owner) throw errors.invalidAccessKey(undefined, { access_key: ctx.data.access_key })
      return { user: owner.id, name: owner.name, label: cred.label, expire: cred.expire, last_used: cred.last_used, last_used_from: cred.last_used_from }
    }
  }),
  endpoint({
    name: 'auth.get_router_tokens', minVersion: '2.15', auth: 'required',
    schema: z.object({
      include_revoked: z.boolean().optional(), only_fields: stringList.optional(), order_by: stringList.optional(),
      page: z.number().int().min(0).optional(), page_size: z.number().int().min(1).optional()
    }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store, credentialPolicy: policy } = ctx.server
      const admin = isAdminRole(identity.role)
      const { include_revoked, only_fields, order_by, page, page_size } = ctx.data
      // admins see every token of the company (revoked ones on request); anyone else their own live ones
      let tokens = new AccountStore(store).routerTokens(identity.company)
        .filter((t) => (admin ? include_revoked === true || t.revoked_at === null : t.user_id === identity.user && t.revoked_at === null))
        .map(routerTokenView)
      for (const field of [...(order_by ?? [])].reverse()) {
        const desc = field.startsWith('-')
        const key = field.replace(/^[-+]/, '')
        tokens.sort((a, b) => (desc ? -1 : 1) * compareValues(ownValue(a, key), ownValue(b, key)))
      }
      if (page_size !== undefined) tokens = tokens.slice((page ?? 0) * page_size, ((page ?? 0) + 1) * page_size)
      const listed = only_fields?.length
        ? tokens.map((t) => Object.fromEntries(Object.entries(t).filter(([k]) => k === 'id' || only_fields.includes(k))))
        : tokens
      return { max_expiration_sec: policy.routerTokenMaxExpirationSec, tokens: listed }
    }
  }),
  endpoint({
    name: 'auth.generate_router_token', minVersion: '2.15', auth: 'required',
    schema: z.object({ label: z.string().max(256), expiration_sec: positiveSec.optional(), user: z.string().min(1).optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store, credentialPolicy: policy } = ctx.server
      const tokenLabel = ctx.data.label.trim()
      if (!tokenLabel) throw errors.validation(`error for field 'label'. A label is needed`)
      const user = ctx.data.user ?? identity.user
      if (user !== identity.user && !isAdminRole(identity.role)) {
        throw errors.roleNotAllowed('only admins may generate a token for another user', { user })
      }
      if (!store.userInCompany(user, identity.company)) throw errors.invalidUserId('user not found', { user })
      const max = policy.routerTokenMaxExpirationSec
      const sec = ctx.data.expiration_sec ?? max
      if (sec > max) throw errors.validation(`error for field 'expiration_sec'. At most ${max} seconds`, { max_expiration_sec: max })
      // shown once: only its hash and its last 4 characters are stored
      const token = randomBytes(32).toString('base64url')
      const created = store.nowIso()
      new AccountStore(store).insertRouterToken({
        id: newId(), company: identity.company, user_id: user, label: tokenLabel, type: 'identity_token', token_hash: hashRouterToken(token),
        key: token.slice(-4), created, created_by: identity.user, expires: new Date(store.clock() + sec * 1000).toISOString(),
        revoked_at: null, revoked_by: null, endpoints: '[]', metadata: '{}'
      })
      return { token }
    }
  }),
  endpoint({
    name: 'auth.revoke_router_tokens', minVersion: '2.15', auth: 'required',
    schema: z.object({ ids: stringList }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const accounts = new AccountStore(store)
      return store.tx(() => {
        const targets = [...new Set(ctx.data.ids)].map((id) => accounts.routerToken(id)).filter((t): t is RouterTokenRow => t?.company === identity.company)
        const foreign = isAdminRole(identity.role) ? undefined : targets.find((t) => t.user_id !== identity.user)
        if (foreign) throw errors.roleNotAllowed("only admins may revoke other users' tokens", { id: foreign.id })
        const at = store.nowIso()
        let revoked = 0
        for (const t of targets) revoked += accounts.revokeRouterToken(t.id, identity.user, at)
        return { revoked }
      })
    }
  })
]
