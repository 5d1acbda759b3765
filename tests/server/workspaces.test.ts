import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningServer, type SeedInfo, startServer } from '../../server/src/index'
import { call, decodeJwt, expectCode } from './helpers'

/**
 * Workspaces (companies) and invites on the enterprise feature set: organization.get_user_companies,
 * organization.update_company_name, organization.create_invite, login.join_company, login.leave_company,
 * login.add/remove_whitelist_entries, login.get_settings, login.set_domains, the X-Clearml-Tenant login, and the
 * demo seed's second workspace ("Research Lab").
 */

type Key = { id?: string; accessKey: string; secretKey: string }
type Who = Key | { token: string }

let srv: RunningServer
let seed: SeedInfo
let admin: Key
let alice: Key
let bob: Key
let riley: Key // Research Lab's own admin
let labKey: Key // the demo admin's key for Research Lab
let lab: string
let clockOffset = 0
const now = () => Date.now() + clockOffset

beforeEach(async () => {
  clockOffset = 0
  srv = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true, now })
  seed = srv.seed!
  admin = seed.admin
  alice = seed.member
  bob = seed.outsider
  riley = seed.workspaces.researchLab.owner
  labKey = seed.workspaces.researchLab.adminKey
  lab = seed.workspaces.researchLab.companyId
})
afterEach(async () => {
  await srv?.close()
})

const auth = (who: Who) => ('token' in who ? { token: who.token } : { basic: who })
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function ok(name: string, body: unknown = {}, who: Who = admin): Promise<any> {
  return expectCode(await call(srv.url, `/${name}`, { ...auth(who), body }), 200, 0).body.data
}
async function fails(name: string, body: unknown, code: number, subcode: number, who: Who = admin) {
  return expectCode(await call(srv.url, `/${name}`, { ...auth(who), body }), code, subcode).body.meta
}
const companies = async (who: Who = admin) => (await ok('organization.get_user_companies', {}, who)).companies as Array<{ id: string; name: string; allowed: null; allocated: number; owners: Array<{ id: string; name: string }> }>

