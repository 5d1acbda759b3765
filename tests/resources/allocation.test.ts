// The allocation preview (shared/domain/allocation.ts): the spec's Example Workflow from its file, each rule,
// the pending reasons, every validation error at its field, a large scenario, and a property test against a
// literal step-by-step implementation of the rules.
import { readFileSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  allocate,
  parseScenario,
  scenarioSchema,
  scenarioToResourceDoc,
  summarize,
  type AllocationScenario,
  type AllocationScenarioInput,
  type Placement
} from '../../shared/domain/allocation.ts'
import { resourceProblems } from '../../shared/domain/resources.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const EXAMPLES = resolve(ROOT, 'examples/resources')

function scenario(input: AllocationScenarioInput): AllocationScenario {
  const r = parseScenario(input)
  if ('error' in r) throw new Error(r.error)
  return r.scenario
}

function fromFile(file: string): AllocationScenario {
  return scenario(JSON.parse(readFileSync(resolve(EXAMPLES, file), 'utf8')))
}

/** "Dev 1 → Pool" per job, in output order. */
const where = (placements: Placement[]) => placements.map((p) => `${p.policy} ${p.profile} ${p.job} → ${p.pool ?? 'pending'}`)
const find = (placements: Placement[], policy: string, profile: string, job: number) => {
  const p = placements.find((x) => x.policy === policy && x.profile === profile && x.job === job)
  if (!p) throw new Error(`no placement for ${policy} ${profile} ${job}`)
  return p
}

function errorOf(input: unknown): string {
  const r = parseScenario(input)
  if (!('error' in r)) throw new Error('expected a validation error')
  return r.error
}

describe('the spec’s Example Workflow (examples/resources/example-workflow.json)', () => {
  const s = fromFile('example-workflow.json')
  const { placements } = allocate(s)

  it('Dev 1–2 on Bare Metal, Research 1–2 on H100, Dev 3–4 and Research 3–4 pending', () => {
    expect(where(placements)).toEqual([
      'Dev 4xGPU 1 → Bare Metal Low END GPUs',
      'Dev 4xGPU 2 → Bare Metal Low END GPUs',
      'Dev 4xGPU 3 → pending',
      'Dev 4xGPU 4 → pending',
      'Research 4xGPU 1 → H100 Half a Superpod',
      'Research 4xGPU 2 → H100 Half a Superpod',
      'Research 4xGPU 3 → pending',
      'Research 4xGPU 4 → pending'
    ])
  })

  it('has the spec’s configuration: pools, the four profiles and H100’s execution priority', () => {
    expect(s.pools.map((p) => [p.name, p.resources, p.inUse])).toEqual([
      ['Bare Metal Low END GPUs', 16, 8],
      ['H100 Half a Superpod', 16, 8]
    ])
    expect(s.profiles.map((p) => [p.name, p.allotment])).toEqual([
      ['0.5xGPU', 0.5],
      ['2xGPU', 2],
      ['4xGPU', 4],
      ['8xGPU', 8]
    ])
    expect(s.pools[1].priority).toEqual(['2xGPU', '4xGPU', '8xGPU', '0.5xGPU'])
    const p4 = s.profiles[2]
    expect(p4.links).toEqual([
      { name: '4 GPU Low End', pool: 'Bare Metal Low END GPUs' },
      { name: '4 GPU H100', pool: 'H100 Half a Superpod' }
    ])
    expect(p4.policies).toEqual(['Dev', 'Research'])
    expect(s.policies).toEqual([
      { name: 'Dev', reserved: 8, limit: 16, inUse: 0 },
      { name: 'Research', reserved: 8, limit: 16, inUse: 0 }
    ])
    // The same configuration is provisionable by the editor's rules.
    expect(resourceProblems(scenarioToResourceDoc(s))).toEqual([])
  })

  it('explains every placement, naming the pool or the reason and the figures', () => {
    for (const p of placements) {
      expect(p.why.trim().length).toBeGreaterThan(20)
      if (p.pool) {
        expect(p.why).toContain(`Runs on ${p.pool}`)
        expect(p.why).toContain(`Within ${p.policy}'s reservation`)
      } else expect(p.why).toMatch(/^Pending: /)
    }
    expect(find(placements, 'Dev', '4xGPU', 1).why).toContain('Bare Metal Low END GPUs is the first pool in 4xGPU\'s precedence and had 8 of 16 free')
    expect(find(placements, 'Dev', '4xGPU', 2).why).toContain('8 of its 8 reserved in use with this job (limit 16)')
    const r1 = find(placements, 'Research', '4xGPU', 1).why
    expect(r1).toContain('Bare Metal Low END GPUs had 0 free, less than its 4, so it goes to the next pool in 4xGPU\'s precedence, H100 Half a Superpod, which had 8 of 16 free')
    expect(r1).toContain('Research is 2nd in 4xGPU\'s policy priority')
    expect(r1).toContain('4xGPU is 2nd in the execution priority of H100 Half a Superpod')
    for (const policy of ['Dev', 'Research']) {
      expect(find(placements, policy, '4xGPU', 3).why).toContain('no pool linked to 4xGPU has 4 free: Bare Metal Low END GPUs has 0 free and H100 Half a Superpod has 0 free')
      expect(find(placements, policy, '4xGPU', 4).why).toContain(`waits behind job 3 of the ${policy} queue of 4xGPU`)
    }
  })

  it('summarize counts per pool and per policy', () => {
    expect(summarize(placements, s)).toEqual({
      placed: 4,
      pending: 4,
      pools: [
        { pool: 'Bare Metal Low END GPUs', jobs: 2 },
        { pool: 'H100 Half a Superpod', jobs: 2 }
      ],
      policies: [
        { policy: 'Dev', placed: 2, pending: 2 },
        { policy: 'Research', placed: 2, pending: 2 }
      ]
    })
    expect(summarize([]).pools).toEqual([])
    expect(summarize(placements).pools.map((p) => p.pool)).toEqual(['Bare Metal Low END GPUs', 'H100 Half a Superpod'])
  })

  it('without Research’s jobs, Dev borrows: all four run (2 on each pool)', () => {
    const only = { ...s, jobs: s.jobs.filter((j) => j.policy === 'Dev') }
    const r = allocate(only).placements
    expect(r.map((p) => p.pool)).toEqual(['Bare Metal Low END GPUs', 'Bare Metal Low END GPUs', 'H100 Half a Superpod', 'H100 Half a Superpod'])
    expect(r[2].why).toContain("Borrows beyond Dev's reservation: 12 in use with this job, 8 reserved, limit 16")
    expect(r[2].why).toContain('No other policy with pending jobs has an unmet reservation')
  })
})

