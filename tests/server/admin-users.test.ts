import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningServer, type SeedInfo, type StartOptions, endpointRegistry, startServer } from '../../server/src/index'
import { ENTERPRISE_CATALOG, type Key, OPENSOURCE_CATALOG, checkAgainstCatalog } from './catalog'
import { call, expectCode } from './helpers'

/**
 * Users and service accounts administration (clearml-enterprise-api.md §1.2), the impersonation headers, usage
 * analytics (organization.get_*usage*) and the object listings behind the access-rule pickers, against the catalog.
 */

const REGISTRY = endpointRegistry('enterprise')
const DAY = 24 * 3600
let srv: RunningServer
let seed: SeedInfo
let admin: Key & { id: string }
let alice: Key & { id: string }
let bob: Key & { id: string }
let org: SeedInfo['organisation']
let clockOffset = 0
const now = () => Date.now() + clockOffset
const servers: RunningServer[] = []

async function start(opts: StartOptions = {}): Promise<RunningServer> {
  const s = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true, now, ...opts })
  servers.push(s)
  return s
}
beforeEach(async () => {
  clockOffset = 0
  srv = await start()
  seed = srv.seed!
  admin = seed.admin
  alice = seed.member
  bob = seed.outsider
  org = seed.organisation
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

type Who = Key | { token: string }
const auth = (who: Who) => ('token' in who ? { token: who.token } : { basic: who })
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function ok(name: string, body: unknown = {}, who: Who = admin, headers: Record<string, string> = {}, on = srv): Promise<any> {
  return expectCode(await call(on.url, `/${name}`, { ...auth(who), body, headers }), 200, 0).body.data
}
async function fails(name: string, body: unknown, code: number, subcode: number, who: Who = admin, headers: Record<string, string> = {}) {
  return expectCode(await call(srv.url, `/${name}`, { ...auth(who), body, headers }), code, subcode).body.meta
}
const as = (user: string) => ({ 'X-Clearml-Impersonate-As': user })
const today = () => new Date(now()).toISOString().slice(0, 10)
const daysAgo = (n: number) => new Date(now() - n * DAY * 1000).toISOString().slice(0, 10)

// --- the catalog --------------------------------------------------------------------------------------------------------

const VALID: Record<string, (who: Key) => Promise<Record<string, unknown>>> = {
  'users.get_all_ex': async (who) => (who === admin ? { include_auth: true, include_activity: true, order_by: ['name'], page: 0, page_size: 5 } : { include_activity: true }),
  'users.get_role_options': async () => ({}),
  'users.set_role': async () => ({ user: bob.id, role: 'consumer' }),
  'auth.delete_user': async () => ({ user: org.people.fiona.id }),
  'auth.create_service_user': async () => ({ name: `Service ${Math.random().toString(36).slice(2, 8)}`, allow_running_as_owner: true, credentials_expiration_sec: 3600 }),
  'users.get_service_users': async () => ({}),
  'users.update_service_user': async () => ({ user: org.serviceAccounts.ci.id, name: 'CI' }),
  'organization.get_usage_configuration': async () => ({}),
  'organization.get_tenant_usages': async () => ({ from_date: daysAgo(30), to_date: today(), categories: ['users'] }),
  'projects.get_all_ex': async () => ({ name: 'Experiments', only_fields: ['name'] }),
  'tasks.get_all_ex': async () => ({ name: 'resnet', only_fields: ['name', 'project.name'] }),
  'models.get_all_ex': async () => ({}),
  'datasets.get_all_ex': async () => ({ page: 0, page_size: 2 })
}

describe('the catalog entries', () => {
  it.each(Object.keys(VALID).sort())('%s', async (name) => {
    expect(ENTERPRISE_CATALOG[name], name).toBeDefined()
    const ep = REGISTRY.find((e) => e.name === name)!
    expect(ep, name).toBeDefined()
    await checkAgainstCatalog({ url: srv.url, entry: ENTERPRISE_CATALOG[name], ep, admin, member: alice, valid: VALID[name] })
  })

  it('queues.get_all (open-source catalog) is on both feature sets', async () => {
    const entry = OPENSOURCE_CATALOG['queues.get_all']
    await checkAgainstCatalog({ url: srv.url, entry, ep: REGISTRY.find((e) => e.name === 'queues.get_all')!, admin, member: alice, valid: async () => ({ search_text: 'gpu' }) })
    const basic = await start({ featureSet: 'basic' })
    expect((await ok('queues.get_all', {}, basic.seed!.admin, {}, basic)).queues.length).toBeGreaterThan(0)
    expectCode(await call(basic.url, '/users.get_all_ex', { basic: basic.seed!.admin, body: {} }), 404, 0)
  })
})

// --- users ---------------------------------------------------------------------------------------------------------------

describe('users.get_all_ex', () => {
  it('lists the people (not the service accounts) with the published fields; include_auth (admins) and include_activity add theirs', async () => {
    const plain = (await ok('users.get_all_ex', {}, alice)).users
    expect(plain.map((u: { name: string }) => u.name)).toEqual(['Admin User', 'Alice Smith', 'Bob Jones', 'Dana Lee', 'Evan Park', 'Fiona Green'])
    for (const u of plain) expect(Object.keys(u).sort()).toEqual(['avatar', 'company', 'family_name', 'given_name', 'id', 'name', 'read_only'])
    await fails('users.get_all_ex', { include_auth: true }, 403, 20, alice)

    const full = (await ok('users.get_all_ex', { include_auth: true, include_activity: true })).users
    const byName = Object.fromEntries(full.map((u: { name: string }) => [u.name, u]))
    expect(Object.keys(byName['Alice Smith']).sort()).toEqual(['activity', 'avatar', 'company', 'created', 'email', 'family_name', 'given_name', 'id', 'name',
      'providers', 'read_only', 'role', 'sec_groups'])
    expect(byName['Alice Smith']).toMatchObject({ email: 'alice@demo.example', role: 'user', sec_groups: [seed.groups.users, seed.groups.mlTeam], read_only: false })
    expect(byName['Admin User'].sec_groups).toEqual([seed.groups.users, seed.groups.admins])
    expect(byName['Fiona Green'].role).toBe('consumer')
    expect(byName['Dana Lee']).toMatchObject({
      providers: { oidc: { name: 'Demo OIDC (loopback)', last_login: expect.any(String) } },
      activity: { last_provider: 'oidc', last_provider_name: 'Demo OIDC (loopback)', last_provider_login: expect.any(String), last_ui_access: expect.any(String), last_credentials_login: null }
    })
    expect(Object.keys(byName['Bob Jones'].activity).sort()).toEqual(['last_credentials_login', 'last_provider', 'last_provider_login', 'last_provider_name', 'last_ui_access'])
  })

  it('filters (name regex, id, active_in_projects), orders and pages on the server; only_fields', async () => {
    const names = async (body: object) => (await ok('users.get_all_ex', body)).users.map((u: { name: string }) => u.name)
    expect(await names({ name: 'Smith|Lee' })).toEqual(['Alice Smith', 'Dana Lee'])
    expect(await names({ id: [bob.id, org.serviceAccounts.ci.id] })).toEqual(['Bob Jones'])
    expect(await names({ order_by: ['-name'], page: 1, page_size: 2 })).toEqual(['Dana Lee', 'Bob Jones'])
    expect(await names({ include_auth: true, order_by: ['role', 'name'], page_size: 2 })).toEqual(['Admin User', 'Fiona Green'])
    expect(await names({ active_in_projects: [org.projects.dev] })).toEqual(['Alice Smith'])
    expect(await names({ active_in_projects: [] })).toEqual(['Alice Smith', 'Bob Jones', 'Dana Lee'])
    const few = (await ok('users.get_all_ex', { include_activity: true, only_fields: ['name', 'activity.last_ui_access'], page_size: 1 })).users
    expect(few).toEqual([{ id: admin.id, name: 'Admin User', activity: { last_ui_access: expect.any(String) } }])
    await fails('users.get_all_ex', { name: '(' }, 400, 12)
    await fails('users.get_all_ex', { page_size: 0 }, 400, 12)
  })

  it('records activity: API credentials used to log in, and web UI use (cookie session)', async () => {
    const evan = org.people.evan
    const before = (await ok('users.get_all_ex', { id: [evan.id], include_activity: true })).users[0].activity
    expect(before.last_credentials_login).toBeNull()
    clockOffset = 3600 * 1000
    const { token } = await ok('auth.login', {}, evan)
    const after = (await ok('users.get_all_ex', { id: [evan.id], include_activity: true })).users[0].activity
    expect(Date.parse(after.last_credentials_login)).toBeGreaterThan(Date.now())
    expect(after.last_ui_access).toBe(before.last_ui_access)
    await call(srv.url, '/users.get_current_user', { headers: { cookie: `clearml_token_basic=${token}` } })
    const ui = (await ok('users.get_all_ex', { id: [evan.id], include_activity: true })).users[0].activity
    expect(Date.parse(ui.last_ui_access)).toBeGreaterThan(Date.now())
  })
})

describe('roles and removal', () => {
  it('users.get_role_options and users.set_role (Admins follows the role; not one\'s own role; members of other companies)', async () => {
    expect(await ok('users.get_role_options', {}, alice)).toEqual({ roles: [{ role: 'admin', display_name: 'Admin' }, { role: 'user', display_name: 'User' }, { role: 'consumer', display_name: 'Consumer' }] })
    expect(await ok('users.set_role', { user: bob.id, role: 'admin' })).toEqual({ updated: 1 })
    expect(await ok('users.set_role', { user: bob.id, role: 'admin' })).toEqual({ updated: 0 })
    const admins = (await ok('permissions.get_user_groups', { groups: [seed.groups.admins] }, bob)).groups[0]
    expect(admins.users.map((u: { id: string }) => u.id)).toEqual([admin.id, bob.id])
    await fails('users.set_role', { user: admin.id, role: 'user' }, 400, 12)
    await fails('users.set_role', { user: bob.id, role: 'root' }, 400, 12)
    await fails('users.set_role', { user: 'nope', role: 'user' }, 400, 301)
    await fails('users.set_role', { user: org.serviceAccounts.ci.id, role: 'admin' }, 400, 12) // allow_admins is false
    // in Research Lab the demo admin is a member with role user; its owner makes them an admin there
    const riley = seed.workspaces.researchLab.owner
    expect(await ok('users.set_role', { user: admin.id, role: 'admin' }, riley)).toEqual({ updated: 1 })
    expect((await ok('users.get_current_user', {}, seed.workspaces.researchLab.adminKey)).user.role).toBe('admin')
    expect((await ok('users.get_current_user')).user.role).toBe('admin')
  })

  it('auth.delete_user removes a user: gone from the lists, keys and sessions stop working, references stay', async () => {
    const fiona = org.people.fiona
    const { token } = await ok('auth.login', {}, fiona)
    expect(await ok('auth.delete_user', { user: fiona.id })).toEqual({ deleted: 1 })
    expect((await ok('users.get_all_ex', {})).users.map((u: { id: string }) => u.id)).not.toContain(fiona.id)
    expect((await ok('users.get_all')).users.map((u: { id: string }) => u.id)).not.toContain(fiona.id)
    await fails('users.get_current_user', {}, 401, 22, fiona)
    await fails('users.get_current_user', {}, 401, 30, { token })
    await fails('auth.delete_user', { user: fiona.id }, 400, 301)
    await fails('auth.delete_user', { user: admin.id }, 400, 12)
    await fails('auth.delete_user', { user: bob.id }, 403, 20, alice)
    // a member who joined from another company only leaves that workspace
    const riley = seed.workspaces.researchLab.owner
    expect(await ok('auth.delete_user', { user: admin.id }, riley)).toEqual({ deleted: 1 })
    await fails('users.get_current_user', {}, 401, 22, seed.workspaces.researchLab.adminKey)
    expect((await ok('users.get_current_user')).user.id).toBe(admin.id)
  })
})

// --- service accounts ----------------------------------------------------------------------------------------------------

describe('service accounts', () => {
  it('the seeded ones: one key expires within 7 days and was last used from worker agent-gpu-01', async () => {
    const list = await ok('users.get_service_users')
    expect(list).toEqual({
      users: [
        { id: org.serviceAccounts.ci.id, name: 'CI Pipeline', role: 'user', allow_running_as_owner: false, credentials: 1, last_active_time: expect.any(String) },
        { id: org.serviceAccounts.gpuAgent.id, name: 'GPU Agent', role: 'user', allow_running_as_owner: true, credentials: 1, last_active_time: expect.any(String) }
      ],
      allowed_service_users: null, allow_admins: false, default_expiration_sec: 90 * DAY, max_expiration_sec: 90 * DAY
    })
    const keys = (await ok('auth.get_credentials', {}, admin, as(org.serviceAccounts.gpuAgent.id))).credentials
    expect(keys).toEqual([{ access_key: org.serviceAccounts.gpuAgent.accessKey, created: expect.any(String), expire: org.serviceAccounts.gpuAgent.expire, label: 'agent-gpu-01', last_used: expect.any(String), last_used_from: 'agent-gpu-01' }])
    expect(Date.parse(keys[0].expire) - now()).toBeLessThan(7 * DAY * 1000)
    expect(Date.parse(keys[0].expire) - now()).toBeGreaterThan(0)
  })

  it('create (a key comes with it), list, update; keys managed as the account through X-Clearml-Impersonate-As; delete', async () => {
    const created = await ok('auth.create_service_user', { name: 'Autoscaler', credentials_expiration_sec: 3 * DAY })
    expect(Object.keys(created).sort()).toEqual(['credentials', 'id'])
    expect(Object.keys(created.credentials).sort()).toEqual(['access_key', 'expire', 'label', 'secret_key'])
    expect(Date.parse(created.credentials.expire) - now()).toBeGreaterThan(3 * DAY * 1000 - 5000)
    const key = { accessKey: created.credentials.access_key, secretKey: created.credentials.secret_key }
    const me = (await ok('users.get_current_user', {}, key)).user
    expect(me).toMatchObject({ id: created.id, name: 'Autoscaler', role: 'user' })
    expect((await ok('users.get_service_users')).users.at(-1)).toEqual({ id: created.id, name: 'Autoscaler', role: 'user', allow_running_as_owner: false, credentials: 1, last_active_time: expect.any(String) })
    // a member of the Users group, not listed among the people
    expect((await ok('users.get_all_ex')).users.map((u: { id: string }) => u.id)).not.toContain(created.id)
    expect((await ok('permissions.get_user_groups', { groups: [seed.groups.users] })).groups[0].users.map((u: { id: string }) => u.id)).toContain(created.id)

    // credentials of the account: the auth.* calls made as the account
    const second = (await ok('auth.create_credentials', { label: 'agent-gpu-07', expiration_sec: DAY }, admin, as(created.id))).credentials
    await ok('server.info', {}, { accessKey: second.access_key, secretKey: second.secret_key }, { 'X-Clearml-Worker': 'agent-gpu-07' })
    const keys = (await ok('auth.get_credentials', {}, admin, as(created.id))).credentials
    expect(keys.map((k: { label: string | null }) => k.label)).toEqual([null, 'agent-gpu-07'])
    expect(keys[1]).toMatchObject({ last_used_from: 'agent-gpu-07', last_used: expect.any(String) })
    expect((await ok('users.get_service_users')).users.at(-1).credentials).toBe(2)
    expect(await ok('auth.revoke_credentials', { access_key: second.access_key }, admin, as(created.id))).toEqual({ revoked: 1 })
    // the admin's own keys are untouched
    expect((await ok('auth.get_credentials')).credentials.map((k: { access_key: string }) => k.access_key)).toEqual([admin.accessKey])

    expect(await ok('users.update_service_user', { user: created.id, name: 'Autoscaler (AWS)', allow_running_as_owner: true })).toEqual({ updated: 1 })
    expect(await ok('users.update_service_user', { user: created.id, name: 'Autoscaler (AWS)' })).toEqual({ updated: 0 })
    await fails('users.update_service_user', { user: alice.id, name: 'x' }, 400, 301)
    await fails('users.update_service_user', { user: created.id, name: 'GPU Agent' }, 400, 12)
    await fails('auth.create_service_user', { name: 'CI Pipeline' }, 400, 12)
    await fails('auth.create_service_user', { name: 'Too long-lived', credentials_expiration_sec: 91 * DAY }, 400, 12)
    await fails('auth.create_service_user', { name: ' ' }, 400, 12)

    expect(await ok('auth.delete_user', { user: created.id })).toEqual({ deleted: 1 })
    expect((await ok('users.get_service_users')).users.map((u: { id: string }) => u.id)).not.toContain(created.id)
    await fails('server.info', {}, 401, 22, key)
  })

  it('impersonation: admins only (400/6), not both headers (400/5); an account allowed to run as owners may impersonate (never as an admin)', async () => {
    expect((await ok('users.get_current_user', {}, admin, as(alice.id))).user).toMatchObject({ id: alice.id, role: 'user' })
    expect((await ok('users.get_current_user', {}, admin, { 'X-Clearml-Act-As': alice.id })).user).toMatchObject({ id: alice.id, role: 'admin' })
    await fails('users.get_current_user', {}, 400, 6, alice, as(bob.id))
    await fails('users.get_current_user', {}, 400, 6, admin, as('no-such-user'))
    await fails('users.get_current_user', {}, 400, 6, admin, as(seed.workspaces.researchLab.owner.id)) // another company
    await fails('users.get_current_user', {}, 400, 5, admin, { ...as(alice.id), 'X-Clearml-Act-As': bob.id })
    // the role check is the impersonated user's: an admin acting as Alice gets 403 on admin endpoints
    await fails('users.get_service_users', {}, 403, 20, admin, as(alice.id))
    const agent = org.serviceAccounts.gpuAgent
    expect((await ok('users.get_current_user', {}, agent, as(alice.id))).user).toMatchObject({ id: alice.id, role: 'user' })
    expect((await ok('users.get_current_user', {}, agent, as(admin.id))).user).toMatchObject({ id: admin.id, role: 'user' })
    const { token } = await ok('auth.login', {}, agent, as(bob.id)) // the agent's --use-owner-token
    expect((await ok('users.get_current_user', {}, { token })).user.id).toBe(bob.id)
    await fails('users.get_current_user', {}, 400, 6, org.serviceAccounts.ci, as(alice.id)) // not allowed to run as owners
    await fails('users.get_current_user', {}, 400, 6, agent, { 'X-Clearml-Act-As': alice.id })
  })

  it('limits: allowedServiceUsers, allowServiceUserAdmins', async () => {
    const limited = await start({ allowedServiceUsers: 2, allowServiceUserAdmins: true })
    const a = limited.seed!.admin
    const r = await call(limited.url, '/auth.create_service_user', { basic: a, body: { name: 'Third' } })
    expectCode(r, 400, 12)
    expect(r.body.meta.error_data).toEqual({ allowed_service_users: 2 })
    expect(await ok('users.set_role', { user: limited.seed!.organisation.serviceAccounts.ci.id, role: 'admin' }, a, {}, limited)).toEqual({ updated: 1 })
    expect((await ok('users.get_service_users', {}, a, {}, limited))).toMatchObject({ allowed_service_users: 2, allow_admins: true, users: [{ role: 'admin' }, { role: 'user' }] })
    await expect(startServer({ quiet: true, allowedServiceUsers: -1 })).rejects.toThrow(RangeError)
  })
})

// --- usage ---------------------------------------------------------------------------------------------------------------

describe('usage analytics', () => {
  it('the configuration lists the metered categories', async () => {
    const c = await ok('organization.get_usage_configuration', {}, alice)
    expect(Object.keys(c.events)).toEqual(['cluster_compute', 'storage', 'users', 'service_accounts', 'api_calls'])
    expect(c.events.cluster_compute).toEqual({ display_name: 'Cluster Compute', type: 'compute', unit_name: 'GPU hours', count_strategy: 'sum', labels: { resource: 'Resource' }, read_only: true })
    expect(c.pricing).toEqual({ currency: 'USD', read_only: true })
  })

  it('daily series for the last 120 days, deterministic, comparable with the previous period', async () => {
    const current = await ok('organization.get_tenant_usages', { from_date: daysAgo(59), to_date: today() })
    const previous = await ok('organization.get_tenant_usages', { from_date: daysAgo(119), to_date: daysAgo(60) })
    expect(Object.keys(current).sort()).toEqual(['categories', 'currency', 'total_cost'])
    expect(current.currency).toBe('USD')
    const compute = current.categories.cluster_compute
    expect(Object.keys(compute).sort()).toEqual(['costs', 'count_strategy', 'dates', 'display_name', 'free', 'labels', 'total_cost', 'total_usage',
      'total_usage_type', 'type', 'unit_name', 'usages'])
    expect(compute.dates).toHaveLength(60)
    expect(compute.dates[59]).toBe(today())
    expect(compute.usages.every((u: number) => u > 0)).toBe(true)
    expect(compute.total_usage_type).toBe('total')
    expect(compute.total_usage).toBeCloseTo(compute.usages.reduce((a: number, b: number) => a + b, 0), 0)
    expect(Object.keys(compute.labels.resource)).toEqual(['gpu-a100', 'gpu-t4', 'cpu'])
    expect(current.categories.users).toMatchObject({ total_usage_type: 'latest', total_usage: 6 })
    expect(current.categories.service_accounts.total_usage).toBe(2)
    expect(previous.categories.storage.total_usage).toBeLessThan(current.categories.storage.total_usage)
    expect(await ok('organization.get_tenant_usages', { from_date: daysAgo(59), to_date: today() })).toEqual(current)
    expect(current.total_cost).toBeGreaterThan(0)

    const old = await ok('organization.get_tenant_usages', { from_date: daysAgo(200), to_date: daysAgo(121), categories: ['api_calls'], include_labels: false })
    expect(Object.keys(old.categories)).toEqual(['api_calls'])
    expect(old.categories.api_calls.usages.every((u: number) => u === 0)).toBe(true)
    expect(old.categories.api_calls.labels).toEqual({})
    await fails('organization.get_tenant_usages', { from_date: today(), to_date: daysAgo(1) }, 400, 12)
    await fails('organization.get_tenant_usages', { from_date: '2026-02-30', to_date: today() }, 400, 12)
    await fails('organization.get_tenant_usages', { from_date: daysAgo(1), to_date: today(), categories: ['gpu'] }, 400, 12)
    // a company without usage data: zeros
    const lab = await ok('organization.get_tenant_usages', { from_date: daysAgo(6), to_date: today() }, seed.workspaces.researchLab.owner)
    expect(lab.total_cost).toBe(0)
  })
})

// --- the objects behind the access-rule pickers ------------------------------------------------------------------------------

describe('projects, tasks, models, datasets and queues', () => {
  it('tasks with the same name are told apart by project, created, status and id', async () => {
    const { tasks, scroll_id } = await ok('tasks.get_all_ex', { name: '^train resnet50$', only_fields: ['name', 'project.name', 'created', 'status'], order_by: ['created'] })
    expect(typeof scroll_id).toBe('string')
    expect(tasks).toEqual([
      { id: org.tasks.resnetDev, name: 'train resnet50', project: { id: org.projects.dev, name: 'Dev Experiments' }, created: expect.any(String), status: 'completed' },
      { id: org.tasks.resnetVision, name: 'train resnet50', project: { id: org.projects.devVision, name: 'Dev Experiments/Vision' }, created: expect.any(String), status: 'failed' },
      { id: org.tasks.resnetResearch, name: 'train resnet50', project: { id: org.projects.research, name: 'Research Experiments' }, created: expect.any(String), status: 'in_progress' }
    ])
    const inDev = (await ok('tasks.get_all_ex', { project: [org.projects.dev], include_subprojects: true, only_fields: ['name'] })).tasks
    expect(inDev.map((t: { id: string }) => t.id).sort()).toEqual([org.tasks.resnetDev, org.tasks.resnetVision].sort())
    expect((await ok('tasks.get_all_ex', { status: ['queued'], only_fields: ['name', 'user.name'] })).tasks).toEqual([{ id: org.tasks.bert, name: 'bert finetune', user: { id: bob.id, name: 'Bob Jones' } }])
  })

  it('projects (subprojects, shallow search), models, datasets; search_text; paging and scrolling', async () => {
    const top = (await ok('projects.get_all_ex', { shallow_search: true, only_fields: ['name'] })).projects.map((p: { name: string }) => p.name)
    expect(top).toEqual(['Dev Experiments', 'Research Experiments', 'Shared Datasets', 'Platform'])
    const dev = (await ok('projects.get_all_ex', { id: [org.projects.dev], check_own_contents: true })).projects[0]
    expect(dev).toMatchObject({ name: 'Dev Experiments', basename: 'Dev Experiments', sub_projects: [{ id: org.projects.devVision, name: 'Dev Experiments/Vision' }], own_tasks: 1, own_models: 1 })
    expect((await ok('projects.get_all_ex', { search_text: 'vision', only_fields: ['basename'] })).projects).toEqual([{ id: org.projects.devVision, basename: 'Vision' }])
    expect((await ok('models.get_all_ex', { ready: true, only_fields: ['name', 'framework'] })).models).toEqual([{ id: org.models.resnet, name: 'resnet50-best', framework: 'PyTorch' }])
    const first = await ok('datasets.get_all_ex', { size: 2, only_fields: ['name'] })
    const rest = await ok('datasets.get_all_ex', { size: 2, scroll_id: first.scroll_id, only_fields: ['name'] })
    expect([...first.datasets, ...rest.datasets].map((d: { name: string }) => d.name)).toEqual(['COCO 2017', 'ImageNet subset', 'Customer reviews'])
    await fails('datasets.get_all_ex', { size: 2, scroll_id: 'bogus' }, 400, 12)
  })

  it('queues.get_all lists the queues and the resource policies\' queues, searchable by display name', async () => {
    const { queues } = await ok('queues.get_all', { only_fields: ['name', 'display_name'] }, alice)
    expect(queues.map((q: { name: string }) => q.name)).toEqual(['default', 'gpu_queue', 'cpu_queue', 'services', 'dev_team_4xgpu', 'research_team_4xgpu'])
    expect((await ok('queues.get_all', { search_text: 'Dev Team' })).queues).toEqual([expect.objectContaining({
      id: seed.resources.queues.dev, display_name: 'Dev Team 4xGPU', entries: expect.any(Array),
      profile_connection: { policy: seed.resources.policies.dev, policy_name: 'Dev Team', profile: seed.resources.profiles.gpu4, user_group: seed.groups.mlTeam }
    })])
    expect((await ok('queues.get_all', { id: [org.queues.gpu] })).queues[0].entries).toEqual([{ task: org.tasks.bert, added: null }])
    expect((await ok('queues.get_all', { name: '^GPU' })).queues.map((q: { id: string }) => q.id)).toEqual([org.queues.gpu])
  })
})
