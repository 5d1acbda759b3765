import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LARGE_SEED, type RunningServer, startServer } from '../../server/src/index'
import { call, expectCode } from './helpers'

/**
 * `--seed large` (StartOptions.seed 'large'): the demo plus 50,000 users and 20,000 access rules for benchmarks, built in
 * one transaction; the admin endpoints page and filter them on the server.
 */

let srv: RunningServer
let startMs = 0

beforeAll(async () => {
  const t0 = Date.now()
  srv = await startServer({ port: 0, seed: 'large', featureSet: 'enterprise', quiet: true })
  startMs = Date.now() - t0
  console.log(`large seed: server started in ${startMs} ms`)
}, 60_000)
afterAll(() => srv?.close())

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function ok(name: string, body: unknown = {}): Promise<any> {
  return expectCode(await call(srv.url, `/${name}`, { basic: srv.seed!.admin, body }), 200, 0).body.data
}

describe('the large seed', () => {
  it('builds fast and reports its counts in SeedInfo', () => {
    // about 3 s on an idle two-core machine; the bound leaves room for a loaded CI machine
    expect(startMs).toBeLessThan(15_000)
    const { kind, counts } = srv.seed!
    expect(kind).toBe('large')
    expect(LARGE_SEED).toMatchObject({ users: 50_000, accessRules: 20_000 })
    expect(counts.users).toBe(LARGE_SEED.users + 8) // the demo's people and service accounts too
    expect(counts.accessRules).toBe(LARGE_SEED.accessRules + 15)
    expect(counts.groups).toBe(LARGE_SEED.groups + 5)
    expect(counts.projects).toBe(LARGE_SEED.projects + 6)
    expect(counts.tasks).toBe(LARGE_SEED.tasks + 6)
  })

  it('users.get_all_ex pages 50,000 users on the server; permissions.get_access_rules returns 20,000 rules', async () => {
    let t = Date.now()
    const page = await ok('users.get_all_ex', { include_auth: true, include_activity: true, order_by: ['-name'], page: 3, page_size: 50 })
    expect(page.users).toHaveLength(50)
    expect(page.users[0]).toHaveProperty('sec_groups')
    expect(Date.now() - t).toBeLessThan(10_000) // well under a second on an idle machine
    const found = await ok('users.get_all_ex', { name: '^Ava Brown 20$' })
    expect(found.users.map((u: { name: string }) => u.name)).toEqual(['Ava Brown 20'])
    t = Date.now()
    const { rules } = await ok('permissions.get_access_rules')
    expect(rules).toHaveLength(LARGE_SEED.accessRules + 15)
    expect(Date.now() - t).toBeLessThan(10_000)
    const someProjectRule = rules.find((r: { name: string; entity_type: string; entity_id: string; users: unknown[] }) => r.name.startsWith('Bulk rule') && r.entity_type === 'project' && r.entity_id !== '*' && r.users.length)
    expect(someProjectRule.entity_name).toMatch(/^Bulk project/)
    const check = await ok('permissions.check_entity_access', { entity_type: 'project', entity_id: someProjectRule.entity_id, access_permission: 'read' })
    expect(check.reason).toBe('admin')
  }, 30_000)
})
