// Access Rules (RBAC) against the reference server (enterprise): the rules table with the View / target / assignee
// filters and local search and paging, the "nobody-everyone" warning, the pickers (objects from the server's lists,
// tasks told apart; users, service accounts and groups), create / edit / delete with field errors, the effective-access
// explainer compared with the server's own check, a non-administrator refused with the explanation, and offline.
import { afterEach, describe, expect, it } from 'vitest'
import { ASSIGNEE_REQUIRED, NOT_ADMIN_MESSAGE } from '../../shared/domain/access-rules'
import { api, connect, failure, goOffline, startEnv, stopEnv, type Env } from './user-settings.fixture'

let env: Env | undefined
afterEach(async () => {
  await stopEnv(env)
  env = undefined
})

const list = (o: Record<string, unknown> = {}) =>
  env!.core.invoke('accessRules.list', { search: '', orderBy: 'type', descending: false, page: 0, pageSize: 100, type: 'all', target: null, assignee: null, refresh: false, ...o } as never)

describe('the rules table', () => {
  it('lists the rules; filters by type (View), target and assignee; searches and pages locally', async () => {
    env = await startEnv()
    await connect(env)
    const seed = env.server.seed!
    const org = seed.organisation
    const all = await list({ refresh: true })
    expect(all.source).toBe('server')
    expect(all.total).toBe(seed.counts.accessRules)
    const queues = await list({ type: 'queue' })
    expect(queues.items.map((r) => r.name).sort()).toEqual(['Admins: all queues', 'CI uses the GPU queue', 'Everyone uses the default queue', 'Platform Team manages queues'])
    const gpu = await list({ target: org.queues.gpu })
    expect(gpu.items.map((r) => r.name)).toEqual(['CI uses the GPU queue'])
    expect(gpu.items[0].entityName).toBe('GPU queue')
    const ci = await list({ assignee: org.serviceAccounts.ci.id })
    expect(ci.items.map((r) => r.name)).toEqual(['CI uses the GPU queue'])
    const ml = await list({ assignee: seed.groups.mlTeam })
    expect(ml.items.map((r) => r.name)).toEqual(['ML Team owns Dev Experiments'])
    expect((await list({ search: 'dana' })).items.map((r) => r.name)).toEqual(['Dana edits the data prep task'])
    const p0 = await list({ pageSize: 5, orderBy: 'name' })
    const p1 = await list({ pageSize: 5, orderBy: 'name', page: 1 })
    expect(p0.items).toHaveLength(5)
    expect(new Set([...p0.items, ...p1.items].map((r) => r.id)).size).toBe(p0.items.length + p1.items.length)

    // facets for the column filters, with counts
    const targets = await env.core.invoke('accessRules.facets', { kind: 'target', type: 'queue', search: '' })
    expect(targets.find((t) => t.value === org.queues.gpu)?.label).toBe('GPU queue')
    const assignees = await env.core.invoke('accessRules.facets', { kind: 'assignee', type: 'all', search: 'platform' })
    expect(assignees.map((a) => a.label)).toEqual(['Platform Team'])
  })

  it('warns when no rule gives everyone access (RBAC on): the demo opens projects and datasets, not queues', async () => {
    env = await startEnv()
    await connect(env)
    const s = await env.core.invoke('accessRules.summary', { refresh: true })
    expect(s.everyoneGroup?.name).toBe('Users')
    expect(s.closedToEveryone).toEqual(['dataview', 'queue'])
    expect(s.byType.queue).toBe(4)
    await env.core.invoke('accessRules.restoreDefaults', {})
    expect((await env.core.invoke('accessRules.summary', {})).closedToEveryone).toEqual([])
  })
})

