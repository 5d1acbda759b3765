// The resource configuration on the wire (resources.*, clearml-enterprise-api.md §1.4) and its mapping to
// the console's document. The inferred parts of the published API (client-chosen ids in
// set_resource_configuration, the meaning of each order) are confined to this file.
import type { PolicyConnection, ResourceDoc, ResourceLive, ResourcePool, ResourceProfile } from '../../../shared/api'

export interface WirePool {
  id: string
  name: string
  description?: string | null
  resources?: number
  usage?: number
  /** Ids of the links from profiles, in execution priority order. */
  links?: string[]
  updated?: string | null
  updated_by?: string | null
}

export interface WirePoolLink {
  id: string
  name: string
  pool: string
  queue_name?: string | null
}

export interface WireProfile {
  id: string
  name: string
  description?: string | null
  profile_cost?: number
  cost_field?: string | null
  queued_jobs?: number
  running_jobs?: number
  pool_links?: WirePoolLink[]
  policy_connections?: Array<{ id: string; name?: string; display_name?: string | null; policy_name?: string }>
  updated?: string | null
  updated_by?: string | null
}

export interface WireConfiguration {
  pools?: WirePool[]
  profiles?: WireProfile[]
}

export function toResourceDoc(c: WireConfiguration, layout: ResourceDoc['layout'] = {}): ResourceDoc {
  const profiles: ResourceProfile[] = (c.profiles ?? []).map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description ?? '',
    allotment: typeof p.profile_cost === 'number' ? p.profile_cost : 1,
    costField: p.cost_field ? p.cost_field : null,
    links: (p.pool_links ?? []).map((l) => ({ id: l.id, name: l.name, pool: l.pool, queueName: l.queue_name ?? null })),
    policyOrder: (p.policy_connections ?? []).map((x) => x.id)
  }))
  const linksTo = new Map<string, string[]>()
  for (const p of profiles) for (const l of p.links) linksTo.set(l.pool, [...(linksTo.get(l.pool) ?? []), l.id])
  const pools: ResourcePool[] = (c.pools ?? []).map((p) => {
    // The pool's own order where it gives one; links it does not list (an older server) follow in profile order.
    const own = (p.links ?? []).filter((id) => linksTo.get(p.id)?.includes(id))
    const rest = (linksTo.get(p.id) ?? []).filter((id) => !own.includes(id))
    return { id: p.id, name: p.name, description: p.description ?? '', resources: typeof p.resources === 'number' ? p.resources : 0, priority: [...own, ...rest] }
  })
  const ids = new Set([...pools.map((p) => p.id), ...profiles.map((p) => p.id)])
  const kept = Object.fromEntries(Object.entries(layout).filter(([id]) => ids.has(id)))
  return { pools, profiles, layout: kept }
}

export function toLive(c: WireConfiguration, pools?: WirePool[], profiles?: WireProfile[]): ResourceLive {
  const poolMeta = new Map((pools ?? []).map((p) => [p.id, p]))
  const profileMeta = new Map((profiles ?? []).map((p) => [p.id, p]))
  const live: ResourceLive = { pools: {}, profiles: {} }
  for (const p of c.pools ?? []) {
    const m = poolMeta.get(p.id)
    live.pools[p.id] = { usage: p.usage ?? m?.usage ?? 0, updated: m?.updated ?? null, updatedBy: m?.updated_by ?? null }
  }
  for (const p of c.profiles ?? []) {
    const m = profileMeta.get(p.id)
    const policies: PolicyConnection[] = (p.policy_connections ?? []).map((x) => ({ id: x.id, name: x.name ?? x.id, displayName: x.display_name ?? null, policyName: x.policy_name ?? '' }))
    live.profiles[p.id] = { queued: p.queued_jobs ?? 0, running: p.running_jobs ?? 0, policies, updated: m?.updated ?? null, updatedBy: m?.updated_by ?? null }
  }
  return live
}

/** The write shape of set_resource_configuration: no live figures, no server-assigned queue names, no layout. */
export function toWire(doc: ResourceDoc): { pools: object[]; profiles: object[] } {
  return {
    pools: doc.pools.map((p) => ({ id: p.id, name: p.name.trim(), description: p.description, resources: p.resources, links: p.priority })),
    profiles: doc.profiles.map((p) => ({
      id: p.id,
      name: p.name.trim(),
      description: p.description,
      profile_cost: p.allotment,
      cost_field: p.costField,
      pool_links: p.links.map((l) => ({ id: l.id, name: l.name.trim(), pool: l.pool })),
      policy_connections: p.policyOrder.map((id) => ({ id }))
    }))
  }
}
