// Mutation fuzz: random edits of the real ClearML files never make parseHocon throw or hang, and every
// failure is an error diagnostic positioned inside the text.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseHocon } from '../../shared/config'

const REAL = resolve(import.meta.dirname, '../../../shared/conformance/hocon/real')
const available = existsSync(REAL)
if (!available) console.warn(`HOCON conformance data not found at ${REAL}: fuzz tests skipped`)
const files = available
  ? readdirSync(REAL)
      .filter((f) => f.endsWith('.conf'))
      .sort()
      .map((f) => readFileSync(join(REAL, f), 'utf8'))
  : []

const NOISE = ['{', '}', '[', ']', '"', '"""', '${', '${?', '}', ':', '=', '+=', ',', '\n', '#', '//', '\\', '$', 'include "x"', ' ']

type Mutation = { op: 'delete' | 'insert' | 'duplicate' | 'noise'; at: number; len: number; noise: string; char: string }
const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('delete', 'insert', 'duplicate', 'noise'),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 40 }),
  noise: fc.constantFrom(...NOISE),
  char: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })
})

function mutate(text: string, ms: Mutation[]): string {
  for (const m of ms) {
    const at = text.length === 0 ? 0 : m.at % (text.length + 1)
    if (m.op === 'delete') text = text.slice(0, at) + text.slice(at + m.len)
    else if (m.op === 'insert') text = text.slice(0, at) + m.char + text.slice(at)
    else if (m.op === 'duplicate') text = text.slice(0, at) + text.slice(at, at + m.len) + text.slice(at)
    else text = text.slice(0, at) + m.noise + text.slice(at)
  }
  return text
}

function checkResult(text: string): void {
  const t0 = performance.now()
  const r = parseHocon(text)
  expect(performance.now() - t0, 'parse time (ms)').toBeLessThan(2000)
  const lines = text.split('\n')
  const errors = r.diagnostics.filter((d) => d.severity === 'error')
  if (r.value === undefined) expect(errors.length).toBeGreaterThan(0)
  else expect(errors).toEqual([])
  for (const d of r.diagnostics) {
    expect(d.message.length).toBeGreaterThan(0)
    expect(d.line).toBeGreaterThanOrEqual(1)
    expect(d.line).toBeLessThanOrEqual(lines.length)
    expect(d.column).toBeGreaterThanOrEqual(1)
    expect(d.column).toBeLessThanOrEqual(lines[d.line - 1].length + 1)
    expect(d.endLine).toBeGreaterThanOrEqual(d.line)
    if (d.endLine === d.line) expect(d.endColumn).toBeGreaterThan(d.column)
  }
}

describe.skipIf(!available)('HOCON mutation fuzz on the real files', () => {
  it('never throws, never hangs, and positions every error inside the text', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }), (fi, ms) => {
        checkResult(mutate(files[fi % files.length], ms))
      }),
      { numRuns: 300 }
    )
  }, 60_000)

  it('survives pathological input: deep nesting, long substitution chains, cycles, huge tokens', () => {
    const n = 20000
    for (const text of [
      '['.repeat(n),
      '{'.repeat(n) + '}'.repeat(n),
      'a = ' + '['.repeat(n) + ']'.repeat(n),
      'a' + '.a'.repeat(n) + ' = 1',
      Array.from({ length: 3000 }, (_, i) => `k${i} = \${k${i + 1}}`).join('\n') + '\nk3000 = 1',
      Array.from({ length: 200 }, (_, i) => `k${i} = \${k${(i + 1) % 200}}`).join('\n'),
      Array.from({ length: 2000 }, () => 'a = ${a} [1]').join('\n'),
      'a = "' + 'x'.repeat(1e6),
      'a = """' + 'x\n'.repeat(1e5),
      '\u0000\uffff\ud800 = 1'
    ]) {
      checkResult(text)
    }
  }, 60_000)
})
