// Hand-rolled HOCON scanner and parser (lightbend HOCON.md). Works on char codes; fields are merged
// into their objects as they are parsed, and substitutions are left as Special nodes for resolve.ts.

import type { Diagnostic, Range } from '../types'
import { ConcatError, joinParts } from './concat'
import { LazySourceMap } from './sourcemap'
import { Concat, Merge, Special, Subst, Ws, isObject, own, setOwn, type V } from './nodes'

export interface IncludeRequest {
  kind: 'file' | 'url' | 'classpath' | 'plain'
  name: string
  from?: string
  required: boolean
}

export interface HoconOptions {
  env?: Record<string, string | undefined>
  filename?: string
  resolveInclude?: (req: IncludeRequest) => { text: string; filename: string } | undefined
  /** Recover after a syntax error and parse the rest (default true); false stops at the first one. */
  recover?: boolean
}

/** Aborts parsing (or, when the parser recovers, the item being parsed); carries the diagnostic. */
export class SyntaxAbort {
  constructor(
    readonly diagnostic: Diagnostic,
    /** Nothing sensible can follow (nesting limits): the parser stops instead of recovering. */
    readonly fatal = false
  ) {}
}

/** Recovery gave up: too many syntax errors, or a fatal one. Everything parsed so far is kept. */
export class StopParsing {
  constructor(readonly tooMany: boolean) {}
}

/** At most this many syntax errors are reported per text; parsing stops at the next one. */
export const MAX_SYNTAX_ERRORS = 50

const MAX_DEPTH = 400
const MAX_INCLUDE_DEPTH = 32

// Character classes for codes < 128.
const WS = 1 // whitespace other than newline
const STOP = 2 // ends an unquoted string: forbidden characters, whitespace, newline
const NUM = 4 // may appear in a number token
const KEYCHAR = 8 // [A-Za-z0-9_-]: path segment needs no quotes
const CLS = new Uint8Array(128)
for (const c of [9, 11, 12, 13, 28, 29, 30, 31, 32]) CLS[c] = WS | STOP
CLS[10] = STOP
for (const ch of '$"{}[]:=,+#`^?!@*&\\') CLS[ch.charCodeAt(0)] |= STOP
for (const ch of '0123456789eE+-.') CLS[ch.charCodeAt(0)] |= NUM
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  if (/[A-Za-z0-9_-]/.test(ch)) CLS[c] |= KEYCHAR
}

function isUnicodeSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0xfeff ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  )
}

function keyText(segs: Seg[]): string {
  return `"${segs.map((s) => s.text).join('.')}"`
}

function describeChar(c: number): string {
  if (Number.isNaN(c)) return 'end of file'
  if (c === 10) return 'newline'
  return `'${String.fromCharCode(c)}'`
}

/** State shared by the main text and the texts it includes. */
export class Doc {
  root: { [key: string]: V } = {}
  /** Syntax errors the main text's parser recovered from, in the order it met them. */
  errors: Diagnostic[] = []
  sourceMap = new LazySourceMap()
  hasSubst = false
  /** Objects being parsed at a known path, outermost first (for self-referential substitutions). */
  frames: { path: string[]; obj: { [key: string]: V } }[] = []
  constructor(readonly options: HoconOptions) {}
}

interface Seg {
  text: string
  startCol: number
  endCol: number
}

/** Parser state at the start of an item (field or array element), for error recovery. */
interface Mark {
  pos: number
  line: number
  lineStart: number
  depth: number
  frames: number
}

/** A line that starts a field: a key (bare path or quoted) followed by ':', '=', '+=' or '{'. */
const FIELD_LINE = /(?:[A-Za-z_][\w.-]*|"(?:[^"\\\n]|\\.)*")[ \t]*(?:[:={]|\+=)/y

export class Parser {
  private pos = 0
  private line = 1
  private lineStart = 0
  private readonly len: number
  private depth = 0
  /** Segments of the last parsed path. */
  private segs: Seg[] = []
  /**
   * Recover from syntax errors (the main text only): a broken field or array element is recorded in
   * doc.errors and skipped, and parsing goes on with the next one, so the rest of the value tree is built.
   */
  recover = false

  constructor(
    private readonly src: string,
    private readonly doc: Doc,
    /** Path of the object an included text is parsed into (substitutions are fixed up with it). */
    private readonly prefix: string[],
    private readonly filename: string | undefined,
    /** For included texts: the range of the include directive, used for every source-map entry. */
    private readonly mapRange: Range | undefined,
    private readonly includeStack: string[]
  ) {
    this.len = src.length
  }

  // ---- errors and positions

  private col(): number {
    return this.pos - this.lineStart + 1
  }

  private failRange(message: string, line: number, column: number, endLine: number, endColumn: number): never {
    throw new SyntaxAbort({
      severity: 'error',
      code: 'hocon.syntax',
      message,
      line,
      column,
      endLine,
      endColumn: endLine === line && endColumn <= column ? column + 1 : endColumn
    })
  }

  /** Fails at the current position (one character wide). */
  private fail(message: string): never {
    const col = this.col()
    return this.failRange(message, this.line, col, this.line, col + 1)
  }

  private rangeFrom(line: number, column: number): Range {
    if (this.mapRange) return this.mapRange
    return { line, column, endLine: this.line, endColumn: this.col() }
  }

  // ---- whitespace and comments

  private newline(): void {
    this.line++
    this.lineStart = this.pos + 1
  }

  /** Skips whitespace without newlines. */
  private skipSpaces(): void {
    const src = this.src
    for (;;) {
      const c = src.charCodeAt(this.pos)
      if (c < 128 ? (CLS[c] & WS) !== 0 : isUnicodeSpace(c)) this.pos++
      else return
    }
  }

  private skipComment(): void {
    const i = this.src.indexOf('\n', this.pos)
    this.pos = i < 0 ? this.len : i
  }

