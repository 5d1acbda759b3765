import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningServer, type SeedInfo, type StartOptions, endpointRegistry, startServer } from '../../server/src/index'
import { ENTERPRISE_CATALOG, checkAgainstCatalog } from './catalog'
import { call, decodeJwt, expectCode } from './helpers'

/**
 * The User Settings endpoints (clearml-enterprise-api.md §1.1, §1.8, §1.9; clearml-api.md §2): credentials with expiry
 * and limits, App Gateway router tokens, storage credentials, preferences, report_stats_option and the web app's
 * runtime configuration. Enterprise endpoints are checked against their entries in ../shared/clearml-endpoints.json.
 * Workspaces and invites: workspaces.test.ts.
 */

const repoRoot = resolve(import.meta.dirname, '../..')
const CATALOG = ENTERPRISE_CATALOG
const REGISTRY = endpointRegistry('enterprise')

type Key = { id?: string; accessKey: string; secretKey: string }
type Who = Key | { token: string }
const DAY = 24 * 3600
const CREDENTIAL_KEY_FIELDS = ['access_key', 'created', 'expire', 'label', 'last_used', 'last_used_from']
const ROUTER_TOKEN_FIELDS = ['id', 'key', 'label', 'type', 'user', 'created', 'created_by', 'expires', 'revoked', 'revoked_at', 'revoked_by', 'endpoints', 'metadata']

let srv: RunningServer
let seed: SeedInfo
let admin: Key
let alice: Key
let bob: Key
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
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const auth = (who: Who) => ('token' in who ? { token: who.token } : { basic: who })
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function ok(name: string, body: unknown = {}, who: Who = admin, on: RunningServer = srv): Promise<any> {
  return expectCode(await call(on.url, `/${name}`, { ...auth(who), body }), 200, 0).body.data
}
async function fails(name: string, body: unknown, code: number, subcode: number, who: Who = admin, on: RunningServer = srv) {
  return expectCode(await call(on.url, `/${name}`, { ...auth(who), body }), code, subcode).body.meta
}
const keysOf = (o: object) => Object.keys(o).sort()
const keyOf = (c: { access_key: string; secret_key: string }): Key => ({ accessKey: c.access_key, secretKey: c.secret_key })

// --- the catalog -------------------------------------------------------------------------------------------------------

/** A valid request per endpoint and caller, against a fresh enterprise demo server. */
const VALID: Record<string, (who: Key) => Promise<Record<string, unknown>>> = {
  'auth.login': async () => ({ expiration_sec: 3600, set_cookie: false }),
  'auth.create_credentials': async () => ({ label: 'ci', expiration_sec: 3600 }),
  'auth.get_credentials': async () => ({}),
  'auth.edit_credentials': async (who) => ({ access_key: who.accessKey, label: 'renamed' }),
  // a spare key of the caller's own
  'auth.revoke_credentials': async (who) => ({ access_key: (await ok('auth.create_credentials', { label: 'spare' }, who)).credentials.access_key }),
  'auth.locate_credentials': async () => ({ access_key: bob.accessKey }),
  'auth.get_router_tokens': async () => ({ include_revoked: true, order_by: ['label'], page: 0, page_size: 10 }),
  'auth.generate_router_token': async () => ({ label: 'gateway', expiration_sec: 3600 }),
  'auth.revoke_router_tokens': async () => ({ ids: ['no-such-token'] }),
  'storage.get_settings': async () => ({}),
  'storage.set_settings': async () => ({ aws: { key: 'AK', secret: 'SK' } }),
  'storage.reset_settings': async () => ({ keys: ['aws'] }),
  'storage.get_user_settings': async () => ({}),
  'storage.set_user_settings': async () => ({ azure: { containers: [{ account_name: 'acct', account_key: 'key', container_name: 'c' }] } }),
  'storage.reset_user_settings': async () => ({ keys: ['azure', 'google'] }),
  'users.get_preferences': async () => ({}),
  'users.set_preferences': async () => ({ preferences: { 'views.theme': 'light' } }),
  'server.report_stats_option': async () => ({}),
  'organization.update_company_name': async () => ({ new_name: 'Renamed Company' }),
  'login.add_whitelist_entries': async () => ({ emails: ['new.person@demo.example'], role: 'user' }),
  'login.remove_whitelist_entries': async () => ({ emails: ['carol@demo.example'] }),
  'login.get_settings': async () => ({}),
  'login.set_domains': async () => ({ domains: ['demo.example'] })
}
const NAMES = Object.keys(VALID).sort()

