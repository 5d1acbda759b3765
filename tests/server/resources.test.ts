import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MAX_BODY } from '../../server/src/app'
import { type RunningServer, type SeedInfo, type SeedResources, USERS_GROUP_ID, endpointRegistry, startServer } from '../../server/src/index'
import { ResourceStore } from '../../server/src/resources-store'
import { ENTERPRISE_CATALOG, checkAgainstCatalog } from './catalog'
import { call, expectCode } from './helpers'

/**
 * Enterprise resource configuration and resource policies (clearml-enterprise-api.md §1.4; the catalog entries
 * resources.* of ../shared/clearml-endpoints.json, loaded below). Every test gets a fresh demo server (the settings
 * page's Example Workflow, see SeedInfo.resources).
 */

const CATALOG = ENTERPRISE_CATALOG
const RESOURCE_NAMES = Object.keys(CATALOG).filter((n) => n.startsWith('resources.')).sort()
const REGISTRY = endpointRegistry('enterprise')

const POOL_FIELDS = ['id', 'name', 'description', 'resources', 'usage', 'links']
const PROFILE_FIELDS = ['id', 'name', 'description', 'profile_cost', 'cost_field', 'queued_jobs', 'running_jobs', 'pool_links', 'policy_connections']
const LINK_FIELDS = ['id', 'name', 'pool', 'queue_name']
const CONNECTION_FIELDS = ['id', 'name', 'display_name', 'policy_name']
const POLICY_FIELDS = ['id', 'name', 'description', 'reservation', 'limit', 'usage', 'user_group', 'user_group_name', 'missing_profile_connections']
const TASK_FIELDS = ['id', 'name', 'status', 'type', 'started', 'cost', 'project', 'user']
const HEX32 = /^[0-9a-f]{32}$/

type Key = { id: string; accessKey: string; secretKey: string }
interface Link { id: string; name: string; pool: string; queue_name: string | null }
interface Connection { id: string; name: string; display_name: string | null; policy_name: string | null }
interface Pool { id: string; name: string; description: string | null; resources: number; usage: number; links: string[] }
interface Profile {
  id: string; name: string; description: string | null; profile_cost: number; cost_field: string | null; queued_jobs: number
  running_jobs: number; pool_links: Link[]; policy_connections: Connection[]
}
interface Config { pools: Pool[]; profiles: Profile[] }
interface Policy { id: string; name: string; description: string | null; reservation: number; limit: number; usage: number; user_group: string; user_group_name: string | null; missing_profile_connections: boolean }
interface Task { id: string; name: string; status: string; type: string; started: string | null; cost: number; project: { id: string; name: string } | null; user: { id: string; name: string } | null }
interface PolicyData extends Policy { profile_links: Array<{ profile: Profile; queue: { id: string; name: string; display_name: string | null } }>; tasks: Task[] }

/** The write shape (set_resource_configuration) of a configuration. */
interface WritePool { id: string; name: string; description?: string | null; resources: number; links?: string[] }
interface WriteProfile {
  id: string; name: string; description?: string | null; profile_cost: number; cost_field?: string | null
  pool_links: Array<{ id: string; name: string; pool: string }>; policy_connections?: Array<{ id: string }>
}
interface Writable { pools: WritePool[]; profiles: WriteProfile[] }
function writable(c: Config): Writable {
  return {
    pools: c.pools.map((p) => ({ id: p.id, name: p.name, description: p.description, resources: p.resources, links: [...p.links] })),
    profiles: c.profiles.map((p) => ({
      id: p.id, name: p.name, description: p.description, profile_cost: p.profile_cost, cost_field: p.cost_field,
      pool_links: p.pool_links.map(({ id, name, pool }) => ({ id, name, pool }))
    }))
  }
}

let srv: RunningServer
let seed: SeedInfo
let R: SeedResources
let admin: Key
let alice: Key // member of ML Team (and Users)
let bob: Key // in Users only
/** The server clock runs this far ahead of the real one (tests move time instead of waiting). */
let clockOffset = 0

beforeEach(async () => {
  clockOffset = 0
  srv = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true, now: () => Date.now() + clockOffset })
  seed = srv.seed!
  R = seed.resources
  admin = seed.admin
  alice = seed.member
  bob = seed.outsider
})
afterEach(async () => {
  vi.restoreAllMocks()
  await srv?.close()
})

async function ok(name: string, body: unknown = {}, who: Key = admin) {
  return expectCode(await call(srv.url, `/${name}`, { basic: who, body }), 200, 0).body.data
}
async function fails(name: string, body: unknown, code: number, subcode: number, who: Key = admin) {
  return expectCode(await call(srv.url, `/${name}`, { basic: who, body }), code, subcode).body.meta
}
const published = async () => (await ok('resources.get_resource_configuration', { edit: false })).configuration as Config
const editing = async () => (await ok('resources.get_resource_configuration')).configuration as Config
const exists = async () => (await ok('resources.check_edit_configuration')).exists as boolean
const save = (w: Writable) => ok('resources.set_resource_configuration', w)
const publish = () => ok('resources.publish_resource_configuration')
const policies = async (who: Key = admin) => (await ok('resources.get_policies', {}, who)).policies as Policy[]
const policyData = async (id: string, who: Key = admin) => (await ok('resources.get_policy_data', { id }, who)) as PolicyData
const byId = <T extends { id: string }>(list: T[], id: string): T => {
  const found = list.find((x) => x.id === id)
  if (!found) throw new Error(`no ${id} in ${JSON.stringify(list.map((x) => x.id))}`)
  return found
}
const taskStatus = (id: string) => {
  const t = srv.resourceTask(id)!
  return { status: t.status, queue: t.queue }
}
const keysOf = (o: object) => Object.keys(o).sort()

// --- the catalog -------------------------------------------------------------------------------------------------------

/** A valid request per endpoint (against a fresh demo server). */
const VALID: Record<string, () => Promise<Record<string, unknown>>> = {
  'resources.get_resource_configuration': async () => ({ edit: false }),
  'resources.get_resource_pools': async () => ({}),
  'resources.get_resource_profiles': async () => ({}),
  'resources.check_edit_configuration': async () => ({}),
  'resources.set_resource_configuration': async () => ({ ...writable(await published()) }),
  'resources.test_configuration_publishing': async () => ({}),
  'resources.publish_resource_configuration': async () => ({}),
  'resources.reset_resource_configuration': async () => ({}),
  'resources.enable_policy_manager': async () => ({ enable: false }),
  'resources.get_policies': async () => ({}),
  'resources.get_policy_data': async () => ({ id: R.policies.dev }),
  'resources.create_policy': async () => ({ name: 'QA Team', user_group: seed.groups.mlTeam, reservation: 2, limit: 8, description: 'QA' }),
  'resources.update_policy': async () => ({ id: R.policies.dev, name: 'Dev', description: 'devs', reservation: 4, limit: 12 }),
  'resources.validate_move_policy': async () => ({ id: R.policies.research, user_group: seed.groups.mlTeam }),
  'resources.move_policy': async () => ({ id: R.policies.research, user_group: seed.groups.mlTeam }),
  'resources.delete_policy': async () => ({ id: R.policies.dev }),
  'resources.connect_policy_profile': async () => ({ policy: R.policies.dev, profile: R.profiles.gpu2, queue_name: 'dev_team_2xgpu', display_name: 'Dev Team 2xGPU' }),
  'resources.disconnect_policy_profile': async () => ({ queue: R.queues.dev })
}

