import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PREVIEW_MASK, type RunningServer, type SeedInfo, USERS_GROUP_ID, startServer } from '../../server/src/index'
import { call, decodeJwt, expectCode } from './helpers'

/**
 * Enterprise configuration vaults as published (clearml-enterprise-api.md §1.5; the catalog entries
 * users.get_vaults, get_organization_vaults, add_or_update_vault, delete_vaults, get_vault_operations_log,
 * get_vault_operations_log_filters). The field lists below are transcribed from the catalog.
 */

/** users.vault (write) + users.vault_data (read) fields, plus id/created/version which this server keeps. */
const VAULT_DATA_FIELDS = ['id', 'data', 'description', 'enabled', 'format', 'scope', 'type', 'group', 'group_name', 'user', 'last_update', 'editable', 'created', 'version']
const OPERATION_FIELDS = ['created', 'ip', 'operation', 'originator', 'originator_version', 'reason', 'scope', 'user', 'vault_description']

type Key = { id: string; accessKey: string; secretKey: string }
type Vault = Record<string, unknown> & { id: string }

let srv: RunningServer
let seed: SeedInfo
let admin: Key
let member: Key
let outsider: Key

/** The server's clock runs this far ahead of the real one: tests move time instead of waiting. */
let clockOffset = 0

beforeAll(async () => {
  srv = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true, now: () => Date.now() + clockOffset })
  seed = srv.seed!
  admin = seed.admin
  member = seed.member
  outsider = seed.outsider
})
afterAll(() => srv?.close())

async function ok(path: string, who: Key | string, body?: unknown, headers?: Record<string, string>) {
  const auth = typeof who === 'string' ? { token: who } : { basic: who }
  return expectCode(await call(srv.url, path, { ...auth, body, headers }), 200, 0).body.data
}
async function fails(path: string, who: Key, body: unknown, code: number, subcode: number) {
  return expectCode(await call(srv.url, path, { basic: who, body }), code, subcode)
}
async function addVault(body: Record<string, unknown>, who: Key = admin): Promise<string> {
  const data = await ok('/users.add_or_update_vault', who, body)
  expect(Object.keys(data)).toEqual(['vault'])
  return data.vault as string
}
const vaultsOf = async (who: Key | string, body: Record<string, unknown> = {}) => (await ok('/users.get_vaults', who, body)).vaults as Vault[]
const orgVaults = async (body: Record<string, unknown> = {}) => (await ok('/users.get_organization_vaults', admin, body)).vaults as Vault[]
const idsOf = (vs: Vault[]) => vs.map((v) => v.id)
const find = (vs: Vault[], id: string) => vs.find((v) => v.id === id)

describe('the demo seed', () => {
  it('has an organization vault and an ML Team group vault, with the published vault_data fields', async () => {
    const vaults = await orgVaults()
    expect(idsOf(vaults)).toEqual([seed.vaults.organization, seed.vaults.mlTeam])
    for (const v of vaults) for (const k of Object.keys(v)) expect(VAULT_DATA_FIELDS).toContain(k)
    expect(vaults[0]).toEqual({
      id: seed.vaults.organization, scope: 'organization', type: 'config', format: 'hocon', data: expect.stringContaining('default_output_uri'),
      description: 'Organization defaults', enabled: true, editable: true, created: expect.any(String), last_update: expect.any(String), version: expect.any(Number)
    })
    expect(vaults[1]).toMatchObject({ id: seed.vaults.mlTeam, scope: 'group', group: seed.groups.mlTeam, group_name: 'ML Team', enabled: true, editable: true })
    expect(vaults[1]).not.toHaveProperty('user')
  })
})

