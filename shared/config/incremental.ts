// Incremental validation for the config editor's worker: after an edit, validate again only the region of
// the text that changed and keep the previous diagnostics everywhere else. Pure TypeScript.
//
//   const v = createIncrementalValidator()
//   v.validate(req)  // the edited region parsed and linted again, the rest kept: { diagnostics, partial: true,
//                    // ms, region }; or, when the edit cannot be isolated, a full validation (partial: false,
//                    // with a `reason`)
//   v.full(req)      // handleValidateRequest(req).diagnostics (partial: false), the baseline for the next edit
//   v.reset()        // forget the previous text (another document)
// The worker posts validate()'s answer at once and then, unless it was already full, the answer of full().
//
// HOCON only. JSON and YAML always get the full validation (partial: false): a 5,000-line JSON or YAML
// vault validates in about 6 / 14 ms (p50, Node), and ClearML reads vaults as HOCON.
//
// Finding the region (HOCON). A light scanner that tracks "strings", """strings""", comments (# and //),
// `${…}` and brackets cuts a block into statements ("units"): a key path, its separator and its value up
// to the end of the line at bracket depth 0, so a `{ … }` value may span many lines. A key or separator
// left dangling at the end of a line (`key`, `key =`) is one unit with what the parser takes as its value;
// a ',' the parser reads as a separator (even on the next line) belongs to the unit before it.
//   - At the top level, the region is the units on the edited lines, widened until no other unit shares
//     one of its lines. The root's units are kept between calls (only the units around the edit are
//     scanned again).
//   - When that is one unit whose value is one `{ … }` or `[ … ]` block holding the edit, the scanner goes
//     down into the block and looks for a region there, and so on: the innermost block whose units have
//     lines of their own (its braces on other lines, the region's units not sharing a line with others)
//     gives the region. Its path prefix is the key paths of the enclosing statements (`sdk { aws {` ->
//     sdk.aws), plus the index of an enclosing array element. In an array the region is one element that
//     is a `{ … }` object.
//   - The region's lines are parsed alone, preceded by as many newlines (so every position is the one in
//     the whole text) and, inside a braced block, wrapped in braces of their own; the value is linted at its
//     prefix with the same options (adminVault …). Previous diagnostics outside the region are kept, those
//     after it moved by the edit's line delta; those inside it are dropped.
//
// Exactness. Inside the region the partial answer is the full validation's; outside it, the previous
// diagnostics, which are still right except for the stale kinds below. Whatever could make the region
// depend on the rest of the text makes validate() run the full validation instead (partial: false):
//   - no previous text, another format or adminVault, a change over 20,000 characters, a region over half
//     the text (a paste replacing everything), lone CR line breaks;
//   - an edit that changes the bracket structure beyond the region (an unclosed or extra brace or bracket,
//     an unclosed """), or a region whose old text is not whole statements of the same block;
//   - a previous parser error outside the region that is about brackets, nesting or includes (the parser's
//     recovery from it is not local to one statement); errors local to a statement (a bad value, escape or
//     key on one line) are kept;
//   - a region whose parse reads past its last line, closes its block early (a stray '}'), or has 40+
//     syntax errors; a broken element before the region in its array (it may not count as an element);
//   - `${…}`, `+=`, `include` or a backslash at the end of a line in the region (old or new text);
//   - another statement, in the region's block or in any block around it, that defines the same key path
//     as the region, a path inside one of the region's, or a path through a value that is not an object
//     in the region — keys that merge or override across statements (a statement that is one `{ … }` over
//     an object path of the region is looked into first); the same for the old text of the region;
//   - a key path the old region defined and no longer does, that other statements define, with a finding
//     reported in the region (the finding moves to one of them).
// Key paths shared only as objects are exact: e.g. `sdk.aws.s3.credentials` in 5,000 statements
// `sdk.aws.s3.credentials.N { … }` — a finding about such a path is reported at its last definition, and
// the partial answer knows whether that is in the region or after it.
//
// What may be stale in a partial answer (the full validation right after fixes it):
//   - substitutions outside the region that refer to it: a 'hocon.substitution' error that should appear
//     or go (e.g. the region renamed the key a `${…}` elsewhere points to), and lint findings about values
//     copied from the region into the key holding the `${…}`;
//   - includes outside the region (the worker resolves none).
// Findings about keys merging across statements (duplicate keys) are never stale: those edits fall back.

import type { ConfigFormat, ConfigValue, Diagnostic, ParseResult, SourceMap, SourceMapEntry } from './types.ts'
import { pathKey } from './types.ts'
import { parseConfig } from './parse.ts'
import { lintClearml } from './lint.ts'
import { handleValidateRequest } from './worker-protocol.ts'
import { isPlainObject } from './text.ts'

export interface IncrementalRequest {
  id: number
  text: string
  format: ConfigFormat
  adminVault?: boolean
}

export interface IncrementalResult {
  diagnostics: Diagnostic[]
  /** True when only the edited region was validated (see the module header for what may be stale). */
  partial: boolean
  /** Time spent in this call, in milliseconds. */
  ms: number
  /** Partial answers: the lines (1-based, inclusive, in the new text) that were validated again. */
  region?: { startLine: number; endLine: number }
  /** Full answers from validate(): why the edit could not be isolated. */
  reason?: string
}

export interface IncrementalValidator {
  validate(req: IncrementalRequest): IncrementalResult
  full(req: IncrementalRequest): IncrementalResult
  reset(): void
}

/** A millisecond clock: performance.now() in workers and Node (not in the ES lib this code is typed with). */
const now = (): number => {
  const p = (globalThis as { performance?: { now(): number } }).performance
  return p !== undefined ? p.now() : Date.now()
}

/** Changes larger than this (characters inserted or removed) are validated in full. */
const MAX_CHANGE = 20000
/** Regions larger than this fraction of the text are validated in full (it would cost about the same). */
const MAX_REGION_FRACTION = 0.5
/** Block nesting deeper than this is validated in full (the parser's own depth limit is global). */
const MAX_CHAIN_DEPTH = 64
/** Parser messages about brackets, nesting, the root or includes: their recovery is not local to a statement. */
const STRUCTURAL = /'[}\]]'|unclosed '[{[]|unclosed triple|after the root|opened at line|too long|too deep|include/

/** Parser messages saying that its bracket structure differs from the scanner's (a block closed early or late). */
const HARMFUL = /without a matching|after the root|opened at line|too deep|too long/

/** The parser stops after 50 syntax errors (MAX_SYNTAX_ERRORS): stay clear of that global limit. */
const MAX_REGION_ERRORS = 40

