import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, type SeedInfo, USERS_GROUP_ID, startServer } from '../../server/src/index'
import { call, expectCode } from './helpers'

/**
 * Enterprise user groups as published (clearml-enterprise-api.md §1.2; catalog entries permissions.get_user_groups,
 * permissions.add_or_update_user_group, permissions.delete_user_groups — all three "system, root, admin").
 */

const GROUP_FIELDS = ['id', 'name', 'description', 'assignable', 'system', 'users', 'permissions']
const GROUP_USER_FIELDS = ['id', 'name', 'email']

type Key = { id: string; accessKey: string; secretKey: string }
type Group = { id: string; name: string; description?: string; assignable: boolean; system: boolean; users: Array<{ id: string; name: string; email?: string }>; permissions?: unknown[] }

let srv: RunningServer
let seed: SeedInfo
let admin: Key
let member: Key
let outsider: Key

beforeAll(async () => {
  srv = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true })
  seed = srv.seed!
  admin = seed.admin
  member = seed.member
  outsider = seed.outsider
})
afterAll(() => srv?.close())

async function ok(path: string, who: Key, body: unknown) {
  return expectCode(await call(srv.url, path, { basic: who, body }), 200, 0).body.data
}
async function fails(path: string, who: Key, body: unknown, code: number, subcode: number) {
  return expectCode(await call(srv.url, path, { basic: who, body }), code, subcode)
}
const groups = async (body: Record<string, unknown> = {}) => (await ok('/permissions.get_user_groups', admin, body)).groups as Group[]
const byName = async (name: string) => (await groups()).find((g) => g.name === name)
const upsert = (body: Record<string, unknown>) => ok('/permissions.add_or_update_user_group', admin, body)

describe('permissions.get_user_groups', () => {
  it('lists the built-ins (Users, Admins, Queue admins) and the custom groups with the published fields', async () => {
    const list = await groups()
    expect(list.map((g) => g.name)).toEqual(['Users', 'Admins', 'Queue admins', 'ML Team', 'Platform Team'])
    for (const g of list) {
      for (const k of Object.keys(g)) expect(GROUP_FIELDS).toContain(k)
      for (const u of g.users) for (const k of Object.keys(u)) expect(GROUP_USER_FIELDS).toContain(k)
      expect(g).not.toHaveProperty('permissions') // only with include_permissions
    }
    const [users, admins, queueAdmins, mlTeam] = list
    expect(users).toMatchObject({ id: USERS_GROUP_ID, system: true, assignable: false })
    // everyone, implicitly (service accounts included)
    const everyone = [...seed.users, ...Object.values(seed.organisation.people), ...Object.values(seed.organisation.serviceAccounts)]
    expect(users.users.map((u) => u.id).sort()).toEqual(everyone.map((u) => u.id).sort())
    expect(admins).toMatchObject({ id: seed.groups.admins, system: true, assignable: false, users: [{ id: admin.id, name: 'Admin User', email: 'admin@demo.example' }] })
    expect(queueAdmins).toMatchObject({ id: seed.groups.queueAdmins, system: true, assignable: true, users: [] })
    expect(mlTeam).toEqual({
      id: seed.groups.mlTeam, name: 'ML Team', description: 'Machine-learning team', system: false, assignable: true,
      users: [{ id: member.id, name: 'Alice Smith', email: 'alice@demo.example' }]
    })
  })

  it('filters by ids, adds permissions on request, and is for admins only (403/20)', async () => {
    const some = await groups({ groups: [seed.groups.mlTeam, 'unknown'], include_permissions: true })
    expect(some).toEqual([expect.objectContaining({ id: seed.groups.mlTeam, permissions: [] })])
    expect(await groups({ groups: [] })).toHaveLength((await groups()).length) // empty = all
    await fails('/permissions.get_user_groups', member, {}, 403, 20)
    await fails('/permissions.get_user_groups', admin, { include_permissions: 'yes' }, 400, 12)
  })
})