  private atComment(c: number): boolean {
    return c === 35 /* # */ || (c === 47 /* / */ && this.src.charCodeAt(this.pos + 1) === 47)
  }

  /** Skips whitespace, newlines and comments. */
  private skipAll(): void {
    const src = this.src
    for (;;) {
      const c = src.charCodeAt(this.pos)
      if (c === 10) {
        this.newline()
        this.pos++
      } else if (c < 128 ? (CLS[c] & WS) !== 0 : isUnicodeSpace(c)) this.pos++
      else if (this.atComment(c)) this.skipComment()
      else return
    }
  }

  /**
   * After a field or an array element: skips whitespace, comments and newlines and at most one comma.
   * Returns whether a comma or a newline separated it from what follows.
   */
  private skipSeparator(): boolean {
    let saw = false
    const src = this.src
    for (;;) {
      const c = src.charCodeAt(this.pos)
      if (c === 10) {
        saw = true
        this.newline()
        this.pos++
      } else if (c < 128 ? (CLS[c] & WS) !== 0 : isUnicodeSpace(c)) this.pos++
      else if (this.atComment(c)) this.skipComment()
      else if (c === 44 /* , */) {
        this.pos++
        this.skipAll()
        return true
      } else return saw
    }
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      const col = this.col()
      throw new SyntaxAbort(
        {
          severity: 'error',
          code: 'hocon.syntax',
          message: `nesting is too deep (more than ${MAX_DEPTH} levels of objects and arrays)`,
          line: this.line,
          column: col,
          endLine: this.line,
          endColumn: col + 1
        },
        true
      )
    }
  }

  // ---- error recovery

  private mark(): Mark {
    return { pos: this.pos, line: this.line, lineStart: this.lineStart, depth: this.depth, frames: this.doc.frames.length }
  }

  private reset(m: Mark): void {
    this.pos = m.pos
    this.line = m.line
    this.lineStart = m.lineStart
  }

  /**
   * Records a syntax error the parser recovers from (after undoing the nesting state of the failed item);
   * rethrows anything else, and stops parsing after a fatal error or too many errors.
   */
  private recovered(e: unknown, at: Mark): SyntaxAbort {
    if (!(e instanceof SyntaxAbort) || !this.recover) throw e
    this.depth = at.depth
    this.doc.frames.length = at.frames
    const errors = this.doc.errors
    const last = errors[errors.length - 1]
    const d = e.diagnostic
    // one error per place: what an item left behind (e.g. a stray '}') is not reported again where it failed
    if (last === undefined || last.line !== d.line || last.column !== d.column) errors.push(d)
    if (e.fatal) throw new StopParsing(false)
    if (errors.length >= MAX_SYNTAX_ERRORS) throw new StopParsing(true)
    return e
  }

  /** Consumes the one character at pos (a stray ',', ']' or '}'). */
  private skipChar(): void {
    if (this.src.charCodeAt(this.pos) === 10) this.newline()
    if (this.pos < this.len) this.pos++
  }

  /** Whether pos is the first non-blank character of its line and starts a field (`key =`, `key {`, ...). */
  private fieldLineAt(p: number, lineStart: number): boolean {
    for (let i = lineStart; i < p; i++) {
      const c = this.src.charCodeAt(i)
      if (c !== 32 && c !== 9) return false
    }
    FIELD_LINE.lastIndex = p
    return FIELD_LINE.test(this.src)
  }

  /**
   * Skips the rest of an item (field or array element) that started at `from` and failed at `errPos`:
   * to the end of the line the error is on or past the next ',' at the item's level, but past any bracket
   * the item opened (tracking strings, comments and substitutions), and never past a bracket that closes
   * the enclosing object or array.
   * Resumes earlier at a line start when the error is the first token of a later line (the item ended
   * before it), or when an unclosed bracket is followed by a line that starts a field no deeper than the item.
   * Always moves past `from`.
   */
  private resync(from: Mark, errPos: number): void {
    const src = this.src
    const len = this.len
    let p = from.pos
    let line = from.line
    let lineStart = from.lineStart
    const stack: number[] = []
    // the item's indentation, when it is the first thing on its line
    let indent = -1
    if (this.fieldLineAt(from.pos, from.lineStart) || /^[ \t]*$/.test(src.slice(from.lineStart, from.pos))) indent = from.pos - from.lineStart
    for (;;) {
      if (p >= len) break
      if (p === errPos && line > from.line && stack.length === 0 && /^[ \t]*$/.test(src.slice(lineStart, p))) break
      const c = src.charCodeAt(p)
      if (c === 10) {
        p++
        line++
        lineStart = p
        if (p > errPos) {
          if (stack.length === 0) break
          if (indent >= 0) {
            let q = p
            while (src.charCodeAt(q) === 32 || src.charCodeAt(q) === 9) q++
            if (q - p <= indent && this.fieldLineAt(q, p)) break
          }
        }
        continue
      }
      if (c === 34 /* " */) {
        if (src.startsWith('"""', p)) {
          let end = src.indexOf('"""', p + 3)
          if (end < 0) end = len
          else {
            end += 3
            while (src.charCodeAt(end) === 34) end++
          }
          for (let i = src.indexOf('\n', p); i >= 0 && i < end; i = src.indexOf('\n', i + 1)) {
            line++
            lineStart = i + 1
          }
          p = end
        } else {
          p++
          for (;;) {
            const d = src.charCodeAt(p)
            if (d !== d || d === 10) break
            p++
            if (d === 34) break
            if (d === 92 && src.charCodeAt(p) !== 10) p++
          }
        }
        continue
      }
      if (c === 35 || (c === 47 && src.charCodeAt(p + 1) === 47)) {
        const i = src.indexOf('\n', p)
        p = i < 0 ? len : i
        continue
      }
      if (c === 36 && src.charCodeAt(p + 1) === 123) {
        p += 2
        for (;;) {
          const d = src.charCodeAt(p)
          if (d !== d || d === 10) break
          p++
          if (d === 125) break
        }
        continue
      }
      if (c === 123 || c === 91) {
        stack.push(c)
        p++
        continue
      }
      if (c === 125 || c === 93) {
        const i = stack.lastIndexOf(c === 125 ? 123 : 91)
        if (i >= 0) {
          stack.length = i
          p++
          continue
        }
        // it closes something outside the item: stop before it once past the error
        if (p >= errPos) break
        p++
        continue
      }
      if (c === 44 /* , */ && stack.length === 0 && p >= errPos) {
        // the separator after the item
        p++
        break
      }
      p++
    }
    this.pos = p
    this.line = line
    this.lineStart = lineStart
    if (this.pos <= from.pos) {
      this.reset(from)
      this.skipChar()
    }
  }

  // ---- document

  parseDocument(): V {
    this.skipAll()
    const c = this.src.charCodeAt(this.pos)
    let value: V = this.doc.root
    if (c === 91 /* [ */) {
      value = this.parseArray(-1)
    } else {
      this.doc.frames.push({ path: [], obj: this.doc.root })
      if (c === 123 /* { */) {
        const l = this.line
        const col = this.col()
        this.pos++
        this.parseObjectBody(this.doc.root, [], -1, true, l, col)
      } else this.parseObjectBody(this.doc.root, [], -1, false, 0, 0)
      this.doc.frames.pop()
    }
    this.skipAll()
    if (this.pos < this.len) {
      const at = this.mark()
      try {
        this.fail(
          `unexpected ${describeChar(this.src.charCodeAt(this.pos))} after the root ${c === 91 ? 'array' : 'object'} (the document must hold one value)`
        )
      } catch (e) {
        this.recovered(e, at)
        // An object root closed early (one '}' too many): the rest are more of its fields.
        if (c !== 91) {
          this.doc.frames.push({ path: [], obj: this.doc.root })
          this.parseObjectBody(this.doc.root, [], -1, false, 0, 0)
          this.doc.frames.pop()
        }
      }
    }
    return value
  }

  /** Parses an included text into `obj`, which sits at `path` in the including document. */
  parseIncluded(obj: { [key: string]: V }, path: string[] | null, key: number): void {
    this.skipAll()
    const c = this.src.charCodeAt(this.pos)
    if (c === 91) this.fail('an included file must contain an object, not an array')
    if (c === 123) {
      const l = this.line
      const col = this.col()
      this.pos++
      this.parseObjectBody(obj, path, key, true, l, col)
    } else this.parseObjectBody(obj, path, key, false, 0, 0)
    this.skipAll()
    if (this.pos < this.len) this.fail(`unexpected ${describeChar(this.src.charCodeAt(this.pos))} after the root object`)
  }

  // ---- objects

  private parseObjectBody(
    obj: { [key: string]: V },
    path: string[] | null,
    key: number,
    braced: boolean,
    openLine: number,
    openCol: number
  ): void {
    this.enter()
    const src = this.src
    this.skipAll()
    for (;;) {
      if (this.pos >= this.len) {
        if (braced) {
          const at = this.mark()
          try {
            this.failRange(`unclosed '{' (opened at line ${openLine}, column ${openCol})`, openLine, openCol, openLine, openCol + 1)
          } catch (e) {
            this.recovered(e, at)
          }
        }
        break
      }
      const c = src.charCodeAt(this.pos)
      if (c === 125 /* } */) {
        if (!braced) {
          const at = this.mark()
          try {
            this.fail("unexpected '}' without a matching '{'")
          } catch (e) {
            this.recovered(e, at)
            this.skipChar()
            this.skipAll()
            continue
          }
        }
        this.pos++
        break
      }
      // the field (a broken one is skipped: see resync)
      const at = this.mark()
      let fieldKey: number
      try {
        if (c === 44) this.fail("unexpected ','; commas go only between fields (and one may trail)")
        fieldKey = this.parseField(obj, path, key)
      } catch (e) {
        const errPos = this.pos
        this.recovered(e, at)
        this.reset(at)
        if (c === 44 || c === 93) this.skipChar()
        else this.resync(at, errPos)
        this.skipAll()
        continue
      }
      // what separates it from the next one (a stray character is skipped)
      const sat = this.mark()
      try {
        const sep = this.skipSeparator()
        if (this.pos >= this.len) continue
        const d = src.charCodeAt(this.pos)
        if (d === 125) continue
        if (d === 44) this.fail("unexpected ','; two commas in a row")
        if (!sep) this.failAfterValue(fieldKey < 0 ? 'the include' : `"${this.doc.sourceMap.keyOf(fieldKey)}"`)
      } catch (e) {
        this.recovered(e, sat)
        this.skipChar()
        this.skipAll()
      }
    }
    this.depth--
  }

  /** Something follows a value on the same line that cannot continue it. */
  private failAfterValue(what: string): never {
    const c = this.src.charCodeAt(this.pos)
    if ((c === 58 || c === 61) && this.src.charCodeAt(this.pos + 1) === 47 && this.src.charCodeAt(this.pos + 2) === 47) {
      this.fail(`'//' starts a comment, so this unquoted URL is cut at ':'; put the value of ${what} in double quotes`)
    }
    if (c === 58 || c === 61) {
      this.fail(`unexpected ${describeChar(c)} after the value of ${what}; separate fields with ',' or a newline`)
    }
    if (c === 93 || c === 125) this.fail(`unexpected ${describeChar(c)} after the value of ${what}`)
    if (c < 128 && (CLS[c] & STOP) !== 0 && c !== 10) {
      this.fail(`reserved character ${describeChar(c)} is not allowed outside quotes; put the value of ${what} in double quotes`)
    }
    this.fail(`expected ',' or a newline after the value of ${what}, found ${describeChar(c)}`)
  }

  /** Whether c, the character at pos, can start an unquoted string. */
  private isUnquotedStart(c: number): boolean {
    return this.isUnquotedAt(this.pos, c)
  }

  /** Parses one field (or an include) into obj; returns the field's source-map record (-1 for an include). */
  private parseField(obj: { [key: string]: V }, path: string[] | null, key: number): number {
    const src = this.src
    const kLine = this.line
    const kCol = this.col()
    // include directive
    if (src.charCodeAt(this.pos) === 105 /* i */ && src.startsWith('include', this.pos)) {
      const after = src.charCodeAt(this.pos + 7)
      if (!this.isUnquotedAt(this.pos + 7, after) && after !== 34) {
        this.parseInclude(obj, path, key, kLine, kCol)
        return -1
      }
    }
    const c0 = src.charCodeAt(this.pos)
    if (c0 !== 34 && !this.isUnquotedStart(c0)) {
      if (c0 === 58 || c0 === 61 || (c0 === 43 && src.charCodeAt(this.pos + 1) === 61)) this.fail(`expected a key before ${describeChar(c0)}`)
      if (c0 === 123 || c0 === 91) this.fail(`expected a key, found ${describeChar(c0)} (an object or array cannot be a key)`)
      if (c0 === 36 && src.charCodeAt(this.pos + 1) === 123) this.fail('expected a key, found a substitution (substitutions cannot be keys)')
      this.fail(`expected a key, found ${describeChar(c0)}${c0 < 128 && CLS[c0] & STOP ? ' (reserved characters must be quoted)' : ''}`)
    }
    this.parsePath(false)
    const segs = this.segs
    const n = segs.length
    if (n + this.depth > MAX_DEPTH) this.fail(`key path is too long (more than ${MAX_DEPTH} levels of nesting)`)
    this.skipAll()
    let c = src.charCodeAt(this.pos)
    let append = false
    if (c === 123) {
      // object value without separator
    } else if (c === 58 || c === 61) {
      this.pos++
      this.skipAll()
    } else if (c === 43 && src.charCodeAt(this.pos + 1) === 61) {
      append = true
      this.pos += 2
      this.skipAll()
    } else if (c === 10 || c !== c || this.atComment(c) || c === 125 || c === 44) {
      this.fail(`expected ':' or '=' after key ${keyText(segs)} (a field needs a value)`)
    } else {
      this.fail(`expected ':' or '=' after key ${keyText(segs)}, found ${describeChar(c)}`)
    }
    c = src.charCodeAt(this.pos)
    if (!(c === 34 || c === 123 || c === 91 || (c === 36 && src.charCodeAt(this.pos + 1) === 123) || this.isUnquotedStart(c))) {
      if (c === 36) this.fail("'$' must start a substitution '${...}'; quote it to use it in a string")
      this.fail(`expected a value for key ${keyText(segs)}, found ${describeChar(c)}`)
    }

    // descend through all but the last segment
    const sm = this.doc.sourceMap
    let target = obj
    let tKey = key
    let keys: number[] | undefined
    if (n > 1) {
      keys = new Array(n - 1)
      for (let i = 0; i < n - 1; i++) {
        tKey = sm.add(tKey, segs[i].text)
        keys[i] = tKey
        target = this.descend(target, segs[i].text)
      }
    }
    const last = segs[n - 1].text
    const fKey = sm.add(tKey, last)
    // the field's path from the root is needed for nested objects and self-referential substitutions
    let fieldPath: string[] | null = null
    if (path !== null && (c === 123 || c === 36)) fieldPath = this.fieldPath(path, segs)
    const vLine = this.line
    const vCol = this.col()
    let value: V
    try {
      value = this.parseValue(fieldPath, fKey)
    } catch (e) {
      // recovering: the field is left out of the value, but its key keeps a position (value: up to the error)
      if (this.recover) this.mapField(fKey, keys, segs, kLine, vLine, vCol)
      throw e
    }
    // source map: every prefix of the key path, and the field itself
    this.mapField(fKey, keys, segs, kLine, vLine, vCol)
    if (path !== null && fieldPath === null && (append || value instanceof Special)) fieldPath = this.fieldPath(path, segs)
    if (append) this.appendValue(target, last, value, fieldPath, kLine, kCol)
    else this.assignValue(target, last, value, fieldPath)
    return fKey
  }

  /** Source-map ranges of a field's key segments (and of its value, which ends at the current position). */
  private mapField(fKey: number, keys: number[] | undefined, segs: Seg[], kLine: number, vLine: number, vCol: number): void {
    const sm = this.doc.sourceMap
    const mr = this.mapRange
    if (mr !== undefined) {
      sm.setRange(fKey, mr, mr)
      if (keys !== undefined) for (const k of keys) sm.setRange(k, mr, mr)
      return
    }
    let vEndLine = this.line
    let vEndCol = this.col()
    if (vEndLine < vLine || (vEndLine === vLine && vEndCol < vCol)) {
      vEndLine = vLine
      vEndCol = vCol
    }
    const n = segs.length
    const ls = segs[n - 1]
    sm.setRanges(fKey, kLine, ls.startCol, kLine, ls.endCol, vLine, vCol, vEndLine, vEndCol)
    if (keys !== undefined) {
      for (let i = 0; i < n - 1; i++) {
        const s = segs[i]
        sm.setRanges(keys[i], kLine, s.startCol, kLine, s.endCol, vLine, vCol, vEndLine, vEndCol)
      }
    }
  }

  private fieldPath(path: string[], segs: Seg[]): string[] {
    const out = path.slice()
    for (const s of segs) out.push(s.text)
    return out
  }

  /** Whether c, the character at p, can start or continue an unquoted string. */
  private isUnquotedAt(p: number, c: number): boolean {
    if (c !== c) return false
    if (c < 128) return (CLS[c] & STOP) === 0 && !(c === 47 && this.src.charCodeAt(p + 1) === 47)
    return !isUnicodeSpace(c)
  }

  /** The object at obj[key], creating it (or layering a new one over an unresolved value). */
  private descend(obj: { [key: string]: V }, key: string): { [key: string]: V } {
    const old = own(obj, key)
    if (isObject(old)) return old
    if (old instanceof Merge && isObject(old.stack[0])) return old.stack[0]
    const n: { [key: string]: V } = {}
    if (old instanceof Special) setOwn(obj, key, new Merge(old instanceof Merge ? [n, ...old.stack] : [n, old]))
    else setOwn(obj, key, n)
    return n
  }

  /** Defines obj[key] = v with HOCON's duplicate-key rules. */
  private assignValue(obj: { [key: string]: V }, key: string, v: V, fieldPath: string[] | null): void {
    if (fieldPath !== null && v instanceof Special) this.bindSelfRefs(v, fieldPath)
    assign(obj, key, v)
  }

  /** `key += v`: the previous value (which must be an array) with v appended. */
  private appendValue(
    obj: { [key: string]: V },
    key: string,
    v: V,
    fieldPath: string[] | null,
    kLine: number,
    kCol: number
  ): void {
    if (fieldPath !== null && v instanceof Special) this.bindSelfRefs(v, fieldPath)
    const range = this.rangeFrom(kLine, kCol)
    const text = '${?' + key + '}'
    const old = fieldPath === null ? own(obj, key) : this.previousValue(fieldPath, text, range)
    let nv: V
    if (old === undefined) nv = [v]
    else if (Array.isArray(old)) nv = old.concat([v])
    else if (old instanceof Special) {
      const s = new Subst(fieldPath ?? [key], true, text, range)
      s.selfRef = true
      s.base = old
      this.doc.hasSubst = true
      nv = new Concat([s, [v]], range)
    } else {
      const t = isObject(old) ? 'an object' : typeof old === 'string' ? 'a string' : old === null ? 'null' : `a ${typeof old}`
      this.failRange(`'+=' appends to an array, but "${key}" is ${t}`, kLine, kCol, this.line, this.col())
    }
    setOwn(obj, key, nv)
  }

  /** Binds the substitutions of a field value that refer to the field itself (or below it) to its previous value. */
  private bindSelfRefs(v: Special, fieldPath: string[]): void {
    if (v instanceof Subst) this.bindSelfRef(v, fieldPath)
    else if (v instanceof Concat) {
      for (const p of v.parts) if (p instanceof Subst) this.bindSelfRef(p, fieldPath)
    }
  }

  private bindSelfRef(s: Subst, fieldPath: string[]): void {
    const sp = s.path
    const n = fieldPath.length
    if (sp.length < n) return
    for (let i = 0; i < n; i++) if (sp[i] !== fieldPath[i]) return
    s.selfRef = true
    s.base = this.previousValue(fieldPath, s.text, s.range)
    s.rest = sp.slice(n)
  }

  /**
   * The value the field at fieldPath has before the definition being parsed: looked up in the
   * objects being parsed, innermost first (inner definitions override outer ones).
   */
  private previousValue(fieldPath: string[], text: string, range: Range): V | undefined {
    const frames = this.doc.frames
    const layers: V[] = []
    for (let f = frames.length - 1; f >= 0; f--) {
      const fr = frames[f]
      let cur: V | undefined = fr.obj
      for (let i = fr.path.length; i < fieldPath.length; i++) {
        if (isObject(cur)) {
          cur = own(cur, fieldPath[i])
          if (cur === undefined) break
        } else if (cur instanceof Special) {
          const ref = new Subst(fieldPath.slice(i), true, text, range)
          ref.selfRef = true
          ref.base = cur
          ref.rest = fieldPath.slice(i)
          cur = ref
          break
        } else {
          cur = undefined
          break
        }
      }
      if (cur === undefined) continue
      layers.push(cur)
      if (!isObject(cur) && !(cur instanceof Special)) break
    }
    if (layers.length === 0) return undefined
    return layers.length === 1 ? layers[0] : new Merge(layers)
  }

  // ---- include

  private parseInclude(obj: { [key: string]: V }, path: string[] | null, key: number, kLine: number, kCol: number): void {
    const src = this.src
    this.pos += 7
    this.skipSpaces()
    let required = false
    let kind: IncludeRequest['kind'] = 'plain'
    if (src.startsWith('required(', this.pos)) {
      required = true
      this.pos += 9
      this.skipSpaces()
    }
    let paren = false
    for (const k of ['file', 'url', 'classpath'] as const) {
      if (src.startsWith(k + '(', this.pos)) {
        kind = k
        this.pos += k.length + 1
        this.skipSpaces()
        paren = true
        break
      }
    }
    if (src.charCodeAt(this.pos) !== 34 || src.startsWith('"""', this.pos)) {
      this.fail(
        paren || required
          ? 'expected a quoted resource name in include'
          : "include must be followed by a quoted name, or file(\"...\"), url(\"...\"), classpath(\"...\") or required(...); to use 'include' as a key, quote it"
      )
    }
    const name = this.parseQuoted()
    if (paren) {
      this.skipSpaces()
      if (src.charCodeAt(this.pos) !== 41) this.fail(`expected ')' after the name in ${kind}(...)`)
      this.pos++
    }
    if (required) {
      this.skipSpaces()
      if (src.charCodeAt(this.pos) !== 41) this.fail("expected ')' to close required(...)")
      this.pos++
    }
    const range = this.mapRange ?? { line: kLine, column: kCol, endLine: this.line, endColumn: this.col() }
    const resolver = this.doc.options.resolveInclude
    let res: { text: string; filename: string } | undefined
    if (resolver) {
      try {
        res = resolver({ kind, name, from: this.filename, required })
      } catch (e) {
        this.failRange(`include "${name}" failed: ${e instanceof Error ? e.message : String(e)}`, range.line, range.column, range.endLine, range.endColumn)
      }
    }
    if (res === undefined) {
      if (required) this.failRange(`required include "${name}" was not found`, range.line, range.column, range.endLine, range.endColumn)
      return
    }
    if (this.includeStack.length >= MAX_INCLUDE_DEPTH || this.includeStack.includes(res.filename)) {
      this.failRange(
        `include cycle or includes nested too deeply: ${[...this.includeStack, res.filename].join(' -> ')}`,
        range.line,
        range.column,
        range.endLine,
        range.endColumn
      )
    }
    const sub = new Parser(res.text, this.doc, path ?? [], res.filename, range, [...this.includeStack, res.filename])
    sub.depth = this.depth
    try {
      sub.parseIncluded(obj, path, key)
    } catch (e) {
      if (e instanceof SyntaxAbort) {
        const d = e.diagnostic
        const where = d.message.startsWith('in included file') ? d.message : `in included file "${res.filename}" at line ${d.line}, column ${d.column}: ${d.message}`
        this.failRange(where, range.line, range.column, range.endLine, range.endColumn)
      }
      throw e
    }
  }

  // ---- paths (keys and substitutions)

  /** Parses a path expression into this.segs; stops before the first character that cannot continue it. */
  private parsePath(inSubst: boolean): void {
    const src = this.src
    const segs: Seg[] = []
    let cur = ''
    let has = false
    let segStart = this.col()
    for (;;) {
      const c = src.charCodeAt(this.pos)
      if (c === 34) {
        cur += src.startsWith('"""', this.pos) ? this.parseTriple() : this.parseQuoted()
        has = true
      } else if (this.isUnquotedStart(c)) {
        let start = this.pos
        let p = this.pos
        for (;;) {
          const d = src.charCodeAt(p)
          if (d < 128) {
            if ((CLS[d] & STOP) !== 0 || (d === 47 && src.charCodeAt(p + 1) === 47)) break
            if (d === 46 /* . */) {
              if (p > start) {
                cur += src.slice(start, p)
                has = true
              }
              if (!has) {
                this.pos = p
                this.fail(`empty element in ${inSubst ? 'substitution path' : 'key'} (a path cannot start with '.', end with '.' or contain '..'; quote an empty key as "")`)
              }
              segs.push({ text: cur, startCol: segStart, endCol: p - this.lineStart + 1 })
              cur = ''
              has = false
              start = p + 1
              segStart = start - this.lineStart + 1
            }
          } else if (d !== d || isUnicodeSpace(d)) break
          p++
        }
        if (p > start) {
          cur += src.slice(start, p)
          has = true
        }
        this.pos = p
      } else if (c < 128 ? (CLS[c] & WS) !== 0 : isUnicodeSpace(c)) {
        const s0 = this.pos
        this.skipSpaces()
        const d = src.charCodeAt(this.pos)
        if (d === 34 || this.isUnquotedStart(d)) {
          if (has || cur !== '') cur += src.slice(s0, this.pos)
        } else {
          this.pos = s0
          break
        }
      } else break
    }
    if (!has) {
      if (segs.length === 0) this.fail(inSubst ? 'a substitution needs a path, as in ${a.b}' : 'expected a key')
      this.fail(`empty element in ${inSubst ? 'substitution path' : 'key'} (a path cannot end with '.'; quote an empty key as "")`)
    }
    segs.push({ text: cur, startCol: segStart, endCol: this.col() })
    this.segs = segs
  }

  // ---- values

  /** Whether the value ends here (after skipping spaces). */
  private valueEnds(): boolean {
    const c = this.src.charCodeAt(this.pos)
    return c !== c || c === 10 || c === 44 || c === 125 || c === 93 || this.atComment(c)
  }

  private isValueStart(c: number): boolean {
    return c === 34 || c === 123 || c === 91 || (c === 36 && this.src.charCodeAt(this.pos + 1) === 123) || this.isUnquotedStart(c)
  }

  /**
   * A value: one piece, or a concatenation of pieces on one line.
   * `first`, if given, is the object a leading '{...}' is parsed into.
   */
  private parseValue(path: string[] | null, key: number): V {
    const sLine = this.line
    const sCol = this.col()
    let pStart = this.pos
    let v = this.parsePiece(path, key)
    let pEnd = this.pos
    let ws = this.pos
    this.skipSpaces()
    if (this.valueEnds()) {
      this.pos = pEnd
      return v
    }
    // concatenation
    const parts: V[] = [this.asPart(v, pStart, pEnd)]
    let hasSpecial = v instanceof Special
    for (;;) {
      const c = this.src.charCodeAt(this.pos)
      if (!this.isValueStart(c)) {
        if (c === 36) this.fail("'$' must start a substitution '${...}'; quote it to use it in a string")
        this.failAfterValue(key < 0 ? 'the root' : `"${this.doc.sourceMap.keyOf(key)}"`)
      }
      if (this.pos > ws) parts.push(new Ws(this.src.slice(ws, this.pos)))
      pStart = this.pos
      v = this.parsePiece(path, key)
      pEnd = this.pos
      if (v instanceof Special) hasSpecial = true
      parts.push(this.asPart(v, pStart, pEnd))
      ws = this.pos
      this.skipSpaces()
      if (this.valueEnds()) break
    }
    this.pos = pEnd
    const range = this.rangeFrom(sLine, sCol)
    if (hasSpecial) return new Concat(parts, range)
    try {
      const r = joinParts(parts)
      return r === undefined ? '' : r
    } catch (e) {
      if (e instanceof ConcatError) this.failRange(e.message, range.line, range.column, range.endLine, range.endColumn)
      throw e
    }
  }

  /** Literal numbers, booleans and null in a concatenation count with their text. */
  private asPart(v: V, start: number, end: number): V {
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) return this.src.slice(start, end)
    return v
  }

  private parsePiece(path: string[] | null, key: number): V {
    const src = this.src
    const c = src.charCodeAt(this.pos)
    if (c === 34) return src.startsWith('"""', this.pos) ? this.parseTriple() : this.parseQuoted()
    if (c === 123) {
      const l = this.line
      const col = this.col()
      this.pos++
      const obj: { [key: string]: V } = {}
      if (path === null) this.parseObjectBody(obj, path, key, true, l, col)
      else {
        const frames = this.doc.frames
        frames.push({ path, obj })
        this.parseObjectBody(obj, path, key, true, l, col)
        frames.pop()
      }
      return obj
    }
    if (c === 91) return this.parseArray(key)
    if (c === 36 && src.charCodeAt(this.pos + 1) === 123) return this.parseSubst()
    return this.parseUnquoted()
  }

  private parseArray(key: number): V[] {
    this.enter()
    const src = this.src
    const oLine = this.line
    const oCol = this.col()
    this.pos++
    const arr: V[] = []
    this.skipAll()
    const sm = this.doc.sourceMap
    /** Where the last element ended (before its separator): an unclosed array is closed there. */
    let lastEnd: Mark | undefined
    for (;;) {
      if (this.pos >= this.len) {
        const at = this.mark()
        try {
          this.failRange(`unclosed '[' (opened at line ${oLine}, column ${oCol})`, oLine, oCol, oLine, oCol + 1)
        } catch (e) {
          this.recovered(e, at)
          break
        }
      }
      const c = src.charCodeAt(this.pos)
      if (c === 93) {
        this.pos++
        break
      }
      // the element (a broken one is skipped; one that looks like the next field closes the array)
      const at = this.mark()
      let eKey = -1
      try {
        if (c === 44) this.fail(arr.length === 0 ? "unexpected ',' at the start of an array" : "unexpected ','; two commas in a row")
        if (!this.isValueStart(c)) {
          if (c === 125) this.fail(`unexpected '}' in an array opened at line ${oLine}, column ${oCol} (expected ']')`)
          if (c === 36) this.fail("'$' must start a substitution '${...}'; quote it to use it in a string")
          this.fail(`expected an array element or ']', found ${describeChar(c)}${c < 128 && CLS[c] & STOP ? ' (reserved characters must be quoted)' : ''}`)
        }
        eKey = sm.add(key, arr.length)
        const v = this.parseValue(null, eKey)
        this.mapElement(eKey, at)
        arr.push(v)
      } catch (e) {
        const errPos = this.pos
        this.recovered(e, at)
        if (eKey >= 0) this.mapElement(eKey, at)
        if (c === 125 || (lastEnd !== undefined && this.fieldLineAt(at.pos, at.lineStart))) {
          // '}' closes the enclosing object, and a line like `key = ...` is its next field: the ']' is missing
          if (eKey >= 0) sm.drop(eKey)
          this.reset(lastEnd ?? at)
          break
        }
        this.reset(at)
        if (c === 44) this.skipChar()
        else this.resync(at, errPos)
        this.skipAll()
        continue
      }
      lastEnd = this.mark()
      const sat = lastEnd
      try {
        const sep = this.skipSeparator()
        if (this.pos >= this.len) continue
        const d = src.charCodeAt(this.pos)
        if (d === 93) continue
        if (d === 44) this.fail("unexpected ','; two commas in a row")
        if (!sep) this.fail(`expected ',' or a newline between array elements, found ${describeChar(d)}`)
      } catch (e) {
        this.recovered(e, sat)
        if (src.charCodeAt(this.pos) === 125) {
          // the '}' of the enclosing object: the ']' is missing
          this.reset(sat)
          break
        }
        this.skipChar()
        this.skipAll()
      }
    }
    this.depth--
    return arr
  }

  /** Source-map range of an array element that started at `at` and ends at the current position. */
  private mapElement(eKey: number, at: Mark): void {
    const sm = this.doc.sourceMap
    const r = this.mapRange
    if (r !== undefined) {
      sm.setRange(eKey, r, r)
      return
    }
    const l = at.line
    const col = at.pos - at.lineStart + 1
    let el = this.line
    let ec = this.col()
    if (el < l || (el === l && ec < col)) {
      el = l
      ec = col
    }
    sm.setRanges(eKey, l, col, el, ec, l, col, el, ec)
  }

  private parseSubst(): Subst {
    const sLine = this.line
    const sCol = this.col()
    const start = this.pos
    this.pos += 2
    let optional = false
    if (this.src.charCodeAt(this.pos) === 63 /* ? */) {
      optional = true
      this.pos++
    }
    this.skipSpaces()
    const c = this.src.charCodeAt(this.pos)
    if (c === 125) this.fail('a substitution needs a path, as in ${a.b}')
    if (c !== 34 && !this.isUnquotedStart(c)) {
      if (c !== c || c === 10 || this.atComment(c)) this.failRange("unclosed substitution: expected '}'", sLine, sCol, sLine, sCol + 2)
      this.fail(`unexpected ${describeChar(c)} in substitution path`)
    }
    this.parsePath(true)
    this.skipSpaces()
    const d = this.src.charCodeAt(this.pos)
    if (d !== 125) {
      if (d !== d || d === 10 || this.atComment(d)) this.failRange("unclosed substitution: expected '}'", sLine, sCol, sLine, sCol + 2)
      this.fail(`unexpected ${describeChar(d)} in substitution path (expected '}')`)
    }
    this.pos++
    const segs = this.segs.map((s) => s.text)
    const range = this.rangeFrom(sLine, sCol)
    const s = new Subst(this.prefix.length > 0 ? this.prefix.concat(segs) : segs, optional, this.src.slice(start, this.pos), range)
    if (this.prefix.length > 0) s.fallback = segs
    this.doc.hasSubst = true
    return s
  }

  private parseUnquoted(): V {
    const src = this.src
    const start = this.pos
    let p = start
    const c0 = src.charCodeAt(p)
    let numEnd = -1
    if ((c0 >= 48 && c0 <= 57) || c0 === 45) {
      // number token: [0-9eE+-.]+
      p++
      for (;;) {
        const d = src.charCodeAt(p)
        if (d < 128 && (CLS[d] & NUM) !== 0) p++
        else break
      }
      numEnd = p
    }
    for (;;) {
      const d = src.charCodeAt(p)
      if (d < 128) {
        if ((CLS[d] & STOP) !== 0 || (d === 47 && src.charCodeAt(p + 1) === 47)) break
      } else if (d !== d || isUnicodeSpace(d)) break
      p++
    }
    this.pos = p
    if (numEnd >= 0) {
      const num = toNumber(src, start, numEnd)
      if (num !== undefined) {
        if (numEnd === p) return num
      } else if (Number.isNaN(Number(src.slice(start, numEnd)))) {
        // not a number after all: an unquoted string, which cannot hold '+'
        for (let i = start; i < numEnd; i++) {
          if (src.charCodeAt(i) === 43) {
            this.pos = i
            this.fail("reserved character '+' is not allowed outside quotes")
          }
        }
      }
      return src.slice(start, p)
    }
    const n = p - start
    if (n === 4) {
      if (src.startsWith('true', start)) return true
      if (src.startsWith('null', start)) return null
    } else if (n === 5 && src.startsWith('false', start)) return false
    return src.slice(start, p)
  }

  /** JSON string with escapes; the opening quote is at pos. */
  parseQuoted(): string {
    const src = this.src
    const sLine = this.line
    const sCol = this.col()
    let p = this.pos + 1
    let out = ''
    let chunk = p
    for (;;) {
      const c = src.charCodeAt(p)
      if (c === 34) {
        out += src.slice(chunk, p)
        this.pos = p + 1
        return out
      }
      if (c === 92 /* \ */) {
        out += src.slice(chunk, p)
        const e = src.charCodeAt(p + 1)
        switch (e) {
          case 34: out += '"'; break
          case 92: out += '\\'; break
          case 47: out += '/'; break
          case 98: out += '\b'; break
          case 102: out += '\f'; break
          case 110: out += '\n'; break
          case 114: out += '\r'; break
          case 116: out += '\t'; break
          case 117: {
            const hex = src.slice(p + 2, p + 6)
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.pos = p
              this.fail('invalid \\u escape in quoted string (expected 4 hex digits)')
            }
            out += String.fromCharCode(parseInt(hex, 16))
            p += 4
            break
          }
          default:
            this.pos = p
            if (e !== e) this.failRange('unclosed string', sLine, sCol, this.line, this.col())
            this.fail(`invalid escape '\\${String.fromCharCode(e)}' in quoted string`)
        }
        p += 2
        chunk = p
        continue
      }
      if (c !== c) {
        this.pos = p
        this.failRange('unclosed string', sLine, sCol, sLine, sCol + 1)
      }
      if (c < 32) {
        this.pos = p
        if (c === 10) this.failRange('unclosed string (a quoted string cannot contain a newline; use \\n or """...""")', sLine, sCol, sLine, p - this.lineStart + 1)
        this.fail('control character in quoted string; escape it')
      }
      p++
    }
  }

  /** """raw string"""; the opening quotes are at pos. */
  private parseTriple(): string {
    const src = this.src
    const sLine = this.line
    const sCol = this.col()
    const start = this.pos + 3
    let end = src.indexOf('"""', start)
    if (end < 0) this.failRange('unclosed triple-quoted string', sLine, sCol, sLine, sCol + 3)
    while (src.charCodeAt(end + 3) === 34) end++
    for (let i = src.indexOf('\n', start); i >= 0 && i < end; i = src.indexOf('\n', i + 1)) {
      this.line++
      this.lineStart = i + 1
    }
    this.pos = end + 3
    return src.slice(start, end)
  }
}

