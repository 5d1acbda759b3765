import { z } from 'zod'
import { type Identity, empty, endpoint, requireIdentity } from '../endpoint'
import { errors } from '../errors'
import { ADMIN_ROLES, groupMembers, groupsOfUser, isAdminRole } from '../groups'
import {
  type Live, buildEditingConfig, configView, groupQueuesByProfile, linksOf, nameKey, notLinkedProfiles, planPublish, poolView, profileView,
  sameConfig
} from '../resources'
import { type ResourcePolicyRow, type ResourceQueueRow, ResourceStore } from '../resources-store'
import { type Store, newId } from '../store'

/**
 * resources.* (clearml-enterprise-api.md §1.4): the resource configuration (pools, profiles, the links between them)
 * and resource policies. Enterprise only. Roles as published: every endpoint is "system, root, admin" except
 * get_policies and get_policy_data ("all": a non-admin sees the policies of the user groups they are in).
 * The model (validation, publish plan, read shapes) is in ../resources.ts, storage in ../resources-store.ts.
 * Where the catalog marks a field optional that an endpoint cannot do without (connect_policy_profile's policy,
 * profile and queue_name, disconnect's queue, get_policy_data's id, create_policy's limit), its absence is a
 * 400/12 validation error, not 400/11: 400/11 is kept for the fields the catalog marks required.
 */

const MIN_VERSION = '2.15'