describe('the other example scenarios', () => {
  it('every file in examples/resources parses and allocates', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))
    expect(files.length).toBeGreaterThanOrEqual(2)
    for (const f of files) expect(allocate(fromFile(f)).placements.length).toBeGreaterThan(0)
  })

  it('reservation-guard.json: Dev borrows only what Research’s reservation leaves', () => {
    const r = allocate(fromFile('reservation-guard.json')).placements
    expect(where(r)).toEqual(['Dev Small jobs 1 → Main', 'Dev Small jobs 2 → Main', 'Dev Small jobs 3 → pending', 'Research Big jobs 1 → pending'])
  })

  it('dynamic-capacity.json: per-job allotments, fractions and head-of-line blocking', () => {
    const r = allocate(fromFile('dynamic-capacity.json')).placements
    expect(where(r)).toEqual([
      'Training Per-request GPUs 1 → A100 nodes',
      'Training Per-request GPUs 2 → A100 nodes',
      'Training Per-request GPUs 3 → pending',
      'Training Per-request GPUs 4 → pending',
      'Notebooks Seventh of a GPU 1 → Shared T4',
      'Notebooks Seventh of a GPU 2 → Shared T4',
      'Notebooks Seventh of a GPU 3 → Shared T4',
      'Notebooks Seventh of a GPU 4 → Shared T4',
      'Notebooks Seventh of a GPU 5 → Shared T4',
      'Notebooks Seventh of a GPU 6 → Shared T4',
      'Notebooks Seventh of a GPU 7 → Shared T4',
      'Notebooks Seventh of a GPU 8 → pending'
    ])
  })
})

/** One pool, profiles and policies in compact form for the rule tests. */
const pool = (name: string, resources: number, inUse = 0, priority: string[] = []) => ({ name, resources, inUse, priority })
const profile = (name: string, allotment: number, pools: string[], policies: string[], costField: string | null = null) => ({
  name,
  allotment,
  costField,
  links: pools.map((p) => ({ name: `${name} → ${p}`, pool: p })),
  policies
})
const policy = (name: string, reserved: number, limit: number, inUse = 0) => ({ name, reserved, limit, inUse })
const jobs = (policyName: string, profileName: string, count: number, allotment?: number) => ({ policy: policyName, profile: profileName, count, ...(allotment === undefined ? {} : { allotment }) })

