// Shared by the user-settings core tests: a reference server and a core in a temporary folder, a connection
// (as the admin or another demo user), direct server calls, and going offline.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { ApiError, ConnectionInfo, MethodInput, MethodName } from '../../shared/api'
import { createCore, type Core } from '../../electron/core'
import { startServer, type RunningServer, type SeedUser } from '../../server/src/index'
import { call } from '../server/helpers'
import { until } from './helpers'

export interface Env {
  dir: string
  server: RunningServer
  core: Core
  featureSet: 'basic' | 'enterprise'
}

export async function startEnv(featureSet: 'basic' | 'enterprise' = 'enterprise'): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), 'console-user-settings-'))
  const server = await startServer({ port: 0, dataDir: join(dir, 'server'), seed: 'demo', featureSet, quiet: true })
  const core = await createCore({ dataDir: join(dir, 'core'), retryMinMs: 100, retryMaxMs: 300, heartbeatMs: 200, requestTimeoutMs: 1500 })
  return { dir, server, core, featureSet }
}

export async function stopEnv(env: Env | undefined): Promise<void> {
  if (!env) return
  await env.core.close().catch(() => {})
  await env.server.close().catch(() => {})
  rmSync(env.dir, { recursive: true, force: true })
}

export async function connect(env: Env, o: { user?: SeedUser; name?: string; webUrl?: string; filesUrl?: string } = {}): Promise<ConnectionInfo> {
  const user = o.user ?? env.server.seed!.admin
  const c = await env.core.invoke('connections.create', {
    name: o.name ?? 'Demo',
    apiUrl: env.server.url,
    accessKey: user.accessKey,
    secretKey: user.secretKey,
    ...(o.webUrl !== undefined && { webUrl: o.webUrl }),
    ...(o.filesUrl !== undefined && { filesUrl: o.filesUrl })
  })
  await until(() => env.core.status().state, (s) => s === 'online')
  return c
}

/** A call straight to the server (Basic auth), as `who` (default the admin). */
export async function api<T = Record<string, unknown>>(env: Env, endpoint: string, body: Record<string, unknown> = {}, who?: SeedUser): Promise<T> {
  const r = await call(env.server.url, `/${endpoint}`, { body, basic: who ?? env.server.seed!.admin })
  if (r.status !== 200) throw new Error(`${endpoint}: ${r.status} ${r.body?.meta?.result_msg}`)
  return r.body.data as T
}

export async function goOffline(env: Env): Promise<void> {
  await env.server.close()
  await until(() => env.core.status().state, (s) => s === 'offline')
}

/** The typed error a call answers with (fails the test when it succeeds). */
export async function failure<M extends MethodName>(env: Env, method: M, input: MethodInput<M>): Promise<ApiError & { details?: { field?: string; issues?: Array<{ path: string; message: string }> } }> {
  const out = await env.core.dispatch(method, input, { confirmed: true })
  expect(out.ok, `${method} should fail`).toBe(false)
  return (out.ok ? null : out.error) as never
}

/** A web app host serving `/configuration.json` (or hanging when `hang`). */
export async function webApp(config: unknown, opts: { hang?: boolean } = {}): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = []
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '')
    if (opts.hang) return
    if (req.url === '/configuration.json') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(config))
    } else {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      })
  }
}