// ---------------------------------------------------------------------------------------------------
// Character classes, as the HOCON parser has them (parser.ts).

const WS = 1
const STOP = 2
const CLS = new Uint8Array(128)
for (const c of [9, 11, 12, 13, 28, 29, 30, 31, 32]) CLS[c] = WS | STOP
CLS[10] = STOP
for (const ch of '$"{}[]:=,+#`^?!@*&\\') CLS[ch.charCodeAt(0)] |= STOP

function isUnicodeSpace(c: number): boolean {
  return c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
}

function isWs(c: number): boolean {
  return c < 128 ? (CLS[c] & WS) !== 0 : isUnicodeSpace(c)
}

// ---------------------------------------------------------------------------------------------------
// The scanner: statements ("units") of one block, with the key paths they define.

/** A `{ … }` or `[ … ]` value piece: offsets of the opening and the closing bracket. */
interface Piece {
  open: number
  close: number
  /** Its statements, when the scanner looked into it (a block opening before the edit: see Scanner.focus). */
  inner?: Block
}

interface Unit {
  /** Offset of the first character of the unit. */
  start: number
  /** Offset just after its last significant character (before any separator or comment). */
  end: number
  /** Key paths of its fields (object blocks); a field whose key could not be read is not listed. */
  headers: string[][]
  /** Number of fields / elements in the unit (more than one after a dangling key). */
  items: number
  /** The unit's single value, when it is exactly one bracket piece (and the field is not `+=`). */
  piece: Piece | undefined
  /** The unit ends with a dangling key or separator before the block's closing bracket or the end of text. */
  dangling: boolean
  /** Something the parser reports as a syntax error (the unit is still delimited like the parser does). */
  bad: boolean
  include: boolean
  append: boolean
  subst: boolean
}

interface Block {
  kind: 'object' | 'array'
  /** Offset of the opening bracket, -1 for the unbraced root object (or a scanned text fragment). */
  open: number
  /** Offset of the closing bracket (the end of the text when unbraced). */
  close: number
  units: Unit[]
  /** A scan that stopped early (see scanObject's `resume`): where it stopped. */
  resumeAt?: number
}

/** The scanner found text whose bracket structure cannot be delimited (unclosed, mismatched, ...). */
class Unscannable {
  constructor(readonly why: string) {}
}

class Scanner {
  readonly len: number
  /**
   * Blocks opening before this offset (the edit) are scanned statement by statement as they are met, so
   * that the chain of blocks down to the edit costs one pass over the text; the others are only skipped.
   */
  focus = -1
  constructor(readonly text: string) {
    this.len = text.length
  }

  /** The statements of the block opening at p (reusing a scan the piece already has). */
  blockOf(piece: Piece): Block {
    return (piece.inner ??= this.scanBlock(piece.open))
  }

  private unquotedAt(p: number, c: number): boolean {
    if (c !== c) return false
    if (c < 128) return (CLS[c] & STOP) === 0 && !(c === 47 && this.text.charCodeAt(p + 1) === 47)
    return !isUnicodeSpace(c)
  }

  /** Skips whitespace, newlines and comments. */
  skipTrivia(p: number): number {
    const t = this.text
    for (;;) {
      const c = t.charCodeAt(p)
      if (c === 10 || (c < 128 ? (CLS[c] & WS) !== 0 : c === c && isUnicodeSpace(c))) p++
      else if (c === 35 || (c === 47 && t.charCodeAt(p + 1) === 47)) {
        const i = t.indexOf('\n', p)
        p = i < 0 ? this.len : i
      } else return p
    }
  }

  /** Past a "quoted" string (which ends at a newline when unclosed, like the parser's recovery). */
  private skipQuoted(p: number): { end: number; closed: boolean } {
    const t = this.text
    p++
    for (;;) {
      const d = t.charCodeAt(p)
      if (d !== d || d === 10) return { end: p, closed: false }
      p++
      if (d === 34) return { end: p, closed: true }
      if (d === 92 && t.charCodeAt(p) !== 10) p++
    }
  }

  /** Past a """triple-quoted""" string; an unclosed one swallows the rest of the text. */
  private skipTriple(p: number): number {
    let end = this.text.indexOf('"""', p + 3)
    if (end < 0) throw new Unscannable('unclosed triple-quoted string')
    while (this.text.charCodeAt(end + 3) === 34) end++
    return end + 3
  }

  /** Past `${...}` (which ends at a newline when unclosed, like the parser's recovery). */
  private skipSubst(p: number): number {
    const t = this.text
    p += 2
    for (;;) {
      const d = t.charCodeAt(p)
      if (d !== d || d === 10) return p
      p++
      if (d === 125) return p
    }
  }

  /** Offset of the bracket closing the one at p. */
  skipBracket(p: number, unit: Unit | undefined): number {
    const t = this.text
    const stack: number[] = [t.charCodeAt(p) === 123 ? 125 : 93]
    p++
    for (;;) {
      const c = t.charCodeAt(p)
      if (c !== c) throw new Unscannable('unclosed bracket')
      if (c === 34) {
        if (t.startsWith('"""', p)) p = this.skipTriple(p)
        else {
          const q = this.skipQuoted(p)
          if (!q.closed && unit) unit.bad = true
          p = q.end
        }
      } else if (c === 35 || (c === 47 && t.charCodeAt(p + 1) === 47)) {
        const i = t.indexOf('\n', p)
        p = i < 0 ? this.len : i
      } else if (c === 36 && t.charCodeAt(p + 1) === 123) {
        if (unit) unit.subst = true
        p = this.skipSubst(p)
      } else if (c === 123) {
        stack.push(125)
        p++
      } else if (c === 91) {
        stack.push(93)
        p++
      } else if (c === 125 || c === 93) {
        if (stack[stack.length - 1] !== c) throw new Unscannable('mismatched bracket')
        stack.pop()
        if (stack.length === 0) return p
        p++
      } else p++
    }
  }

