// Incremental validation bench (Node): keystroke -> diagnostics for 5,000-line HOCON vaults, the full
// validation (handleValidateRequest) against createIncrementalValidator().validate() on the same edits.
//   npx tsx scripts/bench-incremental.ts [edits per document, default 300]
// Each edit is one character typed or deleted on a random line (inside its text), like typing in the
// editor; after each, the validator runs the full validation too (as the worker does), so every partial
// validation starts from a full one. Reports p50/p95 of both, and how many edits fell back to full.
import { handleValidateRequest } from '../shared/config/worker-protocol.ts'
import { createIncrementalValidator } from '../shared/config/incremental.ts'

export function flatVault(lines = 5000): string {
  const out: string[] = ['# a large administrator vault']
  for (let i = 0; out.length < lines; i++) out.push(`sdk.aws.s3.credentials.${i} { bucket: "b-${i}", key: "K${i}", secret: "s", region: "eu-west-1" }`)
  return out.join('\n') + '\n'
}

export function nestedVault(elements = 1000): string {
  const out = ['sdk {', '  aws {', '    s3 {', '      credentials: [']
  for (let i = 0; i < elements; i++) out.push('        {', `          bucket: "b-${i}"`, `          key: "K${i}"`, '          secret: "s"', '        }')
  out.push('      ]', '    }', '  }', '}')
  return out.join('\n') + '\n'
}

/** `agent { … } sdk { … }` with many nested keys (some unknown, so there are warnings to keep). */
export function sectionsVault(lines = 5000): string {
  const out = ['agent {', '  worker_name: "w"', '  package_manager {', '    type: pip', '    pip_version: ["<21"]', '  }', '  default_docker {', '    image: "nvidia/cuda:11.8"', '    arguments: ["--ipc=host"]', '  }']
  for (let i = 0; out.length < lines / 2; i++) {
    out.push(`  docker_${i} {`, `    image: "nvidia/cuda:${i}"`, `    arguments: ["--ipc=host", "-e", "N=${i}"]`, '  }', `  docker_env_${i} {`, `    KEY_${i}: "v${i}"`, `    OTHER: ${i}`, '  }')
  }
  out.push('}', 'sdk {', '  development {', '    default_output_uri: "s3://bucket/out"', '    worker { ping_period_sec: 30 }', '  }', '  aws {', '    s3 {', '      credentials: [')
  for (let i = 0; out.length < lines - 5; i++) out.push('        {', `          bucket: "b-${i}"`, `          key: "K${i}"`, `          secret: "s${i}"`, '        }')
  out.push('      ]', '    }', '  }', '}')
  return out.join('\n') + '\n'
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(s.length * p) - 1)]
}
const r1 = (x: number): string => x.toFixed(1)

export interface IncrementalBench {
  doc: string
  lines: number
  edits: number
  fullP50: number
  fullP95: number
  /** Every validate() call, fallbacks to full included. */
  validateP50: number
  validateP95: number
  /** The validate() calls that answered with a partial result. */
  partialP50: number
  partialP95: number
  fallbacks: number
  mismatches: number
}

export function benchDocument(name: string, text: string, edits: number, seed = 1): IncrementalBench {
  const rnd = mulberry32(seed)
  const lines = text.split('\n')
  const v = createIncrementalValidator()
  const req = (t: string) => ({ id: 1, text: t, format: 'hocon' as const, adminVault: true })
  // warm up both paths
  for (let i = 0; i < 3; i++) handleValidateRequest(req(text))
  v.full(req(text))
  const full: number[] = []
  const all: number[] = []
  const partial: number[] = []
  let fallbacks = 0
  let mismatches = 0
  const cur = text
  for (let k = 0; k < edits; k++) {
    // a character typed or deleted inside a random line's text
    const ln = Math.floor(rnd() * (lines.length - 1))
    const lineStart = lines.slice(0, ln).reduce((n, l) => n + l.length + 1, 0)
    const indent = lines[ln].length - lines[ln].trimStart().length
    const col = indent + Math.floor(rnd() * Math.max(1, lines[ln].length - indent))
    const at = lineStart + col
    const next = rnd() < 0.7 ? cur.slice(0, at) + 'x' + cur.slice(at) : cur.slice(0, at) + cur.slice(at + 1)
    const p = v.validate(req(next))
    all.push(p.ms)
    if (p.partial) partial.push(p.ms)
    else fallbacks++
    const t0 = performance.now()
    const f = handleValidateRequest(req(next))
    full.push(performance.now() - t0)
    if (JSON.stringify(f.diagnostics) !== JSON.stringify(p.diagnostics)) mismatches++
    // the worker follows a partial answer with the full one; then the edit is undone for the next one
    v.full(req(next))
    v.validate(req(cur))
    v.full(req(cur))
  }
  return {
    doc: name,
    lines: lines.length - 1,
    edits,
    fullP50: pct(full, 0.5),
    fullP95: pct(full, 0.95),
    validateP50: pct(all, 0.5),
    validateP95: pct(all, 0.95),
    partialP50: pct(partial, 0.5),
    partialP95: pct(partial, 0.95),
    fallbacks,
    mismatches
  }
}

