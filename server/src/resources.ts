import { type ServerError, errors } from './errors'
import type { ConfigDoc, LinkDoc, PoolDoc, ProfileDoc, QueueFigures, ResourceQueueRow } from './resources-store'

/**
 * The resource-configuration model (clearml-enterprise-api.md §1.4): validation of a saved (editing) configuration,
 * the comparison and the publish plan between the editing and the published configuration, and the read shapes.
 * Pure functions over the documents of resources-store.ts; every step is linear in the number of pools, profiles,
 * links and connections (maps, never a scan per link).
 */

/** A profile's `cost_field` (Dynamic Resource Capacity: a task parameter) must start with one of these. */
export const COST_FIELD_PREFIXES = ['runtime.', 'hyperparams.', 'configuration.'] as const

export interface PoolInput { id: string; name: string; description?: string | null; resources: number; links?: string[] }
export interface LinkInput { id: string; name: string; pool: string }
export interface ProfileInput {
  id: string; name: string; description?: string | null; profile_cost: number; cost_field?: string | null
  pool_links: LinkInput[]; policy_connections?: Array<{ id: string }>
}

/** Names (pools, profiles, links, policies, queues) are compared trimmed and case-insensitively. */
export const nameKey = (s: string) => s.trim().toLowerCase()

function invalid(field: string, message: string, details: Record<string, unknown> = {}): ServerError {
  return errors.validation(`error for field '${field}'. ${message}`, details)
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** A profile's policy connections in policy-priority order: its edited order first, then the rest in rank order. */
export function orderedConnections(p: ProfileDoc, queuesByProfile: ReadonlyMap<string, ResourceQueueRow[]>): ResourceQueueRow[] {
  const conns = queuesByProfile.get(p.id) ?? []
  if (!p.policy_order?.length) return conns
  const pos = new Map(p.policy_order.map((id, i) => [id, i]))
  // stable: the connections the edit does not list keep their rank order, after the listed ones
  return [...conns].sort((a, b) => (pos.get(a.id) ?? Infinity) - (pos.get(b.id) ?? Infinity))
}

export function groupQueuesByProfile(queues: readonly ResourceQueueRow[]): Map<string, ResourceQueueRow[]> {
  const m = new Map<string, ResourceQueueRow[]>()
  for (const q of queues) {
    const list = m.get(q.profile)
    if (list) list.push(q)
    else m.set(q.profile, [q])
  }
  for (const list of m.values()) list.sort((a, b) => a.rank - b.rank) // stable: creation order breaks ties
  return m
}

/**
 * Validates a set_resource_configuration request and builds the editing document (names trimmed, an empty
 * description stored as null). Throws 400/12 naming the field
 * (`pools[i].name`, `profiles[i].pool_links[j].pool`, ...) and the object's id for the first problem found.
 * `connectionsOf(profileId)` lists the profile's current policy connections (queue ids).
 */
export function buildEditingConfig(pools: readonly PoolInput[], profiles: readonly ProfileInput[], connectionsOf: (profile: string) => readonly string[]): ConfigDoc {
  const poolAt = new Map<string, number>()
  const poolNames = new Map<string, number>()
  pools.forEach((p, i) => {
    const at = `pools[${i}]`
    if (!p.id.trim()) throw invalid(`${at}.id`, 'Pool id cannot be empty')
    if (poolAt.has(p.id)) throw invalid(`${at}.id`, `Duplicate pool id (also pools[${poolAt.get(p.id)}])`, { pool: p.id })
    poolAt.set(p.id, i)
    const name = p.name.trim()
    if (!name) throw invalid(`${at}.name`, 'Pool name cannot be empty', { pool: p.id })
    const other = poolNames.get(nameKey(name))
    if (other !== undefined) throw invalid(`${at}.name`, `Duplicate pool name "${name}" (also pools[${other}])`, { pool: p.id })
    poolNames.set(nameKey(name), i)
    if (!Number.isSafeInteger(p.resources) || p.resources <= 0) {
      throw invalid(`${at}.resources`, 'Number of resources must be a positive integer', { pool: p.id, resources: p.resources })
    }
  })

  const profileAt = new Map<string, number>()
  const profileNames = new Map<string, number>()
  /** link id -> where it is and the pool it points at */
  const linkAt = new Map<string, { field: string; pool: string }>()
  const linkNames = new Map<string, string>()
  const linksByPool = new Map<string, string[]>()
  profiles.forEach((p, i) => {
    const at = `profiles[${i}]`
    if (!p.id.trim()) throw invalid(`${at}.id`, 'Profile id cannot be empty')
    if (profileAt.has(p.id)) throw invalid(`${at}.id`, `Duplicate profile id (also profiles[${profileAt.get(p.id)}])`, { profile: p.id })
    profileAt.set(p.id, i)
    const name = p.name.trim()
    if (!name) throw invalid(`${at}.name`, 'Profile name cannot be empty', { profile: p.id })
    const other = profileNames.get(nameKey(name))
    if (other !== undefined) throw invalid(`${at}.name`, `Duplicate profile name "${name}" (also profiles[${other}])`, { profile: p.id })
    profileNames.set(nameKey(name), i)
    if (!Number.isFinite(p.profile_cost) || p.profile_cost <= 0) {
      throw invalid(`${at}.profile_cost`, 'Resource allotment must be a number greater than 0', { profile: p.id, profile_cost: p.profile_cost })
    }
    const cf = p.cost_field
    if (cf !== undefined && cf !== null && !COST_FIELD_PREFIXES.some((px) => cf.startsWith(px) && cf.length > px.length)) {
      throw invalid(`${at}.cost_field`, `Task configuration parameter must start with ${COST_FIELD_PREFIXES.join(', ')}`, { profile: p.id, cost_field: cf })
    }
    const linkedPools = new Set<string>()
    p.pool_links.forEach((l, j) => {
      const lat = `${at}.pool_links[${j}]`
      if (!l.id.trim()) throw invalid(`${lat}.id`, 'Link id cannot be empty', { profile: p.id })
      const dup = linkAt.get(l.id)
      if (dup) throw invalid(`${lat}.id`, `Duplicate link id (also ${dup.field})`, { profile: p.id, link: l.id })
      linkAt.set(l.id, { field: lat, pool: l.pool })
      const lname = l.name.trim()
      if (!lname) throw invalid(`${lat}.name`, 'Link name cannot be empty', { profile: p.id, link: l.id })
      const otherLink = linkNames.get(nameKey(lname))
      if (otherLink) throw invalid(`${lat}.name`, `Duplicate link name "${lname}" (also ${otherLink}); link names are unique in the configuration`, { profile: p.id, link: l.id })
      linkNames.set(nameKey(lname), lat)
      if (!poolAt.has(l.pool)) throw invalid(`${lat}.pool`, 'Link to an unknown pool', { profile: p.id, link: l.id, pool: l.pool })
      if (linkedPools.has(l.pool)) throw invalid(`${lat}.pool`, 'The profile is already linked to this pool', { profile: p.id, link: l.id, pool: l.pool })
      linkedPools.add(l.pool)
      const list = linksByPool.get(l.pool)
      if (list) list.push(l.id)
      else linksByPool.set(l.pool, [l.id])
    })
    if (p.policy_connections) {
      const existing = new Set(connectionsOf(p.id))
      const seen = new Set<string>()
      p.policy_connections.forEach((c, j) => {
        const cat = `${at}.policy_connections[${j}].id`
        if (!existing.has(c.id)) throw invalid(cat, 'Not a policy connection of this profile', { profile: p.id, queue: c.id })
        if (seen.has(c.id)) throw invalid(cat, 'Duplicate policy connection', { profile: p.id, queue: c.id })
        seen.add(c.id)
      })
    }
  })

  // a pool's `links` (execution priority) must list exactly the links that point at it
  pools.forEach((p, i) => {
    if (p.links === undefined) return
    const pointing = linksByPool.get(p.id) ?? []
    const seen = new Set<string>()
    p.links.forEach((id, j) => {
      const field = `pools[${i}].links[${j}]`
      const link = linkAt.get(id)
      if (!link) throw invalid(field, 'Unknown link', { pool: p.id, link: id })
      if (link.pool !== p.id) throw invalid(field, `The link points at another pool (${link.field})`, { pool: p.id, link: id })
      if (seen.has(id)) throw invalid(field, 'Duplicate link', { pool: p.id, link: id })
      seen.add(id)
    })
    const missing = pointing.find((id) => !seen.has(id))
    if (missing !== undefined) {
      throw invalid(`pools[${i}].links`, `Missing link ${missing} (${linkAt.get(missing)!.field}), which points at this pool`, { pool: p.id, link: missing })
    }
  })

  return {
    pools: pools.map((p) => ({
      id: p.id, name: p.name.trim(), description: p.description || null, resources: p.resources,
      links: p.links ? [...p.links] : linksByPool.get(p.id) ?? []
    })),
    profiles: profiles.map((p) => ({
      id: p.id, name: p.name.trim(), description: p.description || null, profile_cost: p.profile_cost, cost_field: p.cost_field ?? null,
      pool_links: p.pool_links.map((l) => ({ id: l.id, name: l.name.trim(), pool: l.pool, queue_name: null })),
      ...(p.policy_connections && { policy_order: p.policy_connections.map((c) => c.id) })
    }))
  }
}

/** The configuration as a client writes it (no live figures, stamps or queue names), for comparisons. */
function canonical(doc: ConfigDoc, queuesByProfile: ReadonlyMap<string, ResourceQueueRow[]>): string {
  return JSON.stringify({
    pools: doc.pools.map((p) => [p.id, p.name, p.description, p.resources, p.links]),
    profiles: doc.profiles.map((p) => [
      p.id, p.name, p.description, p.profile_cost, p.cost_field, p.pool_links.map((l) => [l.id, l.name, l.pool]),
      orderedConnections(p, queuesByProfile).map((q) => q.id)
    ])
  })
}

export function sameConfig(a: ConfigDoc, b: ConfigDoc, queuesByProfile: ReadonlyMap<string, ResourceQueueRow[]>): boolean {
  return canonical(a, queuesByProfile) === canonical(b, queuesByProfile)
}

/** Profiles linked to no pool: they cannot be published (Validate reports them). */
export function notLinkedProfiles(doc: ConfigDoc): Array<{ id: string; name: string }> {
  return doc.profiles.filter((p) => !p.pool_links.length).map((p) => ({ id: p.id, name: p.name }))
}

export interface PublishCounts {
  created_pools: number; updated_pools: number; deleted_pools: number
  created_profiles: number; updated_profiles: number; deleted_profiles: number
  created_links: number; updated_links: number; deleted_links: number
  deleted_policy_connections: number
}

export interface PublishPlan {
  doc: ConfigDoc
  counts: PublishCounts
  /** Connections (queues) whose profile is gone. */
  deleteQueues: string[]
  /** New policy-priority ranks for the connections of the published profiles. */
  ranks: Array<[queue: string, rank: number]>
}

interface PublishedLink { link: LinkDoc; profile: string }

export function linksOf(doc: ConfigDoc): Map<string, PublishedLink> {
  const m = new Map<string, PublishedLink>()
  for (const p of doc.profiles) for (const l of p.pool_links) m.set(l.id, { link: l, profile: p.id })
  return m
}

/**
 * What publishing `editing` over `published` does. Objects are matched by id. A pool or profile counts as updated
 * when one of its own fields changed, its link list (ids, in order) changed, or (profiles) its policy priority
 * changed; changed and new objects get `stamp` (updated, updated_by), the others keep theirs. A link counts as
 * updated when its name, pool or profile changed. A new link gets a new correlated queue (`newQueueName()`); an
 * existing one keeps its queue unless it now joins another pool or profile (then it is a different queue).
 */
export function planPublish(
  published: ConfigDoc, editing: ConfigDoc, queues: readonly ResourceQueueRow[], stamp: { updated: string; updated_by: string },
  newQueueName: () => string
): PublishPlan {
  const counts: PublishCounts = {
    created_pools: 0, updated_pools: 0, deleted_pools: 0, created_profiles: 0, updated_profiles: 0, deleted_profiles: 0,
    created_links: 0, updated_links: 0, deleted_links: 0, deleted_policy_connections: 0
  }
  const queuesByProfile = groupQueuesByProfile(queues)
  const oldPools = new Map(published.pools.map((p) => [p.id, p]))
  const pools: PoolDoc[] = editing.pools.map((p) => {
    const old = oldPools.get(p.id)
    const base = { id: p.id, name: p.name, description: p.description, resources: p.resources, links: [...p.links] }
    if (!old) {
      counts.created_pools++
      return { ...base, baseline: 0, ...stamp }
    }
    const changed = old.name !== p.name || old.description !== p.description || old.resources !== p.resources || !sameList(old.links, p.links)
    if (changed) counts.updated_pools++
    return { ...base, baseline: old.baseline ?? 0, ...(changed ? stamp : { updated: old.updated, updated_by: old.updated_by }) }
  })
  const newPoolIds = new Set(pools.map((p) => p.id))
  counts.deleted_pools = published.pools.filter((p) => !newPoolIds.has(p.id)).length

  const oldLinks = linksOf(published)
  const oldProfiles = new Map(published.profiles.map((p) => [p.id, p]))
  const keptLinks = new Set<string>()
  const ranks: Array<[string, number]> = []
  const profiles: ProfileDoc[] = editing.profiles.map((p) => {
    const pool_links = p.pool_links.map((l): LinkDoc => {
      const old = oldLinks.get(l.id)
      if (!old) {
        counts.created_links++
        return { id: l.id, name: l.name, pool: l.pool, queue_name: newQueueName() }
      }
      keptLinks.add(l.id)
      const samePlace = old.link.pool === l.pool && old.profile === p.id
      if (!samePlace || old.link.name !== l.name) counts.updated_links++
      return { id: l.id, name: l.name, pool: l.pool, queue_name: (samePlace && old.link.queue_name) || newQueueName() }
    })
    const current = queuesByProfile.get(p.id) ?? []
    const ordered = orderedConnections(p, queuesByProfile)
    const reordered = !sameList(current.map((q) => q.id), ordered.map((q) => q.id))
    if (reordered) ordered.forEach((q, i) => ranks.push([q.id, i]))
    const old = oldProfiles.get(p.id)
    const base = { id: p.id, name: p.name, description: p.description, profile_cost: p.profile_cost, cost_field: p.cost_field, pool_links }
    if (!old) {
      counts.created_profiles++
      return { ...base, ...stamp }
    }
    const changed = reordered || old.name !== p.name || old.description !== p.description || old.profile_cost !== p.profile_cost ||
      old.cost_field !== p.cost_field || !sameList(old.pool_links.map((l) => l.id), p.pool_links.map((l) => l.id))
    if (changed) counts.updated_profiles++
    return { ...base, ...(changed ? stamp : { updated: old.updated, updated_by: old.updated_by }) }
  })
  const newProfileIds = new Set(profiles.map((p) => p.id))
  counts.deleted_profiles = published.profiles.filter((p) => !newProfileIds.has(p.id)).length
  counts.deleted_links = [...oldLinks.keys()].filter((id) => !keptLinks.has(id)).length
  const deleteQueues = queues.filter((q) => !newProfileIds.has(q.profile)).map((q) => q.id)
  counts.deleted_policy_connections = deleteQueues.length
  return { doc: { pools, profiles }, counts, deleteQueues, ranks }
}

// --- read shapes ------------------------------------------------------------------------------------------------------

/** What the read shapes need besides the documents: connections, policy names and task figures. */
export interface Live {
  queuesByProfile: Map<string, ResourceQueueRow[]>
  policyNames: Map<string, string>
  byQueue: Map<string, QueueFigures>
  poolCost: Map<string, number>
}

/** Usage is reported in whole resources: a partly used resource (fractional allotments) is in use. */
const wholeResources = (n: number) => Math.max(0, Math.ceil(n - 1e-9))

export interface PoolView { id: string; name: string; description: string | null; resources: number; usage: number; links: string[] }
export interface ProfileView {
  id: string; name: string; description: string | null; profile_cost: number; cost_field: string | null
  queued_jobs: number; running_jobs: number
  pool_links: Array<{ id: string; name: string; pool: string; queue_name: string | null }>
  policy_connections: Array<{ id: string; name: string; display_name: string | null; policy_name: string | null }>
}

/** `baseline`: the pool's non-policy usage (from the published pool with the same id; 0 for a new pool). */
export function poolView(p: PoolDoc, baseline: number, live: Live): PoolView {
  return {
    id: p.id, name: p.name, description: p.description, resources: p.resources,
    usage: wholeResources(baseline + (live.poolCost.get(p.id) ?? 0)), links: [...p.links]
  }
}

/** `published`: the published links, to show an edited link's queue when it is still the same queue. */
export function profileView(p: ProfileDoc, live: Live, published?: ReadonlyMap<string, PublishedLink>): ProfileView {
  const conns = orderedConnections(p, live.queuesByProfile)
  let queued = 0
  let running = 0
  for (const c of conns) {
    const f = live.byQueue.get(c.id)
    queued += f?.queued ?? 0
    running += f?.running ?? 0
  }
  const queueName = (l: LinkDoc): string | null => {
    if (l.queue_name) return l.queue_name
    const old = published?.get(l.id)
    return old && old.link.pool === l.pool && old.profile === p.id ? old.link.queue_name : null
  }
  return {
    id: p.id, name: p.name, description: p.description, profile_cost: p.profile_cost, cost_field: p.cost_field,
    queued_jobs: queued, running_jobs: running,
    pool_links: p.pool_links.map((l) => ({ id: l.id, name: l.name, pool: l.pool, queue_name: queueName(l) })),
    policy_connections: conns.map((c) => ({ id: c.id, name: c.name, display_name: c.display_name, policy_name: live.policyNames.get(c.policy) ?? null }))
  }
}

/** `doc` (published or editing) as `configuration: {pools, profiles}`; live figures and queues come from `published`. */
export function configView(doc: ConfigDoc, published: ConfigDoc, live: Live): { pools: PoolView[]; profiles: ProfileView[] } {
  const baselines = new Map(published.pools.map((p) => [p.id, p.baseline ?? 0]))
  const links = doc === published ? undefined : linksOf(published)
  return {
    pools: doc.pools.map((p) => poolView(p, baselines.get(p.id) ?? 0, live)),
    profiles: doc.profiles.map((p) => profileView(p, live, links))
  }
}
