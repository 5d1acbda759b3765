// YAML parsing with js-yaml's event stream, so every key and element gets an exact source range.
import { parseEvents, constructFromEvents, getScalarValue, EVENT_ID, YAMLException } from 'js-yaml'
import type { Event } from 'js-yaml'
import type { ConfigValue, Diagnostic, ParseResult, Range, SourceMap } from './types.ts'
import { pathKey } from './types.ts'
import { LineIndex } from './text.ts'

interface Frame {
  kind: 'map' | 'seq'
  segment: string | number | undefined
  /** map: pending key (after the key scalar, before its value). seq: next index. */
  pendingKey?: { key: string; range: Range } | undefined
  index: number
}

/** Builds the sourceMap from js-yaml events: key ranges for mapping entries, element ranges for sequences. */
function buildSourceMap(text: string, events: Event[], idx: LineIndex): SourceMap {
  const map: SourceMap = new Map()
  const stack: Frame[] = []
  const path: (string | number)[] = []

  const scalarRange = (e: Extract<Event, { type: 4 }>): Range => {
    let s = e.valueStart
    let end = e.valueEnd
    // Quoted scalars: include the quotes.
    if ((text[s - 1] === '"' || text[s - 1] === "'") && text[end] === text[s - 1]) {
      s--
      end++
    }
    return idx.range(s, end)
  }

  /** Called when a value (scalar or collection start) appears; returns the path segment it takes, if any. */
  const placeValue = (range: Range, isScalarKeyCandidate: () => string | undefined): 'key' | 'value' | 'root' => {
    const top = stack[stack.length - 1]
    if (!top) return 'root'
    if (top.kind === 'map') {
      if (!top.pendingKey) {
        const k = isScalarKeyCandidate()
        top.pendingKey = { key: k ?? '', range }
        return 'key'
      }
      const { key, range: keyRange } = top.pendingKey
      top.pendingKey = undefined
      map.set(pathKey([...path, key]), { key: keyRange, value: range })
      return 'value'
    }
    map.set(pathKey([...path, top.index]), { key: range, value: range })
    return 'value'
  }

  for (const e of events) {
    if (e.type === EVENT_ID.SCALAR) {
      const r = scalarRange(e)
      const top = stack[stack.length - 1]
      placeValue(r, () => getScalarValue(text, e))
      if (top && top.kind === 'seq') top.index++
    } else if (e.type === EVENT_ID.ALIAS) {
      const top = stack[stack.length - 1]
      placeValue(idx.range(e.anchorStart - 1, e.anchorEnd), () => undefined)
      if (top && top.kind === 'seq') top.index++
    } else if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) {
      const top = stack[stack.length - 1]
      const start = e.anchorStart >= 0 ? Math.min(e.start, e.anchorStart - 1) : e.start
      let segment: string | number | undefined
      if (top) {
        if (top.kind === 'map') {
          if (!top.pendingKey) {
            // complex (collection) key: not representable; mark it with an empty key
            top.pendingKey = { key: '', range: idx.range(start, start + 1) }
            segment = undefined
          } else {
            segment = top.pendingKey.key
            placeValue(idx.range(start, start + 1), () => undefined)
          }
        } else {
          segment = top.index
          placeValue(idx.range(start, start + 1), () => undefined)
          top.index++
        }
      }
      if (segment !== undefined) path.push(segment)
      stack.push({ kind: e.type === EVENT_ID.MAPPING ? 'map' : 'seq', segment, index: 0 })
    } else if (e.type === EVENT_ID.POP) {
      const f = stack.pop()
      if (f && f.segment !== undefined) path.pop()
    }
  }
  return map
}

/** More values than any configuration holds; far fewer than would stall the editor or the core. */
export const MAX_EXPANDED_VALUES = 1_000_000

/** Number of values the document holds once every alias is expanded, counted up to `limit` (shared nodes memoised). */
function expandedSize(root: unknown, limit: number): number {
  const memo = new Map<object, number>()
  const onStack = new Set<object>()
  const size = (v: unknown): number => {
    if (v === null || typeof v !== 'object') return 1
    const known = memo.get(v)
    if (known !== undefined) return known
    if (onStack.has(v)) return limit + 1 // a cycle expands without end
    onStack.add(v)
    let n = 1
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      n += size(child)
      if (n > limit) break
    }
    onStack.delete(v)
    memo.set(v, n)
    return n
  }
  return size(root)
}

/** Error recovery re-parses at most this many characters in all (so a big broken document is re-parsed once or twice). */
const RECOVERY_BUDGET = 400_000
/** ... and at most this many times. */
const MAX_REPARSES = 8

/** The diagnostic of a js-yaml exception, at its mark. */
function syntaxDiagnostic(e: unknown, idx: LineIndex): Diagnostic {
  const err = e as YAMLException & { mark?: { line: number; column: number; position: number } }
  const mark = err.mark
  const reason = (err as { reason?: string }).reason || String((e as Error).message ?? e)
  let r: Range
  if (mark && typeof mark.position === 'number' && mark.position >= 0) {
    r = idx.range(mark.position, mark.position + 1)
  } else if (mark) {
    r = { line: mark.line + 1, column: mark.column + 1, endLine: mark.line + 1, endColumn: mark.column + 2 }
  } else {
    r = { line: 1, column: 1, endLine: 1, endColumn: 1 }
  }
  return { ...r, severity: 'error', code: 'yaml.syntax', message: reason }
}

