import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../server/src/index'
import { call, expectCode } from './helpers'

let srv: RunningServer
let admin: { accessKey: string; secretKey: string }

beforeAll(async () => {
  srv = await startServer({ port: 0, seed: 'demo', quiet: true })
  admin = srv.seed!.admin
})
afterAll(() => srv?.close())

describe('wire format', () => {
  it('wraps results in the ClearML envelope with a server header and echoes X-Clearml-Trx', async () => {
    const r = await call(srv.url, '/debug.ping', { body: { hello: 'world', method: 'GET' }, headers: { 'X-Clearml-Trx': 'trx-42' } })
    expectCode(r, 200, 0)
    expect(r.headers.server).toBe('clearml')
    expect(r.body.meta).toMatchObject({
      trx: 'trx-42', endpoint: { name: 'debug.ping', requested_version: '2.33', actual_version: '2.9' },
      result_msg: 'OK', error_stack: null, error_data: {}
    })
    expect(r.body.meta.id).toMatch(/^[0-9a-f]{32}$/)
    expect(r.body.data).toEqual({ hello: 'world', msg: 'ClearML server' })
  })

  it('answers OPTIONS with 200 and an empty body', async () => {
    const r = await call(srv.url, '/users.get_all', { method: 'OPTIONS' })
    expect(r.status).toBe(200)
    expect(r.raw).toBe('')
  })

  it('unknown endpoint -> 404/0 with the server message', async () => {
    const r = expectCode(await call(srv.url, '/v2.23/nope.nothing', { basic: admin }), 404, 0)
    expect(r.body.meta.result_msg).toBe('Unable to find endpoint for name nope.nothing and version 2.23')
    expect(r.body.data).toEqual({})
  })

  it('resolves versions: an endpoint newer than the requested version is 404, v999.0 gets the newest', async () => {
    expectCode(await call(srv.url, '/v2.18/auth.edit_credentials', { basic: admin, body: { access_key: 'X' } }), 404, 0)
    const r = expectCode(await call(srv.url, '/v999.0/users.get_current_user', { basic: admin }), 200, 0)
    expect(r.body.meta.endpoint).toEqual({ name: 'users.get_current_user', requested_version: '999.0', actual_version: '2.1' })
  })

  it('malformed path -> 400/0, bad JSON -> 400/0', async () => {
    expectCode(await call(srv.url, '/not-an-endpoint', { basic: admin }), 400, 0)
    expectCode(await call(srv.url, '/users.get_all', { basic: admin, rawBody: '{"name":' }), 400, 0)
  })

  it('accepts GET with a JSON body and no Content-Type, with a /vX.Y/ prefix', async () => {
    const r = expectCode(await call(srv.url, '/v2.23/users.get_all', { method: 'GET', basic: admin, body: { name: '^Alice', method: 'GET' } }), 200, 0)
    expect(r.body.data.users.map((u: { name: string }) => u.name)).toEqual(['Alice Smith'])
  })

  it('merges query-string args: repeated keys and key[] become lists, numbers and booleans are converted', async () => {
    const all = expectCode(await call(srv.url, '/users.get_all', { basic: admin }), 200, 0).body.data.users as Array<{ id: string; name: string }>
    const [a, b] = all
    const r = await call(srv.url, `/users.get_all?id=${a.id}&id=${b.id}&only_fields[]=name&order_by=-name&page=0&page_size=1`, { method: 'GET', basic: admin })
    expectCode(r, 200, 0)
    const expected = [a, b].sort((x, y) => y.name.localeCompare(x.name))[0]
    expect(r.body.data.users).toEqual([{ id: expected.id, name: expected.name }])
  })
})

describe('authentication errors', () => {
  it('no credentials -> 401/20', async () => {
    const r = expectCode(await call(srv.url, '/users.get_current_user'), 401, 20)
    expect(r.body.meta.result_msg).toBe('Unauthorized (missing credentials)')
    expect(r.body.data).toEqual({})
  })

  it('server.info needs auth; with basic auth it reports the api version', async () => {
    expectCode(await call(srv.url, '/server.info'), 401, 20)
    const r = expectCode(await call(srv.url, '/server.info', { basic: admin }), 200, 0)
    expect(r.body.data).toMatchObject({ api_version: '2.33', version: expect.any(String), build: expect.any(String), commit: expect.any(String) })
  })

  it('bad credentials -> 401/22 with the server message', async () => {
    const r = expectCode(await call(srv.url, '/users.get_current_user', { basic: { accessKey: admin.accessKey, secretKey: 'wrong' } }), 401, 22)
    expect(r.body.meta.result_msg).toBe('Unauthorized (invalid credentials) (failed to locate provided credentials)')
  })

  it('malformed basic -> 401/21; unknown scheme -> 401/10; garbage bearer -> 401/30', async () => {
    expectCode(await call(srv.url, '/users.get_current_user', { headers: { authorization: 'Basic ' + Buffer.from('nocolon').toString('base64') } }), 401, 21)
    expectCode(await call(srv.url, '/users.get_current_user', { headers: { authorization: 'Digest abc' } }), 401, 10)
    expectCode(await call(srv.url, '/users.get_current_user', { token: 'not.a.jwt' }), 401, 30)
  })

  it('basic auth works on a normal endpoint', async () => {
    const r = expectCode(await call(srv.url, '/users.get_current_user', { basic: admin }), 200, 0)
    expect(r.body.data.user).toMatchObject({ id: srv.seed!.admin.id, name: 'Admin User', role: 'admin', company: { name: 'Demo Company' } })
    expect(r.body.data.settings).toEqual({ max_download_items: 1000 })
  })

  it('login.supported_modes works with and without auth', async () => {
    const anon = expectCode(await call(srv.url, '/login.supported_modes'), 200, 0)
    expect(anon.body.data).toMatchObject({ basic: { enabled: false, guest: { enabled: false } }, sso: {}, sso_providers: [], authenticated: false })
    const authed = expectCode(await call(srv.url, '/login.supported_modes', { basic: admin }), 200, 0)
    expect(authed.body.data.authenticated).toBe(true)
  })
})
