// Allocation preview: given resource pools, resource profiles, resource policies and queued jobs, where would
// each job run now, which stay pending, and why (in words, with the figures). Pure and synchronous; used by the
// `npm run allocate` CLI and meant for the Resource Configuration screens. Spec: settings-page.md "Resource
// Configuration" (incl. its Example Workflow) and resource-policies-notes.md.
//
// Scenario (names are the keys; list order is priority order):
//   pools[]     { name, resources (whole number ≥ 1), inUse? (default 0: resources already busy, 0..resources),
//                 priority? (default []: execution priority of the profiles linked to the pool, by profile name) }
//   profiles[]  { name, allotment (> 0, fractions allowed), costField? (default null; set it, e.g.
//                 "runtime.gpus_request", for dynamic capacity: jobs may then state their own allotment),
//                 links? ([{ name, pool }] in pool precedence order), policies? (policy names, queuing priority) }
//   policies[]  { name, reserved (≥ 0), limit (> 0, ≥ reserved), inUse? (default 0: resources its running jobs
//                 already use; counts toward its reservation and limit; these are part of the pools' inUse) }
//   jobs[]      { policy, profile, count (1..100000), allotment? (only for a profile with a costField; default
//                 the profile's allotment) } — appended in this order to the (profile, policy) queue
//   description? free text
//
// Rules (exactly these):
//  1. Queues: each (profile, policy) pair with jobs is a first-in-first-out queue. Each step considers only the
//     head job of every queue; a head that cannot run blocks the jobs behind it.
//  2. A head job is "within reservation" when policy.used + allotment <= policy.reserved (with a 1e-9 tolerance,
//     so fractions such as 1/7 add up), otherwise it is "borrowing". No job may take its policy over `limit`.
//  3. Its candidate pool is the first pool in its profile's link precedence with free >= allotment
//     (free = resources - inUse - what this preview has placed there).
//  4. A borrowing job may only take resources no other policy needs for its reservation: it is allowed only if,
//     after it, the free resources over ALL pools are still >= the sum, over the OTHER policies that still have
//     pending jobs, of min(unmet reservation, their pending demand). This guard is deliberately simple and
//     pool-agnostic: it does not check that the held resources are in pools those policies' profiles can reach,
//     and "pending demand" counts every job of theirs not placed yet.
//  5. Each step places ONE job. Among the placeable head jobs it picks by (a) within reservation before
//     borrowing, (b) the profile's position in the candidate pool's execution priority (lower first; a profile
//     missing from that list goes after every listed one), (c) the policy's position in the profile's policy
//     list, (d) scenario order (the profile's position in `profiles`). Repeat until nothing can be placed; every
//     remaining job is pending, with its reason: its policy's limit; no linked pool with enough free resources
//     (each pool and its free amount named); or resources held for named other policies' reservations; jobs
//     behind a blocked head name the head they wait for.
// Every condition above only gets harder as jobs are placed (free falls, use rises, the guard's slack never
// grows), so a head that cannot run now never runs later in the same preview. allocate() relies on that: a
// heap ordered by rule 5 with lazy re-checks, and per pool a heap of the heads aimed at it by allotment so a
// head whose pool filled up moves on at once. O((jobs × links + queues) × log queues) instead of a full scan per
// step. tests/resources/allocation.test.ts compares it with a literal step-by-step scan on random scenarios.
//
// Output: one placement per job, ordered by policy (scenario order), then profile (scenario order), then job
// number (1-based within that policy and profile); `pool` is null for a pending job.
import { z } from 'zod'
import { text } from '../api/fields.ts'
import { allotmentProblem, connectProblem, costFieldProblem, fmt, resourcesProblem, type ResourceDoc } from './resources.ts'

const EPS = 1e-9
/** Execution rank of a profile missing from a pool's priority list: after every listed profile. */
const UNLISTED = Number.MAX_SAFE_INTEGER
export const MAX_JOBS_PER_ENTRY = 100_000
export const MAX_JOBS = 1_000_000