  /**
   * A value on one line: pieces up to a newline, ',', a closing bracket or a comment at depth 0.
   * Returns the offset after its last piece and the single bracket piece, if it is one.
   */
  private scanValue(p: number, unit: Unit): { end: number; next: number; piece: Piece | undefined } {
    const t = this.text
    let end = p
    let count = 0
    let piece: Piece | undefined
    let inner: Block | undefined
    for (;;) {
      const c = t.charCodeAt(p)
      if (c !== c || c === 10 || c === 44 || c === 125 || c === 93 || c === 35 || (c === 47 && t.charCodeAt(p + 1) === 47)) break
      if (c < 128 ? (CLS[c] & WS) !== 0 : isUnicodeSpace(c)) {
        p++
        continue
      }
      let isPiece = false
      const at = p
      if (c === 34) {
        if (t.startsWith('"""', p)) p = this.skipTriple(p)
        else {
          const q = this.skipQuoted(p)
          if (!q.closed) unit.bad = true
          p = q.end
        }
      } else if (c === 123 || c === 91) {
        if (p < this.focus) {
          // (an error inside the block is its statements' own: the unit itself stays whole)
          inner = this.scanBlock(p)
          for (const u of inner.units) if (u.subst) unit.subst = true
          p = inner.close + 1
        } else p = this.skipBracket(p, unit) + 1
        isPiece = true
      } else if (c === 36 && t.charCodeAt(p + 1) === 123) {
        unit.subst = true
        p = this.skipSubst(p)
      } else if (this.unquotedAt(p, c)) {
        p++
        while (p < this.len && this.unquotedAt(p, t.charCodeAt(p))) p++
      } else {
        // a reserved character: the parser reports it and skips the rest of the line
        unit.bad = true
        p++
      }
      count++
      piece = count === 1 && isPiece ? { open: at, close: p - 1, inner } : undefined
      inner = undefined
      end = p
    }
    return { end, next: p, piece }
  }

  /** Reads a key path like the parser's parsePath; undefined when the parser would reject it. */
  private scanKey(p: number): { segs: string[] | undefined; next: number } {
    const t = this.text
    const segs: string[] = []
    let cur = ''
    let has = false
    let ok = true
    for (;;) {
      const c = t.charCodeAt(p)
      if (c === 34) {
        if (t.startsWith('"""', p)) {
          const e = this.skipTriple(p)
          cur += t.slice(p + 3, e - 3)
          p = e
        } else {
          const q = this.skipQuoted(p)
          if (!q.closed) return { segs: undefined, next: q.end }
          const raw = t.slice(p, q.end)
          if (raw.includes('\\')) {
            try {
              cur += JSON.parse(raw) as string
            } catch {
              ok = false
            }
          } else cur += raw.slice(1, -1)
          p = q.end
        }
        has = true
      } else if (this.unquotedAt(p, c)) {
        let start = p
        for (;;) {
          const d = t.charCodeAt(p)
          if (d < 128) {
            if ((CLS[d] & STOP) !== 0 || (d === 47 && t.charCodeAt(p + 1) === 47)) break
            if (d === 46) {
              if (p > start) {
                cur += t.slice(start, p)
                has = true
              }
              if (!has) ok = false
              segs.push(cur)
              cur = ''
              has = false
              start = p + 1
            }
          } else if (d !== d || isUnicodeSpace(d)) break
          p++
        }
        if (p > start) {
          cur += t.slice(start, p)
          has = true
        }
      } else if (c < 128 ? (CLS[c] & WS) !== 0 : c === c && isUnicodeSpace(c)) {
        const s0 = p
        while (isWs(t.charCodeAt(p))) p++
        const d = t.charCodeAt(p)
        if (d === 34 || this.unquotedAt(p, d)) {
          if (has || cur !== '') cur += t.slice(s0, p)
        } else {
          p = s0
          break
        }
      } else break
    }
    if (!has) ok = false
    segs.push(cur)
    return { segs: ok ? segs : undefined, next: p }
  }

  private newUnit(start: number): Unit {
    return { start, end: start, headers: [], items: 0, piece: undefined, dangling: false, bad: false, include: false, append: false, subst: false }
  }

  /**
   * After a unit, like the parser's skipSeparator: whitespace, newlines and comments, then at most one ','
   * (which belongs to the unit, even on a later line).
   */
  private afterValue(p: number, unit: Unit): number {
    const q = this.skipTrivia(p)
    if (this.text.charCodeAt(q) !== 44) return q
    unit.end = Math.max(unit.end, q + 1)
    return q + 1
  }

  /** A ',' where a unit should start: the parser reports it; it belongs to the unit before, if any. */
  private strayComma(units: Unit[], pending: Unit | undefined, p: number): Unit {
    const unit = pending ?? units.pop() ?? this.newUnit(p)
    unit.bad = true
    unit.end = p + 1
    return unit
  }

  /** The statements of an object block whose body starts at p (after its '{', or at a text's start). */
  scanObject(open: number, p: number, braced: boolean, resume?: (start: number) => boolean): Block {
    const t = this.text
    const units: Unit[] = []
    let pending: Unit | undefined
    for (;;) {
      p = this.skipTrivia(p)
      const c = t.charCodeAt(p)
      // the caller knows the rest from here (a unit starts afresh where one started before the edit)
      if (resume !== undefined && pending === undefined && c !== 44 && resume(p)) return { kind: 'object', open, close: -1, resumeAt: p, units }
      if (c !== c || c === 125) {
        if ((c !== c) === braced) throw new Unscannable(braced ? 'unclosed brace' : "unexpected '}'")
        if (pending) {
          pending.dangling = true
          units.push(pending)
        }
        return { kind: 'object', open, close: p, units }
      }
      if (c === 93) throw new Unscannable("unexpected ']'")
      if (c === 44) {
        units.push(this.strayComma(units, pending, p))
        pending = undefined
        p++
        continue
      }
      const unit = pending ?? this.newUnit(p)
      pending = undefined
      unit.items++
      if (c === 105 && t.startsWith('include', p) && !this.unquotedAt(p + 7, t.charCodeAt(p + 7)) && t.charCodeAt(p + 7) !== 34) {
        unit.include = true
        const v = this.scanValue(p + 7, unit)
        unit.end = Math.max(p + 7, v.end)
        units.push(unit)
        p = this.afterValue(v.next, unit)
        continue
      }
      if (c !== 34 && !this.unquotedAt(p, c)) {
        // not a key: the parser reports it and skips the rest of the line
        unit.bad = true
        const v = this.scanValue(p, unit)
        unit.end = Math.max(p + 1, v.end)
        units.push(unit)
        p = this.afterValue(v.next, unit)
        continue
      }
      const key = this.scanKey(p)
      if (key.segs === undefined) unit.bad = true
      let q = this.skipTrivia(key.next)
      let d = t.charCodeAt(q)
      if (d === 58 || d === 61) {
        q = this.skipTrivia(q + 1)
      } else if (d === 43 && t.charCodeAt(q + 1) === 61) {
        unit.append = true
        q = this.skipTrivia(q + 2)
      } else if (d !== 123) {
        // a dangling key: the parser reports it where the next token is
        unit.bad = true
        unit.end = key.next
        if (d !== d || d === 125 || d === 93) {
          pending = unit
          p = q
          continue
        }
        if ((d === 34 || this.unquotedAt(q, d)) && t.lastIndexOf('\n', q) >= key.next) {
          // the next field, on a later line: the parser resumes there; both are one unit
          pending = unit
          p = q
          continue
        }
        const v = this.scanValue(q, unit)
        unit.end = Math.max(unit.end, v.end)
        units.push(unit)
        p = this.afterValue(v.next, unit)
        continue
      }
      d = t.charCodeAt(q)
      const valueStart = d === 34 || d === 123 || d === 91 || (d === 36 && t.charCodeAt(q + 1) === 123) || this.unquotedAt(q, d)
      if (!valueStart) {
        unit.bad = true
        unit.end = q
        if (d !== d || d === 125 || d === 93) {
          // `key =` before the end of the block: the parser reports it at the closing bracket
          pending = unit
          p = q
          continue
        }
        if (d === 44) {
          units.push(unit)
          p = q + 1
          continue
        }
        const v = this.scanValue(q, unit)
        unit.end = Math.max(q + 1, v.end)
        units.push(unit)
        p = this.afterValue(v.next, unit)
        continue
      }
      if (key.segs !== undefined) unit.headers.push(key.segs)
      const v = this.scanValue(q, unit)
      unit.end = v.end
      unit.piece = unit.items === 1 && !unit.append ? v.piece : undefined
      units.push(unit)
      p = this.afterValue(v.next, unit)
    }
  }

