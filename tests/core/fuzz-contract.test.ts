// Bounded fuzzing of the whole contract through the real web host bound to a real core: every method of
// `methodNames` gets malformed input (wrong types, missing and extra fields, prototype keys, huge and
// odd strings, deep nesting, odd numbers, non-object bodies). Every answer must be the typed envelope
// with a contract error code: no 5xx, no reset, no hang. Afterwards nothing is polluted, nothing outside
// the temporary folder changed, and app.status still answers.
//
// Reproduce a run with FUZZ_SEED=<seed> (printed on failure); FUZZ_RUNS=<n> changes the inputs per method.
import { createServer } from 'node:net'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiErrorCodes, methodNames, methods, type MethodName } from '../../shared/api'
import { createCore, type Core } from '../../electron/core'
import { addLogSink, setLogLevel, setStderrLogging, type LogRecord } from '../../electron/core/log'
import { startWebHost, type WebHost } from '../../electron/web-host/server'
import { startServer, type RunningServer } from '../../server/src/index'

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20260101
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 50
const REQUEST_TIMEOUT_MS = 10000

// ------------------------------------------------------------------------------------------- JSON text

/** A JSON value as text is built from it: objects are entry lists, so "__proto__" stays an ordinary key. */
type J = null | boolean | number | string | J[] | { entries: [string, J][] } | { raw: string }

function ser(j: J): string {
  if (j === null || typeof j === 'boolean' || typeof j === 'string') return JSON.stringify(j)
  if (typeof j === 'number') return Object.is(j, -0) ? '-0' : JSON.stringify(j)
  if (Array.isArray(j)) return `[${j.map(ser).join(',')}]`
  if ('raw' in j) return j.raw
  return `{${j.entries.map(([k, v]) => `${JSON.stringify(k)}:${ser(v)}`).join(',')}}`
}

const isObjectNode = (v: J): v is { entries: [string, J][] } => v !== null && typeof v === 'object' && !Array.isArray(v) && 'entries' in v

/** Puts `value` at `path`, creating nested objects; later entries with the same key win in JSON.parse. */
function setPath(obj: { entries: [string, J][] }, path: string[], value: J): void {
  const [head, ...rest] = path
  if (!rest.length) {
    obj.entries.push([head, value])
    return
  }
  let child = obj.entries.find(([k, v]) => k === head && isObjectNode(v))?.[1] as { entries: [string, J][] } | undefined
  if (!child) {
    child = { entries: [] }
    obj.entries.push([head, child])
  }
  setPath(child, rest, value)
}

function dropPath(obj: { entries: [string, J][] }, path: string[]): void {
  const [head, ...rest] = path
  if (!rest.length) {
    obj.entries = obj.entries.filter(([k]) => k !== head)
    return
  }
  for (const [k, v] of obj.entries) if (k === head && isObjectNode(v)) dropPath(v, rest)
}

// --------------------------------------------------------------------------------- the schemas' fields

/** Every field path a method's schema knows (through objects, unions, defaults, optionals, pipes). */
function fieldPaths(schema: unknown, path: string[] = [], out: string[][] = []): string[][] {
  const def = (schema as { _zod?: { def?: Record<string, unknown> } })?._zod?.def
  if (!def) return out
  switch (def.type) {
    case 'object':
      for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
        out.push([...path, k])
        fieldPaths(v, [...path, k], out)
      }
      break
    case 'union':
      for (const o of def.options as unknown[]) fieldPaths(o, path, out)
      break
    case 'pipe':
      fieldPaths(def.in, path, out)
      break
    default:
      if (def.innerType) fieldPaths(def.innerType, path, out)
  }
  return out
}

type ZodLike = { _zod?: { def?: Record<string, unknown> }; safeParse(v: unknown): { success: boolean } }
const defOf = (schema: unknown) => (schema as ZodLike)?._zod?.def ?? {}

