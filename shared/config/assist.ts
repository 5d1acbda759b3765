// Editor assistance from the clearml.conf key tree: what a key means (hover: description, type, default)
// and which keys can go where (completion), for HOCON, JSON and YAML text. A light scan of the text up to
// the cursor finds the key path there; it copes with unfinished text (unclosed braces, a key being typed)
// and never builds a value tree. The renderer runs it in a Web Worker (AssistService, one parse-free scan
// per request, the text sent once per model version), never on the UI thread. Pure TypeScript.
import type { ConfigFormat, Range } from './types.ts'
import { pathKey } from './types.ts'
import type { ClearmlKey, ClearmlValueKind } from './clearml-schema.ts'
import { AGENT_RESTORED_KEYS } from './clearml-schema.ts'
import { CLEARML_KEYS } from './clearml-keys.generated.ts'
import { CLEARML_DEFAULTS } from './clearml-defaults.generated.ts'
import { LineIndex } from './text.ts'

// ------------------------------------------------------------------------------------------ key context

/** One segment of a key path as written in the text: [start, end) offsets of its text (quotes excluded). */
export interface KeySeg {
  text: string
  start: number
  end: number
  quoted: boolean
}

/** Where the cursor is, as far as keys go. */
export type KeyContext =
  /** On a key: `segments` is the whole key path expression, the cursor on segment `index`. */
  | { kind: 'key'; parent: (string | number)[]; segments: KeySeg[]; index: number }
  /** Where a key can start, nothing typed yet. */
  | { kind: 'key-start'; parent: (string | number)[] }
  | { kind: 'none' }

const NONE: KeyContext = { kind: 'none' }

/**
 * The key context at `offset`. For a hover (`hover`), the cursor is on the character at offset; for
 * completion, between the characters before and at offset (so the end of a key being typed counts).
 */
export function keyContextAt(text: string, format: ConfigFormat, offset: number, hover: boolean): KeyContext {
  const o = Math.max(0, Math.min(offset, text.length))
  if (format === 'json') return jsonContext(text, o, hover)
  if (format === 'yaml') return yamlContext(text, o, hover)
  return hoconContext(text, o, hover)
}

function within(offset: number, start: number, end: number, hover: boolean): boolean {
  return hover ? offset >= start && offset < end : offset >= start && offset <= end
}

/** The segment holding the cursor (the '.' after a segment counts for it). */
function segmentAt(segs: KeySeg[], offset: number): number {
  for (let i = 0; i < segs.length - 1; i++) if (offset < segs[i + 1].start) return i
  return segs.length - 1
}

// HOCON: characters that end an unquoted token, besides whitespace
const H_STOP = new Uint8Array(128)
for (const ch of '$"{}[]:=,+#`^?!@*&\\') H_STOP[ch.charCodeAt(0)] = 1
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 11 || c === 12 || c === 0xfeff || c === 0xa0

/** A line (after its indentation) that starts a field: `key =`, `key:`, `key {`, `key +=`. */
const FIELD_LINE = /[ \t]*(?:[A-Za-z_][\w.-]*|"(?:[^"\\\n]|\\.)*")[ \t]*(?:[:={]|\+=)/y
/** A JSON line that starts an object member: `"key":`. */
const MEMBER_LINE = /[ \t\r]*"(?:[^"\\\n]|\\.)*"[ \t]*:/y

const KEY = 0 // expecting a key
const AFTER_KEY = 1 // after a key, before ':' / '=' / '{'
const VALUE_START = 2 // after the separator, before the value
const VALUE = 3 // in the value

interface Frame {
  arr: boolean
  path: (string | number)[]
  state: number
  /** Key path of the field being parsed (objects) */
  pending: string[]
  /** Array: index of the current element, and whether it has started */
  index: number
  seen: boolean
}