describe('pickers', () => {
  it('objects from the server lists (same-named tasks told apart), searched; users, service accounts and groups', async () => {
    env = await startEnv()
    await connect(env)
    const tasks = await env.core.invoke('accessRules.objects', { type: 'task', search: 'resnet', limit: 50 })
    expect(tasks.map((t) => t.name)).toEqual(['train resnet50', 'train resnet50', 'train resnet50'])
    expect(new Set(tasks.map((t) => t.detail)).size).toBe(3)
    expect(tasks.map((t) => t.detail).join('\n')).toMatch(/Dev Experiments\/Vision · failed/)
    const queues = await env.core.invoke('accessRules.objects', { type: 'queue', search: 'GPU q', limit: 50 })
    expect(queues.map((q) => q.name)).toEqual(['GPU queue'])
    const people = await env.core.invoke('accessRules.assignees', { search: 'a', kinds: ['user', 'service', 'group'], limit: 100 })
    expect(people.find((p) => p.name === 'CI Pipeline')?.kind).toBe('service')
    expect(people.find((p) => p.name === 'Dana Lee')?.kind).toBe('user')
    expect(people.find((p) => p.name === 'Platform Team')?.kind).toBe('group')
    expect((await env.core.invoke('accessRules.assignees', { search: 'dana@', kinds: ['user'], limit: 10 })).map((p) => p.name)).toEqual(['Dana Lee'])
  })
})

describe('create, edit, delete', () => {
  it('creates a rule on one task, edits it, deletes it; refuses a rule with no assignee at the field', async () => {
    env = await startEnv()
    await connect(env)
    const org = env.server.seed!.organisation
    const none = await failure(env, 'accessRules.save', { entityType: 'task', entityId: org.tasks.bert, access: 'read', users: [], groups: [] })
    expect(none.code).toBe('invalid_input')
    expect(none.details?.issues?.[0]).toEqual({ path: 'assignees', message: ASSIGNEE_REQUIRED })
    const noType = await failure(env, 'accessRules.save', { entityId: '*', users: [org.people.evan.id] } as never)
    expect(noType.details?.issues?.map((i) => i.path)).toContain('entityType')
    const gone = await failure(env, 'accessRules.save', { entityType: 'task', entityId: 'no-such-task', access: 'read', users: [org.people.evan.id], groups: [] })
    expect(gone.details?.field).toBe('entityId')

    const saved = await env.core.invoke('accessRules.save', { entityType: 'task', entityId: org.tasks.bert, entityName: 'bert finetune', access: 'read', users: [org.people.evan.id], groups: [] })
    expect(saved.name).toBe('Tasks: bert finetune')
    let rows = await list({ target: org.tasks.bert })
    expect(rows.items).toHaveLength(1)
    expect(rows.items[0]).toMatchObject({ access: 'read', entityName: 'bert finetune', users: [{ name: 'Evan Park' }] })
    const onServer = await api<{ rules: Array<{ id: string; users: Array<{ id: string }> }> }>(env, 'permissions.get_access_rules', { rules: [saved.id] })
    expect(onServer.rules[0].users.map((u) => u.id)).toEqual([org.people.evan.id])

    await env.core.invoke('accessRules.save', { id: saved.id, name: saved.name, entityType: 'task', entityId: org.tasks.bert, access: 'read_write', users: [], groups: [org.groups.platform] })
    rows = await list({ target: org.tasks.bert })
    expect(rows.items[0]).toMatchObject({ access: 'read_write', users: [], groups: [{ name: 'Platform Team' }] })

    // application categories: always read & modify
    const cat = await env.core.invoke('accessRules.save', { entityType: 'app_category', entityId: 'Notebooks', access: 'read', users: [], groups: [org.groups.platform] })
    expect((await list({ target: 'Notebooks' })).items[0]).toMatchObject({ id: cat.id, access: 'read_write' })

    expect((await env.core.invoke('accessRules.delete', { ids: [saved.id, cat.id] })).deleted).toBe(2)
    expect((await list({ target: org.tasks.bert })).total).toBe(0)
  })
})

