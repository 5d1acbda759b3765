import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningServer, type SeedInfo, USERS_GROUP_ID, endpointRegistry, startServer } from '../../server/src/index'
import { ENTERPRISE_CATALOG, type Key, checkAgainstCatalog } from './catalog'
import { call, expectCode } from './helpers'

/**
 * Access rules (clearml-enterprise-api.md §1.3; spec/settings-page.md "Access Rules"): the permissions.* rule endpoints
 * against the catalog, validation, the demo rules, and permissions.check_entity_access (the effective-access explainer)
 * with the project inheritance, "*", top-level rules, admins, RBAC off, impersonation and router tokens.
 */

const REGISTRY = endpointRegistry('enterprise')
let srv: RunningServer
let seed: SeedInfo
let admin: Key & { id: string }
let alice: Key & { id: string }
let bob: Key & { id: string }
let org: SeedInfo['organisation']

beforeEach(async () => {
  srv = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true })
  seed = srv.seed!
  admin = seed.admin
  alice = seed.member
  bob = seed.outsider
  org = seed.organisation
})
afterEach(() => srv.close())

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function ok(name: string, body: unknown = {}, who: Key = admin, headers: Record<string, string> = {}): Promise<any> {
  return expectCode(await call(srv.url, `/${name}`, { basic: who, body, headers }), 200, 0).body.data
}
async function fails(name: string, body: unknown, code: number, subcode: number, who: Key = admin, headers: Record<string, string> = {}) {
  return expectCode(await call(srv.url, `/${name}`, { basic: who, body, headers }), code, subcode).body.meta
}
const check = (who: Key, entity_type: string, entity_id: string, access_permission = 'read', headers: Record<string, string> = {}) =>
  ok('permissions.check_entity_access', { entity_type, entity_id, access_permission }, who, headers)
const rule = (fields: Record<string, unknown>) => ok('permissions.add_or_update_access_rule', {
  name: 'Rule', description: '', entity_type: 'project', entity_id: '*', access_permission: 'read', groups: [], users: [], ...fields
})

const VALID: Record<string, (who: Key) => Promise<Record<string, unknown>>> = {
  'permissions.get_access_rules': async () => ({}),
  'permissions.add_or_update_access_rule': async () => ({
    name: 'ML Team reads Research', description: 'read only', entity_type: 'project', entity_id: org.projects.research, access_permission: 'read',
    groups: [seed.groups.mlTeam], users: []
  }),
  'permissions.delete_access_rules': async () => ({ rules: ['no-such-rule'] }),
  'permissions.restore_default_access_rules': async () => ({}),
  'permissions.ensure_default_access_rules': async () => {
    srv.setPermissionsEnabled(false) // works only while permissions are disabled
    return { groups: ['users'] }
  },
  'permissions.get_entity_access_categories': async () => ({}),
  'permissions.get_company_users': async () => ({}),
  'permissions.check_entity_access': async () => ({ entity_type: 'task', entity_id: org.tasks.resnetDev, access_permission: 'read' })
}

describe('the catalog entries of the access-rule endpoints', () => {
  it.each(Object.keys(VALID).sort())('%s', async (name) => {
    expect(ENTERPRISE_CATALOG[name], name).toBeDefined()
    const ep = REGISTRY.find((e) => e.name === name)!
    expect(ep, name).toBeDefined()
    await checkAgainstCatalog({ url: srv.url, entry: ENTERPRISE_CATALOG[name], ep, admin, member: alice, valid: VALID[name] })
  })
})