describe('the catalog entries of the User Settings endpoints', () => {
  it('are all registered on the enterprise feature set; the enterprise-only ones are absent on basic (404/0)', async () => {
    for (const name of NAMES) expect(CATALOG[name], name).toBeDefined()
    const enterprise = new Set(REGISTRY.map((e) => e.name))
    for (const name of NAMES) expect(enterprise.has(name), name).toBe(true)
    const basicOnly = new Set(endpointRegistry('basic').map((e) => e.name))
    const open = ['auth.login', 'auth.create_credentials', 'auth.get_credentials', 'auth.edit_credentials', 'auth.revoke_credentials',
      'storage.get_settings', 'storage.set_settings', 'storage.reset_settings', 'users.get_preferences', 'users.set_preferences', 'server.report_stats_option']
    for (const name of NAMES) expect(basicOnly.has(name), name).toBe(open.includes(name))
    const basic = await start({ featureSet: 'basic' })
    for (const name of [...NAMES.filter((n) => !open.includes(n)), 'organization.get_user_companies', 'login.leave_company', 'login.join_company', 'organization.create_invite']) {
      await fails(name, {}, 404, 0, basic.seed!.admin, basic)
    }
  })

  describe.each(NAMES)('%s', (name) => {
    it("has the catalog's roles, request fields (with required flags) and response fields", async () => {
      const ep = REGISTRY.find((e) => e.name === name)!
      await checkAgainstCatalog({ url: srv.url, entry: CATALOG[name], ep, admin, member: alice, valid: (who) => VALID[name](who) })
    })
  })
})

// --- credentials -------------------------------------------------------------------------------------------------------