/**
 * An input the schema accepts, built from the schema itself (objects, unions, defaults, enums) with leaf
 * values picked from `pool` where the leaf's schema accepts them: so the handlers run, not only zod.
 * `undefined` means "leave the key out".
 */
function validSample(schema: unknown, pool: J[]): fc.Arbitrary<J | undefined> {
  const def = defOf(schema)
  switch (def.type) {
    case 'object': {
      const keys = Object.entries(def.shape as Record<string, unknown>)
      return fc.tuple(...keys.map(([, v]) => validSample(v, pool))).map((vals) => ({
        entries: keys.flatMap(([k], i) => (vals[i] === undefined ? [] : [[k, vals[i]] as [string, J]]))
      }))
    }
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map((o) => validSample(o, pool)))
    case 'default':
    case 'optional':
      return fc.oneof(fc.constant(undefined), validSample(def.innerType, pool))
    case 'nullable':
      return fc.oneof(fc.constant(null), validSample(def.innerType, pool))
    case 'pipe':
      return validSample(def.in, pool)
    case 'enum':
      return fc.constantFrom(...(Object.values(def.entries as Record<string, string>) as J[]))
    case 'literal':
      return fc.constantFrom(...(def.values as J[]))
    case 'boolean':
      return fc.boolean()
    default: {
      const fits = pool.filter((v) => (schema as ZodLike).safeParse(v).success)
      return fits.length ? fc.constantFrom(...fits) : fc.constantFrom(...pool)
    }
  }
}

// ------------------------------------------------------------------------------------------ generators

interface World {
  /** Where a server URL may point: the reference server, or a port nothing listens on. */
  urls: string[]
  ids: () => string[]
  /** A file outside the core's data folder that no call may change. */
  sentinel: string
}

