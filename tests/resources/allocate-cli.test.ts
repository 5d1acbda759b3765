// `npm run -s allocate -- <scenario.json>` (scripts/allocate.ts) end to end: pure JSON on stdout and exit 0, or
// `allocate: <message>` on stderr and exit 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { allocate, parseScenario } from '../../shared/domain/allocation.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const EXAMPLE = resolve(ROOT, 'examples/resources/example-workflow.json')
const TSX = resolve(ROOT, 'node_modules/.bin/tsx')
/** npm: next to the Node running the tests, else the first on PATH (run with that Node first on PATH). */
const NPM = [dirname(process.execPath), ...(process.env.PATH ?? '').split(delimiter)].map((dir) => join(dir, 'npm')).find((f) => existsSync(f))

interface Run {
  code: number | null
  out: string
  err: string
}

function spawnRun(cmd: string, args: string[], stdin?: string): Promise<Run> {
  return new Promise((done, fail) => {
    const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` }
    const p = spawn(cmd, args, { cwd: ROOT, env, stdio: 'pipe' })
    let out = ''
    let err = ''
    p.stdout.on('data', (b) => (out += b))
    p.stderr.on('data', (b) => (err += b))
    p.on('error', fail)
    p.on('close', (code) => done({ code, out, err }))
    p.stdin.end(stdin ?? '')
  })
}

/** Runs the CLI as `npx tsx scripts/allocate.ts …` does (each start costs about a second, so cases run concurrently). */
const run = (...args: string[]) => spawnRun(TSX, [resolve(ROOT, 'scripts/allocate.ts'), ...args])

describe.concurrent('npm run allocate (scripts/allocate.ts)', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'allocate-cli-'))
    writeFileSync(join(dir, 'broken.json'), '{ "pools": [ }\n')
    const example = () => JSON.parse(readFileSync(EXAMPLE, 'utf8'))
    const h200 = example()
    h200.profiles[2].links[1].pool = 'H200'
    writeFileSync(join(dir, 'h200.json'), JSON.stringify(h200))
    const bad = example()
    bad.jobs[0].count = 0
    bad.pools[0].inUse = -1
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('prints the placements as 2-space-indented JSON, nothing else; exit 0', async () => {
    const r = await run(EXAMPLE)
    expect(r.code).toBe(0)
    expect(r.err).toBe('')
    const parsed = parseScenario(JSON.parse(readFileSync(EXAMPLE, 'utf8')))
    if ('error' in parsed) throw new Error(parsed.error)
    const expected = allocate(parsed.scenario)
    expect(r.out).toBe(JSON.stringify(expected, null, 2) + '\n')
    const out = JSON.parse(r.out) as { placements: { policy: string; job: number; pool: string | null }[] }
    expect(out.placements.map((p) => `${p.policy} ${p.job} ${p.pool}`)).toEqual([
      'Dev 1 Bare Metal Low END GPUs',
      'Dev 2 Bare Metal Low END GPUs',
      'Dev 3 null',
      'Dev 4 null',
      'Research 1 H100 Half a Superpod',
      'Research 2 H100 Half a Superpod',
      'Research 3 null',
      'Research 4 null'
    ])
  })

  it("reads standard input for '-'", async () => {
    const r = await spawnRun(TSX, [resolve(ROOT, 'scripts/allocate.ts'), '-'], readFileSync(EXAMPLE, 'utf8'))
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out).placements).toHaveLength(8)
  })

  it('a scenario the schema refuses: each problem at its field on stderr, exit 2, nothing on stdout', async () => {
    const r = await run(join(dir, 'bad.json'))
    expect(r.code).toBe(2)
    expect(r.out).toBe('')
    expect(r.err.split('\n').filter(Boolean)).toEqual(['allocate: pools[0].inUse: The resources in use must be at least 0', 'allocate: jobs[0].count: The job count must be at least 1'])
    const h = await run(join(dir, 'h200.json'))
    expect(h.code).toBe(2)
    // The first line names the field; the priority that listed the now-unlinked profile follows.
    expect(h.err).toMatch(/^allocate: profiles\[2\]\.links\[1\]\.pool: no pool named "H200"\nallocate: pools\[1\]\.priority\[1\]: 4xGPU is not linked to H100/)
  })

  it('invalid JSON: exit 2', async () => {
    const r = await run(join(dir, 'broken.json'))
    expect(r.code).toBe(2)
    expect(r.out).toBe('')
    expect(r.err).toMatch(/^allocate: '.*broken\.json' is not valid JSON: /)
  })

  it('a missing file or no argument: message and usage, exit 2', async () => {
    const missing = await run(join(dir, 'nope.json'))
    expect(missing.code).toBe(2)
    expect(missing.out).toBe('')
    expect(missing.err).toMatch(/^allocate: cannot read '.*nope\.json': no such file\nusage: npm run -s allocate -- <scenario\.json>/)
    const none = await run()
    expect(none.code).toBe(2)
    expect(none.err).toMatch(/^allocate: missing <scenario\.json>\nusage: /)
    const two = await run(EXAMPLE, EXAMPLE)
    expect(two.code).toBe(2)
    expect(two.err).toMatch(/^allocate: one scenario at a time/)
    const option = await run('--verbose')
    expect(option.code).toBe(2)
    expect(option.err).toMatch(/^allocate: unknown option '--verbose'/)
  })

  it('--help prints the usage, exit 0', async () => {
    const r = await run('--help')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^usage: npm run -s allocate -- <scenario\.json>/)
  })

  it.skipIf(!NPM)('npm run -s allocate -- <file>: stdout is only the JSON', async () => {
    const r = await spawnRun(NPM!, ['run', '-s', 'allocate', '--', EXAMPLE])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out).placements).toHaveLength(8)
    expect(r.out.trimStart().startsWith('{')).toBe(true)
  })
})