describe('credentials (enterprise): expiry, limits, last use', () => {
  it('non-admins get the default expiry (90 days) and may not exceed the cap; admins get none unless they ask', async () => {
    const before = now()
    const mine = (await ok('auth.create_credentials', { label: 'laptop' }, alice)).credentials
    expect(keysOf(mine)).toEqual(['access_key', 'expire', 'label', 'secret_key'])
    expect(mine.label).toBe('laptop')
    const expire = Date.parse(mine.expire)
    expect(expire).toBeGreaterThanOrEqual(before + 90 * DAY * 1000)
    expect(expire).toBeLessThanOrEqual(now() + 90 * DAY * 1000)

    const hour = (await ok('auth.create_credentials', { expiration_sec: 3600 }, alice)).credentials
    expect(hour.label).toBeNull()
    expect(Date.parse(hour.expire) - now()).toBeGreaterThan(3590 * 1000)
    expect(Date.parse(hour.expire) - now()).toBeLessThanOrEqual(3600 * 1000)

    const over = await fails('auth.create_credentials', { expiration_sec: 90 * DAY + 1 }, 400, 12, alice)
    expect(over.result_msg).toContain('expiration_sec')
    expect(over.error_data).toEqual({ max_expiration_sec: 90 * DAY })
    for (const bad of [0, -5, 1.5, 'soon', true]) await fails('auth.create_credentials', { expiration_sec: bad }, 400, 12, alice)

    expect((await ok('auth.create_credentials', {}, admin)).credentials.expire).toBeNull()
    const long = (await ok('auth.create_credentials', { expiration_sec: 10 * 365 * DAY }, admin)).credentials
    expect(Date.parse(long.expire)).toBeGreaterThan(now() + 9 * 365 * DAY * 1000)
  })

  it('auth.get_credentials: the published shape, the caps, and the caller\'s effective default', async () => {
    const a = await ok('auth.get_credentials', {}, alice)
    expect(a).toEqual({
      credentials: [{ access_key: alice.accessKey, created: expect.any(String), expire: null, label: 'demo', last_used: expect.any(String), last_used_from: '127.0.0.1' }],
      additional_credentials: {}, max_credentials: 10, default_expiration_sec: 90 * DAY, max_expiration_sec: 90 * DAY
    })
    const b = await ok('auth.get_credentials', {}, admin)
    expect(b.default_expiration_sec).toBeNull()
    expect(b.max_expiration_sec).toBe(90 * DAY)
    for (const c of b.credentials) expect(keysOf(c)).toEqual(CREDENTIAL_KEY_FIELDS)
    expect(JSON.stringify(b)).not.toContain(admin.secretKey)
  })

  it('an expired key fails auth.login (and every other call) with 401/22; it still works until then', async () => {
    const key = keyOf((await ok('auth.create_credentials', { expiration_sec: 3600 }, alice)).credentials)
    expectCode(await call(srv.url, '/auth.login', { method: 'GET', basic: key }), 200, 0)
    clockOffset += 3600 * 1000
    const r = expectCode(await call(srv.url, '/auth.login', { method: 'GET', basic: key }), 401, 22)
    expect(r.body.meta.result_msg).toBe('Unauthorized (invalid credentials) (credentials expired)')
    expectCode(await call(srv.url, '/users.get_current_user', { basic: key }), 401, 22)
    // still listed (with its expiry) until revoked
    const listed = (await ok('auth.get_credentials', {}, alice)).credentials as Array<{ access_key: string; expire: string }>
    expect(listed.find((c) => c.access_key === key.accessKey)?.expire).toEqual(expect.any(String))
    expect((await ok('auth.revoke_credentials', { access_key: key.accessKey }, alice))).toEqual({ revoked: 1 })
  })

  it('records last_used and last_used_from: the X-Clearml-Worker header, else the caller\'s IP', async () => {
    const key = keyOf((await ok('auth.create_credentials', { label: 'agent' }, admin)).credentials)
    const entry = async () => ((await ok('auth.get_credentials', {}, admin)).credentials as Array<Record<string, unknown>>).find((c) => c.access_key === key.accessKey)!
    expect(await entry()).toMatchObject({ last_used: null, last_used_from: null })
    clockOffset += 5000
    expectCode(await call(srv.url, '/auth.login', { basic: key, headers: { 'X-Clearml-Worker': 'gpu-box:0' } }), 200, 0)
    const used = await entry()
    expect(used.last_used_from).toBe('gpu-box:0')
    expect(Math.abs(Date.parse(used.last_used as string) - now())).toBeLessThan(2000)
    expectCode(await call(srv.url, '/users.get_current_user', { basic: key, headers: { 'X-Trains-Worker': 'old-agent' } }), 200, 0)
    expect((await entry()).last_used_from).toBe('old-agent')
    expectCode(await call(srv.url, '/users.get_current_user', { basic: key, headers: { 'X-Forwarded-For': '10.1.2.3, 10.0.0.1' } }), 200, 0)
    expect((await entry()).last_used_from).toBe('10.1.2.3')
    expectCode(await call(srv.url, '/users.get_current_user', { basic: key }), 200, 0)
    expect((await entry()).last_used_from).toBe('127.0.0.1')
  })

  it('refuses a key over max_credentials (per user and workspace) with 400/12 until one is revoked', async () => {
    const small = await start({ maxCredentials: 2 })
    const a = small.seed!.member
    const second = (await ok('auth.create_credentials', {}, a, small)).credentials
    const refused = await fails('auth.create_credentials', {}, 400, 12, a, small)
    expect(refused.result_msg).toContain('credentials limit reached')
    expect(refused.error_data).toEqual({ max_credentials: 2 })
    expect((await ok('auth.get_credentials', {}, a, small)).max_credentials).toBe(2)
    // another user has their own allowance
    await ok('auth.create_credentials', {}, small.seed!.outsider, small)
    await ok('auth.revoke_credentials', { access_key: second.access_key }, a, small)
    await ok('auth.create_credentials', {}, a, small)
  })

  it('the caps are configurable: no cap (non-admin keys may never expire), or a default below the cap', async () => {
    const open = await start({ credentialsMaxExpirationSec: 0 })
    const a = open.seed!.member
    expect((await ok('auth.create_credentials', {}, a, open)).credentials.expire).toBeNull()
    expect(await ok('auth.get_credentials', {}, a, open)).toMatchObject({ default_expiration_sec: null, max_expiration_sec: null })
    expect((await ok('auth.create_credentials', { expiration_sec: 1000 * DAY }, a, open)).credentials.expire).toEqual(expect.any(String))

    const capped = await start({ credentialsMaxExpirationSec: 7200, credentialsDefaultExpirationSec: 3600, routerTokenMaxExpirationSec: 600 })
    const c = capped.seed!.member
    const key = (await ok('auth.create_credentials', {}, c, capped)).credentials
    expect(Math.round((Date.parse(key.expire) - now()) / 1000)).toBe(3600)
    expect(await ok('auth.get_credentials', {}, c, capped)).toMatchObject({ default_expiration_sec: 3600, max_expiration_sec: 7200 })
    await fails('auth.create_credentials', { expiration_sec: 7201 }, 400, 12, c, capped)
    expect((await ok('auth.get_router_tokens', {}, c, capped)).max_expiration_sec).toBe(600)

    await expect(startServer({ quiet: true, credentialsMaxExpirationSec: 3600, credentialsDefaultExpirationSec: 7200 })).rejects.toThrow(RangeError)
    await expect(startServer({ quiet: true, credentialsDefaultExpirationSec: 0 })).rejects.toThrow(/credentialsDefaultExpirationSec/)
    await expect(startServer({ quiet: true, credentialsMaxExpirationSec: -1 })).rejects.toThrow(RangeError)
    await expect(startServer({ quiet: true, maxCredentials: 0 })).rejects.toThrow(/maxCredentials/)
  })

  it('revoke_credentials: access_key optional in the schema but needed (400/12); edit keeps working', async () => {
    await fails('auth.revoke_credentials', {}, 400, 12, alice)
    await fails('auth.revoke_credentials', { access_key: admin.accessKey }, 400, 300, alice)
    expect(await ok('auth.edit_credentials', { access_key: alice.accessKey, label: null }, alice)).toEqual({ updated: 1 })
    expect((await ok('auth.get_credentials', {}, alice)).credentials[0].label).toBeNull()
  })

  it('auth.locate_credentials (admin) finds who holds a key of the workspace', async () => {
    expect(await ok('auth.locate_credentials', { access_key: alice.accessKey })).toEqual({
      user: alice.id, name: 'Alice Smith', label: 'demo', expire: null, last_used: null, last_used_from: null
    })
    await ok('users.get_current_user', {}, { ...alice, accessKey: alice.accessKey })
    expect(await ok('auth.locate_credentials', { access_key: alice.accessKey })).toMatchObject({ last_used: expect.any(String), last_used_from: '127.0.0.1' })
    await fails('auth.locate_credentials', { access_key: 'NOPE' }, 400, 75)
    // the admin's key for Research Lab logs into another workspace: not found from Demo Company
    await fails('auth.locate_credentials', { access_key: seed.workspaces.researchLab.adminKey.accessKey }, 400, 75)
  })

  it('auth.login {set_cookie: false} returns the token without the cookie', async () => {
    const r = expectCode(await call(srv.url, '/auth.login', { basic: admin, body: { set_cookie: false } }), 200, 0)
    expect(r.headers['set-cookie']).toBeUndefined()
    expect(r.body.data.token).toEqual(expect.any(String))
    expect(String(expectCode(await call(srv.url, '/auth.login', { basic: admin }), 200, 0).headers['set-cookie'])).toContain('clearml_token_basic=')
  })
})