const LONE_SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', 'a\uD800b', 'x\uDC00', '\uDC00\uD800']
const ODD_TEXT = [
  '', ' ', '  padded  ', 'a', '\u0000', 'a\u0000b', '\u202Eevil', 'ab\u2066c', '\u200F', '\u061C', '\uFEFF', '\t', 'line\nbreak', '\u001b[31m',
  '\u00e9', '\u{1F600}', 'null', 'undefined', 'NaN', '-0', '1e308', 'Infinity', '[object Object]', '__proto__', 'constructor', 'prototype',
  'toString', '../../../../etc/passwd', '..\\..\\windows', '%00', '%E0%A4%A', '${process.exit()}', '<script>alert(1)</script>', "'; DROP TABLE connections; --",
  'hocon', 'json', 'yaml', 'HOCON', 'name', 'updatedAt', 'apiUrl'
]
const ODD_URLS = [
  'http://127.0.0.1:99999', 'http://127.0.0.1:0', 'http://127.0.0.1:65536/', 'http://[::1]:99999/', 'http://[::1', 'http://127.0.0.1:1/',
  'https://127.0.0.1:1/', 'http://user:pass@127.0.0.1:1/', 'http://127.0.0.1:1/a b', 'http://127.0.0.1:1/\u0000', 'http://127.0.0.1:1/\u202E',
  'http://\uD800.test/', 'javascript:alert(1)', 'file:///etc/passwd', 'ftp://127.0.0.1/', 'http://', 'http:///x', 'HTTP://127.0.0.1:1',
  'http://127.0.0.1:1/' + 'a'.repeat(3000)
]
const ODD_NUMBERS = [0, -0, 1, -1, 0.5, 1.5, 1e308, -1e308, 5e-324, 2 ** 53 + 2, -(2 ** 53 + 2), 1_000_001, 1001, 999, 65535, 65536, 99999]
/** Sent to every method besides the random samples: bodies that are not one JSON object in UTF-8. */
const EDGE_BODIES: (string | Uint8Array)[] = [
  'null', '[]', '[{}]', '"x"', '1', '-0', '1e400', 'true', '{', '{}{}', '{"a":1}x', ' ', '\u0000', '"\\ud800"',
  Uint8Array.from([0x7b, 0x7d, 0xff]), // {} then a byte that is not UTF-8
  Uint8Array.from([0x7b, 0x22, 0x73, 0x65, 0x61, 0x72, 0x63, 0x68, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) // {"search":"<bad UTF-8>"}
]
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']

function arbitraries(world: World) {
  const scalar: fc.Arbitrary<J> = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom<J>(...ODD_TEXT, ...LONE_SURROGATES) },
    { weight: 2, arbitrary: fc.constantFrom<J>(...ODD_URLS) },
    { weight: 2, arbitrary: fc.constant(null).chain(() => fc.constantFrom<J>(...world.urls, ...world.urls.map((u) => u.replace('http:', 'https:')))) },
    { weight: 2, arbitrary: fc.constant(null).chain(() => fc.constantFrom<J>(...(world.ids().length ? world.ids() : ['none']), world.sentinel)) },
    { weight: 2, arbitrary: fc.constantFrom<J>(...ODD_NUMBERS) },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 2, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => `x${String.fromCharCode(c)}y`) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('a', '\u00e9', '\u{1F600}', '\u0000', ' '), fc.integer({ min: 200, max: 300_000 })).map(([c, n]) => c.repeat(n))
    }
  )
  /** Strings of the right type but odd content: what a schema has to judge by more than its type. */
  const oddString: fc.Arbitrary<J> = fc.oneof(
    fc.constantFrom<J>(...ODD_TEXT, ...LONE_SURROGATES, ...ODD_URLS),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.tuple(fc.constantFrom('a', '\u00e9', '\u{1F600}', ' ', '\u200B'), fc.integer({ min: 90, max: 5000 })).map(([c, n]) => c.repeat(n)),
    // Deeply nested text for the config engine's parsers.
    fc.tuple(fc.constantFrom('[', '{"a":', 'a { ', '- '), fc.integer({ min: 100, max: 20000 })).map(([c, n]) => c.repeat(n))
  )
  const deep: fc.Arbitrary<J> = fc
    .tuple(fc.constantFrom('array', 'object'), fc.integer({ min: 10, max: 5000 }))
    .map(([kind, d]) => ({ raw: kind === 'array' ? '['.repeat(d) + ']'.repeat(d) : '{"a":'.repeat(d) + '1' + '}'.repeat(d) }))
  const value: fc.Arbitrary<J> = fc.letrec<{ v: J }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 6, arbitrary: scalar },
      { weight: 1, arbitrary: deep },
      { weight: 1, arbitrary: fc.constantFrom<J>({ raw: '1e400' }, { raw: '-1e400' }, { raw: '-0' }, { raw: '1E-400' }, { raw: '123456789012345678901234567890' }) },
      { weight: 1, arbitrary: fc.array(tie('v'), { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 8 })), tie('v')), { maxLength: 3 }).map((entries) => ({ entries })) }
    )
  })).v

  /** Plain values a field may accept: what the handlers should see most of the time. */
  const plain: J[] = [
    ...world.urls, ...world.urls.map((u) => u.replace('http:', 'https:')), 'http://127.0.0.1:1', ...world.ids(), 'Fuzz', 'Fuzz 2', 'fuzz-key', 'fuzz-secret', '', 'name', 'a = 1', 'a { b: [1, 2] }', '{"a": 1}', 'a: 1',
    'api {\n  api_server: "http://127.0.0.1:1"\n}\n', 'sdk.aws.s3.key: ""', 'a: &x [*x]', '[1, 2', 'a = ${b}', 'include "x.conf"', world.sentinel,
    0, 1, 10, 100, 1000, true, false, null
  ]

  /**
   * A valid input for `m` (built from its schema) with 0 to 2 changes: a field set to an odd value, a field
   * removed, an extra key, or a prototype key at the top or inside a nested object.
   */
  const mutatedValid = (m: MethodName): fc.Arbitrary<J> => {
    const paths = fieldPaths(methods[m].input)
    const change = fc.oneof(
      { weight: 3, arbitrary: fc.tuple(fc.constant('set' as const), fc.constantFrom(...(paths.length ? paths : [['x']])), oddString) },
      { weight: 2, arbitrary: fc.tuple(fc.constant('set' as const), fc.constantFrom(...(paths.length ? paths : [['x']])), value) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('drop' as const), fc.constantFrom(...(paths.length ? paths : [['x']])), fc.constant(null as J)) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('set' as const), fc.constantFrom(...PROTO_KEYS, 'extra', '').map((k) => [k]), value) },
      {
        weight: 1,
        arbitrary: fc.tuple(
          fc.constant('set' as const),
          fc.constantFrom(...[[], ...paths]).chain((p) => fc.constantFrom(...PROTO_KEYS).map((k) => [...p, k])),
          fc.constant<J>({ entries: [['polluted', 'yes']] })
        )
      }
    )
    return fc.tuple(validSample(methods[m].input, plain), fc.array(change, { maxLength: 2 })).map(([base, changes]) => {
      const body: { entries: [string, J][] } = base !== undefined && isObjectNode(base) ? base : { entries: [] }
      for (const [op, path, v] of changes) {
        if (op === 'drop') dropPath(body, path)
        else setPath(body, path, v)
      }
      return body
    })
  }

  /** An object body for `m`: some of its own fields (maybe nested), each with an odd value, plus extra keys. */
  const objectBody = (m: MethodName): fc.Arbitrary<J> => {
    const paths = fieldPaths(methods[m].input)
    // Where a prototype key goes: the top level, or inside one of the method's nested objects.
    const parents = [[], ...paths.filter((p) => paths.some((q) => q.length > p.length && p.every((k, i) => q[i] === k)))]
    return fc
      .tuple(
        fc.subarray(paths),
        fc.array(value, { minLength: paths.length, maxLength: paths.length }),
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 12 })), value), { maxLength: 2 }),
        fc.subarray(parents, { maxLength: Math.min(2, parents.length) }),
        fc.constantFrom(...PROTO_KEYS)
      )
      .map(([chosen, values, extras, protoAt, protoKey]) => {
        const body = { entries: [] as [string, J][] }
        chosen.forEach((p, i) => setPath(body, p, values[i]))
        for (const [k, v] of extras) body.entries.push([k, v])
        // A prototype key inside a nested object (e.g. patch.__proto__), where a merge would be dangerous.
        for (const p of protoAt) setPath(body, [...p, protoKey], { entries: [['polluted', 'yes']] })
        return body
      })
  }

  /** What is not an object body at all. */
  const otherBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
    fc.constantFrom('null', '[]', '[{}]', '"x"', '1', '-0', '1e308', '1e400', 'true', 'false', '{', '{"a":}', '{"a":1,}', "{'a':1}", ' ', '\u0000', 'NaN', '{"__proto__":'),
    value.map(ser),
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Uint8Array.from([0x7b, ...b, 0x7d]))
  )

  return {
    body: (m: MethodName): fc.Arbitrary<string | Uint8Array> =>
      fc.oneof({ weight: 6, arbitrary: mutatedValid(m).map(ser) }, { weight: 3, arbitrary: objectBody(m).map(ser) }, { weight: 1, arbitrary: otherBody })
  }
}

