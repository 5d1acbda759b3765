// Position-tracking JSON parser (RFC 8259) producing the same ParseResult shape as the HOCON parser:
// exact line/column of the first syntax error, and a sourceMap of every key and array element.
import type { ConfigValue, Diagnostic, ParseResult, SourceMap } from './types.ts'
import { pathKey } from './types.ts'
import { LineIndex, setOwn } from './text.ts'

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number
  ) {
    super(message)
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

function describe(ch: string | undefined): string {
  if (ch === undefined) return 'end of input'
  if (ch === '\n' || ch === '\r') return 'end of line'
  return `'${ch}'`
}

export function parseJson(text: string): ParseResult {
  const idx = new LineIndex(text)
  const sourceMap: SourceMap = new Map()
  const diagnostics: Diagnostic[] = []
  let pos = 0
  const path: (string | number)[] = []

  const fail = (message: string, start = pos, end = start + 1): never => {
    throw new JsonSyntaxError(message, start, Math.min(Math.max(end, start), text.length + 1))
  }

  const skipWs = (): void => {
    for (;;) {
      const c = text[pos]
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') pos++
      else if (c === '\uFEFF' && pos === 0) pos++
      else if ((c === '/' && (text[pos + 1] === '/' || text[pos + 1] === '*')) || c === '#') {
        fail('Comments are not allowed in JSON (use HOCON for comments)', pos, pos + (c === '#' ? 1 : 2))
      } else return
    }
  }

  const parseString = (): string => {
    const start = pos
    pos++ // opening quote
    let out = ''
    for (;;) {
      const c = text[pos]
      if (c === undefined) fail('Unterminated string', start, pos)
      if (c === '"') {
        pos++
        return out
      }
      if (c === '\\') {
        const e = text[pos + 1]
        if (e === 'u') {
          const hex = text.slice(pos + 2, pos + 6)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\u escape: expected 4 hex digits', pos, pos + 2 + hex.length)
          out += String.fromCharCode(parseInt(hex, 16))
          pos += 6
        } else if (e !== undefined && e in ESCAPES) {
          out += ESCAPES[e]
          pos += 2
        } else {
          fail(`Invalid escape '\\${e ?? ''}' in string (JSON allows \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)`, pos, pos + 2)
        }
        continue
      }
      if (c.charCodeAt(0) < 0x20) {
        fail(c === '\n' || c === '\r' ? 'Unterminated string (strings cannot span lines)' : 'Control character in string must be escaped', c === '\n' || c === '\r' ? start : pos, pos)
      }
      out += c
      pos++
    }
  }

  const parseNumber = (): number => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos, pos + 400))
    if (!m || m[0] === '-') fail('Invalid number', pos, pos + 1)
    const s = m![0]
    const next = text[pos + s.length]
    if (next !== undefined && /[0-9A-Za-z_.]/.test(next)) {
      let e = pos + s.length
      while (e < text.length && /[0-9A-Za-z_.+-]/.test(text[e])) e++
      fail(`Invalid number '${text.slice(pos, e)}'`, pos, e)
    }
    pos += s.length
    return Number(s)
  }

  const record = (keyStart: number, keyEnd: number, valueStart: number): void => {
    sourceMap.set(pathKey(path), { key: idx.range(keyStart, keyEnd), value: idx.range(valueStart, pos) })
  }

  const parseValue = (depth: number): ConfigValue => {
    if (depth > 1000) fail('Nesting too deep')
    skipWs()
    const c = text[pos]
    if (c === '{') return parseObject(depth)
    if (c === '[') return parseArray(depth)
    if (c === '"') return parseString()
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return parseNumber()
    const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(pos, pos + 64))?.[0]
    if (word === 'true' || word === 'false' || word === 'null') {
      pos += word.length
      return word === 'true' ? true : word === 'false' ? false : null
    }
    if (word) {
      const hint = word === 'True' || word === 'False' || word === 'None' ? ` (JSON literals are lower-case: true, false, null)` : ' (strings must be double-quoted)'
      fail(`Unexpected token '${word}'${hint}`, pos, pos + word.length)
    }
    if (c === "'") fail("Strings must use double quotes, not single quotes", pos)
    if (c === '}' || c === ']' || c === ',') fail(`Expected a value but found ${describe(c)}`, pos)
    return fail(`Expected a value but found ${describe(c)}`, pos)
  }

  const parseObject = (depth: number): ConfigValue => {
    const obj: Record<string, ConfigValue> = {}
    pos++
    skipWs()
    if (text[pos] === '}') {
      pos++
      return obj
    }
    for (;;) {
      skipWs()
      const c = text[pos]
      if (c !== '"') {
        if (c === '}') fail('Trailing comma is not allowed in JSON', pos - 1 >= 0 ? lastComma : pos, lastComma + 1)
        const word = /^[A-Za-z_$][\w$.-]*/.exec(text.slice(pos, pos + 200))?.[0]
        if (word) fail(`Object keys must be double-quoted: "${word}"`, pos, pos + word.length)
        fail(`Expected a double-quoted key but found ${describe(c)}`, pos)
      }
      const keyStart = pos
      const key = parseString()
      const keyEnd = pos
      skipWs()
      if (text[pos] !== ':') fail(`Expected ':' after key "${key}" but found ${describe(text[pos])}`, pos)
      pos++
      skipWs()
      const valueStart = pos
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        diagnostics.push({
          ...idx.range(keyStart, keyEnd),
          severity: 'warning',
          code: 'json.duplicate-key',
          message: `Duplicate key "${key}": the later value replaces the earlier one`,
          path: pathKey([...path, key])
        })
      }
      path.push(key)
      const v = parseValue(depth + 1)
      record(keyStart, keyEnd, valueStart)
      path.pop()
      setOwn(obj, key, v)
      skipWs()
      const d = text[pos]
      if (d === ',') {
        lastComma = pos
        pos++
        continue
      }
      if (d === '}') {
        pos++
        return obj
      }
      fail(`Expected ',' or '}' after object member but found ${describe(d)}`, pos)
    }
  }

  let lastComma = 0
  const parseArray = (depth: number): ConfigValue => {
    const arr: ConfigValue[] = []
    pos++
    skipWs()
    if (text[pos] === ']') {
      pos++
      return arr
    }
    for (;;) {
      skipWs()
      if (text[pos] === ']') fail('Trailing comma is not allowed in JSON', lastComma, lastComma + 1)
      const start = pos
      path.push(arr.length)
      const v = parseValue(depth + 1)
      sourceMap.set(pathKey(path), { key: idx.range(start, pos), value: idx.range(start, pos) })
      path.pop()
      arr.push(v)
      skipWs()
      const d = text[pos]
      if (d === ',') {
        lastComma = pos
        pos++
        continue
      }
      if (d === ']') {
        pos++
        return arr
      }
      fail(`Expected ',' or ']' after array element but found ${describe(d)}`, pos)
    }
  }

  try {
    skipWs()
    if (pos >= text.length) fail('Empty document: expected a JSON value', 0, 0)
    const value = parseValue(0)
    skipWs()
    if (pos < text.length) fail(`Unexpected ${describe(text[pos])} after the end of the JSON value`, pos)
    return { value, sourceMap, diagnostics }
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e
    const r = idx.range(e.start, Math.max(e.end, e.start + 1))
    diagnostics.push({ ...r, severity: 'error', code: 'json.syntax', message: e.message })
    return { value: undefined, sourceMap, diagnostics }
  }
}
