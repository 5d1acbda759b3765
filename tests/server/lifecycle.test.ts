import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startServer } from '../../server/src/index'
import { call, expectCode } from './helpers'

const dirs: string[] = []
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'clearml-ref-test-'))
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('persistence', () => {
  it('restart with the same dataDir keeps users, credentials, preferences and accepts old tokens; seeding is idempotent', async () => {
    const dataDir = tempDir()
    const first = await startServer({ port: 0, dataDir, seed: 'demo', quiet: true })
    const admin = first.seed!.admin
    const token = expectCode(await call(first.url, '/auth.login', { basic: admin }), 200, 0).body.data.token as string
    const extra = expectCode(await call(first.url, '/auth.create_credentials', { token, body: { label: 'kept' } }), 200, 0).body.data.credentials
    expectCode(await call(first.url, '/users.set_preferences', { token, body: { preferences: { 'views.theme': 'system' } } }), 200, 0)
    expectCode(await call(first.url, '/users.update', { token, body: { user: admin.id, name: 'Renamed Admin' } }), 200, 0)
    const seedBefore = first.seed!
    await first.close()

    const second = await startServer({ port: 0, dataDir, seed: 'demo', quiet: true })
    try {
      expect(second.seed).toEqual({ ...seedBefore, admin: { ...seedBefore.admin, name: 'Renamed Admin' }, users: seedBefore.users.map((u) => (u.id === admin.id ? { ...u, name: 'Renamed Admin' } : u)) })
      const me = expectCode(await call(second.url, '/users.get_current_user', { token }), 200, 0)
      expect(me.body.data.user.name).toBe('Renamed Admin')
      expectCode(await call(second.url, '/users.get_current_user', { basic: { accessKey: extra.access_key, secretKey: extra.secret_key } }), 200, 0)
      const prefs = expectCode(await call(second.url, '/users.get_preferences', { token }), 200, 0).body.data.preferences
      expect(prefs.views.theme).toBe('system')
      const users = expectCode(await call(second.url, '/users.get_all', { token }), 200, 0).body.data.users
      expect(users).toHaveLength(seedBefore.counts.users)
    } finally {
      await second.close()
    }
  })

  it('rejects a token TTL of 360 s or less', async () => {
    await expect(startServer({ port: 0, tokenTtlSec: 360, quiet: true })).rejects.toThrow(/tokenTtlSec/)
  })

  it('seed none starts empty', async () => {
    const srv = await startServer({ port: 0, seed: 'none', quiet: true })
    try {
      expect(srv.seed).toBeUndefined()
      expectCode(await call(srv.url, '/debug.ping'), 200, 0)
    } finally {
      await srv.close()
    }
  })
})

describe('fault injection', () => {
  it('latency delays every answer and can be changed at runtime', async () => {
    const srv = await startServer({ port: 0, quiet: true, faults: { latencyMs: 300 } })
    try {
      let t = Date.now()
      expectCode(await call(srv.url, '/debug.ping'), 200, 0)
      expect(Date.now() - t).toBeGreaterThanOrEqual(280)
      srv.setFaults({})
      t = Date.now()
      expectCode(await call(srv.url, '/debug.ping'), 200, 0)
      expect(Date.now() - t).toBeLessThan(250)
    } finally {
      await srv.close()
    }
  })

  it('resetRate 1 destroys the connection; errorRate 1 answers 500/0 or 503/0 in the envelope', async () => {
    const srv = await startServer({ port: 0, quiet: true, faults: { resetRate: 1 } })
    try {
      await expect(call(srv.url, '/debug.ping')).rejects.toThrow(/socket hang up|ECONNRESET/)
      srv.setFaults({ errorRate: 1 })
      for (let i = 0; i < 4; i++) {
        const r = await call(srv.url, '/debug.ping')
        expect([500, 503]).toContain(r.status)
        expect(r.body.meta.result_code).toBe(r.status)
        expect(r.body.meta.result_subcode).toBe(0)
        expect(r.headers.server).toBe('clearml')
      }
      expect(() => srv.setFaults({ errorRate: 2 })).toThrow(RangeError)
    } finally {
      await srv.close()
    }
  })
})
