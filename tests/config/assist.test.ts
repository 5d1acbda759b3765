// Editor assistance (shared/config/assist.ts): the key path at the cursor in HOCON, JSON and YAML text
// (finished or not), hovers and completions from the key tree, and the worker protocol.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AssistService, completionsAt, hoverAt, keyContextAt, lookupKey } from '../../shared/config/assist.ts'
import type { ConfigFormat } from '../../shared/config/types.ts'
import { CORPUS } from './helpers.ts'

/** Text with a '|' marking the cursor -> text and its 1-based line/column. */
function at(marked: string): { text: string; line: number; column: number } {
  const i = marked.indexOf('|')
  const text = marked.slice(0, i) + marked.slice(i + 1)
  const before = text.slice(0, i).split('\n')
  return { text, line: before.length, column: before[before.length - 1].length + 1 }
}
const hover = (marked: string, format: ConfigFormat = 'hocon') => {
  const { text, line, column } = at(marked)
  return hoverAt(text, format, line, column)
}
const complete = (marked: string, format: ConfigFormat = 'hocon') => {
  const { text, line, column } = at(marked)
  return completionsAt(text, format, line, column)
}
const names = (marked: string, format: ConfigFormat = 'hocon') => complete(marked, format)?.items.map((i) => i.name) ?? null
const S3 = ['credentials', 'extra_args', 'key', 'profile', 'region', 'secret', 'use_credentials_chain']

describe('hover', () => {
  it('describes a HOCON key: path, type, description, default', () => {
    const h = hover('api {\n  web_server: "x"\n  api_s|erver: "https://api.clear.ml"\n}')!
    expect(h.path).toBe('api.api_server')
    expect(h.range).toEqual({ line: 3, column: 3, endLine: 3, endColumn: 13 })
    expect(h.markdown).toContain('**`api.api_server`** · string')
    expect(h.markdown).toContain("Notice: 'api\\_server' is the api server (default port 8008), not the web server.")
    expect(h.markdown).toContain('Default: `""`')
  })

  it('resolves each segment of a dotted key, and keys inside arrays of objects', () => {
    expect(hover('sdk.a|ws.s3.region = x')!.path).toBe('sdk.aws')
    expect(hover('sdk.aws.s3.re|gion = x')!.path).toBe('sdk.aws.s3.region')
    expect(hover('sdk { aws { "s|3" { } } }')!.range).toEqual({ line: 1, column: 13, endLine: 1, endColumn: 17 })
    expect(hover('sdk.aws.s3.credentials: [\n  { bucket: b, ke|y: k }\n]')!.path).toBe('sdk.aws.s3.credentials.0.key')
  })

  it('notes keys an administrator vault cannot set, object keys and user-defined entries', () => {
    expect(hover('agent { worker_n|ame: w }')!.markdown).toContain('An administrator vault cannot set this key')
    expect(hover('a|pi { }')!.markdown).toMatch(/Keys: `api_server`, `auth`/)
    expect(hover('environment { MY_V|AR: 1 }')!.markdown).toContain('A key of your choosing')
  })

  it('says nothing on values, comments, unknown keys, or past a syntax error in the key', () => {
    expect(hover('api { api_server: "https://a|pi" }')).toBeNull()
    expect(hover('# api_s|erver: x')).toBeNull()
    expect(hover('api { api_sever|: x }')).toBeNull()
    expect(hover('api { web_server: h|ttp }')).toBeNull()
  })

  it('works in text that does not parse (unclosed brackets and braces, errors above)', () => {
    expect(hover('x = [1,,\nsdk {\n  aws {\n    s3 {\n      reg|ion: x')!.path).toBe('sdk.aws.s3.region')
    expect(hover('{"x": [1, 2\n  "api": {"api_se|rver": 1', 'json')!.path).toBe('api.api_server')
  })

  it('describes JSON and YAML keys', () => {
    expect(hover('{"api": {"api_se|rver": "x"}}', 'json')!.range).toEqual({ line: 1, column: 10, endLine: 1, endColumn: 22 })
    expect(hover('{"api": {"api_server": "ap|i"}}', 'json')).toBeNull()
    expect(hover('api:\n  api_se|rver: x\n', 'yaml')!.path).toBe('api.api_server')
    expect(hover('sdk:\n  aws:\n    s3:\n      credentials:\n        - bucket: b\n          ke|y: k\n', 'yaml')!.path).toBe('sdk.aws.s3.credentials.0.key')
    expect(hover('api:\n  api_server: x|y\n', 'yaml')).toBeNull()
  })
})

