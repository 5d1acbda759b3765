// Project-wide bench runner: one JSON object per line,
//   {"name","value","unit","goal"} and, for ratio goals, "reference": {"name","value"} and "ratio".
// Add a bench by appending an async function to BENCHES (it returns one record or a list).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export interface BenchRecord {
  name: string
  value: number
  unit: string
  goal: string
  reference?: { name: string; value: number }
  ratio?: number
}

type Bench = () => Promise<BenchRecord | BenchRecord[] | undefined>

const CORPUS = process.env.CLEARML_CONFORMANCE_DIR ?? resolve(import.meta.dirname, '../../shared/conformance/hocon')
const REAL_CONF = resolve(CORPUS, 'real/clearml__docs__clearml.conf')

/** Median of per-iteration times (ms) after a warm-up. */
function timeMs(fn: () => void, { warmup = 20, runs = 200, minMs = 300 } = {}): number {
  for (let i = 0; i < warmup; i++) fn()
  const times: number[] = []
  const start = performance.now()
  while (times.length < runs || (performance.now() - start < minMs && times.length < 100000)) {
    const t = performance.now()
    fn()
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits))

const BENCHES: Bench[] = [
  // The HOCON parser's own benches (scripts/bench-hocon.ts, written by the parser engineer).
  async () => {
    let mod: { benchHocon?: () => unknown }
    try {
      // A variable specifier: the file may not exist yet, and the typecheck must not depend on it.
      const spec = './bench-hocon.ts'
      mod = (await import(spec)) as typeof mod
    } catch (e) {
      process.stderr.write(`bench: scripts/bench-hocon.ts not available (${(e as Error).message.split('\n')[0]}); skipped\n`)
      return undefined
    }
    if (typeof mod.benchHocon !== 'function') return undefined
    return (await mod.benchHocon()) as BenchRecord | BenchRecord[] | undefined
  },

  // Keystroke validation: parse + ClearML lint of the real ~300-line docs/clearml.conf.
  async () => {
    const { handleValidateRequest } = await import('../shared/config/worker-protocol.ts')
    const text = readFileSync(REAL_CONF, 'utf8')
    let id = 0
    // Simulate typing: each run validates a slightly different text, as an editor would.
    const ms = timeMs(() => {
      id++
      handleValidateRequest({ id, text: text + (id % 2 ? '\n' : ' '), format: 'hocon', adminVault: true })
    })
    return { name: 'config.validate.keystroke.clearml-conf', value: round(ms), unit: 'ms', goal: '<=16 ms' }
  },

  // The vault editor in Chromium: keystroke → markers on a 5,000-line vault, and autosave to SQLite.
  async () => (await import('./bench-vault.ts')).benchVaultEditor(),
  async () => (await import('./bench-resources-provision.ts')).benchResourceProvision(),

  // Conversion throughput: the same file HOCON -> JSON, -> YAML, and JSON -> HOCON.
  async () => {
    const { convertConfig } = await import('../shared/config/convert.ts')
    const text = readFileSync(REAL_CONF, 'utf8')
    const json = convertConfig(text, 'hocon', 'json').text ?? '{}'
    const out: BenchRecord[] = []
    for (const [from, to, src] of [
      ['hocon', 'json', text],
      ['hocon', 'yaml', text],
      ['json', 'hocon', json]
    ] as const) {
      const ms = timeMs(() => convertConfig(src, from, to), { runs: 100 })
      const mbPerS = src.length / 1e6 / (ms / 1000)
      out.push({ name: `config.convert.${from}-to-${to}.throughput`, value: round(mbPerS, 2), unit: 'MB/s', goal: '>=1 MB/s' })
    }
    return out
  },

  // The resource graph editor in Chromium: first render and drag frames with 300 pools, 1,000 profiles, 3,000 links.
  async () => (await import('./bench-resources-graph.ts')).benchResourcesGraph(),
  async () => (await import('./bench-admin-users.ts')).benchAdminUsers()
]

async function main(): Promise<void> {
  let failed = false
  for (const bench of BENCHES) {
    try {
      const r = await bench()
      for (const rec of r === undefined ? [] : Array.isArray(r) ? r : [r]) process.stdout.write(JSON.stringify(rec) + '\n')
    } catch (e) {
      failed = true
      process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`)
    }
  }
  if (failed) process.exitCode = 1
}

await main()