function loadLive(rs: ResourceStore, company: string, queues: ResourceQueueRow[] = rs.queues(company)): Live {
  const { byQueue, poolCost } = rs.liveFigures(company)
  return {
    queuesByProfile: groupQueuesByProfile(queues), byQueue, poolCost,
    policyNames: new Map(rs.policies(company).map((p) => [p.id, p.name]))
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>()
  for (const item of items) {
    const list = m.get(key(item))
    if (list) list.push(item)
    else m.set(key(item), [item])
  }
  return m
}

function needed<T>(value: T | undefined, field: string, what: string): T {
  if (value === undefined) throw errors.validation(`error for field '${field}'. ${what} is needed`)
  return value
}

function checkAmount(value: number, field: string, positive: boolean): void {
  if (!Number.isFinite(value) || (positive ? value <= 0 : value < 0)) {
    throw errors.validation(`error for field '${field}'. Must be a number ${positive ? 'greater than 0' : 'of at least 0'}`, { [field]: value })
  }
}

function checkReservation(reservation: number, limit: number): void {
  checkAmount(reservation, 'reservation', false)
  checkAmount(limit, 'limit', true)
  if (reservation > limit) throw errors.validation(`error for field 'reservation'. The reservation cannot exceed the limit`, { reservation, limit })
}

function checkPolicyName(rs: ResourceStore, company: string, name: string, self?: string): string {
  const trimmed = name.trim()
  if (!trimmed) throw errors.validation(`error for field 'name'. Policy name cannot be empty`)
  const clash = rs.policies(company).find((p) => p.id !== self && nameKey(p.name) === nameKey(trimmed))
  if (clash) throw errors.validation(`error for field 'name'. A resource policy with this name already exists`, { name: trimmed, id: clash.id })
  return trimmed
}

function userGroupOf(store: Store, company: string, id: string) {
  const g = store.userGroup(company, id)
  if (!g) throw errors.invalidId('user group not found', { user_group: id })
  return g
}

/** Admins see every policy; other callers the policies of the user groups they are members of. */
function visiblePolicies(store: Store, rs: ResourceStore, identity: Identity): ResourcePolicyRow[] {
  const all = rs.policies(identity.company)
  if (isAdminRole(identity.role)) return all
  const user = store.userInCompany(identity.user, identity.company)
  const mine = new Set(user ? groupsOfUser(store, user).map((g) => g.id) : [])
  return all.filter((p) => mine.has(p.user_group))
}

function policyOf(rs: ResourceStore, company: string, id: string): ResourcePolicyRow {
  const p = rs.policy(company, id)
  if (!p) throw errors.invalidId('resource policy not found', { id })
  return p
}

/** resources.policy: {id, name, description, reservation, limit, usage, user_group, user_group_name, missing_profile_connections}. */
function policyView(store: Store, p: ResourcePolicyRow, queues: readonly ResourceQueueRow[], live: Live, publishedProfiles: ReadonlySet<string>) {
  let usage = 0
  for (const q of queues) usage += live.byQueue.get(q.id)?.runningCost ?? 0
  return {
    // fractional costs: no float noise such as 0.30000000000000004
    id: p.id, name: p.name, description: p.description, reservation: p.reservation, limit: p.limit, usage: Math.round(usage * 1e6) / 1e6,
    user_group: p.user_group, user_group_name: store.userGroup(p.company, p.user_group)?.name ?? null,
    missing_profile_connections: queues.some((q) => !publishedProfiles.has(q.profile))
  }
}

/** The queued tasks of a policy whose user is not a member of the group. */
function tasksOutsideGroup(store: Store, rs: ResourceStore, p: ResourcePolicyRow, groupId: string): string[] {
  const members = new Set(groupMembers(store, userGroupOf(store, p.company, groupId)).map((u) => u.id))
  const queues = rs.queuesOfPolicy(p.company, p.id).map((q) => q.id)
  return rs.activeTasksOfQueues(p.company, queues).filter((t) => t.status === 'queued' && !(t.user_id !== null && members.has(t.user_id))).map((t) => t.id)
}

// --- request schemas ------------------------------------------------------------------------------------------------

const description = z.string().nullable().optional()
const poolWrite = z.object({
  id: z.string(), name: z.string(), description, resources: z.number(), links: z.array(z.string()).optional()
})
const linkWrite = z.object({ id: z.string(), name: z.string(), pool: z.string() })
const profileWrite = z.object({
  id: z.string(), name: z.string(), description, profile_cost: z.number(), cost_field: z.string().nullable().optional(),
  pool_links: z.array(linkWrite), policy_connections: z.array(z.object({ id: z.string() })).optional()
})

export const resourceEndpoints = [
  // --- configuration: read --------------------------------------------------------------------------------------------
  endpoint({
    name: 'resources.get_resource_configuration', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ edit: z.boolean().optional() }),
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const rs = new ResourceStore(ctx.server.store)
      const { published, editing, policyManager } = rs.state(company)
      const live = loadLive(rs, company)
      if (ctx.data.edit ?? true) return { configuration: configView(editing ?? published, published, live) }
      return { configuration: configView(published, published, live), policy_manager: { enabled: policyManager } }
    }
  }),
  endpoint({
    name: 'resources.get_resource_pools', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const rs = new ResourceStore(ctx.server.store)
      const { published } = rs.state(company)
      const live = loadLive(rs, company)
      return { pools: published.pools.map((p) => ({ ...poolView(p, p.baseline ?? 0, live), updated: p.updated ?? null, updated_by: p.updated_by ?? null })) }
    }
  }),
  endpoint({
    name: 'resources.get_resource_profiles', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const rs = new ResourceStore(ctx.server.store)
      const { published } = rs.state(company)
      const live = loadLive(rs, company)
      return { profiles: published.profiles.map((p) => ({ ...profileView(p, live), updated: p.updated ?? null, updated_by: p.updated_by ?? null })) }
    }
  }),
  endpoint({
    name: 'resources.check_edit_configuration', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const rs = new ResourceStore(ctx.server.store)
      const { published, editing } = rs.state(company)
      return { exists: editing !== null && !sameConfig(editing, published, groupQueuesByProfile(rs.queues(company))) }
    }
  }),

  // --- configuration: edit, validate, publish -------------------------------------------------------------------------
  endpoint({
    name: 'resources.set_resource_configuration', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ pools: z.array(poolWrite).optional(), profiles: z.array(profileWrite).optional() }),
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const { store } = ctx.server
      const rs = new ResourceStore(store)
      return store.tx(() => {
        const queuesByProfile = groupQueuesByProfile(rs.queues(company))
        // absent lists are empty: the request replaces the whole editing configuration
        const doc = buildEditingConfig(ctx.data.pools ?? [], ctx.data.profiles ?? [], (id) => (queuesByProfile.get(id) ?? []).map((q) => q.id))
        const { published } = rs.state(company)
        rs.setEditing(company, sameConfig(doc, published, queuesByProfile) ? null : doc)
        return {}
      })
    }
  }),
  endpoint({
    name: 'resources.test_configuration_publishing', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const rs = new ResourceStore(ctx.server.store)
      const { published, editing } = rs.state(company)
      const edit = editing ?? published
      const kept = new Set(edit.profiles.map((p) => p.id))
      const { byQueue } = rs.liveFigures(company)
      const gone = groupBy(rs.queues(company).filter((q) => !kept.has(q.profile)), (q) => q.policy)
      return {
        affected_policies: rs.policies(company).filter((p) => gone.has(p.id)).map((p) => ({
          id: p.id, name: p.name,
          queues_to_delete: gone.get(p.id)!.map((q) => ({ id: q.id, name: q.name, display_name: q.display_name, tasks: byQueue.get(q.id)?.queued ?? 0 }))
        })),
        not_linked_profiles: notLinkedProfiles(edit)
      }
    }
  }),
  endpoint({
    name: 'resources.publish_resource_configuration', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { company } = identity
      const { store } = ctx.server
      const rs = new ResourceStore(store)
      // one transaction: the configuration, the deleted connections and their dequeued tasks change together or not at all
      return store.tx(() => {
        const { published, editing } = rs.state(company)
        const edit = editing ?? published
        const unlinked = notLinkedProfiles(edit)
        if (unlinked.length) {
          throw errors.validation(`cannot publish: profiles linked to no pool: ${unlinked.map((p) => `"${p.name}"`).join(', ')}`, { profiles: unlinked })
        }
        const plan = planPublish(published, edit, rs.queues(company), { updated: store.nowIso(), updated_by: identity.user }, newId)
        rs.deleteQueues(company, plan.deleteQueues)
        for (const [queue, rank] of plan.ranks) rs.setQueueRank(company, queue, rank)
        rs.setPublished(company, plan.doc)
        return plan.counts
      })
    }
  }),
  endpoint({
    name: 'resources.reset_resource_configuration', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      new ResourceStore(ctx.server.store).setEditing(company, null)
      return {}
    }
  }),
  endpoint({
    name: 'resources.enable_policy_manager', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ enable: z.boolean().optional() }),
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      new ResourceStore(ctx.server.store).setPolicyManager(company, ctx.data.enable ?? true)
      return {}
    }
  }),

  // --- policies -------------------------------------------------------------------------------------------------------
  endpoint({
    name: 'resources.get_policies', minVersion: MIN_VERSION, auth: 'required', schema: empty,
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const rs = new ResourceStore(store)
      const queues = rs.queues(identity.company)
      const live = loadLive(rs, identity.company, queues)
      const publishedProfiles = new Set(rs.state(identity.company).published.profiles.map((p) => p.id))
      const byPolicy = groupBy(queues, (q) => q.policy)
      return { policies: visiblePolicies(store, rs, identity).map((p) => policyView(store, p, byPolicy.get(p.id) ?? [], live, publishedProfiles)) }
    }
  }),
  endpoint({
    name: 'resources.get_policy_data', minVersion: MIN_VERSION, auth: 'required', schema: z.object({ id: z.string().optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const rs = new ResourceStore(store)
      const id = needed(ctx.data.id, 'id', 'A policy id')
      const p = visiblePolicies(store, rs, identity).find((v) => v.id === id)
      if (!p) throw errors.invalidId('resource policy not found', { id })
      const { published } = rs.state(identity.company)
      const profiles = new Map(published.profiles.map((pr) => [pr.id, pr]))
      const live = loadLive(rs, identity.company)
      const queues = rs.queuesOfPolicy(identity.company, p.id)
      const userName = (u: string | null) => (u === null ? null : store.user(u)?.name ?? null)
      return {
        ...policyView(store, p, queues, live, new Set(profiles.keys())),
        profile_links: queues.map((q) => {
          const profile = profiles.get(q.profile)
          return { profile: profile ? profileView(profile, live) : { id: q.profile }, queue: { id: q.id, name: q.name, display_name: q.display_name } }
        }),
        tasks: rs.activeTasksOfQueues(identity.company, queues.map((q) => q.id)).map((t) => ({
          id: t.id, name: t.name, status: t.status, type: t.type, started: t.started, cost: t.cost,
          project: t.project_id === null ? null : { id: t.project_id, name: t.project_name },
          user: t.user_id === null ? null : { id: t.user_id, name: userName(t.user_id) }
        }))
      }
    }
  }),
  endpoint({
    name: 'resources.create_policy', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ name: z.string(), user_group: z.string(), reservation: z.number().optional(), limit: z.number().optional(), description }),
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const { store } = ctx.server
      const rs = new ResourceStore(store)
      return store.tx(() => {
        const name = checkPolicyName(rs, company, ctx.data.name)
        userGroupOf(store, company, ctx.data.user_group)
        const reservation = ctx.data.reservation ?? 0
        const limit = needed(ctx.data.limit, 'limit', 'A limit')
        checkReservation(reservation, limit)
        const id = newId()
        rs.insertPolicy({ id, company, name, description: ctx.data.description || null, reservation, limit, user_group: ctx.data.user_group, created: store.nowIso() })
        return { id }
      })
    }
  }),
  endpoint({
    name: 'resources.update_policy', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ id: z.string(), name: z.string().optional(), description, reservation: z.number().optional(), limit: z.number().optional() }),
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const { store } = ctx.server
      const rs = new ResourceStore(store)
      return store.tx(() => {
        const p = policyOf(rs, company, ctx.data.id)
        const fields: Partial<Pick<ResourcePolicyRow, 'name' | 'description' | 'reservation' | 'limit'>> = {}
        if (ctx.data.name !== undefined) fields.name = checkPolicyName(rs, company, ctx.data.name, p.id)
        if (ctx.data.description !== undefined) fields.description = ctx.data.description || null
        if (ctx.data.reservation !== undefined) fields.reservation = ctx.data.reservation
        if (ctx.data.limit !== undefined) fields.limit = ctx.data.limit
        checkReservation(fields.reservation ?? p.reservation, fields.limit ?? p.limit)
        rs.updatePolicy(company, p.id, fields)
        return { updated: 1 }
      })
    }
  }),
  endpoint({
    name: 'resources.validate_move_policy', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ id: z.string(), user_group: z.string() }),
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const { store } = ctx.server
      const rs = new ResourceStore(store)
      return { tasks_to_dequeue: tasksOutsideGroup(store, rs, policyOf(rs, company, ctx.data.id), ctx.data.user_group).length }
    }
  }),
  endpoint({
    name: 'resources.move_policy', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ id: z.string(), user_group: z.string() }),
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const { store } = ctx.server
      const rs = new ResourceStore(store)
      return store.tx(() => {
        const p = policyOf(rs, company, ctx.data.id)
        const dequeued = rs.dequeueTasks(company, tasksOutsideGroup(store, rs, p, ctx.data.user_group))
        rs.updatePolicy(company, p.id, { user_group: ctx.data.user_group })
        return { dequeued_tasks: dequeued }
      })
    }
  }),
  endpoint({
    name: 'resources.delete_policy', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ id: z.string() }),
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const { store } = ctx.server
      const rs = new ResourceStore(store)
      return store.tx(() => {
        const p = policyOf(rs, company, ctx.data.id)
        const queues = rs.queuesOfPolicy(company, p.id).map((q) => q.id)
        rs.deleteQueues(company, queues)
        return { deleted: rs.deletePolicy(company, p.id), deleted_queues: queues.length }
      })
    }
  }),
  endpoint({
    name: 'resources.connect_policy_profile', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ policy: z.string().optional(), profile: z.string().optional(), queue_name: z.string().optional(), display_name: z.string().nullable().optional() }),
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const { store } = ctx.server
      const rs = new ResourceStore(store)
      return store.tx(() => {
        const p = policyOf(rs, company, needed(ctx.data.policy, 'policy', 'A policy id'))
        const profileId = needed(ctx.data.profile, 'profile', 'A profile id')
        const queueName = needed(ctx.data.queue_name, 'queue_name', 'A queue name').trim()
        const displayName = ctx.data.display_name?.trim() || null
        if (!queueName) throw errors.validation(`error for field 'queue_name'. Queue name cannot be empty`)

        const { published, editing } = rs.state(company)
        const profile = published.profiles.find((pr) => pr.id === profileId)
        if (!profile) {
          if (editing?.profiles.some((pr) => pr.id === profileId)) {
            throw errors.validation(`error for field 'profile'. Only published profiles can be connected (publish the configuration first)`, { profile: profileId })
          }
          throw errors.invalidId('resource profile not found', { profile: profileId })
        }
        if (profile.profile_cost > p.limit) {
          throw errors.validation(`error for field 'profile'. The profile's resource allotment exceeds the policy's limit`, { profile_cost: profile.profile_cost, limit: p.limit })
        }
        const queues = rs.queues(company)
        if (queues.some((q) => q.policy === p.id && q.profile === profile.id)) {
          throw errors.validation(`error for field 'profile'. The profile is already connected to this policy`, { policy: p.id, profile: profile.id })
        }
        // queue names: the policy queues' names and display names and the pools' correlated queues
        const taken = new Set<string>()
        for (const q of queues) {
          taken.add(nameKey(q.name))
          if (q.display_name) taken.add(nameKey(q.display_name))
        }
        for (const { link } of linksOf(published).values()) if (link.queue_name) taken.add(nameKey(link.queue_name))
        for (const [field, value] of [['queue_name', queueName], ['display_name', displayName]] as const) {
          if (value !== null && taken.has(nameKey(value))) throw errors.validation(`error for field '${field}'. A queue with this name already exists`, { [field]: value })
        }
        const id = newId()
        rs.insertQueue({ id, company, name: queueName, display_name: displayName, policy: p.id, profile: profile.id, rank: rs.nextRank(company, profile.id), created: store.nowIso() })
        return { id }
      })
    }
  }),
  endpoint({
    name: 'resources.disconnect_policy_profile', minVersion: MIN_VERSION, auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ queue: z.string().optional() }),
    handler: (ctx) => {
      const { company } = requireIdentity(ctx)
      const { store } = ctx.server
      const rs = new ResourceStore(store)
      return store.tx(() => {
        const id = needed(ctx.data.queue, 'queue', 'A queue id')
        if (!rs.queue(company, id)) throw errors.invalidId('policy queue not found', { queue: id })
        rs.deleteQueues(company, [id])
        return { deleted: 1 }
      })
    }
  })
]