function hoconContext(text: string, offset: number, hover: boolean): KeyContext {
  const n = text.length
  const stack: Frame[] = [{ arr: false, path: [], state: KEY, pending: [], index: 0, seen: false }]
  let rootOpen = false
  let p = 0
  const unquotedAt = (q: number): boolean => {
    const c = text.charCodeAt(q)
    return c === c && c !== 10 && !isSpace(c) && !(c < 128 && H_STOP[c] === 1) && !(c === 47 && text.charCodeAt(q + 1) === 47)
  }
  /** Skips a quoted string at q; returns its end and (for keys) its content. */
  const skipString = (q: number, wantContent = false): { end: number; content: string; closed: boolean } => {
    if (text.startsWith('"""', q)) {
      const e = text.indexOf('"""', q + 3)
      if (e < 0) return { end: n, content: wantContent ? text.slice(q + 3) : '', closed: false }
      let end = e + 3
      while (text.charCodeAt(end) === 34) end++
      return { end, content: wantContent ? text.slice(q + 3, end - 3) : '', closed: true }
    }
    let r = q + 1
    let content = ''
    for (;;) {
      const c = text.charCodeAt(r)
      if (c !== c || c === 10) return { end: r, content, closed: false }
      if (c === 34) return { end: r + 1, content, closed: true }
      if (c === 92 && r + 1 < n && text.charCodeAt(r + 1) !== 10) {
        if (wantContent) {
          const e = text[r + 1]
          content += e === 'n' ? '\n' : e === 't' ? '\t' : e
        }
        r += 2
        continue
      }
      if (wantContent) content += text[r]
      r++
    }
  }
  const afterValue = (f: Frame): void => {
    if (f.arr) f.seen = true
    else f.state = VALUE
  }
  const push = (arr: boolean, path: (string | number)[]): void => {
    stack.push({ arr, path, state: KEY, pending: [], index: 0, seen: false })
  }
  const childPath = (f: Frame): (string | number)[] => (f.arr ? [...f.path, f.index] : [...f.path, ...f.pending])

  while (p < n) {
    const top = stack[stack.length - 1]
    const c = text.charCodeAt(p)
    const keyHere = !top.arr && top.state === KEY && (c === 34 || unquotedAt(p))
    if (p > offset || (p === offset && !keyHere)) break
    if (c === 10) {
      p++
      if (top.arr) {
        FIELD_LINE.lastIndex = p
        if (FIELD_LINE.test(text)) {
          // a field cannot be an array element: the array was left unclosed (as the parser recovers)
          while (stack.length > 1 && stack[stack.length - 1].arr) stack.pop()
          stack[stack.length - 1].state = KEY
          continue
        }
        if (top.seen) {
          top.index++
          top.seen = false
        }
      } else if (top.state === VALUE) top.state = KEY
      continue
    }
    if (isSpace(c)) {
      p++
      continue
    }
    if (c === 35 || (c === 47 && text.charCodeAt(p + 1) === 47)) {
      const e = text.indexOf('\n', p)
      const end = e < 0 ? n : e
      if (offset > p && offset <= end) return NONE // in a comment
      p = end
      continue
    }
    if (keyHere) {
      // a key path expression: unquoted runs and quoted strings, segments separated by '.'
      const segs: KeySeg[] = []
      let cur: KeySeg = { text: '', start: p, end: p, quoted: false }
      let q = p
      for (;;) {
        const d = text.charCodeAt(q)
        if (d === 34) {
          const s = skipString(q, true)
          if (offset > q && offset < s.end && !hover && !s.closed) {
            // typing inside an unclosed quoted key
            cur.text += s.content
            cur.quoted = true
            cur.start = q + 1
            q = s.end
            break
          }
          cur.text += s.content
          cur.quoted = true
          if (cur.start === q) cur.start = q + 1
          q = s.end
          cur.end = s.closed ? s.end - 1 : s.end
          if (!s.closed) break
          continue
        }
        if (d === 46 /* . */) {
          if (!cur.quoted) cur.end = q
          segs.push(cur)
          cur = { text: '', start: q + 1, end: q + 1, quoted: false }
          q++
          continue
        }
        if (!unquotedAt(q)) break
        cur.text += text[q]
        q++
        cur.end = q
      }
      if (!cur.quoted) cur.end = Math.max(cur.end, cur.start)
      segs.push(cur)
      const first = segs[0]
      if (within(offset, Math.min(first.start, p), q, hover)) {
        return { kind: 'key', parent: top.path, segments: segs, index: segmentAt(segs, offset) }
      }
      // `include "file"`: not a key
      if (segs.length === 1 && !first.quoted && first.text === 'include' && /^[ \t]+(?:"|required\(|file\(|url\(|classpath\()/.test(text.slice(q, q + 12))) {
        const e = text.indexOf('\n', q)
        p = e < 0 ? n : e
        continue
      }
      top.pending = segs.map((s) => s.text)
      top.state = AFTER_KEY
      p = q
      continue
    }
    if (c === 34) {
      const s = skipString(p)
      if (offset > p && offset < s.end + (s.closed ? 0 : 1)) return NONE // in a string value
      p = s.end
      afterValue(top)
      continue
    }
    if (c === 36 && text.charCodeAt(p + 1) === 123) {
      let e = p + 2
      while (e < n && text.charCodeAt(e) !== 125 && text.charCodeAt(e) !== 10) e++
      if (text.charCodeAt(e) === 125) e++
      if (offset > p && offset < e) return NONE
      p = e
      afterValue(top)
      continue
    }
    if (c === 123 /* { */) {
      p++
      if (stack.length === 1 && !rootOpen && top.state === KEY && top.pending.length === 0) {
        rootOpen = true // the root object's own braces
        continue
      }
      const path = top.arr ? childPath(top) : top.state === KEY ? top.path : childPath(top)
      afterValue(top)
      push(false, path)
      continue
    }
    if (c === 91 /* [ */) {
      p++
      const path = top.arr ? childPath(top) : childPath(top)
      afterValue(top)
      push(true, path)
      continue
    }
    if (c === 125 || c === 93) {
      p++
      // close the innermost frame of that kind (and anything left open inside it); never the root
      const arr = c === 93
      let i = stack.length - 1
      while (i > 0 && stack[i].arr !== arr) i--
      if (i > 0) stack.length = i
      continue
    }
    if (c === 44 /* , */) {
      p++
      if (top.arr) {
        top.index++
        top.seen = false
      } else top.state = KEY
      continue
    }
    if (c === 58 || c === 61 || (c === 43 && text.charCodeAt(p + 1) === 61)) {
      p += c === 43 ? 2 : 1
      if (!top.arr) top.state = VALUE_START
      continue
    }
    // an unquoted value (or a stray character)
    const s = p
    p++
    while (p < n && unquotedAt(p)) p++
    if (offset > s && offset < p) return NONE
    afterValue(top)
  }
  const top = stack[stack.length - 1]
  return !top.arr && top.state === KEY ? { kind: 'key-start', parent: top.path } : NONE
}

function jsonContext(text: string, offset: number, hover: boolean): KeyContext {
  const n = text.length
  const stack: Frame[] = []
  let p = 0
  while (p < n) {
    const top = stack[stack.length - 1] as Frame | undefined
    const c = text[p]
    if (p > offset || (p === offset && !(top && !top.arr && top.state === KEY && c === '"'))) break
    if (c === '"') {
      // a string: to its closing quote, or the end of the line
      let e = p + 1
      let content = ''
      let closed = false
      while (e < n && text[e] !== '\n') {
        if (text[e] === '"') {
          closed = true
          break
        }
        if (text[e] === '\\' && e + 1 < n) {
          content += text[e + 1]
          e += 2
          continue
        }
        content += text[e]
        e++
      }
      const end = closed ? e + 1 : e
      if (top && !top.arr && top.state === KEY) {
        const seg: KeySeg = { text: content, start: p + 1, end: e, quoted: true }
        if (hover ? offset >= p && offset < end : offset > p && offset <= e) return { kind: 'key', parent: top.path, segments: [seg], index: 0 }
        top.pending = [content]
        top.state = AFTER_KEY
      } else {
        if (offset > p && offset < end) return NONE
        if (top) {
          if (top.arr) top.seen = true
          else top.state = VALUE
        }
      }
      p = end
      continue
    }
    if (c === '{' || c === '[') {
      const path = !top ? [] : top.arr ? [...top.path, top.index] : [...top.path, ...top.pending]
      if (top) {
        if (top.arr) top.seen = true
        else top.state = VALUE
      }
      stack.push({ arr: c === '[', path, state: KEY, pending: [], index: 0, seen: false })
      p++
      continue
    }
    if (c === '}' || c === ']') {
      const arr = c === ']'
      let i = stack.length - 1
      while (i >= 0 && stack[i].arr !== arr) i--
      if (i >= 0) stack.length = i
      p++
      continue
    }
    if (c === ',') {
      if (top) {
        if (top.arr) top.index++
        else top.state = KEY
      }
      p++
      continue
    }
    if (c === ':') {
      if (top && !top.arr) top.state = VALUE_START
      p++
      continue
    }
    if (c === '\n' && top?.arr) {
      MEMBER_LINE.lastIndex = p + 1
      if (MEMBER_LINE.test(text)) {
        // a member cannot be an array element: the array was left unclosed
        while (stack.length > 1 && stack[stack.length - 1].arr) stack.pop()
        const t = stack[stack.length - 1]
        if (!t.arr) t.state = KEY
      }
    }
    p++
  }
  const top = stack[stack.length - 1]
  return top && !top.arr && top.state === KEY ? { kind: 'key-start', parent: top.path } : NONE
}

// YAML: a line-based scan upwards from the cursor line (block style; flow collections are not followed)
const YAML_KEY = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s:#"'{}[\],&*!|>%@`][^:#]*?)[ \t]*:(?=[ \t]|$)/
const YAML_OPENER = /^[ \t]*(?:-[ \t]+)*("(?:[^"\\]|\\.)*"|'[^']*'|[^\s:#"'{}[\],&*!|>%@`-][^:#]*?)[ \t]*:[ \t]*(?:[&!][^\s#]*[ \t]*)*(?:#.*)?$/