describe('the catalog entries resources.*', () => {
  it('are all registered, on the enterprise feature set only', () => {
    expect(RESOURCE_NAMES).toHaveLength(18)
    expect(REGISTRY.filter((e) => e.name.startsWith('resources.')).map((e) => e.name).sort()).toEqual(RESOURCE_NAMES)
    expect(endpointRegistry('basic').some((e) => e.name.startsWith('resources.'))).toBe(false)
    expect(Object.keys(VALID).sort()).toEqual(RESOURCE_NAMES)
  })

  it('are not found on a basic server', async () => {
    const basic = await startServer({ port: 0, seed: 'demo', quiet: true })
    try {
      expectCode(await call(basic.url, '/resources.get_policies', { basic: basic.seed!.admin, body: {} }), 404, 0)
    } finally {
      await basic.close()
    }
  })

  describe.each(RESOURCE_NAMES)('%s', (name) => {
    it('has the catalog\'s roles, request fields (with required flags) and response fields', async () => {
      const ep = REGISTRY.find((e) => e.name === name)!
      await checkAgainstCatalog({ url: srv.url, entry: CATALOG[name], ep, admin, member: alice, valid: () => VALID[name]() })
    })
  })

  it('get_resource_configuration answers policy_manager only for the published configuration (edit: false)', async () => {
    expect(keysOf(await ok('resources.get_resource_configuration'))).toEqual(['configuration'])
    expect(keysOf(await ok('resources.get_resource_configuration', { edit: true }))).toEqual(['configuration'])
    expect(keysOf(await ok('resources.get_resource_configuration', { edit: false }))).toEqual(['configuration', 'policy_manager'])
    // query-string form, as a GET
    const r = expectCode(await call(srv.url, '/resources.get_resource_configuration?edit=false', { method: 'GET', basic: admin }), 200, 0)
    expect(r.body.data.policy_manager).toEqual({ enabled: true })
  })

  it('reads have the documented nested shapes', async () => {
    for (const c of [await published(), await editing()]) {
      for (const p of c.pools) expect(keysOf(p)).toEqual([...POOL_FIELDS].sort())
      for (const p of c.profiles) {
        expect(keysOf(p)).toEqual([...PROFILE_FIELDS].sort())
        for (const l of p.pool_links) expect(keysOf(l)).toEqual([...LINK_FIELDS].sort())
        for (const cn of p.policy_connections) expect(keysOf(cn)).toEqual([...CONNECTION_FIELDS].sort())
      }
    }
    const pools = (await ok('resources.get_resource_pools')).pools as Array<Record<string, unknown>>
    for (const p of pools) expect(keysOf(p)).toEqual([...POOL_FIELDS, 'updated', 'updated_by'].sort())
    const profiles = (await ok('resources.get_resource_profiles')).profiles as Array<Record<string, unknown>>
    for (const p of profiles) expect(keysOf(p)).toEqual([...PROFILE_FIELDS, 'updated', 'updated_by'].sort())
    for (const p of await policies()) expect(keysOf(p)).toEqual([...POLICY_FIELDS].sort())
    const data = await policyData(R.policies.dev)
    for (const l of data.profile_links) {
      expect(keysOf(l)).toEqual(['profile', 'queue'])
      expect(keysOf(l.profile)).toEqual([...PROFILE_FIELDS].sort())
      expect(keysOf(l.queue)).toEqual(['display_name', 'id', 'name'])
    }
    for (const t of data.tasks) {
      expect(keysOf(t)).toEqual([...TASK_FIELDS].sort())
      expect(keysOf(t.project!)).toEqual(['id', 'name'])
      expect(keysOf(t.user!)).toEqual(['id', 'name'])
    }
  })
})

// --- the demo seed -----------------------------------------------------------------------------------------------------