describe('rules', () => {
  it('the demo rules: the Admins\' defaults and eight custom ones, with resolved entity names, groups and users', async () => {
    const { rules } = await ok('permissions.get_access_rules')
    const defaults = rules.filter((r: { autocreated: boolean }) => r.autocreated)
    expect(defaults.map((r: { entity_type: string }) => r.entity_type)).toEqual(['project', 'queue', 'dataset', 'dataview', 'route', 'app', 'app_category'])
    expect(defaults[0]).toMatchObject({ id: 'default_admins_project', entity_id: '*', access_permission: 'read_write', groups: [{ id: seed.groups.admins, name: 'Admins' }] })
    const byId = Object.fromEntries(rules.map((r: { id: string }) => [r.id, r]))
    for (const r of rules) {
      expect(Object.keys(r).sort()).toEqual(['access_permission', 'autocreated', 'description', 'entity_display_name', 'entity_id', 'entity_name', 'entity_type',
        'groups', 'id', 'metadata', 'name', 'users'])
    }
    expect(byId[org.accessRules.mlTeamDev]).toMatchObject({
      name: 'ML Team owns Dev Experiments', entity_type: 'project', entity_id: org.projects.dev, entity_name: 'Dev Experiments', entity_display_name: null,
      access_permission: 'read_write', groups: [{ id: seed.groups.mlTeam, name: 'ML Team' }], users: [], autocreated: false, metadata: {}
    })
    expect(byId[org.accessRules.ciGpuQueue]).toMatchObject({
      entity_name: 'gpu_queue', entity_display_name: 'GPU queue',
      users: [{ id: org.serviceAccounts.ci.id, name: 'CI Pipeline', email: null }, { id: org.serviceAccounts.gpuAgent.id, name: 'GPU Agent', email: null }]
    })
    expect(byId[org.accessRules.bobResearch].users).toEqual([{ id: bob.id, name: 'Bob Jones', email: 'bob@demo.example' }])
    expect(byId[org.accessRules.everyoneReadsProjects]).toMatchObject({ entity_id: '*', entity_name: null, groups: [{ id: USERS_GROUP_ID, name: 'Users' }] })
    expect((await ok('permissions.get_access_rules', { rules: [org.accessRules.bobResearch, 'nope'] })).rules).toHaveLength(1)
    expect((await ok('permissions.get_access_rules', { rules: [] })).rules).toHaveLength(rules.length) // empty = all
    expect(seed.counts.accessRules).toBe(rules.length)
  })

  it('add_or_update_access_rule validates; an unknown id creates a rule with that id; updates keep the id; default rules cannot be edited', async () => {
    const base = { name: 'R', description: 'd', entity_type: 'project', entity_id: org.projects.dev, access_permission: 'read', groups: [seed.groups.mlTeam], users: [] }
    expect((await fails('permissions.add_or_update_access_rule', { ...base, groups: [], users: [] }, 400, 12)).result_msg).toContain('at least one assignee')
    await fails('permissions.add_or_update_access_rule', { ...base, groups: ['no-such-group'] }, 400, 10)
    await fails('permissions.add_or_update_access_rule', { ...base, users: ['no-such-user'] }, 400, 301)
    await fails('permissions.add_or_update_access_rule', { ...base, entity_id: 'no-such-project' }, 400, 10)
    await fails('permissions.add_or_update_access_rule', { ...base, entity_type: 'report' }, 400, 12)
    await fails('permissions.add_or_update_access_rule', { ...base, access_permission: 'write' }, 400, 12)
    await fails('permissions.add_or_update_access_rule', { ...base, name: '  ' }, 400, 12)
    await fails('permissions.add_or_update_access_rule', { ...base, entity_type: 'queue', entity_id: null }, 400, 12)
    await fails('permissions.add_or_update_access_rule', { ...base, id: 'default_admins_project' }, 400, 12)
    const missing = await fails('permissions.add_or_update_access_rule', {}, 400, 11)
    expect([...(missing.error_data.fields as string[])].sort()).toEqual(['access_permission', 'description', 'entity_type', 'groups', 'name', 'users'])

    expect(await ok('permissions.add_or_update_access_rule', { ...base, id: 'my-rule' })).toEqual({ id: 'my-rule', name: 'R' })
    expect(await ok('permissions.add_or_update_access_rule', { ...base, id: 'my-rule', name: 'R2', users: [bob.id], groups: [] })).toEqual({ id: 'my-rule', name: 'R2' })
    const [mine] = (await ok('permissions.get_access_rules', { rules: ['my-rule'] })).rules
    expect(mine).toMatchObject({ name: 'R2', users: [{ id: bob.id }], groups: [] })
    // top level (project rules only), apps and categories as given, categories always read & modify
    expect((await rule({ entity_id: null, users: [alice.id] })).id).toBeTruthy()
    const app = await rule({ entity_type: 'app', entity_id: 'vscode', users: [alice.id] })
    const category = await rule({ entity_type: 'app_category', entity_id: 'AI dev', users: [alice.id] })
    const listed = Object.fromEntries((await ok('permissions.get_access_rules', { rules: [app.id, category.id] })).rules.map((r: { id: string }) => [r.id, r]))
    expect(listed[app.id]).toMatchObject({ entity_id: 'vscode', entity_name: null, access_permission: 'read' })
    expect(listed[category.id]).toMatchObject({ entity_id: 'AI dev', access_permission: 'read_write' })

    expect(await ok('permissions.delete_access_rules', { rules: ['my-rule', 'my-rule', 'nope'] })).toEqual({ deleted: 1 })
    await fails('permissions.delete_access_rules', {}, 400, 11)
  })

  it('restore_default_access_rules re-creates and resets the defaults; ensure_default_access_rules only while permissions are off', async () => {
    expect(await ok('permissions.restore_default_access_rules')).toEqual({ restored: 7 }) // the Users group's seven
    expect(await ok('permissions.restore_default_access_rules')).toEqual({ restored: 0 })
    await ok('permissions.delete_access_rules', { rules: ['default_users_queue', 'default_admins_app'] })
    expect(await ok('permissions.restore_default_access_rules')).toEqual({ restored: 2 })
    await fails('permissions.ensure_default_access_rules', {}, 400, 12)
    srv.setPermissionsEnabled(false)
    await ok('permissions.delete_access_rules', { rules: ['default_users_queue', 'default_admins_app'] })
    expect(await ok('permissions.ensure_default_access_rules', { groups: ['admins'] })).toEqual({ restored: 1 })
    expect(await ok('permissions.ensure_default_access_rules', {})).toEqual({ restored: 1 })
    await fails('permissions.ensure_default_access_rules', { groups: ['everyone'] }, 400, 12)
  })

  it('get_entity_access_categories and get_company_users (service accounts included)', async () => {
    const { entity_types } = await ok('permissions.get_entity_access_categories')
    expect(entity_types.map((t: { type: string }) => t.type)).toEqual(['task', 'model', 'project', 'queue', 'dataset', 'dataview', 'route', 'app', 'app_category'])
    expect(entity_types.find((t: { type: string }) => t.type === 'app_category').categories).toEqual(['read_write'])
    const { users } = await ok('permissions.get_company_users')
    expect(users).toContainEqual({ id: org.serviceAccounts.ci.id, name: 'CI Pipeline', email: null, role: 'user' })
    expect(users).toContainEqual({ id: alice.id, name: 'Alice Smith', email: 'alice@demo.example', role: 'user' })
    expect(users).toHaveLength(seed.counts.users)
  })
})