// ---------------------------------------------------------------------------------------------------------
// Schema

const name = (label: string) => text(label, { min: 1, max: 200 })
const num = (label: string) => z.number({ error: (i) => (i.input === undefined ? `${label} is required` : `${label} must be a number`) })
const list = <T extends z.ZodType>(item: T, label: string) => z.array(item, { error: (i) => (i.input === undefined ? `${label} is required` : `${label} must be a list`) })
const problem = (check: (n: number) => string | null) => (n: number, ctx: z.RefinementCtx) => {
  const p = check(n)
  if (p) ctx.addIssue({ code: 'custom', message: p })
}

const poolSchema = z
  .strictObject({
    name: name('The pool name'),
    resources: num('The number of resources').superRefine(problem(resourcesProblem)),
    inUse: num('The resources in use').min(0, 'The resources in use must be at least 0').default(0),
    priority: list(name('A profile name'), 'The execution priority').default([])
  })
  .superRefine((p, ctx) => {
    if (p.inUse > p.resources + EPS) ctx.addIssue({ code: 'custom', path: ['inUse'], message: `${fmt(p.inUse)} resources in use, but the pool has only ${fmt(p.resources)}` })
  })

const linkSchema = z.strictObject({ name: name('The link name'), pool: name('The pool name') })

const profileSchema = z.strictObject({
  name: name('The profile name'),
  allotment: num('The resource allotment').superRefine(problem(allotmentProblem)),
  costField: z
    .string({ error: 'The cost field must be text (or null for a fixed allotment)' })
    .nullable()
    .default(null)
    .superRefine((v, ctx) => {
      const p = costFieldProblem(v)
      if (p) ctx.addIssue({ code: 'custom', message: p })
    }),
  links: list(linkSchema, 'The links').default([]),
  policies: list(name('A policy name'), 'The policies').default([])
})

const policySchema = z
  .strictObject({
    name: name('The policy name'),
    reserved: num('The reservation').min(0, 'The reservation must be at least 0'),
    limit: num('The limit').gt(0, 'The limit must be greater than 0'),
    inUse: num('The resources in use').min(0, 'The resources in use must be at least 0').default(0)
  })
  .superRefine((p, ctx) => {
    if (p.reserved > p.limit + EPS) ctx.addIssue({ code: 'custom', path: ['reserved'], message: `The reservation (${fmt(p.reserved)}) must not exceed the limit (${fmt(p.limit)})` })
  })

const jobSchema = z.strictObject({
  policy: name('The policy name'),
  profile: name('The profile name'),
  count: num('The job count')
    .int('The job count must be a whole number')
    .min(1, 'The job count must be at least 1')
    .max(MAX_JOBS_PER_ENTRY, `The job count must be at most ${MAX_JOBS_PER_ENTRY.toLocaleString('en-US')}`),
  allotment: num('The job allotment').superRefine(problem(allotmentProblem)).optional()
})

export const scenarioSchema = z
  .strictObject(
    {
      description: z.string({ error: 'The description must be text' }).max(10_000, 'The description must be at most 10000 characters').optional(),
      pools: list(poolSchema, 'pools'),
      profiles: list(profileSchema, 'profiles'),
      policies: list(policySchema, 'policies'),
      jobs: list(jobSchema, 'jobs')
    },
    { error: (i) => (i.code === 'invalid_type' ? 'A scenario must be a JSON object with pools, profiles, policies and jobs' : undefined) }
  )
  .superRefine(checkReferences)

export type AllocationScenario = z.output<typeof scenarioSchema>
/** What a scenario file may leave out (the optional fields and their defaults, see the top of this file). */
export type AllocationScenarioInput = z.input<typeof scenarioSchema>
export type ScenarioPool = AllocationScenario['pools'][number]
export type ScenarioProfile = AllocationScenario['profiles'][number]
export type ScenarioPolicy = AllocationScenario['policies'][number]
export type ScenarioJobs = AllocationScenario['jobs'][number]

