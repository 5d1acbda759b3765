// Access rules (RBAC), as the Access Rules screen shows them, and the effective-access explainer.
// Pure: shared by the renderer (form, columns, filters) and the core (validation, local filtering, explainer).
// Spec: settings-page.md "Access Rules", newer-docs-notes.md §6; API: clearml-enterprise-api.md §1.3.
import { z } from 'zod'
import { ADMIN_ROLES } from './admin-users'

/** Every entity type the server knows (permissions.entity_type_enum). */
export const ENTITY_TYPES = ['project', 'task', 'model', 'dataview', 'dataset', 'queue', 'app_category', 'app', 'route'] as const
export type EntityType = (typeof ENTITY_TYPES)[number]
/** The resource types the screen creates rules for, in the web app's order. */
export const RESOURCE_TYPES = ['project', 'task', 'model', 'dataview', 'dataset', 'queue', 'app_category'] as const
export type ResourceType = (typeof RESOURCE_TYPES)[number]

export const ACCESS_PERMISSIONS = ['read', 'read_write'] as const
export type AccessPermission = (typeof ACCESS_PERMISSIONS)[number]

export const TYPE_LABELS: Record<EntityType, { one: string; many: string }> = {
  project: { one: 'Project', many: 'Projects' },
  task: { one: 'Task', many: 'Tasks' },
  model: { one: 'Model', many: 'Models' },
  dataview: { one: 'Dataview', many: 'Dataviews' },
  dataset: { one: 'Dataset', many: 'Datasets' },
  queue: { one: 'Queue', many: 'Queues' },
  app_category: { one: 'Application category', many: 'Application categories' },
  app: { one: 'Application', many: 'Applications' },
  route: { one: 'Route', many: 'Routes' }
}
export const PERMISSION_LABELS: Record<AccessPermission, string> = { read: 'Read Only', read_write: 'Read & Modify' }

/** The choice of Read Only / Read & Modify has no effect for application categories (always Read & Modify). */
export function hasPermissionChoice(type: EntityType): boolean {
  return type !== 'app_category' && type !== 'app'
}
/** Types whose objects live in projects (a project rule covers them). */
export function inProjects(type: EntityType): boolean {
  return type === 'project' || type === 'task' || type === 'model' || type === 'dataset'
}

/** `entity_id` values that name no single object. */
export const ALL_OBJECTS = '*'

export interface RuleAssignee {
  kind: 'user' | 'group'
  id: string
  name: string
  email?: string | null
}

/** One access rule (permissions.get_access_rules item), as the screen uses it. */
export interface AccessRule {
  id: string
  name: string
  description: string
  entityType: EntityType
  /** An object id, "*" (all of the type), or null (project rules: the top level). */
  entityId: string | null
  /** The object's display name (or name); null when the rule names no object, or the object is gone. */
  entityName: string | null
  access: AccessPermission
  groups: Array<{ id: string; name: string }>
  users: Array<{ id: string; name: string; email: string | null }>
  /** A default rule (restore_default_access_rules): the server refuses edits. */
  autocreated: boolean
}

/** What the rule points at, for people: "All projects", "Top-level projects", the object's name, or its id when gone. */
export function targetLabel(r: Pick<AccessRule, 'entityType' | 'entityId' | 'entityName'>): string {
  if (r.entityId === ALL_OBJECTS) return `All ${TYPE_LABELS[r.entityType].many.toLowerCase()}`
  if (r.entityId === null) return r.entityType === 'project' ? 'Top-level projects' : `All ${TYPE_LABELS[r.entityType].many.toLowerCase()}`
  if (r.entityName) return r.entityName
  // app and app_category ids are the names themselves
  if (r.entityType === 'app_category' || r.entityType === 'app') return r.entityId
  return `${r.entityId} (no longer exists)`
}

// ------------------------------------------------------------------ the rule form

export const ASSIGNEE_REQUIRED = 'Add at least one user, service account or group'
export const TYPE_REQUIRED = 'Choose a resource type'

