/**
 * Tiny logger for the core (plain Node, never imports 'electron').
 *
 * One line per entry on stderr (and optionally appended to a file set by `setLogFile`):
 *   2026-01-01T10:00:00.000Z WARN  [scope] message {"k":"v"}
 *
 * Everything logged passes through `redact()` first: values under secret-looking keys,
 * `Bearer …` / `Basic …` credentials, JWT-looking strings and passwords in URLs become "[redacted]".
 *
 * Then control characters are escaped, so text from a server (a user name with ANSI escape codes, a
 * newline that forges a second entry, a bidi override that reorders what a reader sees) can never
 * reach a terminal or a log viewer raw: C0 (incl. tab/CR/LF), DEL, C1, U+2028/U+2029 and the bidi
 * embeddings/overrides/isolates U+202A–U+202E, U+2066–U+2069. In the message they are written as
 * `\x1b`, `\n`, `\u202e`…; in the JSON details as JSON escapes (`\u001b`), so the details stay
 * valid JSON that parses back to the original strings. Sinks get the same escaped message and a
 * copy of the details whose strings (and keys) are escaped the same way.
 */
import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { inspect } from 'node:util'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  readonly scope: string
  debug(message: string, details?: unknown): void
  info(message: string, details?: unknown): void
  warn(message: string, details?: unknown): void
  error(message: string, details?: unknown): void
  /** A logger whose scope is `<scope>:<sub>`. */
  child(sub: string): Logger
}

export interface LogRecord {
  time: string
  level: LogLevel
  scope: string
  /** Redacted, control characters escaped. */
  message: string
  /** Already redacted; strings and keys with control characters escaped. */
  details?: unknown
  /** The formatted, redacted, escaped line (without trailing newline): never contains a raw control character. */
  line: string
}

export const REDACTED = '[redacted]'

/** Keys whose values are always replaced, whatever their type. */
export const SECRET_KEY_PATTERN = /secret|password|passwd|token|authorization|private|credential|cookie|api[-_]?key/i

// `Bearer <anything up to whitespace/quote>` and `Basic <base64>`
const AUTH_SCHEME_PATTERN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi
// A JWT: three base64url segments, the first one a JSON object ("eyJ" = '{"').
const JWT_PATTERN = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g
// user:password@ in URLs
const URL_USERINFO_PATTERN = /(\b[a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+):([^/\s@]+)@/gi

/** Redact secrets inside one string. */
export function redactString(text: string): string {
  return text
    .replace(JWT_PATTERN, REDACTED)
    .replace(AUTH_SCHEME_PATTERN, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(URL_USERINFO_PATTERN, (_m, proto: string, user: string) => `${proto}${user}:${REDACTED}@`)
}

/**
 * Return a redacted deep copy of `value` (strings, arrays, plain objects, Errors, Maps).
 * Never mutates its input; cycles become "[circular]".
 */
export function redact<T = unknown>(value: T): T {
  return redactInner(value, new WeakSet(), 0) as T
}

function redactInner(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return redactString(value)
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') return `[function ${(value as { name?: string }).name || 'anonymous'}]`
    return value
  }
  if (seen.has(value)) return '[circular]'
  if (depth > 20) return '[too deep]'
  seen.add(value)
  try {
    if (value instanceof Error) {
      const out: Record<string, unknown> = { name: value.name, message: redactString(value.message) }
      for (const [k, v] of Object.entries(value)) {
        // axios errors carry their request config (with the Authorization header): drop it wholesale
        if (k === 'config' || k === 'request' || k === 'response') continue
        out[k] = SECRET_KEY_PATTERN.test(k) ? REDACTED : redactInner(v, seen, depth + 1)
      }
      return out
    }
    if (Array.isArray(value)) return value.map((v) => redactInner(v, seen, depth + 1))
    if (value instanceof Map) {
      const out: Record<string, unknown> = {}
      for (const [k, v] of value) {
        const key = String(k)
        out[key] = SECRET_KEY_PATTERN.test(key) ? REDACTED : redactInner(v, seen, depth + 1)
      }
      return out
    }
    if (value instanceof Date) return value.toISOString()
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY_PATTERN.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redactInner(v, seen, depth + 1)
    }
    return out
  } finally {
    seen.delete(value)
  }
}

// ---------------------------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g
// What JSON.stringify leaves raw: it escapes C0 itself but not DEL, C1, bidi controls or U+2028/U+2029.
const UNSAFE_AFTER_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0')
}

