import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { API_VERSION, SERVER_VERSION, startServer, type RunningServer } from '../../server/src/index'
import { ClearmlClient, ClearmlError, DEFAULT_CLIENT_ID, decodeTokenClaims, type ClearmlClientOptions } from '../../electron/core/clearml/index'
import { addLogSink, setStderrLogging, type LogRecord } from '../../electron/core/log'

setStderrLogging(false)

let srv: RunningServer
let admin: { accessKey: string; secretKey: string; id: string; name: string }
const clients: ClearmlClient[] = []
const logs: LogRecord[] = []
let offLog: () => void

beforeAll(async () => {
  srv = await startServer({ port: 0, seed: 'demo', quiet: true })
  admin = srv.seed!.admin
})
afterAll(async () => {
  await srv.close()
})
beforeEach(() => {
  logs.length = 0
  offLog = addLogSink((r) => logs.push(r))
  srv.setFaults({})
})
afterEach(() => {
  offLog()
  for (const c of clients.splice(0)) c.close()
})

function client(extra: Partial<ClearmlClientOptions> = {}, base: RunningServer = srv): ClearmlClient {
  const c = new ClearmlClient({ apiUrl: base.url, accessKey: admin.accessKey, secretKey: admin.secretKey, retryBaseMs: 5, ...extra })
  clients.push(c)
  return c
}

async function caught(p: Promise<unknown>): Promise<ClearmlError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(ClearmlError)
    return e as ClearmlError
  }
  throw new Error('expected the call to fail')
}

/** Every textual form of an error that could end up in a log, a dialog or an IPC payload. */
function allForms(e: unknown): string {
  return [String(e), (e as Error).stack ?? '', JSON.stringify(e), inspect(e, { depth: 10, showHidden: true })].join('\n')
}

function expectNoSecrets(text: string, tokens: string[] = []): void {
  expect(text).not.toContain(admin.secretKey)
  expect(text).not.toContain(Buffer.from(`${admin.accessKey}:${admin.secretKey}`).toString('base64'))
  for (const t of tokens) {
    expect(text).not.toContain(t)
    expect(text).not.toContain(t.split('.')[2]) // not even the signature part
  }
}

