// accessRules.*: the workspace's access rules (RBAC). The rules are read cache-first and kept in memory on the
// core's side, so 20,000 rules filter, search, sort and page locally; writes go to the server, then the list follows.
import { z } from 'zod'
import {
  ACCESS_PERMISSIONS,
  ENTITY_TYPES,
  RESOURCE_TYPES,
  ruleInput,
  ruleOrder,
  type AccessRule,
  type EntityType,
  type Explanation,
  type ExplainResource,
  type ResourceType,
  type Subject,
  type Verdict
} from '../../domain/access-rules'
import { listQuery, type Page } from '../list'
import { method } from '../method'

const id = z.string().min(1, 'is required').max(300)

export const ruleListInput = listQuery(ruleOrder, 'type').extend({
  /** The View dropdown. */
  type: z.enum([...ENTITY_TYPES, 'all']).default('all'),
  /** Target filter: an entity id, "*" (rules on all objects) or "(top)" (top-level projects). */
  target: z.string().max(300).nullable().default(null),
  /** Assignee filter: a user, service account or group id. */
  assignee: z.string().max(300).nullable().default(null),
  /** Ask the server now (otherwise the rules in memory, or the cache while connecting). */
  refresh: z.boolean().default(false)
})

export interface RuleSummary {
  total: number
  byType: Partial<Record<EntityType, number>>
  /** The built-in Users group (everyone), when known. */
  everyoneGroup: { id: string; name: string } | null
  /** Resource types no rule opens to everyone (the warning while RBAC is on). */
  closedToEveryone: ResourceType[]
  source: 'server' | 'cache'
  fetchedAt: number
}

/** A filter option of the Target or Assignee column: what the rules point at / are given to, with how many rules. */
export interface FacetOption {
  value: string
  label: string
  kind: 'target' | 'user' | 'service' | 'group'
  count: number
}

/** A person, service account or group for the assignee picker (and the explainer's subject picker). */
export interface AssigneeOption {
  kind: 'user' | 'service' | 'group'
  id: string
  name: string
  /** Email, role or the group's description. */
  detail: string
}

/** An object for the "specific object" picker: tasks carry enough to tell same-named ones apart. */
export interface ObjectOption {
  id: string
  name: string
  /** Project path, status, type, owner, last update … */
  detail: string
}

export interface ExplainResult {
  subject: Subject
  resource: ExplainResource
  requested: (typeof ACCESS_PERMISSIONS)[number]
  /** This console's reading of the rules (shared/domain/access-rules.ts). */
  local: Explanation
  /** permissions.check_entity_access asked as that person; error when the server could not answer. */
  server: { allowed: boolean; verdict: Verdict | null; reason: string | null; error: string | null } | null
  /** A sentence when the two disagree. */
  disagreement: string | null
  /** RBAC state as far as known: from the server's answer, else assumed on (the default since v3.24). */
  permissionsEnabled: boolean | null
  rulesFetchedAt: number
  rulesSource: 'server' | 'cache'
}

export const explainInput = z
  .object({
    user: id,
    entityType: z.enum(RESOURCE_TYPES, { error: 'Choose a resource type' }),
    entityId: z.string().trim().min(1, 'Choose an object').max(300),
    access: z.enum(ACCESS_PERMISSIONS).default('read')
  })
  .strict()

export const accessRulesMethods = {
  /** One page of the rules: View (type), target and assignee filters, search, sort, paging — all local. */
  'accessRules.list': method<Page<AccessRule>>()(ruleListInput),
  /** Counts per type and the "no rule gives everyone access" check. */
  'accessRules.summary': method<RuleSummary>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  /** Options for the Target / Assignee column filters, searched. */
  'accessRules.facets': method<FacetOption[]>()(
    z.object({ kind: z.enum(['target', 'assignee']), type: z.enum([...ENTITY_TYPES, 'all']).default('all'), search: z.string().max(200).default('') }).strict()
  ),
  /** Users, service accounts and groups for the pickers, searched (name, email, id). */
  'accessRules.assignees': method<AssigneeOption[]>()(
    z
      .object({
        search: z.string().max(200).default(''),
        kinds: z.array(z.enum(['user', 'service', 'group'])).default(['user', 'service', 'group']),
        ids: z.array(id).max(10_000).optional(),
        limit: z.number().int().min(1).max(500).default(50)
      })
      .strict()
  ),
  /** Objects of a type from the server's own lists (projects.get_all_ex …), searched by name or id. */
  'accessRules.objects': method<ObjectOption[]>()(
    z.object({ type: z.enum(RESOURCE_TYPES), search: z.string().max(200).default(''), limit: z.number().int().min(1).max(200).default(50) }).strict()
  ),
  'accessRules.save': method<{ id: string; name: string }>()(ruleInput, { mutates: true, topics: ['accessRules'] }),
  'accessRules.delete': method<{ deleted: number }>()(z.object({ ids: z.array(id).min(1).max(1000) }).strict(), { mutates: true, topics: ['accessRules'] }),
  /** permissions.restore_default_access_rules. */
  'accessRules.restoreDefaults': method<{ restored: number }>()(z.object({}).strict(), { mutates: true, topics: ['accessRules'] }),
  /** The effective access of a person to a resource: the console's reading of the rules and the server's own check. */
  'accessRules.explain': method<ExplainResult>()(explainInput)
}
