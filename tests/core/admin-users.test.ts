// Users & Groups against the reference server (enterprise): the users sync into the local table (and a second sync
// that picks up changes and removals), local search/sort/paging, invitations, removal, roles, user groups, a
// non-administrator refused with the explanation, and offline answers from the synced table.
import { afterEach, describe, expect, it } from 'vitest'
import { NOT_ADMIN_MESSAGE } from '../../shared/domain/admin-users'
import { until } from './helpers'
import { api, connect, failure, goOffline, startEnv, stopEnv, type Env } from './user-settings.fixture'

let env: Env | undefined
afterEach(async () => {
  await stopEnv(env)
  env = undefined
})

const q = (o: Partial<{ search: string; orderBy: 'name' | 'email' | 'status' | 'role' | 'id' | 'lastLogin' | 'credentialsUsed' | 'uiAccess' | 'added'; descending: boolean; page: number; pageSize: number }> = {}) => ({
  search: '',
  orderBy: 'name' as const,
  descending: false,
  page: 0,
  pageSize: 100,
  ...o
})

describe('users: sync and local queries', () => {
  it('syncs the users with groups, activity and the pending invitation, and the access rules', async () => {
    env = await startEnv()
    await connect(env)
    const seed = env.server.seed!
    const sync = await env.core.invoke('admin.users.sync', {})
    expect(sync.users).toBe(6)
    expect(sync.invites).toBe(1)
    expect(sync.rules).toBe(seed.counts.accessRules)
    // the group names follow the sync (refreshed afterwards)
    await until(() => env!.core.invoke('admin.groups', {}).then((g) => g.total).catch(() => 0), (n) => n > 0)

    const page = await env.core.invoke('admin.users', q())
    expect(page.source).toBe('server')
    expect(page.total).toBe(7)
    expect(page.items.map((u) => u.name)).toEqual(['Admin User', 'Alice Smith', 'Bob Jones', 'carol@demo.example', 'Dana Lee', 'Evan Park', 'Fiona Green'])
    const alice = page.items.find((u) => u.name === 'Alice Smith')!
    expect(alice.status).toBe('active')
    expect(alice.id).toBe(seed.member.id)
    expect(alice.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['Users', 'ML Team']))
    expect(alice.uiAccess).toBeTruthy()
    const carol = page.items.find((u) => u.email === 'carol@demo.example')!
    expect(carol.status).toBe('pending')
    expect(carol.added).toBeTruthy()
    const dana = page.items.find((u) => u.name === 'Dana Lee')!
    expect(dana.email).toBe('dana@demo.example')
    expect(dana.lastLogin).toBeTruthy()
    expect(dana.lastProvider).toBeTruthy()
    const state = await env.core.invoke('admin.users.syncState', {})
    expect(state.users?.count).toBe(7)
    expect(state.rules?.count).toBe(seed.counts.accessRules)
  })

  it('searches by name, email or id, sorts by a column and pages locally', async () => {
    env = await startEnv()
    await connect(env)
    const seed = env.server.seed!
    // the first read syncs by itself
    expect((await env.core.invoke('admin.users', q({ search: 'ALICE' }))).items.map((u) => u.name)).toEqual(['Alice Smith'])
    expect((await env.core.invoke('admin.users', q({ search: 'dana@demo' }))).items.map((u) => u.name)).toEqual(['Dana Lee'])
    expect((await env.core.invoke('admin.users', q({ search: seed.outsider.id }))).items.map((u) => u.name)).toEqual(['Bob Jones'])
    expect((await env.core.invoke('admin.users', q({ search: 'no such person' }))).total).toBe(0)

    const desc = await env.core.invoke('admin.users', q({ descending: true }))
    expect(desc.items[0].name).toBe('Fiona Green')
    const byStatus = await env.core.invoke('admin.users', q({ orderBy: 'status', descending: true }))
    expect(byStatus.items[0].status).toBe('pending')

    const p0 = await env.core.invoke('admin.users', q({ pageSize: 3 }))
    const p1 = await env.core.invoke('admin.users', q({ pageSize: 3, page: 1 }))
    const p2 = await env.core.invoke('admin.users', q({ pageSize: 3, page: 2 }))
    expect(p0.total).toBe(7)
    expect([...p0.items, ...p1.items, ...p2.items].map((u) => u.name)).toEqual([
      'Admin User', 'Alice Smith', 'Bob Jones', 'carol@demo.example', 'Dana Lee', 'Evan Park', 'Fiona Green'
    ])
  })

  it('a second sync picks up changes, new invitations and removals', async () => {
    env = await startEnv()
    await connect(env)
    const seed = env.server.seed!
    await env.core.invoke('admin.users.sync', {})
    await api(env, 'users.update', { user: seed.outsider.id, name: 'Robert Jones' })
    await api(env, 'auth.delete_user', { user: seed.organisation.people.evan.id })
    await api(env, 'login.add_whitelist_entries', { emails: ['zoe@demo.example'] })
    await api(env, 'login.remove_whitelist_entries', { emails: ['carol@demo.example'] })
    await api(env, 'permissions.delete_access_rules', { rules: [seed.organisation.accessRules.bobResearch] })

    // before the sync the table is what was synced
    expect((await env.core.invoke('admin.users', q({ search: 'evan' }))).total).toBe(1)
    const s = await env.core.invoke('admin.users.sync', {})
    expect(s.rules).toBe(seed.counts.accessRules - 1)
    const names = (await env.core.invoke('admin.users', q())).items.map((u) => u.name)
    expect(names).toEqual(['Admin User', 'Alice Smith', 'Dana Lee', 'Fiona Green', 'Robert Jones', 'zoe@demo.example'])
  })
})