const idField = z.string().min(1).max(300)
/** The rule a person saves. Messages name the reason at the field. */
export const ruleInput = z
  .object({
    /** Absent: a new rule. */
    id: idField.optional(),
    entityType: z.enum(RESOURCE_TYPES, { error: TYPE_REQUIRED }),
    /** An object id, "*" for all of the type, null for top-level projects. */
    entityId: z.string().trim().min(1, 'Choose an object, or “All”').max(300).nullable().default(ALL_OBJECTS),
    access: z.enum(ACCESS_PERMISSIONS, { error: 'Choose Read Only or Read & Modify' }).default('read'),
    users: z.array(idField).max(10_000).default([]),
    groups: z.array(idField).max(10_000).default([]),
    /** Empty: one is made from the resource ("Projects: Dev Experiments"). */
    name: z.string().trim().max(256, 'A rule name is at most 256 characters').default(''),
    description: z.string().max(4096, 'A description is at most 4096 characters').default(''),
    /** The chosen object's name, for the default rule name only. */
    entityName: z.string().max(1000).nullable().optional()
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.users.length && !v.groups.length) ctx.addIssue({ code: 'custom', path: ['assignees'], message: ASSIGNEE_REQUIRED })
    if (v.entityId === null && v.entityType !== 'project') ctx.addIssue({ code: 'custom', path: ['entityId'], message: 'Only project rules can name the top level' })
  })
export type RuleInput = z.input<typeof ruleInput>

/** The field errors of a rule draft (the same checks the core makes), keyed by field. */
export function ruleErrors(draft: Partial<RuleInput>): Record<string, string> {
  const r = ruleInput.safeParse({ users: [], groups: [], ...draft, entityType: draft.entityType ?? undefined })
  const out: Record<string, string> = {}
  if (r.success) return out
  for (const i of r.error.issues) {
    const k = String(i.path[0] ?? '')
    out[k] ??= k === 'entityType' ? TYPE_REQUIRED : i.message
  }
  // the whole-rule checks run only once the fields parse: name a missing assignee at once too
  if (!draft.users?.length && !draft.groups?.length) out.assignees ??= ASSIGNEE_REQUIRED
  return out
}

/** The name a rule gets when none is typed: "Projects: Dev Experiments", "Queues: all". */
export function defaultRuleName(type: EntityType, entityId: string | null, entityName: string | null): string {
  const what = entityId === ALL_OBJECTS ? 'all' : entityId === null ? 'top level' : (entityName ?? entityId)
  return `${TYPE_LABELS[type].many}: ${what}`.slice(0, 256)
}

/** What deleting a rule means (settings-page.md, "Deleting Access Rules"). */
export const DELETE_RULE_CONSEQUENCES =
  'All users, service accounts, and user groups who had been assigned to the deleted access rule, will lose the access privileges granted by that rule (unless otherwise provided by a different rule).'

export const NOT_ADMIN_MESSAGE = "Only administrators can see and change the workspace's access rules."

// ------------------------------------------------------------------ table filters

export const ruleOrder = ['type', 'target', 'permission', 'name'] as const
export type RuleOrder = (typeof ruleOrder)[number]

export interface RuleFilter {
  /** The View dropdown: one resource type, or all. */
  type?: EntityType | 'all'
  /** Target column: an entity id ("*" = the rules for all objects, "" = top level). */
  target?: string | null
  /** Assignee column: a user, service account or group id. */
  assignee?: string | null
}

export function matchesFilter(r: AccessRule, f: RuleFilter): boolean {
  if (f.type && f.type !== 'all' && r.entityType !== f.type) return false
  if (f.target) {
    const key = r.entityId ?? ''
    if (f.target === '(top)' ? key !== '' : key !== f.target) return false
  }
  if (f.assignee && !r.users.some((u) => u.id === f.assignee) && !r.groups.some((g) => g.id === f.assignee)) return false
  return true
}

export function ruleSearchText(r: AccessRule): string[] {
  return [r.name, r.description, targetLabel(r), r.id, ...r.users.map((u) => `${u.name} ${u.email ?? ''}`), ...r.groups.map((g) => g.name)]
}

export function ruleOrderValue(r: AccessRule, key: string): string | number {
  if (key === 'type') {
    // the screen's types in its order, then the ones it does not create (applications, routes)
    const i = RESOURCE_TYPES.indexOf(r.entityType as ResourceType)
    return (i < 0 ? RESOURCE_TYPES.length + ENTITY_TYPES.indexOf(r.entityType) : i) * 10 + (r.entityId === ALL_OBJECTS ? 0 : 1)
  }
  if (key === 'target') return targetLabel(r)
  if (key === 'permission') return r.access === 'read_write' ? 1 : 0
  return r.name
}

