// Error recovery: a syntax error does not hide the document's other problems. The parsers report it
// exactly where they always did, leave the broken part out, and go on; lint runs on the rest.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MAX_SYNTAX_ERRORS } from '../../shared/config/hocon/index.ts'
import { convertConfig, parseHocon, parseJson, parseYaml } from '../../shared/config'
import { handleValidateRequest } from '../../shared/config/worker-protocol.ts'
import type { ConfigFormat, Diagnostic } from '../../shared/config/types.ts'
import { CORPUS } from './helpers.ts'

const at = (d: Diagnostic) => `${d.line}:${d.column}-${d.endLine}:${d.endColumn}`
const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.severity} ${d.code} ${at(d)}`)
const validate = (text: string, format: ConfigFormat = 'hocon', adminVault = false) =>
  handleValidateRequest({ id: 1, text, format, adminVault }).diagnostics

const VAULT = [
  'api {', // 1
  '  web_server: "https://app.example.com"', // 2
  '  api_server: https://api.example.com & more', // 3  syntax error (reserved '&', and an unquoted URL)
  '  files_server: "https://files.example.com"', // 4
  '}', // 5
  'sdk {', // 6
  '  aws {', // 7
  '    s3 {', // 8
  '      key: "k"', // 9
  '      regoin: "us-east-1"', // 10 misspelled key
  '    }', // 11
  '  }', // 12
  '}' // 13
].join('\n')

describe('HOCON: a syntax error does not hide the other problems', () => {
  it('reports a syntax error on line 3 and a misspelled key on line 10, both at their exact positions', () => {
    const d = validate(VAULT)
    const syntax = d.filter((x) => x.code === 'hocon.syntax')
    expect(syntax.map(at)).toEqual(['3:20-3:21'])
    expect(syntax[0].message).toMatch(/'\/\/' starts a comment/)
    const typo = d.find((x) => x.code === 'clearml.unknown-key')!
    expect(at(typo)).toBe('10:7-10:13')
    expect(typo.path).toBe('sdk.aws.s3.regoin')
    expect(typo.message).toMatch(/Did you mean 'region'\?/)
    expect(typo.fix).toEqual({ title: "Rename to 'region'", replacement: 'region' })
    // the pyhocon pitfall on the broken line is still reported too
    expect(d.some((x) => x.code === 'pyhocon.url-comment' && x.line === 3)).toBe(true)
  })

  it('keeps the first error exactly where a parse that stops at it puts it', () => {
    const stop = parseHocon(VAULT, { recover: false })
    expect(stop.diagnostics).toHaveLength(1)
    expect(parseHocon(VAULT).diagnostics[0]).toEqual(stop.diagnostics[0])
  })

  it('reports several syntax errors, each at its position, and lints what lies between them', () => {
    const text = [
      'api {',
      '  web_server: "x" ]', // 2: stray ']'
      '  api_sever: "y"', // 3: typo
      '}',
      'sdk.aws.s3.region = x & y', // 5: reserved character
      'agent {',
      '  worker_name: "w"', // 7: restricted in an admin vault
      '  default_docker { image: "i" arguments: ["--x"] }', // 8: two fields on one line without a separator
      '  git_user = ', // 9: no value, so the next line's key is read as its value and ':' is the error
      '  git_pass: "p"',
      '  git_host: "h"',
      '}',
      '}' // 12: one '}' too many
    ].join('\n')
    const d = validate(text, 'hocon', true)
    expect(summary(d)).toEqual([
      'error hocon.syntax 2:19-2:20',
      'warning clearml.unknown-key 3:3-3:12',
      'error hocon.syntax 5:23-5:24',
      'error clearml.vault-restricted-key 7:3-7:14',
      'error hocon.syntax 8:40-8:41',
      'error hocon.syntax 10:11-10:12',
      'error hocon.syntax 13:1-13:2'
    ])
    expect(d.find((x) => x.code === 'clearml.unknown-key')!.message).toMatch(/Did you mean 'api_server'/)
    // the value of everything that parsed
    const r = parseHocon(text)
    expect(r.value).toBeUndefined()
    expect(r.partial).toEqual({
      api: { web_server: 'x', api_sever: 'y' },
      sdk: { aws: { s3: {} } },
      agent: { worker_name: 'w', default_docker: {}, git_host: 'h' }
    })
  })

  it('bounds the number of errors it reports', () => {
    const text = Array.from({ length: 500 }, (_, i) => `k${i} = a & b`).join('\n')
    const t0 = performance.now()
    const r = parseHocon(text)
    expect(performance.now() - t0).toBeLessThan(1000)
    const errors = r.diagnostics.filter((d) => d.severity === 'error')
    expect(errors).toHaveLength(MAX_SYNTAX_ERRORS)
    expect(errors.map((d) => d.line)).toEqual(Array.from({ length: MAX_SYNTAX_ERRORS }, (_, i) => i + 1))
    expect(r.diagnostics.at(-1)).toMatchObject({ severity: 'info', code: 'hocon.too-many-errors', line: MAX_SYNTAX_ERRORS })
    expect(Object.keys(r.partial as object)).toHaveLength(0)
  })

  it.each([
    ['an unclosed array before the next field', 'a = [1, 2\nb = 3\n', ['2:3-2:4'], { a: [1, 2], b: 3 }],
    ['an unclosed array inside an object', 'x {\n  a = [1, 2\n}\ny = 1', ['3:1-3:2'], { x: { a: [1, 2] }, y: 1 }],
    ['a stray closing brace', 'a = 1\n}\nb = 2', ['2:1-2:2'], { a: 1, b: 2 }],
    ['a root object closed early', '{\n a { b = 1 } }\n c = 2\n}', ['3:2-3:3', '4:1-4:2'], { a: { b: 1 }, c: 2 }],
    ['two commas', 'a = 1,, b = 2', ['1:7-1:8'], { a: 1, b: 2 }],
    ['a key without a value before the next field', 'sdk {\n  regoin\n  key: "k"\n}', ['3:3-3:4'], { sdk: { key: 'k' } }],
    ['a broken field inside braces on one line', 'a { b = x & y }\nc = 1', ['1:11-1:12'], { a: {}, c: 1 }],
    ['a broken key that opens a block', 'a b & {\n  x = 1\n}\nd = 2', ['1:5-1:6'], { d: 2 }],
    ['unclosed objects at the end', 'sdk { aws { s3 { ', ['1:16-1:17', '1:11-1:12', '1:5-1:6'], { sdk: { aws: { s3: {} } } }],
    ['a broken array element', 'a = [1, x & y, 3]\nb = 2', ['1:11-1:12'], { a: [1, 3], b: 2 }],
    ['an unclosed string', 'a = "abc\nb = 1', ['1:5-1:9'], { b: 1 }],
    ['an unclosed triple-quoted string', 'a = 1\nb = """abc\nc = 2', ['2:5-2:8'], { a: 1 }]
  ])('recovers from %s', (_what, text, errors, partial) => {
    const r = parseHocon(text)
    expect(r.value).toBeUndefined()
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(at)).toEqual(errors)
    expect(r.partial).toEqual(partial)
    // every source-map entry has a real position
    for (const [, e] of r.sourceMap) expect(e.key.line).toBeGreaterThan(0)
  })

  it('does not report substitutions of fields that were left out, but resolves the others', () => {
    const r = parseHocon('a = x & y\nb = ${a}\nc = 1\nd = ${c}')
    expect(r.diagnostics.map((d) => d.code)).toEqual(['hocon.syntax'])
    expect(r.partial).toEqual({ c: 1, d: 1 })
  })

  it('still reports undefined substitutions (and lints the rest) when there is no syntax error', () => {
    const text = 'x = ${nope}\nsdk { aws { s3 { regoin: "r" } } }'
    expect(summary(validate(text))).toEqual(['error hocon.substitution 1:5-1:12', 'warning clearml.unknown-key 2:18-2:24'])
  })

  it('never hands a broken document to conversion', () => {
    expect(convertConfig(VAULT, 'hocon', 'json').text).toBeUndefined()
  })
})

describe('JSON recovery', () => {
  const text = [
    '{', // 1
    '  "api": {', // 2
    '    "web_server": "x",', // 3
    '    "api_server": "y" "z",', // 4 missing comma (and a stray string)
    '    "files_server": "f"', // 5
    '  },', // 6
    '  "agent": {"worker_name": "w", "debug": True},', // 7 Python literal; worker_name is restricted
    '  "sdk": {', // 8
    '    "aws": {"s3": {"regoin": "r"}}', // 9 typo
    '  }', // 10
    '}'
  ].join('\n')

  it('reports each syntax error and still lints the rest', () => {
    expect(summary(validate(text, 'json', true))).toEqual([
      'error json.syntax 4:23-4:24',
      'error clearml.vault-restricted-key 7:13-7:26',
      'error clearml.vault-restricted-key 7:33-7:40',
      'error json.syntax 7:42-7:46',
      'warning clearml.unknown-key 9:20-9:28'
    ])
  })

  it('keeps the rest of the value', () => {
    const r = parseJson(text)
    expect(r.value).toBeUndefined()
    expect(r.partial).toEqual({
      api: { web_server: 'x', api_server: 'y', files_server: 'f' },
      agent: { worker_name: 'w', debug: true },
      sdk: { aws: { s3: { regoin: 'r' } } }
    })
  })

  it.each([
    ['{"a": 1, , "b": 2}', ['1:10'], { a: 1, b: 2 }],
    ['{"a": [1, 2\n "b": 3\n}', ['2:2'], { a: [1, 2], b: 3 }],
    ['{"a": {"x": 1,}, "b": tru, "c": [1 2], "d": \'x\', "e": 5}', ['1:14', '1:23', '1:36', '1:45'], { a: { x: 1 }, c: [1, 2], e: 5 }],
    ['{\n  // comment\n  a: 1,\n  "b": None\n}', ['2:3', '3:3', '4:8'], { a: 1, b: null }],
    ['[1, 2, {"a": 1 ]', ['1:16'], [1, 2, { a: 1 }]],
    ['{"a": "line\n  "b": 2\n}', ['1:7'], { b: 2 }]
  ])('recovers in %j', (src, errors, partial) => {
    const r = parseJson(src)
    expect(r.value).toBeUndefined()
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column}`)).toEqual(errors)
    expect(r.partial).toEqual(partial)
  })

  it('bounds the number of errors', () => {
    const src = '{' + Array.from({ length: 300 }, (_, i) => `"k${i}": x`).join(', ') + '}'
    expect(parseJson(src).diagnostics.length).toBeLessThanOrEqual(50)
  })
})