/** The text with line n (1-based) replaced by spaces: offsets, lines and columns stay the same. */
function blankLine(text: string, idx: LineIndex, n: number): string {
  const s = idx.offset(n, 1)
  const e = s + idx.lineText(n).length
  return text.slice(0, s) + ' '.repeat(e - s) + text.slice(e)
}

/**
 * Parses YAML. After a syntax error it recovers by blanking the line the error is on (or, when that line
 * is empty, the line above it, e.g. an unclosed quote or bracket) and parsing again, within a budget: each
 * new error is reported, and `partial` is the value of the text without the broken lines.
 */
export function parseYaml(text: string): ParseResult {
  const idx = new LineIndex(text)
  const diagnostics: Diagnostic[] = []
  const first = parseOnce(text, idx, diagnostics)
  if (first.ok || first.fatal) return first.result
  diagnostics.push(first.error)
  let work = text
  let budget = RECOVERY_BUDGET - text.length
  const blanked = new Set<number>()
  const seen = new Set<string>([`${first.error.line}:${first.error.column}`])
  let error = first.error
  for (let i = 0; i < MAX_REPARSES && budget >= text.length; i++, budget -= text.length) {
    // The line to drop: the error's; but an error at the start of a line ("deficient indentation", the end
    // of the text) comes from something left open above it (a quote, a bracket): then the line above.
    let n = Math.min(error.line, idx.lineCount)
    if (error.column === 1 && !/duplicated mapping key/.test(error.message)) n--
    while (n >= 1 && (blanked.has(n) || idx.lineText(n).trim() === '' || /^\s*#/.test(idx.lineText(n)))) n--
    if (n < 1) break
    blanked.add(n)
    work = blankLine(work, idx, n)
    const next = parseOnce(work, idx, [])
    if (next.fatal) break
    if (next.ok) {
      const warnings = next.result.diagnostics.filter((d) => d.severity !== 'error')
      diagnostics.push(...warnings)
      return { value: undefined, partial: next.result.value, sourceMap: next.result.sourceMap, diagnostics }
    }
    error = next.error
    const key = `${error.line}:${error.column}`
    if (!seen.has(key)) {
      seen.add(key)
      diagnostics.push(error)
    }
  }
  return { value: undefined, sourceMap: new Map(), diagnostics }
}

type Attempt = { ok: true; fatal?: false; result: ParseResult } | { ok: false; fatal: true; result: ParseResult } | { ok: false; fatal?: false; error: Diagnostic }

/** One js-yaml parse of `work` (the text, maybe with lines blanked); positions refer to the original text. */
function parseOnce(work: string, idx: LineIndex, diagnostics: Diagnostic[]): Attempt {
  let events: Event[]
  let values: unknown[]
  try {
    events = parseEvents(work, {})
    values = constructFromEvents(events, { source: work })
  } catch (e) {
    return { ok: false, error: syntaxDiagnostic(e, idx) }
  }
  const docs = events.filter((e) => e.type === EVENT_ID.DOCUMENT).length
  if (docs > 1) {
    diagnostics.push({
      line: 1, column: 1, endLine: 1, endColumn: 1,
      severity: 'error',
      code: 'yaml.multi-document',
      message: `Expected a single YAML document but found ${docs}`
    })
    return { ok: false, fatal: true, result: { value: undefined, sourceMap: new Map(), diagnostics } }
  }
  const raw = values.length === 0 ? null : values[0]
  // Aliases share one object, so a short text can stand for a huge tree ("billion laughs"): refuse a
  // document whose expanded size passes the limit before anything walks or copies it.
  const expanded = expandedSize(raw, MAX_EXPANDED_VALUES)
  if (expanded > MAX_EXPANDED_VALUES) {
    diagnostics.push({
      line: 1, column: 1, endLine: 1, endColumn: 1,
      severity: 'error',
      code: 'yaml.alias-expansion',
      message: `Its aliases expand this document to more than ${MAX_EXPANDED_VALUES.toLocaleString('en')} values; a configuration never needs that many`
    })
    return { ok: false, fatal: true, result: { value: undefined, sourceMap: new Map(), diagnostics } }
  }
  const value = toConfigValue(raw, diagnostics)
  return { ok: true, result: { value, sourceMap: buildSourceMap(work, events, idx), diagnostics } }
}

/** js-yaml's core schema yields JSON-like values; anything else (e.g. a non-finite float) is reported. */
function toConfigValue(v: unknown, diagnostics: Diagnostic[]): ConfigValue {
  if (v === null || v === undefined) return null
  if (typeof v === 'string' || typeof v === 'boolean') return v
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      diagnostics.push({
        line: 1, column: 1, endLine: 1, endColumn: 1,
        severity: 'warning',
        code: 'yaml.non-finite',
        message: `Non-finite number ${v} has no HOCON/JSON equivalent; it is kept as the string "${v}"`
      })
      return String(v)
    }
    return v
  }
  if (Array.isArray(v)) return v.map((x) => toConfigValue(x, diagnostics))
  if (typeof v === 'object') {
    const out: Record<string, ConfigValue> = {}
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === '__proto__') Object.defineProperty(out, k, { value: toConfigValue(x, diagnostics), enumerable: true, writable: true, configurable: true })
      else out[k] = toConfigValue(x, diagnostics)
    }
    return out
  }
  return String(v)
}