describe('users.get_vaults (all roles): the vaults that apply to the caller', () => {
  it("reaches a group member with the member's own key pair and token, and not a non-member", async () => {
    // basic auth with the member's own keys
    expect(idsOf(await vaultsOf(member))).toEqual([seed.vaults.organization, seed.vaults.mlTeam])
    expect(idsOf(await vaultsOf(outsider))).toEqual([seed.vaults.organization])
    // the SDK's sequence: GET /auth.login with basic auth, then GET /users.get_vaults?enabled=true&types=config&types=config with the token
    const login = expectCode(await call(srv.url, '/auth.login', { method: 'GET', basic: member }), 200, 0)
    const token = login.body.data.token as string
    expect(decodeJwt(token).feature_set).toBe('enterprise')
    const r = expectCode(await call(srv.url, '/users.get_vaults?enabled=true&types=config&types=config', { method: 'GET', token }), 200, 0)
    expect(idsOf(r.body.data.vaults)).toEqual([seed.vaults.organization, seed.vaults.mlTeam])
    expect(find(r.body.data.vaults, seed.vaults.mlTeam)!.data).toContain('demo-ml-team-secret')
    const outsiderToken = expectCode(await call(srv.url, '/auth.login', { method: 'GET', basic: outsider }), 200, 0).body.data.token as string
    expect(idsOf(await vaultsOf(outsiderToken, { enabled: true, types: ['config'] }))).toEqual([seed.vaults.organization])
  })

  it('a vault provisioned for a new group reaches exactly its members, and stops when a member is removed', async () => {
    const g = (await ok('/permissions.add_or_update_user_group', admin, { name: 'Outsiders only', users: [outsider.id] })).id as string
    const v = await addVault({ group: g, vault: { scope: 'group', data: 'sdk { g: 1 }', description: 'for G' } })
    expect(idsOf(await vaultsOf(outsider))).toContain(v)
    expect(idsOf(await vaultsOf(member))).not.toContain(v)
    expect(idsOf(await vaultsOf(admin))).not.toContain(v) // an admin outside the group is not targeted either
    await ok('/permissions.add_or_update_user_group', admin, { id: g, users: [] })
    expect(idsOf(await vaultsOf(outsider))).not.toContain(v)
    // the built-in Users group (fixed id, as in ClearML's docs) targets everyone
    const all = await addVault({ group: USERS_GROUP_ID, vault: { scope: 'group', data: 'x: 1' } })
    for (const who of [admin, member, outsider]) expect(idsOf(await vaultsOf(who))).toContain(all)
    expect(find(await vaultsOf(member), all)).toMatchObject({ group: USERS_GROUP_ID, group_name: 'Users' })
    await ok('/users.delete_vaults', admin, { vaults: [v, all] })
  })

  it('non-admins never see a disabled organization or group vault; admins see disabled ones that apply to them', async () => {
    const org = await addVault({ vault: { scope: 'organization', data: 'a: 1', enabled: false } })
    await addVault({ vault: { id: seed.vaults.mlTeam, enabled: false } })
    try {
      expect(idsOf(await vaultsOf(member))).toEqual([seed.vaults.organization])
      expect(idsOf(await vaultsOf(member, { enabled: false }))).toEqual([seed.vaults.organization])
      expect(idsOf(await vaultsOf(admin))).toEqual([seed.vaults.organization, org])
      expect(idsOf(await vaultsOf(admin, { enabled: true }))).toEqual([seed.vaults.organization])
      // get_organization_vaults: enabled=true filters, enabled=false or absent does not (as published)
      expect(idsOf(await orgVaults())).toEqual(expect.arrayContaining([org, seed.vaults.mlTeam]))
      expect(idsOf(await orgVaults({ enabled: false }))).toEqual(expect.arrayContaining([org, seed.vaults.mlTeam]))
      expect(idsOf(await orgVaults({ enabled: true }))).not.toContain(org)
    } finally {
      await addVault({ vault: { id: seed.vaults.mlTeam, enabled: true } })
      await ok('/users.delete_vaults', admin, { vaults: [org] })
    }
  })

  it('lists in precedence order: organization, then groups, then the personal vault (last wins); filters types', async () => {
    const personal = await addVault({ vault: { scope: 'user', data: 'sdk { mine: true }', type: 'config' } }, member)
    const monitoring = await addVault({ vault: { scope: 'organization', data: '{}', type: 'monitoring', format: 'json' } })
    try {
      const vaults = await vaultsOf(member)
      expect(vaults.map((v) => v.scope)).toEqual(['organization', 'organization', 'group', 'user'])
      expect(vaults.at(-1)).toMatchObject({ id: personal, scope: 'user', user: member.id })
      expect(vaults.at(-1)).not.toHaveProperty('group')
      expect(idsOf(await vaultsOf(member, { types: ['monitoring'] }))).toEqual([monitoring])
      expect(expectCode(await call(srv.url, '/users.get_vaults?types=monitoring', { method: 'GET', basic: member }), 200, 0).body.data.vaults).toHaveLength(1)
      // a personal vault is nobody else's
      expect(idsOf(await vaultsOf(outsider))).not.toContain(personal)
      expect(idsOf(await vaultsOf(admin))).not.toContain(personal)
      expect(idsOf(await orgVaults())).not.toContain(personal)
    } finally {
      await ok('/users.delete_vaults', admin, { vaults: [personal, monitoring] })
    }
  })

  it('preview_data hides every leaf string (16 asterisks) and keeps keys, numbers and booleans', async () => {
    const json = await addVault({ vault: { scope: 'organization', format: 'json', data: '{"sdk": {"aws": {"s3": {"key": "AKIA1", "secret": "s3cr3t", "port": 443, "on": true, "list": ["a", 2]}}}}' } })
    const yaml = await addVault({ vault: { scope: 'organization', format: 'yaml', data: 'sdk:\n  token: hunter2\n  retries: 3\n' } })
    const broken = await addVault({ vault: { scope: 'organization', format: 'hocon', data: 'sdk { key: "open' } })
    try {
      const vaults = await vaultsOf(member, { preview_data: true })
      const group = find(vaults, seed.vaults.mlTeam)!.data as string
      expect(group).not.toContain('demo-ml-team-secret')
      expect(group).not.toContain('DEMO-ML-TEAM-ACCESS-KEY')
      expect(group).toContain('secret')
      expect(group).toContain(PREVIEW_MASK)
      expect(PREVIEW_MASK).toBe('****************')
      expect(JSON.parse(find(vaults, json)!.data as string)).toEqual({ sdk: { aws: { s3: { key: PREVIEW_MASK, secret: PREVIEW_MASK, port: 443, on: true, list: [PREVIEW_MASK, 2] } } } })
      expect(find(vaults, yaml)!.data).toBe(`sdk:\n  token: '${PREVIEW_MASK}'\n  retries: 3\n`)
      expect(find(vaults, broken)!.data).toBe('') // does not parse: nothing is shown
      // the same for the admin listing; without preview_data the data is returned as stored
      expect(find(await orgVaults({ preview_data: true }), json)!.data).not.toContain('s3cr3t')
      expect(find(await vaultsOf(member), json)!.data).toContain('s3cr3t')
    } finally {
      await ok('/users.delete_vaults', admin, { vaults: [json, yaml, broken] })
    }
  })
})