describe('the demo seed', () => {
  it('is the settings page\'s Example Workflow', async () => {
    const { configuration: c, policy_manager } = await ok('resources.get_resource_configuration', { edit: false }) as { configuration: Config; policy_manager: unknown }
    expect(policy_manager).toEqual({ enabled: true })
    expect(c.pools.map((p) => [p.id, p.name, p.resources, p.usage])).toEqual([
      [R.pools.bareMetal, 'Bare Metal Low END GPUs', 16, 8], [R.pools.h100, 'H100 Half a Superpod', 16, 8], [R.pools.aws, 'AWS Autoscaler', 32, 32]
    ])
    expect(c.profiles.map((p) => [p.id, p.name, p.profile_cost, p.cost_field])).toEqual([
      [R.profiles.halfGpu, '0.5xGPU', 0.5, null], [R.profiles.gpu2, '2xGPU', 2, null], [R.profiles.gpu4, '4xGPU', 4, null], [R.profiles.gpu8, '8xGPU', 8, null]
    ])
    // H100's execution priority: 2xGPU, 4xGPU, 8xGPU, 0.5xGPU
    const profileOfLink = new Map(c.profiles.flatMap((p) => p.pool_links.map((l) => [l.id, p.name] as const)))
    expect(byId(c.pools, R.pools.h100).links.map((id) => profileOfLink.get(id))).toEqual(['2xGPU', '4xGPU', '8xGPU', '0.5xGPU'])
    // every pool lists exactly the links pointing at it
    for (const pool of c.pools) {
      expect([...pool.links].sort()).toEqual(c.profiles.flatMap((p) => p.pool_links).filter((l) => l.pool === pool.id).map((l) => l.id).sort())
    }
    const gpu4 = byId(c.profiles, R.profiles.gpu4)
    expect(gpu4.pool_links).toEqual([
      { id: R.links.gpu4LowEnd, name: '4 GPU Low End', pool: R.pools.bareMetal, queue_name: expect.stringMatching(HEX32) },
      { id: R.links.gpu4H100, name: '4 GPU H100', pool: R.pools.h100, queue_name: expect.stringMatching(HEX32) }
    ])
    expect(gpu4.policy_connections).toEqual([
      { id: R.queues.dev, name: 'dev_team_4xgpu', display_name: 'Dev Team 4xGPU', policy_name: 'Dev Team' },
      { id: R.queues.research, name: 'research_team_4xgpu', display_name: 'Research Team 4xGPU', policy_name: 'Research Team' }
    ])
    expect([gpu4.queued_jobs, gpu4.running_jobs]).toEqual([8, 0])
    const names = new Set(c.profiles.flatMap((p) => p.pool_links.map((l) => l.queue_name)))
    expect(names.size).toBe(8) // one correlated queue per link

    expect(await policies()).toEqual([
      { id: R.policies.dev, name: 'Dev Team', description: 'Development team', reservation: 8, limit: 16, usage: 0, user_group: seed.groups.mlTeam, user_group_name: 'ML Team', missing_profile_connections: false },
      { id: R.policies.research, name: 'Research Team', description: 'Research team', reservation: 8, limit: 16, usage: 0, user_group: USERS_GROUP_ID, user_group_name: 'Users', missing_profile_connections: false }
    ])
    for (const [policy, user, tasks] of [[R.policies.dev, alice, R.tasks.dev], [R.policies.research, bob, R.tasks.research]] as const) {
      const data = await policyData(policy)
      expect(data.tasks.map((t) => t.id)).toEqual(tasks)
      for (const t of data.tasks) expect(t).toMatchObject({ status: 'queued', type: 'training', started: null, cost: 4, user: { id: user.id, name: user === alice ? 'Alice Smith' : 'Bob Jones' } })
      expect(data.profile_links).toEqual([{ profile: gpu4, queue: { id: policy === R.policies.dev ? R.queues.dev : R.queues.research, name: expect.any(String), display_name: expect.any(String) } }])
    }
    const pools = (await ok('resources.get_resource_pools')).pools as Array<Pool & { updated: string; updated_by: string }>
    expect(pools.map(({ updated: _u, updated_by: _b, ...p }) => p)).toEqual(c.pools)
    for (const p of pools) expect(p).toMatchObject({ updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), updated_by: admin.id })
    const profiles = (await ok('resources.get_resource_profiles')).profiles as Array<Profile & { updated: string; updated_by: string }>
    expect(profiles.map(({ updated: _u, updated_by: _b, ...p }) => p)).toEqual(c.profiles)
    expect(await exists()).toBe(false)
    expect(await editing()).toEqual(c)
  })
})

// --- editing, validating, publishing -----------------------------------------------------------------------------------