describe('credentials (basic): the open-source shapes', () => {
  it('no expiry, no limits, no enterprise fields', async () => {
    const basic = await start({ featureSet: 'basic', maxCredentials: 1 })
    const a = basic.seed!.member
    const created = (await ok('auth.create_credentials', { label: 'x', expiration_sec: 60 }, a, basic)).credentials
    expect(keysOf(created)).toEqual(['access_key', 'label', 'secret_key'])
    const got = await ok('auth.get_credentials', {}, a, basic)
    expect(keysOf(got)).toEqual(['credentials'])
    expect(got.credentials.map((c: object) => keysOf(c))).toEqual([['access_key', 'label', 'last_used', 'last_used_from'], ['access_key', 'label']])
    clockOffset += 120 * 1000
    expectCode(await call(basic.url, '/auth.login', { basic: keyOf(created) }), 200, 0)
    await fails('auth.revoke_credentials', {}, 400, 11, a, basic)
  })
})

// --- router tokens -----------------------------------------------------------------------------------------------------

describe('App Gateway router tokens', () => {
  it('generate returns the token once; listings show a short key, never the token; only the hash is stored', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'clearml-ref-router-'))
    try {
      const s = await start({ dataDir })
      const a = s.seed!.member
      const before = now()
      const { token } = await ok('auth.generate_router_token', { label: 'my gateway' }, a, s)
      expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/)
      const listed = await ok('auth.get_router_tokens', {}, a, s)
      expect(listed.max_expiration_sec).toBe(365 * DAY)
      expect(listed.tokens).toHaveLength(1)
      const t = listed.tokens[0]
      expect(keysOf(t)).toEqual([...ROUTER_TOKEN_FIELDS].sort())
      expect(t).toMatchObject({
        key: token.slice(-4), label: 'my gateway', type: 'identity_token', user: a.id, created_by: a.id, revoked: false,
        revoked_at: null, revoked_by: null, endpoints: [], metadata: {}
      })
      expect(Date.parse(t.expires)).toBeGreaterThanOrEqual(before + 365 * DAY * 1000)
      expect(JSON.stringify(listed)).not.toContain(token)
      await s.close()
      for (const f of readdirSync(dataDir)) expect(readFileSync(join(dataDir, f)).includes(token), f).toBe(false)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('visibility, generating for another user, revoking', async () => {
    const mine = await ok('auth.generate_router_token', { label: 'alice', expiration_sec: 3600 }, alice)
    await ok('auth.generate_router_token', { label: 'for bob', user: bob.id }, admin)
    await ok('auth.generate_router_token', { label: 'admin own' }, admin)
    await fails('auth.generate_router_token', { label: 'x', user: bob.id }, 403, 20, alice)
    await fails('auth.generate_router_token', { label: 'x', user: seed.workspaces.researchLab.owner.id }, 400, 301, admin)
    await fails('auth.generate_router_token', { label: '  ' }, 400, 12, alice)
    await fails('auth.generate_router_token', { label: 'x', expiration_sec: 365 * DAY + 1 }, 400, 12, alice)
    await fails('auth.generate_router_token', { expiration_sec: 60 }, 400, 11, alice)
    expect(mine.token).toEqual(expect.any(String))

    const labels = async (who: Key, body: object = {}) => ((await ok('auth.get_router_tokens', body, who)).tokens as Array<{ label: string }>).map((t) => t.label)
    expect(await labels(alice)).toEqual(['alice'])
    expect(await labels(bob)).toEqual(['for bob'])
    expect(await labels(admin)).toEqual(['alice', 'for bob', 'admin own'])
    const all = (await ok('auth.get_router_tokens', {}, admin)).tokens as Array<{ id: string; label: string; user: string; created_by: string }>
    const bobs = all.find((t) => t.label === 'for bob')!
    expect([bobs.user, bobs.created_by]).toEqual([bob.id, admin.id])
    const alices = all.find((t) => t.label === 'alice')!

    // only admins revoke other users' tokens (the whole request is refused)
    await fails('auth.revoke_router_tokens', { ids: [alices.id, bobs.id] }, 403, 20, alice)
    expect(await ok('auth.revoke_router_tokens', { ids: [alices.id] }, alice)).toEqual({ revoked: 1 })
    expect(await ok('auth.revoke_router_tokens', { ids: [alices.id, bobs.id, 'unknown'] }, admin)).toEqual({ revoked: 1 })
    expect(await labels(alice, { include_revoked: true })).toEqual([]) // non-admins never see revoked ones
    expect(await labels(admin)).toEqual(['admin own'])
    const withRevoked = (await ok('auth.get_router_tokens', { include_revoked: true }, admin)).tokens as Array<Record<string, unknown>>
    expect(withRevoked.map((t) => [t.label, t.revoked, t.revoked_by])).toEqual([['alice', true, alice.id], ['for bob', true, admin.id], ['admin own', false, null]])
    expect(withRevoked[0].revoked_at).toEqual(expect.any(String))

    // order, paging, only_fields
    expect(await labels(admin, { include_revoked: true, order_by: ['-label'] })).toEqual(['for bob', 'alice', 'admin own'])
    expect(await labels(admin, { include_revoked: true, order_by: ['label'], page: 1, page_size: 1 })).toEqual(['alice'])
    const slim = (await ok('auth.get_router_tokens', { only_fields: ['label'] }, admin)).tokens
    expect(slim.map((t: object) => keysOf(t))).toEqual([['id', 'label']])
    await fails('auth.get_router_tokens', { page_size: 0 }, 400, 12)
  })
})

