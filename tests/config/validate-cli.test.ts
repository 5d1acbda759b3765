import { describe, expect, it, beforeAll, afterAll } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { CORPUS, HAS_HOCON, ROOT } from './helpers.ts'

const TSX = resolve(ROOT, 'node_modules/.bin/tsx')
/** Runs the CLI (async, so the cases run concurrently: each tsx start costs about a second). */
const run = (...args: string[]): Promise<{ code: number | null; out: string; err: string }> =>
  new Promise((done, fail) => {
    const p = spawn(TSX, [resolve(ROOT, 'scripts/validate.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    p.stdout.on('data', (b) => (out += b))
    p.stderr.on('data', (b) => (err += b))
    p.on('error', fail)
    p.on('close', (code) => done({ code, out, err }))
  })

describe.skipIf(!HAS_HOCON).concurrent('npm run validate (scripts/validate.ts)', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'validate-cli-'))
    writeFileSync(join(dir, 'ok.json'), '{"api": {"web_server": "http://x"}}\n')
    writeFileSync(join(dir, 'typo.yaml'), 'api:\n  web_sever: x\n')
    writeFileSync(join(dir, 'broken.json'), '{\n  "api": {"web_server": "x",}\n}\n')
    writeFileSync(join(dir, 'vault.conf'), 'agent {\n  worker_id: "w"\n}\n')
    writeFileSync(join(dir, 'vault.txt'), 'agent.debug: true\n')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('exit 0 and no output lines for a clean file', async () => {
    const r = await run(join(dir, 'ok.json'))
    expect(r.code).toBe(0)
    expect(r.out).toBe('')
  })

  it('exit 0 with warnings; file:line:col: severity: message', async () => {
    const f = join(dir, 'typo.yaml')
    const r = await run(f)
    expect(r.code).toBe(0)
    expect(r.out).toContain(`${f}:1:1: warning: ClearML's SDK and agent parse vault data as HOCON only`)
    expect(r.out).toMatch(new RegExp(`${f.replace(/[.\\/]/g, '\\$&')}:2:3: warning: Unknown key 'api.web_sever'.*Did you mean 'web_server'`))
  })

  it('exit 1 on a syntax error, at its position', async () => {
    const f = join(dir, 'broken.json')
    const r = await run(f)
    expect(r.code).toBe(1)
    expect(r.out).toContain(`${f}:2:28: error: Trailing comma`)
  })

  it('--admin-vault makes the agent-restored keys errors; --format overrides the extension', async () => {
    expect((await run(join(dir, 'vault.conf'))).code).toBe(0)
    const r = await run(join(dir, 'vault.conf'), '--admin-vault')
    expect(r.code).toBe(1)
    expect(r.out).toContain(':2:3: error:')
    expect((await run(join(dir, 'vault.txt'), '--format', 'hocon', '--admin-vault')).code).toBe(1)
  })

  it('exit 2 with usage on bad arguments', async () => {
    const cases = [[], ['--format', 'toml', 'x.conf'], [join(dir, 'vault.txt')], ['--bogus', 'a.conf']]
    const results = await Promise.all(cases.map((args) => run(...args)))
    results.forEach((r, i) => {
      expect(r.code, cases[i].join(' ')).toBe(2)
      expect(r.err).toContain('usage: npm run validate -- <file>')
    })
  })

  it('exit 2 on an unreadable file', async () => {
    const r = await run(join(dir, 'missing.conf'))
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/cannot read .*missing\.conf.*ENOENT/)
  })

  it('validates the real docs/clearml.conf without errors', async () => {
    const r = await run(join(CORPUS, 'real/clearml__docs__clearml.conf'))
    expect(r.code).toBe(0)
    expect(r.out).not.toContain('clearml.unknown-key')
  })
})