describe('save / check / validate / publish / reset', () => {
  it('runs the cycle: edits stay in the editing configuration until published; publish counts and stamps the changes', async () => {
    const pub = await published()
    expect(await exists()).toBe(false)
    await save(writable(pub)) // saving the published configuration unchanged is no edit
    expect(await exists()).toBe(false)

    const w = writable(pub)
    w.pools[0].name = 'Bare Metal (old GPUs)'
    w.pools.push({ id: 'pool-a100', name: 'On-prem A100', description: 'new', resources: 8 }) // links derived
    w.profiles.push({
      id: 'profile-1xa100', name: '1xA100', profile_cost: 1, cost_field: 'runtime.gpus_request',
      pool_links: [{ id: 'link-a100', name: '1 GPU A100', pool: 'pool-a100' }],
      // live fields are ignored
      ...({ queued_jobs: 99, running_jobs: 99, usage: 5 } as object)
    })
    await save(w)
    expect(await exists()).toBe(true)
    const ed = await editing()
    expect(byId(ed.pools, 'pool-a100')).toEqual({ id: 'pool-a100', name: 'On-prem A100', description: 'new', resources: 8, usage: 0, links: ['link-a100'] })
    expect(byId(ed.profiles, 'profile-1xa100')).toEqual({
      id: 'profile-1xa100', name: '1xA100', description: null, profile_cost: 1, cost_field: 'runtime.gpus_request', queued_jobs: 0, running_jobs: 0,
      pool_links: [{ id: 'link-a100', name: '1 GPU A100', pool: 'pool-a100', queue_name: null }], policy_connections: []
    })
    // the existing links show their (published) queues, live figures are live
    expect(byId(ed.profiles, R.profiles.gpu4)).toEqual(byId(pub.profiles, R.profiles.gpu4))
    expect(await published()).toEqual(pub)
    expect(await ok('resources.test_configuration_publishing')).toEqual({ affected_policies: [], not_linked_profiles: [] })

    clockOffset = 3_600_000
    const before = (await ok('resources.get_resource_pools')).pools as Array<{ id: string; updated: string }>
    expect(await publish()).toEqual({
      created_pools: 1, updated_pools: 1, deleted_pools: 0, created_profiles: 1, updated_profiles: 0, deleted_profiles: 0,
      created_links: 1, updated_links: 0, deleted_links: 0, deleted_policy_connections: 0
    })
    expect(await exists()).toBe(false)
    const after = await published()
    expect(await editing()).toEqual(after)
    expect(after.pools.map((p) => p.name)).toEqual(['Bare Metal (old GPUs)', 'H100 Half a Superpod', 'AWS Autoscaler', 'On-prem A100'])
    const newLink = byId(after.profiles, 'profile-1xa100').pool_links[0]
    expect(newLink.queue_name).toMatch(HEX32)
    expect(byId(after.profiles, R.profiles.gpu4)).toEqual(byId(pub.profiles, R.profiles.gpu4)) // existing links keep their queues
    // updated / updated_by on the changed and new objects only
    const stamped = (await ok('resources.get_resource_pools')).pools as Array<{ id: string; updated: string; updated_by: string }>
    const old = new Map(before.map((p) => [p.id, p.updated]))
    expect(Date.parse(byId(stamped, R.pools.bareMetal).updated) - Date.parse(old.get(R.pools.bareMetal)!)).toBeGreaterThanOrEqual(3_600_000)
    expect(byId(stamped, 'pool-a100')).toMatchObject({ updated: byId(stamped, R.pools.bareMetal).updated, updated_by: admin.id })
    expect(byId(stamped, R.pools.h100).updated).toBe(old.get(R.pools.h100))

    // publishing again with no edits changes nothing
    expect(Object.values(await publish()).every((n) => n === 0)).toBe(true)

    // reset: editing := published
    const w2 = writable(after)
    w2.pools = w2.pools.filter((p) => p.id !== 'pool-a100')
    w2.profiles = w2.profiles.filter((p) => p.id !== 'profile-1xa100')
    await save(w2)
    expect(await exists()).toBe(true)
    expect((await editing()).pools).toHaveLength(3)
    expect(await ok('resources.reset_resource_configuration')).toEqual({})
    expect(await exists()).toBe(false)
    expect(await editing()).toEqual(after)
  })

  it('reorders: pool execution priority (links), profile pool precedence (pool_links), policy priority (policy_connections)', async () => {
    const pub = await published()
    const w = writable(pub)
    const h100 = w.pools[1]
    h100.links = [...h100.links!].reverse()
    const gpu4 = w.profiles[2]
    gpu4.pool_links.reverse()
    gpu4.policy_connections = [{ id: R.queues.research }] // the Dev connection is not listed: it follows
    await save(w)
    expect(await exists()).toBe(true)
    const ed = await editing()
    expect(byId(ed.pools, R.pools.h100).links).toEqual([...byId(pub.pools, R.pools.h100).links].reverse())
    expect(byId(ed.profiles, R.profiles.gpu4).pool_links.map((l) => l.name)).toEqual(['4 GPU H100', '4 GPU Low End'])
    expect(byId(ed.profiles, R.profiles.gpu4).policy_connections.map((c) => c.policy_name)).toEqual(['Research Team', 'Dev Team'])
    expect(byId((await published()).profiles, R.profiles.gpu4).policy_connections.map((c) => c.policy_name)).toEqual(['Dev Team', 'Research Team'])
    expect(await publish()).toEqual({
      created_pools: 0, updated_pools: 1, deleted_pools: 0, created_profiles: 0, updated_profiles: 1, deleted_profiles: 0,
      created_links: 0, updated_links: 0, deleted_links: 0, deleted_policy_connections: 0
    })
    const after = byId((await published()).profiles, R.profiles.gpu4)
    expect(after.policy_connections.map((c) => c.policy_name)).toEqual(['Research Team', 'Dev Team'])
    expect(after.pool_links.map((l) => l.name)).toEqual(['4 GPU H100', '4 GPU Low End'])
    // a new connection goes last in the profile's policy priority
    const qa = (await ok('resources.create_policy', { name: 'QA', user_group: seed.groups.mlTeam, limit: 8 })).id as string
    await ok('resources.connect_policy_profile', { policy: qa, profile: R.profiles.gpu4, queue_name: 'qa_4xgpu' })
    expect(byId((await published()).profiles, R.profiles.gpu4).policy_connections.map((c) => c.policy_name)).toEqual(['Research Team', 'Dev Team', 'QA'])
    // pool links omitted on write: derived from the profiles' pool_links, in profile order
    const w2 = writable(await published())
    for (const p of w2.pools) delete p.links
    await save(w2)
    const derived = await editing()
    const profileOfLink = new Map(derived.profiles.flatMap((p) => p.pool_links.map((l) => [l.id, p.name] as const)))
    expect(byId(derived.pools, R.pools.h100).links.map((id) => profileOfLink.get(id))).toEqual(['0.5xGPU', '2xGPU', '4xGPU', '8xGPU'])
  })

  it('accepts fractional allotments and dynamic-capacity parameters; a moved link gets a new correlated queue', async () => {
    const pub = await published()
    const w = writable(pub)
    w.profiles[0].profile_cost = 0.142857
    w.profiles[1].cost_field = 'hyperparams.Args.cost'
    w.profiles[3].cost_field = 'configuration.gpus'
    w.pools[2].description = '' // an empty description is none
    const moving = w.profiles[3].pool_links[1] // 8 GPU Low End now points at AWS, last in its execution priority
    moving.pool = R.pools.aws
    moving.name = '8 GPU AWS'
    w.pools[0].links = w.pools[0].links!.filter((id) => id !== moving.id)
    w.pools[2].links!.push(moving.id)
    await save(w)
    expect(await publish()).toEqual({
      created_pools: 0, updated_pools: 2, deleted_pools: 0, created_profiles: 0, updated_profiles: 3, deleted_profiles: 0,
      created_links: 0, updated_links: 1, deleted_links: 0, deleted_policy_connections: 0
    })
    const after = await published()
    expect(after.profiles.map((p) => [p.profile_cost, p.cost_field])).toEqual([[0.142857, null], [2, 'hyperparams.Args.cost'], [4, null], [8, 'configuration.gpus']])
    expect(byId(after.pools, R.pools.aws).description).toBeNull()
    const moved = byId(after.profiles, R.profiles.gpu8).pool_links[1]
    expect(moved).toMatchObject({ name: '8 GPU AWS', pool: R.pools.aws, queue_name: expect.stringMatching(HEX32) })
    expect(moved.queue_name).not.toBe(byId(pub.profiles, R.profiles.gpu8).pool_links[1].queue_name)
    expect(byId(after.profiles, R.profiles.gpu8).pool_links[0]).toEqual(byId(pub.profiles, R.profiles.gpu8).pool_links[0])
  })

  it('refuses invalid configurations with 400/12 naming the field and the object, and keeps the editing configuration', async () => {
    const pub = await published()
    const cases: Array<[string, (w: Writable) => void, string]> = [
      ['duplicate pool name', (w) => (w.pools[1].name = ' bare metal low END gpus '), 'pools[1].name'],
      ['duplicate profile name', (w) => (w.profiles[1].name = '0.5XGPU'), 'profiles[1].name'],
      ['duplicate link name (across profiles)', (w) => (w.profiles[1].pool_links[0].name = '0.5 gpu h100'), 'profiles[1].pool_links[0].name'],
      ['empty pool name', (w) => (w.pools[0].name = '   '), 'pools[0].name'],
      ['empty profile name', (w) => (w.profiles[2].name = ''), 'profiles[2].name'],
      ['empty link name', (w) => (w.profiles[2].pool_links[1].name = ' '), 'profiles[2].pool_links[1].name'],
      ['zero resources', (w) => (w.pools[2].resources = 0), 'pools[2].resources'],
      ['negative resources', (w) => (w.pools[2].resources = -4), 'pools[2].resources'],
      ['fractional resources', (w) => (w.pools[2].resources = 1.5), 'pools[2].resources'],
      ['zero profile_cost', (w) => (w.profiles[0].profile_cost = 0), 'profiles[0].profile_cost'],
      ['negative profile_cost', (w) => (w.profiles[0].profile_cost = -0.5), 'profiles[0].profile_cost'],
      ['cost_field without a known prefix', (w) => (w.profiles[0].cost_field = 'gpus_request'), 'profiles[0].cost_field'],
      ['cost_field that is only a prefix', (w) => (w.profiles[0].cost_field = 'runtime.'), 'profiles[0].cost_field'],
      ['link to an unknown pool', (w) => (w.profiles[0].pool_links[0].pool = 'no-such-pool'), 'profiles[0].pool_links[0].pool'],
      ['profile linked twice to one pool', (w) => (w.profiles[2].pool_links[1].pool = w.profiles[2].pool_links[0].pool), 'profiles[2].pool_links[1].pool'],
      ['duplicate pool id', (w) => (w.pools[1].id = w.pools[0].id), 'pools[1].id'],
      ['duplicate profile id', (w) => (w.profiles[3].id = w.profiles[0].id), 'profiles[3].id'],
      ['duplicate link id', (w) => (w.profiles[1].pool_links[0].id = w.profiles[0].pool_links[0].id), 'profiles[1].pool_links[0].id'],
      ['empty pool id', (w) => (w.pools[0].id = ''), 'pools[0].id'],
      ['pool links missing a link that points at the pool', (w) => w.pools[1].links!.pop(), 'pools[1].links'],
      ['pool links naming a link of another pool', (w) => w.pools[0].links!.push(w.pools[1].links![0]), 'pools[0].links[2]'],
      ['pool links naming an unknown link', (w) => (w.pools[0].links![0] = 'nope'), 'pools[0].links[0]'],
      ['pool links with a duplicate', (w) => w.pools[0].links!.push(w.pools[0].links![0]), 'pools[0].links[2]'],
      ['unknown policy connection', (w) => (w.profiles[2].policy_connections = [{ id: 'nope' }]), 'profiles[2].policy_connections[0].id'],
      ['policy connection of another profile', (w) => (w.profiles[0].policy_connections = [{ id: R.queues.dev }]), 'profiles[0].policy_connections[0].id'],
      ['duplicate policy connection', (w) => (w.profiles[2].policy_connections = [{ id: R.queues.dev }, { id: R.queues.dev }]), 'profiles[2].policy_connections[1].id']
    ]
    for (const [what, mutate, field] of cases) {
      const w = writable(pub)
      mutate(w)
      const meta = await fails('resources.set_resource_configuration', w, 400, 12)
      expect(meta.result_msg, what).toContain(`error for field '${field}'`)
    }
    // the object is named too
    const w = writable(pub)
    w.pools[2].resources = 0
    expect((await fails('resources.set_resource_configuration', w, 400, 12)).error_data).toMatchObject({ pool: R.pools.aws })
    // type errors and missing write fields
    await fails('resources.set_resource_configuration', { pools: [{ id: 'p', name: 'P', resources: '16' }] }, 400, 12)
    // 1e309 parses as Infinity
    const infinite = await call(srv.url, '/resources.set_resource_configuration', { basic: admin, rawBody: '{"pools": [{"id": "p", "name": "P", "resources": 1e309}]}' })
    expectCode(infinite, 400, 12)
    const missing = await fails('resources.set_resource_configuration', { pools: [{ name: 'P', resources: 1 }], profiles: [{ id: 'x', name: 'X', profile_cost: 1 }] }, 400, 11)
    expect(missing.error_data).toEqual({ fields: ['pools.0.id', 'profiles.0.pool_links'] })
    expect(await exists()).toBe(false)
    expect(await editing()).toEqual(pub)
  })

  it('deleting a profile: Validate lists the affected policies; publish deletes its connections and returns their queued tasks to created', async () => {
    const running = srv.addResourceTask({ queue: R.queues.dev, status: 'in_progress', pool: R.pools.bareMetal, cost: 4, user: alice.id })
    const w = writable(await published())
    w.profiles = w.profiles.filter((p) => p.id !== R.profiles.gpu4)
    for (const p of w.pools) delete p.links
    await save(w)
    expect(await ok('resources.test_configuration_publishing')).toEqual({
      affected_policies: [
        { id: R.policies.dev, name: 'Dev Team', queues_to_delete: [{ id: R.queues.dev, name: 'dev_team_4xgpu', display_name: 'Dev Team 4xGPU', tasks: 4 }] },
        { id: R.policies.research, name: 'Research Team', queues_to_delete: [{ id: R.queues.research, name: 'research_team_4xgpu', display_name: 'Research Team 4xGPU', tasks: 4 }] }
      ],
      not_linked_profiles: []
    })
    // a dry run: nothing changed
    expect((await policyData(R.policies.dev)).tasks).toHaveLength(5)
    expect(await publish()).toEqual({
      created_pools: 0, updated_pools: 2, deleted_pools: 0, created_profiles: 0, updated_profiles: 0, deleted_profiles: 1,
      created_links: 0, updated_links: 0, deleted_links: 2, deleted_policy_connections: 2
    })
    for (const t of [...R.tasks.dev, ...R.tasks.research]) expect(taskStatus(t)).toEqual({ status: 'created', queue: null })
    // a running task keeps running (and counting in its pool) but belongs to no queue any more
    expect(taskStatus(running)).toEqual({ status: 'in_progress', queue: null })
    expect(byId((await published()).pools, R.pools.bareMetal).usage).toBe(12)
    for (const id of [R.policies.dev, R.policies.research]) {
      const data = await policyData(id)
      expect(data).toMatchObject({ usage: 0, profile_links: [], tasks: [], missing_profile_connections: false })
    }
    expect((await published()).profiles.map((p) => p.name)).toEqual(['0.5xGPU', '2xGPU', '8xGPU'])
  })

  it('publish refuses while a profile is linked to no pool (what Validate reports), and changes nothing', async () => {
    const pub = await published()
    const w = writable(pub)
    w.profiles = w.profiles.filter((p) => p.id !== R.profiles.gpu4)
    w.profiles.push({ id: 'lonely', name: 'Lonely 1xGPU', profile_cost: 1, pool_links: [] })
    for (const p of w.pools) delete p.links
    await save(w)
    const report = await ok('resources.test_configuration_publishing')
    expect(report.not_linked_profiles).toEqual([{ id: 'lonely', name: 'Lonely 1xGPU' }])
    expect(report.affected_policies).toHaveLength(2)
    const meta = await fails('resources.publish_resource_configuration', {}, 400, 12)
    expect(meta.result_msg).toContain('"Lonely 1xGPU"')
    expect(meta.error_data).toEqual({ profiles: [{ id: 'lonely', name: 'Lonely 1xGPU' }] })
    expect(await published()).toEqual(pub)
    expect(await exists()).toBe(true)
    for (const t of R.tasks.dev) expect(taskStatus(t)).toEqual({ status: 'queued', queue: R.queues.dev })
  })

  it('publish is one transaction: a failure part-way through leaves the configuration, connections and tasks unchanged', async () => {
    const pub = await published()
    const w = writable(pub)
    w.profiles = w.profiles.filter((p) => p.id !== R.profiles.gpu4)
    w.pools.push({ id: 'pool-x', name: 'Pool X', resources: 4 })
    for (const p of w.pools) delete p.links
    await save(w)
    // the last write of the publish (after the connections were deleted and the tasks dequeued) fails
    const spy = vi.spyOn(ResourceStore.prototype, 'setPublished').mockImplementationOnce(() => {
      throw new Error('disk full')
    })
    const meta = await fails('resources.publish_resource_configuration', {}, 500, 0)
    expect(meta.result_msg).toContain('disk full')
    expect(spy).toHaveBeenCalledTimes(1)
    expect(await published()).toEqual(pub)
    expect(await exists()).toBe(true)
    for (const t of R.tasks.dev) expect(taskStatus(t)).toEqual({ status: 'queued', queue: R.queues.dev })
    expect((await policyData(R.policies.research)).tasks).toHaveLength(4)
    // and the same publish then goes through
    expect(await publish()).toMatchObject({ created_pools: 1, deleted_profiles: 1, deleted_policy_connections: 2 })
    for (const t of R.tasks.dev) expect(taskStatus(t)).toEqual({ status: 'created', queue: null })
  })

  it('handles 300 pools, 1000 profiles and 3000 links in one request, quickly', async () => {
    const pools: WritePool[] = Array.from({ length: 300 }, (_, i) => ({ id: `pool-${i}`, name: `Pool ${i}`, description: `pool number ${i}`, resources: 8 + (i % 9) }))
    const profiles: WriteProfile[] = Array.from({ length: 1000 }, (_, i) => ({
      id: `profile-${i}`, name: `Profile ${i}`, description: null, profile_cost: (i % 7) + 0.5, cost_field: i % 5 === 0 ? 'runtime.gpus' : null,
      pool_links: [0, 1, 2].map((j) => ({ id: `link-${i}-${j}`, name: `Link ${i}.${j}`, pool: `pool-${(i + j * 101) % 300}` }))
    }))
    // explicit execution priorities: the reverse of the derived order
    const byPool = new Map<string, string[]>()
    for (const p of profiles) for (const l of p.pool_links) byPool.set(l.pool, [...(byPool.get(l.pool) ?? []), l.id])
    for (const p of pools) p.links = [...(byPool.get(p.id) ?? [])].reverse()
    const body = { pools, profiles }
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(MAX_BODY)

    const started = Date.now()
    await save(body)
    expect(await exists()).toBe(true)
    expect(await ok('resources.test_configuration_publishing')).toMatchObject({ not_linked_profiles: [] })
    expect(await publish()).toEqual({
      created_pools: 300, updated_pools: 0, deleted_pools: 3, created_profiles: 1000, updated_profiles: 0, deleted_profiles: 4,
      created_links: 3000, updated_links: 0, deleted_links: 8, deleted_policy_connections: 2
    })
    const c = await published()
    const elapsed = Date.now() - started
    expect(elapsed).toBeLessThan(5000)
    expect(c.pools).toHaveLength(300)
    expect(c.profiles).toHaveLength(1000)
    expect(c.pools.reduce((n, p) => n + p.links.length, 0)).toBe(3000)
    expect(byId(c.pools, 'pool-7').links).toEqual(pools[7].links)
    const queues = c.profiles.flatMap((p) => p.pool_links.map((l) => l.queue_name))
    expect(queues.every((q) => HEX32.test(q!))).toBe(true)
    expect(new Set(queues).size).toBe(3000)
    expect(await exists()).toBe(false)
    // a second, slightly changed save is also fast and counted exactly
    const w = writable(c)
    w.pools[0].resources += 1
    const dropped = w.profiles[999].pool_links.pop()!
    const pool = byId(w.pools, dropped.pool)
    pool.links = pool.links!.filter((id) => id !== dropped.id)
    await save(w)
    expect(await publish()).toMatchObject({ updated_pools: 2, updated_profiles: 1, deleted_links: 1, created_links: 0 }) // pool-0, and the dropped link's pool
    expect(Date.now() - started).toBeLessThan(8000)
  })
})