/** Typing "abcde" at the end of line 2 (what `npm run bench` does in Chromium), one validate() per key. */
export function benchTyping(text: string): { p50: number; p95: number; fallbacks: number } {
  const v = createIncrementalValidator()
  const req = (t: string) => ({ id: 1, text: t, format: 'hocon' as const, adminVault: true })
  v.full(req(text))
  const nl = text.indexOf('\n', text.indexOf('\n') + 1)
  let cur = text
  const times: number[] = []
  let fallbacks = 0
  let at = nl
  for (let b = 0; b < 12; b++) {
    for (const ch of 'abcde') {
      cur = cur.slice(0, at) + ch + cur.slice(at)
      at++
      const r = v.validate(req(cur))
      times.push(r.ms)
      if (!r.partial) fallbacks++
      v.full(req(cur))
    }
  }
  return { p50: pct(times, 0.5), p95: pct(times, 0.95), fallbacks }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const edits = Number(process.argv[2] ?? 300)
  const docs: [string, string][] = [
    ['5,000 dotted statements', flatVault()],
    ['one nested block, 1,000 array elements', nestedVault()],
    ['agent { … } sdk { … }, many nested keys', sectionsVault()]
  ]
  console.log('document                                   lines  full p50/p95 ms  validate() p50/p95 ms  partial only p50/p95  fallbacks  mismatches')
  for (const [name, text] of docs) {
    const r = benchDocument(name, text, edits)
    console.log(
      `${name.padEnd(42)} ${String(r.lines).padStart(5)}  ${r1(r.fullP50).padStart(6)} / ${r1(r.fullP95).padEnd(6)}  ${r1(r.validateP50).padStart(6)} / ${r1(r.validateP95).padEnd(11)}  ${r1(r.partialP50).padStart(6)} / ${r1(r.partialP95).padEnd(11)}  ${String(r.fallbacks).padStart(5)}/${r.edits}  ${r.mismatches}`
    )
  }
  // JSON and YAML are always validated in full (see shared/config/incremental.ts): their full times
  const json = JSON.stringify({ sdk: { aws: { s3: { credentials: Array.from({ length: 1000 }, (_, i) => ({ bucket: `b-${i}`, key: `K${i}`, secret: 's' })) } } } }, null, 2)
  const yaml = 'sdk:\n  aws:\n    s3:\n      credentials:\n' + Array.from({ length: 1660 }, (_, i) => `        - bucket: b-${i}\n          key: K${i}\n          secret: s\n`).join('')
  for (const [format, text] of [['json', json], ['yaml', yaml]] as const) {
    const times: number[] = []
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now()
      handleValidateRequest({ id: 1, text, format, adminVault: true })
      times.push(performance.now() - t0)
    }
    console.log(`${format.toUpperCase()} (${text.split('\n').length} lines), always full: p50 ${r1(pct(times, 0.5))} ms, p95 ${r1(pct(times, 0.95))} ms`)
  }
  const typing = benchTyping(flatVault())
  console.log(`typing 'abcde' x12 at the end of line 2 (5,000 dotted statements): validate() p50 ${r1(typing.p50)} ms, p95 ${r1(typing.p95)} ms, fallbacks ${typing.fallbacks}/60`)
}