describe('users.get_organization_vaults (system, root, admin)', () => {
  it('lists every organization and group vault of the company, of all groups; non-admins get 403/20', async () => {
    const g = (await ok('/permissions.add_or_update_user_group', admin, { name: 'Nobody' })).id as string
    const v = await addVault({ group: g, vault: { scope: 'group', data: 'x: 1' } })
    try {
      const vaults = await orgVaults()
      expect(idsOf(vaults)).toContain(v)
      expect(vaults.every((x) => x.scope === 'organization' || x.scope === 'group')).toBe(true)
      expect(vaults.map((x) => x.scope)).toEqual([...vaults.map((x) => x.scope)].sort((a, b) => (a === b ? 0 : a === 'organization' ? -1 : 1)))
      await fails('/users.get_organization_vaults', member, {}, 403, 20)
      await fails('/users.get_organization_vaults', admin, { enabled: 'yes' }, 400, 12)
    } finally {
      await ok('/users.delete_vaults', admin, { vaults: [v] })
    }
  })
})

describe('users.add_or_update_vault (all roles)', () => {
  it('creates with the published defaults, updates only the given fields and bumps last_update', async () => {
    const id = await addVault({ vault: { scope: 'organization', data: 'x: 1', description: 'first' } })
    const before = find(await orgVaults(), id)!
    expect(before).toMatchObject({ enabled: true, format: 'hocon', type: 'config', description: 'first', editable: true })
    clockOffset += 1000
    expect(await addVault({ vault: { id, data: 'x: 2' } })).toBe(id)
    const after = find(await orgVaults(), id)!
    expect(after).toMatchObject({ data: 'x: 2', description: 'first', enabled: true, created: before.created })
    expect(after.last_update! > before.last_update!).toBe(true)
    expect(after.version as number).toBeGreaterThan(before.version as number)
    // a vault can move between scopes and groups
    await addVault({ group: seed.groups.mlTeam, vault: { id, scope: 'group' } })
    expect(find(await vaultsOf(member), id)).toMatchObject({ scope: 'group', group: seed.groups.mlTeam })
    expect(find(await vaultsOf(outsider), id)).toBeUndefined()
    await ok('/users.delete_vaults', admin, { vaults: [id] })
  })

  it('validates: vault required, scope and data on create, group for group scope (400/11); unknown ids (400/10, 400/301); types (400/12)', async () => {
    const path = '/users.add_or_update_vault'
    const r = await fails(path, admin, {}, 400, 11)
    expect(r.body.meta.error_data).toEqual({ fields: ['vault'] })
    expect((await fails(path, admin, { vault: { data: 'a: 1' } }, 400, 11)).body.meta.error_data).toEqual({ fields: ['vault.scope'] })
    expect((await fails(path, admin, { vault: { scope: 'organization' } }, 400, 11)).body.meta.error_data).toEqual({ fields: ['vault.data'] })
    expect((await fails(path, admin, { vault: { scope: 'group', data: 'a: 1' } }, 400, 11)).body.meta.error_data).toEqual({ fields: ['group'] })
    await fails(path, admin, { group: 'no-such-group', vault: { scope: 'group', data: 'a: 1' } }, 400, 10)
    await fails(path, admin, { vault: { id: 'nope', data: 'a' } }, 400, 10)
    await fails(path, admin, { user: 'nobody', vault: { scope: 'user', data: 'a' } }, 400, 301)
    await fails(path, admin, { vault: { scope: 'organization', enabled: 'yes', data: 'a' } }, 400, 12)
    await fails(path, admin, { vault: { scope: 'everyone', data: 'a' } }, 400, 12)
    await fails(path, admin, { vault: 'x' }, 400, 12)
  })

  it('non-admins may write only their own user-scope vault (403/20 otherwise); admins may write anyone\'s with `user`', async () => {
    const path = '/users.add_or_update_vault'
    await fails(path, member, { group: seed.groups.mlTeam, vault: { scope: 'group', data: 'a: 1' } }, 403, 20)
    await fails(path, member, { vault: { scope: 'organization', data: 'a: 1' } }, 403, 20)
    await fails(path, member, { user: outsider.id, vault: { scope: 'user', data: 'a: 1' } }, 403, 20)
    await fails(path, member, { vault: { id: seed.vaults.organization, data: 'a: 1' } }, 403, 20)
    const own = await addVault({ user: member.id, vault: { scope: 'user', data: 'mine: 1' } }, member)
    await fails(path, outsider, { vault: { id: own, data: 'theirs: 1' } }, 403, 20)
    await fails(path, member, { vault: { id: own, scope: 'organization' } }, 403, 20)
    expect(await addVault({ vault: { id: own, data: 'mine: 2' } }, member)).toBe(own)

    const forOutsider = await addVault({ user: outsider.id, vault: { scope: 'user', data: 'set: by-admin', description: 'provisioned' } })
    expect(find(await vaultsOf(outsider), forOutsider)).toMatchObject({ scope: 'user', user: outsider.id, data: 'set: by-admin' })
    expect(find(await vaultsOf(admin), forOutsider)).toBeUndefined()
    // the admin edits it again without `user`: the owner stays
    await addVault({ vault: { id: forOutsider, data: 'set: again' } })
    expect(find(await vaultsOf(outsider), forOutsider)).toMatchObject({ user: outsider.id, data: 'set: again' })
    await ok('/users.delete_vaults', admin, { vaults: [own, forOutsider] })
  })

  it('a non-editable vault (encrypted, server encryption disabled) lists editable: false and refuses data changes (400/12)', async () => {
    const id = await addVault({ vault: { scope: 'organization', data: 'enc: 1' } })
    srv.setVaultEditable(id, false)
    expect(find(await orgVaults(), id)).toMatchObject({ editable: false })
    await fails('/users.add_or_update_vault', admin, { vault: { id, data: 'enc: 2' } }, 400, 12)
    await addVault({ vault: { id, enabled: false, description: 'renamed' } })
    expect(find(await orgVaults(), id)).toMatchObject({ editable: false, enabled: false, description: 'renamed', data: 'enc: 1' })
    srv.setVaultEditable(id, true)
    expect(find(await orgVaults(), id)).toMatchObject({ editable: true })
    expect(() => srv.setVaultEditable('missing', false)).toThrow(/unknown vault/)
    await ok('/users.delete_vaults', admin, { vaults: [id] })
  })
})

