import fc from 'fast-check'
import { request } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Endpoint } from '../../server/src/endpoint'
import { type RunningServer, endpointRegistry, startServer } from '../../server/src/index'
import { basicHeader, call, expectCode } from './helpers'

/**
 * Bounded, seeded fuzzing of every endpoint in the server's registry (enterprise feature set, so the vault
 * endpoints are included) with malformed input: wrong types, huge strings, deep nesting, reserved keys,
 * bad JSON, invalid UTF-8, lone surrogates, malformed query strings and paths, with and without credentials.
 * Invariants: no 5xx, no reset, no hang, always the JSON envelope; afterwards Object.prototype is unchanged
 * and a normal call still works.
 */

const SEED = 424242
const RUNS = 350
const REQUEST_TIMEOUT_MS = 5000

let srv: RunningServer
let admin: { id: string; accessKey: string; secretKey: string }
let alice: { id: string; accessKey: string; secretKey: string }
let adminToken: string
const registry: Endpoint[] = endpointRegistry('enterprise')
const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort()

beforeAll(async () => {
  srv = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true })
  admin = srv.seed!.admin
  alice = srv.seed!.users.find((u) => u.name === 'Alice Smith')!
  adminToken = srv.issueToken(admin.id, 3600)
})
afterAll(() => srv?.close())

interface Reply { status: number; raw: string; error?: undefined }
interface Failure { error: string }

function send(method: string, path: string, headers: Record<string, string>, body: Buffer | undefined): Promise<Reply | Failure> {
  return new Promise((resolve) => {
    let settled = false
    const finish = (r: Reply | Failure) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(r)
    }
    const req = request({ host: '127.0.0.1', port: srv.port, method, path, agent: false, headers: {
      ...headers, ...(body !== undefined && { 'content-length': String(body.length) })
    } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => finish({ status: res.statusCode ?? 0, raw: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', (e) => finish({ error: `response: ${(e as NodeJS.ErrnoException).code ?? e.message}` }))
    })
    const timer = setTimeout(() => {
      finish({ error: `no answer within ${REQUEST_TIMEOUT_MS} ms` })
      req.destroy()
    }, REQUEST_TIMEOUT_MS)
    req.on('error', (e) => finish({ error: `request: ${(e as NodeJS.ErrnoException).code ?? e.message}` }))
    if (body !== undefined) req.write(body)
    req.end()
  })
}

/** Percent-encodes every UTF-8 byte that is not unreserved (lone surrogates become U+FFFD, as Buffer does). */
function pct(s: string): string {
  let out = ''
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b)
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function fieldsOf(ep: Endpoint): string[] {
  const schema = ep.schema as unknown
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : []
}

// --- arbitraries ------------------------------------------------------------------------------------
const RESERVED = ['__proto__', 'constructor', 'prototype']
const loneSurrogate = fc.constantFrom('\ud800', '\udfff', 'a\ud83d', '\ude00b')
const hugeString = fc.integer({ min: 50_000, max: 600_000 }).map((n) => 'x'.repeat(n))
const weirdString = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), loneSurrogate,
  fc.constantFrom('', ' ', '^(a+)+$', '(a)\\1', '(?=x)', '[', '*', '%', '\u0000', '$where', 'null', 'true', '1e309', '-1'))
const scalar = fc.oneof(weirdString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(1e308, -0, 2 ** 53 + 1, -1, 0))
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(weirdString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(weirdString, scalar, { maxKeys: 4 }) },
  { weight: 1, arbitrary: hugeString }
)