describe('permissions.check_entity_access: the effective access and why', () => {
  it('a project rule covers its subprojects and their tasks; "*" gives read; a direct user rule', async () => {
    const a = await check(alice, 'task', org.tasks.resnetVision, 'read_write')
    expect(a).toMatchObject({
      allowed: true, requested_permission: 'read_write', access_permission: 'read_write', reason: 'rule',
      user: { id: alice.id, name: 'Alice Smith', role: 'user' }, entity: { type: 'task', id: org.tasks.resnetVision, name: 'train resnet50', display_name: null }
    })
    expect(a.rules).toEqual(expect.arrayContaining([
      expect.objectContaining({ id: org.accessRules.mlTeamDev, match: 'project', via_project: { id: org.projects.dev, name: 'Dev Experiments' },
        assigned: [{ type: 'group', id: seed.groups.mlTeam, name: 'ML Team' }] }),
      expect.objectContaining({ id: org.accessRules.everyoneReadsProjects, match: 'all', access_permission: 'read', assigned: [{ type: 'group', id: USERS_GROUP_ID, name: 'Users' }] })
    ]))
    expect(await check(bob, 'task', org.tasks.resnetVision, 'read_write')).toMatchObject({ allowed: false, access_permission: 'read', reason: 'insufficient' })
    expect(await check(bob, 'task', org.tasks.resnetVision, 'read')).toMatchObject({ allowed: true, access_permission: 'read' })
    const b = await check(bob, 'task', org.tasks.resnetResearch, 'read_write')
    expect(b).toMatchObject({ allowed: true, access_permission: 'read_write' })
    expect(b.rules).toContainEqual(expect.objectContaining({ id: org.accessRules.bobResearch, assigned: [{ type: 'user', id: bob.id, name: 'Bob Jones' }] }))
    // models and datasets in a project are covered by its rules too; the project itself by direct rules
    expect(await check(alice, 'model', org.models.resnet, 'read_write')).toMatchObject({ allowed: true })
    expect(await check(alice, 'project', org.projects.dev, 'read_write')).toMatchObject({ allowed: true, rules: expect.arrayContaining([expect.objectContaining({ match: 'direct' })]) })
    expect(await check(bob, 'dataset', org.datasets.coco)).toMatchObject({ allowed: true, access_permission: 'read' })
    const dana = org.people.dana
    expect(await check(dana, 'task', org.tasks.dataPrep, 'read_write')).toMatchObject({ allowed: true, rules: expect.arrayContaining([expect.objectContaining({ match: 'direct' })]) })
  })

  it('queues have their own rules only; admins may do everything; with permissions off everyone may', async () => {
    expect(await check(alice, 'queue', org.queues.gpu)).toMatchObject({ allowed: false, access_permission: null, reason: 'no_rule', rules: [] })
    expect(await check(alice, 'queue', org.queues.default, 'read_write')).toMatchObject({ allowed: true })
    expect(await check(org.people.dana, 'queue', org.queues.gpu, 'read_write')).toMatchObject({ allowed: true, entity: { name: 'gpu_queue', display_name: 'GPU queue' } })
    expect(await check(org.serviceAccounts.gpuAgent, 'queue', org.queues.gpu, 'read_write')).toMatchObject({ allowed: true })
    // a resource policy's queue is a queue too
    expect(await check(alice, 'queue', seed.resources.queues.dev)).toMatchObject({ allowed: false, entity: { name: 'dev_team_4xgpu', display_name: 'Dev Team 4xGPU' } })
    expect(await check(admin, 'queue', org.queues.gpu, 'read_write')).toMatchObject({ allowed: true, reason: 'admin', access_permission: 'read_write' })
    srv.setPermissionsEnabled(false)
    expect(await check(alice, 'queue', org.queues.gpu, 'read_write')).toMatchObject({ allowed: true, reason: 'permissions_disabled' })
  })

  it('a top-level project rule covers top-level projects, not their contents', async () => {
    const fiona = org.people.fiona
    await rule({ name: 'Fiona: top level', entity_id: null, access_permission: 'read_write', users: [fiona.id] })
    const top = await check(fiona, 'project', org.projects.platform, 'read_write')
    expect(top).toMatchObject({ allowed: true })
    expect(top.rules).toContainEqual(expect.objectContaining({ match: 'top_level', entity_id: null }))
    expect(await check(fiona, 'project', org.projects.devVision, 'read_write')).toMatchObject({ allowed: false, access_permission: 'read' })
    expect(await check(fiona, 'task', org.tasks.nightlyEval, 'read_write')).toMatchObject({ allowed: false })
  })

  it('for another user: the impersonation header (admins) or a router user token', async () => {
    const asBob = await check(admin, 'task', org.tasks.resnetVision, 'read_write', { 'X-Clearml-Impersonate-As': bob.id })
    expect(asBob).toMatchObject({ allowed: false, user: { id: bob.id } })
    const { token } = await ok('auth.generate_router_token', { label: 'bob', user: bob.id })
    expect(await ok('permissions.check_entity_access', { entity_type: 'task', entity_id: org.tasks.resnetResearch, access_permission: 'read_write', token }, alice))
      .toMatchObject({ allowed: true, user: { id: bob.id } })
    await fails('permissions.check_entity_access', { entity_type: 'task', entity_id: org.tasks.resnetResearch, token: 'nope' }, 400, 12, alice)
    await fails('permissions.check_entity_access', { entity_type: 'task', entity_id: 'no-such-task' }, 400, 10, alice)
    await fails('permissions.check_entity_access', { entity_id: org.tasks.resnetResearch }, 400, 12, alice)
    await fails('permissions.check_entity_access', { entity_type: 'task' }, 400, 12, alice)
  })
})