describe('the effective-access explainer', () => {
  it('inheritance through the parent project and a group, agreeing with the server', async () => {
    env = await startEnv()
    await connect(env)
    const seed = env.server.seed!
    const org = seed.organisation
    // Alice (ML Team) and a task in Dev Experiments/Vision: the ML Team rule on the parent project grants read & modify
    const r = await env.core.invoke('accessRules.explain', { user: seed.member.id, entityType: 'task', entityId: org.tasks.resnetVision, access: 'read_write' })
    expect(r.resource.projects.map((p) => p.name)).toEqual(['Dev Experiments/Vision', 'Dev Experiments'])
    expect(r.local).toMatchObject({ verdict: 'read_write', allowed: true, reason: 'rule' })
    const top = r.local.grants[0]
    expect(top).toMatchObject({ match: 'project', viaProject: { name: 'Dev Experiments' }, through: [{ kind: 'group', name: 'ML Team' }] })
    expect(r.server).toMatchObject({ allowed: true, verdict: 'read_write', error: null })
    expect(r.disagreement).toBeNull()
    expect(r.permissionsEnabled).toBe(true)

    // a service account and a queue it was not given: no access, as the server says
    const q = await env.core.invoke('accessRules.explain', { user: org.serviceAccounts.ci.id, entityType: 'queue', entityId: org.queues.cpu, access: 'read' })
    expect(q.subject.serviceAccount).toBe(true)
    expect(q.local).toMatchObject({ verdict: 'none', allowed: false, reason: 'no_rule' })
    expect(q.server).toMatchObject({ allowed: false, verdict: 'none' })
    // Dana's own task rule does not reach another task of the same project
    const d = await env.core.invoke('accessRules.explain', { user: org.people.dana.id, entityType: 'task', entityId: org.tasks.dataPrep, access: 'read_write' })
    expect(d.local.grants[0]).toMatchObject({ match: 'direct', through: [{ kind: 'user' }] })
  })

  it('flags a disagreement when the rules read here are out of date', async () => {
    env = await startEnv()
    await connect(env)
    const seed = env.server.seed!
    const org = seed.organisation
    await list({ refresh: true })
    // changed behind the console's back: Fiona gets the CPU queue
    await api(env, 'permissions.add_or_update_access_rule', {
      name: 'Fiona cpu', description: '', entity_type: 'queue', entity_id: org.queues.cpu, access_permission: 'read', groups: [], users: [org.people.fiona.id]
    })
    const r = await env.core.invoke('accessRules.explain', { user: org.people.fiona.id, entityType: 'queue', entityId: org.queues.cpu, access: 'read' })
    expect(r.local.verdict).toBe('none')
    expect(r.server?.verdict).toBe('read')
    expect(r.disagreement).toMatch(/server says Read Only/)
  })
})

describe('non-administrators and offline', () => {
  it('a non-administrator is refused with the explanation', async () => {
    env = await startEnv()
    await connect(env, { user: env.server.seed!.member, name: 'Alice' })
    const e = await failure(env, 'accessRules.list', { refresh: true } as never)
    expect(e.code).toBe('forbidden')
    expect(e.message).toBe(NOT_ADMIN_MESSAGE)
  })

  it('offline: the cached rules with their age; every change refused with the reason', async () => {
    env = await startEnv()
    await connect(env)
    const org = env.server.seed!.organisation
    const first = await list({ refresh: true })
    await goOffline(env)
    const cached = await list({ type: 'queue' })
    expect(cached.source).toBe('cache')
    expect(cached.fetchedAt).toBe(first.fetchedAt)
    const save = await failure(env, 'accessRules.save', { entityType: 'queue', entityId: '*', access: 'read', users: [org.people.evan.id], groups: [] })
    expect(save.code).toBe('offline')
    expect(save.message).toMatch(/Nothing was changed/)
    expect((await failure(env, 'accessRules.delete', { ids: [org.accessRules.danaDataPrep] })).code).toBe('offline')
    expect((await failure(env, 'accessRules.restoreDefaults', {})).code).toBe('offline')
  })

  it('offline after a restart: the cache answers with its age', async () => {
    env = await startEnv()
    await connect(env)
    const first = await list({ refresh: true })
    await goOffline(env)
    // a fresh core (as after a restart) over the same data folder
    await env.core.close()
    const { createCore } = await import('../../electron/core')
    const { join } = await import('node:path')
    env.core = await createCore({ dataDir: join(env.dir, 'core'), retryMinMs: 100, retryMaxMs: 300, heartbeatMs: 200, requestTimeoutMs: 1500 })
    const page = await list({ type: 'queue' })
    expect(page.source).toBe('cache')
    expect(page.fetchedAt).toBe(first.fetchedAt)
    expect(page.total).toBe(4)
  })
})