// --- live figures, policy manager ---------------------------------------------------------------------------------------

describe('live figures', () => {
  it('pool usage = baseline + running tasks (whole resources); profile queued/running jobs; policy usage = running cost', async () => {
    srv.addResourceTask({ queue: R.queues.dev, status: 'in_progress', pool: R.pools.bareMetal, cost: 4, user: alice.id, name: 'dev running', project: { id: 'p1', name: 'Dev Experiments' } })
    const half = (await ok('resources.connect_policy_profile', { policy: R.policies.dev, profile: R.profiles.halfGpu, queue_name: 'dev_half' })).id as string
    srv.addResourceTask({ queue: half, status: 'in_progress', pool: R.pools.h100, cost: 0.5, user: alice.id })
    const c = await published()
    expect(c.pools.map((p) => p.usage)).toEqual([12, 9, 32]) // 8 + 4; 8 + 0.5 → 9
    expect(byId(c.profiles, R.profiles.gpu4)).toMatchObject({ queued_jobs: 8, running_jobs: 1 })
    expect(byId(c.profiles, R.profiles.halfGpu)).toMatchObject({ queued_jobs: 0, running_jobs: 1 })
    expect((await policies()).map((p) => p.usage)).toEqual([4.5, 0])
    const data = await policyData(R.policies.dev)
    expect(data.tasks.map((t) => t.status)).toEqual(['in_progress', 'in_progress', 'queued', 'queued', 'queued', 'queued'])
    expect(data.tasks[0]).toMatchObject({ name: 'dev running', cost: 4, started: expect.any(String), project: { id: 'p1', name: 'Dev Experiments' }, user: { id: alice.id, name: 'Alice Smith' } })
    expect(data.profile_links.map((l) => l.profile.name)).toEqual(['4xGPU', '0.5xGPU'])
    // the editing configuration shows the same live figures
    expect((await editing()).pools.map((p) => p.usage)).toEqual([12, 9, 32])
  })

  it('enable_policy_manager toggles policy_manager.enabled (default enable: true)', async () => {
    const state = async () => (await ok('resources.get_resource_configuration', { edit: false })).policy_manager
    expect(await ok('resources.enable_policy_manager', { enable: false })).toEqual({})
    expect(await state()).toEqual({ enabled: false })
    expect(await ok('resources.enable_policy_manager')).toEqual({})
    expect(await state()).toEqual({ enabled: true })
    await fails('resources.enable_policy_manager', { enable: 'yes' }, 400, 12)
    await fails('resources.enable_policy_manager', { enable: false }, 403, 20, alice)
  })
})

