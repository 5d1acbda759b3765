import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../server/src/index'
import { call, decodeJwt, expectCode } from './helpers'

const USERS_GROUP = '30795571-a470-4717-a80d-e8705fc776bf'

let srv: RunningServer
let admin: { id: string; accessKey: string; secretKey: string }
let alice: { id: string; accessKey: string; secretKey: string }

/** The server's clock runs this far ahead of the real one: tests move time instead of waiting. */
let clockOffset = 0

beforeAll(async () => {
  srv = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true, now: () => Date.now() + clockOffset })
  admin = srv.seed!.admin
  alice = srv.seed!.users.find((u) => u.name === 'Alice Smith')!
})
afterAll(() => srv?.close())

async function addVault(vault: Record<string, unknown>, who = admin) {
  const r = expectCode(await call(srv.url, '/users.add_or_update_vault', { method: 'PUT', basic: who, body: { group: USERS_GROUP, vault } }), 200, 0)
  return r.body.data.vault as string
}

describe('enterprise vaults', () => {
  it("follows the SDK's login sequence: GET /auth.login basic, then GET /users.get_vaults?enabled=true&types=config&types=config bearer", async () => {
    const enabledId = await addVault({ scope: 'group', enabled: true, type: 'config', format: 'hocon', data: 'sdk { a: 1 }' })
    await addVault({ scope: 'group', enabled: false, type: 'config', format: 'hocon', data: 'sdk { a: 2 }' })
    await addVault({ scope: 'group', enabled: true, type: 'monitoring', format: 'json', data: '{}' })

    const login = expectCode(await call(srv.url, '/auth.login', { method: 'GET', basic: alice }), 200, 0)
    const token = login.body.data.token as string
    const claims = decodeJwt(token)
    expect(claims.feature_set).toBe('enterprise')
    expect(Number(claims.api_version)).toBeGreaterThanOrEqual(2.15)
    expect((claims.exp as number) - Date.now() / 1000).toBeGreaterThan(360)

    const r = expectCode(await call(srv.url, '/users.get_vaults?enabled=true&types=config&types=config', { method: 'GET', token }), 200, 0)
    expect(r.body.data.vaults.map((v: { id: string }) => v.id)).toEqual([enabledId])
    expect(r.body.data.vaults[0]).toMatchObject({ id: enabledId, scope: 'group', group: USERS_GROUP, type: 'config', format: 'hocon', data: 'sdk { a: 1 }', enabled: true, version: expect.any(Number), last_update: expect.any(String), created: expect.any(String) })

    // a single types= value is a list of one; no filters returns everything visible
    const one = expectCode(await call(srv.url, '/users.get_vaults?types=monitoring', { method: 'GET', token }), 200, 0)
    expect(one.body.data.vaults.map((v: { type: string }) => v.type)).toEqual(['monitoring'])
    const all = expectCode(await call(srv.url, '/users.get_vaults', { token }), 200, 0)
    expect(all.body.data.vaults).toHaveLength(3)
  })

  it('updates bump a monotonic version and last_update; delete returns the count', async () => {
    const id = await addVault({ scope: 'group', enabled: true, type: 'config', data: 'x: 1', description: 'first' })
    const get = async () => (expectCode(await call(srv.url, '/users.get_vaults', { basic: admin }), 200, 0).body.data.vaults as Array<Record<string, unknown>>).find((v) => v.id === id)!
    const before = await get()
    expect(before.format).toBe('hocon')
    clockOffset += 1000
    expect(await addVault({ id, data: 'x: 2' })).toBe(id)
    const after = await get()
    expect(after).toMatchObject({ data: 'x: 2', description: 'first', enabled: true, created: before.created })
    expect(after.version as number).toBeGreaterThan(before.version as number)
    expect(after.last_update! > before.last_update!).toBe(true)

    const del = expectCode(await call(srv.url, '/users.delete_vaults', { basic: admin, body: { vaults: [id, 'missing'] } }), 200, 0)
    expect(del.body.data).toEqual({ deleted: 1 })
    expect(await get()).toBeUndefined()
  })

  it('only admins write group vaults (403/20); a user may keep a personal (user-scope) vault, listed last', async () => {
    const denied = await call(srv.url, '/users.add_or_update_vault', { basic: alice, body: { group: USERS_GROUP, vault: { scope: 'group', data: 'a: 1' } } })
    expectCode(denied, 403, 20)
    const personal = await addVault({ scope: 'user', data: 'sdk { mine: true }', type: 'config' }, alice)
    const vaults = expectCode(await call(srv.url, '/users.get_vaults?enabled=true', { basic: alice }), 200, 0).body.data.vaults as Array<{ id: string; scope: string }>
    expect(vaults.at(-1)).toMatchObject({ id: personal, scope: 'user' })
    // another user does not see it
    const adminView = expectCode(await call(srv.url, '/users.get_vaults', { basic: admin }), 200, 0).body.data.vaults as Array<{ id: string }>
    expect(adminView.map((v) => v.id)).not.toContain(personal)
  })

  it('validates vault requests', async () => {
    expectCode(await call(srv.url, '/users.add_or_update_vault', { basic: admin, body: {} }), 400, 11)
    expectCode(await call(srv.url, '/users.add_or_update_vault', { basic: admin, body: { vault: { scope: 'group', data: 'a: 1' } } }), 400, 11)
    expectCode(await call(srv.url, '/users.add_or_update_vault', { basic: admin, body: { group: USERS_GROUP, vault: { enabled: 'yes', data: 'a' } } }), 400, 12)
    expectCode(await call(srv.url, '/users.add_or_update_vault', { basic: admin, body: { group: USERS_GROUP, vault: { id: 'nope', data: 'a' } } }), 400, 10)
  })
})

describe('basic feature set', () => {
  it('has no vault endpoints (404/0) and issues basic tokens', async () => {
    const basic = await startServer({ port: 0, seed: 'demo', quiet: true })
    try {
      const token = expectCode(await call(basic.url, '/auth.login', { method: 'GET', basic: basic.seed!.admin }), 200, 0).body.data.token
      expect(decodeJwt(token).feature_set).toBe('basic')
      expectCode(await call(basic.url, '/users.get_vaults?enabled=true&types=config&types=config', { method: 'GET', token }), 404, 0)
    } finally {
      await basic.close()
    }
  })
})