// ------------------------------------------------------------------ "everyone" coverage

/**
 * The resource types no rule opens to everyone (the built-in Users group, all objects). Since v3.24 RBAC is on by
 * default and users reach only what rules grant, so admins should keep such a default rule. Tasks and models are
 * covered by a rule on all projects; datasets too (their projects), or by their own rule.
 */
export function typesClosedToEveryone(rules: readonly AccessRule[], everyoneGroupId: string | null): ResourceType[] {
  if (!everyoneGroupId) return []
  const open = new Set<EntityType>()
  for (const r of rules) {
    if (r.entityId === ALL_OBJECTS && r.groups.some((g) => g.id === everyoneGroupId)) open.add(r.entityType)
  }
  const covered = (t: ResourceType) => open.has(t) || (inProjects(t) && open.has('project'))
  return RESOURCE_TYPES.filter((t) => t !== 'app_category' && !covered(t))
}

// ------------------------------------------------------------------ the effective-access explainer

export interface Subject {
  id: string
  name: string
  role: string | null
  /** The user's groups (the built-in Users group, which is everyone, included). */
  groups: Array<{ id: string; name: string }>
  serviceAccount?: boolean
}

export interface ExplainResource {
  type: EntityType
  id: string
  name: string | null
  /**
   * The projects that contain the resource, nearest first: for a task, its project then that project's parents; for a
   * project, the project itself then its parents.
   */
  projects: Array<{ id: string; name: string }>
  /** No parent project (a project at the top, or an object in no project). */
  topLevel: boolean
}

export type MatchKind = 'direct' | 'all' | 'project' | 'top_level'

export interface Grant {
  rule: Pick<AccessRule, 'id' | 'name' | 'entityType' | 'entityId' | 'access'>
  /** direct: names the resource; all: every object of a type; project: a rule on a project that contains it; top_level: the top-level project rule. */
  match: MatchKind
  /** For `project`: the project the rule names (the resource's own project or a parent). */
  viaProject: { id: string; name: string } | null
  /** How it reaches the person: by name, or through their groups. */
  through: Array<{ kind: 'user' | 'group'; id: string; name: string }>
}

export type Verdict = 'read_write' | 'read' | 'none'

export interface Explanation {
  verdict: Verdict
  /** Whether the requested permission is granted. */
  allowed: boolean
  reason: 'admin' | 'permissions_disabled' | 'rule' | 'no_rule' | 'insufficient'
  /** The rules that give the person access, strongest first. */
  grants: Grant[]
  /** Rules that cover the resource but are assigned to others (for "who else"), at most a few. */
  others: number
}

export { ADMIN_ROLES }
const rank = (p: AccessPermission | null | undefined) => (p === 'read_write' ? 2 : p === 'read' ? 1 : 0)

/**
 * How a rule covers the resource, or null (the spec's inheritance): a rule on the object or on all objects of its
 * type; for objects in projects (tasks, models, datasets, projects), also a rule on any project that contains them
 * (parents included), on all projects, or on the top level (project rule with no object) when it has no parent.
 * Other types (queues, dataviews, application categories) only by rules of their own type. A rule on one task does
 * not reach another task of the same project.
 */
export function coverage(rule: Pick<AccessRule, 'entityType' | 'entityId'>, res: ExplainResource): { match: MatchKind; via: { id: string; name: string } | null } | null {
  if (rule.entityType === res.type) {
    if (rule.entityId === res.id) return { match: 'direct', via: null }
    if (rule.entityId === ALL_OBJECTS) return { match: 'all', via: null }
    if (res.type !== 'project') return null
  }
  if (rule.entityType !== 'project' || !inProjects(res.type)) return null
  if (rule.entityId === ALL_OBJECTS) return { match: 'all', via: null }
  if (rule.entityId === null) return res.topLevel ? { match: 'top_level', via: null } : null
  const via = res.projects.find((p) => p.id === rule.entityId)
  return via ? { match: 'project', via } : null
}

