import { z } from 'zod'
import { endpoint, requireIdentity, stringList } from '../endpoint'
import { errors } from '../errors'
import { ADMIN_ROLES, groupFlags, groupMembers } from '../groups'
import { type UserGroupRow, newId } from '../store'

/**
 * permissions.* user groups (clearml-enterprise-api.md §1.2), enterprise only, admin roles ("system,root,admin").
 * Built-ins: see groups.ts. Names are unique within a company (compared case-insensitively, trimmed).
 */

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase()

function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>
}

export const groupEndpoints = [
  endpoint({
    name: 'permissions.get_user_groups', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ groups: stringList.optional(), include_permissions: z.boolean().optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const { groups: ids, include_permissions } = ctx.data
      const groups = store.userGroupsOfCompany(identity.company).filter((g) => !ids?.length || ids.includes(g.id))
      // Read the company's users once for all groups (per group it took minutes with 50,000 users).
      const everyone = store.usersOfCompany(identity.company)
      return {
        groups: groups.map((g) => ({
          ...compact({ id: g.id, name: g.name, description: g.description }),
          ...groupFlags(g),
          users: groupMembers(store, g, everyone).map((u) => compact({ id: u.id, name: u.name, email: u.email })),
          // the group's service permissions: none here (access rules are permissions.get_access_rules)
          ...(include_permissions === true && { permissions: [] })
        }))
      }
    }
  }),
  endpoint({
    name: 'permissions.add_or_update_user_group', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({
      id: z.string().min(1).max(256).optional(), name: z.string().max(256).optional(), description: z.string().max(4096).nullable().optional(),
      users: stringList.optional()
    }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const { id, description, users } = ctx.data
      const name = ctx.data.name?.trim()
      return store.tx(() => {
        const existing = id === undefined ? undefined : store.userGroup(identity.company, id)
        if (name !== undefined && !name) throw errors.validation(`error for field 'name'. Group name cannot be empty`)
        if (!existing && name === undefined) throw errors.missingRequiredFields('a new group needs a name', { fields: ['name'] })
        if (existing?.kind === 'users') throw errors.validation('the built-in Users group cannot be modified', { id: existing.id })
        if (existing && existing.kind !== 'custom' && name !== undefined && name !== existing.name) {
          throw errors.validation(`the built-in ${existing.name} group cannot be renamed`, { id: existing.id })
        }
        if (existing?.kind === 'admins' && users !== undefined) {
          throw errors.validation('the members of the built-in Admins group follow the users\' roles and cannot be set', { id: existing.id })
        }
        if (name !== undefined) {
          const clash = store.userGroupsOfCompany(identity.company).find((g) => g.id !== existing?.id && sameName(g.name, name))
          if (clash) throw errors.validation('a user group with this name already exists', { name, id: clash.id })
        }
        const memberIds = users === undefined ? undefined : [...new Set(users)]
        for (const u of memberIds ?? []) {
          if (!store.userInCompany(u, identity.company)) throw errors.invalidUserId('user not found', { id: u })
        }

        let group: UserGroupRow
        if (existing) {
          const fields: Partial<Pick<UserGroupRow, 'name' | 'description'>> = {}
          if (name !== undefined && name !== existing.name) fields.name = name
          if (description !== undefined && description !== existing.description) fields.description = description
          store.updateUserGroup(identity.company, existing.id, fields)
          group = { ...existing, ...fields }
        } else {
          // an id that is not found creates a group with that id (as published)
          group = { company: identity.company, id: id ?? newId(), name: name!, description: description ?? null, kind: 'custom', created: store.nowIso() }
          store.insertUserGroup(group)
        }
        if (memberIds) store.setGroupMembers(identity.company, group.id, memberIds)
        return { id: group.id, name: group.name, ...groupFlags(group) }
      })
    }
  }),
  endpoint({
    name: 'permissions.delete_user_groups', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ groups: stringList }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      return store.tx(() => {
        const targets = [...new Set(ctx.data.groups)].map((id) => store.userGroup(identity.company, id)).filter((g): g is UserGroupRow => !!g)
        const builtin = targets.find((g) => g.kind !== 'custom')
        if (builtin) throw errors.validation(`the built-in ${builtin.name} group cannot be deleted`, { id: builtin.id })
        let deleted = 0
        // members go with the group (ON DELETE CASCADE); vaults of the group stay and apply to nobody
        for (const g of targets) deleted += store.deleteUserGroup(identity.company, g.id)
        return { deleted }
      })
    }
  })
]
