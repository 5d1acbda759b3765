import { request } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningServer, type SeedInfo, startServer } from '../../server/src/index'
import { basicHeader, call, expectCode } from './helpers'

/**
 * RunningServer.failNext(endpoint, kind, when): a one-shot fault aimed at one endpoint, for testing a client's
 * handling of a call that failed before or after the server applied it (here on resources.create_policy, whose
 * effect is visible through resources.get_policies).
 */

let srv: RunningServer
let seed: SeedInfo

beforeEach(async () => {
  srv = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true })
  seed = srv.seed!
})
afterEach(() => srv?.close())

const create = (name: string, who = seed.admin) =>
  call(srv.url, '/resources.create_policy', { basic: who, body: { name, user_group: seed.groups.mlTeam, limit: 8 } })
const policyNames = async () =>
  (expectCode(await call(srv.url, '/resources.get_policies', { basic: seed.admin, body: {} }), 200, 0).body.data.policies as Array<{ name: string }>).map((p) => p.name)

/** A call that gives up after `timeoutMs` without an answer (resolves 'timeout'), or resolves the HTTP status. */
function callGivingUp(path: string, body: unknown, timeoutMs: number): Promise<number | 'timeout' | string> {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body)
    const req = request(new URL(path, srv.url), {
      method: 'POST', agent: false,
      headers: { authorization: basicHeader(seed.admin.accessKey, seed.admin.secretKey), 'content-length': String(Buffer.byteLength(payload)) }
    }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.setTimeout(timeoutMs, () => {
      resolve('timeout')
      req.destroy()
    })
    req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message))
    req.end(payload)
  })
}

describe('failNext', () => {
  for (const when of ['before', 'after'] as const) {
    const applied = when === 'after'

    it(`error ${when}: 500/0 in the envelope; the handler ${applied ? 'ran and committed' : 'did not run'}; one shot`, async () => {
      srv.failNext('resources.create_policy', 'error', when)
      const r = expectCode(await create('Faulty'), 500, 0)
      expect(r.body.meta.result_msg).toBe(`General error (injected fault (${when} the handler))`)
      expect(r.body.meta.endpoint.name).toBe('resources.create_policy')
      expect(r.headers.server).toBe('clearml')
      expect((await policyNames()).includes('Faulty')).toBe(applied)
      // one shot: the next call is served
      expectCode(await create('Next'), 200, 0)
      expect(await policyNames()).toContain('Next')
    })

    it(`reset ${when}: the socket is destroyed; the handler ${applied ? 'ran and committed' : 'did not run'}`, async () => {
      srv.failNext('resources.create_policy', 'reset', when)
      await expect(create('Faulty')).rejects.toThrow(/socket hang up|ECONNRESET/)
      expect((await policyNames()).includes('Faulty')).toBe(applied)
      expectCode(await create('Next'), 200, 0)
    })

    it(`hang ${when}: no answer until the client gives up; the handler ${applied ? 'ran and committed' : 'did not run'}`, async () => {
      srv.failNext('resources.create_policy', 'hang', when)
      expect(await callGivingUp('/resources.create_policy', { name: 'Faulty', user_group: seed.groups.mlTeam, limit: 8 }, 400)).toBe('timeout')
      expect((await policyNames()).includes('Faulty')).toBe(applied)
      expectCode(await create('Next'), 200, 0)
    })
  }

  it('close() ends a hanging call', async () => {
    srv.failNext('resources.create_policy', 'hang', 'after')
    const pending = create('Hanging')
    // the handler has run once the policy is there; the call is now hanging
    while (!(await policyNames()).includes('Hanging')) await new Promise((r) => setImmediate(r))
    await srv.close()
    await expect(pending).rejects.toThrow(/socket hang up|ECONNRESET/)
  })

  it('stays armed through calls that stop earlier, is consumed by the next one that gets there, and can be re-armed', async () => {
    srv.failNext('resources.create_policy', 'error', 'before')
    expectCode(await create('Mine', seed.member), 403, 20) // role check: the handler would not run
    expectCode(await call(srv.url, '/resources.create_policy', { basic: seed.admin, body: { limit: 8 } }), 400, 11) // validation
    expectCode(await call(srv.url, '/resources.get_policies', { basic: seed.admin, body: {} }), 200, 0) // another endpoint
    expectCode(await create('First'), 500, 0)
    expectCode(await create('Second'), 200, 0)

    // 'after' waits for a call whose handler succeeds
    srv.failNext('resources.create_policy', 'error', 'after')
    expectCode(await create('second'), 400, 12) // duplicate name: the handler failed
    expectCode(await create('Third'), 500, 0)
    expect(await policyNames()).toEqual(['Dev Team', 'Research Team', 'Second', 'Third'])

    // arming again replaces the armed fault
    srv.failNext('resources.delete_policy', 'error', 'before')
    srv.failNext('resources.delete_policy', 'error', 'after')
    const del = (id: string) => call(srv.url, '/resources.delete_policy', { basic: seed.admin, body: { id } })
    expectCode(await del(seed.resources.policies.dev), 500, 0)
    expect(await policyNames()).not.toContain('Dev Team') // 'after': it was deleted
  })

  it('works on any registered endpoint and refuses unknown endpoints, kinds and phases', async () => {
    srv.failNext('debug.ping', 'error', 'before')
    expectCode(await call(srv.url, '/debug.ping'), 500, 0)
    expectCode(await call(srv.url, '/debug.ping'), 200, 0)
    expect(() => srv.failNext('resources.no_such_thing', 'error', 'before')).toThrow(/unknown endpoint/)
    expect(() => srv.failNext('resources.create_policy', 'explode' as never, 'before')).toThrow(RangeError)
    expect(() => srv.failNext('resources.create_policy', 'error', 'during' as never)).toThrow(RangeError)
    // resources.* are enterprise endpoints: not on a basic server
    const basic = await startServer({ port: 0, seed: 'none', quiet: true })
    try {
      expect(() => basic.failNext('resources.create_policy', 'error', 'before')).toThrow(/unknown endpoint/)
    } finally {
      await basic.close()
    }
  })
})