const MATCH_ORDER: Record<MatchKind, number> = { direct: 0, project: 1, top_level: 2, all: 3 }

/**
 * The effective access of a person to a resource: which rules grant what, through which group. Admins may do
 * everything; with RBAC off everyone may; otherwise the strongest covering rule assigned to the person or one of
 * their groups decides (none: no access).
 */
export function explainAccess(input: {
  rules: readonly AccessRule[]
  subject: Subject
  resource: ExplainResource
  requested?: AccessPermission
  /** RBAC on (the default since v3.24). */
  permissionsEnabled?: boolean
}): Explanation {
  const { subject, resource } = input
  const requested = input.requested ?? 'read'
  const groups = new Map(subject.groups.map((g) => [g.id, g.name]))
  const grants: Grant[] = []
  let others = 0
  for (const rule of input.rules) {
    const c = coverage(rule, resource)
    if (!c) continue
    const through: Grant['through'] = []
    if (rule.users.some((u) => u.id === subject.id)) through.push({ kind: 'user', id: subject.id, name: subject.name })
    for (const g of rule.groups) if (groups.has(g.id)) through.push({ kind: 'group', id: g.id, name: groups.get(g.id) ?? g.name })
    if (!through.length) {
      others++
      continue
    }
    grants.push({ rule: { id: rule.id, name: rule.name, entityType: rule.entityType, entityId: rule.entityId, access: rule.access }, match: c.match, viaProject: c.via, through })
  }
  grants.sort((a, b) => rank(b.rule.access) - rank(a.rule.access) || MATCH_ORDER[a.match] - MATCH_ORDER[b.match] || a.rule.name.localeCompare(b.rule.name))
  const best = grants[0]?.rule.access ?? null
  if (subject.role && ADMIN_ROLES.includes(subject.role)) return { verdict: 'read_write', allowed: true, reason: 'admin', grants, others }
  if (input.permissionsEnabled === false) return { verdict: 'read_write', allowed: true, reason: 'permissions_disabled', grants, others }
  const allowed = rank(best) >= rank(requested)
  return { verdict: best ?? 'none', allowed, reason: allowed ? 'rule' : best ? 'insufficient' : 'no_rule', grants, others }
}

/** One line per grant, for people: "Read & Modify — “ML Team owns Dev Experiments” on the parent project Dev Experiments, through the group ML Team". */
export function describeGrant(g: Grant, resource: Pick<ExplainResource, 'type' | 'id'>): string {
  const where =
    g.match === 'direct'
      ? 'on this object'
      : g.match === 'all'
        ? `on all ${TYPE_LABELS[g.rule.entityType].many.toLowerCase()}`
        : g.match === 'top_level'
          ? 'on the top level'
          : g.viaProject && resource.type === 'project' && g.viaProject.id === resource.id
            ? 'on this project'
            : `on ${resource.type === 'project' ? 'the parent project' : 'the project'} ${g.viaProject?.name ?? ''}`.trim()
  const how = g.through.map((t) => (t.kind === 'user' ? 'assigned by name' : `through the group ${t.name}`)).join(' and ')
  return `${PERMISSION_LABELS[g.rule.access]} — “${g.rule.name}” ${where}, ${how}`
}

export const VERDICT_LABELS: Record<Verdict, string> = { read_write: 'Read & Modify', read: 'Read Only', none: 'No access' }

/** Compare our reading with the server's answer; a sentence when they disagree, else null. */
export function disagreement(local: Explanation, server: { allowed: boolean; verdict: Verdict | null } | null): string | null {
  if (!server) return null
  const serverVerdict = server.verdict ?? (server.allowed ? null : 'none')
  if (serverVerdict !== null && serverVerdict !== local.verdict) {
    return `The server says ${VERDICT_LABELS[serverVerdict]}, the rules read here give ${VERDICT_LABELS[local.verdict]}. The server decides; the rules shown may be out of date, or the server applies a rule this console does not know.`
  }
  if (server.allowed !== local.allowed) {
    return `The server ${server.allowed ? 'allows' : 'refuses'} the requested access, the rules read here ${local.allowed ? 'allow' : 'refuse'} it. The server decides.`
  }
  return null
}