describe('rules', () => {
  it('reservation guarding across two profiles: a borrowing job leaves what another policy’s unmet reservation needs', () => {
    const s = scenario({
      pools: [pool('X', 8, 6), pool('Y', 8, 2)],
      profiles: [profile('R4', 4, ['X'], ['Research']), profile('D2', 2, ['Y'], ['Dev'])],
      policies: [policy('Dev', 0, 16), policy('Research', 8, 16)],
      jobs: [jobs('Research', 'R4', 1), jobs('Dev', 'D2', 3)]
    })
    const r = allocate(s).placements
    expect(where(r)).toEqual(['Dev D2 1 → Y', 'Dev D2 2 → Y', 'Dev D2 3 → pending', 'Research R4 1 → pending'])
    expect(find(r, 'Dev', 'D2', 2).why).toContain('It leaves 4 free in all pools, enough for the 4 still held for the reservations of Research (4)')
    const held = find(r, 'Dev', 'D2', 3).why
    expect(held).toContain('Dev uses 4 and has 0 reserved, so this job would borrow 2')
    expect(held).toContain('Y has 2 free, but only 4 are free in all pools and 4 of them are held for the unmet reservations of Research (4)')
    expect(find(r, 'Research', 'R4', 1).why).toContain('no pool linked to R4 has 4 free: X has 2 free')
    // The guard protects only policies with pending jobs.
    expect(allocate({ ...s, jobs: [jobs('Dev', 'D2', 3)] }).placements.every((p) => p.pool === 'Y')).toBe(true)
  })

  it('jobs within their reservation go before borrowing ones, whatever the execution priority', () => {
    const s = scenario({
      pools: [pool('P', 4, 0, ['A', 'B'])],
      profiles: [profile('A', 2, ['P'], ['Dev']), profile('B', 2, ['P'], ['Research'])],
      policies: [policy('Dev', 0, 8), policy('Research', 4, 8)],
      jobs: [jobs('Dev', 'A', 2), jobs('Research', 'B', 2)]
    })
    expect(where(allocate(s).placements)).toEqual(['Dev A 1 → pending', 'Dev A 2 → pending', 'Research B 1 → P', 'Research B 2 → P'])
  })

  it('limit reached: no job takes its policy over its limit; running jobs (policies[].inUse) count', () => {
    const s = scenario({
      pools: [pool('P', 16)],
      profiles: [profile('Two', 2, ['P'], ['Dev'])],
      policies: [policy('Dev', 0, 6)],
      jobs: [jobs('Dev', 'Two', 5)]
    })
    const r = allocate(s).placements
    expect(r.map((p) => p.pool)).toEqual(['P', 'P', 'P', null, null])
    expect(r[3].why).toBe('Pending: Dev has reached its limit: 6 of 6 in use, and this job needs 2 more.')
    expect(r[4].why).toContain('waits behind job 4 of the Dev queue of Two')
    expect(r[4].why).toContain('On its own: Dev has reached its limit')
    const running = allocate({ ...s, policies: [policy('Dev', 0, 6, 4)] }).placements
    expect(running.map((p) => p.pool)).toEqual(['P', null, null, null, null])
    expect(running[1].why).toContain('6 of 6 in use')
  })

  it('pool execution priority decides between two profiles competing for one pool', () => {
    const make = (priority: string[]) =>
      scenario({
        pools: [pool('P', 4, 0, priority)],
        profiles: [profile('A', 2, ['P'], ['Dev']), profile('B', 2, ['P'], ['Dev'])],
        policies: [policy('Dev', 0, 100)],
        jobs: [jobs('Dev', 'A', 2), jobs('Dev', 'B', 2)]
      })
    expect(where(allocate(make(['B', 'A'])).placements)).toEqual(['Dev A 1 → pending', 'Dev A 2 → pending', 'Dev B 1 → P', 'Dev B 2 → P'])
    expect(where(allocate(make(['A', 'B'])).placements)).toEqual(['Dev A 1 → P', 'Dev A 2 → P', 'Dev B 1 → pending', 'Dev B 2 → pending'])
    // A linked profile missing from the list goes after the listed ones.
    const r = allocate(make(['B'])).placements
    expect(where(r)).toEqual(['Dev A 1 → pending', 'Dev A 2 → pending', 'Dev B 1 → P', 'Dev B 2 → P'])
    expect(find(r, 'Dev', 'B', 1).why).toContain('B is 1st in the execution priority of P')
    // With no list at all, scenario order decides.
    const none = allocate(make([])).placements
    expect(none.map((p) => p.pool)).toEqual(['P', 'P', null, null])
    expect(none[0].why).toContain('A is not in the execution priority of P (so after the profiles listed there)')
  })

  it('the policy order within a profile decides between policies', () => {
    const make = (order: string[]) =>
      scenario({
        pools: [pool('P', 4)],
        profiles: [profile('A', 2, ['P'], order)],
        policies: [policy('Dev', 0, 100), policy('Research', 0, 100)],
        jobs: [jobs('Dev', 'A', 2), jobs('Research', 'A', 2)]
      })
    expect(where(allocate(make(['Research', 'Dev'])).placements)).toEqual(['Dev A 1 → pending', 'Dev A 2 → pending', 'Research A 1 → P', 'Research A 2 → P'])
    expect(where(allocate(make(['Dev', 'Research'])).placements)).toEqual(['Dev A 1 → P', 'Dev A 2 → P', 'Research A 1 → pending', 'Research A 2 → pending'])
  })

  it('pool precedence: a job falls through to the first linked pool with enough free', () => {
    const s = scenario({
      pools: [pool('P1', 4, 3), pool('P2', 4, 4), pool('P3', 8), pool('P4', 8)],
      profiles: [profile('Two', 2, ['P1', 'P2', 'P3', 'P4'], ['Dev'])],
      policies: [policy('Dev', 0, 100)],
      jobs: [jobs('Dev', 'Two', 6)]
    })
    const r = allocate(s).placements
    expect(r.map((p) => p.pool)).toEqual(['P3', 'P3', 'P3', 'P3', 'P4', 'P4'])
    expect(r[0].why).toContain('P1 had 1 free and P2 had 0 free, less than its 2, so it goes to the next pool in Two\'s precedence, P3, which had 8 of 8 free')
    expect(r[4].why).toContain('P1 had 1 free, P2 had 0 free and P3 had 0 free')
  })

  it('fractional allotments: 7 jobs of 1/7 fill 1 resource exactly; the 8th waits', () => {
    const s = scenario({
      pools: [pool('One', 1)],
      profiles: [profile('Seventh', 1 / 7, ['One'], ['Dev'])],
      policies: [policy('Dev', 1, 1)],
      jobs: [jobs('Dev', 'Seventh', 8)]
    })
    const r = allocate(s).placements
    expect(r.filter((p) => p.pool === 'One')).toHaveLength(7)
    for (const p of r.slice(0, 7)) expect(p.why).toContain("Within Dev's reservation")
    expect(r[6].why).toContain('1 of its 1 reserved in use with this job')
    expect(r[7].pool).toBeNull()
    expect(r[7].why).toContain('Dev has reached its limit: 1 of 1 in use, and this job needs 0.143 more')
    // With a larger limit, the pool is what stops the 8th.
    const r2 = allocate({ ...s, policies: [policy('Dev', 1, 2)] }).placements
    expect(r2[7].why).toContain('no pool linked to Seventh has 0.143 free: One has 0 free')
  })

  it('dynamic capacity: jobs state their own allotment; a head that cannot run blocks the queue', () => {
    const s = scenario({
      pools: [pool('P', 8)],
      profiles: [profile('Dyn', 1, ['P'], ['Dev'], 'runtime.gpus_request')],
      policies: [policy('Dev', 0, 100)],
      jobs: [jobs('Dev', 'Dyn', 1, 6), jobs('Dev', 'Dyn', 2), jobs('Dev', 'Dyn', 1, 3), jobs('Dev', 'Dyn', 1, 0.5)]
    })
    const r = allocate(s).placements
    expect(r.map((p) => p.pool)).toEqual(['P', 'P', 'P', null, null])
    expect(r[0].why).toContain('had 8 of 8 free for its 6')
    expect(r[3].why).toBe('Pending: no pool linked to Dyn has 3 free: P has 0 free. Dev: 8 in use, 0 reserved, limit 100.')
    // Bigger than any pool: pending with the pool's size; the small job behind it waits although it would fit.
    const big = allocate({ ...s, jobs: [jobs('Dev', 'Dyn', 1, 12), jobs('Dev', 'Dyn', 1)] }).placements
    expect(big.map((p) => p.pool)).toEqual([null, null])
    expect(big[0].why).toContain('P has 8 free (of only 8)')
    expect(big[1].why).toBe('Pending: waits behind job 1 of the Dev queue of Dyn, which cannot run now (each queue runs its jobs in order).')
    // More than the policy's limit.
    const over = allocate({ ...s, policies: [policy('Dev', 0, 4)], jobs: [jobs('Dev', 'Dyn', 1, 6)] }).placements
    expect(over[0].why).toBe("Pending: it needs 6, more than Dev's limit of 4.")
  })

  it('a profile linked to no pool keeps its jobs pending', () => {
    const s = scenario({ pools: [], profiles: [profile('Lonely', 1, [], ['Dev'])], policies: [policy('Dev', 0, 4)], jobs: [jobs('Dev', 'Lonely', 1)] })
    expect(allocate(s).placements).toEqual([{ policy: 'Dev', profile: 'Lonely', job: 1, pool: null, why: 'Pending: Lonely is linked to no pool.' }])
  })

  it('output order: policy, then profile (scenario order), then job number; jobs of one pair number on', () => {
    const s = scenario({
      pools: [pool('P', 100)],
      profiles: [profile('A', 1, ['P'], ['Dev', 'Ops']), profile('B', 1, ['P'], ['Ops', 'Dev'])],
      policies: [policy('Ops', 0, 100), policy('Dev', 0, 100)],
      jobs: [jobs('Dev', 'B', 1), jobs('Dev', 'A', 2), jobs('Ops', 'A', 1), jobs('Dev', 'B', 1), jobs('Ops', 'B', 1)]
    })
    expect(allocate(s).placements.map((p) => `${p.policy} ${p.profile} ${p.job}`)).toEqual(['Ops A 1', 'Ops B 1', 'Dev A 1', 'Dev A 2', 'Dev B 1', 'Dev B 2'])
  })

  it('allocate throws on names it cannot resolve (it expects parseScenario’s output)', () => {
    const s = scenario({ pools: [pool('P', 1)], profiles: [profile('A', 1, ['P'], ['Dev'])], policies: [policy('Dev', 0, 1)], jobs: [] })
    expect(() => allocate({ ...s, jobs: [{ policy: 'Nope', profile: 'A', count: 1 }] })).toThrow(/no policy named "Nope"/)
  })
})

