// The web host under malformed, oversized or unexpected requests: every answer is a typed 4xx envelope,
// never a 5xx, a reset or a crash, and bad input is not logged as an ERROR.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createCore, type Core } from '../../electron/core'
import { addLogSink, setLogLevel, setStderrLogging, type LogRecord } from '../../electron/core/log'
import { startWebHost, type WebHost } from '../../electron/web-host/server'

// A static file whose read fails after it was found (as when it is replaced or removed mid-request).
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  const createReadStream = ((path: Parameters<typeof fs.createReadStream>[0], options?: Parameters<typeof fs.createReadStream>[1]) => {
    if (String(path).endsWith('unreadable.js')) {
      const failing = new Readable({ read() {} })
      setImmediate(() => failing.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })))
      return failing
    }
    return fs.createReadStream(path, options)
  }) as typeof fs.createReadStream
  return { ...fs, default: { ...fs, createReadStream }, createReadStream }
})

let dir: string
let core: Core
let host: WebHost
const records: LogRecord[] = []
let stopSink: () => void

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-whi-'))
  const stat = join(dir, 'static')
  mkdirSync(stat)
  writeFileSync(join(stat, 'index.html'), '<!doctype html><title>console</title>')
  writeFileSync(join(stat, 'unreadable.js'), 'export {}')
  core = await createCore({ dataDir: join(dir, 'core') })
  host = await startWebHost({ core, staticDir: stat })
  setLogLevel('debug')
  setStderrLogging(false)
  stopSink = addLogSink((r) => records.push(r))
})
afterAll(async () => {
  stopSink()
  setStderrLogging(true)
  setLogLevel('info')
  await host.close()
  await core.close()
  rmSync(dir, { recursive: true, force: true })
})
afterEach(() => {
  records.length = 0
})

interface Answer {
  status: number
  headers: Headers
  text: string
  body: { ok?: unknown; error?: { code?: unknown; message?: unknown } } | null
}

async function send(path: string, init: RequestInit = {}): Promise<Answer> {
  const r = await fetch(`${host.url}${path}`, { ...init, signal: AbortSignal.timeout(10000) })
  const text = await r.text()
  let body: Answer['body'] = null
  try {
    body = JSON.parse(text)
  } catch {
    /* asserted by the caller */
  }
  return { status: r.status, headers: r.headers, text, body }
}

const api = (method: string, body: BodyInit | null, headers: Record<string, string> = {}) =>
  send(`/api/${method}`, { method: 'POST', body, headers: { 'x-console-token': host.token, 'content-type': 'application/json', ...headers } })

/** The error envelope with a code and a message, and nothing else at the top level. */
function expectEnvelope(a: Answer, status: number, code: string) {
  expect({ status: a.status, code: a.body?.error?.code }, a.text.slice(0, 300)).toEqual({ status, code })
  expect(a.body?.ok).toBe(false)
  expect(typeof a.body?.error?.message).toBe('string')
  expect(a.headers.get('content-type')).toMatch(/^application\/json/)
}

/** A raw HTTP/1.1 exchange: what fetch cannot send (bad request lines, huge headers, bad chunking). */
function raw(request: string | Buffer, opts: { readAfterWrite?: boolean } = {}): Promise<{ text: string; error?: string }> {
  return new Promise((ok) => {
    const s = connect(host.port, '127.0.0.1')
    let text = ''
    let error: string | undefined
    if (opts.readAfterWrite) s.pause()
    s.on('data', (c) => (text += c))
    s.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message))
    s.on('close', () => ok({ text, error }))
    s.write(request, () => {
      if (opts.readAfterWrite) s.resume()
    })
    setTimeout(() => s.destroy(), 8000).unref()
  })
}

function rawEnvelope(text: string): { status: number; headers: string; body: { ok?: unknown; error?: { code?: unknown; message?: unknown } } | null } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)
  const split = text.indexOf('\r\n\r\n')
  const headers = split >= 0 ? text.slice(0, split) : text
  let payload = text.slice(split + 4)
  if (/^transfer-encoding: chunked$/im.test(headers)) {
    let out = ''
    for (let at = 0; ; ) {
      const eol = payload.indexOf('\r\n', at)
      const size = parseInt(payload.slice(at, eol), 16)
      if (!(size > 0)) break
      out += payload.slice(eol + 2, eol + 2 + size)
      at = eol + 2 + size + 2
    }
    payload = out
  }
  let body = null
  try {
    body = JSON.parse(payload)
  } catch {
    /* asserted by the caller */
  }
  return { status, headers, body }
}

