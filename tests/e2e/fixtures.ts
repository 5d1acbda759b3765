// E2E fixture: a fresh reference server, a fresh core (temporary SQLite file) and the web host, per test.
import { test as base, expect, type Page } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createCore, type Core } from '../../electron/core'
import { startWebHost, type WebHost } from '../../electron/web-host/server'
import { startServer, type RunningServer, type StartOptions } from '../../server/src/index'

export interface Env {
  server: RunningServer
  core: Core
  host: WebHost
  dir: string
  /** Stop the reference server (data kept) and start it again on the same port. */
  stopServer(): Promise<void>
  startServerAgain(): Promise<void>
  snippet(): string
  open(page: Page, hash?: string): Promise<void>
}

/** The built renderer; E2E_STATIC_DIR points elsewhere (a build made with `--outDir`, so parallel builds do not collide). */
export const STATIC_DIR = process.env.E2E_STATIC_DIR ? resolve(process.env.E2E_STATIC_DIR) : resolve(import.meta.dirname, '../../out/renderer')

export async function makeEnv(serverOpts: StartOptions = {}): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), 'console-e2e-'))
  const serverData = join(dir, 'server')
  let server = await startServer({ port: 0, dataDir: serverData, seed: 'demo', featureSet: 'enterprise', quiet: true, ...serverOpts })
  const port = server.port
  const core = await createCore({ dataDir: join(dir, 'core'), retryMinMs: 300, retryMaxMs: 1000, heartbeatMs: 500, requestTimeoutMs: 3000 })
  const host = await startWebHost({ core, staticDir: STATIC_DIR })
  const env: Env = {
    get server() {
      return server
    },
    core,
    host,
    dir,
    async stopServer() {
      await server.close()
    },
    async startServerAgain() {
      server = await startServer({ port, dataDir: serverData, seed: 'demo', featureSet: 'enterprise', quiet: true, ...serverOpts })
    },
    snippet() {
      const a = server.seed!.admin
      return `api {\n  web_server: http://127.0.0.1:${port}\n  api_server: ${server.url}\n  files_server: http://127.0.0.1:${port}\n  credentials {\n    "access_key" = "${a.accessKey}"\n    "secret_key" = "${a.secretKey}"\n  }\n}\n`
    },
    async open(page: Page, hash = '') {
      await page.goto(`${host.openUrl}${hash}`)
    }
  }
  return env
}

export async function disposeEnv(env: Env) {
  await env.host.close().catch(() => {})
  await env.core.close().catch(() => {})
  await env.server.close().catch(() => {})
  rmSync(env.dir, { recursive: true, force: true })
}

export const test = base.extend<{ env: Env }>({
  // eslint-disable-next-line no-empty-pattern
  env: async ({}, use) => {
    const env = await makeEnv()
    await use(env)
    await disposeEnv(env)
  }
})

export { expect }