describe('validation: each error names its field', () => {
  const base = (): AllocationScenarioInput => ({
    pools: [pool('Bare Metal', 16, 8, ['4xGPU']), pool('H100', 16, 8, ['4xGPU'])],
    profiles: [
      {
        name: '4xGPU',
        allotment: 4,
        links: [
          { name: '4 GPU Low End', pool: 'Bare Metal' },
          { name: '4 GPU H100', pool: 'H100' }
        ],
        policies: ['Dev', 'Research']
      }
    ],
    policies: [
      { name: 'Dev', reserved: 8, limit: 16 },
      { name: 'Research', reserved: 8, limit: 16 }
    ],
    jobs: [{ policy: 'Dev', profile: '4xGPU', count: 4 }]
  })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case edits a different part of the input
  type Edit = (s: any) => unknown
  const withChange = (change: Edit) => {
    const s = base()
    change(s)
    return errorOf(s)
  }

  it('the base scenario is valid, with defaults filled in', () => {
    const r = parseScenario(base())
    expect('scenario' in r && r.scenario.policies[0].inUse).toBe(0)
    expect('scenario' in r && r.scenario.profiles[0].costField).toBeNull()
  })

  const cases: [string, Edit, string][] = [
    ['unknown pool in a link', (s) => (s.profiles[0].links[1].pool = 'H200'), 'profiles[0].links[1].pool: no pool named "H200"'],
    ['near miss in case', (s) => (s.profiles[0].links[1].pool = 'h100'), 'profiles[0].links[1].pool: no pool named "h100" (did you mean "H100"?)'],
    ['unknown profile in a pool priority', (s) => s.pools[0].priority.push('9xGPU'), 'pools[0].priority[1]: no profile named "9xGPU"'],
    ['unknown policy in a profile', (s) => s.profiles[0].policies.push('Ops'), 'profiles[0].policies[2]: no policy named "Ops"'],
    ['unknown policy in a job', (s) => (s.jobs[0].policy = 'Ops'), 'jobs[0].policy: no policy named "Ops"'],
    ['unknown profile in a job', (s) => (s.jobs[0].profile = '3xGPU'), 'jobs[0].profile: no profile named "3xGPU"'],
    ['duplicate pool name', (s) => (s.pools[1].name = 'bare metal'), 'pools[1].name: duplicate pool name "bare metal" (also pools[0]'],
    ['duplicate profile name', (s) => s.profiles.push({ ...s.profiles[0], links: [], policies: [] }), 'profiles[1].name: duplicate profile name "4xGPU"'],
    ['duplicate policy name', (s) => s.policies.push({ name: 'Dev', reserved: 0, limit: 1 }), 'policies[2].name: duplicate policy name "Dev"'],
    [
      'duplicate link name',
      (s) => s.profiles.push({ name: '2xGPU', allotment: 2, links: [{ name: '4 GPU H100', pool: 'H100' }], policies: [] }),
      'profiles[1].links[0].name: duplicate link name "4 GPU H100" (also profiles[0].links[1]'
    ],
    ['profile linked twice to a pool', (s) => (s.profiles[0].links[1].pool = 'Bare Metal'), 'profiles[0].links[1].pool: 4xGPU is already linked to Bare Metal'],
    ['allotment larger than the pool', (s) => {
        s.pools[1].resources = 2
        s.pools[1].inUse = 0
      }, 'profiles[0].links[1].pool: 4xGPU needs 4 resources per job; H100 has only 2'],
    ['job policy not connected to its profile', (s) => {
        s.policies.push({ name: 'Ops', reserved: 0, limit: 4 })
        s.jobs[0].policy = 'Ops'
      }, "jobs[0].policy: Ops is not in 4xGPU's policies (its policies: Dev, Research)"],
    [
      'pool priority naming an unlinked profile',
      (s) => {
        s.profiles.push({ name: '8xGPU', allotment: 8, links: [{ name: '8 GPU H100', pool: 'H100' }], policies: [] })
        s.pools[0].priority.push('8xGPU')
      },
      'pools[0].priority[1]: 8xGPU is not linked to Bare Metal'
    ],
    ['profile listed twice in a priority', (s) => s.pools[0].priority.push('4xGPU'), "pools[0].priority[1]: 4xGPU is listed twice in the execution priority of Bare Metal"],
    ['policy listed twice in a profile', (s) => s.profiles[0].policies.push('Dev'), "profiles[0].policies[2]: Dev is listed twice in 4xGPU's policies"],
    ['profile allotment over a policy limit', (s) => {
        s.policies[1].limit = 2
        s.policies[1].reserved = 0
      }, "profiles[0].policies[1]: 4xGPU needs 4 resources per job, more than Research's limit of 2"],
    ['resources 0', (s) => (s.pools[0].resources = 0), 'pools[0].resources: The number of resources must be a whole number of at least 1'],
    ['fractional resources', (s) => (s.pools[0].resources = 16.5), 'pools[0].resources: The number of resources must be a whole number'],
    ['resources not a number', (s) => (s.pools[0].resources = '16'), 'pools[0].resources: The number of resources must be a number'],
    ['resources missing', (s) => delete s.pools[0].resources, 'pools[0].resources: The number of resources is required'],
    ['pool inUse over resources', (s) => (s.pools[0].inUse = 17), 'pools[0].inUse: 17 resources in use, but the pool has only 16'],
    ['negative pool inUse', (s) => (s.pools[0].inUse = -1), 'pools[0].inUse: The resources in use must be at least 0'],
    ['allotment 0', (s) => (s.profiles[0].allotment = 0), 'profiles[0].allotment: The resource allotment must be greater than 0'],
    ['negative allotment', (s) => (s.profiles[0].allotment = -2), 'profiles[0].allotment: The resource allotment must be greater than 0'],
    ['negative reservation', (s) => (s.policies[0].reserved = -1), 'policies[0].reserved: The reservation must be at least 0'],
    ['limit 0', (s) => {
        s.policies[0].limit = 0
        s.policies[0].reserved = 0
      }, 'policies[0].limit: The limit must be greater than 0'],
    ['reservation over the limit', (s) => (s.policies[0].reserved = 20), 'policies[0].reserved: The reservation (20) must not exceed the limit (16)'],
    ['negative policy inUse', (s) => (s.policies[0].inUse = -4), 'policies[0].inUse: The resources in use must be at least 0'],
    ['count 0', (s) => (s.jobs[0].count = 0), 'jobs[0].count: The job count must be at least 1'],
    ['fractional count', (s) => (s.jobs[0].count = 1.5), 'jobs[0].count: The job count must be a whole number'],
    ['count too large', (s) => (s.jobs[0].count = 100_001), 'jobs[0].count: The job count must be at most 100,000'],
    ['per-job allotment on a fixed profile', (s) => (s.jobs[0].allotment = 2), "jobs[0].allotment: 4xGPU has a fixed allotment of 4; only a profile with a costField"],
    ['per-job allotment 0', (s) => {
        s.profiles[0].costField = 'runtime.gpus'
        s.jobs[0].allotment = 0
      }, 'jobs[0].allotment: The resource allotment must be greater than 0'],
    ['bad cost field', (s) => (s.profiles[0].costField = 'gpus'), 'profiles[0].costField: The parameter must start with runtime., hyperparams. or configuration.'],
    ['empty name', (s) => (s.policies[0].name = '  '), 'policies[0].name: The policy name is required'],
    ['control character in a name', (s) => (s.pools[0].name = 'Bare\nMetal'), 'pools[0].name: The pool name contains a control character'],
    ['unknown key', (s) => (s.pools[0].inuse = 3), 'pools[0]: Unrecognized key: "inuse"'],
    ['missing list', (s) => delete s.jobs, 'jobs: jobs is required'],
    ['not a list', (s) => (s.pools = {}), 'pools: pools must be a list'],
    ['too many jobs in all', (s) => (s.jobs = Array.from({ length: 11 }, () => ({ policy: 'Dev', profile: '4xGPU', count: 100_000 }))), 'jobs: at most 1,000,000 jobs in all (these entries add up to 1,100,000)']
  ]
  it.each(cases)('%s', (_label, change, expected) => {
    expect(withChange(change)).toContain(expected)
  })

  it('not an object', () => {
    expect(errorOf(42)).toBe('scenario: A scenario must be a JSON object with pools, profiles, policies and jobs')
    expect(errorOf([])).toMatch(/^scenario: /)
  })

  it('many problems: one line each, then a count', () => {
    const s = base()
    s.jobs = Array.from({ length: 30 }, (_, i) => ({ policy: `P${i}`, profile: '4xGPU', count: 1 }))
    const lines = errorOf(s).split('\n')
    expect(lines).toHaveLength(21)
    expect(lines[0]).toBe('jobs[0].policy: no policy named "P0"')
    expect(lines[20]).toBe('… and 10 more problems')
  })

  it('scenarioSchema is the zod schema behind parseScenario', () => {
    expect(scenarioSchema.safeParse(base()).success).toBe(true)
  })
})