describe('users: invitations, removal, roles', () => {
  it('invites by email; refuses members, pending invitations and malformed addresses at the field', async () => {
    env = await startEnv()
    await connect(env)
    await env.core.invoke('admin.users.sync', {})
    expect(await env.core.invoke('admin.users.invite', { email: ' New.Person@Demo.Example ' })).toEqual({ added: ['new.person@demo.example'] })
    const row = (await env.core.invoke('admin.users', q({ search: 'new.person' }))).items[0]
    expect(row.status).toBe('pending')

    for (const [email, msg] of [
      ['dana@demo.example', /already a member/],
      ['CAROL@demo.example', /already been invited/],
      ['new.person@demo.example', /already been invited/]
    ] as const) {
      const e = await failure(env, 'admin.users.invite', { email })
      expect(e.code).toBe('invalid_input')
      expect(e.details?.field).toBe('email')
      expect(e.message).toMatch(msg)
    }
    const bad = await failure(env, 'admin.users.invite', { email: 'not-an-email' })
    expect(bad.code).toBe('invalid_input')
    expect(JSON.stringify(bad.details)).toMatch(/valid email/)
  })

  it('removes a user (gone on the server and locally) and withdraws a pending invitation', async () => {
    env = await startEnv()
    await connect(env)
    const seed = env.server.seed!
    await env.core.invoke('admin.users.sync', {})
    expect(await env.core.invoke('admin.users.remove', { id: seed.organisation.people.fiona.id })).toEqual({ removed: 1 })
    const all = await api<{ users: Array<{ id: string }> }>(env, 'users.get_all_ex', {})
    expect(all.users.map((u) => u.id)).not.toContain(seed.organisation.people.fiona.id)
    expect((await env.core.invoke('admin.users', q({ search: 'fiona' }))).total).toBe(0)

    await env.core.invoke('admin.users.remove', { id: 'invite:carol@demo.example' })
    const settings = await api<{ whitelist_entries: Array<{ email: string; status: string }> }>(env, 'login.get_settings')
    expect(settings.whitelist_entries.filter((w) => w.status === 'pending').map((w) => w.email)).not.toContain('carol@demo.example')
    expect((await env.core.invoke('admin.users', q({ search: 'carol' }))).total).toBe(0)

    const self = await failure(env, 'admin.users.remove', { id: seed.admin.id })
    expect(self.code).toBe('invalid_input')
  })

  it('changes a role; the Admins group follows', async () => {
    env = await startEnv()
    await connect(env)
    const seed = env.server.seed!
    await env.core.invoke('admin.users.sync', {})
    expect(await env.core.invoke('admin.users.setRole', { id: seed.outsider.id, role: 'admin' })).toEqual({ updated: 1 })
    const bob = (await env.core.invoke('admin.users', q({ search: seed.outsider.id }))).items[0]
    expect(bob.role).toBe('admin')
    expect(bob.groups.map((g) => g.name)).toContain('Admins')
    const own = await failure(env, 'admin.users.setRole', { id: seed.admin.id, role: 'user' })
    expect(own.code).toBe('invalid_input')
  })
})

