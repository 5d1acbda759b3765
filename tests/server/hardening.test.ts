import { connect } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { type RunningServer, startServer } from '../../server/src/index'
import { mergeParams } from '../../server/src/request'
import { applyPreferences } from '../../server/src/services/users'
import { call, expectCode } from './helpers'

/** Regression tests for defects found by fuzzing the reference server. */

let srv: RunningServer
let admin: { id: string; accessKey: string; secretKey: string }
let bob: { id: string; accessKey: string; secretKey: string }

beforeAll(async () => {
  srv = await startServer({ port: 0, seed: 'demo', quiet: true })
  admin = srv.seed!.admin
  bob = srv.seed!.users.find((u) => u.name === 'Bob Jones')!
})
afterAll(() => srv?.close())

const POLLUTION_KEYS = ['roles', 'resetRate', 'errorRate', 'latencyMs', 'polluted', 'x']
const protoKeys = () => Object.getOwnPropertyNames(Object.prototype).sort()
const cleanProtoKeys = protoKeys()

// If a test fails, do not let a polluted prototype break every later test.
afterEach(() => {
  for (const k of POLLUTION_KEYS) delete (Object.prototype as Record<string, unknown>)[k]
})

/** Raw HTTP/1.1 exchange on a fresh socket: returns the status line and body, or the socket error. */
function rawExchange(port: number, head: string, body = '', timeoutMs = 5000): Promise<{ statusLine: string; body: string; error?: string }> {
  return new Promise((resolve) => {
    let out = ''
    const s = connect(port, '127.0.0.1', () => {
      s.write(head)
      if (body) s.write(body)
    })
    const done = (error?: string) => {
      clearTimeout(timer)
      s.destroy()
      const sep = out.indexOf('\r\n\r\n')
      resolve({ statusLine: out.split('\r\n')[0], body: sep >= 0 ? out.slice(sep + 4) : '', error })
    }
    const timer = setTimeout(() => done('timeout'), timeoutMs)
    s.on('data', (d) => (out += d))
    s.on('end', () => done())
    s.on('error', (e) => done((e as NodeJS.ErrnoException).code ?? e.message))
  })
}

describe('prototype pollution through dot-path keys', () => {
  it('unauthenticated __proto__ / constructor.prototype query keys are rejected with 400/12 and pollute nothing', async () => {
    for (const q of [
      '__proto__.roles=nobody', '__proto__.resetRate=1', 'constructor.prototype.roles=nobody',
      'a.__proto__.roles=nobody', '__proto__[]=x', 'x.prototype.polluted=1'
    ]) {
      const r = await call(srv.url, `/debug.ping?${q}`)
      expectCode(r, 400, 12)
      expect(r.body.data).toEqual({})
    }
    expect(({} as Record<string, unknown>).roles).toBeUndefined()
    expect(({} as Record<string, unknown>).resetRate).toBeUndefined()
    expect(protoKeys()).toEqual(cleanProtoKeys)
    // a normal authenticated call still works, for anyone
    expectCode(await call(srv.url, '/users.get_current_user', { basic: admin }), 200, 0)
    expectCode(await call(srv.url, '/users.get_all', { basic: bob }), 200, 0)
  })

  it('form-encoded bodies get the same treatment', async () => {
    const r = await call(srv.url, '/debug.ping', {
      rawBody: '__proto__.roles=nobody&constructor.prototype.resetRate=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }
    })
    expectCode(r, 400, 12)
    expect(({} as Record<string, unknown>).roles).toBeUndefined()
    expectCode(await call(srv.url, '/server.info', { basic: admin }), 200, 0)
  })

  it('a __proto__ key anywhere in a JSON body is rejected with 400/12', async () => {
    for (const rawBody of ['{"__proto__": {"roles": "nobody"}}', '{"a": [{"b": {"__proto__": {"roles": 1}}}]}', '{"constructor": {"prototype": {"roles": 1}}}']) {
      expectCode(await call(srv.url, '/debug.ping', { rawBody }), 400, 12)
    }
    expect(({} as Record<string, unknown>).roles).toBeUndefined()
  })

  it('users.set_preferences dot paths never reach a prototype', async () => {
    const before = expectCode(await call(srv.url, '/users.get_preferences', { basic: admin }), 200, 0).body.data.preferences
    for (const key of ['__proto__.roles', 'constructor.prototype.roles', 'views.__proto__.roles', 'views.constructor.prototype.polluted']) {
      const r = await call(srv.url, '/users.set_preferences', { basic: admin, body: { preferences: { [key]: 'nobody' } } })
      expectCode(r, 400, 12)
    }
    // a value that carries a __proto__ key (raw JSON, so it is an own key) is refused too
    expectCode(await call(srv.url, '/users.set_preferences', { basic: admin, rawBody: '{"preferences": {"views": {"__proto__": {"roles": "x"}}}}' }), 400, 12)
    expect(({} as Record<string, unknown>).roles).toBeUndefined()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(expectCode(await call(srv.url, '/users.get_preferences', { basic: admin }), 200, 0).body.data.preferences).toEqual(before)
  })

  it('the dot-path helpers themselves refuse prototype segments (unit)', () => {
    for (const key of ['__proto__.polluted', 'constructor.prototype.polluted', 'a.__proto__.polluted']) {
      expect(() => mergeParams({}, new URLSearchParams(`${key}=1`))).toThrow(expect.objectContaining({ code: 400, subcode: 12 }))
      expect(() => applyPreferences({}, { [key]: 1 })).toThrow(expect.objectContaining({ code: 400, subcode: 12 }))
    }
    // an inherited `constructor` is not an existing value to walk into or to refuse
    expect(applyPreferences({}, { 'a.toString': 1, 'hasOwnProperty.b': 2 })).toEqual({ a: { toString: 1 }, hasOwnProperty: { b: 2 } })
    const data: Record<string, unknown> = {}
    mergeParams(data, new URLSearchParams('toString.x=1&valueOf=2'))
    expect(data).toEqual({ toString: { x: 1 }, valueOf: 2 })
    expect(protoKeys()).toEqual(cleanProtoKeys)
  })
})