describe('users.delete_vaults (all roles)', () => {
  it('returns {deleted}; skips unknown ids; non-admins may delete only their own user-scope vaults (403/20)', async () => {
    const org = await addVault({ vault: { scope: 'organization', data: 'a: 1' } })
    const own = await addVault({ vault: { scope: 'user', data: 'a: 1' } }, member)
    await fails('/users.delete_vaults', member, { vaults: [org] }, 403, 20)
    await fails('/users.delete_vaults', outsider, { vaults: [own] }, 403, 20)
    await fails('/users.delete_vaults', member, { vaults: [own, org] }, 403, 20) // all or nothing
    expect(await ok('/users.delete_vaults', member, { vaults: [own, 'missing'] })).toEqual({ deleted: 1 })
    expect(await ok('/users.delete_vaults', admin, { vaults: [org, org] })).toEqual({ deleted: 1 })
    expect(await ok('/users.delete_vaults', admin, { vaults: [org] })).toEqual({ deleted: 0 })
    // `vaults` is optional in the published schema: nothing to delete
    expect(await ok('/users.delete_vaults', admin, {})).toEqual({ deleted: 0 })
    await fails('/users.delete_vaults', admin, { vaults: 5 }, 400, 12)
  })
})

describe('users.get_vault_operations_log (system, root, admin)', () => {
  it('records create, edit, activate, deactivate and delete with the user, client and address; filters; groups adjacent records', async () => {
    const headers = { 'x-clearml-client': 'Webapp-2.1.0', 'x-real-ip': '10.1.2.3' }
    const write = async (vault: Record<string, unknown>) => (await ok('/users.add_or_update_vault', admin, { vault }, headers)).vault as string
    const t0 = new Date(Date.now() + clockOffset).toISOString()
    clockOffset += 1000
    const id = await write({ scope: 'organization', data: 'a: 1', description: 'audited' })
    for (const data of ['a: 2', 'a: 3', 'a: 4']) {
      clockOffset += 1000
      await write({ id, data })
    }
    clockOffset += 1000
    const tDeactivate = new Date(Date.now() + clockOffset).toISOString()
    await write({ id, enabled: false })
    clockOffset += 1000
    await write({ id, enabled: true, data: 'a: 5', description: 'audited v2' }) // an edit that also flips enabled: both are recorded
    clockOffset += 1000
    expect(await ok('/users.delete_vaults', admin, { vaults: [id] }, { 'x-clearml-client': 'clearml-1.16.2' })).toEqual({ deleted: 1 })

    const log = async (body: Record<string, unknown>) => (await ok('/users.get_vault_operations_log', admin, { vaults: [id], ...body })).operations as Array<Record<string, unknown>>
    const ungrouped = await log({ group: null })
    expect(ungrouped.map((o) => o.operation)).toEqual(['delete', 'activate', 'edit', 'deactivate', 'edit', 'edit', 'edit', 'create'])
    for (const o of ungrouped) for (const k of Object.keys(o)) expect(OPERATION_FIELDS).toContain(k)
    expect(ungrouped.at(-1)).toEqual({
      created: expect.any(String), ip: '10.1.2.3', operation: 'create', originator: 'web', originator_version: '2.1.0',
      scope: 'organization', user: { id: admin.id, name: 'Admin User' }, vault_description: 'audited'
    })
    expect(ungrouped[0]).toMatchObject({ operation: 'delete', originator: 'sdk', originator_version: '1.16.2', vault_description: 'audited v2' })

    // grouping is on by default: the three adjacent edits are one record (index 0 of the group, oldest first)
    const grouped = await log({})
    expect(grouped.map((o) => o.operation)).toEqual(['delete', 'activate', 'edit', 'deactivate', 'edit', 'create'])
    const edits = ungrouped.filter((o) => o.operation === 'edit').slice(1) // the three adjacent ones, newest first
    expect(grouped[4].created).toBe(edits.at(-1)!.created)
    expect((await log({ group: { index: -1 } }))[4].created).toBe(edits[0].created)
    expect((await log({ group: { order: 'desc' } }))[4].created).toBe(edits[0].created)

    // filters and order
    expect((await log({ order: 'asc', group: null })).map((o) => o.operation)).toEqual([...ungrouped.map((o) => o.operation)].reverse())
    expect((await log({ operations: ['activate', 'deactivate'] })).map((o) => o.operation)).toEqual(['activate', 'deactivate'])
    expect((await log({ from_timestamp: tDeactivate, group: null })).map((o) => o.operation)).toEqual(['delete', 'activate', 'edit', 'deactivate'])
    expect((await log({ to_timestamp: tDeactivate, group: null })).map((o) => o.operation)).toEqual(['edit', 'edit', 'edit', 'create'])
    expect(await log({ to_timestamp: t0 })).toEqual([])
    expect(await log({ users: [member.id] })).toEqual([])
    expect(await log({ users: [admin.id], group: null })).toHaveLength(8)
    expect((await log({ page: 1, page_size: 3, group: null })).map((o) => o.operation)).toEqual(['deactivate', 'edit', 'edit'])
    expect(await log({ scope: ['user'] })).toEqual([])

    // without a vault filter: every vault, and by default only organization and group scope
    const own = await addVault({ vault: { scope: 'user', data: 'p: 1' } }, member)
    const all = (await ok('/users.get_vault_operations_log', admin, { group: null })).operations as Array<Record<string, unknown>>
    expect(all.every((o) => o.scope === 'organization' || o.scope === 'group')).toBe(true)
    expect(all.filter((o) => o.vault_description === 'ML Team storage' && o.operation === 'create')).toHaveLength(1) // from the seed
    const personal = (await ok('/users.get_vault_operations_log', admin, { scope: ['user'], users: [member.id], vaults: [own] })).operations
    expect(personal).toEqual([expect.objectContaining({ operation: 'create', scope: 'user', user: { id: member.id, name: 'Alice Smith' } })])
    await ok('/users.delete_vaults', member, { vaults: [own] })
  })

  it('without X-Clearml-Client the originator is "web" for a cookie session and "sdk" otherwise; ip falls back to the peer', async () => {
    const token = expectCode(await call(srv.url, '/auth.login', { basic: admin }), 200, 0).body.data.token as string
    const id = expectCode(await call(srv.url, '/users.add_or_update_vault', { headers: { cookie: `clearml_token_basic=${token}` }, body: { vault: { scope: 'organization', data: 'a: 1' } } }), 200, 0).body.data.vault
    await ok('/users.delete_vaults', token, { vaults: [id] })
    const ops = (await ok('/users.get_vault_operations_log', admin, { vaults: [id] })).operations
    expect(ops).toEqual([
      expect.objectContaining({ operation: 'delete', originator: 'sdk', ip: expect.stringMatching(/127\.0\.0\.1/) }),
      expect.objectContaining({ operation: 'create', originator: 'web' })
    ])
    expect(ops[0]).not.toHaveProperty('originator_version')
  })

  it('is for admins only (403/20) and validates its fields (400/12)', async () => {
    await fails('/users.get_vault_operations_log', member, {}, 403, 20)
    await fails('/users.get_vault_operations_log', admin, { order: 'sideways' }, 400, 12)
    await fails('/users.get_vault_operations_log', admin, { from_timestamp: 'yesterday' }, 400, 12)
    await fails('/users.get_vault_operations_log', admin, { page_size: 0 }, 400, 12)
    await fails('/users.get_vault_operations_log', admin, { group: 'on' }, 400, 12)
  })
})