describe('completion', () => {
  it('offers the keys of the object the cursor is in, even with its braces unclosed', () => {
    expect(names('sdk { aws { s3 { |')).toEqual(S3)
    expect(names('sdk {\n  aws {\n    s3 {\n      |\n    }\n  }\n}')).toEqual(S3)
    expect(names('|')).toEqual(['agent', 'api', 'environment', 'files', 'logging', 'sdk'])
    expect(names('{\n  |\n}')).toEqual(['agent', 'api', 'environment', 'files', 'logging', 'sdk'])
  })

  it('replaces the key segment being typed, and follows dotted paths', () => {
    const c = complete('sdk { aws { s3 { re|gion: x } } }')!
    expect(c.path).toBe('sdk.aws.s3')
    expect(c.range).toEqual({ line: 1, column: 18, endLine: 1, endColumn: 24 })
    expect(names('sdk.aws.|')).toEqual(['boto3', 's3'])
    expect(names('sdk.aws.s|3')).toEqual(['boto3', 's3'])
  })

  it('inserts a separator (or braces for an object) unless one follows', () => {
    const item = (marked: string, name: string, format: ConfigFormat = 'hocon') => complete(marked, format)!.items.find((i) => i.name === name)!
    expect(item('sdk { aws { s3 { |', 'region')).toMatchObject({ insertText: 'region: $0', snippet: true, kind: 'value' })
    expect(item('sdk { aws { |', 's3')).toMatchObject({ insertText: 's3 {\n\t$0\n}', kind: 'object' })
    expect(item('sdk { aws { s3 { |', 'credentials')).toMatchObject({ insertText: 'credentials: [$0]', kind: 'array' })
    expect(item('sdk { aws { s3 { reg|: x', 'region')).toMatchObject({ insertText: 'region', snippet: false })
    expect(item('{"sdk": {"aws": {"s3": {"re|"', 'region', 'json')).toMatchObject({ insertText: 'region', snippet: false })
    expect(item('{"sdk": {"aws": {"s3": {\n  |', 'region', 'json')).toMatchObject({ insertText: '"region": $0' })
    expect(item('sdk:\n  aws:\n    s3:\n      |', 'region', 'yaml')).toMatchObject({ insertText: 'region: $0' })
    expect(item('sdk:\n  aws:\n    |', 's3', 'yaml')).toMatchObject({ insertText: 's3:\n  $0' })
  })

  it('documents each key', () => {
    const region = complete('sdk { aws { s3 { |')!.items.find((i) => i.name === 'region')!
    expect(region.detail).toBe('string')
    expect(region.markdown).toBe('Default, used for any bucket not specified below\n\nDefault: `""`')
  })

  it('offers nothing in values, strings, comments, arrays, or under unknown and open keys', () => {
    expect(complete('sdk { aws { s3 { region: u|')).toBeNull()
    expect(complete('sdk { aws { s3 { region: "u|')).toBeNull()
    expect(complete('sdk { aws { s3 { # |')).toBeNull()
    expect(complete('sdk { aws { s3 { credentials: [ | ')).toBeNull()
    expect(complete('nope { |')).toBeNull()
    expect(complete('environment { |')).toBeNull()
  })

  it('works for JSON and YAML', () => {
    expect(names('{"sdk": {"aws": {"s3": {"|"}}}}', 'json')).toEqual(S3)
    expect(names('{\n  "sdk": {\n    "aws": {\n      "s3": {\n        |', 'json')).toEqual(S3)
    expect(names('{"sdk": {"aws": {"s3": {"region": "|"}}}}', 'json')).toBeNull()
    expect(names('sdk:\n  aws:\n    s3:\n      re|\n', 'yaml')).toEqual(S3)
    expect(names('sdk:\n  aws:\n    s3:\n      region: x\n  |\n', 'yaml')).toEqual(lookupKey(['sdk'])!.children)
    expect(names('sdk:\n  aws:\n    s3:\n      region: x|\n', 'yaml')).toBeNull()
  })
})