describe('scale', () => {
  it('300 pools, 1000 profiles, 50 policies and 10,000 jobs', () => {
    const pools = Array.from({ length: 300 }, (_, i) => pool(`pool ${i}`, 8 + (i % 9), i % 5))
    const policies = Array.from({ length: 50 }, (_, i) => policy(`policy ${i}`, i % 4 === 0 ? 0 : 8 * (i % 7), 64 + (i % 13) * 8))
    const allotments = [0.5, 1, 2, 4, 8, 1 / 7]
    const profiles = Array.from({ length: 1000 }, (_, i) => {
      const links = [0, 1, 2].map((k) => `pool ${(i * 7 + k * 101) % 300}`)
      const pols = [0, 1, 2, 3, 4].map((k) => `policy ${(i + k * 11) % 50}`)
      return profile(`profile ${i}`, allotments[i % allotments.length], links, pols)
    })
    for (const p of pools) p.priority = profiles.filter((f) => f.links.some((l) => l.pool === p.name)).map((f) => f.name).reverse()
    const jobList = Array.from({ length: 2000 }, (_, i) => jobs(profiles[(i * 13) % 1000].policies[i % 5], `profile ${(i * 13) % 1000}`, 5))
    const s = scenario({ pools, profiles, policies, jobs: jobList })
    const { placements } = allocate(s)
    expect(placements).toHaveLength(10_000)
    const sum = summarize(placements, s)
    expect(sum.placed).toBeGreaterThan(100)
    expect(sum.pending).toBeGreaterThan(100)
    checkInvariants(s, placements)
  })
})