describe('the demo seed', () => {
  it('gives the admin a second workspace with one key there, and Demo Company a pending invite', async () => {
    expect(seed.workspaces.researchLab).toEqual({
      companyId: expect.stringMatching(/^[0-9a-f]{32}$/), companyName: 'Research Lab',
      owner: { id: expect.any(String), name: 'Riley Chen', accessKey: expect.any(String), secretKey: expect.any(String) },
      adminKey: { accessKey: expect.stringMatching(/^[A-Z0-9]{30}$/), secretKey: expect.any(String) }
    })
    expect(seed.pendingInvites).toEqual(['carol@demo.example'])
    // the three original users are unchanged; Demo Company also has the administration seed's people and service accounts
    expect(seed.users.map((u) => u.name)).toEqual(['Admin User', 'Alice Smith', 'Bob Jones'])
    expect((await ok('users.get_all')).users).toHaveLength(seed.counts.users)

    expect(await companies()).toEqual([
      { id: seed.companyId, name: 'Demo Company', allowed: null, allocated: seed.counts.users + 1, owners: [{ id: admin.id, name: 'Admin User' }] },
      { id: lab, name: 'Research Lab', allowed: null, allocated: 2, owners: [{ id: riley.id, name: 'Riley Chen' }] }
    ])
    expect((await companies(alice)).map((c) => c.name)).toEqual(['Demo Company'])
    expect((await companies(riley)).map((c) => c.name)).toEqual(['Research Lab'])

    const creds = await ok('auth.get_credentials')
    expect(creds.credentials.map((c: { access_key: string }) => c.access_key)).toEqual([admin.accessKey])
    expect(creds.additional_credentials).toEqual({
      [lab]: [{ access_key: labKey.accessKey, created: expect.any(String), expire: null, label: 'research', last_used: null, last_used_from: null }]
    })
  })

  it('the admin\'s key for Research Lab logs into Research Lab, as a user there', async () => {
    const me = await ok('users.get_current_user', {}, labKey)
    expect(me.user).toMatchObject({ id: admin.id, name: 'Admin User', company: { id: lab, name: 'Research Lab' }, role: 'user' })
    const users = (await ok('users.get_all', {}, labKey)).users as Array<{ id: string; company: string }>
    expect(users.map((u) => [u.id, u.company])).toEqual([[riley.id, lab], [admin.id, lab]])
    const token = (await ok('auth.login', {}, labKey)).token
    expect(decodeJwt(token)).toMatchObject({ identity: { user: admin.id, company: lab, role: 'user', company_name: 'Research Lab' } })
    // from there, the Demo Company keys are the additional ones; as a user there, non-admin caps apply
    const creds = await ok('auth.get_credentials', {}, { token })
    expect(creds.credentials.map((c: { access_key: string }) => c.access_key)).toEqual([labKey.accessKey])
    expect(Object.keys(creds.additional_credentials)).toEqual([seed.companyId])
    expect(creds.default_expiration_sec).toBe(90 * 24 * 3600)
    const made = (await ok('auth.create_credentials', { label: 'lab 2' }, { token })).credentials
    expect(made.expire).toEqual(expect.any(String))
    // admin endpoints refuse the admin there (role user)
    await fails('login.get_settings', {}, 403, 20, { token })
    await fails('organization.update_company_name', { new_name: 'Mine' }, 403, 20, { token })
  })

  it('X-Clearml-Tenant on auth.login switches to another workspace the caller is a member of', async () => {
    const r = expectCode(await call(srv.url, '/auth.login', { basic: admin, headers: { 'X-Clearml-Tenant': lab } }), 200, 0)
    expect(decodeJwt(r.body.data.token)).toMatchObject({ identity: { user: admin.id, company: lab, role: 'user' } })
    expectCode(await call(srv.url, '/auth.login', { basic: alice, headers: { 'X-Clearml-Tenant': lab } }), 401, 22)
    const same = expectCode(await call(srv.url, '/auth.login', { basic: admin, headers: { 'X-Clearml-Tenant': seed.companyId } }), 200, 0)
    expect(decodeJwt(same.body.data.token)).toMatchObject({ identity: { company: seed.companyId, role: 'admin' } })
  })

  it('a data dir seeded before workspaces existed gets them once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'clearml-ref-ws-'))
    try {
      const first = await startServer({ port: 0, dataDir, seed: 'demo', featureSet: 'enterprise', quiet: true })
      const before = first.seed!
      await first.close()
      // make it look like an older seed: no workspaces in the seed info, the admin in no other company
      const db = new Database(join(dataDir, 'clearml-reference.sqlite'))
      const info = JSON.parse((db.prepare("SELECT value FROM meta WHERE key = 'seed_info'").get() as { value: string }).value)
      delete info.workspaces
      delete info.pendingInvites
      db.prepare("UPDATE meta SET value = ? WHERE key = 'seed_info'").run(JSON.stringify(info))
      db.prepare('DELETE FROM company_members').run()
      db.prepare('DELETE FROM credentials WHERE company != (SELECT company FROM users WHERE users.id = credentials.user_id)').run()
      db.close()
      const second = await startServer({ port: 0, dataDir, seed: 'demo', featureSet: 'enterprise', quiet: true })
      try {
        const s = second.seed!
        expect(s.workspaces.researchLab.companyId).not.toBe(before.workspaces.researchLab.companyId)
        expect(s.admin).toEqual(before.admin)
        expectCode(await call(second.url, '/users.get_current_user', { basic: s.workspaces.researchLab.adminKey }), 200, 0)
      } finally {
        await second.close()
      }
      // and only once
      const third = await startServer({ port: 0, dataDir, seed: 'demo', featureSet: 'enterprise', quiet: true })
      const again = third.seed!
      await third.close()
      const fourth = await startServer({ port: 0, dataDir, seed: 'demo', featureSet: 'enterprise', quiet: true })
      expect(fourth.seed).toEqual(again)
      await fourth.close()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('organization.update_company_name', () => {
  it('renames the caller\'s own company (admin); the new name shows everywhere', async () => {
    expect(await ok('organization.update_company_name', { new_name: '  Demo Co  ' })).toEqual({ updated: 1 })
    expect(await ok('organization.update_company_name', { new_name: 'Demo Co', company: seed.companyId })).toEqual({ updated: 0 })
    expect((await companies())[0].name).toBe('Demo Co')
    expect((await ok('users.get_current_user', {}, alice)).user.company).toEqual({ id: seed.companyId, name: 'Demo Co' })
    await fails('organization.update_company_name', { new_name: ' ' }, 400, 12)
    await fails('organization.update_company_name', { new_name: 'x'.repeat(257) }, 400, 12)
    await fails('organization.update_company_name', { new_name: 'Lab', company: lab }, 403, 20)
    await fails('organization.update_company_name', { new_name: 'Mine' }, 403, 20, alice)
  })
})

describe('invites', () => {
  it('login.add_whitelist_entries invites by email; login.get_settings lists pending and accepted entries', async () => {
    const r = await ok('login.add_whitelist_entries', { emails: ['Dave@Example.com', 'alice@demo.example', 'carol@demo.example', 'dave@example.com'], role: 'consumer' })
    // Alice is already in the workspace; Carol's pending invite is renewed
    expect(r).toEqual({ added: ['dave@example.com', 'carol@demo.example'] })
    const settings = await ok('login.get_settings')
    expect(settings.domains).toEqual([])
    expect(settings.whitelist_entries).toEqual([
      { email: 'carol@demo.example', added: expect.any(String), status: 'pending', accepted: null },
      { email: 'dave@example.com', added: expect.any(String), status: 'pending', accepted: null }
    ])
    await fails('login.add_whitelist_entries', { emails: ['not an email'] }, 400, 12)
    await fails('login.add_whitelist_entries', { emails: ['x@y.example'], role: 'root' }, 400, 12)
    await fails('login.add_whitelist_entries', { emails: ['x@y.example'] }, 403, 20, alice)
    expect(await ok('login.add_whitelist_entries', {})).toEqual({ added: [] })
    // pending invites count as allocated seats
    expect((await companies())[0].allocated).toBe(seed.counts.users + 2)

    // Research Lab: the demo admin's invite was accepted
    const labSettings = await ok('login.get_settings', {}, riley)
    expect(labSettings.whitelist_entries).toEqual([
      { email: 'admin@demo.example', added: expect.any(String), status: 'accepted', accepted: expect.any(String), user: { id: admin.id, name: 'Admin User', role: 'user' } }
    ])
    // only entries not accepted yet can be removed
    expect(await ok('login.remove_whitelist_entries', { emails: ['admin@demo.example'] }, riley)).toEqual({ removed: [] })
    expect(await ok('login.remove_whitelist_entries', { emails: ['dave@example.com', 'nobody@example.com'] })).toEqual({ removed: ['dave@example.com'] })
    expect((await ok('login.get_settings')).whitelist_entries.map((e: { email: string }) => e.email)).toEqual(['carol@demo.example'])
  })

  it('is_admin (deprecated) invites as admin unless role says otherwise; a joining user takes the invite\'s role', async () => {
    await ok('login.add_whitelist_entries', { emails: ['bob@demo.example'], is_admin: true }, riley)
    const { id } = await ok('organization.create_invite', {}, riley)
    await ok('login.join_company', { invite_id: id }, bob)
    const r = expectCode(await call(srv.url, '/auth.login', { basic: bob, headers: { 'X-Clearml-Tenant': lab } }), 200, 0)
    expect(decodeJwt(r.body.data.token)).toMatchObject({ identity: { company: lab, role: 'admin' } })
    expect((await ok('login.get_settings', {}, riley)).whitelist_entries[1]).toMatchObject({ email: 'bob@demo.example', status: 'accepted', user: { id: bob.id, role: 'admin' } })
  })

  it('login.set_domains sets the auto-login domains', async () => {
    expect(await ok('login.set_domains', { domains: ['Demo.Example', 'lab.demo.example', 'demo.example'] })).toEqual({})
    expect((await ok('login.get_settings')).domains).toEqual(['demo.example', 'lab.demo.example'])
    await fails('login.set_domains', { domains: ['not a host'] }, 400, 12)
    await fails('login.set_domains', {}, 400, 12)
    await ok('login.set_domains', { domains: [] })
    expect((await ok('login.get_settings')).domains).toEqual([])
  })

  it('an invite link (organization.create_invite) lets a logged-in user join with login.join_company, for 24 hours', async () => {
    const invite = await ok('organization.create_invite', {}, riley)
    expect(invite).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), allowed_users: null, allocated_users: 2 })
    await fails('organization.create_invite', {}, 403, 20, alice)

    const joined = expectCode(await call(srv.url, '/login.join_company', { basic: alice, body: { invite_id: invite.id, return_token: true } }), 200, 0)
    expect(joined.body.data).toEqual({ company_id: lab, company_name: 'Research Lab', token: expect.any(String) })
    expect(String(joined.headers['set-cookie'])).toContain(`clearml_token_basic=${joined.body.data.token}`)
    expect(decodeJwt(joined.body.data.token)).toMatchObject({ identity: { user: alice.id, company: lab, role: 'user' } })
    expect((await companies(alice)).map((c) => c.name)).toEqual(['Demo Company', 'Research Lab'])
    expect((await companies(riley))[0].allocated).toBe(3)
    // joining again is harmless; without return_token no token in the answer
    expect(await ok('login.join_company', { invite_id: invite.id }, alice)).toEqual({ company_id: lab, company_name: 'Research Lab' })

    clockOffset += 24 * 3600 * 1000
    await fails('login.join_company', { invite_id: invite.id }, 400, 10, bob)
    await fails('login.join_company', { invite_id: 'nope' }, 400, 10, bob)
    await fails('login.join_company', {}, 400, 11, bob)
  })
})

describe('login.leave_company', () => {
  it('leaving a joined workspace revokes the keys, router tokens and sessions there; a new invite is needed to come back', async () => {
    const labToken = (await ok('auth.login', {}, labKey)).token
    await ok('auth.generate_router_token', { label: 'lab gateway' }, { token: labToken })
    const r = expectCode(await call(srv.url, '/login.leave_company', { basic: admin, body: { company_id: lab } }), 200, 0)
    expect(r.body.data).toEqual({ company_id: seed.companyId, company_name: 'Demo Company' })

    expectCode(await call(srv.url, '/users.get_current_user', { basic: labKey }), 401, 22)
    expectCode(await call(srv.url, '/users.get_current_user', { token: labToken }), 401, 30)
    expect((await companies()).map((c) => c.name)).toEqual(['Demo Company'])
    expect((await ok('auth.get_credentials')).additional_credentials).toEqual({})
    const tokens = (await ok('auth.get_router_tokens', { include_revoked: true }, riley)).tokens
    expect(tokens.map((t: { label: string; revoked: boolean }) => [t.label, t.revoked])).toEqual([['lab gateway', true]])
    expect((await ok('users.get_all', {}, riley)).users.map((u: { id: string }) => u.id)).toEqual([riley.id])
    expect((await ok('login.get_settings', {}, riley)).whitelist_entries).toEqual([])

    await fails('login.leave_company', { company_id: lab }, 400, 10)
    await fails('login.leave_company', { company_id: seed.companyId }, 400, 12)
    await fails('login.leave_company', {}, 400, 11)
    // re-invited, they can come back
    expect(await ok('login.add_whitelist_entries', { emails: ['admin@demo.example'] }, riley)).toEqual({ added: ['admin@demo.example'] })
  })

  it('leaving the workspace of the current session moves the session to the personal workspace', async () => {
    const r = expectCode(await call(srv.url, '/login.leave_company', { basic: labKey, body: { company_id: lab, return_token: true } }), 200, 0)
    expect(r.body.data).toEqual({ company_id: seed.companyId, company_name: 'Demo Company', token: expect.any(String) })
    expect(decodeJwt(r.body.data.token)).toMatchObject({ identity: { user: admin.id, company: seed.companyId, role: 'admin' } })
    expect(String(r.headers['set-cookie'])).toContain('clearml_token_basic=')
    expectCode(await call(srv.url, '/users.get_current_user', { token: r.body.data.token }), 200, 0)
  })

  it('nobody can leave their own (personal) workspace', async () => {
    const meta = await fails('login.leave_company', { company_id: lab }, 400, 12, riley)
    expect(meta.result_msg).toContain('own (personal) workspace')
  })
})

describe('switching workspaces', () => {
  it('is stored by the web app as the users.activeWorkspace preference', async () => {
    await ok('users.set_preferences', { preferences: { 'users.activeWorkspace': lab } })
    const prefs = (await ok('users.get_preferences')).preferences
    expect(prefs.users).toEqual({ activeWorkspace: lab })
    expect(prefs.views).toEqual({ theme: 'dark', autoRefresh: true }) // the rest is kept
  })
})