const key = (s: string) => s.trim().toLowerCase()
/** "Dev's", "DevOps'" */
const their = (n: string) => (/s$/i.test(n) ? `${n}'` : `${n}'s`)

/** Everything the schema cannot see field by field: names, references, the connection rule. */
function checkReferences(s: AllocationScenario, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
  const refMessage = (kind: string, ref: string, names: readonly string[]) => {
    const near = names.find((n) => key(n) === key(ref))
    return `no ${kind} named "${ref}"${near ? ` (did you mean "${near}"?)` : ''}`
  }
  const unique = (set: 'pools' | 'profiles' | 'policies', kind: string) => {
    const seen = new Map<string, number>()
    s[set].forEach((x, i) => {
      const k = key(x.name)
      const first = seen.get(k)
      if (first !== undefined) issue([set, i, 'name'], `duplicate ${kind} name "${x.name}" (also ${set}[${first}]; names are compared ignoring case)`)
      else seen.set(k, i)
    })
  }
  unique('pools', 'pool')
  unique('profiles', 'profile')
  unique('policies', 'policy')

  const poolIndex = new Map(s.pools.map((p, i) => [p.name, i]))
  const profileIndex = new Map(s.profiles.map((p, i) => [p.name, i]))
  const policyIndex = new Map(s.policies.map((p, i) => [p.name, i]))
  const poolNames = s.pools.map((p) => p.name)
  const profileNames = s.profiles.map((p) => p.name)
  const policyNames = s.policies.map((p) => p.name)

  // Links: names unique across the configuration; the connection rule is the editor's (connectProblem).
  const doc = scenarioToResourceDoc(s)
  const linkNames = new Map<string, string>()
  s.profiles.forEach((prof, i) => {
    const docProfile = doc.profiles[i]
    let known = 0
    prof.links.forEach((l, j) => {
      const at = ['profiles', i, 'links', j]
      const k = key(l.name)
      const first = linkNames.get(k)
      if (first !== undefined) issue([...at, 'name'], `duplicate link name "${l.name}" (also ${first}; link names are unique across the configuration)`)
      else linkNames.set(k, `profiles[${i}].links[${j}]`)
      const p = poolIndex.get(l.pool)
      if (p === undefined) return issue([...at, 'pool'], refMessage('pool', l.pool, poolNames))
      // The links before this one, as the editor would hold them when this one is drawn.
      const before = { ...docProfile, links: docProfile.links.slice(0, known++) }
      const why = connectProblem({ pools: doc.pools, profiles: [before], layout: {} }, docProfile.id, poolId(p))
      if (why) issue([...at, 'pool'], why)
    })
    const seenPolicies = new Set<string>()
    prof.policies.forEach((pol, k) => {
      const at = ['profiles', i, 'policies', k]
      const pi = policyIndex.get(pol)
      if (pi === undefined) return issue(at, refMessage('policy', pol, policyNames))
      if (seenPolicies.has(pol)) return issue(at, `${pol} is listed twice in ${their(prof.name)} policies`)
      seenPolicies.add(pol)
      const limit = s.policies[pi].limit
      if (!prof.costField && prof.allotment > limit + EPS) {
        issue(at, `${prof.name} needs ${fmt(prof.allotment)} resources per job, more than ${their(pol)} limit of ${fmt(limit)}; such a profile cannot be connected to the policy`)
      }
    })
  })

  // Execution priority: profiles linked to the pool, each once.
  const linkedTo = s.pools.map(() => new Set<string>())
  for (const prof of s.profiles) for (const l of prof.links) if (poolIndex.has(l.pool)) linkedTo[poolIndex.get(l.pool)!].add(prof.name)
  s.pools.forEach((pool, i) => {
    const seen = new Set<string>()
    pool.priority.forEach((prof, k) => {
      const at = ['pools', i, 'priority', k]
      if (!profileIndex.has(prof)) return issue(at, refMessage('profile', prof, profileNames))
      if (seen.has(prof)) return issue(at, `${prof} is listed twice in the execution priority of ${pool.name}`)
      seen.add(prof)
      if (!linkedTo[i].has(prof)) issue(at, `${prof} is not linked to ${pool.name}; the execution priority lists only profiles linked to the pool`)
    })
  })

  let total = 0
  s.jobs.forEach((job, i) => {
    total += job.count
    const pi = policyIndex.get(job.policy)
    const fi = profileIndex.get(job.profile)
    if (pi === undefined) issue(['jobs', i, 'policy'], refMessage('policy', job.policy, policyNames))
    if (fi === undefined) issue(['jobs', i, 'profile'], refMessage('profile', job.profile, profileNames))
    if (pi === undefined || fi === undefined) return
    const prof = s.profiles[fi]
    if (!prof.policies.includes(job.policy)) {
      const listed = prof.policies.length ? `its policies: ${prof.policies.join(', ')}` : 'it has no policies'
      issue(['jobs', i, 'policy'], `${job.policy} is not in ${their(prof.name)} policies (${listed}); jobs reach a profile only through a policy connected to it`)
    }
    if (job.allotment !== undefined && !prof.costField) {
      issue(['jobs', i, 'allotment'], `${prof.name} has a fixed allotment of ${fmt(prof.allotment)}; only a profile with a costField (dynamic capacity) takes a per-job allotment`)
    }
  })
  if (total > MAX_JOBS) issue(['jobs'], `at most ${MAX_JOBS.toLocaleString('en-US')} jobs in all (these entries add up to ${total.toLocaleString('en-US')})`)
}

