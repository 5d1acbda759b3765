// Position-tracking JSON parser (RFC 8259) producing the same ParseResult shape as the HOCON parser:
// exact line/column of the first syntax error, and a sourceMap of every key and array element.
//
// Error recovery: a broken object member or array element is reported and skipped (to the next ',' at its
// level, the bracket that closes its object or array, or a line that starts with the next `"key":`), and
// the parse goes on, so `partial` holds the rest of the document for lint. Some mistakes are read as meant
// after reporting them: unquoted keys, True/False/None, comments, a trailing comma, a missing comma.
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

/** Recovery gave up (too many errors, or nesting too deep). */
class StopParsing {}

/** At most this many syntax errors are reported per text. */
const MAX_SYNTAX_ERRORS = 50

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

/** A line that starts an object member: `"key":` (after indentation). */
const MEMBER_LINE = /[ \t\r]*"(?:[^"\\\n]|\\.)*"[ \t]*:/y

function describe(ch: string | undefined): string {
  if (ch === undefined) return 'end of input'
  if (ch === '\n' || ch === '\r') return 'end of line'
  return `'${ch}'`
}

export function parseJson(text: string): ParseResult {
  const idx = new LineIndex(text)
  const sourceMap: SourceMap = new Map()
  const diagnostics: Diagnostic[] = []
  let errors = 0
  /** Where the last error started: a value closed early reports nothing more at the same place. */
  let lastErrStart = -1
  let pos = 0
  const path: (string | number)[] = []

  const fail = (message: string, start = pos, end = start + 1): never => {
    throw new JsonSyntaxError(message, start, Math.min(Math.max(end, start), text.length + 1))
  }

  /** Reports a syntax error; parsing goes on (until there are too many). */
  const report = (e: JsonSyntaxError): void => {
    if (e.start === lastErrStart) return
    lastErrStart = e.start
    const r = idx.range(e.start, Math.max(e.end, e.start + 1))
    diagnostics.push({ ...r, severity: 'error', code: 'json.syntax', message: e.message })
    if (++errors >= MAX_SYNTAX_ERRORS) throw new StopParsing()
  }
  const soft = (message: string, start: number, end = start + 1): void => {
    report(new JsonSyntaxError(message, start, Math.min(Math.max(end, start), text.length + 1)))
  }
  const recovered = (e: unknown): void => {
    if (!(e instanceof JsonSyntaxError)) throw e
    report(e)
  }

  const skipWs = (): void => {
    for (;;) {
      const c = text[pos]
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') pos++
      else if (c === '\uFEFF' && pos === 0) pos++
      else if ((c === '/' && (text[pos + 1] === '/' || text[pos + 1] === '*')) || c === '#') {
        // reported, then skipped like whitespace
        const start = pos
        soft('Comments are not allowed in JSON (use HOCON for comments)', start, start + (c === '#' ? 1 : 2))
        if (c === '/' && text[pos + 1] === '*') {
          const close = text.indexOf('*/', pos + 2)
          pos = close < 0 ? text.length : close + 2
        } else {
          const nl = text.indexOf('\n', pos)
          pos = nl < 0 ? text.length : nl
        }
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

  /** Whether pos starts a line that holds an object member's `"key":`. */
  const memberLineAt = (p: number): boolean => {
    MEMBER_LINE.lastIndex = p
    return MEMBER_LINE.test(text)
  }

  /**
   * Skips the rest of a broken member or element that started at `from` and failed at `errPos`: to the
   * next ',' at its level, or before the bracket that closes the enclosing object or array, or (in an
   * object) to a following line that starts with `"key":`. Strings and brackets inside it are skipped whole.
   */
  const resync = (from: number, errPos: number, inObject: boolean): void => {
    let p = from
    const stack: string[] = []
    const n = text.length
    while (p < n) {
      const c = text[p]
      if (c === '"') {
        p++
        while (p < n && text[p] !== '"' && text[p] !== '\n') p += text[p] === '\\' && text[p + 1] !== '\n' ? 2 : 1
        if (text[p] === '"') p++
        continue
      }
      if (c === '{' || c === '[') stack.push(c)
      else if (c === '}' || c === ']') {
        const i = stack.lastIndexOf(c === '}' ? '{' : '[')
        if (i >= 0) stack.length = i
        else if (p >= errPos) break
      } else if (c === ',' && stack.length === 0 && p >= errPos) break
      else if (c === '\n' && inObject && stack.length === 0 && p >= errPos && memberLineAt(p + 1)) {
        p++
        break
      }
      p++
    }
    // it stops at a ',' or a bracket (which the caller consumes or leaves to the enclosing value), or
    // after a newline, or at the end: the caller always moves on
    pos = p
  }

  const parseValue = (depth: number): ConfigValue => {
    if (depth > 1000) {
      soft('Nesting too deep', pos)
      throw new StopParsing()
    }
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
    if (word === 'True' || word === 'False' || word === 'None') {
      // reported, then read as the literal that was meant
      soft(`Unexpected token '${word}' (JSON literals are lower-case: true, false, null)`, pos, pos + word.length)
      pos += word.length
      return word === 'True' ? true : word === 'False' ? false : null
    }
    if (word) fail(`Unexpected token '${word}' (strings must be double-quoted)`, pos, pos + word.length)
    if (c === "'") fail('Strings must use double quotes, not single quotes', pos)
    return fail(`Expected a value but found ${describe(c)}`, pos)
  }

  let lastComma = 0

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
      const memberStart = pos
      try {
        const c = text[pos]
        if (c === '}') {
          // reported, then closed as if the comma were not there
          soft('Trailing comma is not allowed in JSON', lastComma, lastComma + 1)
          pos++
          return obj
        }
        let keyStart = pos
        let key: string
        if (c !== '"') {
          const word = /^[A-Za-z_$][\w$.-]*/.exec(text.slice(pos, pos + 200))?.[0]
          if (!word) fail(`Expected a double-quoted key but found ${describe(c)}`, pos)
          // reported, then read as the key that was meant
          soft(`Object keys must be double-quoted: "${word}"`, pos, pos + word!.length)
          key = word!
          pos += key.length
        } else {
          keyStart = pos
          key = parseString()
        }
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
        try {
          const v = parseValue(depth + 1)
          record(keyStart, keyEnd, valueStart)
          setOwn(obj, key, v)
        } finally {
          path.pop()
        }
      } catch (e) {
        const errPos = pos
        recovered(e)
        resync(memberStart, errPos, true)
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
        if (d === ']' || d === undefined) return obj // unclosed: the enclosing array (or the end) takes over
        continue
      }
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
      const at = pos
      try {
        fail(`Expected ',' or '}' after object member but found ${describe(d)}`, pos)
      } catch (e) {
        recovered(e)
      }
      if (d === '"' && memberLineAt(at)) continue // a missing comma
      if (d === undefined || d === ']') return obj
      resync(at, at, true)
      const r = text[pos]
      if (r === ',') {
        lastComma = pos
        pos++
      } else if (r === '}') {
        pos++
        return obj
      } else if (r === ']' || r === undefined) return obj
    }
  }

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
      const start = pos
      try {
        if (text[pos] === ']') {
          soft('Trailing comma is not allowed in JSON', lastComma, lastComma + 1)
          pos++
          return arr
        }
        path.push(arr.length)
        try {
          const v = parseValue(depth + 1)
          sourceMap.set(pathKey(path), { key: idx.range(start, pos), value: idx.range(start, pos) })
          arr.push(v)
        } finally {
          path.pop()
        }
      } catch (e) {
        const errPos = pos
        recovered(e)
        resync(start, errPos, false)
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
        if (d === '}' || d === undefined) return arr
        continue
      }
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
      const at = pos
      try {
        fail(`Expected ',' or ']' after array element but found ${describe(d)}`, pos)
      } catch (e) {
        recovered(e)
      }
      // `}` or the next member's `"key":` belong to the enclosing object: this array is unclosed
      if (d === undefined || d === '}' || (d === '"' && memberLineAt(at))) return arr
      if (d === '"' || d === '{' || d === '[' || d === '-' || (d >= '0' && d <= '9')) continue // a missing comma
      resync(at, at, false)
      const r = text[pos]
      if (r === ',') {
        lastComma = pos
        pos++
      } else if (r === ']') {
        pos++
        return arr
      } else if (r === '}' || r === undefined) return arr
    }
  }

  let value: ConfigValue | undefined
  try {
    skipWs()
    if (pos >= text.length) fail('Empty document: expected a JSON value', 0, 0)
    value = parseValue(0)
    skipWs()
    if (pos < text.length) fail(`Unexpected ${describe(text[pos])} after the end of the JSON value`, pos)
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      try {
        report(e)
      } catch {
        /* the last error there is room for */
      }
    } else if (!(e instanceof StopParsing)) throw e
  }
  if (errors === 0) return { value, sourceMap, diagnostics }
  return { value: undefined, partial: value, sourceMap, diagnostics }
}
