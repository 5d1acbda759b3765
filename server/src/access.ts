import { AccountStore } from './account-store'
import { type AccessPermission, type AccessRuleRow, AdminStore, type EntityType, type ObjectKind } from './admin-store'
import { errors } from './errors'
import { groupsOfUser, isAdminRole } from './groups'
import type { Store, UserRow } from './store'

/**
 * Access-rule evaluation (spec/settings-page.md "Access Rules"; clearml-enterprise-api.md §1.3), used by
 * permissions.check_entity_access. Rules grant `read` or `read_write` on an entity to users and groups:
 * - a rule on an object (its id) covers that object; `"*"` covers every object of the type;
 * - a project rule also covers the project's subprojects and everything in them (tasks, models, datasets), at any
 *   depth; a project rule with `entity_id: null` covers the top level: projects without a parent and objects in no
 *   project (not the contents of top-level projects);
 * - queues, dataviews, routes, apps and app categories are covered by rules of their own type only;
 * - a user is covered by a rule naming them or one of their groups (Users = everyone, Admins = the admins);
 * - the effective permission is the highest of the covering rules (`read_write` > `read`); none = no access.
 * Admins (system, root, admin) may do everything; with permissions (RBAC) off for the company, everyone may.
 */

/** Company setting: '0' = permissions (RBAC) off; anything else (or unset) = on. */
export const PERMISSIONS_SETTING = 'permissions_enabled'

export function permissionsEnabled(store: Store, company: string): boolean {
  return new AccountStore(store).companySetting(company, PERMISSIONS_SETTING) !== '0'
}
export function setPermissionsEnabled(store: Store, company: string, enabled: boolean): void {
  new AccountStore(store).setCompanySetting(company, PERMISSIONS_SETTING, enabled ? '1' : '0')
}

const KIND_OF: Partial<Record<EntityType, ObjectKind>> = { project: 'project', task: 'task', model: 'model', queue: 'queue', dataset: 'dataset' }

export interface EntityInfo { type: EntityType; id: string; name: string | null; display_name: string | null; project: string | null }

/** The entity, resolved when this server stores its type (400/10 for an unknown id); other types are taken as given. */
export function resolveEntity(store: Store, company: string, type: EntityType, id: string): EntityInfo {
  const kind = KIND_OF[type]
  if (!kind) return { type, id, name: null, display_name: null, project: null }
  const o = new AdminStore(store).object(kind, id)
  if (o && o.company === company) return { type, id, name: o.name, display_name: o.display_name, project: o.project }
  if (type === 'queue') {
    // the policy queues of resources.* are queues too
    const q = store.db.prepare('SELECT name, display_name FROM resource_queues WHERE id = ? AND company = ?').get(id, company) as
      { name: string; display_name: string | null } | undefined
    if (q) return { type, id, name: q.name, display_name: q.display_name, project: null }
  }
  throw errors.invalidId(`${type} not found`, { entity_type: type, entity_id: id })
}

/** The project and its ancestors, nearest first (cycles are cut). */
export function projectChain(store: Store, projectId: string | null): Array<{ id: string; name: string }> {
  const admin = new AdminStore(store)
  const chain: Array<{ id: string; name: string }> = []
  const seen = new Set<string>()
  let cur = projectId
  while (cur && !seen.has(cur)) {
    seen.add(cur)
    const p = admin.object('project', cur)
    if (!p) break
    chain.push({ id: p.id, name: p.name })
    cur = p.project
  }
  return chain
}

export interface RuleMatch {
  id: string; name: string; access_permission: AccessPermission; entity_type: EntityType; entity_id: string | null
  /** direct: names the entity; all: "*" of the entity's type; project: a rule on the entity's project (or an ancestor); top_level: a project rule with entity_id null */
  match: 'direct' | 'all' | 'project' | 'top_level'
  /** For `project` matches: the project the rule names (the entity's own project or an ancestor). */
  via_project: { id: string; name: string } | null
  /** How the rule reaches the user: them by name, or their groups. */
  assigned: Array<{ type: 'user' | 'group'; id: string; name: string }>
}