describe('users.get_all name patterns cannot stall the server', () => {
  it('a catastrophic pattern answers quickly and a concurrent debug.ping is not blocked', async () => {
    const evil = 'a'.repeat(30) + '!'
    const old = expectCode(await call(srv.url, '/users.get_current_user', { basic: bob }), 200, 0).body.data.user.name
    expectCode(await call(srv.url, '/users.update', { basic: bob, body: { user: bob.id, name: evil } }), 200, 0)
    try {
      const started = Date.now()
      const slow = call(srv.url, '/users.get_all', { basic: admin, body: { name: '^(a+)+$' } }).then((r) => ({ r, ms: Date.now() - started }))
      const ping = call(srv.url, '/debug.ping', { body: {} }).then((r) => ({ r, ms: Date.now() - started }))
      const [s, p] = await Promise.all([slow, ping])
      expect(p.r.status).toBe(200)
      expect(p.ms).toBeLessThan(1000)
      expect(s.ms).toBeLessThan(1000)
      // either refused or answered correctly: the name does not match (it ends with "!")
      if (s.r.status === 200) expect(s.r.body.data.users).toEqual([])
      else expectCode(s.r, 400, 12)
      // other classic exponential / polynomial shapes
      // (anchored: under search semantics an unanchored `(a|a)*$` rightly matches every name)
      for (const name of ['^(a|a)*$', '^(a|aa)+$', '^(\\w+\\s?)*$', 'a*a*a*a*a*a*a*a*b', '^(.*a){20}$', '^((a+)+)+$']) {
        const t0 = Date.now()
        const r = await call(srv.url, '/users.get_all', { basic: admin, body: { name } })
        expect(Date.now() - t0, name).toBeLessThan(1000)
        expect([200, 400], name).toContain(r.status)
        if (r.status === 200) expect(r.body.data.users.map((u: { name: string }) => u.name), name).not.toContain(evil)
      }
      // the pattern still matches what it should
      const hit = expectCode(await call(srv.url, '/users.get_all', { basic: admin, body: { name: '^(a+)+!$' } }), 200, 0)
      expect(hit.body.data.users.map((u: { name: string }) => u.name)).toEqual([evil])
    } finally {
      await call(srv.url, '/users.update', { basic: bob, body: { user: bob.id, name: old } })
    }
  })

  it('a 70,000-character pattern gives 400/12 without echoing the pattern', async () => {
    for (const name of ['a'.repeat(70_000), '('.repeat(70_000), '(?:a|b)'.repeat(10_000)]) {
      const r = expectCode(await call(srv.url, '/users.get_all', { basic: admin, body: { name } }), 400, 12)
      expect(r.raw.length).toBeLessThan(2000)
      expect(r.body.meta.result_msg).not.toContain(name.slice(0, 200))
    }
  })

  it('unsupported constructs (backreferences, lookarounds) and syntax errors give 400/12', async () => {
    for (const name of ['(a)\\1', '(?=a)', '(?<!a)b', '(', '[a-', 'a**', '*a', '\\']) {
      expectCode(await call(srv.url, '/users.get_all', { basic: admin, body: { name } }), 400, 12)
    }
  })
})

