// The organisation's users, pending invitations and user groups, as the Users & Groups screens show them.
// Pure: shared by the renderer (forms, columns) and the core (sync, local queries).
import { z } from 'zod'

export type UserRole = 'admin' | 'user' | 'consumer' | 'system' | 'root' | string

/** The roles that administer a workspace (the server's admin endpoints accept these). */
export const ADMIN_ROLES: readonly string[] = ['admin', 'root', 'system']

/** One row of the Users table: a member of the workspace, or a pending email invitation. */
export interface AdminUser {
  /** The user id; for a pending invitation `invite:<email>` (it has no user yet). */
  id: string
  /** Display name ("Username" in the web app); a pending invitation shows its email. */
  name: string
  email: string | null
  status: 'active' | 'pending'
  role: UserRole | null
  /** Pending: when the invitation was sent; active: when the user was created. ISO time or null. */
  added: string | null
  /** The user's groups (built-ins included), names resolved from the synced group list. */
  groups: Array<{ id: string; name: string }>
  /** Last sign-in through a sign-on provider, and which. */
  lastLogin: string | null
  lastProvider: string | null
  /** Last time the user's API credentials were used to obtain a token. */
  credentialsUsed: string | null
  /** Last access to the web UI. */
  uiAccess: string | null
  /** system/root users: never edited or removed. */
  readOnly: boolean
}

export const userOrder = ['name', 'email', 'status', 'role', 'id', 'lastLogin', 'credentialsUsed', 'uiAccess', 'added'] as const
export type UserOrder = (typeof userOrder)[number]

/** One user group. */
export interface UserGroup {
  id: string
  name: string
  description: string
  /** Built-in (Users, Admins, Queue admins): cannot be removed or renamed. */
  system: boolean
  /** Members can be set (Queue admins and custom groups). */
  assignable: boolean
  /** Not editable at all (the built-in Users group: everyone). */
  locked: boolean
  memberCount: number
  /** The first few members' names, for the table. */
  preview: string[]
}

export interface GroupMember {
  id: string
  name: string
  email: string | null
}

export const groupOrder = ['name', 'description', 'members', 'id'] as const
export type GroupOrder = (typeof groupOrder)[number]

/** The built-in Users group (everyone): the server flags it system and not assignable, and names it Users. */
export function isUsersGroup(g: { name: string; system: boolean; assignable: boolean }): boolean {
  return g.system && !g.assignable && g.name.trim().toLowerCase() === 'users'
}

export const emailField = z
  .string()
  .trim()
  .min(1, 'Enter an email address')
  .max(254, 'An email address is at most 254 characters')
  .email('Enter a valid email address, such as name@example.com')

export const groupNameField = z.string().trim().min(1, 'Enter a group name').max(256, 'A group name is at most 256 characters')
export const groupDescriptionField = z.string().max(4096, 'A description is at most 4096 characters')

/** Group names compare trimmed and case-insensitively (as the server does). */
export function sameGroupName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase()
}

/** What removing a user means (settings-page.md, "Removing Teammates"). */
export const REMOVE_USER_CONSEQUENCES =
  "They lose access to the workspace's resources (tasks, models, etc.) and their existing access credentials are revoked. Tasks and associated artifacts they logged to the workspace remain in it. They can only rejoin when you re-invite them."

/** What deleting a group means (settings-page.md, "To delete a user group"). */
export const DELETE_GROUP_CONSEQUENCES =
  'Its members will lose the access privileges that had been granted to the group, unless otherwise provided individually or to another group they are members of.'

export const NOT_ADMIN_MESSAGE = "Only administrators can see the organisation's users and user groups."
