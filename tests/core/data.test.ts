// The core's data layer and dispatch: deadlines, flapping, production confirmation, change events.
// Real core, real temporary SQLite file, real reference server with fault injection.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectionState, DataChanged } from '../../shared/api'
import { createCore, type Core } from '../../electron/core'
import { startServer, type RunningServer } from '../../server/src/index'
import { until } from './helpers'

let dir: string
let server: RunningServer
let core: Core

async function connect(extra: { production?: boolean } = {}) {
  const admin = server.seed!.admin
  const c = await core.invoke('connections.create', { name: 'Demo', apiUrl: server.url, accessKey: admin.accessKey, secretKey: admin.secretKey, ...extra })
  await until(() => core.status().state, (s) => s === 'online')
  return c
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-data-'))
  server = await startServer({ port: 0, dataDir: join(dir, 'server'), seed: 'demo', quiet: true })
  core = await createCore({ dataDir: join(dir, 'core'), retryMinMs: 200, retryMaxMs: 400, heartbeatMs: 0, requestTimeoutMs: 800, readDeadlineMs: 1500 })
})
afterEach(async () => {
  await core.close().catch(() => {})
  await server.close().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
})

describe('reads have one overall deadline', () => {
  // Default request timeout (15 s) and retries, as in the app: before the deadline existed a refresh
  // against a hung server took timeout × (retries + 1) plus backoff — about a minute, past the test timeout.
  beforeEach(async () => {
    await core.close()
    core = await createCore({ dataDir: join(dir, 'core'), heartbeatMs: 0, readDeadlineMs: 1500 })
  })

  it('a hung server answers from the cache with its age, not after every retry', async () => {
    await connect()
    const fresh = await core.invoke('profile.get', { refresh: true })
    server.setFaults({ latencyMs: 120_000 })
    const cached = await core.invoke('profile.get', { refresh: true })
    expect(cached.source).toBe('cache')
    expect(cached.fetchedAt).toBe(fresh.fetchedAt)
  })

  it('a hung server with nothing cached gives a typed offline error', async () => {
    await connect()
    server.setFaults({ latencyMs: 120_000 })
    const out = await core.dispatch('profile.get', { refresh: true })
    expect(out.ok ? null : out.error.code).toBe('offline')
  })
})

describe('a server that errors is not a server that is gone', () => {
  it('answers 5xx: the session stays online and the error says the server failed', async () => {
    await connect()
    const states: ConnectionState[] = []
    core.on('status', (s) => states.push(s.state))
    server.setFaults({ errorRate: 1 })
    const out = await core.dispatch('profile.rename', { name: 'Ada' })
    expect(out.ok ? null : out.error.code).toBe('server')
    expect(states).not.toContain('offline')
    expect(core.status().state).toBe('online')
  })

  it('one reset connection does not turn the session offline; renames after it are not refused', async () => {
    await connect()
    const states: ConnectionState[] = []
    core.on('status', (s) => states.push(s.state))
    server.setFaults({ resetRate: 1 })
    const failed = await core.dispatch('profile.rename', { name: 'Ada' })
    expect(failed.ok).toBe(false)
    server.setFaults({})
    const next = await core.dispatch('profile.rename', { name: 'Ada Lovelace' })
    expect(next.ok ? null : next.error).toBeNull()
    await new Promise((r) => setTimeout(r, 400)) // let the background probe finish
    expect(states).not.toContain('offline')
    expect(core.status().state).toBe('online')
  })

  it('a server that is really gone turns offline', async () => {
    await connect()
    server.setFaults({ resetRate: 1 })
    await core.dispatch('profile.rename', { name: 'Ada' })
    await until(() => core.status().state, (s) => s === 'offline')
  })
})

describe('one console per data folder', () => {
  it('a second core on the same folder is refused with a message saying who holds it', async () => {
    await expect(createCore({ dataDir: join(dir, 'core') })).rejects.toThrow(/already uses/)
    await core.close()
    core = await createCore({ dataDir: join(dir, 'core') }) // released on close: the folder can be used again
    expect(core.status().state).toBe('none')
  })
})

describe('dispatch', () => {
  it('refuses a server change on a production connection unless confirmed', async () => {
    await connect({ production: true })
    const refused = await core.dispatch('profile.rename', { name: 'Prod Admin' })
    expect(refused.ok ? null : refused.error.code).toBe('confirmation_required')
    expect((await core.invoke('profile.get', { refresh: true })).value.name).toBe('Admin User')
    const done = await core.dispatch('profile.rename', { name: 'Prod Admin' }, { confirmed: true })
    expect(done.ok).toBe(true)
    expect((await core.invoke('profile.get', { refresh: true })).value.name).toBe('Prod Admin')
    // Local data needs no confirmation, and reads never do.
    expect((await core.dispatch('connections.list', {})).ok).toBe(true)
  })

  it('announces the topics a write declares, with the connection they belong to', async () => {
    const seen: DataChanged[] = []
    core.on('data.changed', (e) => seen.push(e))
    const c = await connect()
    expect(seen).toContainEqual({ connectionId: c.id, topics: ['connections'] })
    seen.length = 0
    await core.invoke('profile.rename', { name: 'Ada' })
    expect(seen.some((e) => e.topics.includes('profile') && e.connectionId === c.id)).toBe(true)
    seen.length = 0
    const bad = await core.dispatch('profile.rename', { name: '' })
    expect(bad.ok).toBe(false)
    expect(seen).toEqual([])
  })

  it('pages, sorts and searches the connection list', async () => {
    for (const name of ['b-one', 'a-two', 'c-three']) {
      await core.invoke('connections.create', { name, apiUrl: server.url, accessKey: 'k', secretKey: 's', activate: false })
    }
    const page = await core.invoke('connections.list', { orderBy: 'name', descending: true, pageSize: 2 })
    expect(page.total).toBe(3)
    expect(page.items.map((c) => c.name)).toEqual(['c-three', 'b-one'])
    const hit = await core.invoke('connections.list', { search: 'TWO' })
    expect(hit.items.map((c) => c.name)).toEqual(['a-two'])
  })
})
