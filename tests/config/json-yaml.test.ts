import { describe, expect, it } from 'vitest'
import { parseJson } from '../../shared/config/json.ts'
import { parseYaml } from '../../shared/config/yaml.ts'

const err = (r: { diagnostics: { severity: string; line: number; column: number; message: string }[] }) => {
  const e = r.diagnostics.find((d) => d.severity === 'error')
  return e && { line: e.line, column: e.column, message: e.message }
}

describe('parseJson', () => {
  it('parses values and maps every key and element', () => {
    const r = parseJson('{\n  "api": {"web_server": "http://x", "n": [1, 2.5e3, true, null]}\n}')
    expect(r.value).toEqual({ api: { web_server: 'http://x', n: [1, 2500, true, null] } })
    expect(r.diagnostics).toEqual([])
    expect(r.sourceMap.get('api')!.key).toEqual({ line: 2, column: 3, endLine: 2, endColumn: 8 })
    expect(r.sourceMap.get('api.web_server')!.key).toMatchObject({ line: 2, column: 11 })
    expect(r.sourceMap.get('api.web_server')!.value).toMatchObject({ line: 2, column: 25, endColumn: 35 })
    expect(r.sourceMap.get('api.n.2')!.value).toMatchObject({ line: 2, column: 53, endColumn: 57 })
  })

  it.each([
    ['{"a": 1,}', 1, 8, /Trailing comma/],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, /Expected ',' or '}'/],
    ['{"a": "x\\q"}', 1, 9, /Invalid escape '\\q'/],
    ['{a: 1}', 1, 2, /double-quoted/],
    ['{"a": True}', 1, 7, /lower-case/],
    ['{"a": "line\nbreak"}', 1, 7, /Unterminated string/],
    ['{"a": 1} x', 1, 10, /after the end/],
    ['// c\n{}', 1, 1, /Comments are not allowed/],
    ['{"a": [1, 2}', 1, 12, /Expected ',' or ']'/],
    ['{"a": 01}', 1, 7, /Invalid number/],
    ['', 1, 1, /Empty document/]
  ])('reports %j at %i:%i', (text, line, column, message) => {
    const r = parseJson(text)
    expect(r.value).toBeUndefined()
    const e = err(r)!
    expect({ line: e.line, column: e.column }).toEqual({ line, column })
    expect(e.message).toMatch(message)
  })

  it('warns about duplicate keys and keeps the last value', () => {
    const r = parseJson('{"a": 1, "a": 2}')
    expect(r.value).toEqual({ a: 2 })
    expect(r.diagnostics).toMatchObject([{ severity: 'warning', code: 'json.duplicate-key', line: 1, column: 10 }])
  })

  it('agrees with JSON.parse on valid input and never touches prototypes', () => {
    const text = '{"__proto__": {"x": 1}, "u": "\\u00e9\\n", "e": -0.5E-2}'
    expect(parseJson(text).value).toEqual(JSON.parse(text))
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })
})

describe('parseYaml', () => {
  it('parses values with a key source map', () => {
    const r = parseYaml('api:\n  web_server: "http://x"\n  list:\n    - a\n    - k: 1\n')
    expect(r.value).toEqual({ api: { web_server: 'http://x', list: ['a', { k: 1 }] } })
    expect(r.sourceMap.get('api')!.key).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 4 })
    expect(r.sourceMap.get('api.web_server')!.key).toMatchObject({ line: 2, column: 3, endColumn: 13 })
    expect(r.sourceMap.get('api.web_server')!.value).toMatchObject({ line: 2, column: 15, endColumn: 25 })
    expect(r.sourceMap.get('api.list.0')!.value).toMatchObject({ line: 4, column: 7 })
    expect(r.sourceMap.get('api.list.1.k')!.key).toMatchObject({ line: 5, column: 7 })
  })

  it.each([
    ['a: b\n c: d: e\n', 2, 3, /bad indentation/],
    ['a: 1\na: 2\n', 2, 1, /duplicated mapping key/],
    ['a: [1, 2\nb: 3\n', 2, 1, /./],
    ['a: "unterminated\n', 2, 1, /./]
  ])('reports %j at %i:%i', (text, line, column, message) => {
    const r = parseYaml(text)
    expect(r.value).toBeUndefined()
    const e = err(r)!
    expect({ line: e.line, column: e.column }).toEqual({ line, column })
    expect(e.message).toMatch(message)
  })

  it('rejects multi-document streams and accepts an empty document as null', () => {
    expect(parseYaml('a: 1\n---\nb: 2\n').diagnostics[0]).toMatchObject({ severity: 'error', code: 'yaml.multi-document' })
    expect(parseYaml('').value).toBeNull()
  })

  it('uses the YAML 1.2 core schema (yes/no stay strings)', () => {
    expect(parseYaml('a: yes\nb: true\nc: 0x10\n').value).toEqual({ a: 'yes', b: true, c: 16 })
  })
})