  /** The elements of an array block whose body starts at p (after its '[', or at a text's start). */
  scanArray(open: number, p: number, braced: boolean): Block {
    const t = this.text
    const units: Unit[] = []
    for (;;) {
      p = this.skipTrivia(p)
      const c = t.charCodeAt(p)
      if (c !== c || c === 93) {
        if ((c !== c) === braced) throw new Unscannable(braced ? 'unclosed bracket' : "unexpected ']'")
        return { kind: 'array', open, close: p, units }
      }
      if (c === 125) throw new Unscannable("unexpected '}' in an array")
      if (c === 44) {
        units.push(this.strayComma(units, undefined, p))
        p++
        continue
      }
      const unit = this.newUnit(p)
      unit.items = 1
      const v = this.scanValue(p, unit)
      if (v.end === p) {
        unit.bad = true
        unit.end = p + 1
        p++
      } else {
        unit.end = v.end
        unit.piece = v.piece
        p = v.next
      }
      units.push(unit)
      p = this.afterValue(p, unit)
    }
  }

  /** The block opened by the bracket at `open`. */
  scanBlock(open: number): Block {
    return this.text.charCodeAt(open) === 123 ? this.scanObject(open, open + 1, true) : this.scanArray(open, open + 1, true)
  }

  /** The root object of a document (braced or not). */
  scanRoot(): Block {
    const p = this.skipTrivia(0)
    const c = this.text.charCodeAt(p)
    if (c === 91) throw new Unscannable('the root is an array')
    if (c === 123) {
      const b = this.scanObject(p, p + 1, true)
      if (this.skipTrivia(b.close + 1) < this.len) throw new Unscannable('text after the root object')
      return b
    }
    return this.scanObject(-1, 0, false)
  }
}

/**
 * The root block of `text` from the one of `old` (unbraced roots): the units before the edit are kept, the
 * scan restarts at the last unit starting before it, and stops at the first unit start after the edit where
 * a unit started in the old text too; the units from there on are the old ones, moved by the edit's length.
 * The old block is moved in place (it must not be used again).
 */
function rescanRoot(prevRoot: Block | undefined, scanner: Scanner, a: number, oldEnd: number, newEnd: number): Block {
  if (prevRoot === undefined || prevRoot.open >= 0) return scanner.scanRoot()
  const units = prevRoot.units
  const delta = newEnd - oldEnd
  // last old unit starting before the edit
  let lo = 0
  let hi = units.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (units[mid].start < a) lo = mid + 1
    else hi = mid
  }
  const k = lo - 1
  const from = k >= 0 ? units[k].start : 0
  let j = Math.max(0, k)
  const resume = (p: number): boolean => {
    if (p < newEnd || p === scanner.len) return false
    const q = p - delta
    while (j < units.length && units[j].start < q) j++
    return j < units.length && units[j].start === q
  }
  const scanned = scanner.scanObject(-1, from, false, resume)
  const head = k >= 0 ? units.slice(0, k) : []
  if (scanned.resumeAt === undefined) return { kind: 'object', open: -1, close: scanned.close, units: head.concat(scanned.units) }
  const tail = units.slice(j)
  if (delta !== 0) {
    for (const u of tail) {
      u.start += delta
      u.end += delta
      if (u.piece !== undefined) u.piece = { open: u.piece.open + delta, close: u.piece.close + delta }
    }
  }
  return { kind: 'object', open: -1, close: scanner.len, units: head.concat(scanned.units, tail) }
}

// ---------------------------------------------------------------------------------------------------
// Lines

class Lines {
  readonly starts: number[] = [0]
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1)
  }
  /** 1-based line of an offset. */
  lineOf(off: number): number {
    const s = this.starts
    let lo = 0
    let hi = s.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (s[mid] <= off) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }
  /** 1-based line and column of an offset. */
  position(off: number): { line: number; column: number } {
    const line = this.lineOf(off)
    return { line, column: off - this.starts[line - 1] + 1 }
  }
  /** Offset where a 1-based line starts (the text's length past the last line). */
  startOf(line: number): number {
    return line - 1 < this.starts.length ? this.starts[line - 1] : this.text.length
  }
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++
  return n
}

// ---------------------------------------------------------------------------------------------------
// Stored diagnostics

/** 0 = the parser's (syntax, substitution), 1 = lint (pyhocon checks and ClearML lint). */
function rankOf(d: Diagnostic): number {
  return d.code !== undefined && d.code.startsWith('hocon.') ? 0 : 1
}

/** The order handleValidateRequest produces: by position, the parser's before lint's (stable). */
function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds
    .map((d, i) => ({ d, i, r: rankOf(d) }))
    .sort((a, b) => a.d.line - b.d.line || a.d.column - b.d.column || a.r - b.r || a.i - b.i)
    .map((x) => x.d)
}

interface State {
  text: string
  format: ConfigFormat
  adminVault: boolean
  diagnostics: Diagnostic[]
  /** The scanner's root block of `text`, when validate() made one (reused by the next edit). */
  root?: Block
}

// ---------------------------------------------------------------------------------------------------
// Source map of a region parsed alone, seen from the whole document