describe('request body size limit', () => {
  it('a 9 MB body gets 413 with the envelope (fetch), and the server keeps serving', async () => {
    const r = await fetch(`${srv.url}/debug.ping`, { method: 'POST', body: JSON.stringify({ a: 'x'.repeat(9 * 1024 * 1024) }) })
    expect(r.status).toBe(413)
    const body = await r.json()
    expect(body.meta).toMatchObject({ result_code: 413, result_subcode: 0, endpoint: { name: 'debug.ping' } })
    expect(body.data).toEqual({})
    expectCode(await call(srv.url, '/debug.ping', { body: { ok: 1 } }), 200, 0)
  })

  it('a raw client that sends all of a large body then reads gets the 413, not a reset', async () => {
    const size = 12 * 1024 * 1024
    const r = await rawExchange(srv.port, `POST /debug.ping HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`, 'x'.repeat(size), 15000)
    expect(r.error).toBeUndefined()
    expect(r.statusLine).toBe('HTTP/1.1 413 Payload Too Large')
    expect(JSON.parse(r.body).meta.result_code).toBe(413)
  })
})

describe('malformed percent-encoding', () => {
  it('in the path or the query string answers 400 with the envelope, and logs no internal error', async () => {
    const logged: string[] = []
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk))
      return true
    })
    const loud = await startServer({ port: 0, seed: 'demo', quiet: false })
    try {
      for (const [method, path] of [
        ['GET', '/%E0%A4%A'], ['POST', '/%E0%A4%A'], ['GET', '//%E0%A4%A'], ['POST', '//%zz'], ['POST', '/debug.ping%'],
        ['POST', '/debug.ping?a=%E0%A4%A'], ['POST', '/debug.ping?%E0%A4%A=1'], ['GET', '/debug.ping?a=%'],
        ['POST', '/debug.ping?a=%ED%A0%80'], ['POST', '/users.get_all?name=%C0%80']
      ]) {
        const r = await rawExchange(loud.port, `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
        expect(r.statusLine, `${method} ${path}`).toBe('HTTP/1.1 400 Bad Request')
        const body = JSON.parse(r.body)
        expect(body.meta.result_code, `${method} ${path}`).toBe(400)
        expect(body.data).toEqual({})
      }
    } finally {
      await loud.close()
      spy.mockRestore()
    }
    expect(logged.filter((l) => /internal error|500\//.test(l))).toEqual([])
  })

  it('well-formed escapes and extra leading slashes still work', async () => {
    // raw request: the call() helper would resolve `//debug.ping` as a host name
    const r = await rawExchange(srv.port, 'POST //debug.ping?a=%E2%82%AC&b=x+y&c=%2B HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    expect(r.statusLine).toBe('HTTP/1.1 200 OK')
    expect(JSON.parse(r.body).data).toEqual({ a: '€', b: 'x y', c: '+', msg: 'ClearML server' })
  })
})

describe('deeply nested request data', () => {
  const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n)
  const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)

  it('3,000 levels of [ or { in a JSON body answer 400/12 on every endpoint', async () => {
    const cases: Array<[string, string]> = [
      ['/users.set_preferences', `{"preferences": {"a": ${deepArray(3000)}}}`],
      ['/users.set_preferences', `{"preferences": {"a": ${deepObject(3000)}}}`],
      ['/debug.ping', `{"a": ${deepArray(3000)}}`],
      ['/debug.ping', deepObject(3000)],
      ['/users.get_all', `{"name": ${deepArray(3000)}}`],
      ['/users.update', `{"user": "x", "name": ${deepObject(3000)}}`],
      ['/debug.ping', `{"a": ${deepArray(1_000_000)}}`]
    ]
    for (const [path, rawBody] of cases) {
      expectCode(await call(srv.url, path, { basic: admin, rawBody }), 400, 12)
    }
  })

  it('deep dotted query keys answer 400/12 too', async () => {
    const key = 'preferences.' + Array(3000).fill('a').join('.')
    expectCode(await call(srv.url, `/users.set_preferences?${key}=1`, { basic: admin }), 400, 12)
  })

  it('ordinary nesting is still accepted', async () => {
    const r = expectCode(await call(srv.url, '/debug.ping', { rawBody: `{"a": ${deepObject(50)}}` }), 200, 0)
    expect(JSON.stringify(r.body.data.a)).toBe(deepObject(50))
  })
})