// --- storage credentials -----------------------------------------------------------------------------------------------

const AWS_DEFAULT = { key: '', secret: '', token: '', region: '', use_credentials_chain: false, buckets: [] }
const GOOGLE_DEFAULT = { project: '', credentials_json: '', buckets: [] }
const AZURE_DEFAULT = { containers: [] }

describe('storage credentials', () => {
  it('personal settings: defaults, partial writes per provider, bucket defaults, per user', async () => {
    expect(await ok('storage.get_user_settings', {}, alice)).toEqual({ aws: AWS_DEFAULT, google: GOOGLE_DEFAULT, azure: AZURE_DEFAULT, last_update: null })
    clockOffset += 1000
    expect(await ok('storage.set_user_settings', {
      aws: { key: 'AKIA', secret: 's3cr3t', region: 'us-east-2', buckets: [{ bucket: 'my-bucket', host: 'minio.local:9000', secure: false, unknown: 1 }] }
    }, alice)).toEqual({ updated: 1 })
    const got = await ok('storage.get_user_settings', {}, alice)
    expect(got.aws).toEqual({
      key: 'AKIA', secret: 's3cr3t', token: '', region: 'us-east-2', use_credentials_chain: false,
      buckets: [{ bucket: 'my-bucket', subdir: '', host: 'minio.local:9000', key: '', secret: '', token: '', multipart: true, acl: '', secure: false, region: '', verify: true, use_credentials_chain: false }]
    })
    expect(got.google).toEqual(GOOGLE_DEFAULT)
    expect(Math.abs(Date.parse(got.last_update) - now())).toBeLessThan(2000)

    // another provider leaves aws alone; a provider is replaced as a whole
    const json = JSON.stringify({ type: 'service_account', project_id: 'p' })
    await ok('storage.set_user_settings', { google: { project: 'p', credentials_json: json, buckets: [{ bucket: 'gb', credentials_json: '' }] } }, alice)
    await ok('storage.set_user_settings', { aws: { key: 'AKIA2' } }, alice)
    const again = await ok('storage.get_user_settings', {}, alice)
    expect(again.aws).toEqual({ ...AWS_DEFAULT, key: 'AKIA2' })
    expect(again.google).toEqual({ project: 'p', credentials_json: json, buckets: [{ bucket: 'gb', subdir: '', project: '', credentials_json: '' }] })

    // per user, and separate from the company's settings
    expect((await ok('storage.get_user_settings', {}, bob)).last_update).toBeNull()
    expect(await ok('storage.get_settings', {}, admin)).toEqual({ aws: AWS_DEFAULT, google: GOOGLE_DEFAULT, azure: AZURE_DEFAULT, last_update: null })

    expect(await ok('storage.reset_user_settings', { keys: ['aws'] }, alice)).toEqual({ updated: 1 })
    const reset = await ok('storage.get_user_settings', {}, alice)
    expect(reset.aws).toEqual(AWS_DEFAULT)
    expect(reset.google.project).toBe('p')
    expect(await ok('storage.reset_user_settings', { keys: 'google' }, bob)).toEqual({ updated: 0 }) // nothing stored
    await fails('storage.reset_user_settings', { keys: ['s3'] }, 400, 12, alice)
  })

  it('validates like the server: types, non-empty credentials_json must be JSON (400/12 naming the field), something to set', async () => {
    const bad = await fails('storage.set_user_settings', { google: { credentials_json: '{not json' } }, 400, 12, alice)
    expect(bad.result_msg).toContain("field 'google.credentials_json'")
    expect(bad.result_msg).toContain('Invalid json credentials')
    const bucket = await fails('storage.set_user_settings', { google: { buckets: [{ bucket: 'a' }, { bucket: 'b', credentials_json: 'nope' }] } }, 400, 12, alice)
    expect(bucket.result_msg).toContain("field 'google.buckets.1.credentials_json'")
    expect((await fails('storage.set_user_settings', { aws: { key: 5 } }, 400, 12, alice)).result_msg).toContain("'aws.key'")
    expect((await fails('storage.set_user_settings', { aws: { buckets: { bucket: 'x' } } }, 400, 12, alice)).result_msg).toContain("'aws.buckets'")
    expect((await fails('storage.set_user_settings', { azure: { containers: [{ account_name: ['x'] }] } }, 400, 12, alice)).result_msg).toContain("'azure.containers.0.account_name'")
    expect((await fails('storage.set_user_settings', {}, 400, 12, alice)).result_msg).toContain('No settings were provided')
    expect((await ok('storage.get_user_settings', {}, alice)).last_update).toBeNull() // nothing was stored
    await ok('storage.set_user_settings', { google: { credentials_json: '' }, aws: { key: null, use_credentials_chain: true } }, alice)
    expect((await ok('storage.get_user_settings', {}, alice)).aws.use_credentials_chain).toBe(true)
  })

  it('company settings are for admins (enterprise) and keep the open-source shape on basic', async () => {
    await ok('storage.set_settings', { azure: { containers: [{ account_name: 'a', account_key: 'k' }] } })
    expect((await ok('storage.get_settings')).azure).toEqual({ containers: [{ account_name: 'a', account_key: 'k', container_name: '' }] })
    await fails('storage.set_settings', { aws: {} }, 403, 20, alice)

    const basic = await start({ featureSet: 'basic' })
    const b = basic.seed!.outsider // any role on the open-source server
    const got = await ok('storage.get_settings', {}, b, basic)
    expect(got).toEqual({ settings: { aws: AWS_DEFAULT, google: GOOGLE_DEFAULT, azure: AZURE_DEFAULT, last_update: null } })
    expect(await ok('storage.set_settings', { aws: { key: 'K' } }, b, basic)).toEqual({ updated: 1 })
    expect((await ok('storage.get_settings', {}, basic.seed!.admin, basic)).settings.aws.key).toBe('K')
    expect(await ok('storage.reset_settings', { keys: ['aws'] }, b, basic)).toEqual({ updated: 1 })
    await fails('storage.get_user_settings', {}, 404, 0, b, basic)
  })
})