/** Looks `prefix.rest` up as `rest` in the region's map; `prefix` itself is `self` (an array element). */
class PrefixedSourceMap extends Map<string, SourceMapEntry> {
  constructor(
    private readonly inner: SourceMap,
    private readonly prefix: string,
    private readonly self: SourceMapEntry | undefined
  ) {
    super()
  }
  override get(k: string): SourceMapEntry | undefined {
    if (this.prefix === '') return this.inner.get(k)
    if (k === this.prefix) return this.self
    if (k.length > this.prefix.length && k.startsWith(this.prefix) && k.charCodeAt(this.prefix.length) === 46) return this.inner.get(k.slice(this.prefix.length + 1))
    return undefined
  }
  override has(k: string): boolean {
    return this.get(k) !== undefined
  }
}

/** The relative key of an absolute path key under prefix ('' for the prefix itself), or undefined. */
function relativeKey(abs: string, prefix: string): string | undefined {
  if (prefix === '') return abs
  if (abs === prefix) return ''
  if (abs.length > prefix.length && abs.startsWith(prefix) && abs.charCodeAt(prefix.length) === 46) return abs.slice(prefix.length + 1)
  return undefined
}

const BARE = /^[A-Za-z0-9_-]+$/
/** One path segment as pathKey writes it. */
const quoteSeg = (s: string): string => (BARE.test(s) ? s : JSON.stringify(s))

const endPosition = (p: { line: number; column: number }): { endLine: number; endColumn: number } => ({ endLine: p.line, endColumn: p.column })

/** `value` placed at `path` from the root (array indexes make sparse arrays, which lint walks as such). */
function wrapValue(path: readonly (string | number)[], value: ConfigValue): ConfigValue {
  let v = value
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i]
    if (typeof seg === 'number') {
      const arr: ConfigValue[] = []
      arr[seg] = v
      v = arr
    } else {
      const o: { [key: string]: ConfigValue } = {}
      Object.defineProperty(o, seg, { value: v, enumerable: true, writable: true, configurable: true })
      v = o
    }
  }
  return v
}

// ---------------------------------------------------------------------------------------------------
// Region finding

interface Level {
  block: Block
  /** Key path of the block from the root. */
  path: (string | number)[]
  /** The unit of this block that holds the next level (undefined for the innermost level). */
  via?: Unit
}

interface Region {
  level: number
  /** Indexes of the region's units in its block (first..last inclusive; last < first when none). */
  first: number
  last: number
  startLine: number
  endLine: number
}

class Fallback {
  constructor(readonly reason: string) {}
}

/** The region of `block` for the edited lines [l1, l2], or a reason why there is none at this level. */
function regionIn(block: Block, lines: Lines, l1: number, l2: number): { first: number; last: number; startLine: number; endLine: number } | string {
  const units = block.units
  const endLine = (u: Unit): number => lines.lineOf(Math.max(u.start, u.end - 1))
  // first unit that ends on or after line l1
  let lo = 0
  let hi = units.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (endLine(units[mid]) < l1) lo = mid + 1
    else hi = mid
  }
  let first = lo
  let last = lo - 1
  while (last + 1 < units.length && lines.lineOf(units[last + 1].start) <= l2) last++
  let a = l1
  let b = l2
  if (last >= first) {
    for (;;) {
      a = Math.min(a, lines.lineOf(units[first].start))
      b = Math.max(b, endLine(units[last]))
      let grown = false
      if (first > 0 && endLine(units[first - 1]) >= a) {
        first--
        grown = true
      }
      if (last + 1 < units.length && lines.lineOf(units[last + 1].start) <= b) {
        last++
        grown = true
      }
      if (!grown) break
    }
  }
  if (block.open >= 0 && lines.lineOf(block.open) >= a) return 'the block opens on an edited line'
  if (block.open >= 0 && lines.lineOf(block.close) <= b) return 'the block closes on an edited line'
  // (in the unbraced root a dangling unit is the last one, at the end of the text, as in the document)
  if (last >= first && units[last].dangling && block.open >= 0) return 'a dangling key or separator before the end of the block'
  return { first, last, startLine: a, endLine: b }
}

// ---------------------------------------------------------------------------------------------------

export function createIncrementalValidator(): IncrementalValidator {
  let state: State | undefined

  const full = (req: IncrementalRequest): IncrementalResult => {
    const t0 = now()
    const res = handleValidateRequest({ id: req.id, text: req.text, format: req.format, adminVault: req.adminVault })
    // the scan of the same text (from the validate() just before) stays valid for the next edit
    const root = state !== undefined && state.text === req.text ? state.root : undefined
    state = { text: req.text, format: req.format, adminVault: !!req.adminVault, diagnostics: res.diagnostics, root }
    return { diagnostics: res.diagnostics, partial: false, ms: now() - t0 }
  }

  const validate = (req: IncrementalRequest): IncrementalResult => {
    const t0 = now()
    const prev = state
    const fallback = (reason: string): IncrementalResult => ({ ...full(req), ms: now() - t0, reason })
    if (prev === undefined) return fallback('no previous text')
    if (req.format !== 'hocon') return fallback('only HOCON is validated incrementally')
    if (prev.format !== req.format || prev.adminVault !== !!req.adminVault) return fallback('format or options changed')
    if (prev.text === req.text) return { diagnostics: prev.diagnostics, partial: false, ms: now() - t0 }
    try {
      const { diagnostics, region, root } = partialValidate(prev, req)
      state = { text: req.text, format: req.format, adminVault: !!req.adminVault, diagnostics, root }
      return { diagnostics, region, partial: true, ms: now() - t0 }
    } catch (e) {
      if (e instanceof Fallback) return fallback(e.reason)
      if (e instanceof Unscannable) return fallback(`the bracket structure cannot be delimited: ${e.why}`)
      throw e
    }
  }

  return {
    validate,
    full,
    reset: () => {
      state = undefined
    }
  }
}

/** The common prefix and suffix of two texts: the edit replaced old[a, oldEnd) by text[a, newEnd). */
function diffRange(old: string, text: string): { a: number; oldEnd: number; newEnd: number } {
  const n = Math.min(old.length, text.length)
  let a = 0
  // compare in chunks first (string equality is a memory compare), then by character
  const CHUNK = 1024
  while (a + CHUNK <= n && old.slice(a, a + CHUNK) === text.slice(a, a + CHUNK)) a += CHUNK
  while (a < n && old.charCodeAt(a) === text.charCodeAt(a)) a++
  let b = 0
  const maxB = n - a
  while (b + CHUNK <= maxB && old.slice(old.length - b - CHUNK, old.length - b) === text.slice(text.length - b - CHUNK, text.length - b)) b += CHUNK
  while (b < maxB && old.charCodeAt(old.length - 1 - b) === text.charCodeAt(text.length - 1 - b)) b++
  return { a, oldEnd: old.length - b, newEnd: text.length - b }
}

