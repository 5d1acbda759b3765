// admin.* users and groups: the organisation's users (synced page by page into the local cache, then
// searched, sorted and paged locally so 50,000 users stay instant), invitations, roles, user groups.
import { z } from 'zod'
import {
  emailField,
  groupDescriptionField,
  groupNameField,
  groupOrder,
  userOrder,
  type AdminUser,
  type GroupMember,
  type UserGroup
} from '../../domain/admin-users'
import { listQuery, type Page } from '../list'
import { method } from '../method'

const id = z.string().min(1, 'is required').max(300)

export interface SyncResult {
  users: number
  invites: number
  rules: number
  /** When this sync finished (ms since the epoch). */
  syncedAt: number
  ms: number
}

export interface SyncState {
  users: { count: number; syncedAt: number } | null
  rules: { count: number; syncedAt: number } | null
  /** A sync is running now. */
  running: boolean
}

export const adminInviteInput = z.object({ email: emailField }).strict()
export const groupSaveInput = z
  .object({
    /** Absent: create a new group. */
    id: id.optional(),
    name: groupNameField,
    description: groupDescriptionField.default(''),
    /** The full member list (user ids); absent = leave the members as they are. */
    members: z.array(id).max(100_000).optional()
  })
  .strict()

export const adminUsersMethods = {
  /** One page of the synced users (and pending invitations), searched by name, email or id, sorted locally. */
  'admin.users': method<Page<AdminUser>>()(listQuery(userOrder, 'name')),
  /** Sync the users, pending invitations and access rules from the server into the local cache. */
  'admin.users.sync': method<SyncResult>()(z.object({}).strict(), { topics: ['users'] }),
  'admin.users.syncState': method<SyncState>()(z.object({}).strict()),
  /** Invite by email (login.add_whitelist_entries): a pending row until they join. */
  'admin.users.invite': method<{ added: string[] }>()(adminInviteInput, { mutates: true, topics: ['users'] }),
  /** Remove a user from the workspace (auth.delete_user), or withdraw a pending invitation. */
  'admin.users.remove': method<{ removed: number }>()(z.object({ id }).strict(), { mutates: true, topics: ['users', 'groups'] }),
  'admin.users.setRole': method<{ updated: number }>()(z.object({ id, role: z.enum(['admin', 'user', 'consumer']) }).strict(), {
    mutates: true,
    topics: ['users', 'groups']
  }),
  /** The user groups (permissions.get_user_groups), cache first, searched by name, description or id. */
  'admin.groups': method<Page<UserGroup>>()(listQuery(['position', ...groupOrder] as const, 'position').extend({ refresh: z.boolean().default(false) })),
  /** A group's members, live from the server (for editing). */
  'admin.groups.members': method<GroupMember[]>()(z.object({ id }).strict()),
  'admin.groups.save': method<{ id: string }>()(groupSaveInput, { mutates: true, topics: ['groups', 'users'] }),
  'admin.groups.delete': method<{ deleted: number }>()(z.object({ id }).strict(), { mutates: true, topics: ['groups', 'users'] })
}