describe('what the Access Rules screen asks besides the rules', () => {
  it('the pickers: same-named tasks with project, status and owner; queues by display name; projects by path', async () => {
    const tasks = await ok('tasks.get_all_ex', { search_text: 'RESNET', only_fields: ['id', 'name', 'project.name', 'status', 'user.name'], order_by: ['-last_update'] })
    expect(tasks.tasks.map((t: { project: { name: string } }) => t.project.name).sort()).toEqual(['Dev Experiments', 'Dev Experiments/Vision', 'Research Experiments'])
    expect(tasks.tasks.every((t: { user: { name: string }; status: string }) => t.user.name && t.status)).toBe(true)
    const queues = await ok('queues.get_all', { search_text: 'gpu q', only_fields: ['id', 'name', 'display_name'] })
    expect(queues.queues.map((q: { id: string }) => q.id)).toEqual([org.queues.gpu])
    // the explainer's project chain: a subproject's parents by their path names
    const parents = await ok('projects.get_all_ex', { name: '^(?:Dev Experiments)$', only_fields: ['id', 'name'] })
    expect(parents.projects).toEqual([{ id: org.projects.dev, name: 'Dev Experiments' }])
  })

  it('a person\'s groups as the server sees them (users.get_current_user as them), service accounts included', async () => {
    const me = await ok('users.get_current_user', {}, admin, { 'X-Clearml-Impersonate-As': alice.id })
    expect(me.sec_groups.map((g: { name: string }) => g.name).sort()).toEqual(['ML Team', 'Users'])
    const ci = await ok('users.get_current_user', {}, admin, { 'X-Clearml-Impersonate-As': org.serviceAccounts.ci.id })
    expect(ci.sec_groups.map((g: { id: string }) => g.id)).toContain(USERS_GROUP_ID)
    const services = await ok('users.get_service_users', {})
    expect(services.users.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([org.serviceAccounts.ci.id, org.serviceAccounts.gpuAgent.id]))
  })
})