function tamper(token: string): string {
  const [h, p, s] = token.split('.')
  return `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

describe('ClearmlClient against the reference server', () => {
  it('logs in and calls users.get_current_user with a bearer token', async () => {
    const tokens: Array<string | null> = []
    const c = client({ onTokenChange: (t) => tokens.push(t) })
    const res = await c.call<{ user: { id: string; name: string; role: string } }>('users.get_current_user')
    expect(res.user.id).toBe(admin.id)
    expect(res.user.role).toBe('admin')
    expect(tokens).toHaveLength(1)
    expect(decodeTokenClaims(tokens[0]!)?.identity?.user).toBe(admin.id)
    // a second call reuses the token
    await c.call('users.get_current_user')
    expect(tokens).toHaveLength(1)
  })

  it('reads capabilities from the token', async () => {
    const c = client()
    expect(c.capabilities()).toBeNull()
    const caps = await c.login()
    expect(caps).toEqual(c.capabilities())
    expect(caps.apiVersion).toBe(API_VERSION)
    expect(caps.serverVersion).toBe(SERVER_VERSION)
    expect(caps.featureSet).toBe('basic')
    expect(caps.enterprise).toBe(false)
    expect(caps.identity).toMatchObject({ user: admin.id, role: 'admin', user_name: admin.name })
    expect(caps.identity.company).toBeTruthy()
    expect(caps.expiresAt! - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000)
  })

  it('reports enterprise for a non-basic feature set', async () => {
    const ent = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true })
    try {
      const c = new ClearmlClient({ apiUrl: ent.url, accessKey: ent.seed!.admin.accessKey, secretKey: ent.seed!.admin.secretKey })
      clients.push(c)
      const caps = await c.login()
      expect(caps.featureSet).toBe('enterprise')
      expect(caps.enterprise).toBe(true)
    } finally {
      await ent.close()
    }
  })

  it('a wrong secret gives kind auth 401/22 with a clear message and no secret in it', async () => {
    const wrong = admin.secretKey.slice(0, -3) + 'zzz'
    const c = client({ secretKey: wrong })
    const e = await caught(c.call('users.get_current_user'))
    expect(e.kind).toBe('auth')
    expect(e.code).toBe(401)
    expect(e.subcode).toBe(22)
    expect(e.endpoint).toBe('auth.login')
    expect(e.retriable).toBe(false)
    expect(e.message).toBe('Invalid access key or secret key (401/22)')
    expect(allForms(e)).not.toContain(wrong)
    expectNoSecrets(allForms(e))
  })

  it('ping needs no credentials', async () => {
    const c = client({ accessKey: '', secretKey: '' })
    const p = await c.ping()
    expect(p.ok).toBe(true)
    expect(p.msg).toBe('ClearML server')
    expect(p.latencyMs).toBeGreaterThanOrEqual(0)
    expect(c.loggedIn).toBe(false)
  })

  it('testConnection returns latency, versions and identity', async () => {
    const r = await client().testConnection()
    expect(r).toMatchObject({ serverVersion: SERVER_VERSION, apiVersion: API_VERSION, featureSet: 'basic', enterprise: false, identity: { user: admin.id } })
    expect(r.latencyMs).toBeGreaterThanOrEqual(0)
    const bad = await caught(client({ secretKey: 'nope' }).testConnection())
    expect(bad.message).toBe('Invalid access key or secret key (401/22)')
  })

  it('re-logs in before a call when the token is within 360 s of expiry', async () => {
    const tokens: Array<string | null> = []
    const c = client({ onTokenChange: (t) => tokens.push(t) })
    const short = srv.issueToken(admin.id, 100) // valid, but only 100 s left
    c.setToken(short)
    await c.call('users.get_current_user')
    expect(tokens).toHaveLength(2) // setToken, then the refresh
    expect(tokens[1]).not.toBe(short)
    expect(decodeTokenClaims(tokens[1]!)!.exp! - Date.now() / 1000).toBeGreaterThan(3600)
  })

  it('re-logs in when the (skew-corrected) clock reaches the margin', async () => {
    const ttl = await startServer({ port: 0, seed: 'demo', tokenTtlSec: 400, quiet: true })
    try {
      let offset = 0
      let logins = 0
      const c = new ClearmlClient({
        apiUrl: ttl.url,
        accessKey: ttl.seed!.admin.accessKey,
        secretKey: ttl.seed!.admin.secretKey,
        now: () => Date.now() + offset,
        onTokenChange: (t) => void (t && logins++)
      })
      clients.push(c)
      await c.call('users.get_current_user')
      offset = 30_000 // 370 s left: keep the token
      await c.call('users.get_current_user')
      expect(logins).toBe(1)
      offset = 50_000 // 350 s left: refresh first
      await c.call('users.get_current_user')
      expect(logins).toBe(2)
      // a client clock one hour ahead of the server still uses the token's lifetime, not the server's exp
      const skewed = new ClearmlClient({ apiUrl: ttl.url, accessKey: ttl.seed!.admin.accessKey, secretKey: ttl.seed!.admin.secretKey, now: () => Date.now() + 3600_000, onTokenChange: (t) => void (t && logins++) })
      clients.push(skewed)
      await skewed.call('users.get_current_user')
      await skewed.call('users.get_current_user')
      expect(logins).toBe(3)
    } finally {
      await ttl.close()
    }
  })

  it('re-logs in once on 401/30 and retries the call (bad signature, then revoked token)', async () => {
    const tokens: Array<string | null> = []
    const c = client({ onTokenChange: (t) => tokens.push(t) })
    const forged = tamper(srv.issueToken(admin.id, 3600))
    c.setToken(forged)
    const res = await c.call<{ user: { id: string } }>('users.get_current_user')
    expect(res.user.id).toBe(admin.id)
    expect(tokens.filter(Boolean)).toHaveLength(2)
    expect(logs.some((l) => /401\/30/.test(l.message))).toBe(true)

    // revoke the current token behind the client's back
    const current = tokens.at(-1)!
    const revoker = client()
    revoker.setToken(current)
    await revoker.call('auth.logout')
    const again = await c.call<{ user: { id: string } }>('users.get_current_user')
    expect(again.user.id).toBe(admin.id)
    expect(tokens.at(-1)).not.toBe(current)
    for (const l of logs) expectNoSecrets(l.line, [forged, current])
  })

  it('gives up after one re-login when 401/30 persists, without leaking anything', async () => {
    const forged = tamper(srv.issueToken(admin.id, 3600))
    const c = client({ secretKey: 'wrong-secret-value-1234567890' })
    c.setToken(forged)
    const e = await caught(c.call('users.get_current_user'))
    expect(e.kind).toBe('auth')
    expect(e.subcode).toBe(22)
    expectNoSecrets(allForms(e), [forged])
    expect(allForms(e)).not.toContain('wrong-secret-value-1234567890')
  })

  it('shares one in-flight login between concurrent calls', async () => {
    let logins = 0
    const c = client({ onTokenChange: (t) => void (t && logins++) })
    const results = await Promise.all(Array.from({ length: 12 }, () => c.call<{ user: { id: string } }>('users.get_current_user')))
    expect(results.every((r) => r.user.id === admin.id)).toBe(true)
    expect(logins).toBe(1)
  })

  it('retries through connection resets and 5xx faults until success (bounded)', async () => {
    srv.setFaults({ resetRate: 0.2, errorRate: 0.2 })
    const c = client({ retries: 10 })
    for (let i = 0; i < 15; i++) {
      const r = await c.call<{ user: { id: string } }>('users.get_current_user')
      expect(r.user.id).toBe(admin.id)
    }
    const retried = logs.filter((l) => l.level === 'warn' && /retry \d+\/10/.test(l.message))
    expect(retried.length).toBeGreaterThan(0)
    for (const l of logs) expectNoSecrets(l.line)
  })

  it('stops after `retries` attempts when the fault persists', async () => {
    const c = client({ retries: 2 })
    await c.login()
    srv.setFaults({ errorRate: 1 })
    const started = Date.now()
    const e = await caught(c.call('users.get_current_user'))
    expect(['server']).toContain(e.kind)
    expect([500, 503]).toContain(e.code)
    expect(e.retriable).toBe(true)
    expect(logs.filter((l) => /retry \d\/2/.test(l.message))).toHaveLength(2)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('times out as kind timeout and honours AbortSignal', async () => {
    const c = client({ retries: 0 })
    await c.login()
    srv.setFaults({ latencyMs: 1500 })
    const t = await caught(c.call('users.get_current_user', {}, { timeoutMs: 150 }))
    expect(t.kind).toBe('timeout')
    expect(t.code).toBe(0)
    expect(t.message).toMatch(/did not answer users\.get_current_user within 150 ms/)
    const ctrl = new AbortController()
    const started = Date.now()
    setTimeout(() => ctrl.abort(), 100)
    const a = await caught(c.call('users.get_current_user', {}, { signal: ctrl.signal }))
    expect(a.kind).toBe('aborted')
    expect(Date.now() - started).toBeLessThan(1000)
    const pre = new AbortController()
    pre.abort()
    expect((await caught(c.call('users.get_current_user', {}, { signal: pre.signal }))).kind).toBe('aborted')
  })

  it('maps server errors: not_found, validation, with result_msg as message', async () => {
    const c = client()
    const nf = await caught(c.call('nosuch.endpoint'))
    expect(nf.kind).toBe('not_found')
    expect(nf.code).toBe(404)
    expect(nf.message).toMatch(/Unable to find endpoint/)
    const v = await caught(c.call('users.update', {}))
    expect(v.kind).toBe('validation')
    expect(v.code).toBe(400)
    expect(v.subcode).toBe(11)
    expect(logs.filter((l) => /retry/.test(l.message))).toHaveLength(0)
    const bad = await caught(c.call('not-an-endpoint'))
    expect(bad.kind).toBe('validation')
  })
})

describe('ClearmlClient transport failures', () => {
  it('connection refused gives kind network quickly, with the URL and no secrets', async () => {
    const port = await freePort()
    const apiUrl = `http://127.0.0.1:${port}`
    const c = new ClearmlClient({ apiUrl, accessKey: admin.accessKey, secretKey: admin.secretKey })
    clients.push(c)
    const started = Date.now()
    const e = await caught(c.call('users.get_current_user'))
    expect(Date.now() - started).toBeLessThan(3000) // 3 retries, 200 ms base backoff
    expect(e.kind).toBe('network')
    expect(e.code).toBe(0)
    expect(e.networkCode).toBe('ECONNREFUSED')
    expect(e.retriable).toBe(true)
    expect(e.message).toBe(`Cannot reach ${apiUrl}: connection refused`)
    expectNoSecrets(allForms(e))

    const t0 = Date.now()
    const t = await caught(c.testConnection())
    expect(Date.now() - t0).toBeLessThan(500) // the probe does not retry
    expect(t.message).toBe(`Cannot reach ${apiUrl}: connection refused`)
  })

  it('unknown host is kind network and not retried', async () => {
    const c = client({ apiUrl: 'http://no-such-host.invalid:8008' })
    const e = await caught(c.ping())
    expect(e.kind).toBe('network')
    expect(e.message).toMatch(/Cannot reach http:\/\/no-such-host\.invalid:8008: /)
  })

  it('a missing CA file is reported, not thrown from the constructor', async () => {
    const c = client({ apiUrl: 'https://127.0.0.1:1', caFile: '/nonexistent/ca.pem' })
    const e = await caught(c.ping())
    expect(e.kind).toBe('network')
    expect(e.message).toMatch(/Cannot read the CA file \/nonexistent\/ca\.pem: ENOENT/)
  })

  describe('against a scripted HTTP server', () => {
    let fake: Server
    let url: string
    let handler: (req: IncomingMessage, body: string, res: ServerResponse) => void
    const seen: Array<{ url: string; method: string; headers: IncomingMessage['headers']; body: string }> = []

    beforeAll(async () => {
      fake = createServer((req, res) => {
        let body = ''
        req.on('data', (c) => (body += c))
        req.on('end', () => {
          seen.push({ url: req.url!, method: req.method!, headers: req.headers, body })
          handler(req, body, res)
        })
      })
      await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()))
      url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`
    })
    afterAll(async () => {
      fake.closeAllConnections()
      await new Promise<void>((r) => fake.close(() => r()))
    })
    beforeEach(() => {
      seen.length = 0
    })

    const envelope = (code: number, data: unknown, sub = 0, msg = code === 200 ? 'OK' : 'error') =>
      JSON.stringify({ meta: { result_code: code, result_subcode: sub, result_msg: msg }, data })
    const reply = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(body)
    }

    it('POSTs JSON with the client header and basic/bearer auth', async () => {
      handler = (req, _b, res) =>
        req.url === '/auth.login' ? reply(res, 200, envelope(200, { token: srv.issueToken(admin.id, 3600) })) : reply(res, 200, envelope(200, { echoed: true }))
      const c = client({ apiUrl: url + '/' })
      const r = await c.call('queues.get_all', { name: 'x' })
      expect(r).toEqual({ echoed: true })
      expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /auth.login', 'POST /queues.get_all'])
      expect(seen[0].headers.authorization).toBe('Basic ' + Buffer.from(`${admin.accessKey}:${admin.secretKey}`).toString('base64'))
      expect(seen[1].headers.authorization).toMatch(/^Bearer eyJ/)
      expect(seen[1].headers['x-clearml-client']).toBe(DEFAULT_CLIENT_ID)
      expect(seen[1].headers['content-type']).toMatch(/application\/json/)
      expect(JSON.parse(seen[1].body)).toEqual({ name: 'x' })
      await c.call('users.get_all', {}, { apiVersion: '2.23' })
      expect(seen.at(-1)!.url).toBe('/v2.23/users.get_all')
    })

    it('honours Retry-After on 429 and then succeeds', async () => {
      let n = 0
      handler = (_r, _b, res) => (n++ === 0 ? reply(res, 429, envelope(429, {}, 0, 'Too many requests'), { 'retry-after': '0' }) : reply(res, 200, envelope(200, { ok: 1 })))
      const c = client({ apiUrl: url })
      expect(await c.call('debug.ping', {}, { noAuth: true })).toEqual({ ok: 1 })
      expect(n).toBe(2)
    })

    it('never retries a 4xx', async () => {
      handler = (_r, _b, res) => reply(res, 400, envelope(400, {}, 12, 'Validation error (bad field)'))
      const c = client({ apiUrl: url })
      const e = await caught(c.call('debug.ping', {}, { noAuth: true }))
      expect(e).toMatchObject({ kind: 'validation', code: 400, subcode: 12, message: 'Validation error (bad field)', retriable: false })
      expect(seen).toHaveLength(1)
    })

    it('retries a reset for reads but not for creates', async () => {
      handler = (req, _b, res) => res.socket?.destroy()
      const c = client({ apiUrl: url, retries: 2 })
      const read = await caught(c.call('debug.ping', {}, { noAuth: true }))
      expect(read.kind).toBe('network')
      expect(seen).toHaveLength(3)
      seen.length = 0
      const write = await caught(c.call('auth.create_credentials', {}, { noAuth: true }))
      expect(write.kind).toBe('network')
      expect(write.message).toMatch(/connection (reset|closed)/)
      expect(seen).toHaveLength(1)
    })

    it('retries 500 only for reads; 503 (not processed) for any call', async () => {
      let status = 500
      handler = (_r, _b, res) => reply(res, status, envelope(status, {}, 0, 'General error (boom)'))
      const c = client({ apiUrl: url, retries: 2 })
      expect((await caught(c.call('users.get_all', {}, { noAuth: true }))).code).toBe(500)
      expect(seen).toHaveLength(3)
      seen.length = 0
      expect((await caught(c.call('auth.create_credentials', {}, { noAuth: true }))).code).toBe(500)
      expect(seen).toHaveLength(1)
      seen.length = 0
      status = 503
      expect((await caught(c.call('auth.create_credentials', {}, { noAuth: true }))).code).toBe(503)
      expect(seen).toHaveLength(3)
      seen.length = 0
      expect((await caught(c.call('auth.create_credentials', {}, { noAuth: true, idempotent: true, retries: 1 }))).code).toBe(503)
      expect(seen).toHaveLength(2)
    })

    it('explains a non-ClearML answer (e.g. the web app URL) and redacts echoed tokens', async () => {
      handler = (_r, _b, res) => {
        res.writeHead(200, { 'content-type': 'text/html' })
        res.end('<html>ClearML web</html>')
      }
      const c = client({ apiUrl: url })
      const e = await caught(c.ping())
      expect(e.kind).toBe('server')
      expect(e.message).toMatch(/not with a ClearML API response; is .* the API server URL/)

      const token = srv.issueToken(admin.id, 3600)
      handler = (_r, _b, res) => reply(res, 500, envelope(500, {}, 0, `General error: bad token ${token} / Bearer ${token}`))
      const e2 = await caught(c.call('debug.ping', {}, { noAuth: true, retries: 0 }))
      expectNoSecrets(allForms(e2), [token])
      expect(e2.message).toMatch(/\[redacted\]/)
    })

    it('a login answer without a token is a clear server error', async () => {
      handler = (_r, _b, res) => reply(res, 200, envelope(200, { token: 'not-a-jwt' }))
      const e = await caught(client({ apiUrl: url }).login())
      expect(e.kind).toBe('server')
      expect(e.message).toMatch(/without a usable token/)
    })
  })
})