const poolId = (i: number) => `pool-${i}`
const profileId = (i: number) => `profile-${i}`
const linkId = (profile: number, link: number) => `link-${profile}-${link}`

/**
 * The scenario as the editor's model (ids are `pool-<i>`, `profile-<i>`, `link-<profile>-<link>`), so the editor's
 * rules apply to it. Links to unknown pools are left out; a pool's priority lists the links of the profiles it
 * names, then the other links to it. Policies and jobs are not part of a ResourceDoc.
 */
export function scenarioToResourceDoc(s: AllocationScenario): ResourceDoc {
  const poolIndex = new Map(s.pools.map((p, i) => [p.name, i]))
  const linksTo = s.pools.map(() => [] as { profile: string; id: string }[])
  const profiles = s.profiles.map((prof, i) => {
    const links = prof.links.flatMap((l, j) => {
      const p = poolIndex.get(l.pool)
      if (p === undefined) return []
      linksTo[p].push({ profile: prof.name, id: linkId(i, j) })
      return [{ id: linkId(i, j), name: l.name, pool: poolId(p), queueName: null }]
    })
    return { id: profileId(i), name: prof.name, description: '', allotment: prof.allotment, costField: prof.costField, links, policyOrder: prof.policies.slice() }
  })
  const pools = s.pools.map((pool, i) => {
    const rank = (profile: string) => {
      const r = pool.priority.indexOf(profile)
      return r < 0 ? UNLISTED : r
    }
    const priority = linksTo[i]
      .map((l, order) => ({ ...l, order }))
      .sort((a, b) => rank(a.profile) - rank(b.profile) || a.order - b.order)
      .map((l) => l.id)
    return { id: poolId(i), name: pool.name, description: '', resources: pool.resources, priority }
  })
  return { pools, profiles, layout: {} }
}

