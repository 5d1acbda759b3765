// The figures and the allocation scenario behind the policies, utilisation and allocation panels
// (renderer/src/features/resources/policies/{figures,scenario}.ts), and the usage bar.
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import type { PolicyDetails, PolicyInfo, ResourceDoc, ResourceLive } from '@shared/api'
import { allocate, parseScenario } from '@shared/domain/allocation'
import { pendingJobs, queuedByConnection } from '../../renderer/src/features/resources/policies/figures'
import { buildScenario, connectionPairs, queuedJobs } from '../../renderer/src/features/resources/policies/scenario'
import UsageBar from '../../renderer/src/features/resources/policies/UsageBar.vue'

/** The spec's Example Workflow as the console reads it from the demo seed. */
function demo() {
  const link = (id: string, name: string, pool: string) => ({ id, name, pool, queueName: `q-${id}` })
  const doc: ResourceDoc = {
    pools: [
      { id: 'bm', name: 'Bare Metal Low END GPUs', description: '', resources: 16, priority: ['l4bm', 'l8bm'] },
      { id: 'h1', name: 'H100 Half a Superpod', description: '', resources: 16, priority: ['l2h', 'l4h', 'l8h', 'l05h'] },
      { id: 'aws', name: 'AWS Autoscaler', description: '', resources: 32, priority: ['l05a', 'l2a'] }
    ],
    profiles: [
      { id: 'p05', name: '0.5xGPU', description: '', allotment: 0.5, costField: null, links: [link('l05h', '0.5 GPU H100', 'h1'), link('l05a', '0.5 GPU AWS', 'aws')], policyOrder: [] },
      { id: 'p2', name: '2xGPU', description: '', allotment: 2, costField: null, links: [link('l2h', '2 GPU H100', 'h1'), link('l2a', '2 GPU AWS', 'aws')], policyOrder: [] },
      { id: 'p4', name: '4xGPU', description: '', allotment: 4, costField: null, links: [link('l4bm', '4 GPU Low End', 'bm'), link('l4h', '4 GPU H100', 'h1')], policyOrder: ['qdev', 'qres'] },
      { id: 'p8', name: '8xGPU', description: '', allotment: 8, costField: null, links: [link('l8h', '8 GPU H100', 'h1'), link('l8bm', '8 GPU Low End', 'bm')], policyOrder: [] }
    ],
    layout: {}
  }
  const live: ResourceLive = {
    pools: { bm: { usage: 8, updated: null, updatedBy: null }, h1: { usage: 8, updated: null, updatedBy: null }, aws: { usage: 32, updated: null, updatedBy: null } },
    profiles: {
      p4: {
        queued: 8,
        running: 0,
        updated: null,
        updatedBy: null,
        policies: [
          { id: 'qdev', name: 'dev_team_4xgpu', displayName: null, policyName: 'Dev Team' },
          { id: 'qres', name: 'research_team_4xgpu', displayName: null, policyName: 'Research Team' }
        ]
      }
    }
  }
  const info = (id: string, name: string): PolicyInfo => ({ id, name, description: '', reservation: 8, limit: 16, usage: 0, userGroup: `g-${id}`, userGroupName: `Group ${id}`, missingProfileConnections: false })
  const policies = [info('dev', 'Dev Team'), info('res', 'Research Team')]
  const details = (p: PolicyInfo, queue: string): PolicyDetails => ({
    ...p,
    // The profile's figures count every policy's jobs: 8 queued in all.
    profiles: [{ profileId: 'p4', profileName: '4xGPU', allotment: 4, costField: null, queued: 8, running: 0, pools: ['Bare Metal Low END GPUs', 'H100 Half a Superpod'], queue: { id: queue, name: queue, displayName: null } }],
    tasks: [1, 2, 3, 4].map((n) => ({ id: `${p.id}-${n}`, name: `${p.name} ${n}`, status: 'queued', type: 'training', started: null, cost: 4, project: null, user: null })),
    members: []
  })
  const map = new Map([
    ['dev', details(policies[0], 'qdev')],
    ['res', details(policies[1], 'qres')]
  ])
  return { doc, live, policies, details: map }
}

