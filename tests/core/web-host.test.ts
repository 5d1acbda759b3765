// The web host: token and origin checks, the generic binding, and server-sent events.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../electron/core'
import { startWebHost, type WebHost } from '../../electron/web-host/server'

let dir: string
let core: Core
let host: WebHost

function call(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((ok, fail) => {
    const req = request(`${host.url}${path}`, { method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => ok({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', fail)
    req.end(opts.body)
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-wh-'))
  const stat = join(dir, 'static')
  mkdirSync(stat)
  writeFileSync(join(stat, 'index.html'), '<!doctype html><title>console</title>')
  core = await createCore({ dataDir: join(dir, 'core') })
  host = await startWebHost({ core, staticDir: stat })
})
afterAll(async () => {
  await host.close()
  await core.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('web host', () => {
  it('binds 127.0.0.1 and prints a URL with a random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(host.token.length).toBeGreaterThanOrEqual(24)
    expect(host.openUrl).toContain(`token=${host.token}`)
  })

  it('answers 401 without the token or with a wrong one', async () => {
    expect((await call('/api/app.status', { body: '{}' })).status).toBe(401)
    expect((await call('/api/app.status', { body: '{}', headers: { 'x-console-token': (host.token[0] === 'x' ? 'y' : 'x') + host.token.slice(1) } })).status).toBe(401)
    expect((await call('/api/events', { method: 'GET' })).status).toBe(401)
  })

  it('answers 403 to a foreign Origin or Host, even with the token', async () => {
    const r = await call('/api/app.status', { body: '{}', headers: { 'x-console-token': host.token, origin: 'http://evil.example' } })
    expect(r.status).toBe(403)
    const r2 = await call('/api/app.status', { body: '{}', headers: { 'x-console-token': host.token, host: 'evil.example' } })
    expect(r2.status).toBe(403)
  })

  it('runs a method with the token and same origin, and returns typed errors', async () => {
    const ok = await call('/api/app.status', { body: '{}', headers: { 'x-console-token': host.token, origin: host.url, 'content-type': 'application/json' } })
    expect(ok.status).toBe(200)
    const parsed = JSON.parse(ok.body)
    expect(parsed.ok).toBe(true)
    expect(parsed.result.state).toBe('none')

    const bad = await call('/api/connections.create', { body: JSON.stringify({ name: 'x' }), headers: { 'x-console-token': host.token } })
    expect(bad.status).toBe(400)
    const err = JSON.parse(bad.body).error
    expect(err.code).toBe('invalid_input')
    expect(err.details.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['apiUrl', 'accessKey']))

    const notJson = await call('/api/app.status', { body: '{', headers: { 'x-console-token': host.token } })
    expect(notJson.status).toBe(400)
    const unknown = await call('/api/nope.nope', { body: '{}', headers: { 'x-console-token': host.token } })
    expect(JSON.parse(unknown.body).error.code).toBe('unknown_method')
  })

  it('serves the renderer with a strict CSP and refuses path traversal', async () => {
    const page = await call('/', { method: 'GET' })
    expect(page.status).toBe(200)
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'")
    // Encoded ../ cannot climb out of the renderer folder: the client-side route fallback answers instead.
    const trav = await call('/..%2f..%2f..%2f..%2fetc%2fpasswd', { method: 'GET' })
    expect(trav.body).not.toContain('root:x:')
    expect(trav.body).toContain('<title>console</title>')
    const missingAsset = await call('/assets/nope.js', { method: 'GET' })
    expect(missingAsset.status).toBe(404)
  })

  it('streams events to a client holding the token', async () => {
    const first = await new Promise<string>((ok, fail) => {
      const req = request(`${host.url}/api/events?token=${encodeURIComponent(host.token)}`, { method: 'GET' }, (res) => {
        res.once('data', (c) => {
          ok(String(c))
          req.destroy()
        })
      })
      req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : fail(e)))
      req.end()
    })
    expect(first).toContain('event: status')
  })
})