/** `profiles[0].links[1].pool` */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`
  return out || 'scenario'
}

/** Most issues a parse error lists (the rest are counted). */
const MAX_ISSUES = 20

/** Validates a parsed JSON value. `error` has one line per problem, each starting with the field's path. */
export function parseScenario(json: unknown): { scenario: AllocationScenario } | { error: string } {
  const r = scenarioSchema.safeParse(json)
  if (r.success) return { scenario: r.data }
  const lines = r.error.issues.slice(0, MAX_ISSUES).map((i) => `${issuePath(i.path)}: ${i.message}`)
  const more = r.error.issues.length - MAX_ISSUES
  if (more > 0) lines.push(`… and ${more} more problem${more === 1 ? '' : 's'}`)
  return { error: lines.join('\n') }
}

// ---------------------------------------------------------------------------------------------------------
// Allocation

export interface Placement {
  policy: string
  profile: string
  /** 1-based within this policy and profile, in queue order. */
  job: number
  /** The pool the job runs on, or null while it stays pending. */
  pool: string | null
  /** Why, in plain words with the figures. */
  why: string
}

export interface AllocationResult {
  placements: Placement[]
}

interface PoolState {
  name: string
  resources: number
  free: number
  /** Profile index → position in the execution priority. */
  rank: Map<number, number>
  /** Heads currently aimed at this pool, largest allotment first (see drain). */
  aimed: Heap<AimEntry>
}

interface PolicyState {
  index: number
  name: string
  reserved: number
  limit: number
  used: number
  pendingSum: number
  pendingCount: number
  /** min(unmet reservation, pending demand) while it has pending jobs, else 0 (rule 4). */
  need: number
}

interface Job {
  number: number
  allotment: number
  pool: number
  why: string
}

interface Queue {
  profile: number
  policy: PolicyState
  /** The policy's position in the profile's policy list. */
  policyRank: number
  links: number[]
  jobs: Job[]
  head: number
  /** Index into `links` of the head's candidate pool (only moves forward for one head). */
  cursor: number
  target: number
  within: boolean
  exec: number
  /** Bumped whenever a new heap entry is pushed for this queue; older entries are stale. */
  version: number
  /** Bumped whenever the head or its target changes; older `aimed` entries are stale. */
  aim: number
  dead: boolean
}

interface StepEntry {
  q: Queue
  version: number
  within: boolean
  exec: number
}

interface AimEntry {
  q: Queue
  aim: number
  allotment: number
}

class Heap<T> {
  private items: T[] = []
  constructor(private readonly before: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.items.length
  }
  peek(): T | undefined {
    return this.items[0]
  }
  push(x: T): void {
    const a = this.items
    a.push(x)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(a[i], a[parent])) break
      const t = a[i]
      a[i] = a[parent]
      a[parent] = t
      i = parent
    }
  }
  pop(): T | undefined {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (a.length && last !== undefined) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && this.before(a[l], a[m])) m = l
        if (r < a.length && this.before(a[r], a[m])) m = r
        if (m === i) break
        const t = a[i]
        a[i] = a[m]
        a[m] = t
        i = m
      }
    }
    return top
  }
}

/** Rule 5: (a) within reservation first, (b) execution priority, (c) policy priority, (d) scenario order. */
function stepBefore(a: StepEntry, b: StepEntry): boolean {
  if (a.within !== b.within) return a.within
  if (a.exec !== b.exec) return a.exec < b.exec
  if (a.q.policyRank !== b.q.policyRank) return a.q.policyRank < b.q.policyRank
  return a.q.profile < b.q.profile
}

function ordinal(n: number): string {
  const tens = n % 100
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')
  return `${n}${suffix}`
}

/** "A, B and C", or the first `max` and "N more". */
function names(items: readonly string[], max = 5): string {
  const shown = items.length > max ? [...items.slice(0, max), `${items.length - max} more`] : items
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`
}

/**
 * Where each job would run now. Expects a valid scenario (parseScenario's output); names it cannot resolve
 * throw. See the rules at the top of this file.
 */