function yamlKeyText(raw: string): string {
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw) as string
    } catch {
      return raw.slice(1, -1)
    }
  }
  if (raw.startsWith("'")) return raw.slice(1, -1).replace(/''/g, "'")
  return raw
}

/** Indentation of a line and where its key starts after any `- ` markers. */
function yamlIndent(line: string): { indent: number; keyCol: number; dashes: number[] } {
  const m = /^[ \t]*/.exec(line)!
  let keyCol = m[0].length
  const dashes: number[] = []
  for (;;) {
    const d = /^-(?:[ \t]+|$)/.exec(line.slice(keyCol))
    if (!d) break
    dashes.push(keyCol)
    keyCol += d[0].length
  }
  return { indent: m[0].length, keyCol, dashes }
}

function yamlContext(text: string, offset: number, hover: boolean): KeyContext {
  const idx = new LineIndex(text)
  const { line, column } = idx.position(offset)
  const lineText = idx.lineText(line)
  const col0 = column - 1
  const lineStart = offset - col0
  const before = lineText.slice(0, col0)
  if (/(^|\s)#/.test(before.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '""'))) return NONE
  const { keyCol, dashes } = yamlIndent(lineText)
  const parentOf = (col: number, dashCols: number[]): (string | number)[] => {
    // the item(s) this line opens, innermost last
    const path = yamlParents(idx, line, dashCols.length > 0 ? dashCols[0] : col)
    for (let k = 0; k < dashCols.length; k++) path.push(k === 0 ? yamlItemIndex(idx, line, dashCols[0]) : 0)
    return path
  }
  if (col0 < keyCol) {
    // in the indentation (or on a '- '): a key can start here when the line holds nothing else
    if (!hover && lineText.slice(col0).trim() === '' && !lineText.slice(0, col0).includes('-')) {
      return { kind: 'key-start', parent: yamlParents(idx, line, col0) }
    }
    return NONE
  }
  const rest = lineText.slice(keyCol)
  const km = YAML_KEY.exec(rest)
  if (km) {
    const raw = km[1]
    const quoted = raw.startsWith('"') || raw.startsWith("'")
    const seg: KeySeg = {
      text: yamlKeyText(raw),
      start: lineStart + keyCol + (quoted ? 1 : 0),
      end: lineStart + keyCol + raw.length - (quoted ? 1 : 0),
      quoted
    }
    if (within(offset, lineStart + keyCol, lineStart + keyCol + raw.length, hover)) {
      return { kind: 'key', parent: parentOf(keyCol, dashes), segments: [seg], index: 0 }
    }
    return NONE
  }
  if (hover) return NONE
  // a key being typed: only key characters between the key column and the cursor
  const typed = lineText.slice(keyCol, col0)
  if (/^[\w.-]*$/.test(typed) && /^[\w.-]*\s*$/.test(lineText.slice(col0))) {
    const m = /^[\w.-]*/.exec(lineText.slice(keyCol))!
    const seg: KeySeg = { text: m[0], start: lineStart + keyCol, end: lineStart + keyCol + m[0].length, quoted: false }
    return { kind: 'key', parent: parentOf(keyCol, dashes), segments: [seg], index: 0 }
  }
  return NONE
}

/** Key path of the mapping a line at `col` (below line `below`) belongs to, from the lines above it. */
function yamlParents(idx: LineIndex, below: number, col: number): (string | number)[] {
  const path: (string | number)[] = []
  let cur = col
  for (let i = below - 1; i >= 1 && cur > 0; i--) {
    const t = idx.lineText(i)
    if (t.trim() === '' || /^\s*#/.test(t)) continue
    const { indent, keyCol, dashes } = yamlIndent(t)
    if (indent >= cur) continue
    if (dashes.length > 0) {
      // inside a sequence item that starts here
      const innermost = dashes.filter((d) => d < cur)
      const k = YAML_KEY.exec(t.slice(keyCol))
      if (k && keyCol < cur && YAML_OPENER.test(t)) {
        // `- key:` opening a mapping that holds the line
        path.unshift(yamlKeyText(k[1]))
      }
      for (let j = innermost.length - 1; j >= 1; j--) path.unshift(0)
      path.unshift(yamlItemIndex(idx, i, dashes[0]))
      cur = dashes[0]
      continue
    }
    const m = YAML_OPENER.exec(t)
    if (!m) break // a less indented scalar: the structure above is not a parent
    path.unshift(yamlKeyText(m[1]))
    cur = indent
  }
  return path
}

/** Index of the sequence item at column `dashCol` that starts on line `line`. */
function yamlItemIndex(idx: LineIndex, line: number, dashCol: number): number {
  let n = 0
  for (let i = line - 1; i >= 1; i--) {
    const t = idx.lineText(i)
    if (t.trim() === '' || /^\s*#/.test(t)) continue
    const { indent, dashes } = yamlIndent(t)
    if (indent < dashCol) break
    if (indent === dashCol && dashes[0] === dashCol) n++
  }
  return n
}

// ------------------------------------------------------------------------------------------ key tree

export interface KeyDoc {
  /** Key path (see pathKey). */
  path: string
  type: ClearmlValueKind[]
  doc?: string
  /** Packaged default as HOCON text, when known. */
  default?: string
  /** Known sub-keys, when it is an object. */
  children?: string[]
  /** An entry of a map whose keys the user picks (e.g. environment.MY_VAR). */
  userDefined?: boolean
  /** Set by the agent after vaults: an administrator vault cannot set it. */
  restricted?: boolean
}

/** The key tree node of a path (array indexes go to `items`, open maps to `entry`), or undefined. */
function nodeAt(path: readonly (string | number)[]): { node: ClearmlKey | undefined; userDefined: boolean } | undefined {
  let n: ClearmlKey | undefined = CLEARML_KEYS
  let userDefined = false
  for (const seg of path) {
    if (!n) return userDefined ? { node: undefined, userDefined } : undefined
    const s = String(seg)
    if (n.children && Object.prototype.hasOwnProperty.call(n.children, s)) n = n.children[s]
    else if ((typeof seg === 'number' || /^\d+$/.test(s)) && n.items) n = n.items
    else if (n.open || n.type.includes('any')) {
      n = n.entry
      userDefined = true
    } else return undefined
  }
  return { node: n, userDefined }
}

const RESTRICTED = new Set<string>(AGENT_RESTORED_KEYS)

/** What the key tree knows about a key path, or undefined for a key ClearML does not read. */
export function lookupKey(path: readonly (string | number)[]): KeyDoc | undefined {
  if (path.length === 0) return undefined
  const found = nodeAt(path)
  if (!found) return undefined
  const { node, userDefined } = found
  const key = pathKey(path)
  const out: KeyDoc = { path: key, type: node?.type ?? ['any'] }
  if (node?.doc) out.doc = node.doc
  const def = CLEARML_DEFAULTS[key]
  if (def !== undefined) out.default = def
  if (node?.children) out.children = Object.keys(node.children)
  if (userDefined) out.userDefined = true
  if (RESTRICTED.has(path.join('.'))) out.restricted = true
  return out
}

function typeText(type: readonly ClearmlValueKind[]): string {
  const t = type.filter((x) => x !== 'any')
  return t.length === 0 ? 'any value' : t.join(' | ')
}

/** Text for Markdown: characters Markdown would interpret are escaped. */
function md(s: string): string {
  return s.replace(/[\\`*_[\]<>#|~]/g, (c) => '\\' + c)
}

function code(s: string): string {
  const t = s.length > 120 ? s.slice(0, 117) + '…' : s
  return t.includes('`') ? '`` ' + t + ' ``' : '`' + t + '`'
}

/** Markdown describing a key: path and type, description, default, and notes. */
export function keyMarkdown(k: KeyDoc, parts: { title?: boolean } = {}): string {
  const out: string[] = []
  if (parts.title !== false) out.push(`**${code(k.path)}** · ${typeText(k.type)}`)
  if (k.doc) out.push(md(k.doc))
  if (k.userDefined) out.push('A key of your choosing: ClearML reads every entry here.')
  if (k.default !== undefined) out.push(`Default: ${code(k.default)}`)
  if (k.children && k.children.length > 0) {
    const shown = k.children.slice(0, 12).map(code).join(', ')
    out.push(`Keys: ${shown}${k.children.length > 12 ? `, … (${k.children.length})` : ''}`)
  }
  if (k.restricted) out.push('An administrator vault cannot set this key: the agent restores its own value after applying vaults.')
  return out.join('\n\n')
}

// ------------------------------------------------------------------------------------------ hover, completion

export interface HoverInfo {
  range: Range
  path: string
  markdown: string
}

export interface CompletionEntry {
  /** Key name (label) */
  name: string
  /** 'object' | 'array' | 'value' (for the item's icon) */
  kind: 'object' | 'array' | 'value'
  detail: string
  markdown: string
  /** Text to insert; a snippet (with $0) when `snippet` */
  insertText: string
  snippet: boolean
}

export interface CompletionInfo {
  /** The text the items replace (the key segment being typed; empty at the cursor when nothing is typed). */
  range: Range
  /** Key path of the object the keys go into. */
  path: string
  items: CompletionEntry[]
}

/** Description of the key under the cursor (1-based line and column), or null. */
export function hoverAt(text: string, format: ConfigFormat, line: number, column: number, idx = new LineIndex(text)): HoverInfo | null {
  const offset = idx.offset(line, column)
  const ctx = keyContextAt(text, format, offset, true)
  if (ctx.kind !== 'key') return null
  const segs = ctx.segments.slice(0, ctx.index + 1)
  const k = lookupKey([...ctx.parent, ...segs.map((s) => s.text)])
  if (!k) return null
  const s = ctx.segments[ctx.index]
  const range = idx.range(s.quoted ? s.start - 1 : s.start, s.quoted ? s.end + 1 : s.end)
  return { range, path: k.path, markdown: keyMarkdown(k) }
}

const BARE = /^[A-Za-z0-9_-]+$/
const snippetEscape = (s: string): string => s.replace(/[$}\\]/g, (c) => '\\' + c)

/** Keys that can go at the cursor (1-based line and column), or null. */
export function completionsAt(text: string, format: ConfigFormat, line: number, column: number, idx = new LineIndex(text)): CompletionInfo | null {
  const offset = idx.offset(line, column)
  const ctx = keyContextAt(text, format, offset, false)
  if (ctx.kind === 'none') return null
  const parent = ctx.kind === 'key' ? [...ctx.parent, ...ctx.segments.slice(0, ctx.index).map((s) => s.text)] : ctx.parent
  const found = nodeAt(parent)
  const node = found?.node
  if (!node?.children) return null
  const seg = ctx.kind === 'key' ? ctx.segments[ctx.index] : undefined
  let start = seg ? seg.start : offset
  let end = seg ? Math.max(seg.end, offset) : offset
  // one line only; never past the cursor's line
  const pos = idx.position(offset)
  const lineEnd = idx.offset(pos.line, idx.lineText(pos.line).length + 1)
  if (idx.position(start).line !== pos.line) start = offset - (pos.column - 1)
  end = Math.min(end, lineEnd)
  const after = text.slice(seg && seg.quoted ? end + 1 : end, lineEnd)
  const hasSeparator = format === 'json' ? /^\s*:/.test(after) : /^\s*(?:[:={]|\+=)/.test(after)
  const inQuotes = !!seg?.quoted
  const items: CompletionEntry[] = []
  for (const [name, child] of Object.entries(node.children)) {
    const k = lookupKey([...parent, name])!
    const kind: CompletionEntry['kind'] = child.children || child.type[0] === 'object' ? 'object' : child.type.includes('array') && child.type.length === 1 ? 'array' : 'value'
    let insertText: string
    let snippet = true
    const quotedName = format === 'hocon' ? (BARE.test(name) ? name : JSON.stringify(name)) : format === 'json' ? JSON.stringify(name) : /^[\w.-]+$/.test(name) ? name : JSON.stringify(name)
    if (format === 'json' && inQuotes) {
      insertText = JSON.stringify(name).slice(1, -1)
      snippet = false
    } else if (hasSeparator) {
      insertText = quotedName
      snippet = false
    } else {
      const q = snippetEscape(quotedName)
      if (format === 'hocon') insertText = kind === 'object' ? `${q} {\n\t$0\n}` : kind === 'array' ? `${q}: [$0]` : `${q}: $0`
      else if (format === 'json') insertText = kind === 'object' ? `${q}: {\n\t$0\n}` : kind === 'array' ? `${q}: [$0]` : `${q}: $0`
      else insertText = kind === 'object' ? `${q}:\n  $0` : `${q}: $0`
    }
    items.push({ name, kind, detail: typeText(child.type), markdown: keyMarkdown(k, { title: false }), insertText, snippet })
  }
  return { range: idx.range(start, end), path: pathKey(parent), items }
}

// ------------------------------------------------------------------------------------------ worker protocol

/** A document the request is about: the text travels only when the worker does not have that version. */
export interface AssistDoc {
  uri: string
  version: number
  format: ConfigFormat
  text?: string
}

/** One replacement in a document's text: `length` characters at `offset` become `text`. */
export interface TextChange {
  offset: number
  length: number
  text: string
}

export type AssistRequest =
  | { type: 'hover'; id: number; doc: AssistDoc; line: number; column: number }
  | { type: 'complete'; id: number; doc: AssistDoc; line: number; column: number }
  /**
   * A document the worker holds was edited (Monaco's content-change event: changes apply one after the
   * other, in the order given); `version` and `length` are the model's after the edit.
   */
  | { type: 'edit'; uri: string; version: number; changes: TextChange[]; length: number }
  | { type: 'forget'; uri: string }

export type AssistResponse =
  | { type: 'hover'; id: number; hover: HoverInfo | null }
  | { type: 'complete'; id: number; completion: CompletionInfo | null }
  /** The worker has no text for that document version: send the request again with the text. */
  | { type: 'need-text'; id: number }
  | { type: 'assist-failed'; id: number; error: string }

export function isAssistRequest(msg: unknown): msg is AssistRequest {
  const t = (msg as { type?: unknown } | null)?.type
  return t === 'hover' || t === 'complete' || t === 'edit' || t === 'forget'
}

/**
 * Worker side: the last few documents by uri (the text of one version each, kept current by edits, and
 * its line index, built once per version on the first request), and the request handler.
 */
export class AssistService {
  private readonly docs = new Map<string, { version: number; text: string; idx?: LineIndex }>()
  constructor(private readonly capacity = 8) {}

  /** Version of a document the service holds (for tests). */
  versionOf(uri: string): number | undefined {
    return this.docs.get(uri)?.version
  }

  handle(msg: AssistRequest): AssistResponse | undefined {
    if (msg.type === 'forget') {
      this.docs.delete(msg.uri)
      return undefined
    }
    if (msg.type === 'edit') {
      const entry = this.docs.get(msg.uri)
      if (!entry) return undefined
      let text = entry.text
      for (const c of msg.changes) text = text.slice(0, c.offset) + c.text + text.slice(c.offset + c.length)
      // out of step (should not happen): forget it, and the next request brings the text again
      if (text.length !== msg.length) this.docs.delete(msg.uri)
      else this.docs.set(msg.uri, { version: msg.version, text })
      return undefined
    }
    try {
      const { doc } = msg
      let entry = this.docs.get(doc.uri)
      if (doc.text !== undefined) {
        entry = { version: doc.version, text: doc.text }
        this.docs.delete(doc.uri)
        this.docs.set(doc.uri, entry)
        while (this.docs.size > this.capacity) this.docs.delete(this.docs.keys().next().value!)
      }
      if (!entry || entry.version !== doc.version) return { type: 'need-text', id: msg.id }
      entry.idx ??= new LineIndex(entry.text)
      if (msg.type === 'hover') return { type: 'hover', id: msg.id, hover: hoverAt(entry.text, doc.format, msg.line, msg.column, entry.idx) }
      return { type: 'complete', id: msg.id, completion: completionsAt(entry.text, doc.format, msg.line, msg.column, entry.idx) }
    } catch (e) {
      return { type: 'assist-failed', id: msg.id, error: String((e as Error)?.message ?? e) }
    }
  }
}
