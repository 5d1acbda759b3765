import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../server/src/index'
import { call, expectCode } from './helpers'

let srv: RunningServer
let admin: { id: string; accessKey: string; secretKey: string }
let bob: { id: string; accessKey: string; secretKey: string }

beforeAll(async () => {
  srv = await startServer({ port: 0, seed: 'demo', quiet: true })
  admin = srv.seed!.admin
  bob = srv.seed!.users.find((u) => u.name === 'Bob Jones')!
})
afterAll(() => srv?.close())

describe('users', () => {
  it('seeds the demo company', () => {
    expect(srv.seed!.companyName).toBe('Demo Company')
    expect(srv.seed!.users.map((u) => [u.name, u.role])).toEqual([['Admin User', 'admin'], ['Alice Smith', 'user'], ['Bob Jones', 'user']])
  })

  it('users.update then users.get_current_user shows the new name', async () => {
    const r = expectCode(await call(srv.url, '/users.update', { basic: bob, body: { user: bob.id, name: 'Robert Jones', given_name: 'Robert' } }), 200, 0)
    expect(r.body.data).toEqual({ updated: 1, fields: { name: 'Robert Jones', given_name: 'Robert' } })
    const me = expectCode(await call(srv.url, '/users.get_current_user', { basic: bob }), 200, 0)
    expect(me.body.data.user).toMatchObject({ id: bob.id, name: 'Robert Jones', given_name: 'Robert', family_name: 'Jones', role: 'user' })
    const same = expectCode(await call(srv.url, '/users.update', { basic: bob, body: { user: bob.id, name: 'Robert Jones' } }), 200, 0)
    expect(same.body.data).toEqual({ updated: 0, fields: {} })
  })

  it('users.update validates input: empty or too long name -> 400/12, unknown user -> 400/301', async () => {
    expectCode(await call(srv.url, '/users.update', { basic: bob, body: { user: bob.id, name: '' } }), 400, 12)
    expectCode(await call(srv.url, '/users.update', { basic: bob, body: { user: bob.id, name: 'x'.repeat(257) } }), 400, 12)
    expectCode(await call(srv.url, '/users.update', { basic: bob, body: { user: bob.id, name: 42 } }), 400, 12)
    expectCode(await call(srv.url, '/users.update', { basic: bob, body: { name: 'x' } }), 400, 11)
    expectCode(await call(srv.url, '/users.update', { basic: bob, body: { user: 'no-such-user', name: 'x' } }), 400, 301)
  })

  it('users.get_all: name regex, order, paging, invalid regex -> 400/12', async () => {
    const names = async (body: object) =>
      (expectCode(await call(srv.url, '/users.get_all', { basic: admin, body }), 200, 0).body.data.users as Array<{ name: string }>).map((u) => u.name)
    expect(await names({ name: 'Smith|User', order_by: ['name'] })).toEqual(['Admin User', 'Alice Smith'])
    expect(await names({ order_by: ['-name'], page: 1, page_size: 2 })).toEqual((await names({ order_by: ['-name'] })).slice(2, 4))
    expectCode(await call(srv.url, '/users.get_all', { basic: admin, body: { name: '(' } }), 400, 12)
    expectCode(await call(srv.url, '/users.get_all', { basic: admin, body: { page_size: 0 } }), 400, 12)
    const full = expectCode(await call(srv.url, '/users.get_all', { basic: admin, body: {} }), 200, 0).body.data.users[0]
    expect(Object.keys(full).sort()).toEqual(['company', 'created', 'created_in_version', 'family_name', 'given_name', 'id', 'name'])
  })
})

describe('preferences', () => {
  it('returns the seeded preferences', async () => {
    const r = expectCode(await call(srv.url, '/users.get_preferences', { basic: admin }), 200, 0)
    expect(r.body.data.preferences.views.theme).toBe('dark')
  })

  it('set_preferences treats each top-level key as a dot path (partial update)', async () => {
    const r = expectCode(await call(srv.url, '/users.set_preferences', {
      basic: admin, body: { preferences: { 'views.theme': 'light', 'projects.orderBy': 'name', firstLogin: false } }
    }), 200, 0)
    expect(r.body.data.updated).toBe(1)
    const prefs = r.body.data.fields.preferences
    expect(prefs.views).toEqual({ theme: 'light', autoRefresh: true })
    expect(prefs.projects).toEqual({ orderBy: 'name' })
    expect(prefs.firstLogin).toBe(false)
    expect(prefs.version).toBe(1)
    const stored = expectCode(await call(srv.url, '/users.get_preferences', { basic: admin }), 200, 0).body.data.preferences
    expect(stored).toEqual(prefs)
  })

  it('a top-level object key replaces that subtree; unchanged -> updated 0; return_updated false -> no fields', async () => {
    const r = expectCode(await call(srv.url, '/users.set_preferences', { basic: admin, body: { preferences: { projects: { sortOrder: 'asc' } } } }), 200, 0)
    expect(r.body.data.fields.preferences.projects).toEqual({ sortOrder: 'asc' })
    const again = expectCode(await call(srv.url, '/users.set_preferences', { basic: admin, body: { preferences: { projects: { sortOrder: 'asc' } } } }), 200, 0)
    expect(again.body.data).toEqual({ updated: 0, fields: {} })
    const quiet = expectCode(await call(srv.url, '/users.set_preferences', { basic: admin, body: { preferences: { 'views.autoRefresh': false }, return_updated: false } }), 200, 0)
    expect(quiet.body.data).toEqual({ updated: 1, fields: {} })
  })

  it('rejects $ keys (400/16), dots in nested keys (400/16), paths through non-objects (400/305), missing preferences (400/11)', async () => {
    expectCode(await call(srv.url, '/users.set_preferences', { basic: admin, body: { preferences: { $set: 1 } } }), 400, 16)
    expectCode(await call(srv.url, '/users.set_preferences', { basic: admin, body: { preferences: { views: { $x: 1 } } } }), 400, 16)
    expectCode(await call(srv.url, '/users.set_preferences', { basic: admin, body: { preferences: { views: { 'a.b': 1 } } } }), 400, 16)
    expectCode(await call(srv.url, '/users.set_preferences', { basic: admin, body: { preferences: { 'views.theme.color': 'x' } } }), 400, 305)
    expectCode(await call(srv.url, '/users.set_preferences', { basic: admin, body: {} }), 400, 11)
    expectCode(await call(srv.url, '/users.set_preferences', { basic: admin, body: { preferences: 'x' } }), 400, 12)
  })

  it('preferences are per user', async () => {
    const r = expectCode(await call(srv.url, '/users.get_preferences', { basic: bob }), 200, 0)
    expect(r.body.data.preferences).toEqual({})
  })
})