export interface AccessExplanation {
  allowed: boolean
  requested_permission: AccessPermission
  /** The effective permission from the rules (null = none); admins and RBAC off: read_write. */
  access_permission: AccessPermission | null
  reason: 'admin' | 'permissions_disabled' | 'rule' | 'no_rule' | 'insufficient'
  user: { id: string; name: string; role: string }
  entity: { type: EntityType; id: string; name: string | null; display_name: string | null }
  rules: RuleMatch[]
}

const rank = (p: AccessPermission | null) => (p === 'read_write' ? 2 : p === 'read' ? 1 : 0)

/** The rules that cover the entity (whoever they are assigned to), with how they cover it. */
export function coveringRules(store: Store, company: string, entity: EntityInfo): Array<{ rule: AccessRuleRow; match: RuleMatch['match']; via: RuleMatch['via_project'] }> {
  const admin = new AdminStore(store)
  const out: Array<{ rule: AccessRuleRow; match: RuleMatch['match']; via: RuleMatch['via_project'] }> = []
  const inProjects = entity.type === 'project' || entity.type === 'task' || entity.type === 'model' || entity.type === 'dataset'
  // the chain of projects that contain the entity (a project contains itself)
  const chain = inProjects ? projectChain(store, entity.type === 'project' ? entity.id : entity.project) : []
  const topLevel = inProjects && (entity.type === 'project' ? entity.project === null : entity.project === null)
  const types = entity.type === 'project' ? ['project'] : inProjects ? [entity.type, 'project'] : [entity.type]
  for (const rule of admin.rulesFor(company, types, [entity.id, ...chain.map((p) => p.id)])) {
    if (rule.entity_type === entity.type && entity.type !== 'project' || entity.type === 'project' && rule.entity_id === entity.id) {
      if (rule.entity_id === entity.id) out.push({ rule, match: 'direct', via: null })
      else if (rule.entity_id === '*') out.push({ rule, match: 'all', via: null })
      continue
    }
    // project rules over a project-held entity
    if (rule.entity_id === '*') out.push({ rule, match: 'all', via: null })
    else if (rule.entity_id === null) {
      if (topLevel) out.push({ rule, match: 'top_level', via: null })
    } else {
      const via = chain.find((p) => p.id === rule.entity_id)
      if (via) out.push({ rule, match: 'project', via })
    }
  }
  return out
}

/** What the user may do with the entity, and why. */
export function explainAccess(store: Store, company: string, user: UserRow, entity: EntityInfo, requested: AccessPermission): AccessExplanation {
  const groups = groupsOfUser(store, user)
  const groupIds = new Map(groups.map((g) => [g.id, g.name]))
  const rules: RuleMatch[] = []
  for (const { rule, match, via } of coveringRules(store, company, entity)) {
    const assigned: RuleMatch['assigned'] = []
    if ((JSON.parse(rule.users) as string[]).includes(user.id)) assigned.push({ type: 'user', id: user.id, name: user.name })
    for (const g of JSON.parse(rule.groups) as string[]) if (groupIds.has(g)) assigned.push({ type: 'group', id: g, name: groupIds.get(g)! })
    if (!assigned.length) continue
    rules.push({ id: rule.id, name: rule.name, access_permission: rule.access_permission, entity_type: rule.entity_type, entity_id: rule.entity_id, match, via_project: via, assigned })
  }
  const fromRules = rules.reduce<AccessPermission | null>((best, r) => (rank(r.access_permission) > rank(best) ? r.access_permission : best), null)
  const base = {
    requested_permission: requested, user: { id: user.id, name: user.name, role: user.role },
    entity: { type: entity.type, id: entity.id, name: entity.name, display_name: entity.display_name }, rules
  }
  if (isAdminRole(user.role)) return { ...base, allowed: true, access_permission: 'read_write', reason: 'admin' }
  if (!permissionsEnabled(store, company)) return { ...base, allowed: true, access_permission: 'read_write', reason: 'permissions_disabled' }
  const allowed = rank(fromRules) >= rank(requested)
  return { ...base, allowed, access_permission: fromRules, reason: allowed ? 'rule' : fromRules ? 'insufficient' : 'no_rule' }
}
