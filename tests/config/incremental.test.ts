// Incremental validation (shared/config/incremental.ts): a partial answer for an edit equals the full
// validation inside the edited region, keeps the rest, and full() is handleValidateRequest.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CORPUS, HAS_HOCON } from './helpers.ts'
import type { Diagnostic } from '../../shared/config/types.ts'
import { createIncrementalValidator } from '../../shared/config/incremental.ts'
import { handleValidateRequest } from '../../shared/config/worker-protocol.ts'

type Format = 'hocon' | 'json' | 'yaml'
const req = (text: string, adminVault = true, format: Format = 'hocon') => ({ id: 1, text, format, adminVault })
const fullOf = (text: string, adminVault = true, format: Format = 'hocon'): Diagnostic[] => handleValidateRequest(req(text, adminVault, format)).diagnostics
const inLines = (ds: Diagnostic[], r: { startLine: number; endLine: number }): Diagnostic[] => ds.filter((d) => d.line >= r.startLine && d.line <= r.endLine)

function flatVault(lines = 5000): string {
  const out: string[] = ['# a large administrator vault']
  for (let i = 0; out.length < lines; i++) out.push(`sdk.aws.s3.credentials.${i} { bucket: "b-${i}", key: "K${i}", secret: "s", region: "eu-west-1" }`)
  return out.join('\n') + '\n'
}

function nestedVault(elements = 1000): string {
  const out = ['sdk {', '  aws {', '    s3 {', '      credentials: [']
  for (let i = 0; i < elements; i++) out.push('        {', `          bucket: "b-${i}"`, `          key: "K${i}"`, '          secret: "s"', '        }')
  out.push('      ]', '    }', '  }', '}')
  return out.join('\n') + '\n'
}

/** Replaces the first occurrence of `from` (after `after`, if given) by `to`. */
function edit(text: string, from: string, to: string, after = ''): string {
  const at = text.indexOf(from, after === '' ? 0 : text.indexOf(after))
  if (at < 0) throw new Error(`'${from}' not found`)
  return text.slice(0, at) + to + text.slice(at + from.length)
}

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length