// ---------------------------------------------------------------------------------------------------------
// A literal implementation of the rules (one full scan per step), to check allocate()'s heaps against.

function reference(s: AllocationScenario): Map<string, string | null> {
  const EPS = 1e-9
  const free = new Map(s.pools.map((p) => [p.name, p.resources - p.inUse]))
  const used = new Map(s.policies.map((p) => [p.name, p.inUse]))
  const pol = new Map(s.policies.map((p) => [p.name, p]))
  const prof = new Map(s.profiles.map((p) => [p.name, p]))
  type Q = { profile: string; policy: string; jobs: { n: number; a: number }[] }
  const queues: Q[] = []
  for (const e of s.jobs) {
    let q = queues.find((x) => x.profile === e.profile && x.policy === e.policy)
    if (!q) queues.push((q = { profile: e.profile, policy: e.policy, jobs: [] }))
    for (let i = 0; i < e.count; i++) q.jobs.push({ n: q.jobs.length + 1, a: e.allotment ?? prof.get(e.profile)!.allotment })
  }
  const out = new Map<string, string | null>()
  for (const q of queues) for (const j of q.jobs) out.set(`${q.policy}/${q.profile}/${j.n}`, null)
  const pendingOf = (policy: string) => queues.filter((q) => q.policy === policy).flatMap((q) => q.jobs)
  for (;;) {
    const totalFree = [...free.values()].reduce((a, b) => a + b, 0)
    let best: { q: Q; key: number[]; pool: string } | null = null
    for (const q of queues) {
      const job = q.jobs[0]
      if (!job) continue
      const p = pol.get(q.policy)!
      const u = used.get(q.policy)!
      if (u + job.a > p.limit + EPS) continue
      const pool = prof.get(q.profile)!.links.map((l) => l.pool).find((name) => free.get(name)! + EPS >= job.a)
      if (!pool) continue
      const within = u + job.a <= p.reserved + EPS
      if (!within) {
        let held = 0
        for (const other of s.policies) {
          if (other.name === q.policy) continue
          const pending = pendingOf(other.name)
          if (!pending.length) continue
          held += Math.max(0, Math.min(other.reserved - used.get(other.name)!, pending.reduce((a, j) => a + j.a, 0)))
        }
        if (totalFree - job.a + EPS < held) continue
      }
      const rank = s.pools.find((x) => x.name === pool)!.priority.indexOf(q.profile)
      const key = [within ? 0 : 1, rank < 0 ? Number.MAX_SAFE_INTEGER : rank, prof.get(q.profile)!.policies.indexOf(q.policy), s.profiles.findIndex((x) => x.name === q.profile)]
      const less = (a: number[], b: number[]) => {
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i]
        return false
      }
      if (!best || less(key, best.key)) best = { q, key, pool }
    }
    if (!best) return out
    const job = best.q.jobs.shift()!
    free.set(best.pool, free.get(best.pool)! - job.a)
    used.set(best.q.policy, used.get(best.q.policy)! + job.a)
    out.set(`${best.q.policy}/${best.q.profile}/${job.n}`, best.pool)
  }
}