// --- preferences -------------------------------------------------------------------------------------------------------

describe('users.set_preferences (clearml-api.md §2, §6.1)', () => {
  it('setting one preference leaves every other key untouched, nested siblings included', async () => {
    const doc = {
      version: 1, firstLogin: false,
      views: { theme: 'dark', autoRefresh: true, redactedArguments: [{ key: 'CLEARML_API_SECRET_KEY' }], neverShowPopupAgain: ['tip-of-the-day'] },
      rootProjects: { showHidden: false, tagsColors: { 'a--DOT--b': { background: '#fff', foreground: '#000' } }, blockUserScript: true },
      experiments: { view: { colsOrder: { p1: ['a', 'b'] }, projectColumnsWidth: { p1: { name: 200 } } } },
      users: { activeWorkspace: seed.companyId, showOnlyUserWork: { p1: true } }
    }
    await ok('users.set_preferences', { preferences: doc }, bob)
    expect((await ok('users.get_preferences', {}, bob)).preferences).toEqual(doc)

    const r = await ok('users.set_preferences', { preferences: { 'experiments.view.colsOrder.p1': ['b', 'a'] } }, bob)
    const expected = structuredClone(doc)
    expected.experiments.view.colsOrder.p1 = ['b', 'a']
    expect(r).toEqual({ updated: 1, fields: { preferences: expected } })
    expect((await ok('users.get_preferences', {}, bob)).preferences).toEqual(expected)

    // a new leaf next to existing siblings; the web app's --DOT-- escapes are stored as they are
    await ok('users.set_preferences', { preferences: { 'rootProjects.tagsColors.c--DOT--d': { background: '#000' }, 'users.activeWorkspace': seed.workspaces.researchLab.companyId }, return_updated: false }, bob)
    const after = (await ok('users.get_preferences', {}, bob)).preferences
    expect(after.rootProjects).toEqual({ ...doc.rootProjects, tagsColors: { ...doc.rootProjects.tagsColors, 'c--DOT--d': { background: '#000' } } })
    expect(after.users).toEqual({ activeWorkspace: seed.workspaces.researchLab.companyId, showOnlyUserWork: { p1: true } })
    expect(after.views).toEqual(doc.views)
    expect(after.experiments).toEqual(expected.experiments)
    // other users untouched
    expect((await ok('users.get_preferences', {}, alice)).preferences).toEqual({})
  })

  it('rejects $ keys (400/16) and dots below the top level (400/16), and paths through values (400/305)', async () => {
    await fails('users.set_preferences', { preferences: { $set: 1 } }, 400, 16, bob)
    await fails('users.set_preferences', { preferences: { 'views.$x': 1 } }, 400, 16, bob)
    await fails('users.set_preferences', { preferences: { views: { a: { $b: 1 } } } }, 400, 16, bob)
    await fails('users.set_preferences', { preferences: { views: { 'a.b': 1 } } }, 400, 16, bob)
    await ok('users.set_preferences', { preferences: { version: 1 } }, bob)
    await fails('users.set_preferences', { preferences: { 'version.x': 1 } }, 400, 305, bob)
    expect((await ok('users.get_preferences', {}, bob)).preferences).toEqual({ version: 1 })
  })
})

