import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { call, expectCode } from './helpers'

const root = resolve(import.meta.dirname, '../..')
const dataDir = mkdtempSync(join(tmpdir(), 'clearml-ref-cli-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('CLI', () => {
  it('prints the URL, the demo keys and a clearml.conf snippet, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', '--port', '0', '--data', dataDir, '--seed', 'demo', '--quiet'], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    try {
      await new Promise<void>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`CLI did not start: ${out}`)), 15000)
        child.stdout.on('data', () => {
          if (out.includes('clearml.conf snippet')) {
            clearTimeout(timer)
            setTimeout(ok, 50)
          }
        })
      })
      const url = /ClearML reference server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
      expect(url).toBeDefined()
      const accessKey = /access key: ([A-Z0-9]{30})/.exec(out)?.[1]
      const secretKey = /secret key: (\S+)/.exec(out)?.[1]
      expect(out).toContain(`api {\n  web_server: ${url}\n  api_server: ${url}\n  credentials {\n    "access_key" = "${accessKey}"\n    "secret_key" = "${secretKey}"\n  }\n}`)
      expectCode(await call(url!, '/users.get_current_user', { basic: { accessKey: accessKey!, secretKey: secretKey! } }), 200, 0)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  })
})