/** Raw JSON text: built by hand so reserved keys stay own keys and deep nesting stays cheap to generate. */
function jsonBody(ep: Endpoint): fc.Arbitrary<string> {
  const keys = [...fieldsOf(ep), 'method', 'preferences', 'vault', 'name', 'id']
  const key = fc.oneof(fc.constantFrom(...keys), weirdString, fc.constantFrom(...RESERVED), fc.constantFrom('__proto__.polluted', 'constructor.prototype.polluted', 'a.__proto__.polluted'))
  const entry = fc.tuple(key, value).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v) ?? 'null'}`)
  const nested = fc.tuple(fc.constantFrom(...keys), fc.integer({ min: 1, max: 6000 }), fc.constantFrom('[', '{"a":')).map(([k, depth, open]) =>
    `{${JSON.stringify(k)}: ${open.repeat(depth)}${open === '[' ? '' : '1'}${(open === '[' ? ']' : '}').repeat(depth)}}`)
  const reserved = fc.tuple(fc.constantFrom(...RESERVED), fc.constantFrom(...keys)).map(([r, k]) =>
    `{${JSON.stringify(k)}: {${JSON.stringify(r)}: {"polluted": 1, "roles": "nobody"}}, ${JSON.stringify(r)}: {"polluted": 1}}`)
  const prefs = fc.tuple(fc.constantFrom(...RESERVED, 'views', 'a'), fc.constantFrom(...RESERVED, 'polluted', 'b'), value).map(([a, b, v]) =>
    JSON.stringify({ preferences: { [`${a}.${b}.polluted`]: v }, return_updated: true }))
  return fc.oneof(
    { weight: 5, arbitrary: fc.array(entry, { maxLength: 5 }).map((es) => `{${es.join(', ')}}`) },
    { weight: 1, arbitrary: nested },
    { weight: 1, arbitrary: reserved },
    { weight: 1, arbitrary: prefs },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) } // arrays, scalars, null at the top
  )
}

function bodyFor(ep: Endpoint): fc.Arbitrary<Buffer | undefined> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 8, arbitrary: jsonBody(ep).map((s) => Buffer.from(s, 'utf8')) },
    { weight: 1, arbitrary: jsonBody(ep).chain((s) => fc.nat(Math.max(0, s.length - 1)).map((n) => Buffer.from(s.slice(0, n), 'utf8'))) }, // truncated
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) }, // random bytes, invalid UTF-8
    { weight: 1, arbitrary: fc.constantFrom('{"name": "\\ud800"}', '{"a": 1,}', 'NaN', '{"a": "\\u"}', '{"a":1}{"b":2}', '\ufeff{}').map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom(...fieldsOf(ep), '__proto__.polluted', 'constructor.prototype.polluted', 'a.b', '%E0%A4%A', 'x[]'), weirdString), { maxLength: 4 })
      .map((pairs) => Buffer.from(pairs.map(([k, v]) => `${k.startsWith('%') ? k : pct(k)}=${pct(v)}`).join('&'))) } // form-style
  )
}

function queryFor(ep: Endpoint): fc.Arbitrary<string> {
  const rawKey = fc.oneof(
    fc.constantFrom(...fieldsOf(ep), 'name', 'id', 'vaults').map(pct),
    fc.constantFrom('__proto__.polluted', '__proto__.roles', '__proto__.resetRate', 'constructor.prototype.polluted', 'a.__proto__.polluted', '__proto__[]', 'x[]', 'a..b', '.', '[]'),
    fc.constantFrom('%E0%A4%A', '%', '%zz', '%ED%A0%80', '%C0%80', '%FF', '%__proto__'),
    fc.integer({ min: 2, max: 1500 }).map((n) => Array(n).fill('a').join('.')),
    weirdString.map(pct)
  )
  const rawValue = fc.oneof(weirdString.map(pct), fc.constantFrom('%E0%A4%A', '%', '1', 'true', '%ED%A0%80', '%2B', '+', ''))
  return fc.array(fc.tuple(rawKey, rawValue, fc.boolean()), { maxLength: 4 }).map((pairs) => pairs.map(([k, v, eq]) => (eq ? `${k}=${v}` : k)).join('&'))
}

const AUTH_MODES = ['none', 'admin', 'alice', 'adminBearer', 'badBasic', 'wrongSecret', 'garbageBearer', 'badScheme', 'cookie'] as const
function authHeaders(mode: (typeof AUTH_MODES)[number]): Record<string, string> {
  switch (mode) {
    case 'none': return {}
    case 'admin': return { authorization: basicHeader(admin.accessKey, admin.secretKey) }
    case 'alice': return { authorization: basicHeader(alice.accessKey, alice.secretKey) }
    case 'adminBearer': return { authorization: `Bearer ${adminToken}` }
    case 'badBasic': return { authorization: 'Basic !!!not-base64' }
    case 'wrongSecret': return { authorization: basicHeader(admin.accessKey, 'nope') }
    case 'garbageBearer': return { authorization: 'Bearer a.b.c' }
    case 'badScheme': return { authorization: 'Digest x' }
    case 'cookie': return { cookie: 'clearml_token_basic=e30.e30.sig' }
  }
}

const requestArb = fc.constantFrom(...registry).chain((ep) => fc.record({
  ep: fc.constant(ep),
  path: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('', `v${ep.minVersion}/`, 'v999.0/', 'v1.0/', 'v2.33/', '/').map((v) => `/${v}${ep.name}`) },
    { weight: 1, arbitrary: fc.constantFrom('/', '//%E0%A4%A', '/%E0%A4%A', '/nope.nothing', '/v2/users.get_all', `/${ep.name}%`, `/${ep.name}/../x`, '//' + ep.name, '/' + 'a.'.repeat(2000)) }
  ),
  query: queryFor(ep),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  auth: fc.constantFrom(...AUTH_MODES),
  body: bodyFor(ep),
  contentType: fc.constantFrom(undefined, 'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=latin1'),
  encoding: fc.constantFrom(undefined, undefined, undefined, 'gzip'),
  trx: fc.option(fc.string({ unit: fc.constantFrom(...'abc-_.:/ 09'.split('')), maxLength: 40 }), { nil: undefined })
}))

function checkReply(r: Reply | Failure, what: string): void {
  if (r.error !== undefined) throw new Error(`${what}: ${r.error}`)
  if (r.status >= 500) throw new Error(`${what}: HTTP ${r.status} ${r.raw.slice(0, 300)}`)
  let body: { meta?: { result_code?: unknown; result_subcode?: unknown; result_msg?: unknown }; data?: unknown }
  try {
    body = JSON.parse(r.raw)
  } catch {
    throw new Error(`${what}: HTTP ${r.status} without a JSON envelope: ${r.raw.slice(0, 200)}`)
  }
  if (body?.meta?.result_code !== r.status || typeof body.meta.result_subcode !== 'number' || typeof body.meta.result_msg !== 'string' ||
      typeof body.data !== 'object' || body.data === null) {
    throw new Error(`${what}: HTTP ${r.status} with a malformed envelope: ${r.raw.slice(0, 200)}`)
  }
}

describe('fuzzing every endpoint of the registry', () => {
  it('never answers 5xx, never resets or hangs, always answers the envelope; nothing gets polluted', async () => {
    expect(registry.length).toBeGreaterThan(10)
    const hits = new Map<string, number>()
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(requestArb, async (rq) => {
        const headers: Record<string, string> = { ...authHeaders(rq.auth) }
        if (rq.contentType) headers['content-type'] = rq.contentType
        if (rq.encoding) headers['content-encoding'] = rq.encoding
        if (rq.trx !== undefined) headers['x-clearml-trx'] = rq.trx
        const path = rq.query ? `${rq.path}?${rq.query}` : rq.path
        const r = await send(rq.method, path, headers, rq.body)
        checkReply(r, `${rq.method} ${path.slice(0, 120)} [${rq.auth}] body=${rq.body?.toString('utf8').slice(0, 120)}`)
        hits.set(rq.ep.name, (hits.get(rq.ep.name) ?? 0) + 1)
        statuses.set((r as Reply).status, (statuses.get((r as Reply).status) ?? 0) + 1)
      }),
      // enough runs that every endpoint is drawn many times over, however many the registry holds
      { numRuns: Math.max(RUNS, new Set(registry.map((e) => e.name)).size * 12), seed: SEED, endOnFailure: true }
    )
    // every registered endpoint was exercised, and not only rejected at the door
    expect([...hits.keys()].sort()).toEqual([...new Set(registry.map((e) => e.name))].sort())
    // Random bodies rarely validate and most enterprise endpoints refuse non-admins: the count of 200s says
    // little, so each endpoint's handler is also reached once directly (below) with the admin and an empty body.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0)
    for (const ep of new Set(registry.map((e) => e.name))) {
      const r = await send('POST', `/${ep}`, { ...authHeaders('admin'), 'content-type': 'application/json' }, Buffer.from('{}'))
      checkReply(r, `POST /${ep} [admin] {}`)
      expect([200, 400], `${ep} with the admin and {}`).toContain((r as Reply).status)
    }
    expect([...statuses.keys()].some((s) => s >= 400 && s < 500)).toBe(true)

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore)
    for (const k of ['polluted', 'roles', 'resetRate', 'errorRate', 'latencyMs']) expect((Object.prototype as Record<string, unknown>)[k], k).toBeUndefined()
    expectCode(await call(srv.url, '/users.get_current_user', { basic: admin }), 200, 0)
    expectCode(await call(srv.url, '/users.get_all', { basic: alice }), 200, 0)
  }, 60_000)

  it('requests the HTTP parser rejects still get the envelope, not a reset', async () => {
    const raw = (head: string) => new Promise<Reply | Failure>((resolve) => {
      let out = ''
      const s = connect(srv.port, '127.0.0.1', () => s.write(head))
      const timer = setTimeout(() => {
        s.destroy()
        resolve({ error: 'timeout' })
      }, REQUEST_TIMEOUT_MS)
      s.on('data', (d) => (out += d))
      s.on('end', () => {
        clearTimeout(timer)
        const sep = out.indexOf('\r\n\r\n')
        resolve({ status: Number(out.split(' ')[1]), raw: sep >= 0 ? out.slice(sep + 4) : out })
      })
      s.on('error', (e) => {
        clearTimeout(timer)
        resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message })
      })
    })
    const heads = [
      'GARBAGE\r\n\r\n', 'GET /debug.ping HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n', 'GET /debug.ping HTTP/9.9\r\n\r\n',
      `GET /debug.ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 'POST /debug.ping HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'POST /debug.ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'
    ]
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...heads), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 60 }).map((s) => `${s}\r\n\r\n`)), async (head) => {
        const r = await raw(head)
        checkReply(r, JSON.stringify(head.slice(0, 80)))
        expect((r as Reply).status).toBeGreaterThanOrEqual(400)
      }),
      { numRuns: 40, seed: SEED, endOnFailure: true }
    )
  })
})
