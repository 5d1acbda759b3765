import { z } from 'zod'
import { AccountStore } from '../account-store'
import { API_VERSION, type Identity, MAX_EXPIRATION_SEC, empty, endpoint, requireIdentity, stringList } from '../endpoint'
import { errors } from '../errors'
import { ADMIN_ROLES, isAdminRole } from '../groups'
import { namePattern, onlyFields, pageFields, pageItems, sortItems } from '../listing'
import { type Store, type UserRow, newId } from '../store'

/**
 * The administration of users and service accounts (clearml-enterprise-api.md §1.2), enterprise feature set:
 * users.get_all_ex, users.set_role, users.get_role_options, auth.delete_user (removal), auth.create_service_user,
 * users.get_service_users, users.update_service_user. Service accounts are users flagged `service` (store.ts v5): they
 * are members of the Users group, hold keys like anyone, and are listed by users.get_service_users, not by
 * users.get_all_ex. Their keys are managed with the ordinary auth.* credential calls made as the account through the
 * impersonation header (auth.ts `impersonate`).
 */

/** users.assignable_role, with the display names of users.get_role_options. */
export const ASSIGNABLE_ROLES = [
  { role: 'admin', display_name: 'Admin' }, { role: 'user', display_name: 'User' }, { role: 'consumer', display_name: 'Consumer' }
] as const
const assignableRole = z.enum(['admin', 'user', 'consumer'])

/** Roles that are never edited or removed through the API (users.user `read_only`). */
const READ_ONLY_ROLES = ['system', 'root']

type Json = Record<string, unknown>

/** The company's group memberships as user id → group ids, in the company's group order (built-ins included). */
export function secGroupsResolver(store: Store, company: string): (u: UserRow) => string[] {
  const groups = store.userGroupsOfCompany(company)
  const stored = new Map<string, Set<string>>()
  for (const r of store.db.prepare('SELECT user_id, grp FROM user_group_members WHERE company = ?').all(company) as Array<{ user_id: string; grp: string }>) {
    let set = stored.get(r.user_id)
    if (!set) stored.set(r.user_id, (set = new Set()))
    set.add(r.grp)
  }
  return (u) => groups.filter((g) => g.kind === 'users' || (g.kind === 'admins' ? isAdminRole(u.role) : !!stored.get(u.id)?.has(g.id))).map((g) => g.id)
}

/** The company's users who own a task or model in one of the projects (any project when the list is empty). */
function activeInProjects(store: Store, company: string, projects: readonly string[]): Set<string> {
  const rows = store.db.prepare(`SELECT DISTINCT user_id, project FROM objects WHERE company = ? AND kind IN ('task', 'model') AND user_id IS NOT NULL
    AND project IS NOT NULL`).all(company) as Array<{ user_id: string; project: string }>
  const wanted = new Set(projects)
  return new Set(rows.filter((r) => !wanted.size || wanted.has(r.project)).map((r) => r.user_id))
}

function providersOf(u: UserRow): Json {
  return u.last_provider ? { [u.last_provider]: { name: u.last_provider_name ?? null, last_login: u.last_provider_login ?? null } } : {}
}

/** The caller's view of a user of their workspace (never a removed one). */
function workspaceUser(store: Store, identity: Identity, userId: string): UserRow {
  const user = store.userInCompany(userId, identity.company)
  if (!user) throw errors.invalidUserId('user not found', { user: userId })
  return user
}

const positiveSec = z.number().int().positive().max(MAX_EXPIRATION_SEC)
const serviceName = z.string().max(256)

