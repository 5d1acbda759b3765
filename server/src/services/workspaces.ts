import { z } from 'zod'
import { AccountStore, type WhitelistRow } from '../account-store'
import { COOKIE_NAME, identityOf } from '../auth'
import { type CallContext, type Identity, MAX_TOKEN_TTL_SEC, empty, endpoint, requireIdentity } from '../endpoint'
import { errors } from '../errors'
import { ADMIN_ROLES, isAdminRole } from '../groups'
import { type Store, newId } from '../store'

/**
 * Workspaces (companies) and invites, enterprise feature set only.
 * - Published (clearml-enterprise-api.md §1.2): `organization.update_company_name`, `login.add_whitelist_entries`,
 *   `login.remove_whitelist_entries`, `login.get_settings`, `login.set_domains`.
 * - Not in the published reference, named and shaped after the open-source web app's API models (hosted-service
 *   workspaces): `organization.get_user_companies`, `organization.create_invite`, `login.join_company`,
 *   `login.leave_company`.
 * A user's own company is their personal workspace; other companies they joined are memberships with a role there
 * (store.ts `company_members`); their keys for a workspace log into that workspace (auth.ts).
 */

/** Invite links stay valid this long (the web app's invite dialog: "valid for 24 hours"). */
export const INVITE_TTL_SEC = 24 * 3600

/** login.assignable_role. */
const ASSIGNABLE_ROLES = ['admin', 'user', 'consumer'] as const

const normaliseEmail = (e: string) => e.trim().toLowerCase()
const email = z.string().trim().max(320).pipe(z.email())
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/
const emails = z.union([email, z.array(email)]).transform((v) => [...new Set((Array.isArray(v) ? v : [v]).map(normaliseEmail))])

/** Users of the company (its own and those who joined) plus pending invites: the company's allocated seats. */
function allocated(store: Store, accounts: AccountStore, company: string): number {
  return store.usersOfCompany(company).length + accounts.whitelist(company).filter((e) => e.accepted === null).length
}

/** organization.get_user_companies item: `allowed` is null (this server has no seat limit); owners = the company's own admins. */
function companyView(store: Store, accounts: AccountStore, company: string) {
  const c = store.company(company)!
  const owners = store.usersOfCompany(company).filter((u) => store.user(u.id)?.company === company && isAdminRole(u.role))
  return {
    id: c.id, name: c.name, allowed: null, allocated: allocated(store, accounts, company),
    owners: owners.map((u) => ({ id: u.id, name: u.name, ...(u.avatar !== null && { avatar: u.avatar }) }))
  }
}

/**
 * Makes the user a member of the company. A pending email invite for the user's email is accepted (its role is the
 * member's role); otherwise `role` (default user).
 */
export function joinCompany(store: Store, userId: string, company: string, role = 'user'): void {
  const accounts = new AccountStore(store)
  const user = store.user(userId)!
  const now = store.nowIso()
  const entry = user.email ? accounts.whitelistEntry(company, normaliseEmail(user.email)) : undefined
  const memberRole = entry && entry.accepted === null ? entry.role : role
  store.insertMembership({ company, user_id: userId, role: memberRole, joined: now })
  if (entry && entry.accepted === null) accounts.putWhitelistEntry({ ...entry, accepted: now, user_id: userId })
}

/** A session token for the identity, also set as the web cookie ("the token is always embedded in the session"). */
function sessionFor(ctx: CallContext<{ return_token?: boolean }>, identity: Identity) {
  const ttl = Math.min(ctx.server.tokenTtlSec, MAX_TOKEN_TTL_SEC)
  const token = ctx.server.issueToken(identity, ttl)
  ctx.setCookie(`${COOKIE_NAME}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${ttl}`)
  return { company_id: identity.company, company_name: identity.company_name, ...(ctx.data.return_token === true && { token }) }
}

function whitelistView(store: Store, e: WhitelistRow) {
  const user = e.user_id === null ? undefined : store.userInCompany(e.user_id, e.company)
  return {
    email: e.email, added: e.added, status: e.accepted === null ? 'pending' : 'accepted', accepted: e.accepted,
    ...(user && { user: { id: user.id, name: user.name, role: user.role } })
  }
}