describe('YAML recovery', () => {
  it('drops the broken line and lints the rest', () => {
    const text = 'sdk:\n  aws:\n    s3:\n      region: x\n   bad: : :\n      regoin: y\nagent:\n  worker_nam: 1\n'
    const d = validate(text, 'yaml')
    expect(summary(d)).toEqual([
      'warning clearml.yaml-vault 1:1-1:5',
      'error yaml.syntax 5:4-5:5',
      'warning clearml.unknown-key 6:7-6:13',
      'warning clearml.unknown-key 8:3-8:13'
    ])
    expect(parseYaml(text).partial).toEqual({ sdk: { aws: { s3: { region: 'x', regoin: 'y' } } }, agent: { worker_nam: 1 } })
  })

  it('drops the line that left a bracket open', () => {
    const r = parseYaml('a: [1, 2\nb: 3\n')
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}`)).toEqual(['2:1'])
    expect(r.partial).toEqual({ b: 3 })
  })
})

const REAL = join(CORPUS, 'real')
const realFiles = existsSync(REAL)
  ? readdirSync(REAL)
      .filter((f) => f.endsWith('.conf'))
      .sort()
      .map((f) => readFileSync(join(REAL, f), 'utf8'))
  : []

describe.skipIf(realFiles.length === 0)('HOCON recovery on mutated real files', () => {
  const NOISE = ['{', '}', '[', ']', '"', '"""', '${', ':', '=', '+=', ',', '\n', '#', '&', '\\', 'x y = 1 2 ]', ' ']
  it('keeps the first error where the stopping parse reports it, never fails internally, and positions everything', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...NOISE), fc.boolean()), { minLength: 1, maxLength: 5 }), (fi, edits) => {
        let text = realFiles[fi % realFiles.length]
        for (const [p, noise, del] of edits) {
          const i = p % (text.length + 1)
          text = del ? text.slice(0, i) + text.slice(i + noise.length) : text.slice(0, i) + noise + text.slice(i)
        }
        const r = parseHocon(text)
        const stop = parseHocon(text, { recover: false })
        const lines = text.split('\n')
        expect(r.diagnostics.some((d) => d.code === 'hocon.internal')).toBe(false)
        if (stop.value !== undefined) {
          expect(r.value).toEqual(stop.value)
          return
        }
        expect(r.value).toBeUndefined()
        expect(r.diagnostics[0]).toEqual(stop.diagnostics[0])
        expect(r.partial).toBeDefined()
        expect(r.diagnostics.filter((d) => d.severity === 'error').length).toBeLessThanOrEqual(MAX_SYNTAX_ERRORS)
        for (const d of r.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1)
          expect(d.line).toBeLessThanOrEqual(lines.length)
          expect(d.column).toBeLessThanOrEqual(lines[d.line - 1].length + 1)
        }
        for (const [, e] of r.sourceMap) {
          expect(e.key.line).toBeGreaterThanOrEqual(1)
          expect(e.value.endLine).toBeLessThanOrEqual(lines.length)
        }
        // lint runs on the partial tree without failing
        expect(() => handleValidateRequest({ id: 0, text, format: 'hocon', adminVault: true })).not.toThrow()
      }),
      { numRuns: 300 }
    )
  }, 60_000)
})

describe('JSON and YAML recovery never fail', () => {
  const base = JSON.stringify({ api: { web_server: 'x', credentials: { access_key: 'k' } }, sdk: { aws: { s3: { region: 'r', credentials: [{ bucket: 'b' }] } } } }, null, 2)
  const yaml = 'api:\n  web_server: x\n  credentials:\n    access_key: k\nsdk:\n  aws:\n    s3:\n      region: r\n      credentials:\n        - bucket: b\n'
  const NOISE = ['{', '}', '[', ']', '"', ':', ',', '\n', '//', 'True', "'", ' - ', '  ', '\t', '#', '&x', '*x', '|']
  it('reports positioned errors, keeps value and partial apart, and bounds the count', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...NOISE), fc.boolean()), { minLength: 1, maxLength: 5 }), (json, edits) => {
        let text = json ? base : yaml
        for (const [p, noise, del] of edits) {
          const i = p % (text.length + 1)
          text = del ? text.slice(0, i) + text.slice(i + noise.length) : text.slice(0, i) + noise + text.slice(i)
        }
        const r = json ? parseJson(text) : parseYaml(text)
        const errors = r.diagnostics.filter((d) => d.severity === 'error')
        if (r.value !== undefined) expect(errors).toEqual([])
        else expect(errors.length).toBeGreaterThan(0)
        expect(errors.length).toBeLessThanOrEqual(50)
        const lines = text.split(/\r?\n|\r/)
        for (const d of r.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1)
          expect(d.line).toBeLessThanOrEqual(lines.length + 1)
        }
        expect(() => handleValidateRequest({ id: 0, text, format: json ? 'json' : 'yaml', adminVault: true })).not.toThrow()
      }),
      { numRuns: 300 }
    )
  })
})