export const adminUserEndpoints = [
  endpoint({
    name: 'users.get_all_ex', minVersion: '2.15', auth: 'required',
    schema: z.object({
      include_auth: z.boolean().optional(), include_activity: z.boolean().optional(), id: stringList.optional(), name: z.string().optional(),
      active_in_projects: stringList.optional(), ...pageFields
    }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const { include_auth, include_activity, id, name, active_in_projects, only_fields, order_by, page, page_size } = ctx.data
      if (include_auth === true && !isAdminRole(identity.role)) throw errors.roleNotAllowed('include_auth is for admins only', { role: identity.role })
      const matches = namePattern(name)
      const ids = id?.length ? new Set(id) : undefined
      const active = active_in_projects ? activeInProjects(store, identity.company, active_in_projects) : undefined
      const rows = store.usersOfCompany(identity.company).filter((u) => u.service !== 1 && matches(u.name) && (!ids || ids.has(u.id)) && (!active || active.has(u.id)))
      const secGroups = include_auth === true ? secGroupsResolver(store, identity.company) : undefined
      const view = (u: UserRow, withGroups: boolean): Json => ({
        id: u.id, company: identity.company, name: u.name, given_name: u.given_name, family_name: u.family_name, avatar: u.avatar,
        read_only: READ_ONLY_ROLES.includes(u.role),
        ...(include_auth === true && {
          email: u.email, created: u.created, role: u.role, providers: providersOf(u), sec_groups: withGroups ? secGroups!(u) : []
        }),
        ...(include_activity === true && {
          activity: {
            last_credentials_login: u.last_credentials_login ?? null, last_provider: u.last_provider ?? null,
            last_provider_login: u.last_provider_login ?? null, last_provider_name: u.last_provider_name ?? null,
            last_ui_access: u.last_ui_access ?? null
          }
        })
      })
      // sort and page on light views; the groups are resolved for the page only
      const pairs = rows.map((u) => ({ u, v: view(u, false) }))
      sortItems(pairs, order_by, (p, key) => {
        const segs = key.split('.')
        let cur: unknown = p.v
        for (const s of segs) cur = cur && typeof cur === 'object' && Object.hasOwn(cur, s) ? (cur as Json)[s] : undefined
        return cur
      })
      const users = pageItems(pairs, page, page_size).map(({ u }) => onlyFields(view(u, true), only_fields))
      return { users }
    }
  }),
  endpoint({
    name: 'users.get_role_options', minVersion: '2.15', auth: 'required', schema: empty,
    handler: () => ({ roles: ASSIGNABLE_ROLES.map((r) => ({ ...r })) })
  }),
  endpoint({
    name: 'users.set_role', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ user: z.string().min(1), role: assignableRole }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store, serviceUsers } = ctx.server
      return store.tx(() => {
        const user = workspaceUser(store, identity, ctx.data.user)
        if (user.id === identity.user) throw errors.validation('you cannot change your own role', { user: user.id })
        if (READ_ONLY_ROLES.includes(user.role)) throw errors.validation('this user\'s role cannot be changed', { user: user.id })
        if (user.service === 1 && isAdminRole(ctx.data.role) && !serviceUsers.allowAdmins) {
          throw errors.validation('service accounts may not be admins on this server (allow_admins is false)', { user: user.id })
        }
        if (user.role === ctx.data.role) return { updated: 0 }
        // the role of a member who joined from another company is their membership's
        if (store.user(user.id)!.company === identity.company) store.updateUser(user.id, { role: ctx.data.role })
        else store.setMemberRole(identity.company, user.id, ctx.data.role)
        return { updated: 1 }
      })
    }
  }),
  endpoint({
    name: 'auth.delete_user', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ user: z.string().min(1) }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      return store.tx(() => {
        const user = workspaceUser(store, identity, ctx.data.user)
        if (user.id === identity.user || user.id === ctx.impersonator?.user) throw errors.validation('you cannot remove yourself', { user: user.id })
        if (READ_ONLY_ROLES.includes(user.role)) throw errors.validation('this user cannot be removed', { user: user.id })
        removeUser(store, identity, user.id)
        return { deleted: 1 }
      })
    }
  }),
  endpoint({
    name: 'auth.create_service_user', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ name: serviceName, allow_running_as_owner: z.boolean().default(false), credentials_expiration_sec: positiveSec.optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store, credentialPolicy: policy, serviceUsers } = ctx.server
      const name = ctx.data.name.trim()
      if (!name) throw errors.validation(`error for field 'name'. The name cannot be empty`)
      return store.tx(() => {
        const existing = store.usersOfCompany(identity.company).filter((u) => u.service === 1)
        if (serviceUsers.allowed !== null && existing.length >= serviceUsers.allowed) {
          throw errors.validation(`service account limit reached (at most ${serviceUsers.allowed})`, { allowed_service_users: serviceUsers.allowed })
        }
        if (existing.some((u) => u.name.trim().toLowerCase() === name.toLowerCase())) throw errors.validation('a service account with this name already exists', { name })
        // a service account's keys follow the non-admin policy (users.get_service_users shows it)
        const sec = ctx.data.credentials_expiration_sec ?? policy.defaultExpirationSec
        if (policy.maxExpirationSec !== null && (sec === null || sec > policy.maxExpirationSec)) {
          throw errors.validation(`error for field 'credentials_expiration_sec'. At most ${policy.maxExpirationSec} seconds`, { max_expiration_sec: policy.maxExpirationSec })
        }
        const id = insertServiceUser(store, identity.company, name, ctx.data.allow_running_as_owner)
        const expire = sec === null ? null : new Date(store.clock() + sec * 1000).toISOString()
        const cred = store.createCredentials(id, null, undefined, { company: identity.company, expire })
        return { id, credentials: { access_key: cred.access_key, secret_key: cred.secret_key, label: cred.label, expire: cred.expire } }
      })
    }
  }),
  endpoint({
    name: 'users.get_service_users', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store, credentialPolicy: policy, serviceUsers } = ctx.server
      const users = store.usersOfCompany(identity.company).filter((u) => u.service === 1).map((u) => {
        const creds = store.credentialsOf(u.id, identity.company)
        const lastUsed = creds.map((c) => c.last_used).filter((t): t is string => !!t).sort().at(-1) ?? null
        return { id: u.id, name: u.name, role: u.role, allow_running_as_owner: u.allow_running_as_owner === 1, credentials: creds.length, last_active_time: lastUsed }
      })
      return {
        users, allowed_service_users: serviceUsers.allowed, allow_admins: serviceUsers.allowAdmins,
        default_expiration_sec: policy.defaultExpirationSec, max_expiration_sec: policy.maxExpirationSec
      }
    }
  }),
  endpoint({
    name: 'users.update_service_user', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ user: z.string().min(1), name: serviceName.optional(), allow_running_as_owner: z.boolean().optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      return store.tx(() => {
        const user = store.userInCompany(ctx.data.user, identity.company)
        if (!user || user.service !== 1) throw errors.invalidUserId('service account not found', { user: ctx.data.user })
        const fields: Parameters<Store['updateUser']>[1] = {}
        const name = ctx.data.name?.trim()
        if (name !== undefined) {
          if (!name) throw errors.validation(`error for field 'name'. The name cannot be empty`)
          const clash = store.usersOfCompany(identity.company).find((u) => u.service === 1 && u.id !== user.id && u.name.trim().toLowerCase() === name.toLowerCase())
          if (clash) throw errors.validation('a service account with this name already exists', { name })
          if (name !== user.name) fields.name = name
        }
        const allow = ctx.data.allow_running_as_owner
        if (allow !== undefined && (allow ? 1 : 0) !== user.allow_running_as_owner) fields.allow_running_as_owner = allow ? 1 : 0
        store.updateUser(user.id, fields)
        return { updated: Object.keys(fields).length ? 1 : 0 }
      })
    }
  })
]