const stillAlive = async () => {
  const a = await api('app.status', '{}')
  expect(a.status).toBe(200)
  expect(a.body?.ok).toBe(true)
}

const errorsLogged = () => records.filter((r) => r.level === 'error').map((r) => r.line)

describe('web host: oversized bodies', () => {
  it('answers 413 with a typed error to a 9 MB body, and the client reads it', async () => {
    const a = await api('app.status', JSON.stringify({ pad: 'x'.repeat(9 * 1024 * 1024) }))
    expectEnvelope(a, 413, 'too_large')
    expect(a.headers.get('connection')).toBe('close')
    await stillAlive()
  })

  it('answers 413 to a streamed (chunked) body that grows past 8 MB', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 9) c.enqueue(chunk)
        else c.close()
      }
    })
    const a = await send('/api/app.status', { method: 'POST', body, duplex: 'half', headers: { 'x-console-token': host.token, 'content-type': 'application/json' } } as RequestInit)
    expectEnvelope(a, 413, 'too_large')
    await stillAlive()
  })

  it('lets a client that writes its whole body before reading still read the 413', async () => {
    const size = 12 * 1024 * 1024
    const head = `POST /api/app.status HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Console-Token: ${host.token}\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`
    const r = await raw(Buffer.concat([Buffer.from(head), Buffer.alloc(size, 0x20)]), { readAfterWrite: true })
    const env = rawEnvelope(r.text)
    expect(env.status, r.error).toBe(413)
    expect(env.body?.error?.code).toBe('too_large')
    expect(env.headers.toLowerCase()).toContain('connection: close')
  })

  it('refuses an oversized body announced with Expect: 100-continue before the client sends it', async () => {
    const r = await raw(`POST /api/app.status HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Console-Token: ${host.token}\r\nContent-Type: application/json\r\nContent-Length: ${64 * 1024 * 1024}\r\nExpect: 100-continue\r\n\r\n`)
    const env = rawEnvelope(r.text)
    expect(env.status).toBe(413)
    expect(env.body?.error?.code).toBe('too_large')
    expect(r.text).not.toContain('100 Continue')

    // Refused for another reason before the body was asked for: the connection cannot be reused, so it closes.
    const early = await raw(`POST /api/app.status HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Console-Token: wrong\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n`)
    const earlyEnv = rawEnvelope(early.text)
    expect({ status: earlyEnv.status, code: earlyEnv.body?.error?.code }).toEqual({ status: 401, code: 'unauthorized' })
    expect(earlyEnv.headers.toLowerCase()).toContain('connection: close')

    // The ordinary case (curl sends Expect for bodies over 1 MB): 100 Continue, then the answer.
    const fine = await raw(`POST /api/app.status HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Console-Token: ${host.token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n{}`)
    expect(fine.text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK[\s\S]*"ok":true/)
  })
})