function checkInvariants(s: AllocationScenario, placements: Placement[]): void {
  const allot = new Map<string, number[]>()
  for (const e of s.jobs) {
    const k = `${e.policy}/${e.profile}`
    const list = allot.get(k) ?? []
    for (let i = 0; i < e.count; i++) list.push(e.allotment ?? s.profiles.find((p) => p.name === e.profile)!.allotment)
    allot.set(k, list)
  }
  const poolUse = new Map(s.pools.map((p) => [p.name, p.inUse]))
  const policyUse = new Map(s.policies.map((p) => [p.name, p.inUse]))
  const pendingSeen = new Set<string>()
  for (const p of placements) {
    const a = allot.get(`${p.policy}/${p.profile}`)![p.job - 1]
    expect(p.why.length).toBeGreaterThan(10)
    if (p.pool === null) {
      expect(p.why).toMatch(/^Pending: /)
      expect(p.why).not.toBe('Pending: it cannot run now.')
      pendingSeen.add(`${p.policy}/${p.profile}`)
      continue
    }
    // FIFO: nothing placed after a pending job of the same queue.
    expect(pendingSeen.has(`${p.policy}/${p.profile}`)).toBe(false)
    poolUse.set(p.pool, poolUse.get(p.pool)! + a)
    policyUse.set(p.policy, policyUse.get(p.policy)! + a)
  }
  for (const p of s.pools) expect(poolUse.get(p.name)!).toBeLessThanOrEqual(p.resources + 1e-6)
  for (const p of s.policies) if (policyUse.get(p.name)! > p.inUse) expect(policyUse.get(p.name)!).toBeLessThanOrEqual(p.limit + 1e-6)
}