// --- policies ----------------------------------------------------------------------------------------------------------

describe('policies', () => {
  it('get_policies / get_policy_data: admins see every policy, others those of the groups they are in', async () => {
    const admins = (await ok('resources.create_policy', { name: 'Admins only', user_group: seed.groups.admins, limit: 4 })).id as string
    expect((await policies()).map((p) => p.name)).toEqual(['Dev Team', 'Research Team', 'Admins only'])
    expect((await policies(alice)).map((p) => p.name)).toEqual(['Dev Team', 'Research Team']) // ML Team + Users
    expect((await policies(bob)).map((p) => p.name)).toEqual(['Research Team']) // Users only
    await fails('resources.get_policy_data', { id: R.policies.dev }, 400, 10, bob)
    await fails('resources.get_policy_data', { id: admins }, 400, 10, alice)
    expect((await policyData(R.policies.research, bob)).tasks.map((t) => t.user?.id)).toEqual([bob.id, bob.id, bob.id, bob.id])
    // a token works as well as the key pair
    const token = expectCode(await call(srv.url, '/auth.login', { basic: bob }), 200, 0).body.data.token as string
    const r = expectCode(await call(srv.url, '/resources.get_policies', { token, body: {} }), 200, 0)
    expect(r.body.data.policies.map((p: Policy) => p.id)).toEqual([R.policies.research])
    await fails('resources.get_policy_data', { id: 'nope' }, 400, 10)
    await fails('resources.get_policy_data', {}, 400, 12) // optional in the catalog, but needed
    expectCode(await call(srv.url, '/resources.get_policies', { body: {} }), 401, 20)
  })

  it('create_policy / update_policy validate names, groups, reservation and limit', async () => {
    const create = (body: Record<string, unknown>) => call(srv.url, '/resources.create_policy', { basic: admin, body })
    const g = seed.groups.mlTeam
    expect((await fails('resources.create_policy', {}, 400, 11)).error_data).toEqual({ fields: ['name', 'user_group'] })
    for (const body of [
      { name: ' dev TEAM ', user_group: g, limit: 8 }, // duplicate name
      { name: '  ', user_group: g, limit: 8 },
      { name: 'A', user_group: g, reservation: 10, limit: 8 }, // reservation > limit
      { name: 'A', user_group: g, limit: 0 },
      { name: 'A', user_group: g, limit: -1 },
      { name: 'A', user_group: g, reservation: -1, limit: 8 },
      { name: 'A', user_group: g }, // limit needed
      { name: 'A', user_group: g, limit: '8' }
    ]) expectCode(await create(body), 400, 12)
    expectCode(await create({ name: 'A', user_group: 'no-such-group', limit: 8 }), 400, 10)
    const id = (await ok('resources.create_policy', { name: ' Ops ', user_group: g, limit: 2.5 })).id as string
    expect(id).toMatch(HEX32)
    expect(byId(await policies(), id)).toEqual({
      id, name: 'Ops', description: null, reservation: 0, limit: 2.5, usage: 0, user_group: g, user_group_name: 'ML Team', missing_profile_connections: false
    })

    const update = (body: Record<string, unknown>) => call(srv.url, '/resources.update_policy', { basic: admin, body })
    expectCode(await update({ id, name: 'research team' }), 400, 12)
    expectCode(await update({ id, reservation: 3 }), 400, 12) // > limit 2.5
    expectCode(await update({ id: R.policies.dev, limit: 4 }), 400, 12) // < reservation 8
    expectCode(await update({ id: 'nope', name: 'x' }), 400, 10)
    expect((await fails('resources.update_policy', { name: 'x' }, 400, 11)).error_data).toEqual({ fields: ['id'] })
    expect(await ok('resources.update_policy', { id, name: 'Operations', description: 'ops', reservation: 1, limit: 6, user_group: USERS_GROUP_ID })).toEqual({ updated: 1 })
    // the group is not changed by update_policy
    expect(byId(await policies(), id)).toMatchObject({ name: 'Operations', description: 'ops', reservation: 1, limit: 6, user_group: g })
    expect(await ok('resources.update_policy', { id, name: 'OPERATIONS' })).toEqual({ updated: 1 }) // its own name, re-cased
    await fails('resources.create_policy', { name: 'B', user_group: g, limit: 8 }, 403, 20, alice)
  })

  it('validate_move_policy counts, and move_policy dequeues, the queued tasks of users outside the new group', async () => {
    srv.addResourceTask({ queue: R.queues.research, status: 'in_progress', pool: R.pools.h100, cost: 4, user: bob.id }) // running: not dequeued
    expect(await ok('resources.validate_move_policy', { id: R.policies.research, user_group: seed.groups.mlTeam })).toEqual({ tasks_to_dequeue: 4 })
    expect(await ok('resources.validate_move_policy', { id: R.policies.dev, user_group: USERS_GROUP_ID })).toEqual({ tasks_to_dequeue: 0 })
    expect(await ok('resources.validate_move_policy', { id: R.policies.dev, user_group: seed.groups.admins })).toEqual({ tasks_to_dequeue: 4 })
    for (const t of R.tasks.research) expect(taskStatus(t).status).toBe('queued') // a dry run
    await fails('resources.validate_move_policy', { id: R.policies.dev, user_group: 'nope' }, 400, 10)
    await fails('resources.move_policy', { id: 'nope', user_group: USERS_GROUP_ID }, 400, 10)
    await fails('resources.move_policy', { id: R.policies.dev }, 400, 11)

    expect(await ok('resources.move_policy', { id: R.policies.research, user_group: seed.groups.mlTeam })).toEqual({ dequeued_tasks: 4 })
    for (const t of R.tasks.research) expect(taskStatus(t)).toEqual({ status: 'created', queue: null })
    expect(byId(await policies(), R.policies.research)).toMatchObject({ user_group: seed.groups.mlTeam, user_group_name: 'ML Team', usage: 4 })
    expect(await policies(bob)).toEqual([]) // Bob is not in ML Team
    expect(await ok('resources.move_policy', { id: R.policies.dev, user_group: USERS_GROUP_ID })).toEqual({ dequeued_tasks: 0 })
    expect((await policies(bob)).map((p) => p.name)).toEqual(['Dev Team'])
    for (const t of R.tasks.dev) expect(taskStatus(t).status).toBe('queued')
  })

  it('delete_policy deletes its queues and returns their queued tasks to created', async () => {
    expect(await ok('resources.delete_policy', { id: R.policies.dev })).toEqual({ deleted: 1, deleted_queues: 1 })
    for (const t of R.tasks.dev) expect(taskStatus(t)).toEqual({ status: 'created', queue: null })
    for (const t of R.tasks.research) expect(taskStatus(t).status).toBe('queued')
    expect((await policies()).map((p) => p.name)).toEqual(['Research Team'])
    const gpu4 = byId((await published()).profiles, R.profiles.gpu4)
    expect(gpu4.policy_connections.map((c) => c.policy_name)).toEqual(['Research Team'])
    expect(gpu4.queued_jobs).toBe(4)
    await fails('resources.delete_policy', { id: R.policies.dev }, 400, 10)
    await fails('resources.delete_policy', { id: R.policies.research }, 403, 20, alice)
    // its name is free again
    await ok('resources.create_policy', { name: 'Dev Team', user_group: seed.groups.mlTeam, limit: 16 })
  })

  it('connect_policy_profile: published profiles only, cost within the limit, once per policy and profile, unique queue names', async () => {
    const small = (await ok('resources.create_policy', { name: 'Small', user_group: seed.groups.mlTeam, reservation: 1, limit: 4 })).id as string
    const w = writable(await published())
    w.profiles.push({ id: 'edit-only', name: 'Edit only', profile_cost: 1, pool_links: [{ id: 'edit-only-aws', name: 'Edit only AWS', pool: R.pools.aws }] })
    for (const p of w.pools) delete p.links
    await save(w)
    const connect = (body: Record<string, unknown>) => call(srv.url, '/resources.connect_policy_profile', { basic: admin, body })
    const base = { policy: small, profile: R.profiles.gpu4, queue_name: 'small_4xgpu' }

    expect((expectCode(await connect({ ...base, profile: 'edit-only' }), 400, 12)).body.meta.result_msg).toMatch(/published/)
    expectCode(await connect({ ...base, profile: 'no-such-profile' }), 400, 10)
    expectCode(await connect({ ...base, policy: 'no-such-policy' }), 400, 10)
    expect((expectCode(await connect({ ...base, profile: R.profiles.gpu8 }), 400, 12)).body.meta.result_msg).toMatch(/exceeds the policy's limit/)
    expect((expectCode(await connect({ ...base, policy: R.policies.dev, queue_name: 'dev2' }), 400, 12)).body.meta.result_msg).toMatch(/already connected/)
    const linkQueue = byId((await published()).profiles, R.profiles.gpu2).pool_links[0].queue_name!
    for (const dup of [
      { queue_name: 'dev_team_4xgpu' }, { queue_name: ' DEV_TEAM_4XGPU ' }, { queue_name: 'Research Team 4xGPU' }, // a display name
      { display_name: 'research_team_4xgpu' }, { queue_name: linkQueue } // a pool's correlated queue
    ]) expect((expectCode(await connect({ ...base, ...dup }), 400, 12)).body.meta.result_msg, JSON.stringify(dup)).toMatch(/already exists/)
    expectCode(await connect({ ...base, queue_name: '   ' }), 400, 12)
    for (const field of ['policy', 'profile', 'queue_name']) {
      const body: Record<string, unknown> = { ...base }
      delete body[field]
      expectCode(await connect(body), 400, 12) // optional in the catalog, but needed
    }
    await fails('resources.connect_policy_profile', base, 403, 20, alice)

    const id = (await ok('resources.connect_policy_profile', { ...base, display_name: 'Small 4xGPU' })).id as string
    expect(id).toMatch(HEX32)
    const gpu4 = byId((await published()).profiles, R.profiles.gpu4)
    expect(gpu4.policy_connections.at(-1)).toEqual({ id, name: 'small_4xgpu', display_name: 'Small 4xGPU', policy_name: 'Small' })
    expect((await policyData(small)).profile_links).toEqual([{ profile: gpu4, queue: { id, name: 'small_4xgpu', display_name: 'Small 4xGPU' } }])
    // the editing configuration shows the new connection too (it is not staged)
    expect(byId((await editing()).profiles, R.profiles.gpu4).policy_connections.at(-1)!.id).toBe(id)
    // no display name: null
    const plain = (await ok('resources.connect_policy_profile', { policy: small, profile: R.profiles.halfGpu, queue_name: 'small_half' })).id as string
    expect(byId(byId((await published()).profiles, R.profiles.halfGpu).policy_connections, plain).display_name).toBeNull()
  })

  it('disconnect_policy_profile deletes the queue and returns its queued tasks to created', async () => {
    const running = srv.addResourceTask({ queue: R.queues.dev, status: 'in_progress', pool: R.pools.bareMetal, cost: 4, user: alice.id })
    expect(await ok('resources.disconnect_policy_profile', { queue: R.queues.dev })).toEqual({ deleted: 1 })
    for (const t of R.tasks.dev) expect(taskStatus(t)).toEqual({ status: 'created', queue: null })
    expect(taskStatus(running)).toEqual({ status: 'in_progress', queue: null })
    const gpu4 = byId((await published()).profiles, R.profiles.gpu4)
    expect(gpu4.policy_connections.map((c) => c.id)).toEqual([R.queues.research])
    expect([gpu4.queued_jobs, gpu4.running_jobs]).toEqual([4, 0])
    expect(await policyData(R.policies.dev)).toMatchObject({ profile_links: [], tasks: [], usage: 0 })
    await fails('resources.disconnect_policy_profile', { queue: R.queues.dev }, 400, 10)
    await fails('resources.disconnect_policy_profile', {}, 400, 12)
    await fails('resources.disconnect_policy_profile', { queue: R.queues.research }, 403, 20, alice)
    // the queue name is free again
    await ok('resources.connect_policy_profile', { policy: R.policies.dev, profile: R.profiles.gpu4, queue_name: 'dev_team_4xgpu' })
  })
})

describe('persistence', () => {
  it('the configuration, an unpublished edit, policies and tasks survive a restart; the seed is not repeated', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dataDir = mkdtempSync(join(tmpdir(), 'clearml-ref-resources-'))
    try {
      const first = await startServer({ port: 0, dataDir, seed: 'demo', featureSet: 'enterprise', quiet: true })
      const key = first.seed!.admin
      const get = async (s: RunningServer, name: string, body: unknown = {}) => expectCode(await call(s.url, `/${name}`, { basic: key, body }), 200, 0).body.data
      const c = (await get(first, 'resources.get_resource_configuration', { edit: false })).configuration as Config
      const w = writable(c)
      w.pools[0].resources = 20
      await get(first, 'resources.set_resource_configuration', w)
      const pols = await get(first, 'resources.get_policies')
      const seedBefore = first.seed
      await first.close()
      const second = await startServer({ port: 0, dataDir, seed: 'demo', featureSet: 'enterprise', quiet: true })
      try {
        expect(second.seed).toEqual(seedBefore)
        expect((await get(second, 'resources.get_resource_configuration', { edit: false })).configuration).toEqual(c)
        expect(((await get(second, 'resources.get_resource_configuration')).configuration as Config).pools[0].resources).toBe(20)
        expect(await get(second, 'resources.check_edit_configuration')).toEqual({ exists: true })
        expect(await get(second, 'resources.get_policies')).toEqual(pols)
      } finally {
        await second.close()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
