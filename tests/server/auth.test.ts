import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../server/src/index'
import { signJwt } from '../../server/src/jwt'
import { call, decodeJwt, expectCode } from './helpers'

let srv: RunningServer
let admin: { id: string; accessKey: string; secretKey: string }

/** The server's clock runs this far ahead of the real one: tests move time instead of waiting. */
let clockOffset = 0

beforeAll(async () => {
  srv = await startServer({ port: 0, seed: 'demo', quiet: true, now: () => Date.now() + clockOffset })
  admin = srv.seed!.admin
})
afterAll(() => srv?.close())

async function login(query = ''): Promise<string> {
  const r = expectCode(await call(srv.url, `/auth.login${query}`, { method: 'GET', basic: admin }), 200, 0)
  return r.body.data.token
}

describe('auth.login / tokens', () => {
  it('issues an HS256 JWT with the ClearML claims; the token works as Bearer', async () => {
    const token = await login()
    const [header] = token.split('.')
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' })
    const claims = decodeJwt(token)
    expect(claims).toMatchObject({
      identity: { user: admin.id, company: srv.seed!.companyId, role: 'admin', user_name: 'Admin User', company_name: 'Demo Company' },
      api_version: '2.33', feature_set: 'basic', server_version: expect.any(String), server_build: expect.any(String),
      session_id: expect.any(String), env: expect.any(String)
    })
    expect((claims.exp as number) - (claims.iat as number)).toBe(30 * 24 * 3600)
    expectCode(await call(srv.url, '/users.get_current_user', { token }), 200, 0)
  })

  it('accepts expiration_sec from the query string and rejects more than a year (400/12)', async () => {
    const claims = decodeJwt(await login('?expiration_sec=3600'))
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600)
    expectCode(await call(srv.url, '/auth.login', { basic: admin, body: { expiration_sec: 365 * 24 * 3600 + 1 } }), 400, 12)
    expectCode(await call(srv.url, '/auth.login', { basic: admin, body: { expiration_sec: 'soon' } }), 400, 12)
  })

  it('an expired token -> 401/30 "Signature has expired"', async () => {
    const token = srv.issueToken(admin.id, -10)
    const r = expectCode(await call(srv.url, '/users.get_current_user', { token }), 401, 30)
    expect(r.body.meta.result_msg).toContain('Signature has expired')
  })

  it('a short-lived token works, then stops working once expired', async () => {
    // iat is whole seconds, so a 2 s token has between 1 and 2 s left when issued
    const token = srv.issueToken(admin.id, 2)
    expectCode(await call(srv.url, '/users.get_current_user', { token }), 200, 0)
    clockOffset += 2100
    try {
      expectCode(await call(srv.url, '/users.get_current_user', { token }), 401, 30)
    } finally {
      clockOffset -= 2100
    }
  })

  it('a token signed with another secret -> 401/30', async () => {
    const claims = decodeJwt(await login())
    const forged = signJwt(claims, 'not-the-server-secret')
    expectCode(await call(srv.url, '/users.get_current_user', { token: forged }), 401, 30)
  })

  it('auth.logout revokes the session', async () => {
    const token = await login()
    const other = await login()
    expectCode(await call(srv.url, '/auth.logout', { token }), 200, 0)
    expectCode(await call(srv.url, '/users.get_current_user', { token }), 401, 30)
    expectCode(await call(srv.url, '/users.get_current_user', { token: other }), 200, 0)
    expectCode(await call(srv.url, '/login.logout', { token: other }), 200, 0)
    expectCode(await call(srv.url, '/users.get_current_user', { token: other }), 401, 30)
  })

  it('auth.login also accepts a Bearer token (refresh) and issues a new session', async () => {
    const token = await login()
    const refreshed = expectCode(await call(srv.url, '/auth.login', { method: 'GET', token }), 200, 0).body.data.token as string
    expect(decodeJwt(refreshed).session_id).not.toBe(decodeJwt(token).session_id)
    expectCode(await call(srv.url, '/users.get_current_user', { token: refreshed }), 200, 0)
  })

  it('login sets the web cookie, which authenticates when no header is sent', async () => {
    const r = expectCode(await call(srv.url, '/auth.login', { basic: admin }), 200, 0)
    const cookie = String(r.headers['set-cookie']).split(';')[0]
    expect(cookie).toBe(`clearml_token_basic=${r.body.data.token}`)
    expectCode(await call(srv.url, '/users.get_current_user', { headers: { cookie } }), 200, 0)
  })
})

describe('credentials lifecycle', () => {
  it('create -> get (no secret) -> edit label -> revoke -> basic with revoked key is 401/22', async () => {
    const created = expectCode(await call(srv.url, '/auth.create_credentials', { basic: admin, body: { label: 'ci' } }), 200, 0)
    const cred = created.body.data.credentials
    expect(cred.access_key).toMatch(/^[A-Z0-9]{30}$/)
    expect(cred.secret_key).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{60,}$/)
    expect(cred.label).toBe('ci')
    const mine = { accessKey: cred.access_key, secretKey: cred.secret_key }

    // using the new key records last_used / last_used_from
    expectCode(await call(srv.url, '/users.get_current_user', { basic: mine, headers: { 'X-Clearml-Worker': 'build-box' } }), 200, 0)

    const list = expectCode(await call(srv.url, '/auth.get_credentials', { basic: admin }), 200, 0).body.data.credentials as Array<Record<string, unknown>>
    const entry = list.find((c) => c.access_key === cred.access_key)
    expect(entry).toMatchObject({ access_key: cred.access_key, label: 'ci', last_used_from: 'build-box', last_used: expect.any(String) })
    expect(list.every((c) => !('secret_key' in c))).toBe(true)

    expect(expectCode(await call(srv.url, '/auth.edit_credentials', { basic: admin, body: { access_key: cred.access_key, label: 'ci-2' } }), 200, 0).body.data).toEqual({ updated: 1 })
    const relabelled = expectCode(await call(srv.url, '/auth.get_credentials', { basic: admin }), 200, 0).body.data.credentials as Array<Record<string, unknown>>
    expect(relabelled.find((c) => c.access_key === cred.access_key)?.label).toBe('ci-2')

    expectCode(await call(srv.url, '/auth.edit_credentials', { basic: admin, body: { access_key: 'NOPE', label: 'x' } }), 400, 75)
    expectCode(await call(srv.url, '/auth.edit_credentials', { basic: admin, body: { label: 'x' } }), 400, 11)

    expect(expectCode(await call(srv.url, '/auth.revoke_credentials', { basic: admin, body: { access_key: cred.access_key } }), 200, 0).body.data).toEqual({ revoked: 1 })
    expectCode(await call(srv.url, '/auth.revoke_credentials', { basic: admin, body: { access_key: cred.access_key } }), 400, 300)
    expectCode(await call(srv.url, '/users.get_current_user', { basic: mine }), 401, 22)
  })

  it("a user cannot see or revoke another user's credentials", async () => {
    const alice = srv.seed!.users.find((u) => u.name === 'Alice Smith')!
    const list = expectCode(await call(srv.url, '/auth.get_credentials', { basic: alice }), 200, 0).body.data.credentials as Array<{ access_key: string }>
    expect(list.map((c) => c.access_key)).toEqual([alice.accessKey])
    expectCode(await call(srv.url, '/auth.revoke_credentials', { basic: alice, body: { access_key: admin.accessKey } }), 400, 300)
  })
})