describe('allocate() equals a literal step-by-step scan of the rules', () => {
  const arbScenario = fc
    .record({
      pools: fc.array(fc.record({ resources: fc.integer({ min: 1, max: 12 }), busy: fc.integer({ min: 0, max: 12 }), priority: fc.array(fc.nat(5), { maxLength: 6 }) }), { minLength: 1, maxLength: 4 }),
      profiles: fc.array(
        fc.record({
          allotment: fc.constantFrom(0.5, 1, 2, 3, 4, 1 / 7, 1 / 3),
          dynamic: fc.boolean(),
          links: fc.array(fc.nat(3), { minLength: 1, maxLength: 4 }),
          policies: fc.array(fc.nat(3), { minLength: 1, maxLength: 4 })
        }),
        { minLength: 1, maxLength: 5 }
      ),
      policies: fc.array(fc.record({ reserved: fc.integer({ min: 0, max: 10 }), extra: fc.integer({ min: 1, max: 10 }), inUse: fc.integer({ min: 0, max: 4 }) }), { minLength: 1, maxLength: 4 }),
      jobs: fc.array(fc.record({ profile: fc.nat(4), policy: fc.nat(3), count: fc.integer({ min: 1, max: 5 }), allotment: fc.option(fc.constantFrom(0.5, 1, 2, 5, 1 / 7), { nil: undefined }) }), { maxLength: 8 })
    })
    .map((r) => {
      const pools = r.pools.map((p, i) => ({ name: `pool${i}`, resources: p.resources, inUse: Math.min(p.busy, p.resources), priority: [] as string[] }))
      const policies = r.policies.map((p, i) => ({ name: `pol${i}`, reserved: p.reserved, limit: p.reserved + p.extra, inUse: p.inUse }))
      const profiles = r.profiles.map((p, i) => {
        const linkPools = [...new Set(p.links.map((l) => l % pools.length))].filter((l) => p.dynamic || pools[l].resources >= p.allotment)
        const pols = [...new Set(p.policies.map((x) => x % policies.length))].filter((x) => p.dynamic || policies[x].limit >= p.allotment)
        return { name: `prof${i}`, allotment: p.allotment, costField: p.dynamic ? 'runtime.gpus' : null, links: linkPools.map((l) => ({ name: `prof${i}-pool${l}`, pool: `pool${l}` })), policies: pols.map((x) => `pol${x}`) }
      })
      r.pools.forEach((p, i) => {
        const linked = profiles.filter((f) => f.links.some((l) => l.pool === `pool${i}`)).map((f) => f.name)
        pools[i].priority = [...new Set(p.priority.map((k) => `prof${k}`))].filter((n) => linked.includes(n))
      })
      const jobList = r.jobs.flatMap((j) => {
        const f = profiles[j.profile % profiles.length]
        if (!f.policies.length) return []
        return [{ policy: f.policies[j.policy % f.policies.length], profile: f.name, count: j.count, ...(f.costField && j.allotment !== undefined ? { allotment: j.allotment } : {}) }]
      })
      return { pools, profiles, policies, jobs: jobList }
    })

  it('on random scenarios', () => {
    fc.assert(
      fc.property(arbScenario, (input) => {
        const s = scenario(input)
        const { placements } = allocate(s)
        const expected = reference(s)
        expect(placements).toHaveLength(expected.size)
        for (const p of placements) expect([`${p.policy}/${p.profile}/${p.job}`, p.pool]).toEqual([`${p.policy}/${p.profile}/${p.job}`, expected.get(`${p.policy}/${p.profile}/${p.job}`)])
        checkInvariants(s, placements)
      }),
      { numRuns: 400, seed: 20260701 }
    )
  })
})
