// Conformance against lightbend's HOCON test data (../shared/conformance/hocon, see its README.md).
import { describe, expect, it } from 'vitest'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseHocon } from '../../shared/config'
import type { HoconOptions } from '../../shared/config'

const CONFORMANCE_DIR = resolve(import.meta.dirname, '../../../shared/conformance/hocon')

interface ValidCase {
  folder: 'equiv' | 'unit' | 'real' | 'real-include'
  name: string
  file: string
  text: string
  expected: unknown
}
interface InvalidCase {
  folder: 'invalid'
  name: string
  file: string
  text: string
  why: string
}

const read = (p: string): string => readFileSync(p, 'utf8')

function conformanceAvailable(): boolean {
  return existsSync(CONFORMANCE_DIR)
}

function loadValidCases(): ValidCase[] {
  const d = CONFORMANCE_DIR
  const out: ValidCase[] = []
  for (const folder of ['equiv', 'unit'] as const) {
    const base = join(d, folder)
    for (const c of readdirSync(base).sort()) {
      const input = join(base, c, 'input.conf')
      if (!existsSync(input)) continue
      out.push({ folder, name: c, file: input, text: read(input), expected: JSON.parse(read(join(base, c, 'expected.json'))) })
    }
  }
  const real = join(d, 'real')
  for (const f of readdirSync(real).sort()) {
    if (!f.endsWith('.conf')) continue
    out.push({
      folder: 'real',
      name: f,
      file: join(real, f),
      text: read(join(real, f)),
      expected: JSON.parse(read(join(real, f.replace(/\.conf$/, '.expected.json'))))
    })
  }
  const ri = join(d, 'real-include')
  for (const rel of JSON.parse(read(join(ri, 'cases.json'))) as string[]) {
    const exp = join(ri, 'expected', rel.replace(/\.conf$/, '').split('/').join('__') + '.expected.json')
    out.push({ folder: 'real-include', name: rel, file: join(ri, rel), text: read(join(ri, rel)), expected: JSON.parse(read(exp)) })
  }
  return out
}

function loadInvalidCases(): InvalidCase[] {
  const dir = join(CONFORMANCE_DIR, 'invalid')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.conf'))
    .sort()
    .map((f) => ({
      folder: 'invalid' as const,
      name: f.replace(/\.conf$/, ''),
      file: join(dir, f),
      text: read(join(dir, f)),
      why: existsSync(join(dir, f.replace(/\.conf$/, '.why.txt'))) ? read(join(dir, f.replace(/\.conf$/, '.why.txt'))) : ''
    }))
}

/** Includes resolved relative to the including file, read from disk. */
function diskIncludes(): HoconOptions['resolveInclude'] {
  return (req) => {
    if (req.kind === 'url' || req.kind === 'classpath' || !req.from) return undefined
    const p = resolve(dirname(req.from), req.name)
    if (!existsSync(p)) return undefined
    return { text: read(p), filename: p }
  }
}

function parseCase(c: { file: string; text: string }) {
  return parseHocon(c.text, { env: {}, filename: c.file, resolveInclude: diskIncludes() })
}

/** README's deep-equal: key order ignored, array order kept, numbers by value, types must match. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b))
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]))
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

const available = conformanceAvailable()
if (!available) {
  console.warn(`HOCON conformance data not found at ${CONFORMANCE_DIR}: conformance tests skipped`)
}

const valid = available ? loadValidCases() : []
const invalid = available ? loadInvalidCases() : []
const totals = new Map<string, { passed: number; total: number }>()
function count(folder: string, ok: boolean): void {
  const t = totals.get(folder) ?? { passed: 0, total: 0 }
  t.total++
  if (ok) t.passed++
  totals.set(folder, t)
}

describe.skipIf(!available)('HOCON conformance', () => {
  for (const folder of ['equiv', 'unit', 'real', 'real-include'] as const) {
    describe(folder, () => {
      for (const c of valid.filter((x) => x.folder === folder)) {
        it(c.name, () => {
          const r = parseCase(c)
          const ok = r.value !== undefined && deepEqual(r.value, c.expected)
          count(folder, ok)
          expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
          if (!ok) expect(r.value).toEqual(c.expected)
          expect(ok).toBe(true)
        })
      }
    })
  }

  describe('invalid', () => {
    for (const c of invalid) {
      it(c.name, () => {
        const r = parseCase(c)
        const errors = r.diagnostics.filter((d) => d.severity === 'error')
        const lines = c.text.split('\n')
        const positioned = errors.filter(
          (d) => d.line >= 1 && d.column >= 1 && (d.endLine > d.line || d.endColumn > d.column) && d.line <= lines.length + 1
        )
        count('invalid', positioned.length > 0 && r.value === undefined)
        expect(r.value, c.why).toBeUndefined()
        expect(positioned.length, c.why).toBeGreaterThan(0)
      })
    }
  })

  it('totals per folder', () => {
    const expected: Record<string, number> = { equiv: 19, unit: 431, invalid: 153, real: 43, 'real-include': 9 }
    const summary = Object.entries(expected).map(([folder, n]) => {
      const t = totals.get(folder) ?? { passed: 0, total: 0 }
      return `${folder} ${t.passed}/${t.total}`
    })
    console.log(`HOCON conformance: ${summary.join(', ')}`)
    for (const [folder, n] of Object.entries(expected)) expect(totals.get(folder), folder).toEqual({ passed: n, total: n })
  })
})