describe.skipIf(!HAS_HOCON)('incremental validation', () => {
  it('validates an edit inside a top-level dotted statement alone (5,000-line vault)', () => {
    const base = flatVault()
    const v = createIncrementalValidator()
    expect(v.full(req(base)).diagnostics).toEqual(fullOf(base))
    const next = edit(base, '"b-2500"', '"b-25x00"')
    const r = v.validate(req(next))
    expect(r.partial).toBe(true)
    const line = lineOf(next, 'b-25x00')
    expect(r.region).toEqual({ startLine: line, endLine: line })
    expect(r.diagnostics).toEqual(fullOf(next))
    // the type finding about sdk.aws.s3.credentials (defined by every line) stays at its last definition
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['clearml.type', 5000]])
  })

  it('validates an edit inside a nested block alone, with the key path of the enclosing blocks', () => {
    const base = nestedVault() + 'agent {\n  package_manager {\n    type: pip\n    pip_version: ["<21"]\n  }\n}\n'
    const v = createIncrementalValidator()
    v.full(req(base))
    // a field of an array element (sdk.aws.s3.credentials.500)
    const inElement = edit(base, 'secret: "s"', 'secret: True', 'bucket: "b-500"')
    const r1 = v.validate(req(inElement))
    const line1 = lineOf(inElement, 'secret: True')
    expect(r1).toMatchObject({ partial: true, region: { startLine: line1, endLine: line1 } })
    expect(r1.diagnostics).toEqual(fullOf(inElement))
    expect(r1.diagnostics).toMatchObject([{ code: 'pyhocon.capitalized-literal', line: line1 }])
    // a field two blocks down (agent.package_manager)
    v.full(req(base))
    const inBlock = edit(base, 'pip_version', 'pip_versoin')
    const r2 = v.validate(req(inBlock))
    const line2 = lineOf(inBlock, 'pip_versoin')
    expect(r2).toMatchObject({ partial: true, region: { startLine: line2, endLine: line2 } })
    expect(r2.diagnostics).toEqual(fullOf(inBlock))
    expect(r2.diagnostics).toMatchObject([{ code: 'clearml.unknown-key', line: line2, path: 'agent.package_manager.pip_versoin', message: expect.stringMatching(/Did you mean 'pip_version'/) }])
  })

  it('a misspelled key edited into a correct one: its warning disappears in the partial result', () => {
    const base = edit(flatVault(300), 'sdk.aws.s3.credentials.150 {', 'sdk.aws.s3.ky = "K150"\nsdk.aws.s3.credentials.150 {')
    const v = createIncrementalValidator()
    const before = v.full(req(base)).diagnostics
    const line = lineOf(base, 'sdk.aws.s3.ky')
    expect(before).toContainEqual(expect.objectContaining({ code: 'clearml.unknown-key', line, message: expect.stringMatching(/Did you mean 'key'/) }))
    // typed one character at a time: "ky" -> "key"
    const next = edit(base, 's3.ky =', 's3.key =')
    const r = v.validate(req(next))
    expect(r.partial).toBe(true)
    expect(r.diagnostics.some((d) => d.line === line)).toBe(false)
    expect(r.diagnostics).toEqual(fullOf(next))
  })

  it('creates and removes a syntax error inside a statement without a full validation', () => {
    const base = nestedVault(200)
    const v = createIncrementalValidator()
    v.full(req(base))
    const broken = edit(base, '"b-10"', '"b-10')
    const r1 = v.validate(req(broken))
    expect(r1.partial).toBe(true)
    expect(r1.diagnostics).toEqual(fullOf(broken))
    expect(r1.diagnostics).toMatchObject([{ code: 'hocon.syntax', line: lineOf(broken, '"b-10\n') }])
    const fixed = edit(broken, '"b-10', '"b-10"')
    const r2 = v.validate(req(fixed))
    expect(r2.partial).toBe(true)
    expect(r2.diagnostics).toEqual([])
    expect(r2.diagnostics).toEqual(fullOf(fixed))
  })

  it('falls back to a full validation when an edit changes the bracket structure beyond the region', () => {
    const base = flatVault(400)
    const v = createIncrementalValidator()
    v.full(req(base))
    // an unclosed brace: the statement would run into the next ones
    const unclosed = edit(base, 'region: "eu-west-1" }', 'region: "eu-west-1" ', 'credentials.200 ')
    const r1 = v.validate(req(unclosed))
    expect(r1.partial).toBe(false)
    expect(r1.reason).toMatch(/bracket|brace/)
    expect(r1.diagnostics).toEqual(fullOf(unclosed))
    // closing it again: the previous text had a bracket error outside any one statement
    const r2 = v.validate(req(base))
    expect(r2.diagnostics).toEqual(fullOf(base))
    // in a nested block: an element that loses its '{'
    const nested = nestedVault(100)
    v.full(req(nested))
    const noOpen = edit(nested, '        {\n          bucket: "b-50"', '\n          bucket: "b-50"')
    const r3 = v.validate(req(noOpen))
    expect(r3.partial).toBe(false)
    expect(r3.diagnostics).toEqual(fullOf(noOpen))
  })

  it('edits at the first and at the last line', () => {
    const base = flatVault(300)
    const v = createIncrementalValidator()
    v.full(req(base))
    const first = 'agent.worker_id = "w"\n' + base.slice(base.indexOf('\n') + 1)
    const r1 = v.validate(req(first))
    expect(r1.partial).toBe(true)
    expect(r1.region).toEqual({ startLine: 1, endLine: 1 })
    expect(r1.diagnostics).toEqual(fullOf(first))
    expect(r1.diagnostics[0]).toMatchObject({ code: 'clearml.vault-restricted-key', line: 1 })
    // the last line, then without the final newline, then a new last line
    const last = edit(first, '"b-298"', '"b-298x"')
    const r2 = v.validate(req(last))
    expect(r2).toMatchObject({ partial: true, region: { startLine: 300, endLine: 300 } })
    expect(r2.diagnostics).toEqual(fullOf(last))
    const noNewline = last.slice(0, -1)
    const r3 = v.validate(req(noNewline))
    expect(r3.partial).toBe(true)
    expect(r3.diagnostics).toEqual(fullOf(noNewline))
    const appended = noNewline + '\napi.fles_server: "https://files"'
    const r4 = v.validate(req(appended))
    expect(r4.partial).toBe(true)
    expect(r4.diagnostics).toEqual(fullOf(appended))
    expect(r4.diagnostics.at(-1)).toMatchObject({ code: 'clearml.unknown-key', line: 301, message: expect.stringMatching(/files_server/) })
  })

  it('a paste replacing everything falls back to a full validation', () => {
    const v = createIncrementalValidator()
    v.full(req(flatVault(2000)))
    const pasted = nestedVault(400)
    const r = v.validate(req(pasted))
    expect(r.partial).toBe(false)
    expect(r.reason).toMatch(/large change|most of the text/)
    expect(r.diagnostics).toEqual(fullOf(pasted))
  })

  it('reports the machine keys an administrator vault cannot set, with the same options', () => {
    const base = flatVault(200)
    for (const adminVault of [true, false]) {
      const v = createIncrementalValidator()
      v.full(req(base, adminVault))
      const next = edit(base, 'sdk.aws.s3.credentials.100 ', 'agent { cuda_version: "11" }\nsdk.aws.s3.credentials.100 ')
      const r = v.validate(req(next, adminVault))
      expect(r.partial).toBe(true)
      expect(r.diagnostics).toEqual(fullOf(next, adminVault))
      expect(r.diagnostics.some((d) => d.code === 'clearml.vault-restricted-key' && d.path === 'agent.cuda_version')).toBe(adminVault)
    }
  })

  it('keeps a finding about a key path shared by many statements at its last definition', () => {
    const base = flatVault(300).replaceAll('credentials.', 'credentialz.')
    const v = createIncrementalValidator()
    const before = v.full(req(base)).diagnostics
    expect(before.filter((d) => d.path === 'sdk.aws.s3.credentialz').map((d) => d.line)).toEqual([300])
    for (const next of [edit(base, '"b-100"', '"b-1x00"'), edit(base, '"b-298"', '"b-2x98"'), edit(base, 'credentialz.298', 'credentials.298')]) {
      const r = v.validate(req(next))
      expect(r.diagnostics).toEqual(fullOf(next))
      v.full(req(base))
    }
  })

  it('falls back to a full validation when statements merge or override the same key', () => {
    const base = 'sdk.aws.s3.key = "a"\nsdk.aws.s3.secret = "b"\nsdk { aws { s3 { region = "c" } } }\nsdk.aws.s3.key = "d"\n'
    const v = createIncrementalValidator()
    v.full(req(base))
    const next = edit(base, '"a"', '"ab"')
    const r = v.validate(req(next))
    expect(r.partial).toBe(false)
    expect(r.reason).toMatch(/merge/)
    expect(r.diagnostics).toEqual(fullOf(next))
  })

  it('may keep a stale substitution result in a partial answer; full() fixes it', () => {
    const base = 'api.web_server = "https://app"\napi.files_server = ${api.web_server}\n'
    const v = createIncrementalValidator()
    expect(v.full(req(base)).diagnostics).toEqual([])
    const next = edit(base, 'api.web_server =', 'api.web_serve =')
    const r = v.validate(req(next))
    expect(r.partial).toBe(true)
    const full = fullOf(next)
    expect(inLines(r.diagnostics, r.region!)).toEqual(inLines(full, r.region!))
    expect(full.some((d) => d.code === 'hocon.substitution')).toBe(true)
    expect(r.diagnostics.some((d) => d.code === 'hocon.substitution')).toBe(false)
    expect(v.full(req(next)).diagnostics).toEqual(full)
  })

  it('validates JSON and YAML in full, and full()/reset() behave', () => {
    const v = createIncrementalValidator()
    for (const [format, text, next] of [
      ['json', '{"api": {"web_server": "x"}}', '{"api": {"web_server": "xy"}}'],
      ['yaml', 'api:\n  web_server: x\n', 'api:\n  web_server: xy\n']
    ] as const) {
      v.full(req(text, false, format))
      const r = v.validate(req(next, false, format))
      expect(r.partial).toBe(false)
      expect(r.diagnostics).toEqual(fullOf(next, false, format))
    }
    const text = flatVault(50)
    expect(v.full(req(text))).toMatchObject({ partial: false, diagnostics: fullOf(text) })
    v.reset()
    expect(v.validate(req(edit(text, '"b-1"', '"b-x"')))).toMatchObject({ partial: false, reason: 'no previous text' })
    // another adminVault setting: full again
    expect(v.validate(req(text, false))).toMatchObject({ partial: false })
  })
})