export function allocate(s: AllocationScenario): AllocationResult {
  const poolIndex = new Map(s.pools.map((p, i) => [p.name, i]))
  const profileIndex = new Map(s.profiles.map((p, i) => [p.name, i]))
  const policyIndex = new Map(s.policies.map((p, i) => [p.name, i]))
  const lookup = (m: Map<string, number>, n: string, kind: string) => {
    const i = m.get(n)
    if (i === undefined) throw new Error(`allocate: no ${kind} named "${n}" (validate the scenario with parseScenario first)`)
    return i
  }

  const aimedBefore = (a: AimEntry, b: AimEntry) => a.allotment > b.allotment
  const pools: PoolState[] = s.pools.map((p) => ({ name: p.name, resources: p.resources, free: p.resources - p.inUse, rank: new Map(), aimed: new Heap(aimedBefore) }))
  s.pools.forEach((p, i) => p.priority.forEach((prof, r) => pools[i].rank.set(lookup(profileIndex, prof, 'profile'), r)))
  const policies: PolicyState[] = s.policies.map((p, index) => ({ index, name: p.name, reserved: p.reserved, limit: p.limit, used: p.inUse, pendingSum: 0, pendingCount: 0, need: 0 }))
  const profileLinks = s.profiles.map((p) => p.links.map((l) => lookup(poolIndex, l.pool, 'pool')))
  let totalFree = pools.reduce((sum, p) => sum + p.free, 0)
  /** Sum of `need` over all policies (rule 4's right-hand side is this minus the job's own policy's need). */
  let needed = 0
  /** Bumped whenever a policy's need changes (caches the "held for" wording below). */
  let needsChanged = 0

  const queues = new Map<string, Queue>()
  for (const entry of s.jobs) {
    const fi = lookup(profileIndex, entry.profile, 'profile')
    const pol = policies[lookup(policyIndex, entry.policy, 'policy')]
    const id = `${fi}:${pol.index}`
    let q = queues.get(id)
    if (!q) {
      const policyRank = s.profiles[fi].policies.indexOf(pol.name)
      q = { profile: fi, policy: pol, policyRank: policyRank < 0 ? UNLISTED : policyRank, links: profileLinks[fi], jobs: [], head: 0, cursor: 0, target: -1, within: false, exec: UNLISTED, version: 0, aim: 0, dead: false }
      queues.set(id, q)
    }
    const allotment = entry.allotment ?? s.profiles[fi].allotment
    for (let n = 0; n < entry.count; n++) q.jobs.push({ number: q.jobs.length + 1, allotment, pool: -1, why: '' })
    pol.pendingSum += allotment * entry.count
    pol.pendingCount += entry.count
  }
  const updateNeed = (pol: PolicyState) => {
    const need = pol.pendingCount > 0 ? Math.max(0, Math.min(pol.reserved - pol.used, pol.pendingSum)) : 0
    if (need !== pol.need) needsChanged++
    needed += need - pol.need
    pol.need = need
  }
  for (const pol of policies) updateNeed(pol)
  /** Rule 4's right-hand side for a job of `pol`. */
  const heldForOthers = (pol: PolicyState) => Math.max(0, needed - pol.need)

  /** Re-checks the head (rules 2-4); false, and the queue is dead, when it cannot run in this preview. */
  const evaluate = (q: Queue): boolean => {
    const a = q.jobs[q.head].allotment
    const pol = q.policy
    while (q.cursor < q.links.length && pools[q.links[q.cursor]].free + EPS < a) q.cursor++
    q.within = pol.used + a <= pol.reserved + EPS
    const fits = q.cursor < q.links.length && pol.used + a <= pol.limit + EPS
    if (!fits || (!q.within && totalFree - a + EPS < heldForOthers(pol))) {
      q.dead = true
      return false
    }
    const target = q.links[q.cursor]
    if (target !== q.target) {
      q.target = target
      q.aim++
      pools[target].aimed.push({ q, aim: q.aim, allotment: a })
    }
    q.exec = pools[target].rank.get(q.profile) ?? UNLISTED
    return true
  }

  const steps = new Heap<StepEntry>(stepBefore)
  const schedule = (q: Queue) => {
    q.version++
    steps.push({ q, version: q.version, within: q.within, exec: q.exec })
  }
  const startHead = (q: Queue) => {
    q.cursor = 0
    q.target = -1
    q.aim++
    if (evaluate(q)) schedule(q)
  }
  for (const q of queues.values()) startHead(q)

  let step = 0
  const place = (q: Queue) => {
    const job = q.jobs[q.head]
    const a = job.allotment
    const pol = q.policy
    const t = q.target
    const pool = pools[t]
    const profile = s.profiles[q.profile]
    step++
    const skipped = q.links.slice(0, q.cursor).map((p) => `${pools[p].name} had ${fmt(pools[p].free)} free`)
    const freeBefore = pool.free
    pool.free -= a
    totalFree -= a
    pol.used += a
    pol.pendingSum -= a
    pol.pendingCount--
    updateNeed(pol)
    job.pool = t

    const where = skipped.length
      ? `${names(skipped)}, less than its ${fmt(a)}, so it goes to the next pool in ${their(profile.name)} precedence, ${pool.name}, which had ${fmt(freeBefore)} of ${fmt(pool.resources)} free.`
      : `${pool.name} is the first pool in ${their(profile.name)} precedence and had ${fmt(freeBefore)} of ${fmt(pool.resources)} free for its ${fmt(a)}.`
    let reservation: string
    if (q.within) reservation = `Within ${their(pol.name)} reservation: ${fmt(pol.used)} of its ${fmt(pol.reserved)} reserved in use with this job (limit ${fmt(pol.limit)}).`
    else {
      const held = heldForOthers(pol)
      const guard = held > EPS
        ? `It leaves ${fmt(totalFree)} free in all pools, enough for the ${fmt(held)} still held for the reservations of ${othersInNeed(pol)}.`
        : 'No other policy with pending jobs has an unmet reservation.'
      reservation = `Borrows beyond ${their(pol.name)} reservation: ${fmt(pol.used)} in use with this job, ${fmt(pol.reserved)} reserved, limit ${fmt(pol.limit)}. ${guard}`
    }
    const rank = q.exec === UNLISTED ? `${profile.name} is not in the execution priority of ${pool.name} (so after the profiles listed there)` : `${profile.name} is ${ordinal(q.exec + 1)} in the execution priority of ${pool.name}`
    const order = `Order: ${q.within ? 'jobs within their reservation go first' : 'borrowing jobs go after those within their reservation'}; ${rank}; ${pol.name} is ${ordinal(q.policyRank + 1)} in ${their(profile.name)} policy priority.`
    job.why = `Runs on ${pool.name} (placement #${step}). ${where} ${reservation} ${order}`

    q.head++
    if (q.head < q.jobs.length) startHead(q)
    drain(t)
  }
  /** "Research (4) and Ops (2)": the other policies whose unmet reservations hold resources. */
  const othersCache = new Map<PolicyState, { at: number; text: string }>()
  const othersInNeed = (pol: PolicyState) => {
    const cached = othersCache.get(pol)
    if (cached?.at === needsChanged) return cached.text
    const text = names(policies.filter((p) => p !== pol && p.need > EPS).map((p) => `${p.name} (${fmt(p.need)})`))
    othersCache.set(pol, { at: needsChanged, text })
    return text
  }

  /** The pool's free amount fell: heads aimed at it that no longer fit move on to their next pool (or die). */
  const drain = (t: number) => {
    const pool = pools[t]
    for (let top = pool.aimed.peek(); top && top.allotment > pool.free + EPS; top = pool.aimed.peek()) {
      pool.aimed.pop()
      const q = top.q
      if (q.dead || q.aim !== top.aim || q.head >= q.jobs.length) continue
      if (evaluate(q)) schedule(q)
    }
  }

  for (let e = steps.pop(); e; e = steps.pop()) {
    const q = e.q
    if (q.dead || e.version !== q.version || q.head >= q.jobs.length) continue
    if (!evaluate(q)) continue
    if (q.within !== e.within || q.exec !== e.exec) schedule(q)
    else place(q)
  }

  // Pending: the reason each job cannot run now, from the final state.
  const poolLists = new Map<string, string>()
  const reason = (q: Queue, a: number): string | null => {
    const pol = q.policy
    const profile = s.profiles[q.profile]
    const figures = `${pol.name}: ${fmt(pol.used)} in use, ${fmt(pol.reserved)} reserved, limit ${fmt(pol.limit)}.`
    if (a > pol.limit + EPS) return `it needs ${fmt(a)}, more than ${their(pol.name)} limit of ${fmt(pol.limit)}.`
    if (pol.used + a > pol.limit + EPS) return `${pol.name} has reached its limit: ${fmt(pol.used)} of ${fmt(pol.limit)} in use, and this job needs ${fmt(a)} more.`
    if (!q.links.length) return `${profile.name} is linked to no pool.`
    const fit = q.links.find((p) => pools[p].free + EPS >= a)
    if (fit === undefined) {
      const k = `${q.profile}:${a}`
      let listed = poolLists.get(k)
      if (listed === undefined) {
        listed = names(q.links.map((p) => `${pools[p].name} has ${fmt(pools[p].free)} free${pools[p].resources + EPS < a ? ` (of only ${fmt(pools[p].resources)})` : ''}`))
        poolLists.set(k, listed)
      }
      return `no pool linked to ${profile.name} has ${fmt(a)} free: ${listed}. ${figures}`
    }
    const held = heldForOthers(pol)
    if (pol.used + a > pol.reserved + EPS && totalFree - a + EPS < held) {
      const others = othersInNeed(pol)
      return (
        `${pol.name} uses ${fmt(pol.used)} and has ${fmt(pol.reserved)} reserved, so this job would borrow ${fmt(a)}; ` +
        `${pools[fit].name} has ${fmt(pools[fit].free)} free, but only ${fmt(totalFree)} are free in all pools and ${fmt(held)} of them are held for the unmet reservations of ${others}.`
      )
    }
    return null
  }

  const ordered = [...queues.values()].sort((a, b) => a.policy.index - b.policy.index || a.profile - b.profile)
  const placements: Placement[] = []
  for (const q of ordered) {
    const policy = q.policy.name
    const profile = s.profiles[q.profile].name
    const head = q.jobs[q.head]
    // Jobs behind the head share its state: one reason per allotment.
    const own = new Map<number, string | null>()
    for (const job of q.jobs) {
      if (job.pool >= 0) {
        placements.push({ policy, profile, job: job.number, pool: pools[job.pool].name, why: job.why })
        continue
      }
      let r = own.get(job.allotment)
      if (r === undefined) own.set(job.allotment, (r = reason(q, job.allotment)))
      let why: string
      if (job === head) why = `Pending: ${r ?? 'it cannot run now.'}`
      else {
        why = `Pending: waits behind job ${head.number} of the ${policy} queue of ${profile}, which cannot run now (each queue runs its jobs in order).`
        if (r) why += ` On its own: ${r}`
      }
      placements.push({ policy, profile, job: job.number, pool: null, why })
    }
  }
  return { placements }
}

