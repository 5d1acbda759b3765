// scripts/check-node.cjs: every entry point refuses an unsupported Node.js with a clear message instead of
// the silent segmentation fault of better-sqlite3 on Node 20.
import { spawnSync } from 'node:child_process'
import { accessSync, constants, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const script = join(root, 'scripts', 'check-node.cjs')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> }
const checker = createRequire(import.meta.url)(script) as {
  requiredVersion(): string
  problem(current: string, required: string, platform: string, arch: string): string | null
}

function run(fakeVersion?: string, node = process.execPath) {
  const env = { ...process.env }
  delete env.CONSOLE_CHECK_NODE_VERSION
  if (fakeVersion) env.CONSOLE_CHECK_NODE_VERSION = fakeVersion
  const r = spawnSync(node, [script], { cwd: root, env, encoding: 'utf8' })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('check-node', () => {
  it('reads the minimum from package.json engines.node', () => {
    expect(pkg.engines.node).toMatch(/^>=/)
    expect(checker.requiredVersion()).toBe(pkg.engines.node.replace(/^>=\s*/, ''))
  })

  it('refuses Node 20 with exit 1, naming the required version and how to get Node 22', () => {
    const r = run('20.20.2')
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(`needs Node.js >= ${checker.requiredVersion()}, but this is Node.js 20.20.2`)
    expect(r.stderr).toMatch(/segmentation fault/)
    if (process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64')) {
      expect(r.stderr).toContain(`npm install --prefix "$HOME/.cache/node22" node-linux-${process.arch}@22`)
      expect(r.stderr).toContain(`export PATH="$HOME/.cache/node22/node_modules/node-linux-${process.arch}/bin:$PATH"`)
    }
  })

  it('refuses a Node 22 older than the minimum', () => {
    expect(run('22.11.9').status).toBe(1)
    expect(run('22.0.0').status).toBe(1)
    expect(run('18.19.0').status).toBe(1)
  })

  it('accepts the minimum and anything newer, silently', () => {
    for (const v of ['22.22.2', '22.23.5', 'v23.1.0', '24.0.0', '30.0.0']) {
      const r = run(v)
      expect(r.status, v).toBe(0)
      expect(r.stderr, v).toBe('')
      expect(r.stdout, v).toBe('')
    }
    // And the Node running this test (CI's Node 22).
    expect(run().status).toBe(0)
  })

  it('treats an unreadable version as unsupported', () => {
    expect(run('not-a-version').status).toBe(1)
  })

  it('points elsewhere than the Linux npm package on other platforms', () => {
    const mac = checker.problem('20.1.0', '22.12', 'darwin', 'arm64')!
    expect(mac).toContain('needs Node.js >= 22.12')
    expect(mac).toContain('https://nodejs.org')
    expect(mac).not.toContain('node-linux')
    expect(checker.problem('22.12.0', '22.12', 'win32', 'x64')).toBeNull()
  })

  // The checker must parse and run on the old Node it rejects: try every older `node` found on PATH.
  const oldNodes = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, process.platform === 'win32' ? 'node.exe' : 'node'))
    .filter((bin, i, all) => {
      try {
        accessSync(bin, constants.X_OK)
      } catch {
        return false
      }
      if (all.indexOf(bin) !== i) return false
      const v = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout?.trim() ?? ''
      return Number(v.split('.')[0]) < 22
    })

  it.skipIf(oldNodes.length === 0)('runs on a real older Node and refuses it', () => {
    for (const bin of oldNodes) {
      const r = run(undefined, bin)
      expect(r.status, bin).toBe(1)
      expect(r.stderr, bin).toContain(`needs Node.js >= ${checker.requiredVersion()}`)
    }
  })
})

describe('wiring', () => {
  it('runs first in every entry point and before install', () => {
    const gate = 'node scripts/check-node.cjs'
    expect(pkg.scripts.preinstall).toBe(gate)
    for (const name of ['start', 'serve', 'demo', 'server', 'validate', 'bench', 'test', 'test:unit', 'test:e2e']) {
      expect(pkg.scripts[name], name).toMatch(new RegExp(`^${gate.replace(/\./g, '\\.')} && `))
    }
  })

  it('makes npm install refuse an unsupported Node before touching node_modules (.npmrc engine-strict)', () => {
    const npmrc = readFileSync(join(root, '.npmrc'), 'utf8')
    expect(npmrc).toMatch(/^engine-strict\s*=\s*true\s*$/m)
  })
})