// ---- properties

const KEYS = ['bucket', 'key', 'secret', 'region', 'buckt', 'verify', 'host', 'multipart', 'use_credentials_chain']
const VALUES = ['"v"', 's', 'True', '1', '"x\\q"', 'false', '[1, 2]', 'https://x.example.com']

type Stmt = { kind: number; n: number; key: string; value: string }
const stmt: fc.Arbitrary<Stmt> = fc.record({ kind: fc.integer({ min: 0, max: 11 }), n: fc.integer({ min: 0, max: 40 }), key: fc.constantFrom(...KEYS), value: fc.constantFrom(...VALUES) })

function render(s: Stmt): string {
  const { n, key, value } = s
  switch (s.kind) {
    case 0:
    case 1:
      return `sdk.aws.s3.credentials.${n} { bucket: "b-${n}", ${key}: ${value} }`
    case 2:
      return `sdk.aws.s3.credentials.${n} {\n  bucket: "b-${n}"\n  ${key}: ${value}\n}`
    case 3:
      return `agent {\n  worker_name: w${n}\n  debg: ${value}\n  package_manager {\n    type: pip\n    pip_versoin: "x"\n  }\n  extra_docker_arguments: ["--ipc=host", "-v"]\n}`
    case 4:
      return `sdk {\n  google.storage {\n    credentials = [\n      {\n        bucket: "g${n}"\n        ${key}: ${value}\n      }\n      { bucket: "g2", project: "q" }\n    ]\n  }\n}`
    case 5:
      return `api.${key}_server: ${value}`
    case 6:
      return `agent.${['worker_id', 'cuda_version', 'debug', 'docker_force_pull'][n % 4]} = ${value}`
    case 7:
      return `# comment ${n}`
    case 8:
      return `x${n % 5}.y = \${?HOME}`
    case 9:
      return `a.b${n % 3} = """multi\nline ${n}"""`
    case 10:
      return `{\n  "quoted key": ${value}\n}`.replace('{\n', `q${n} {\n`)
    default:
      return ''
  }
}