describe('users.get_vault_operations_log_filters (system, root, admin)', () => {
  it('returns the distinct operations, users {id, name} and vaults {id, description} of the log', async () => {
    const id = await addVault({ vault: { scope: 'organization', data: 'a: 1', description: 'filter me' } })
    await addVault({ vault: { id, enabled: false } })
    const f = await ok('/users.get_vault_operations_log_filters', admin, {})
    expect(Object.keys(f).sort()).toEqual(['operations', 'users', 'vaults'])
    expect(f.operations).toEqual(expect.arrayContaining(['create', 'deactivate']))
    expect(new Set(f.operations).size).toBe(f.operations.length)
    expect(f.users).toContainEqual({ id: admin.id, name: 'Admin User' })
    expect(f.vaults).toContainEqual({ id, description: 'filter me' })
    expect(f.vaults).toContainEqual({ id: seed.vaults.mlTeam, description: 'ML Team storage' })
    await fails('/users.get_vault_operations_log_filters', outsider, {}, 403, 20)
    await ok('/users.delete_vaults', admin, { vaults: [id] })
  })
})

describe('users.get_current_user {get_supported_features}', () => {
  it('adds supported_features (enterprise) and sec_groups (the caller\'s groups)', async () => {
    const me = await ok('/users.get_current_user', member, { get_supported_features: true })
    expect(me.supported_features).toEqual(expect.arrayContaining(['config_vault', 'user_management', 'permissions']))
    expect(me.sec_groups).toEqual([{ id: USERS_GROUP_ID, name: 'Users' }, { id: seed.groups.mlTeam, name: 'ML Team' }])
    const adminMe = await ok('/users.get_current_user', admin, {})
    expect(adminMe).not.toHaveProperty('supported_features')
    expect(adminMe.sec_groups).toEqual([{ id: USERS_GROUP_ID, name: 'Users' }, { id: seed.groups.admins, name: 'Admins' }])
    expect((await ok('/users.get_current_user', outsider, {})).sec_groups).toEqual([{ id: USERS_GROUP_ID, name: 'Users' }])
    await fails('/users.get_current_user', member, { get_supported_features: 'yes' }, 400, 12)
  })

  it('a server may be started with another feature list', async () => {
    const other = await startServer({ port: 0, featureSet: 'enterprise', supportedFeatures: ['config_vault'], quiet: true })
    try {
      expect((await call(other.url, '/users.get_current_user', { basic: other.seed!.admin, body: { get_supported_features: true } })).body.data.supported_features).toEqual(['config_vault'])
    } finally {
      await other.close()
    }
  })
})

