import { errors } from './errors'

/** Request-path and request-data parsing per clearml-api.md §1.1. */

export interface ParsedPath { name: string; version: string | null }

const PATH_RE = /^\/*(?:v(\d+\.\d+)\/+)?([A-Za-z0-9_]+\.[A-Za-z0-9_]+)\/*$/

/** Longest piece of client input quoted back in an error message. */
const ECHO_MAX = 200
export function clip(s: string, max = ECHO_MAX): string {
  return s.length > max ? `${s.slice(0, max)}…` : s
}

/**
 * Splits a request target into path and query without interpreting it as a URL: `new URL()` would read a
 * target starting with `//` as an authority (and throw on `//%E0…`). An absolute-form target
 * (`http://host/path?q`) is reduced to its path.
 */
export function splitTarget(target: string): { pathname: string; query: string } {
  let t = target
  const abs = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(t)
  if (abs) t = t.slice(abs[0].length)
  const hash = t.indexOf('#')
  if (hash >= 0) t = t.slice(0, hash)
  const q = t.indexOf('?')
  return q < 0 ? { pathname: t, query: '' } : { pathname: t.slice(0, q), query: t.slice(q + 1) }
}

/** decodeURIComponent that reports malformed %-escapes (bad hex, invalid UTF-8, encoded surrogates) as 400/0. */
function decodeStrict(s: string, what: string): string {
  if (!s.includes('%')) return s
  try {
    return decodeURIComponent(s)
  } catch {
    throw errors.badRequest(`malformed percent-encoding in the ${what}`)
  }
}

export function parsePath(pathname: string): ParsedPath {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    throw errors.badRequest(`Invalid request path (malformed percent-encoding)`)
  }
  const m = PATH_RE.exec(decoded)
  if (!m) throw errors.badRequest(`Invalid request path ${clip(decoded)}`)
  return { version: m[1] ?? null, name: m[2] }
}

/**
 * Parses a query string or form body (`+` is a space) into ordered key/value pairs. Unlike URLSearchParams,
 * which silently turns malformed escapes into U+FFFD, a malformed escape is a 400.
 */
export function parseQuery(query: string, what = 'query string'): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  for (const part of query.split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    const rawKey = eq < 0 ? part : part.slice(0, eq)
    const rawValue = eq < 0 ? '' : part.slice(eq + 1)
    pairs.push([decodeStrict(rawKey.replaceAll('+', ' '), what), decodeStrict(rawValue.replaceAll('+', ' '), what)])
  }
  return pairs
}

/** "2.23" -> comparable tuple. */
export function versionKey(v: string): [number, number] {
  const [a, b] = v.split('.').map(Number)
  return [a || 0, b || 0]
}
export function compareVersions(a: string, b: string): number {
  const [a1, a2] = versionKey(a)
  const [b1, b2] = versionKey(b)
  return a1 - b1 || a2 - b2
}

/** Numeric-looking strings become numbers, true/false become booleans (like the server's multi-dict handling). */
export function convertScalar(v: string): unknown {
  if (/^-?\d+$/.test(v)) {
    const n = Number(v)
    return Number.isSafeInteger(n) ? n : v
  }
  if (/^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(v)) return Number(v)
  const lower = v.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  return v
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

// --- safe keys --------------------------------------------------------------------------------------
/**
 * Key names that reach into an object's prototype when used as a property name or a dot-path segment.
 * They are refused wherever a client can name a key (JSON bodies, query/form keys, preference paths).
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])
const RESERVED_SEGMENT = /(?:^|\.)(?:__proto__|constructor|prototype)(?:\.|$)/

/** Throws 400/12 if the key, or any of its dot-separated segments, is a reserved name. */
export function checkKey(key: string): void {
  if (RESERVED_SEGMENT.test(key)) throw errors.validation(`reserved key name in '${clip(key, 100)}'`)
}

/** The own property `key` of `obj` (never an inherited one). */
export function ownValue(obj: object, key: string): unknown {
  return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined
}

/** Creates or replaces the own property `key` (a plain assignment to `__proto__` would set the prototype). */
export function setOwn(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true })
}

/**
 * Sets `value` at a dot path, creating objects on the way and replacing non-objects. Only own properties are
 * followed and reserved segments are refused, so no segment can ever reach a prototype.
 */
function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  for (const seg of path) if (RESERVED_KEYS.has(seg)) throw errors.validation(`reserved key name '${seg}'`)
  let cur = target
  for (const seg of path.slice(0, -1)) {
    let next = ownValue(cur, seg)
    if (!isPlainObject(next)) {
      next = {}
      setOwn(cur, seg, next)
    }
    cur = next as Record<string, unknown>
  }
  setOwn(cur, path[path.length - 1], value)
}

/** Request data nested deeper than this is refused (400/12); real ClearML data nests a handful of levels. */
export const MAX_DEPTH = 128

/**
 * Checks the whole request data before anything else looks at it: no reserved key name at any level and
 * at most MAX_DEPTH levels of nesting. Iterative, so any depth JSON.parse accepts is safe to check.
 */
export function checkRequestData(data: unknown): void {
  const stack: Array<[unknown, number]> = [[data, 0]]
  while (stack.length) {
    const [value, depth] = stack.pop()!
    if (typeof value !== 'object' || value === null) continue
    if (depth >= MAX_DEPTH) throw errors.validation(`request data is nested deeper than ${MAX_DEPTH} levels`)
    if (Array.isArray(value)) {
      for (const v of value) stack.push([v, depth + 1])
      continue
    }
    for (const key of Object.keys(value)) {
      if (RESERVED_KEYS.has(key)) throw errors.validation(`reserved key name '${key}'`)
      stack.push([(value as Record<string, unknown>)[key], depth + 1])
    }
  }
}

/**
 * Merge query-string (or form) args into the request data: repeated keys or `key[]` give a list,
 * dotted keys give nested objects; values go through convertScalar. A reserved key name → 400/12.
 */
export function mergeParams(data: Record<string, unknown>, params: Iterable<[string, string]>): void {
  const grouped = new Map<string, { values: string[]; list: boolean }>()
  for (const [rawKey, value] of params) {
    const list = rawKey.endsWith('[]')
    const key = list ? rawKey.slice(0, -2) : rawKey
    if (!key) continue
    checkKey(key)
    const g = grouped.get(key) ?? { values: [], list: false }
    g.values.push(value)
    g.list ||= list
    grouped.set(key, g)
  }
  for (const [key, { values, list }] of grouped) {
    const path = key.split('.').filter(Boolean)
    if (!path.length) continue
    if (path.length > MAX_DEPTH) throw errors.validation(`query key is nested deeper than ${MAX_DEPTH} levels`)
    const converted = values.map(convertScalar)
    setPath(data, path, list || converted.length > 1 ? converted : converted[0])
  }
}

/** Parse the body: JSON whatever the Content-Type; a form-urlencoded body that is not JSON is merged like a query string. */
export function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8')
  const data: Record<string, unknown> = {}
  if (!text.trim()) return data
  const isForm = !!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    // curl -d sends JSON as a form by default; only real form bodies fall back to form parsing
    if (isForm && !/^\s*[[{]/.test(text)) {
      mergeParams(data, parseQuery(text, 'form body'))
      return data
    }
    throw errors.badRequest(`Invalid JSON body: ${clip((e as Error).message)}`)
  }
  if (!isPlainObject(parsed)) throw errors.badRequest('Invalid request body: expected a JSON object')
  return parsed
}