const NOISE = ['x', 'e', ' ', '\n', '{', '}', '[', ']', '"', ':', '=', ',', '#', '.', '1', 'T', '\\', '$', '/', '+=', 'buckt', 'bucket', '\n  key: "v"\n', 'True']
type Edit = { op: number; at: number; len: number; text: string }
const editArb: fc.Arbitrary<Edit> = fc.record({ op: fc.integer({ min: 0, max: 4 }), at: fc.nat(), len: fc.integer({ min: 1, max: 4 }), text: fc.constantFrom(...NOISE) })

function apply(text: string, e: Edit): string {
  const at = e.at % (text.length + 1)
  if (e.op <= 1) return text.slice(0, at) + e.text + text.slice(at)
  if (e.op === 2) return text.slice(0, at) + text.slice(at + e.len)
  const lines = text.split('\n')
  const l = e.at % lines.length
  if (e.op === 3) lines.splice(l, 1)
  else lines.splice(l, 0, e.text.trim() === '' ? 'sdk.aws.s3.region = "r"' : `  ${e.text}`)
  return lines.join('\n')
}

/** Checks one partial answer against the full validation of the same text. */
function checkAnswer(r: { diagnostics: Diagnostic[]; partial: boolean; region?: { startLine: number; endLine: number } }, prevText: string, text: string, adminVault: boolean): void {
  const full = fullOf(text, adminVault)
  if (!r.partial) {
    expect(r.diagnostics).toEqual(full)
    return
  }
  expect(inLines(r.diagnostics, r.region!)).toEqual(inLines(full, r.region!))
  // without substitutions nothing can be stale: the whole answer is the full one
  if (!text.includes('${') && !prevText.includes('${')) expect(r.diagnostics).toEqual(full)
}

/** INCREMENTAL_RUNS=20 npx vitest run tests/config/incremental.test.ts runs the properties 20 times longer. */
const SCALE = Math.max(1, Number(process.env.INCREMENTAL_RUNS ?? 1))

describe.skipIf(!HAS_HOCON)('incremental validation: properties', () => {
  it('a partial answer equals the full validation in the edited region (random edits)', () => {
    let partials = 0
    fc.assert(
      fc.property(fc.array(stmt, { minLength: 3, maxLength: 20 }), editArb, fc.boolean(), (stmts, e, adminVault) => {
        const text = stmts.map(render).join('\n') + '\n'
        const next = apply(text, e)
        const v = createIncrementalValidator()
        v.full(req(text, adminVault))
        const r = v.validate(req(next, adminVault))
        if (r.partial) partials++
        checkAnswer(r, text, next, adminVault)
        expect(v.full(req(next, adminVault)).diagnostics).toEqual(fullOf(next, adminVault))
      }),
      { numRuns: 400 * SCALE }
    )
    // the generator must exercise the partial path, not only fallbacks
    expect(partials).toBeGreaterThan(100 * SCALE)
  })

  it('a chain of partial answers (no full validation in between) stays exact', () => {
    fc.assert(
      fc.property(fc.array(stmt, { minLength: 3, maxLength: 15 }), fc.array(editArb, { minLength: 2, maxLength: 6 }), (stmts, edits) => {
        let text = stmts.map(render).join('\n') + '\n'
        const v = createIncrementalValidator()
        v.full(req(text))
        for (const e of edits) {
          const next = apply(text, e)
          checkAnswer(v.validate(req(next)), text, next, true)
          text = next
        }
      }),
      { numRuns: 150 * SCALE }
    )
  })

  const REAL = join(CORPUS, 'real')
  const realFiles = existsSync(REAL)
    ? readdirSync(REAL)
        .filter((f) => f.endsWith('.conf'))
        .sort()
        .map((f) => readFileSync(join(REAL, f), 'utf8'))
    : []
  it.skipIf(realFiles.length === 0)('random edits of the real ClearML files', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: realFiles.length - 1 }), editArb, editArb, (i, e1, e2) => {
        const text = realFiles[i]
        const v = createIncrementalValidator()
        v.full(req(text))
        const a = apply(text, e1)
        checkAnswer(v.validate(req(a)), text, a, true)
        const b = apply(a, e2)
        checkAnswer(v.validate(req(b)), a, b, true)
      }),
      { numRuns: 300 * SCALE }
    )
  })
})