// ---------------------------------------------------------------------------------------------------------
// Summary (for the UI)

export interface AllocationSummary {
  placed: number
  pending: number
  /** Jobs placed per pool: every pool of `scenario` in its order when given, else the pools placements name. */
  pools: { pool: string; jobs: number }[]
  /** Per policy: every policy of `scenario` in its order when given, else the policies placements name. */
  policies: { policy: string; placed: number; pending: number }[]
}

export function summarize(placements: readonly Placement[], scenario?: AllocationScenario): AllocationSummary {
  const pools = new Map<string, { pool: string; jobs: number }>()
  const policies = new Map<string, { policy: string; placed: number; pending: number }>()
  for (const p of scenario?.pools ?? []) pools.set(p.name, { pool: p.name, jobs: 0 })
  for (const p of scenario?.policies ?? []) policies.set(p.name, { policy: p.name, placed: 0, pending: 0 })
  let placed = 0
  for (const p of placements) {
    let pol = policies.get(p.policy)
    if (!pol) policies.set(p.policy, (pol = { policy: p.policy, placed: 0, pending: 0 }))
    if (p.pool === null) {
      pol.pending++
      continue
    }
    placed++
    pol.placed++
    let pool = pools.get(p.pool)
    if (!pool) pools.set(p.pool, (pool = { pool: p.pool, jobs: 0 }))
    pool.jobs++
  }
  return { placed, pending: placements.length - placed, pools: [...pools.values()], policies: [...policies.values()] }
}