/** Things a region (old or new text) must not hold: each makes it depend on the rest of the document. */
function regionHazard(s: string): string | undefined {
  if (s.includes('${')) return 'a substitution in the region'
  if (s.includes('+=')) return "'+=' in the region"
  if (s.includes('include')) return 'an include in the region'
  if (/\\\r?\n/.test(s)) return 'a backslash at the end of a line in the region'
  return undefined
}

function partialValidate(prev: State, req: IncrementalRequest): { diagnostics: Diagnostic[]; region: { startLine: number; endLine: number }; root: Block } {
  const text = req.text
  const old = prev.text
  const { a, oldEnd, newEnd } = diffRange(old, text)
  if (oldEnd - a > MAX_CHANGE || newEnd - a > MAX_CHANGE) throw new Fallback('a large change')
  if ((text.includes('\r') && /\r(?!\n)/.test(text)) || (old.includes('\r') && /\r(?!\n)/.test(old))) throw new Fallback('lone CR line breaks')

  const lines = new Lines(text)
  const scanner = new Scanner(text)
  scanner.focus = a
  const l1 = lines.lineOf(a)
  const l2 = lines.lineOf(newEnd)

  // The chain of blocks holding the edit, outermost first.
  const prevRoot = prev.root
  prev.root = undefined
  const root = rescanRoot(prevRoot, scanner, a, oldEnd, newEnd)
  const levels: Level[] = [{ block: root, path: [] }]
  const candidates: (Region | string)[] = []
  for (;;) {
    const k = levels.length - 1
    const lv = levels[k]
    const r = regionIn(lv.block, lines, l1, l2)
    if (typeof r === 'string') {
      candidates.push(r)
      break
    }
    candidates.push({ level: k, ...r })
    if (r.first !== r.last || levels.length > MAX_CHAIN_DEPTH) break
    const u = lv.block.units[r.first]
    const pc = u.piece
    if (pc === undefined || !(pc.open < a && newEnd <= pc.close)) break
    const seg: (string | number)[] = lv.block.kind === 'array' ? [r.first] : u.headers.length === 1 ? u.headers[0] : []
    if (lv.block.kind === 'object' && u.headers.length !== 1) break
    lv.via = u
    levels.push({ block: scanner.blockOf(pc), path: [...lv.path, ...seg] })
  }
  if (levels.length > MAX_CHAIN_DEPTH) throw new Fallback('deep nesting')

  // Innermost acceptable region first.
  let region: Region | undefined
  let why = 'no region'
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i]
    if (typeof c === 'string') {
      why = c
      continue
    }
    const block = levels[c.level].block
    if (block.kind === 'array') {
      if (c.last !== c.first) {
        why = 'an array region must be one element'
        continue
      }
      const u = block.units[c.first]
      if (u.piece === undefined || text.charCodeAt(u.piece.open) !== 123 || u.bad) {
        why = 'an array element that is not an object'
        continue
      }
    }
    region = c
    break
  }
  if (region === undefined) throw new Fallback(why)

  const level = levels[region.level]
  const block = level.block
  // array indexes on the way to the region: a broken element before it may not count as one
  for (let j = 0; j <= region.level; j++) {
    const b = levels[j].block
    if (b.kind !== 'array') continue
    const idx = j < region.level ? b.units.indexOf(levels[j].via!) : region.first
    for (let i = 0; i < idx; i++) if (b.units[i].bad) throw new Fallback('a broken element before the region in its array')
  }
  const rs = lines.startOf(region.startLine)
  const re = lines.startOf(region.endLine + 1)
  if (re - rs > MAX_REGION_FRACTION * text.length && text.length > 4096) throw new Fallback('the region is most of the text')
  const delta = text.length - old.length
  const oldRe = re - delta
  if (oldRe < rs || oldRe < oldEnd || rs > a) throw new Fallback('the edit is not inside the region')
  const regionText = text.slice(rs, re)
  const oldRegionText = old.slice(rs, oldRe)
  const hz = regionHazard(regionText) ?? regionHazard(oldRegionText)
  if (hz) throw new Fallback(hz)
  const regionUnits = block.units.slice(region.first, region.last + 1)
  for (const u of regionUnits) {
    if (u.include || u.append || u.subst) throw new Fallback('a substitution, += or include in the region')
  }
  // the region's first character must start a field (the parser would read a '{' or '[' as a braced root)
  if (regionUnits.length > 0 && block.kind === 'object') {
    const c = text.charCodeAt(regionUnits[0].start)
    if (c === 123 || c === 91) throw new Fallback('the region starts with a bracket')
  }

  // The old text of the region must be whole statements of the same block, like the new one.
  const oldScanner = new Scanner(oldRegionText)
  let oldBlock: Block
  try {
    oldBlock = block.kind === 'object' ? oldScanner.scanObject(-1, 0, false) : oldScanner.scanArray(-1, 0, false)
  } catch (e) {
    if (e instanceof Unscannable) throw new Fallback(`the edit changes the bracket structure beyond the region (${e.why})`)
    throw e
  }
  const oldReachesEnd = oldRe === old.length
  if (oldBlock.units.length > 0 && oldBlock.units[oldBlock.units.length - 1].dangling && !(block.open < 0 && oldReachesEnd)) {
    throw new Fallback('the old region ends with a dangling key or separator')
  }
  if (block.kind === 'array') {
    const ou = oldBlock.units
    if (ou.length !== 1 || ou[0].piece === undefined || oldRegionText.charCodeAt(ou[0].piece.open) !== 123) throw new Fallback('the old region is not one object element')
  }
  for (const u of oldBlock.units) if (u.include || u.append || u.subst) throw new Fallback('a substitution, += or include in the old region')

  // Old diagnostics: inside the old region they are replaced. A parser error outside it is kept when it is
  // one the parser recovers from within its own statement (a value or key error on one line); anything
  // about brackets may have moved statements between blocks, so validate in full.
  const oldEndLine = region.endLine - (countNewlines(text, a, newEnd) - countNewlines(old, a, oldEnd))
  const lineDelta = region.endLine - oldEndLine
  const reachesEnd = re === text.length
  const inOld = (d: Diagnostic): boolean => d.line >= region!.startLine && (d.line <= oldEndLine || (oldReachesEnd && reachesEnd))
  let oldErrors = 0
  let keptErrors = 0
  for (const d of prev.diagnostics) {
    if (rankOf(d) !== 0) continue
    oldErrors++
    if (inOld(d)) {
      // the old parse of the region went past its brackets: what it left outside cannot be trusted
      if (HARMFUL.test(d.message)) throw new Fallback('the old region closed a block early')
      continue
    }
    if (d.code !== 'hocon.syntax' || STRUCTURAL.test(d.message)) throw new Fallback('a parser error about brackets outside the region')
    else keptErrors++
  }

  // Parse the region alone, at its place (an element region sits at its index in the array block).
  const isElement = block.kind === 'array'
  // In a braced block the region is parsed inside braces of its own (on the lines around it), so that a
  // '}' the parser would take as the block's end shows up as text after the root.
  const wrapped = block.kind === 'object' && block.open >= 0
  const padded = wrapped ? '\n'.repeat(region.startLine - 2) + '{\n' + regionText + '}' : '\n'.repeat(region.startLine - 1) + regionText
  const parsed = regionUnits.length > 0 ? parseConfig(padded, 'hocon') : emptyResult()
  // an error message names a field by its path from the root ('after the value of "a.b"'): the region's is relative
  const regionPath0 = block.kind === 'array' ? [...level.path, region.first] : level.path
  const prefix0 = pathKey(regionPath0)
  const syntax = prefix0 === '' ? parsed.diagnostics : parsed.diagnostics.map((d) => (d.message.includes('the value of "') ? { ...d, message: d.message.split('the value of "').join(`the value of "${prefix0}.`) } : d))
  if (syntax.length + keptErrors > MAX_REGION_ERRORS) throw new Fallback('too many syntax errors')
  for (const d of syntax) {
    if (d.code !== 'hocon.syntax') throw new Fallback(`a ${d.code ?? 'parser'} diagnostic in the region`)
    if (!reachesEnd && d.line > region.endLine) throw new Fallback('the region parse reads past the region')
    if (/nesting is too deep|key path is too long/.test(d.message)) throw new Fallback('nesting limits')
    if (d.message.includes('after the root')) throw new Fallback('the block or element would close early')
    if (d.message.includes('opened at line')) throw new Fallback('a block closed early or late')
  }
  // substitutions are resolved (and their failures reported) only when the text has no syntax error
  if (oldErrors > 0 !== syntax.length + keptErrors > 0 && text.includes('${')) throw new Fallback('syntax errors come or go: substitutions are checked again')

  const regionValue = parsed.value ?? parsed.partial
  const rootValue: ConfigValue = isPlainObject(regionValue) ? regionValue : {}
  const sm = parsed.sourceMap
  const regionPath = regionPath0
  const prefix = prefix0
  // every key path the region defines (relative to its block), as a tree of segments under the chain of
  // the enclosing statements' paths
  const defined = new Set<string>(sm.keys())
  const tree = placeTree(keyTree(defined, rootValue), chainOf(levels, region, text))
  const oldTree =
    oldBlock.units.length > 0 && !isElement
      ? (() => {
          const oldParsed = parseConfig(oldRegionText, 'hocon')
          const ov = oldParsed.value ?? oldParsed.partial
          return placeTree(keyTree(oldParsed.sourceMap.keys(), isPlainObject(ov) ? ov : {}), chainOf(levels, region, text))
        })()
      : undefined

  // Sharing with every other statement of the region's block and of the blocks around it: a path they
  // define too is fine when all define it as an object (findings about it are reported at its last
  // definition: the region's, unless a statement after it defines the path too); anything else merges or
  // overrides across statements. The same holds for what the old text of the region defined (a statement
  // that overrode others and is gone, or is broken now, changes their merge).
  markShared(tree, levels, region, scanner, text)
  if (oldTree !== undefined) markShared(oldTree, levels, region, scanner, text)
  const lastOutside = new Set<string>()
  const sharedBefore = new Set<string>()
  walkTree(tree, (n) => {
    if (!n.region) return
    if (n.after) lastOutside.add(n.key)
    else if (n.before) sharedBefore.add(n.key)
  })
  const owned = (rel: string): boolean => (rel === '' ? isElement : defined.has(rel) && !lastOutside.has(rel))

  // A finding the old region carried about a path it no longer defines, which other statements still
  // define, moves to one of them.
  if (oldTree !== undefined) {
    const movedKeys = new Set<string>()
    walkTree(oldTree, (n) => {
      if (n.region && (n.before || n.after) && !defined.has(n.key)) movedKeys.add(n.key)
    })
    for (const d of prev.diagnostics) {
      if (d.path === undefined || !inOld(d)) continue
      const rel = relativeKey(d.path, prefix)
      if (rel !== undefined && movedKeys.has(rel)) throw new Fallback(`a finding about '${d.path}' moves to another statement`)
    }
  }

  // Lint the region's value at its place.
  let lint: Diagnostic[] = []
  if (regionUnits.length > 0) {
    let self: SourceMapEntry | undefined
    if (isElement) {
      // the element's own source-map entry, as the parser records it: from its '{' to just after its '}'
      const u = regionUnits[0]
      const range = { ...lines.position(u.start), ...endPosition(lines.position(u.piece!.close + 1)) }
      self = { key: range, value: range }
    }
    const result: ParseResult = { value: wrapValue(regionPath, rootValue), sourceMap: new PrefixedSourceMap(sm, prefix, self), diagnostics: [] }
    lint = lintClearml(result, padded, { format: 'hocon', adminVault: req.adminVault }).filter((d) => {
      if (d.path === undefined) return d.code !== undefined && d.code.startsWith('pyhocon.')
      const rel = relativeKey(d.path, prefix)
      return rel !== undefined && owned(rel)
    })
  }

  // Keep the old diagnostics outside the region (shifted), drop the ones the region now owns.
  const kept: Diagnostic[] = []
  for (const d of prev.diagnostics) {
    if (inOld(d)) {
      // the old parse of the region went past its brackets: what it left outside cannot be trusted
      if (HARMFUL.test(d.message)) throw new Fallback('the old region closed a block early')
      continue
    }
    if (d.path !== undefined && sharedBefore.size > 0) {
      const rel = relativeKey(d.path, prefix)
      if (rel !== undefined && sharedBefore.has(rel) && !lastOutside.has(rel)) continue
    }
    if (lineDelta !== 0 && d.endLine > oldEndLine) {
      kept.push(d.line > oldEndLine ? { ...d, line: d.line + lineDelta, endLine: d.endLine + lineDelta } : { ...d, endLine: d.endLine + lineDelta })
    } else kept.push(d)
  }
  const diagnostics = sortDiagnostics([...kept, ...syntax, ...lint])
  return { diagnostics, region: { startLine: region.startLine, endLine: region.endLine }, root }
}