describe('permissions.add_or_update_user_group', () => {
  it('creates (response {id, name, assignable, system}), updates only the given fields, replaces members', async () => {
    const created = await upsert({ name: 'Data Team', description: 'data people', users: [member.id, outsider.id, member.id] })
    expect(Object.keys(created).sort()).toEqual(['assignable', 'id', 'name', 'system'])
    expect(created).toMatchObject({ name: 'Data Team', assignable: true, system: false })
    const g = (await byName('Data Team'))!
    expect(g.users.map((u) => u.id)).toEqual([member.id, outsider.id])
    expect(await upsert({ id: created.id, description: 'renamed later' })).toEqual({ ...created })
    expect(await byName('Data Team')).toMatchObject({ description: 'renamed later', users: [{ id: member.id }, { id: outsider.id }] })
    await upsert({ id: created.id, name: 'Data Crew', users: [outsider.id] })
    expect(await byName('Data Crew')).toMatchObject({ id: created.id, users: [{ id: outsider.id }] })
    // membership shows up in the member's sec_groups
    const me = expectCode(await call(srv.url, '/users.get_current_user', { basic: outsider, body: {} }), 200, 0).body.data
    expect(me.sec_groups).toContainEqual({ id: created.id, name: 'Data Crew' })
    await ok('/permissions.delete_user_groups', admin, { groups: [created.id] })
  })

  it('an id that is not found creates a group with that id', async () => {
    const r = await upsert({ id: 'my-own-group-id', name: 'Chosen Id' })
    expect(r).toEqual({ id: 'my-own-group-id', name: 'Chosen Id', assignable: true, system: false })
    expect(await byName('Chosen Id')).toMatchObject({ id: 'my-own-group-id', users: [] })
    await ok('/permissions.delete_user_groups', admin, { groups: ['my-own-group-id'] })
  })

  it('protects the built-ins: Users cannot be modified, built-ins cannot be renamed, Admins follow roles (400/12); Queue admins take members', async () => {
    const path = '/permissions.add_or_update_user_group'
    expect((await fails(path, admin, { id: USERS_GROUP_ID, description: 'x' }, 400, 12)).body.meta.result_msg).toMatch(/built-in Users group cannot be modified/)
    await fails(path, admin, { id: USERS_GROUP_ID, users: [member.id] }, 400, 12)
    await fails(path, admin, { id: seed.groups.admins, name: 'Bosses' }, 400, 12)
    await fails(path, admin, { id: seed.groups.admins, users: [member.id] }, 400, 12)
    await fails(path, admin, { id: seed.groups.queueAdmins, name: 'Queue people' }, 400, 12)
    expect(await upsert({ id: seed.groups.queueAdmins, users: [outsider.id] })).toEqual({ id: seed.groups.queueAdmins, name: 'Queue admins', assignable: true, system: true })
    expect(await byName('Queue admins')).toMatchObject({ users: [{ id: outsider.id }] })
    await upsert({ id: seed.groups.queueAdmins, users: [] })
  })

  it('validates: unique names (400/12), a name for a new group (400/11), known users (400/301), field types (400/12); admins only (403/20)', async () => {
    const path = '/permissions.add_or_update_user_group'
    await fails(path, admin, { name: 'ml team' }, 400, 12)
    await fails(path, admin, { name: 'Users' }, 400, 12)
    await fails(path, admin, { name: '   ' }, 400, 12)
    expect((await fails(path, admin, { description: 'no name' }, 400, 11)).body.meta.error_data).toEqual({ fields: ['name'] })
    await fails(path, admin, { id: 'not-there', description: 'no name' }, 400, 11)
    await fails(path, admin, { name: 'Ghosts', users: ['nobody'] }, 400, 301)
    await fails(path, admin, { name: 'Typed', users: 5 }, 400, 12)
    await fails(path, member, { name: 'Mine' }, 403, 20)
    expect(await byName('Ghosts')).toBeUndefined()
  })
})

describe('permissions.delete_user_groups', () => {
  it('deletes custom groups ({deleted}), skips unknown ids, refuses built-ins (400/12) and a missing `groups` (400/11); admins only', async () => {
    const a = (await upsert({ name: 'Temp A', users: [outsider.id] })).id as string
    const b = (await upsert({ name: 'Temp B' })).id as string
    const vault = expectCode(await call(srv.url, '/users.add_or_update_vault', { basic: admin, body: { group: a, vault: { scope: 'group', data: 'x: 1' } } }), 200, 0).body.data.vault
    const seen = async () => (expectCode(await call(srv.url, '/users.get_vaults', { basic: outsider, body: {} }), 200, 0).body.data.vaults as Array<{ id: string }>).map((v) => v.id)
    expect(await seen()).toContain(vault)

    expect((await fails('/permissions.delete_user_groups', admin, {}, 400, 11)).body.meta.error_data).toEqual({ fields: ['groups'] })
    await fails('/permissions.delete_user_groups', member, { groups: [a] }, 403, 20)
    for (const builtin of [USERS_GROUP_ID, seed.groups.admins, seed.groups.queueAdmins]) {
      await fails('/permissions.delete_user_groups', admin, { groups: [a, builtin] }, 400, 12)
    }
    expect(await ok('/permissions.delete_user_groups', admin, { groups: [a, b, 'unknown', a] })).toEqual({ deleted: 2 })
    expect(await ok('/permissions.delete_user_groups', admin, { groups: [a] })).toEqual({ deleted: 0 })
    expect((await groups()).map((g) => g.name)).toEqual(['Users', 'Admins', 'Queue admins', 'ML Team', 'Platform Team'])
    // the group's vault stays (listed without group_name) and applies to nobody
    expect(await seen()).not.toContain(vault)
    const org = (expectCode(await call(srv.url, '/users.get_organization_vaults', { basic: admin, body: {} }), 200, 0).body.data.vaults as Array<Record<string, unknown>>).find((v) => v.id === vault)
    expect(org).toMatchObject({ scope: 'group', group: a })
    expect(org).not.toHaveProperty('group_name')
    // a name freed by a deletion can be used again
    const again = (await upsert({ name: 'Temp A' })).id as string
    await ok('/permissions.delete_user_groups', admin, { groups: [again] })
  })
})