/**
 * Escape control characters and bidi controls for a single-line, readable log entry:
 * `\n` `\r` `\t`, `\xNN` for the rest of C0, DEL and C1, `\uNNNN` for bidi controls and U+2028/U+2029.
 * Backslashes are left alone (paths stay readable).
 */
export function escapeControlChars(text: string): string {
  return text.replace(UNSAFE_CHARS, (ch) => {
    if (ch === '\n') return '\\n'
    if (ch === '\r') return '\\r'
    if (ch === '\t') return '\\t'
    const code = ch.charCodeAt(0)
    return code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`
  })
}

/** Deep copy with every string (and object key) passed through `escapeControlChars`. */
function escapeDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return escapeControlChars(value)
  if (value === null || typeof value !== 'object' || depth > 25) return value
  if (Array.isArray(value)) return value.map((v) => escapeDeep(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[escapeControlChars(k)] = escapeDeep(v, depth + 1)
  return out
}

const LEVEL_ORDER: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

function initialLevel(): LogLevel | 'silent' {
  const env = process.env.CLEARML_CONSOLE_LOG_LEVEL?.toLowerCase()
  if (env && env in LEVEL_ORDER) return env as LogLevel | 'silent'
  return 'info'
}

let minLevel: LogLevel | 'silent' = initialLevel()
let logFile: string | null = null
let stderrEnabled = true
const sinks = new Set<(record: LogRecord) => void>()

/** Also append every line to this file (created with its folder); `null` stops it. */
export function setLogFile(path: string | null): void {
  if (path) mkdirSync(dirname(path), { recursive: true })
  logFile = path
}

/** Minimum level written to stderr / file / sinks ('silent' writes nothing). */
export function setLogLevel(level: LogLevel | 'silent'): void {
  minLevel = level
}

/** Turn the stderr output on or off (tests capture through `addLogSink` instead). */
export function setStderrLogging(enabled: boolean): void {
  stderrEnabled = enabled
}

/** Receive every (redacted) record; returns a function that removes the sink. */
export function addLogSink(sink: (record: LogRecord) => void): () => void {
  sinks.add(sink)
  return () => sinks.delete(sink)
}

function formatDetails(details: unknown): string {
  if (details === undefined) return ''
  if (typeof details === 'string') return ' ' + escapeControlChars(details)
  let json: string | undefined
  try {
    json = JSON.stringify(details)
  } catch {
    json = undefined
  }
  // JSON escapes C0 itself; the rest becomes a JSON \uNNNN escape so the details remain parseable
  if (json !== undefined) return ' ' + json.replace(UNSAFE_AFTER_JSON, (ch) => `\\u${hex(ch.charCodeAt(0), 4)}`)
  return ' ' + escapeControlChars(inspect(details, { depth: 4, breakLength: Infinity }))
}

function write(level: LogLevel, scope: string, message: string, details: unknown): void {
  if (LEVEL_ORDER[level] < LEVEL_ORDER[minLevel]) return
  const time = new Date().toISOString()
  const safeMessage = escapeControlChars(redactString(String(message)))
  const redacted = details === undefined ? undefined : redact(details)
  // The final pass is a backstop (scope, anything a formatter let through): no raw control character
  // ever reaches the line, so one entry is always exactly one line.
  const line = escapeControlChars(`${time} ${level.toUpperCase().padEnd(5)} [${scope}] ${safeMessage}${formatDetails(redacted)}`)
  const safeDetails = redacted === undefined ? undefined : escapeDeep(redacted)
  if (stderrEnabled) process.stderr.write(line + '\n')
  if (logFile) {
    try {
      appendFileSync(logFile, line + '\n', { mode: 0o600 })
    } catch {
      /* a broken log file must never break the app */
    }
  }
  for (const sink of sinks) {
    try {
      sink({ time, level, scope, message: safeMessage, details: safeDetails, line })
    } catch {
      /* ignore */
    }
  }
}

export function createLogger(scope: string): Logger {
  return {
    scope,
    debug: (m, d) => write('debug', scope, m, d),
    info: (m, d) => write('info', scope, m, d),
    warn: (m, d) => write('warn', scope, m, d),
    error: (m, d) => write('error', scope, m, d),
    child: (sub) => createLogger(`${scope}:${sub}`)
  }
}
