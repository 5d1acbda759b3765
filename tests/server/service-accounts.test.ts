import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningServer, type SeedInfo, endpointRegistry, startServer } from '../../server/src/index'
import { ENTERPRISE_CATALOG, type Key, checkAgainstCatalog } from './catalog'
import { call, expectCode } from './helpers'

/**
 * What the console's Service accounts screen relies on (clearml-enterprise-api.md §1.1, §1.2, §1.5, §1.7), checked against
 * the published catalog, and the calls it makes for an account: keys and vaults as the account (X-Clearml-Impersonate-As),
 * a gateway token for it (`user`), its own vault written by an admin (`user`), and a worker's use recorded on its key.
 */

const REGISTRY = endpointRegistry('enterprise')
const DAY = 24 * 3600
let srv: RunningServer
let seed: SeedInfo
let admin: Key & { id: string }
let alice: Key & { id: string }

beforeEach(async () => {
  srv = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true })
  seed = srv.seed!
  admin = seed.admin
  alice = seed.member
})
afterEach(async () => {
  await srv.close()
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function ok(name: string, body: unknown = {}, who: Key = admin, headers: Record<string, string> = {}): Promise<any> {
  return expectCode(await call(srv.url, `/${name}`, { basic: who, body, headers }), 200, 0).body.data
}
const as = (user: string) => ({ 'X-Clearml-Impersonate-As': user })
const gpu = () => seed.organisation.serviceAccounts.gpuAgent
const unique = (p: string) => `${p} ${Math.random().toString(36).slice(2, 8)}`

const VALID: Record<string, (who: Key) => Promise<Record<string, unknown>>> = {
  'auth.create_service_user': async () => ({ name: unique('Service'), allow_running_as_owner: false, credentials_expiration_sec: DAY }),
  'users.get_service_users': async () => ({}),
  'users.update_service_user': async () => ({ user: gpu().id, allow_running_as_owner: true }),
  'users.set_role': async () => ({ user: gpu().id, role: 'user' }),
  'auth.delete_user': async (who) => ({ user: who === admin ? (await ok('auth.create_service_user', { name: unique('Doomed') })).id : gpu().id }),
  'auth.get_credentials': async () => ({}),
  'auth.create_credentials': async () => ({ label: 'agent', expiration_sec: DAY }),
  'auth.revoke_credentials': async (who) => ({ access_key: (await ok('auth.create_credentials', { label: 'to revoke' }, who)).credentials.access_key }),
  'auth.get_router_tokens': async () => ({}),
  'auth.generate_router_token': async (who) => ({ label: 'inference', expiration_sec: DAY, ...(who === admin && { user: gpu().id }) }),
  'auth.revoke_router_tokens': async (who) => {
    const label = unique('revoke')
    await ok('auth.generate_router_token', { label, expiration_sec: DAY }, who)
    const tokens = (await ok('auth.get_router_tokens', {}, who)).tokens as Array<{ id: string; label: string }>
    return { ids: [tokens.find((t) => t.label === label)!.id] }
  },
  'users.get_vaults': async () => ({ preview_data: true }),
  'users.add_or_update_vault': async (who) => ({ vault: { scope: 'user', description: 'mine', data: 'a: 1' }, ...(who === admin && { user: gpu().id }) }),
  'permissions.get_user_groups': async () => ({})
}

describe('the catalog entries the Service accounts screen relies on', () => {
  it.each(Object.keys(VALID).sort())('%s', async (name) => {
    expect(ENTERPRISE_CATALOG[name], name).toBeDefined()
    const ep = REGISTRY.find((e) => e.name === name)!
    expect(ep, name).toBeDefined()
    await checkAgainstCatalog({ url: srv.url, entry: ENTERPRISE_CATALOG[name], ep, admin, member: alice, valid: VALID[name] })
  })
})

describe('an account managed by an admin', () => {
  it('its own vault (written with `user`) and the admin vaults that apply are what it sees; it does not reach the admin', async () => {
    const id = gpu().id
    const { vault } = await ok('users.add_or_update_vault', { vault: { scope: 'user', description: 'GPU Agent vault', data: 'agent.x: 1', enabled: true }, user: id })
    const seen = (await ok('users.get_vaults', { preview_data: true }, admin, as(id))).vaults as Array<{ id: string; scope: string; user: string | null }>
    expect(seen.filter((v) => v.scope === 'user')).toEqual([expect.objectContaining({ id: vault, user: id })])
    expect(seen.some((v) => v.scope === 'organization')).toBe(true)
    // the admin's own list does not hold it; the organization list holds no user vault
    expect(((await ok('users.get_vaults')).vaults as Array<{ id: string }>).map((v) => v.id)).not.toContain(vault)
    expect(((await ok('users.get_organization_vaults')).vaults as Array<{ scope: string }>).every((v) => v.scope !== 'user')).toBe(true)
  })

  it('a gateway token generated for it is listed as the account, and revoked by the admin', async () => {
    const id = gpu().id
    const { token } = await ok('auth.generate_router_token', { label: 'edge', expiration_sec: DAY, user: id })
    expect(token).toBeTruthy()
    const mine = (await ok('auth.get_router_tokens', {}, admin, as(id))).tokens as Array<{ id: string; label: string; user: unknown }>
    const t = mine.find((x) => x.label === 'edge')!
    expect(t).toBeTruthy()
    expect(JSON.stringify(mine)).not.toContain(token)
    expect(await ok('auth.revoke_router_tokens', { ids: [t.id] })).toEqual({ revoked: 1 })
    expect(((await ok('auth.get_router_tokens', {}, admin, as(id))).tokens as Array<{ label: string }>).map((x) => x.label)).not.toContain('edge')
  })

  it('last_active_time follows its keys; last_used_from names the worker that used a key', async () => {
    const made = await ok('auth.create_service_user', { name: 'Edge', credentials_expiration_sec: 3 * DAY })
    expect((await ok('users.get_service_users')).users.find((u: { id: string }) => u.id === made.id).last_active_time).toBeNull()
    const key = { accessKey: made.credentials.access_key, secretKey: made.credentials.secret_key }
    await ok('server.info', {}, key, { 'X-Clearml-Worker': 'edge-01' })
    expect((await ok('users.get_service_users')).users.find((u: { id: string }) => u.id === made.id).last_active_time).toEqual(expect.any(String))
    const [k] = (await ok('auth.get_credentials', {}, admin, as(made.id))).credentials
    expect(k).toMatchObject({ last_used_from: 'edge-01' })
  })
})