/** A new service account of the company (role `user`, no email); returns its id. */
export function insertServiceUser(store: Store, company: string, name: string, allowRunningAsOwner: boolean, id = newId()): string {
  store.insertUser({
    id, company, name, given_name: null, family_name: null, avatar: null, role: 'user', email: null, created: store.nowIso(), created_in_version: API_VERSION
  })
  store.db.prepare('UPDATE users SET service = 1, allow_running_as_owner = ? WHERE id = ?').run(allowRunningAsOwner ? 1 : 0, id)
  return id
}

/**
 * Removes a user from the caller's workspace (auth.delete_user). A user of this company is removed everywhere: the
 * row is flagged `deleted` (references to the id keep resolving: task owners, operations log), all their keys are
 * deleted, their router tokens revoked, their group memberships and memberships of other workspaces dropped; they can
 * no longer log in and their tokens stop working. A member who joined from another company leaves this workspace
 * only (as login.leave_company). Pending invites are not users: remove them with login.remove_whitelist_entries.
 */
export function removeUser(store: Store, by: Identity, userId: string): void {
  const accounts = new AccountStore(store)
  const now = store.nowIso()
  const home = store.user(userId)!.company
  const companies = home === by.company ? [home, ...store.membershipsOf(userId).map((m) => m.company)] : [by.company]
  for (const company of companies) {
    store.deleteGroupMemberships(company, userId)
    store.deleteCredentialsIn(userId, company)
    accounts.revokeRouterTokensOf(company, userId, by.user, now)
    if (company !== home) {
      store.deleteMembership(company, userId)
      accounts.deleteAcceptedEntriesOf(company, userId)
    }
  }
  // access rules naming the user keep the id; permissions.get_access_rules lists current users only
  if (home === by.company) store.updateUser(userId, { deleted: now })
}
