import { errors } from './errors'

/** Request-path and request-data parsing per clearml-api.md §1.1. */

export interface ParsedPath { name: string; version: string | null }

const PATH_RE = /^\/*(?:v(\d+\.\d+)\/+)?([A-Za-z0-9_]+\.[A-Za-z0-9_]+)\/*$/

export function parsePath(pathname: string): ParsedPath {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    decoded = pathname
  }
  const m = PATH_RE.exec(decoded)
  if (!m) throw errors.badRequest(`Invalid request path ${decoded}`)
  return { version: m[1] ?? null, name: m[2] }
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

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = target
  for (const seg of path.slice(0, -1)) {
    if (!isPlainObject(cur[seg])) cur[seg] = {}
    cur = cur[seg] as Record<string, unknown>
  }
  cur[path[path.length - 1]] = value
}

/**
 * Merge query-string (or form) args into the request data: repeated keys or `key[]` give a list,
 * dotted keys give nested objects; values go through convertScalar.
 */
export function mergeParams(data: Record<string, unknown>, params: URLSearchParams): void {
  const grouped = new Map<string, { values: string[]; list: boolean }>()
  for (const [rawKey, value] of params) {
    const list = rawKey.endsWith('[]')
    const key = list ? rawKey.slice(0, -2) : rawKey
    if (!key) continue
    const g = grouped.get(key) ?? { values: [], list: false }
    g.values.push(value)
    g.list ||= list
    grouped.set(key, g)
  }
  for (const [key, { values, list }] of grouped) {
    const converted = values.map(convertScalar)
    const value = list || converted.length > 1 ? converted : converted[0]
    setPath(data, key.split('.').filter(Boolean), value)
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
      mergeParams(data, new URLSearchParams(text))
      return data
    }
    throw errors.badRequest(`Invalid JSON body: ${(e as Error).message}`)
  }
  if (!isPlainObject(parsed)) throw errors.badRequest('Invalid request body: expected a JSON object')
  return parsed
}
