// ClearML-specific lint of a parsed vault / clearml.conf: unknown keys (with "did you mean"), value types,
// keys an administrator vault cannot set, pyhocon-vs-spec text pitfalls, and YAML vault format.
import type { ConfigFormat, ConfigValue, Diagnostic, ParseResult, Range } from './types.ts'
import { pathKey } from './types.ts'
import type { ClearmlKey } from './clearml-schema.ts'
import { AGENT_RESTORED_KEYS } from './clearml-schema.ts'
import { CLEARML_KEYS } from './clearml-keys.generated.ts'
import { pyhoconChecks } from './pyhocon-checks.ts'
import { LineIndex, isPlainObject } from './text.ts'

export interface LintOptions {
  format: ConfigFormat
  /** The text is an administrator (group-scope) vault: the agent ignores some keys there. */
  adminVault?: boolean
}

const FIRST_LINE: Range = { line: 1, column: 1, endLine: 1, endColumn: 1 }

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const n = a.length
  const m = b.length
  if (Math.abs(n - m) > 3) return Math.abs(n - m)
  const d: number[][] = []
  for (let i = 0; i <= n; i++) {
    d.push(new Array<number>(m + 1).fill(0))
    d[i][0] = i
  }
  for (let j = 0; j <= m; j++) d[0][j] = j
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[n][m]
}

const normalize = (s: string): string => s.toLowerCase().replace(/-/g, '_')

function closest(key: string, candidates: string[]): string | undefined {
  const limit = key.length <= 4 ? 1 : key.length <= 8 ? 2 : 3
  let best: string | undefined
  let bestD = Infinity
  for (const c of candidates) {
    const dist = normalize(c) === normalize(key) ? 0 : editDistance(key, c)
    if (dist < bestD && dist <= limit) {
      best = c
      bestD = dist
    }
  }
  return best
}

/** Index of every known key name -> full paths, for "did you mean 'api.credentials.access_key'". */
let byName: Map<string, string[]> | undefined
function keysByName(): Map<string, string[]> {
  if (byName) return byName
  byName = new Map()
  const walk = (n: ClearmlKey, path: string[]): void => {
    for (const [k, c] of Object.entries(n.children ?? {})) {
      const list = byName!.get(k) ?? []
      list.push([...path, k].join('.'))
      byName!.set(k, list)
      walk(c, [...path, k])
    }
  }
  walk(CLEARML_KEYS, [])
  return byName
}

function kind(v: ConfigValue): 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object' {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v as 'string' | 'number' | 'boolean' | 'object'
}

function article(k: string): string {
  return /^[aeiou]/.test(k) ? `an ${k}` : `a ${k}`
}