describe('basic feature set', () => {
  it('has no vault or group endpoints (404/0), issues basic tokens, and get_current_user has no enterprise fields', async () => {
    const basic = await startServer({ port: 0, seed: 'demo', quiet: true })
    try {
      const token = expectCode(await call(basic.url, '/auth.login', { method: 'GET', basic: basic.seed!.admin }), 200, 0).body.data.token
      expect(decodeJwt(token).feature_set).toBe('basic')
      expectCode(await call(basic.url, '/users.get_vaults?enabled=true&types=config&types=config', { method: 'GET', token }), 404, 0)
      for (const ep of ['users.get_organization_vaults', 'users.add_or_update_vault', 'users.delete_vaults', 'users.get_vault_operations_log',
        'users.get_vault_operations_log_filters', 'permissions.get_user_groups', 'permissions.add_or_update_user_group', 'permissions.delete_user_groups']) {
        expectCode(await call(basic.url, `/${ep}`, { token, body: {} }), 404, 0)
      }
      const me = expectCode(await call(basic.url, '/users.get_current_user', { token, body: { get_supported_features: true } }), 200, 0).body.data
      expect(me).not.toHaveProperty('supported_features')
      expect(me).not.toHaveProperty('sec_groups')
    } finally {
      await basic.close()
    }
  })
})
