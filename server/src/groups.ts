import type { Store, UserGroupRow, UserRow } from './store'

/**
 * User groups (clearml-enterprise-api.md §1.2). Every company has three built-ins:
 * - "Users": every user of the company is a member (implicit); cannot be modified or deleted.
 * - "Admins": the users whose role is an admin role (implicit, follows the role); cannot be renamed or deleted.
 * - "Queue admins": stored members; cannot be renamed or deleted.
 * Custom groups have stored members.
 */

/** The roles the published reference lists for admin-only endpoints ("system,root,admin"). */
export const ADMIN_ROLES: readonly string[] = ['system', 'root', 'admin']
export const isAdminRole = (role: string) => ADMIN_ROLES.includes(role)

/** system: a built-in group; assignable: members can be added or removed through the API. */
export function groupFlags(g: UserGroupRow): { assignable: boolean; system: boolean } {
  return { assignable: g.kind === 'queue_admins' || g.kind === 'custom', system: g.kind !== 'custom' }
}

/** `users`: the company's users when the caller already has them (listing many groups reads them once). */
export function groupMembers(store: Store, g: UserGroupRow, users: UserRow[] = store.usersOfCompany(g.company)): UserRow[] {
  if (g.kind === 'users') return users
  if (g.kind === 'admins') return users.filter((u) => isAdminRole(u.role))
  const ids = new Set(store.groupMemberIds(g.company, g.id))
  return users.filter((u) => ids.has(u.id))
}

/** The groups a user belongs to, in the company's group order. */
export function groupsOfUser(store: Store, user: UserRow): UserGroupRow[] {
  const stored = new Set(store.storedGroupsOfUser(user.company, user.id))
  return store.userGroupsOfCompany(user.company).filter((g) =>
    g.kind === 'users' || (g.kind === 'admins' ? isAdminRole(user.role) : stored.has(g.id)))
}