describe('user groups', () => {
  it('lists the groups (built-ins first, with their flags), searches them', async () => {
    env = await startEnv()
    await connect(env)
    const g = await env.core.invoke('admin.groups', { refresh: true })
    expect(g.items.slice(0, 3).map((x) => [x.name, x.system, x.assignable, x.locked])).toEqual([
      ['Users', true, false, true],
      ['Admins', true, false, false],
      ['Queue admins', true, true, false]
    ])
    const ml = g.items.find((x) => x.name === 'ML Team')!
    expect(ml).toMatchObject({ description: 'Machine-learning team', memberCount: 1, preview: ['Alice Smith'], system: false })
    expect((await env.core.invoke('admin.groups', { search: 'machine' })).items.map((x) => x.name)).toEqual(['ML Team'])
    expect((await env.core.invoke('admin.groups', { search: ml.id })).items.map((x) => x.name)).toEqual(['ML Team'])
  })

  it('creates and edits a group (members really removed); refuses a duplicate name at the field and built-in changes', async () => {
    env = await startEnv()
    await connect(env)
    const seed = env.server.seed!
    const people = seed.organisation.people
    await env.core.invoke('admin.users.sync', {})
    await env.core.invoke('admin.groups', { refresh: true })

    const { id } = await env.core.invoke('admin.groups.save', { name: 'Vision', description: 'CV people', members: [people.dana.id, people.evan.id] })
    expect((await env.core.invoke('admin.groups.members', { id })).map((m) => m.name).sort()).toEqual(['Dana Lee', 'Evan Park'])
    expect((await env.core.invoke('admin.users', q({ search: 'dana@' }))).items[0].groups.map((x) => x.name)).toContain('Vision')

    await env.core.invoke('admin.groups.save', { id, name: 'Vision', description: 'CV people', members: [people.dana.id] })
    const server = await api<{ groups: Array<{ users: Array<{ id: string }> }> }>(env, 'permissions.get_user_groups', { groups: [id] })
    expect(server.groups[0].users.map((u) => u.id)).toEqual([people.dana.id])
    expect((await env.core.invoke('admin.users', q({ search: 'evan' }))).items[0].groups.map((x) => x.name)).not.toContain('Vision')

    const dup = await failure(env, 'admin.groups.save', { name: ' ml team ', description: '' })
    expect(dup.code).toBe('invalid_input')
    expect(dup.details?.field).toBe('name')
    expect(dup.message).toMatch(/already exists/)

    const users = await failure(env, 'admin.groups.save', { id: seed.groups.users, name: 'Users', description: 'x' })
    expect(users.message).toMatch(/cannot be modified/)
    const del = await failure(env, 'admin.groups.delete', { id: seed.groups.queueAdmins })
    expect(del.message).toMatch(/cannot be removed/)

    expect(await env.core.invoke('admin.groups.delete', { id })).toEqual({ deleted: 1 })
    expect((await env.core.invoke('admin.groups', {})).items.map((x) => x.name)).not.toContain('Vision')
    expect((await env.core.invoke('admin.users', q({ search: 'dana@' }))).items[0].groups.map((x) => x.name)).not.toContain('Vision')
  })
})

describe('non-administrators and offline', () => {
  it('a non-administrator is refused with the explanation', async () => {
    env = await startEnv()
    await connect(env, { user: env.server.seed!.member, name: 'Alice' })
    const e = await failure(env, 'admin.users', q())
    expect(e.code).toBe('forbidden')
    expect(e.message).toBe(NOT_ADMIN_MESSAGE)
    const g = await failure(env, 'admin.groups', { refresh: true })
    expect(g.code).toBe('forbidden')
    expect(g.message).toBe(NOT_ADMIN_MESSAGE)
  })

  it('offline: answers from the synced table with its age; changes are refused with the reason', async () => {
    env = await startEnv()
    await connect(env)
    const s = await env.core.invoke('admin.users.sync', {})
    await env.core.invoke('admin.groups', { refresh: true })
    await goOffline(env)
    const page = await env.core.invoke('admin.users', q({ search: 'alice' }))
    expect(page.source).toBe('cache')
    expect(page.fetchedAt).toBe(s.syncedAt)
    expect(page.items.map((u) => u.name)).toEqual(['Alice Smith'])
    expect((await env.core.invoke('admin.groups', {})).source).toBe('cache')
    const inv = await failure(env, 'admin.users.invite', { email: 'late@demo.example' })
    expect(inv.code).toBe('offline')
    expect(inv.message).toMatch(/Nothing was changed/)
    expect((await failure(env, 'admin.groups.save', { name: 'Offline group', description: '' })).code).toBe('offline')
  })
})

