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

export function parseYaml(text: string): ParseResult {
  const idx = new LineIndex(text)
  const diagnostics: Diagnostic[] = []
  try {
    const events = parseEvents(text, {})
    const docs = events.filter((e) => e.type === EVENT_ID.DOCUMENT).length
    const values = constructFromEvents(events, { source: text })
    if (docs > 1) {
      diagnostics.push({
        line: 1, column: 1, endLine: 1, endColumn: 1,
        severity: 'error',
        code: 'yaml.multi-document',
        message: `Expected a single YAML document but found ${docs}`
      })
      return { value: undefined, sourceMap: new Map(), diagnostics }
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
      return { value: undefined, sourceMap: new Map(), diagnostics }
    }
    const value = toConfigValue(raw, diagnostics)
    return { value, sourceMap: buildSourceMap(text, events, idx), diagnostics }
  } catch (e) {
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
    diagnostics.push({ ...r, severity: 'error', code: 'yaml.syntax', message: reason })
    return { value: undefined, sourceMap: new Map(), diagnostics }
  }
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
