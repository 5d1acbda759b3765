// Switching from one online connection to another: the new one starts from "connecting" (not the previous
// one's "online"), and its heartbeat runs, so a server that goes away after the switch shows as offline
// without any call from the user. (Before the fix the heartbeat stayed stopped after a switch.)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { createCore, type Core } from '../../electron/core'
import { startServer, type RunningServer } from '../../server/src/index'
import { until } from './helpers'

let dir: string
let a: RunningServer
let b: RunningServer
let core: Core

afterEach(async () => {
  await core?.close().catch(() => {})
  await a?.close().catch(() => {})
  await b?.close().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
})

it('a server lost after switching connections is noticed by the heartbeat', async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-switch-'))
  a = await startServer({ port: 0, dataDir: join(dir, 'a'), seed: 'demo', quiet: true })
  b = await startServer({ port: 0, dataDir: join(dir, 'b'), seed: 'demo', quiet: true })
  core = await createCore({ dataDir: join(dir, 'core'), retryMinMs: 100, retryMaxMs: 300, heartbeatMs: 150, requestTimeoutMs: 1000 })
  const states: string[] = []
  core.on('status', (s) => states.push(s.state))
  const ka = a.seed!.admin
  await core.invoke('connections.create', { name: 'A', apiUrl: a.url, accessKey: ka.accessKey, secretKey: ka.secretKey })
  await until(() => core.status().state, (s) => s === 'online')
  const kb = b.seed!.admin
  const second = await core.invoke('connections.create', { name: 'B', apiUrl: b.url, accessKey: kb.accessKey, secretKey: kb.secretKey, activate: false })
  states.length = 0
  await core.invoke('connections.activate', { id: second.id })
  await until(() => core.status().state, (s) => s === 'online')
  expect(states[0]).toBe('connecting')
  await b.close()
  // no call from the user: only the heartbeat can notice
  await until(() => core.status().state, (s) => s === 'offline', 8000)
})