// --- server.report_stats_option ----------------------------------------------------------------------------------------

describe('server.report_stats_option', () => {
  it('basic (self-hosted open source): supported; get without `enabled`, set with it (per company)', async () => {
    const basic = await start({ featureSet: 'basic' })
    const b = basic.seed!.outsider
    expect(await ok('server.report_stats_option', {}, b, basic)).toEqual({
      supported: true, enabled: false, enabled_time: null, enabled_version: null, enabled_user: null, current_version: '2.2.0'
    })
    clockOffset += 1000
    const set = await ok('server.report_stats_option', { enabled: true }, b, basic)
    expect(set).toMatchObject({ supported: true, enabled: true, enabled_version: '2.2.0', enabled_user: b.id, current_version: '2.2.0' })
    expect(Math.abs(Date.parse(set.enabled_time) - now())).toBeLessThan(2000)
    expect(await ok('server.report_stats_option', {}, basic.seed!.admin, basic)).toEqual(set)
    expect((await ok('server.report_stats_option', { enabled: false }, b, basic)).enabled).toBe(false)
    await fails('server.report_stats_option', { enabled: 'yes' }, 400, 12, b, basic)
  })

  it('enterprise: as published, {supported: false, enabled: false}', async () => {
    expect(await ok('server.report_stats_option', { enabled: true }, alice)).toEqual({ supported: false, enabled: false })
  })
})

