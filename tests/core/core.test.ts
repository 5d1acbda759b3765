// The core against a real temporary SQLite file and the real reference server on a random port.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../electron/core'
import { addLogSink, setLogLevel } from '../../electron/core/log'
import { startServer, type RunningServer } from '../../server/src/index'
import { until } from './helpers'

let dir: string
let server: RunningServer
let core: Core

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-core-'))
  server = await startServer({ port: 0, dataDir: join(dir, 'server'), seed: 'demo', quiet: true })
  core = await createCore({ dataDir: join(dir, 'core'), retryMinMs: 100, retryMaxMs: 300, heartbeatMs: 200, requestTimeoutMs: 2000 })
})

afterEach(async () => {
  await core.close().catch(() => {})
  await server.close().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
})

async function addDemoConnection(extra: Record<string, unknown> = {}) {
  const admin = server.seed!.admin
  const out = await core.dispatch('connections.create', {
    name: 'Demo',
    apiUrl: server.url,
    accessKey: admin.accessKey,
    secretKey: admin.secretKey,
    ...extra
  })
  if (!out.ok) throw new Error(out.error.message)
  return out.result as { id: string }
}

describe('core', () => {
  it('starts with no connection and says so', async () => {
    const st = core.status()
    expect(st.state).toBe('none')
    expect(st.activeConnectionId).toBeNull()
    const out = await core.dispatch('profile.get', {})
    expect(out.ok).toBe(false)
    if (!out.ok) expect(out.error.code).toBe('no_connection')
  })

  it('refuses invalid input before the core runs, naming the field', async () => {
    const out = await core.dispatch('connections.create', { name: '', apiUrl: 'ftp://x', accessKey: 'k', secretKey: 's' })
    expect(out.ok).toBe(false)
    if (out.ok) return
    expect(out.error.code).toBe('invalid_input')
    const paths = (out.error.details as { issues: { path: string }[] }).issues.map((i) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['name', 'apiUrl']))
    expect(out.error.message).toMatch(/API server URL must be an http/)
    expect((await core.invoke('connections.list', {})).items).toHaveLength(0)
    const unknown = await core.dispatch('connections.explode', {})
    expect(unknown.ok ? null : unknown.error.code).toBe('unknown_method')
  })

  it('connects, reads and renames the profile, and never exposes or stores the secret in plain text', async () => {
    const logged: string[] = []
    setLogLevel('debug')
    const stopSink = addLogSink((r) => logged.push(r.line))
    const conn = await addDemoConnection()
    await until(() => core.status().state, (s) => s === 'online')
    const st = core.status()
    expect(st.activeConnectionId).toBe(conn.id)
    expect(st.capabilities?.apiVersion).toMatch(/^2\.\d+$/)
    expect(st.identity?.userName).toBe('Admin User')

    const p = await core.handlers['profile.get']({ refresh: false })
    expect(p.source).toBe('server')
    expect(p.value).toMatchObject({ name: 'Admin User', companyName: 'Demo Company', role: 'admin', id: server.seed!.admin.id })

    // A refresh that brings nothing new must not announce a change (screens reload on it: no loops).
    const changes: string[][] = []
    core.on('data.changed', (e) => changes.push(e.topics))
    await core.handlers['profile.get']({ refresh: true })
    expect(changes).toEqual([])

    const renamed = await core.invoke('profile.rename', { name: 'Ada Admin' })
    expect(changes).toEqual([['profile']])
    expect(renamed.value.name).toBe('Ada Admin')

    // Nothing that reaches the renderer carries the secret.
    const secret = server.seed!.admin.secretKey
    const listed = JSON.stringify((await core.invoke('connections.list', {})).items)
    expect(listed).not.toContain(secret)
    expect(JSON.stringify(core.status())).not.toContain(secret)
    expect(listed).toContain('"hasSecret":true')

    // Nor the logs (debug level included).
    stopSink()
    setLogLevel('info')
    expect(logged.length).toBeGreaterThan(0)
    for (const line of logged) {
      expect(line).not.toContain(secret)
      expect(line).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/)
    }

    // Nor the SQLite files (db, WAL) in plain text; and no bearer token either.
    await core.close()
    const files = readdirSync(join(dir, 'core')).filter((f) => f.startsWith('console.db'))
    expect(files.length).toBeGreaterThan(0)
    for (const f of files) {
      const bytes = readFileSync(join(dir, 'core', f)).toString('latin1')
      expect(bytes).not.toContain(secret)
      expect(bytes).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/)
    }
  })

  it('answers from the cache with its age when the server is gone, and comes back online by itself', async () => {
    await addDemoConnection()
    await until(() => core.status().state, (s) => s === 'online')
    const fresh = await core.handlers['profile.get']({ refresh: true })
    const port = server.port
    await server.close()
    await until(() => core.status().state, (s) => s === 'offline')
    expect(core.status().reason).toMatch(/refused|reach|ECONNREFUSED/i)
    const cached = await core.handlers['profile.get']({ refresh: true })
    expect(cached.source).toBe('cache')
    expect(cached.fetchedAt).toBe(fresh.fetchedAt)
    expect(cached.value.name).toBe('Admin User')
    const rename = await core.dispatch('profile.rename', { name: 'X' })
    expect(rename.ok ? null : rename.error.code).toBe('offline')

    server = await startServer({ port, dataDir: join(dir, 'server'), seed: 'demo', quiet: true })
    await until(() => core.status().state, (s) => s === 'online')
    const again = await core.handlers['profile.get']({ refresh: true })
    expect(again.source).toBe('server')
  })

  it('reports bad credentials as auth_failed with the reason, and a test names the failing step', async () => {
    const admin = server.seed!.admin
    const test1 = await core.handlers['connections.test']({ draft: { name: 'x', apiUrl: server.url, webUrl: '', filesUrl: '', accessKey: admin.accessKey, secretKey: 'nope', production: false, verifyTls: true, caFile: null } })
    expect(test1.ok).toBe(false)
    expect(test1.failedStep).toBe('login')
    const test2 = await core.handlers['connections.test']({ draft: { name: 'x', apiUrl: 'http://127.0.0.1:1', webUrl: '', filesUrl: '', accessKey: 'a', secretKey: 'b', production: false, verifyTls: true, caFile: null } })
    expect(test2.failedStep).toBe('ping')
    const ok = await core.handlers['connections.test']({ draft: { name: 'x', apiUrl: server.url, webUrl: '', filesUrl: '', accessKey: admin.accessKey, secretKey: admin.secretKey, production: false, verifyTls: true, caFile: null } })
    expect(ok.ok).toBe(true)
    expect(ok.user?.name).toBe('Admin User')

    await addDemoConnection({ secretKey: 'wrong' })
    await until(() => core.status().state, (s) => s === 'auth_failed')
    expect(core.status().reason).toMatch(/invalid credentials|401/i)
  })

  it('keeps connections across restarts, with unique names and a kept secret on edit', async () => {
    const c = await addDemoConnection({ production: true })
    const dup = await core.dispatch('connections.create', { name: 'demo', apiUrl: server.url, accessKey: 'a', secretKey: 'b' })
    expect(dup.ok ? null : dup.error.code).toBe('conflict')
    await core.handlers['connections.update']({ id: c.id, patch: { name: 'Demo renamed' } })
    await core.close()
    core = await createCore({ dataDir: join(dir, 'core'), retryMinMs: 100, heartbeatMs: 200 })
    const list = (await core.invoke('connections.list', {})).items
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ name: 'Demo renamed', production: true, active: true, hasSecret: true })
    await until(() => core.status().state, (s) => s === 'online')
    expect(core.status().production).toBe(true)
    await core.handlers['connections.delete']({ id: c.id })
    expect(core.status().state).toBe('none')
  })

  it('runs the config engine in the core: positions, admin-vault rules, conversion', async () => {
    const bad = await core.handlers['config.validate']({ text: 'agent {\n  worker_name: "gpu-1"\n  git_usr: "x"\n}\n', format: 'hocon', adminVault: true })
    expect(bad.errors).toBe(1)
    const restricted = bad.diagnostics.find((d) => d.severity === 'error')!
    expect(restricted.line).toBe(2)
    expect(restricted.message).toMatch(/worker_name/)
    const typo = bad.diagnostics.find((d) => d.severity === 'warning')!
    expect(typo.line).toBe(3)
    expect(typo.message).toMatch(/git_user/)
    const syntax = await core.dispatch('config.validate', { text: 'a {', format: 'hocon' })
    expect(syntax.ok && (syntax.result as { errors: number }).errors).toBeGreaterThan(0)
    const wrongFormat = await core.dispatch('config.validate', { text: '', format: 'toml' })
    expect(wrongFormat.ok ? '' : wrongFormat.error.message).toMatch(/format: Format must be hocon, json or yaml/)
    const conv = await core.handlers['config.convert']({ text: 'sdk:\n  development:\n    default_output_uri: "s3://b"\n', from: 'yaml', to: 'hocon' })
    expect(conv.text).toMatch(/default_output_uri/)
    const back = await core.handlers['config.validate']({ text: conv.text!, format: 'hocon', adminVault: false })
    expect(back.errors).toBe(0)
  })

  it('switching connections while a connection attempt is in flight still ends online', async () => {
    const c = await addDemoConnection()
    const admin = server.seed!.admin
    // Edit the active connection (reconnects) and activate it again right away, as the demo does.
    await core.handlers['connections.update']({ id: c.id, patch: { apiUrl: server.url, accessKey: admin.accessKey, secretKey: admin.secretKey } })
    await core.handlers['connections.activate']({ id: c.id })
    await until(() => core.status().state, (s) => s === 'online')
  })
})