// ------------------------------------------------------------------------------------------ the harness

interface Finding {
  method: string
  input: string
  outcome: string
}

const show = (b: string | Uint8Array) => {
  const t = typeof b === 'string' ? b : `bytes:${Buffer.from(b).toString('hex')}`
  const escaped = JSON.stringify(t)
  return escaped.length > 300 ? `${escaped.slice(0, 300)}… (${t.length} chars)` : escaped
}

async function post(host: WebHost, method: string, body: string | Uint8Array): Promise<{ status: number; text: string } | { failure: string }> {
  try {
    const r = await fetch(`${host.url}/api/${encodeURIComponent(method)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-console-token': host.token },
      body: typeof body === 'string' ? body : new Uint8Array(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    })
    return { status: r.status, text: await r.text() }
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } }
    return { failure: err.name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS} ms` : `${err.message} (${err.cause?.code ?? err.cause?.message ?? ''})` }
  }
}

/** Whether the body is one JSON object (or empty, which the web host reads as {}): anything else must be refused. */
function isObjectBody(body: string | Uint8Array): boolean {
  if (typeof body !== 'string') {
    try {
      body = new TextDecoder('utf-8', { fatal: true }).decode(body)
    } catch {
      return false
    }
  }
  if (body === '') return true
  try {
    const v: unknown = JSON.parse(body)
    return v !== null && typeof v === 'object' && !Array.isArray(v)
  } catch {
    return false
  }
}