describe('policy figures', () => {
  it('counts a policy’s pending jobs from its queued tasks, not the profile-wide figures', () => {
    const { details } = demo()
    const dev = details.get('dev')!
    expect(pendingJobs(dev)).toBe(4)
    expect(queuedByConnection(dev).get('qdev')).toEqual({ count: 4, costs: [4, 4, 4, 4], exact: true })
  })

  it('splits queued tasks over several connections by their cost, and says when it had to guess', () => {
    const { details } = demo()
    const dev = details.get('dev')!
    const two: PolicyDetails = {
      ...dev,
      profiles: [...dev.profiles, { ...dev.profiles[0], profileId: 'p2', profileName: '2xGPU', allotment: 2, queue: { id: 'q2', name: 'q2', displayName: null } }],
      tasks: [...dev.tasks, { ...dev.tasks[0], id: 'x', cost: 2 }, { ...dev.tasks[0], id: 'y', cost: 3 }]
    }
    const split = queuedByConnection(two)
    expect(split.get('q2')).toMatchObject({ count: 1, exact: true })
    expect(split.get('qdev')).toMatchObject({ count: 5, exact: false })
  })
})

describe('allocation scenario', () => {
  it('reproduces the spec’s Example Workflow from the server’s queued jobs', () => {
    const d = demo()
    const jobs = queuedJobs(d.policies, d.details)
    expect(jobs).toEqual([
      { policyId: 'dev', profileId: 'p4', count: 4 },
      { policyId: 'res', profileId: 'p4', count: 4 }
    ])
    const built = buildScenario({ ...d, jobs })
    expect(built.notes).toEqual([])
    const parsed = parseScenario(built.scenario)
    if (!('scenario' in parsed)) throw new Error(parsed.error)
    expect(parsed.scenario.pools.map((p) => [p.name, p.inUse, p.priority])).toEqual([
      ['Bare Metal Low END GPUs', 8, ['4xGPU', '8xGPU']],
      ['H100 Half a Superpod', 8, ['2xGPU', '4xGPU', '8xGPU', '0.5xGPU']],
      ['AWS Autoscaler', 32, ['0.5xGPU', '2xGPU']]
    ])
    expect(parsed.scenario.profiles.find((p) => p.name === '4xGPU')?.policies).toEqual(['Dev Team', 'Research Team'])
    const where = allocate(parsed.scenario).placements.map((p) => `${p.policy} ${p.job}: ${p.pool ?? 'pending'}`)
    expect(where).toEqual([
      'Dev Team 1: Bare Metal Low END GPUs',
      'Dev Team 2: Bare Metal Low END GPUs',
      'Dev Team 3: pending',
      'Dev Team 4: pending',
      'Research Team 1: H100 Half a Superpod',
      'Research Team 2: H100 Half a Superpod',
      'Research Team 3: pending',
      'Research Team 4: pending'
    ])
  })

  it('leaves out what a draft no longer has, and says so', () => {
    const d = demo()
    const doc = { ...d.doc, profiles: d.doc.profiles.filter((p) => p.id !== 'p4'), pools: d.doc.pools.map((p) => ({ ...p, priority: p.priority.filter((l) => !l.startsWith('l4')) })) }
    expect(connectionPairs(doc, d.policies, d.details)).toEqual([])
    const built = buildScenario({ ...d, doc, jobs: queuedJobs(d.policies, d.details) })
    expect(built.scenario.jobs).toEqual([])
    expect(built.notes).toEqual(['8 jobs are left out: their profile is not in this configuration.'])
    expect('scenario' in parseScenario(built.scenario)).toBe(true)
  })

  it('counts a pool that uses more than a draft gives it as full', () => {
    const d = demo()
    const doc = { ...d.doc, pools: d.doc.pools.map((p) => (p.id === 'bm' ? { ...p, resources: 4 } : p)) }
    const built = buildScenario({ ...d, doc, jobs: [] })
    expect(built.scenario.pools[0]).toMatchObject({ resources: 4, inUse: 4 })
    expect(built.notes[0]).toContain('counted as full')
  })

  it('takes the jobs an admin enters, merged per queue', () => {
    const d = demo()
    const built = buildScenario({ ...d, jobs: [{ policyId: 'res', profileId: 'p4', count: 2 }, { policyId: 'res', profileId: 'p4', count: 1 }, { policyId: 'dev', profileId: 'p8', count: 1 }] })
    expect(built.scenario.jobs).toEqual([{ policy: 'Research Team', profile: '4xGPU', count: 3 }])
    expect(built.notes).toEqual(['1 job is left out: their policy is not connected to their profile.'])
  })
})

describe('UsageBar', () => {
  it('shows use within the reservation, what is borrowed beyond it, and says so to assistive technology', () => {
    const w = mount(UsageBar, { props: { used: 12, max: 16, reserved: 8, label: 'Dev Team usage' } })
    const fills = w.findAll('.fill')
    expect(fills[0].attributes('style')).toContain('width: 50%')
    expect(fills[1].attributes('style')).toContain('width: 25%')
    expect(w.find('.marker').attributes('style')).toContain('left: 50%')
    expect(w.attributes('aria-label')).toBe('Dev Team usage: 12 of 16 in use, reservation 8, 4 borrowed beyond the reservation')
  })
})
