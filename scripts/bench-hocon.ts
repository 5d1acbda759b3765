// HOCON parser throughput on the real ClearML files (conformance/hocon/real/*.conf), against
// @pushcorn/hocon-parser (async, so benchHocon is async) and JSON.parse on the same files' expected JSON.
// Run directly: `npx tsx scripts/bench-hocon.ts` prints one JSON record per line.
import { createRequire } from 'node:module'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseHocon } from '../shared/config/hocon/index.ts'

export interface HoconBenchRecord {
  name: string
  value: number
  unit: string
  goal: string
  reference?: { name: string; value: number }
  ratio?: number
}

const CORPUS = process.env.CLEARML_CONFORMANCE_DIR ?? resolve(import.meta.dirname, '../../shared/conformance/hocon')

function loadReal(): { conf: string[]; json: string[] } {
  const dir = join(CORPUS, 'real')
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.conf'))
    .sort()
  return {
    conf: files.map((f) => readFileSync(join(dir, f), 'utf8')),
    json: files.map((f) => readFileSync(join(dir, f.replace(/\.conf$/, '.expected.json')), 'utf8'))
  }
}

const bytes = (texts: string[]): number => texts.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0)

/**
 * MB/s of one pass over its texts for each case, from the median pass time after a warm-up. The cases
 * run interleaved, pass by pass, so that a busy machine slows them alike and their ratios stay fair.
 */
function throughputSync(cases: { texts: string[]; parse: (t: string) => unknown }[], minMs = 3000): number[] {
  for (let i = 0; i < 20; i++) for (const c of cases) for (const t of c.texts) c.parse(t)
  const times: number[][] = cases.map(() => [])
  const start = performance.now()
  while (times[0].length < 30 || performance.now() - start < minMs) {
    cases.forEach((c, i) => {
      const t0 = performance.now()
      for (const t of c.texts) c.parse(t)
      times[i].push(performance.now() - t0)
    })
  }
  return cases.map((c, i) => bytes(c.texts) / 1e6 / (median(times[i]) / 1000))
}

async function throughputAsync(texts: string[], parse: (t: string) => Promise<unknown>, minMs = 1500): Promise<number> {
  for (let i = 0; i < 2; i++) for (const t of texts) await parse(t)
  const times: number[] = []
  const start = performance.now()
  while (times.length < 3 || performance.now() - start < minMs) {
    const t0 = performance.now()
    for (const t of texts) await parse(t)
    times.push(performance.now() - t0)
  }
  return bytes(texts) / 1e6 / (median(times) / 1000)
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

const round = (x: number, digits = 2): number => Number(x.toFixed(digits))

export async function benchHocon(): Promise<HoconBenchRecord[]> {
  const { conf, json } = loadReal()
  for (const t of conf) {
    const r = parseHocon(t)
    if (r.value === undefined) throw new Error(`bench-hocon: a real file failed to parse: ${r.diagnostics[0]?.message}`)
  }
  const [ours, withMap, jsonParse] = throughputSync([
    { texts: conf, parse: (t) => parseHocon(t) },
    // the source map is built on first read; an editor that reads it pays this
    { texts: conf, parse: (t) => parseHocon(t).sourceMap.size },
    { texts: json, parse: (t) => JSON.parse(t) }
  ])
  const require = createRequire(import.meta.url)
  const pushcorn = require('@pushcorn/hocon-parser') as (opts: { text: string; strict: boolean; env: boolean }) => Promise<unknown>
  const theirs = await throughputAsync(conf, (t) => pushcorn({ text: t, strict: true, env: false }))
  return [
    {
      name: 'hocon.parse.throughput_vs_pushcorn',
      value: round(ours),
      unit: 'MB/s',
      goal: '>=10x reference',
      reference: { name: '@pushcorn/hocon-parser', value: round(theirs) },
      ratio: round(ours / theirs, 1)
    },
    {
      name: 'hocon.parse.throughput_vs_json_parse',
      value: round(ours),
      unit: 'MB/s',
      goal: '>=0.25x reference',
      reference: { name: 'JSON.parse', value: round(jsonParse) },
      ratio: round(ours / jsonParse, 3)
    },
    {
      name: 'hocon.parse_and_read_sourcemap.throughput_vs_json_parse',
      value: round(withMap),
      unit: 'MB/s',
      goal: 'informational (cost when the source map is read)',
      reference: { name: 'JSON.parse', value: round(jsonParse) },
      ratio: round(withMap / jsonParse, 3)
    }
  ]
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const r of await benchHocon()) process.stdout.write(JSON.stringify(r) + '\n')
}
