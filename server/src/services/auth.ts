import { z } from 'zod'
import { COOKIE_NAME } from '../auth'
import { type CallContext, MAX_TOKEN_TTL_SEC, empty, endpoint, requireIdentity } from '../endpoint'
import { errors } from '../errors'

/** auth.* (clearml-api.md §2 "auth"): login/logout and the caller's own credentials. */

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
    schema: z.object({ expiration_sec: z.number().int().min(1).max(MAX_TOKEN_TTL_SEC).optional() }),
    handler: (ctx) => {
      const ttl = ctx.data.expiration_sec ?? ctx.server.tokenTtlSec
      const token = ctx.server.issueToken(requireIdentity(ctx), ttl)
      ctx.setCookie(`${COOKIE_NAME}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${ttl}`)
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
      credentials: ctx.server.store.credentialsOf(requireIdentity(ctx).user).map((c) => ({
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
