// The allocation preview's input, built from what the console knows: a resource configuration (the open draft or
// the provisioned one), the live figures (what each pool and policy uses now), the policies with their connections,
// and the jobs (the server's queued jobs, or counts the admin enters). Pure: the panel and its tests use it.
// The scenario format and the rules are those of shared/domain/allocation.ts (`npm run allocate` reads the export).
import type { AllocationScenarioInput } from '@shared/domain/allocation'
import { fmt, type PolicyDetails, type PolicyInfo, type ResourceDoc, type ResourceLive } from '@shared/api'
import { queuedByConnection } from './figures'

/** Jobs of one policy on one profile (ids, so a renamed profile in a draft still matches). */
export interface JobEntry {
  policyId: string
  profileId: string
  count: number
  /** Per-job allotment for a profile with dynamic capacity; the profile's default when absent. */
  allotment?: number
}

export interface ScenarioInputs {
  doc: ResourceDoc
  live: ResourceLive | null
  policies: PolicyInfo[]
  /** Details per policy id (connections and queued figures); policies without details have no connections here. */
  details: Map<string, PolicyDetails>
  jobs: JobEntry[]
  description?: string
}

export interface BuiltScenario {
  scenario: AllocationScenarioInput
  /** What was adjusted or left out to make a valid scenario, in words. */
  notes: string[]
}

const EPS = 1e-9

/** The (policy, profile) pairs that can hold jobs: every connection of a policy to a profile of `doc`. */
export function connectionPairs(doc: ResourceDoc, policies: PolicyInfo[], details: Map<string, PolicyDetails>): Array<{ policyId: string; profileId: string }> {
  const profiles = new Set(doc.profiles.map((p) => p.id))
  const out: Array<{ policyId: string; profileId: string }> = []
  for (const pol of policies) for (const c of details.get(pol.id)?.profiles ?? []) if (profiles.has(c.profileId)) out.push({ policyId: pol.id, profileId: c.profileId })
  return out
}

/** The server's queued jobs: each policy's queued tasks, on the connection (queue) they wait on. */
export function queuedJobs(policies: PolicyInfo[], details: Map<string, PolicyDetails>): JobEntry[] {
  const out: JobEntry[] = []
  for (const pol of policies) {
    const d = details.get(pol.id)
    if (!d) continue
    const split = queuedByConnection(d)
    for (const c of d.profiles) {
      const q = split.get(c.queue.id)
      if (!q?.count) continue
      // A dynamic profile: each task's own cost is its allotment.
      if (c.costField) for (const cost of q.costs) out.push({ policyId: pol.id, profileId: c.profileId, count: 1, ...(cost > 0 && { allotment: cost }) })
      else out.push({ policyId: pol.id, profileId: c.profileId, count: q.count })
    }
  }
  return out
}

export function buildScenario(input: ScenarioInputs): BuiltScenario {
  const { doc, live, policies, details } = input
  const notes: string[] = []
  const poolName = new Map(doc.pools.map((p) => [p.id, p.name]))
  const profileOfLink = new Map<string, string>()
  for (const prof of doc.profiles) for (const l of prof.links) profileOfLink.set(l.id, prof.name)
  const policyById = new Map(policies.map((p) => [p.id, p]))
  const policyByName = new Map(policies.map((p) => [p.name, p]))

  // Queue id → policy name: from the live figures and from the policies' details.
  const queuePolicy = new Map<string, string>()
  for (const prof of Object.values(live?.profiles ?? {})) for (const c of prof.policies) queuePolicy.set(c.id, c.policyName)
  for (const pol of policies) for (const c of details.get(pol.id)?.profiles ?? []) queuePolicy.set(c.queue.id, pol.name)

  const pools = doc.pools.map((p) => {
    const usage = live?.pools[p.id]?.usage ?? 0
    const inUse = Math.min(Math.max(0, usage), p.resources > 0 ? p.resources : 0)
    if (usage > p.resources + EPS) notes.push(`${p.name} uses ${fmt(usage)} now, more than the ${fmt(p.resources)} resources it has here: counted as full.`)
    const priority = [...new Set(p.priority.map((l) => profileOfLink.get(l)).filter((n): n is string => !!n))]
    return { name: p.name, resources: p.resources, inUse, priority }
  })

  /** Policies that cannot take a profile's jobs (its allotment exceeds their limit), per profile id. */
  const refused = new Map<string, Set<string>>()
  const profiles = doc.profiles.map((prof) => {
    const names: string[] = []
    const add = (n: string | undefined) => {
      if (n && policyByName.has(n) && !names.includes(n)) names.push(n)
    }
    // The profile's policy priority, then connections made since (they follow in their current order).
    for (const q of prof.policyOrder) add(queuePolicy.get(q))
    for (const c of live?.profiles[prof.id]?.policies ?? []) add(c.policyName)
    for (const pol of policies) if (details.get(pol.id)?.profiles.some((c) => c.profileId === prof.id)) add(pol.name)
    const allowed = names.filter((n) => {
      const pol = policyByName.get(n)!
      if (prof.costField || prof.allotment <= pol.limit + EPS) return true
      if (!refused.has(prof.id)) refused.set(prof.id, new Set())
      refused.get(prof.id)!.add(n)
      notes.push(`${prof.name} needs ${fmt(prof.allotment)} per job, more than ${pol.name}’s limit of ${fmt(pol.limit)}: that connection is left out.`)
      return false
    })
    return {
      name: prof.name,
      allotment: prof.allotment,
      costField: prof.costField,
      links: prof.links.filter((l) => poolName.has(l.pool)).map((l) => ({ name: l.name, pool: poolName.get(l.pool)! })),
      policies: allowed
    }
  })
  const profileById = new Map(doc.profiles.map((p, i) => [p.id, profiles[i]]))

  const scenarioPolicies = policies.map((p) => ({ name: p.name, reserved: p.reservation, limit: p.limit, inUse: p.usage }))

  const jobs: AllocationScenarioInput['jobs'] = []
  const dropped = new Map<string, number>()
  const drop = (why: string, n: number) => dropped.set(why, (dropped.get(why) ?? 0) + n)
  for (const j of input.jobs) {
    if (!(j.count > 0)) continue
    const pol = policyById.get(j.policyId)
    const prof = profileById.get(j.profileId)
    if (!pol) {
      drop('their policy no longer exists', j.count)
      continue
    }
    if (!prof) {
      drop('their profile is not in this configuration', j.count)
      continue
    }
    if (!prof.policies.includes(pol.name)) {
      drop(refused.get(j.profileId)?.has(pol.name) ? 'their profile needs more than their policy’s limit' : 'their policy is not connected to their profile', j.count)
      continue
    }
    const allotment = prof.costField && j.allotment !== undefined && j.allotment > 0 ? j.allotment : undefined
    const last = jobs[jobs.length - 1]
    if (last && last.policy === pol.name && last.profile === prof.name && last.allotment === allotment) last.count += Math.floor(j.count)
    else jobs.push({ policy: pol.name, profile: prof.name, count: Math.floor(j.count), ...(allotment !== undefined && { allotment }) })
  }
  for (const [why, n] of dropped) notes.push(`${n} job${n === 1 ? ' is' : 's are'} left out: ${why}.`)

  const scenario: AllocationScenarioInput = {
    ...(input.description && { description: input.description }),
    pools,
    profiles,
    policies: scenarioPolicies,
    jobs
  }
  return { scenario, notes }
}
