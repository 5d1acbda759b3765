import { z } from 'zod'
import { type AccessExplanation, explainAccess, permissionsEnabled, resolveEntity } from '../access'
import { AccountStore } from '../account-store'
import { ACCESS_PERMISSIONS, type AccessRuleRow, AdminStore, ENTITY_TYPES, type EntityType } from '../admin-store'
import { identityOf } from '../auth'
import { endpoint, empty, requireIdentity, stringList } from '../endpoint'
import { errors } from '../errors'
import { ADMIN_ROLES } from '../groups'
import { type Store, USERS_GROUP_ID, newId } from '../store'
import { hashRouterToken } from './auth'

/**
 * Access rules (clearml-enterprise-api.md §1.3), enterprise feature set: permissions.get_access_rules,
 * add_or_update_access_rule, delete_access_rules, restore_default_access_rules, ensure_default_access_rules,
 * get_entity_access_categories, get_company_users and check_entity_access (the evaluation is access.ts).
 */

/** The entity types the default rules cover, for the built-in Admins and Users groups. */
const DEFAULT_RULE_TYPES: readonly EntityType[] = ['project', 'queue', 'dataset', 'dataview', 'route', 'app', 'app_category']
const DEFAULT_GROUPS = ['admins', 'users'] as const
type DefaultGroup = (typeof DEFAULT_GROUPS)[number]

const TYPE_LABEL: Record<EntityType, string> = {
  project: 'projects', task: 'tasks', model: 'models', queue: 'queues', dataset: 'datasets', dataview: 'dataviews', route: 'routes',
  app: 'applications', app_category: 'application categories'
}

/** A default rule: read & modify on every object of the type for the group. Fixed ids per company. */
function defaultRule(store: Store, company: string, group: DefaultGroup, type: EntityType, now: string): AccessRuleRow {
  const groupId = group === 'users' ? USERS_GROUP_ID : store.userGroupsOfCompany(company).find((g) => g.kind === 'admins')!.id
  const groupName = group === 'users' ? 'Users' : 'Admins'
  return {
    company, id: `default_${group}_${type}`, name: `${groupName}: all ${TYPE_LABEL[type]}`,
    description: `Default rule: the ${groupName} group may read and modify every ${type.replace('_', ' ')}`,
    entity_type: type, entity_id: '*', access_permission: 'read_write', groups: JSON.stringify([groupId]), users: '[]', autocreated: 1,
    metadata: '{}', created: now, last_update: now
  }
}

const sameRule = (a: AccessRuleRow, b: AccessRuleRow) =>
  a.name === b.name && a.description === b.description && a.entity_type === b.entity_type && a.entity_id === b.entity_id &&
  a.access_permission === b.access_permission && a.groups === b.groups && a.users === b.users && a.autocreated === b.autocreated

/** Creates the missing default rules of the groups and resets changed ones; returns how many it restored. */
export function restoreDefaultRules(store: Store, company: string, groups: readonly DefaultGroup[] = DEFAULT_GROUPS): number {
  const admin = new AdminStore(store)
  const now = store.nowIso()
  let restored = 0
  for (const group of groups) {
    for (const type of DEFAULT_RULE_TYPES) {
      const want = defaultRule(store, company, group, type, now)
      const have = admin.rule(company, want.id)
      if (have && sameRule(have, want)) continue
      admin.putRule(have ? { ...want, created: have.created } : want)
      restored++
    }
  }
  return restored
}

/** permissions.get_access_rules item. */
export function ruleViews(store: Store, company: string, rules: AccessRuleRow[]) {
  const admin = new AdminStore(store)
  const groups = new Map(store.userGroupsOfCompany(company).map((g) => [g.id, g.name]))
  const users = new Map(store.usersOfCompany(company).map((u) => [u.id, u]))
  const names = {
    project: admin.objectNames(company, 'project'), task: admin.objectNames(company, 'task'), model: admin.objectNames(company, 'model'),
    dataset: admin.objectNames(company, 'dataset'),
    queue: new Map([...admin.objectNames(company, 'queue'),
      ...(store.db.prepare('SELECT id, name, display_name FROM resource_queues WHERE company = ?').all(company) as Array<{ id: string; name: string; display_name: string | null }>)
        .map((q) => [q.id, q] as const)])
  } as Partial<Record<EntityType, Map<string, { name: string; display_name: string | null }>>>
  return rules.map((r) => {
    // app and app_category ids are not resolved (as published); "*" and null name no entity
    const entity = r.entity_id && r.entity_id !== '*' ? names[r.entity_type]?.get(r.entity_id) : undefined
    return {
      id: r.id, name: r.name, description: r.description, entity_type: r.entity_type, entity_id: r.entity_id,
      entity_name: entity?.name ?? null, entity_display_name: entity?.display_name ?? null, access_permission: r.access_permission,
      groups: (JSON.parse(r.groups) as string[]).filter((g) => groups.has(g)).map((g) => ({ id: g, name: groups.get(g)! })),
      users: (JSON.parse(r.users) as string[]).filter((u) => users.has(u)).map((u) => ({ id: u, name: users.get(u)!.name, email: users.get(u)!.email })),
      autocreated: r.autocreated === 1, metadata: JSON.parse(r.metadata) as Record<string, unknown>
    }
  })
}

const entityType = z.enum(ENTITY_TYPES)
const accessPermission = z.enum(ACCESS_PERMISSIONS)