export const workspaceEndpoints = [
  endpoint({
    name: 'organization.get_user_companies', minVersion: '2.15', auth: 'required', schema: empty,
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const accounts = new AccountStore(store)
      const own = store.user(identity.user)!.company
      const ids = [own, ...store.membershipsOf(identity.user).map((m) => m.company)]
      return { companies: ids.map((c) => companyView(store, accounts, c)) }
    }
  }),
  endpoint({
    name: 'organization.update_company_name', minVersion: '2.15', auth: 'required', roles: ['admin'],
    schema: z.object({ company: z.string().min(1).optional(), new_name: z.string().max(256) }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      if (ctx.data.company !== undefined && ctx.data.company !== identity.company) {
        throw errors.roleNotAllowed('only system users may rename another company', { company: ctx.data.company })
      }
      const name = ctx.data.new_name.trim()
      if (!name) throw errors.validation(`error for field 'new_name'. The name cannot be empty`)
      if (store.company(identity.company)?.name === name) return { updated: 0 }
      return { updated: store.renameCompany(identity.company, name) }
    }
  }),
  endpoint({
    name: 'organization.create_invite', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const accounts = new AccountStore(store)
      const id = newId()
      accounts.insertInvite({
        id, company: identity.company, created: store.nowIso(), created_by: identity.user,
        expires: new Date(store.clock() + INVITE_TTL_SEC * 1000).toISOString()
      })
      return { id, allowed_users: null, allocated_users: allocated(store, accounts, identity.company) }
    }
  }),
  endpoint({
    name: 'login.join_company', minVersion: '2.15', auth: 'required',
    schema: z.object({ invite_id: z.string().min(1), return_token: z.boolean().optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const invite = new AccountStore(store).invite(ctx.data.invite_id)
      if (!invite || Date.parse(invite.expires) <= store.clock()) throw errors.invalidId('invite not found or expired', { invite_id: ctx.data.invite_id })
      if (!store.userInCompany(identity.user, invite.company)) store.tx(() => joinCompany(store, identity.user, invite.company))
      return sessionFor(ctx, identityOf(store, identity.user, undefined, invite.company)!)
    }
  }),
  endpoint({
    name: 'login.leave_company', minVersion: '2.15', auth: 'required',
    schema: z.object({ company_id: z.string().min(1), return_token: z.boolean().optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const company = ctx.data.company_id
      const own = store.user(identity.user)!.company
      if (company === own) throw errors.validation('you cannot leave your own (personal) workspace', { company_id: company })
      if (!store.membership(company, identity.user)) throw errors.invalidId('not a member of this workspace', { company_id: company })
      store.tx(() => {
        const accounts = new AccountStore(store)
        store.deleteMembership(company, identity.user)
        store.deleteGroupMemberships(company, identity.user)
        // the keys for that workspace are revoked, and so are the router tokens; a new invite is needed to come back
        store.deleteCredentialsIn(identity.user, company)
        accounts.revokeRouterTokensOf(company, identity.user, identity.user, store.nowIso())
        accounts.deleteAcceptedEntriesOf(company, identity.user)
      })
      // the session moves to the personal workspace when it was in the one left
      const next = identity.company === company ? identityOf(store, identity.user)! : identityOf(store, identity.user, undefined, identity.company)!
      return sessionFor(ctx, next)
    }
  }),
  endpoint({
    name: 'login.add_whitelist_entries', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ emails: emails.optional(), is_admin: z.boolean().optional(), role: z.enum(ASSIGNABLE_ROLES).optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const accounts = new AccountStore(store)
      // role (API 2.37) wins over the deprecated is_admin
      const role = ctx.data.role ?? (ctx.data.is_admin === true ? 'admin' : 'user')
      return store.tx(() => {
        const members = new Set(store.usersOfCompany(identity.company).map((u) => u.email && normaliseEmail(u.email)).filter(Boolean))
        const added: string[] = []
        for (const e of ctx.data.emails ?? []) {
          if (members.has(e)) continue // already in the workspace
          // a new invite, or a pending one renewed (role and time)
          accounts.putWhitelistEntry({ company: identity.company, email: e, role, added: store.nowIso(), added_by: identity.user, accepted: null, user_id: null })
          added.push(e)
        }
        return { added }
      })
    }
  }),
  endpoint({
    name: 'login.remove_whitelist_entries', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ emails: emails.optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const accounts = new AccountStore(store)
      return store.tx(() => {
        const removed: string[] = []
        for (const e of ctx.data.emails ?? []) {
          // only entries not accepted yet
          if (accounts.whitelistEntry(identity.company, e)?.accepted === null && accounts.deleteWhitelistEntry(identity.company, e)) removed.push(e)
        }
        return { removed }
      })
    }
  }),
  endpoint({
    name: 'login.get_settings', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const accounts = new AccountStore(store)
      return {
        domains: JSON.parse(accounts.companySetting(identity.company, 'login_domains') ?? '[]') as string[],
        whitelist_entries: accounts.whitelist(identity.company).map((e) => whitelistView(store, e))
      }
    }
  }),
  endpoint({
    name: 'login.set_domains', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ domains: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v])).optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      if (ctx.data.domains === undefined) throw errors.validation(`error for field 'domains'. The list of domains is needed (an empty list clears it)`)
      const domains = [...new Set(ctx.data.domains.map((d) => d.trim().toLowerCase()))]
      const bad = domains.find((d) => !HOSTNAME.test(d))
      if (bad !== undefined) throw errors.validation(`error for field 'domains'. Not a host name: ${JSON.stringify(bad.slice(0, 100))}`)
      new AccountStore(ctx.server.store).setCompanySetting(identity.company, 'login_domains', JSON.stringify(domains))
      return {}
    }
  })
]