/** Number value of src[start, end) as lightbend reads a number token, or undefined. */
function toNumber(src: string, start: number, end: number): number | undefined {
  let fractional = false
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i)
    if (c === 46 || c === 101 || c === 69) fractional = true
  }
  const text = src.slice(start, end)
  if (!fractional) {
    // long: -?digits
    let i = 0
    if (text.charCodeAt(0) === 45) i = 1
    if (i >= text.length) return undefined
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c < 48 || c > 57) return undefined
    }
    const n = Number(text)
    return n === 0 ? 0 : Number.isFinite(n) ? n : undefined
  }
  const n = Number(text)
  // out of double range: keep the text (a JSON value cannot hold Infinity)
  return Number.isFinite(n) ? n : undefined
}

/** obj[key] = v with HOCON's duplicate-key rules (objects merge, unresolved values layer). */
export function assign(obj: { [key: string]: V }, key: string, v: V): void {
  const old = own(obj, key)
  if (old === undefined || old === v) {
    setOwn(obj, key, v)
  } else if (isObject(v)) {
    if (isObject(old)) mergeInto(old, v)
    else if (old instanceof Merge && isObject(old.stack[0])) mergeInto(old.stack[0], v)
    else if (old instanceof Special) setOwn(obj, key, new Merge(old instanceof Merge ? [v, ...old.stack] : [v, old]))
    else setOwn(obj, key, v)
  } else if (v instanceof Special) {
    setOwn(obj, key, new Merge(old instanceof Merge ? [v, ...old.stack] : [v, old]))
  } else setOwn(obj, key, v)
}

function mergeInto(dst: { [key: string]: V }, src: { [key: string]: V }): void {
  if (dst === src) return
  for (const k of Object.keys(src)) assign(dst, k, src[k] as V)
}