interface KeyNode {
  /** The path key (relative to the region's block). */
  key: string
  children: Map<string, KeyNode> | undefined
  /** The region's value there is an object. */
  object: boolean
  /** A statement before / after the region defines this path too. */
  before: boolean
  after: boolean
  /** The region defines the path (false for the enclosing statements' path the region sits at). */
  region: boolean
}

/** Splits a path key (see pathKey) into its segments; undefined when it is not one. */
function splitPathKey(k: string): string[] | undefined {
  const out: string[] = []
  let i = 0
  const n = k.length
  for (;;) {
    if (k.charCodeAt(i) === 34) {
      let j = i + 1
      while (j < n && k.charCodeAt(j) !== 34) j += k.charCodeAt(j) === 92 ? 2 : 1
      try {
        out.push(JSON.parse(k.slice(i, j + 1)) as string)
      } catch {
        return undefined
      }
      i = j + 1
    } else {
      let j = i
      while (j < n && k.charCodeAt(j) !== 46) j++
      out.push(k.slice(i, j))
      i = j
    }
    if (i >= n) return out
    if (k.charCodeAt(i) !== 46) return undefined
    i++
  }
}

/** The tree of the key paths a region defines, with whether its value at each is an object. */
function keyTree(keys: Iterable<string>, root: ConfigValue): KeyNode {
  const tree: KeyNode = { key: '', children: undefined, object: true, before: false, after: false, region: false }
  for (const k of keys) {
    const segs = splitPathKey(k)
    if (segs === undefined) throw new Fallback(`an unexpected source-map key '${k}'`)
    let node = tree
    let v: ConfigValue | undefined = root
    let key = ''
    for (const seg of segs) {
      key = key === '' ? quoteSeg(seg) : key + '.' + quoteSeg(seg)
      v = isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, seg) ? (v as { [k: string]: ConfigValue })[seg] : Array.isArray(v) && /^\d+$/.test(seg) ? v[Number(seg)] : undefined
      node.children ??= new Map()
      let child = node.children.get(seg)
      if (child === undefined) {
        child = { key, children: undefined, object: isPlainObject(v), before: false, after: false, region: true }
        node.children.set(seg, child)
      }
      node = child
    }
  }
  return tree
}