export const accessRuleEndpoints = [
  endpoint({
    name: 'permissions.get_access_rules', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ rules: stringList.optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const ids = ctx.data.rules?.length ? new Set(ctx.data.rules) : undefined
      const rules = new AdminStore(store).rules(identity.company).filter((r) => !ids || ids.has(r.id))
      return { rules: ruleViews(store, identity.company, rules) }
    }
  }),
  endpoint({
    name: 'permissions.add_or_update_access_rule', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({
      id: z.string().min(1).max(256).optional(), name: z.string().max(256), description: z.string().max(4096), entity_type: entityType,
      entity_id: z.string().min(1).max(256).nullable().optional(), access_permission: accessPermission, groups: stringList, users: stringList
    }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const admin = new AdminStore(store)
      const { id, description, entity_type, entity_id } = ctx.data
      const name = ctx.data.name.trim()
      if (!name) throw errors.validation(`error for field 'name'. The rule name cannot be empty`)
      const groups = [...new Set(ctx.data.groups)]
      const users = [...new Set(ctx.data.users)]
      if (!groups.length && !users.length) throw errors.validation('a rule needs at least one assignee (groups or users)')
      return store.tx(() => {
        for (const g of groups) if (!store.userGroup(identity.company, g)) throw errors.invalidId('user group not found', { group: g })
        for (const u of users) if (!store.userInCompany(u, identity.company)) throw errors.invalidUserId('user not found', { user: u })
        // entity_id: an object id, "*" for all, or (project rules only) null / absent for the top level
        let target: string | null
        if (entity_id === undefined || entity_id === null) {
          if (entity_type !== 'project') throw errors.validation(`error for field 'entity_id'. An entity id (or "*") is needed for ${entity_type} rules`)
          target = null
        } else {
          target = entity_id
          if (target !== '*') resolveEntity(store, identity.company, entity_type, target)
        }
        const existing = id === undefined ? undefined : admin.rule(identity.company, id)
        if (existing?.autocreated === 1) throw errors.validation('a default rule cannot be edited: delete it, or restore the defaults', { id: existing.id })
        const now = store.nowIso()
        const row: AccessRuleRow = {
          company: identity.company, id: existing?.id ?? id ?? newId(), name, description, entity_type, entity_id: target,
          // application categories are always read & modify (the choice has no effect there)
          access_permission: entity_type === 'app_category' ? 'read_write' : ctx.data.access_permission,
          groups: JSON.stringify(groups), users: JSON.stringify(users), autocreated: 0, metadata: existing?.metadata ?? '{}',
          created: existing?.created ?? now, last_update: now
        }
        admin.putRule(row)
        return { id: row.id, name: row.name }
      })
    }
  }),
  endpoint({
    name: 'permissions.delete_access_rules', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ rules: stringList }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const admin = new AdminStore(store)
      return store.tx(() => ({ deleted: [...new Set(ctx.data.rules)].reduce((n, id) => n + admin.deleteRule(identity.company, id), 0) }))
    }
  }),
  endpoint({
    name: 'permissions.restore_default_access_rules', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: (ctx) => ({ restored: ctx.server.store.tx(() => restoreDefaultRules(ctx.server.store, requireIdentity(ctx).company)) })
  }),
  endpoint({
    name: 'permissions.ensure_default_access_rules', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ groups: z.array(z.enum(DEFAULT_GROUPS)).optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      // as published: for safety, only while permissions are disabled
      if (permissionsEnabled(store, identity.company)) throw errors.validation('the default access rules can be ensured only while permissions are disabled')
      const groups = ctx.data.groups?.length ? [...new Set(ctx.data.groups)] : DEFAULT_GROUPS
      return { restored: store.tx(() => restoreDefaultRules(store, identity.company, groups)) }
    }
  }),
  endpoint({
    name: 'permissions.get_entity_access_categories', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: () => ({
      entity_types: ENTITY_TYPES.map((type) => ({ type, categories: type === 'app_category' ? ['read_write'] : [...ACCESS_PERMISSIONS] }))
    })
  }),
  endpoint({
    name: 'permissions.get_company_users', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: (ctx) => ({
      // own users and members who joined, service accounts included (they can be given rules)
      users: ctx.server.store.usersOfCompany(requireIdentity(ctx).company).map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role }))
    })
  }),
  endpoint({
    name: 'permissions.check_entity_access', minVersion: '2.15', auth: 'required',
    schema: z.object({
      entity_type: entityType.optional(), entity_id: z.string().min(1).max(256).optional(), access_permission: accessPermission.optional(),
      token: z.string().min(1).max(512).optional()
    }),
    handler: (ctx): AccessExplanation => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const { entity_type, entity_id } = ctx.data
      // optional as published, but needed
      if (entity_type === undefined) throw errors.validation(`error for field 'entity_type'. The entity type is needed`)
      if (entity_id === undefined) throw errors.validation(`error for field 'entity_id'. The entity id is needed`)
      // a router user token: check for the token's user instead of the caller
      let userId = identity.user
      if (ctx.data.token !== undefined) {
        const t = new AccountStore(store).routerTokenByHash(hashRouterToken(ctx.data.token))
        const live = t && t.company === identity.company && t.revoked_at === null && (t.expires === null || Date.parse(t.expires) > store.clock()) && t.type === 'identity_token'
        if (!live) throw errors.validation(`error for field 'token'. Not a valid router user token of this workspace`)
        userId = t.user_id
      }
      const who = userId === identity.user ? identity : identityOf(store, userId, undefined, identity.company)
      const user = who && store.userInCompany(who.user, identity.company)
      if (!who || !user) throw errors.invalidUserId('user not found', { user: userId })
      const entity = resolveEntity(store, identity.company, entity_type, entity_id)
      return explainAccess(store, identity.company, { ...user, role: who.role }, entity, ctx.data.access_permission ?? 'read')
    }
  })
]