/** Why an answer is not a typed one, or null. */
function problemWith(input: string | Uint8Array, answer: Awaited<ReturnType<typeof post>>): string | null {
  if ('failure' in answer) return answer.failure
  let env: { ok?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } }
  try {
    env = JSON.parse(answer.text)
  } catch {
    return `${answer.status} with a body that is not JSON: ${answer.text.slice(0, 120)}`
  }
  if (answer.status >= 500) return `${answer.status} ${JSON.stringify(env).slice(0, 300)}`
  if (env.ok === true) {
    if (!isObjectBody(input)) return `a body that is not one JSON object was accepted (${answer.status})`
    return answer.status === 200 ? null : `ok:true with status ${answer.status}`
  }
  if (env.ok !== false || !env.error) return `${answer.status} not an envelope: ${answer.text.slice(0, 120)}`
  if (typeof env.error.code !== 'string' || !(apiErrorCodes as readonly string[]).includes(env.error.code)) return `${answer.status} code ${JSON.stringify(env.error.code)} is not an ApiErrorCode`
  if (typeof env.error.message !== 'string') return `${answer.status} error without a message`
  if (answer.status < 400) return `error with status ${answer.status}`
  return null
}

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => ok(port))
    })
  })

/** Names, sizes and times of everything under `dir` (to prove nothing there changed). */
function snapshot(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      const st = statSync(p)
      if (st.isDirectory()) walk(p)
      else out.push(`${p} ${st.size} ${st.mtimeMs}`)
    }
  }
  walk(dir)
  return out.sort()
}

const protoSnapshot = () =>
  [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) =>
    Object.getOwnPropertyNames(p)
      .map((k) => `${k}:${typeof (Object.getOwnPropertyDescriptor(p, k)?.value ?? 'accessor')}`)
      .sort()
      .join(',')
  )

// ------------------------------------------------------------------------------------------ the tests

const scenarios = [
  { name: 'an active connection to the reference server', reference: true },
  { name: 'an active connection to a port nothing listens on', reference: false }
]