describe('keyContextAt', () => {
  it('finds the parent path from text of any shape', () => {
    const ctx = (marked: string, format: ConfigFormat = 'hocon') => {
      const { text } = at(marked)
      return keyContextAt(text, format, marked.indexOf('|'), false)
    }
    expect(ctx('a { b = [ { c { |')).toEqual({ kind: 'key-start', parent: ['a', 'b', 0, 'c'] })
    expect(ctx('a { b = [ 1, 2\n { c: 1 }, { |')).toEqual({ kind: 'key-start', parent: ['a', 'b', 3] })
    expect(ctx('a { x = 1 }\nb { |')).toEqual({ kind: 'key-start', parent: ['b'] })
    expect(ctx('a = ${x} "s" [1] { y = 2 }\n|')).toEqual({ kind: 'key-start', parent: [] })
    expect(ctx('a.b += 1\ninclude "x.conf"\n|')).toEqual({ kind: 'key-start', parent: [] })
    expect(ctx('a = """\n|\n"""')).toEqual({ kind: 'none' })
  })
})

describe('AssistService (worker side)', () => {
  const doc = (text?: string, version = 1) => ({ uri: 'inmemory://m/1', version, format: 'hocon' as const, text })

  it('keeps a text per model version: asks for it when missing, and applies edits', () => {
    const s = new AssistService()
    expect(s.handle({ type: 'hover', id: 1, doc: doc(), line: 1, column: 1 })).toEqual({ type: 'need-text', id: 1 })
    const text = 'api {\n  api_server: x\n}'
    const r = s.handle({ type: 'hover', id: 2, doc: doc(text), line: 2, column: 4 })
    expect(r).toMatchObject({ type: 'hover', id: 2, hover: { path: 'api.api_server' } })
    // Monaco's change event: bottom-to-top replacements with offsets into the text before the edit
    s.handle({
      type: 'edit',
      uri: 'inmemory://m/1',
      version: 2,
      changes: [
        { offset: 8, length: 10, text: 'web_server' },
        { offset: 0, length: 0, text: '# c\n' }
      ],
      length: text.length + 4
    })
    expect(s.versionOf('inmemory://m/1')).toBe(2)
    expect(s.handle({ type: 'hover', id: 3, doc: doc(undefined, 2), line: 3, column: 4 })).toMatchObject({ hover: { path: 'api.web_server' } })
    // an edit that does not add up drops the copy
    s.handle({ type: 'edit', uri: 'inmemory://m/1', version: 3, changes: [{ offset: 0, length: 0, text: 'x' }], length: 999 })
    expect(s.handle({ type: 'hover', id: 4, doc: doc(undefined, 3), line: 1, column: 1 })).toEqual({ type: 'need-text', id: 4 })
  })

  it('forgets documents, and keeps only the last few', () => {
    const s = new AssistService(2)
    for (const n of [1, 2, 3]) s.handle({ type: 'complete', id: n, doc: { uri: `u${n}`, version: 1, format: 'json', text: '{}' }, line: 1, column: 2 })
    expect(s.versionOf('u1')).toBeUndefined()
    expect(s.versionOf('u3')).toBe(1)
    s.handle({ type: 'forget', uri: 'u3' })
    expect(s.versionOf('u3')).toBeUndefined()
  })

  it('answers at the end of a 5,000-line vault in milliseconds (a scan, no parse)', () => {
    const conf = readFileSync(resolve(CORPUS, 'real/clearml__docs__clearml.conf'), 'utf8')
    let big = ''
    while (big.split('\n').length < 5000) big += conf + '\n'
    big += 'sdk { aws { s3 { '
    const lines = big.split('\n')
    const s = new AssistService()
    s.handle({ type: 'complete', id: 0, doc: { uri: 'big', version: 1, format: 'hocon', text: big }, line: 1, column: 1 })
    const median = (fn: () => void): number => {
      const times: number[] = []
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now()
        fn()
        times.push(performance.now() - t0)
      }
      return times.sort((a, b) => a - b)[7]
    }
    const at = { line: lines.length, column: lines[lines.length - 1].length + 1 }
    const assist = median(() => {
      const r = s.handle({ type: 'complete', id: 1, doc: { uri: 'big', version: 1, format: 'hocon' }, ...at })
      expect(r).toMatchObject({ type: 'complete', completion: { path: 'sdk.aws.s3' } })
    })
    // typically ~5 ms; the bound is loose so a loaded machine does not fail it, but a quadratic scan would
    expect(assist).toBeLessThan(60)
  })
})