// --- the web app's runtime configuration -------------------------------------------------------------------------------

describe('GET /configuration.json', () => {
  it('serves the runtime configuration as plain JSON, without breaking the API path handling', async () => {
    const basic = await start({ featureSet: 'basic' })
    const r = await call(basic.url, '/configuration.json', { method: 'GET' })
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toContain('application/json')
    expect(JSON.parse(r.raw)).toEqual({ blockUserScript: false, enterpriseServer: false })

    const enforced = await start({ blockUserScript: true })
    const e = await call(enforced.url, '/configuration.json?x=1', { method: 'GET', headers: { origin: 'http://localhost:5173' } })
    expect(JSON.parse(e.raw)).toEqual({ blockUserScript: true, enterpriseServer: true })
    expect(e.headers['access-control-allow-origin']).toBe('http://localhost:5173')
    const head = await call(enforced.url, '/configuration.json', { method: 'HEAD' })
    expect([head.status, head.raw]).toEqual([200, ''])

    // not an endpoint: other methods and paths are still the API's (a service "configuration" with action "json")
    expect((await fails('configuration.json', {}, 404, 0)).result_msg).toBe('Unable to find endpoint for name configuration.json and version 2.33')
    expectCode(await call(enforced.url, '/v2.33/configuration.json', { method: 'GET' }), 404, 0)
    expectCode(await call(enforced.url, '/debug.ping'), 200, 0)
    expectCode(await call(enforced.url, '/users.get_current_user', { basic: enforced.seed!.admin }), 200, 0)
  })
})

// --- CLI flags ---------------------------------------------------------------------------------------------------------

describe('CLI', () => {
  it('--credentials-max-expiration, --max-credentials and --block-user-script reach the server', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'clearml-ref-cli-us-'))
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', '--port', '0', '--data', dataDir, '--seed', 'demo', '--quiet',
      '--feature-set', 'enterprise', '--credentials-max-expiration', '3600', '--max-credentials', '3', '--block-user-script'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    try {
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`CLI did not start: ${out}`)), 15000)
        child.stdout.on('data', () => {
          if (out.includes('Workspace "Research Lab"')) {
            clearTimeout(timer)
            setTimeout(done, 50)
          }
        })
      })
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]
      expect(JSON.parse((await call(url, '/configuration.json', { method: 'GET' })).raw)).toEqual({ blockUserScript: true, enterpriseServer: true })
      const accessKey = /Alice Smith" \(member of "ML Team"\): access key ([A-Z0-9]{30}), secret key (\S+)/.exec(out)!
      const creds = expectCode(await call(url, '/auth.get_credentials', { basic: { accessKey: accessKey[1], secretKey: accessKey[2] } }), 200, 0).body.data
      expect(creds).toMatchObject({ max_credentials: 3, max_expiration_sec: 3600, default_expiration_sec: 3600 })
    } finally {
      child.kill('SIGTERM')
      await exited
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('tokens', () => {
  it('an enterprise token names the feature set', async () => {
    const { token } = await ok('auth.login', {}, alice)
    expect(decodeJwt(token)).toMatchObject({ feature_set: 'enterprise', identity: { user: alice.id, company: seed.companyId, role: 'user' } })
  })
})