describe('web host: malformed request targets', () => {
  it('answers 400 to malformed %-encoding in a page path and in a method name, without logging an ERROR', async () => {
    expectEnvelope(await send('/%E0%A4%A'), 400, 'invalid_input')
    expectEnvelope(await api('%E0%A4%A', '{}'), 400, 'invalid_input')
    expectEnvelope(await send('/assets/%ZZ.js'), 400, 'invalid_input')
    expect(errorsLogged()).toEqual([])
    await stillAlive()
  })

  it('treats a path starting with // as a path (no 500), and answers 400 to a target that is not a path', async () => {
    // "//x:99999/" is a valid origin-form path (an empty first segment), not a host and port.
    for (const target of ['//x:99999/', '//[::1/', '//127.0.0.1:1/']) {
      const r = await raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`)
      expect({ target, status: rawEnvelope(r.text).status }).toEqual({ target, status: 200 })
      expect(r.text).toContain('<title>console</title>')
    }
    const api = await raw(`POST //[::1/api/app.status HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Console-Token: ${host.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`)
    expect(rawEnvelope(api.text).status).toBe(405) // a page path, not /api/: only GET and HEAD
    for (const target of ['http://evil.example/', `http://127.0.0.1:${host.port}/api/app.status`, '*']) {
      const r = await raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`)
      const env = rawEnvelope(r.text)
      expect({ target, status: env.status, code: env.body?.error?.code }).toEqual({ target, status: 400, code: 'invalid_input' })
    }
    expect(errorsLogged()).toEqual([])
  })
})

describe('web host: bodies that are not a JSON object', () => {
  it('answers 400 invalid_input to bad JSON, to JSON that is not an object, and to bytes that are not UTF-8', async () => {
    for (const body of ['{', '{"a":1', 'nul', ' ', 'null', '[]', '[{}]', '"x"', '1', '-0', '1e308', 'true', '\u0000']) {
      const a = await api('app.status', body)
      expect({ body, status: a.status, code: a.body?.error?.code }).toEqual({ body, status: 400, code: 'invalid_input' })
    }
    const latin1 = new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]) // {"é":1} in Latin-1
    expectEnvelope(await api('app.status', latin1), 400, 'invalid_input')
    expect(errorsLogged()).toEqual([])
  })

  it('answers 415 to a body that says it is not JSON, not UTF-8, or compressed', async () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/jsonx']) {
      const a = await api('app.status', '{}', { 'content-type': type })
      expect({ type, status: a.status, code: a.body?.error?.code }).toEqual({ type, status: 415, code: 'invalid_input' })
    }
    expectEnvelope(await api('app.status', '{}', { 'content-encoding': 'gzip' }), 415, 'invalid_input')
    // What the renderer and the tests send is accepted, whatever the case of the media type.
    for (const type of ['application/json', 'Application/JSON; charset=UTF-8', 'application/json;charset=utf-8']) {
      expect((await api('app.status', '{}', { 'content-type': type })).status).toBe(200)
    }
  })
})

describe('web host: protocol-level refusals', () => {
  it('answers 431 with a typed error to huge headers, and 400 to a broken request', async () => {
    const big = await raw(`POST /api/app.status HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\nContent-Length: 2\r\n\r\n{}`)
    const env = rawEnvelope(big.text)
    expect(env.status).toBe(431)
    expect(env.body?.error?.code).toBe('invalid_input')

    for (const req of [
      `POST /api/app.status HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Console-Token: ${host.token}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
      `GARBAGE\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nBad Header\r\n\r\n`
    ]) {
      const e = rawEnvelope((await raw(req)).text)
      expect({ req: req.slice(0, 30), status: e.status, code: e.body?.error?.code }).toEqual({ req: req.slice(0, 30), status: 400, code: 'invalid_input' })
    }
    // A malformed request pipelined after a good one: the good one is answered first, then the 400.
    const pipelined = await raw(`POST /api/app.status HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Console-Token: ${host.token}\r\nContent-Length: 2\r\n\r\n{}GARBAGE\r\n\r\n`)
    expect(pipelined.text).toMatch(/^HTTP\/1\.1 200 [\s\S]*"ok":true[\s\S]*HTTP\/1\.1 400 [\s\S]*"invalid_input"/)
    await stillAlive()
  })

  it('answers CONNECT and an unknown Expect with a typed error instead of dropping the connection', async () => {
    const connectTo = rawEnvelope((await raw(`CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`)).text)
    expect({ status: connectTo.status, code: connectTo.body?.error?.code }).toEqual({ status: 405, code: 'method_not_allowed' })
    const expect417 = rawEnvelope((await raw(`POST /api/app.status HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Console-Token: ${host.token}\r\nExpect: something\r\nContent-Length: 2\r\n\r\n{}`)).text)
    expect({ status: expect417.status, code: expect417.body?.error?.code }).toEqual({ status: 417, code: 'invalid_input' })
  })

  it('answers 405 with Allow and a typed body to other HTTP methods on /api, and 401 to events with a bad token', async () => {
    for (const method of ['OPTIONS', 'PUT', 'DELETE', 'PATCH']) {
      const a = await send('/api/app.status', { method, headers: { 'x-console-token': host.token } })
      expectEnvelope(a, 405, 'method_not_allowed')
      expect(a.headers.get('allow')).toBe('POST')
    }
    const head = await send('/api/app.status', { method: 'HEAD', headers: { 'x-console-token': host.token } })
    expect(head.status).toBe(405)
    expect(head.headers.get('allow')).toBe('POST')

    const postEvents = await api('events', '{}')
    expectEnvelope(postEvents, 405, 'method_not_allowed')
    expect(postEvents.headers.get('allow')).toBe('GET')

    expectEnvelope(await send('/api/events', { headers: { 'x-console-token': 'nope' } }), 401, 'unauthorized')
    expectEnvelope(await send('/api/events?token=%E0%A4%A'), 401, 'unauthorized')
    expectEnvelope(await send('/', { method: 'PUT' }), 405, 'method_not_allowed')
  })
})

describe('web host: static files', () => {
  it('answers a typed error when a found file cannot be read, and keeps running', async () => {
    const a = await send('/unreadable.js')
    expectEnvelope(a, 500, 'internal')
    await stillAlive()
    expect((await send('/')).text).toContain('<title>console</title>')
  })
})