describe('users: the store writes a sync at once', () => {
  it("a sync's pages show together when it finishes; a failed sync leaves the previous table; rules in one go", async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { AdminStore } = await import('../../electron/core/admin-users/store')
    const { coreMigrations, openDatabase } = await import('../../electron/core/db')
    const dir = mkdtempSync(join(tmpdir(), 'admin-store-'))
    const db = openDatabase(join(dir, 'store.sqlite'), { migrations: coreMigrations })
    try {
      db.prepare("INSERT INTO connections (id, name, api_url, created_at, updated_at) VALUES ('c', 'test', 'http://x', 0, 0)").run()
      const store = new AdminStore(db)
      const user = (i: number) => ({ id: `u${i}`, name: `User ${String(i).padStart(3, '0')}`, email: `u${i}@example.com`, role: 'user', sec_groups: ['g1'] })
      const names = () => store.queryUsers('c', q({ pageSize: 500 }), () => undefined).items.map((u) => u.id)

      // first sync: two pages, nothing shows before the end
      store.storeUsers('c', [user(1), user(2)], 1)
      store.storeUsers('c', [user(3)], 1)
      expect(names()).toEqual([])
      expect(store.finishUsers('c', 1, 1000)).toBe(3)
      expect(names()).toEqual(['u1', 'u2', 'u3'])
      // typing narrows the search (each answer from the previous one's matches); deleting widens it again
      const emails = (search: string) => store.queryUsers('c', q({ search }), () => undefined).items.map((u) => u.email)
      expect(emails('u')).toEqual(['u1@example.com', 'u2@example.com', 'u3@example.com'])
      expect(emails('u2')).toEqual(['u2@example.com'])
      expect(emails('u2@')).toEqual(['u2@example.com'])
      expect(emails('U3')).toEqual(['u3@example.com'])
      expect(emails('user 00')).toEqual(['u1@example.com', 'u2@example.com', 'u3@example.com'])

      // a sync that fails after its first page: the previous table stays as it was
      store.storeUsers('c', [user(4)], 2)
      store.abandonUsers('c')
      expect(names()).toEqual(['u1', 'u2', 'u3'])
      expect(store.syncState('c', 'users')).toEqual({ count: 3, syncedAt: 1000 })
      // the next sync: changes and removals
      store.storeUsers('c', [user(1), user(3), user(5)], 3)
      expect(store.finishUsers('c', 3, 3000)).toBe(3)
      expect(names()).toEqual(['u1', 'u3', 'u5'])
      expect(store.syncState('c', 'users')).toEqual({ count: 3, syncedAt: 3000 })

      // rules: all written, empty member lists stored as JSON arrays, the ones not seen dropped
      const rule = (i: number) => ({ id: `r${i}`, name: `Rule ${i}`, entity_type: 'project', access_permission: 'read', groups: i % 2 ? [{ id: 'g1', name: 'G' }] : [], users: [] })
      expect(store.storeRules('c', [rule(1), rule(2), rule(3)], 4, 4000)).toBe(3)
      expect(store.storeRules('c', [rule(2), rule(3)], 5, 5000)).toBe(2)
      expect(store.countRules('c')).toBe(2)
      const rows = db.prepare("SELECT id, groups, users FROM admin_access_rules WHERE connection_id = 'c' ORDER BY seq").all()
      expect(rows).toEqual([
        { id: 'r2', groups: '[]', users: '[]' },
        { id: 'r3', groups: '[{"id":"g1","name":"G"}]', users: '[]' }
      ])
    } finally {
      await db.close({ backup: false })
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