describe.each(scenarios)('contract fuzzing through the web host, with $name', ({ reference }) => {
  let dir: string
  let server: RunningServer | undefined
  let core: Core
  let host: WebHost
  let world: World
  let target: { name: string; apiUrl: string; accessKey: string; secretKey: string }
  const ids: string[] = []
  let outside: string
  let outsideBefore: string[]
  const protoBefore = protoSnapshot()
  const findings: Finding[] = []
  const errorLogs: string[] = []
  let stopSink: () => void

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-fuzz-'))
    // A folder beside the core's data, standing for "everything else on the machine".
    outside = join(dir, 'outside')
    mkdirSync(outside)
    const sentinel = join(outside, 'sentinel.pem')
    writeFileSync(sentinel, '-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n')
    outsideBefore = snapshot(outside)

    setLogLevel('warn')
    setStderrLogging(false)
    stopSink = addLogSink((r: LogRecord) => {
      if (r.level === 'error') errorLogs.push(r.line.slice(0, 400))
    })

    let apiUrl: string
    let accessKey = 'fuzz-access'
    let secretKey = 'fuzz-secret'
    if (reference) {
      server = await startServer({ port: 0, dataDir: join(dir, 'server'), seed: 'demo', quiet: true })
      apiUrl = server.url
      accessKey = server.seed!.admin.accessKey
      secretKey = server.seed!.admin.secretKey
    } else {
      apiUrl = `http://127.0.0.1:${await freePort()}`
    }
    core = await createCore({ dataDir: join(dir, 'core'), retryMinMs: 50, retryMaxMs: 200, heartbeatMs: 60000, requestTimeoutMs: 1500, readDeadlineMs: 1500 })
    const staticDir = join(dir, 'static')
    mkdirSync(staticDir)
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>console</title>')
    host = await startWebHost({ core, staticDir })

    target = { name: 'Fuzz target', apiUrl, accessKey, secretKey }
    await restoreTarget()
    world = { urls: [apiUrl], ids: () => ids, sentinel }
  })

  /** Each method starts from the same state: the target connection exists, is unchanged and is active. */
  async function restoreTarget() {
    const call = async (m: string, input: unknown) => {
      const a = await post(host, m, JSON.stringify(input))
      if ('failure' in a) throw new Error(`${m}: ${a.failure}`)
      return JSON.parse(a.text) as { ok: boolean; result?: { id?: string; activeConnectionId?: string | null }; error?: { code: string } }
    }
    const id = ids.at(-1)
    const { name: _name, ...fields } = target
    const updated = id ? await call('connections.update', { id, patch: fields }) : null
    if (!updated?.ok) {
      const created = await call('connections.create', { ...target, name: `${target.name} ${ids.length + 1}`, activate: true })
      expect(created.ok, JSON.stringify(created)).toBe(true)
      ids.push(created.result!.id!)
    }
    const status = await call('app.status', {})
    if (status.result?.activeConnectionId !== ids.at(-1)) expect((await call('connections.activate', { id: ids.at(-1) })).ok).toBe(true)
  }

  afterAll(async () => {
    stopSink?.()
    setStderrLogging(true)
    setLogLevel('info')
    await host?.close()
    await core?.close()
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  for (const method of methodNames) {
    it(`${method}: malformed input gets a typed error, never a 5xx, a reset or a hang`, async () => {
      await restoreTarget()
      const sampled = fc.sample(arbitraries(world).body(method), { numRuns: RUNS, seed: SEED + methodNames.indexOf(method) })
      const inputs = [...new Map([...EDGE_BODIES, ...sampled].map((i) => [typeof i === 'string' ? i : `bytes:${Buffer.from(i).toString('hex')}`, i])).values()]
      for (const input of inputs) {
        const problem = problemWith(input, await post(host, method, input))
        if (problem) findings.push({ method, input: show(input), outcome: problem })
      }
      const mine = findings.filter((f) => f.method === method)
      expect(mine, `FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}\n` + mine.map((f) => `${f.method} ${f.input}\n  -> ${f.outcome}`).join('\n')).toEqual([])
    }, 300_000)
  }

  it('leaves no trace: prototypes unpolluted, nothing outside the data folder changed, app.status still answers', async () => {
    expect(protoSnapshot()).toEqual(protoBefore)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.keys(Object.prototype)).toEqual([])
    expect(snapshot(outside)).toEqual(outsideBefore)
    expect(readFileSync(world.sentinel, 'utf8')).toContain('not really')

    const status = await post(host, 'app.status', '{}')
    expect('status' in status && status.status).toBe(200)
    expect(JSON.parse((status as { text: string }).text)).toMatchObject({ ok: true, result: { clientVersion: expect.any(String) } })
    expect(errorLogs, 'ERROR lines logged while fuzzing').toEqual([])
  })
})
