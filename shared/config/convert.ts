// Value-preserving conversion among HOCON, JSON and YAML. Comments and HOCON substitutions are not
// carried over (the parsed, resolved value is what is written); the result says so.
import { dump } from 'js-yaml'
import type { ConfigFormat, ConfigValue, Diagnostic } from './types.ts'
import { parseConfig } from './parse.ts'
import { isPlainObject } from './text.ts'

export interface ConvertResult {
  /** Converted text; undefined when the source does not parse. */
  text?: string
  diagnostics: Diagnostic[]
  /** The source had comments, which the converted text does not keep. */
  lostComments: boolean
}

const FORMAT_NAME: Record<ConfigFormat, string> = { hocon: 'HOCON', json: 'JSON', yaml: 'YAML' }
const INDENT = '  '

function hoconKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) && !/^(true|false|null|include)$/i.test(k) ? k : JSON.stringify(k)
}

function hoconString(s: string): string {
  // Unquoted only when every HOCON reader (spec and pyhocon) reads the same string back.
  if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|include|nan|infinity)$/i.test(s) && !s.endsWith('.')) return s
  return JSON.stringify(s)
}

function hoconNumber(n: number): string {
  if (!Number.isFinite(n)) return JSON.stringify(String(n))
  return Object.is(n, -0) ? '-0' : String(n)
}

function hoconScalar(v: ConfigValue): string {
  if (v === null) return 'null'
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'number') return hoconNumber(v)
  if (typeof v === 'string') return hoconString(v)
  throw new Error('not a scalar')
}

function isScalar(v: ConfigValue): boolean {
  return v === null || typeof v !== 'object'
}

function hoconValue(v: ConfigValue, depth: number): string {
  const pad = INDENT.repeat(depth)
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]'
    if (v.every(isScalar)) {
      const inline = `[${v.map(hoconScalar).join(', ')}]`
      if (inline.length <= 100 && !inline.includes('\n')) return inline
    }
    const inner = INDENT.repeat(depth + 1)
    return `[\n${v.map((x) => inner + hoconValue(x, depth + 1)).join('\n')}\n${pad}]`
  }
  if (isPlainObject(v)) {
    const entries = Object.entries(v)
    if (entries.length === 0) return '{}'
    return `{\n${hoconMembers(v, depth + 1)}\n${pad}}`
  }
  return hoconScalar(v)
}

function hoconMembers(obj: { [k: string]: ConfigValue }, depth: number): string {
  const pad = INDENT.repeat(depth)
  return Object.entries(obj)
    .map(([k, v]) => (isPlainObject(v) ? `${pad}${hoconKey(k)} ${hoconValue(v, depth)}` : `${pad}${hoconKey(k)}: ${hoconValue(v, depth)}`))
    .join('\n')
}

/** Readable HOCON: nested objects as blocks, keys and strings quoted only where needed. */
export function toHocon(value: ConfigValue): string {
  if (isPlainObject(value)) {
    const body = hoconMembers(value, 0)
    return body ? body + '\n' : '{}\n'
  }
  if (Array.isArray(value)) return hoconValue(value, 0) + '\n'
  throw new Error('A HOCON document must be an object or an array at the top level')
}

export function toJson(value: ConfigValue): string {
  return JSON.stringify(value, null, 2) + '\n'
}

export function toYaml(value: ConfigValue): string {
  return dump(value, { lineWidth: -1, noRefs: true } as Parameters<typeof dump>[1])
}

export function serializeConfig(value: ConfigValue, format: ConfigFormat): string {
  return format === 'hocon' ? toHocon(value) : format === 'json' ? toJson(value) : toYaml(value)
}

/** Finds comments (and, for HOCON, substitutions) outside quoted strings. */
export function scanComments(text: string, format: ConfigFormat): { comments: boolean; substitutions: boolean } {
  let comments = false
  let substitutions = false
  if (format === 'json') return { comments, substitutions }
  let i = 0
  const n = text.length
  let lineStart = true
  let prevSpace = true
  while (i < n) {
    const c = text[i]
    if (format === 'hocon' && text.startsWith('"""', i)) {
      const e = text.indexOf('"""', i + 3)
      i = e < 0 ? n : e + 3
      prevSpace = false
      continue
    }
    if (c === '"' || (format === 'yaml' && c === "'")) {
      i++
      while (i < n && text[i] !== c && text[i] !== '\n') i += c === '"' && text[i] === '\\' ? 2 : 1
      i++
      prevSpace = false
      lineStart = false
      continue
    }
    if (c === '#' && (format === 'hocon' || lineStart || prevSpace)) comments = true
    else if (format === 'hocon' && c === '/' && text[i + 1] === '/' && !/[A-Za-z0-9+.-]:$/.test(text.slice(Math.max(0, i - 30), i))) comments = true
    else if (format === 'hocon' && c === '$' && text[i + 1] === '{') substitutions = true
    if (c === '#' || (format === 'hocon' && c === '/' && text[i + 1] === '/' && comments)) {
      while (i < n && text[i] !== '\n') i++
      continue
    }
    lineStart = c === '\n'
    prevSpace = c === ' ' || c === '\t' || c === '\n'
    i++
  }
  return { comments, substitutions }
}

export function convertConfig(text: string, from: ConfigFormat, to: ConfigFormat): ConvertResult {
  const parsed = parseConfig(text, from)
  const diagnostics: Diagnostic[] = [...parsed.diagnostics]
  const { comments, substitutions } = scanComments(text, from)
  if (parsed.value === undefined) return { diagnostics, lostComments: false }
  let out: string
  try {
    out = serializeConfig(parsed.value, to)
  } catch (e) {
    diagnostics.push({ line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'convert.unsupported', message: (e as Error).message })
    return { diagnostics, lostComments: false }
  }
  if (comments) {
    diagnostics.push({
      line: 1, column: 1, endLine: 1, endColumn: 1,
      severity: 'info',
      code: 'convert.comments-lost',
      message: `The ${FORMAT_NAME[from]} source has comments; they are not carried over to the ${FORMAT_NAME[to]} text.`
    })
  }
  if (substitutions && to !== 'hocon') {
    diagnostics.push({
      line: 1, column: 1, endLine: 1, endColumn: 1,
      severity: 'info',
      code: 'convert.substitutions-resolved',
      message: `HOCON substitutions (\${...}) were resolved without environment variables; the ${FORMAT_NAME[to]} text holds the resulting values.`
    })
  } else if (substitutions) {
    diagnostics.push({
      line: 1, column: 1, endLine: 1, endColumn: 1,
      severity: 'info',
      code: 'convert.substitutions-resolved',
      message: 'HOCON substitutions (${...}) were resolved without environment variables and written as values.'
    })
  }
  return { text: out, diagnostics, lostComments: comments }
}