function walkTree(n: KeyNode, f: (n: KeyNode) => void): void {
  if (n.children) {
    for (const c of n.children.values()) {
      f(c)
      walkTree(c, f)
    }
  }
}

function emptyResult(): ParseResult {
  return { value: {}, sourceMap: new Map(), diagnostics: [] }
}

/** The path of the region's block from the root: each segment, and whether the value there is an object. */
function chainOf(levels: Level[], region: Region, text: string): { seg: string; object: boolean }[] {
  const out: { seg: string; object: boolean }[] = []
  for (let j = 0; j < region.level; j++) {
    const lv = levels[j]
    const via = lv.via!
    const segs = lv.block.kind === 'array' ? [String(lv.block.units.indexOf(via))] : via.headers[0]
    for (let i = 0; i < segs.length; i++) out.push({ seg: segs[i], object: i < segs.length - 1 || levels[j + 1].block.kind === 'object' })
  }
  const block = levels[region.level].block
  if (block.kind === 'array') out.push({ seg: String(region.first), object: text.charCodeAt(block.units[region.first].piece!.open) === 123 })
  return out
}

/** The region's key tree placed at the end of its chain (the element of an array region is the region's). */
function placeTree(rel: KeyNode, chain: { seg: string; object: boolean }[]): KeyNode {
  if (chain.length === 0) return rel
  const root: KeyNode = { key: '', children: undefined, object: true, before: false, after: false, region: false }
  let node = root
  chain.forEach((c, i) => {
    const last = i === chain.length - 1
    const child: KeyNode = last ? rel : { key: '', children: undefined, object: c.object, before: false, after: false, region: false }
    if (last) child.object = c.object
    node.children = new Map([[c.seg, child]])
    node = child
  })
  return root
}

/**
 * Walks the statements outside the region, at its level and at every enclosing level, over `tree` (the
 * paths the region defines, from the root): marks the region's paths they define too (before or after the
 * region), and throws Fallback where their values would merge with or override the region's. A statement
 * whose value is one `{ … }` block over an object path of the region is looked into.
 */
function markShared(tree: KeyNode, levels: Level[], region: Region, scanner: Scanner, text: string): void {
  const visit = (u: Unit, base: readonly string[], after: boolean, depth: number): void => {
    if (u.include) throw new Fallback('an include next to the region')
    if (u.bad && u.headers.length === 0) throw new Fallback('a broken statement next to the region')
    // the block the statement sits in (a node of the region's chain, or of a statement looked into)
    let start: KeyNode | undefined = tree
    for (const seg of base) start = start?.children?.get(seg)
    if (start === undefined) return
    for (const h of u.headers) {
      let node: KeyNode = start
      const path = base.length > 0 ? base.concat(h) : h
      for (let s = base.length; s < path.length; s++) {
        const child = node.children?.get(path[s])
        if (child === undefined) break
        if (after) child.after = true
        else child.before = true
        if (s < path.length - 1) {
          if (!child.object) throw new Fallback(`'${pathKey(path.slice(0, s + 1))}' is not an object in the region but another statement defines keys in it`)
          node = child
          continue
        }
        // the statement defines a path the region defines too: fine only for a block of fields over an object
        const pc = u.piece
        if (!child.object || pc === undefined || u.items !== 1 || u.headers.length !== 1 || text.charCodeAt(pc.open) !== 123 || depth > MAX_CHAIN_DEPTH) {
          throw new Fallback(`another statement defines '${pathKey(path)}' too (keys merge across statements)`)
        }
        for (const inner of scanner.blockOf(pc).units) visit(inner, path, after, depth + 1)
      }
    }
  }
  for (let j = 0; j <= region.level; j++) {
    const lv = levels[j]
    // elements of an array have indexes of their own: they share nothing with the chain's element
    if (lv.block.kind === 'array') continue
    const base = lv.path.map(String)
    const units = lv.block.units
    for (let i = 0; i < units.length; i++) {
      const u = units[i]
      let after: boolean
      if (j < region.level) {
        if (u === lv.via) continue
        after = u.start > lv.via!.start
      } else {
        if (i >= region.first && i <= region.last) continue
        after = i > region.last
      }
      visit(u, base, after, 0)
    }
  }
}