export function lintClearml(result: ParseResult, text: string, opts: LintOptions): Diagnostic[] {
  const out: Diagnostic[] = []
  const idx = new LineIndex(text)

  if (opts.format === 'yaml') {
    out.push({
      ...idx.range(0, idx.lineText(1).length || 0),
      severity: 'warning',
      code: 'clearml.yaml-vault',
      message:
        "ClearML's SDK and agent parse vault data as HOCON only, so a YAML vault may not be read as intended. " +
        'Convert it to HOCON (the values are kept; comments are lost).'
    })
  }
  const capitalized = new Set<string>()
  if (opts.format === 'hocon') {
    for (const d of pyhoconChecks(text, idx)) {
      out.push(d)
      if (d.code === 'pyhocon.capitalized-literal') capitalized.add(`${d.line}:${d.column}`)
    }
  }

  // After syntax errors the parsers recover: lint what they could still read (the broken parts are left out).
  const value = result.value ?? result.partial
  if (value === undefined) return out
  if (!isPlainObject(value)) {
    out.push({ ...FIRST_LINE, severity: 'error', code: 'clearml.root-not-object', message: `A ClearML configuration must be an object at the top level, not ${article(kind(value))}` })
    return out
  }

  const sm = result.sourceMap
  const locate = (segs: (string | number)[], which: 'key' | 'value'): Range => {
    for (let i = segs.length; i > 0; i--) {
      const e = sm.get(pathKey(segs.slice(0, i)))
      if (e) return i === segs.length ? e[which] : e.key
    }
    return FIRST_LINE
  }
  /** True when the value text at `r` is an unquoted capitalised True/False (reported by the pyhocon check). */
  const isCapitalizedLiteral = (r: Range, v: string): boolean => {
    if (opts.format !== 'hocon' || !/^(true|false)$/i.test(v) || v === v.toLowerCase()) return false
    if (capitalized.has(`${r.line}:${r.column}`)) return true
    // No exact value position (e.g. a source map without this entry): trust the text scan if it saw such a literal.
    const s = text.slice(idx.offset(r.line, r.column), idx.offset(r.endLine, r.endColumn)).trim()
    return s === v || (r === FIRST_LINE && capitalized.size > 0)
  }

  const restricted = new Set<string>(AGENT_RESTORED_KEYS)

  const checkType = (v: ConfigValue, schema: ClearmlKey, segs: (string | number)[]): void => {
    if (schema.type.includes('any') || v === null) return
    const k = kind(v)
    const want = schema.type
    if ((want as string[]).includes(k)) return
    let ok = false
    let why = ''
    if (k === 'number' && want.includes('string')) ok = true // ClearML reads str(value)
    else if (k === 'string' && want.includes('number') && /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(v as string)) ok = true
    // sizes and durations such as "10GB", "500 MiB", "30s": ClearML parses some numeric settings with units
    else if (k === 'string' && want.includes('number') && /^\s*\d+(\.\d+)?\s*[A-Za-z]{1,3}\s*$/.test(v as string)) ok = true
    else if (schema.loose && k !== 'object' && k !== 'array') ok = true
    else if (k === 'string' && want.includes('boolean')) {
      const r = locate(segs, 'value')
      if (isCapitalizedLiteral(r, v as string)) ok = true // explained by pyhocon.capitalized-literal
      else why = ' A quoted string is not a boolean: Python treats any non-empty string (even "false") as true.'
    }
    if (ok) return
    const p = segs.join('.')
    out.push({
      ...locate(segs, 'value'),
      severity: 'warning',
      code: 'clearml.type',
      path: pathKey(segs),
      message: `'${p}' expects ${want.map(article).join(' or ')} but got ${article(k)}.${why}${schema.doc ? ` (${schema.doc})` : ''}`
    })
  }

  const unknownKey = (key: string, parent: ClearmlKey, segs: (string | number)[]): void => {
    const siblings = Object.keys(parent.children ?? {})
    const p = segs.join('.')
    const suggestion = closest(key, siblings)
    let message = `Unknown key '${p}': ClearML does not read it.`
    let fix: Diagnostic['fix']
    const keyRange = locate(segs, 'key')
    if (suggestion) {
      message += ` Did you mean '${suggestion}'?`
      const keyText = text.slice(idx.offset(keyRange.line, keyRange.column), idx.offset(keyRange.endLine, keyRange.endColumn))
      if (keyText === key) fix = { title: `Rename to '${suggestion}'`, replacement: suggestion }
      else if (keyText === JSON.stringify(key)) fix = { title: `Rename to '${suggestion}'`, replacement: JSON.stringify(suggestion) }
      else if (keyText.endsWith('.' + key)) fix = { title: `Rename to '${suggestion}'`, replacement: keyText.slice(0, keyText.length - key.length) + suggestion }
    } else {
      const elsewhere = (keysByName().get(key) ?? []).filter((x) => x !== p)
      if (elsewhere.length > 0 && elsewhere.length <= 3) {
        message += ` Did you mean '${elsewhere.join("' or '")}'?`
      }
    }
    out.push({ ...keyRange, severity: 'warning', code: 'clearml.unknown-key', path: pathKey(segs), message, ...(fix ? { fix } : {}) })
  }

  const walk = (v: ConfigValue, schema: ClearmlKey | undefined, segs: (string | number)[]): void => {
    if (opts.adminVault && segs.length === 2 && restricted.has(segs.join('.'))) {
      out.push({
        ...locate(segs, 'key'),
        severity: 'error',
        code: 'clearml.vault-restricted-key',
        path: pathKey(segs),
        message: `'${segs.join('.')}' cannot be set in an administrator vault: the agent restores its own value after applying vaults. Set it in the agent's clearml.conf or environment instead.`
      })
    }
    if (!schema) return
    if (segs.length > 0) checkType(v, schema, segs)
    if (isPlainObject(v)) {
      for (const [k, child] of Object.entries(v)) {
        const cs = schema.children && Object.prototype.hasOwnProperty.call(schema.children, k) ? schema.children[k] : undefined
        if (cs) walk(child, cs, [...segs, k])
        else if (schema.open || schema.type.includes('any')) walk(child, schema.entry, [...segs, k])
        else if (schema.children) unknownKey(k, schema, [...segs, k])
        else if (opts.adminVault) walk(child, undefined, [...segs, k])
      }
    } else if (Array.isArray(v) && schema.items) {
      v.forEach((el, i) => walk(el, schema.items, [...segs, i]))
    }
  }
  walk(value, CLEARML_KEYS, [])
  out.sort((a, b) => a.line - b.line || a.column - b.column)
  return out
}

/** The description and type of a key path (e.g. for editor hovers), or undefined when unknown. */
export function describeClearmlKey(path: readonly string[]): { type: string[]; doc?: string } | undefined {
  let n: ClearmlKey | undefined = CLEARML_KEYS
  for (const seg of path) {
    if (!n) return undefined
    if (n.children && Object.prototype.hasOwnProperty.call(n.children, seg)) n = n.children[seg]
    else if (/^\d+$/.test(seg) && n.items) n = n.items
    else if (n.open) n = n.entry
    else return undefined
  }
  return n ? { type: n.type, doc: n.doc } : undefined
}
