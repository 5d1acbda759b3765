/**
 * A linear-time matcher for the `name` filter of users.get_all.
 *
 * The real server hands `name` to MongoDB as a regular expression in Python `re` syntax, matched with search
 * semantics (a match anywhere in the value, case-sensitive unless the pattern says otherwise) — see
 * clearml-api.md §2 (users.get_all). JavaScript's RegExp engine backtracks, so a pattern such as `^(a+)+$` can
 * take exponential time and, the server being single-threaded, stall every other request. Instead this
 * module parses the usual subset of that syntax and runs it as a Thompson NFA (a Pike VM without captures):
 * time O(program size × name length) whatever the pattern, and no recursion while matching.
 *
 * Supported: literals, `.`, `[...]`/`[^...]` (ranges, class escapes), `^ $ \A \Z \b \B`, `\d \D \w \W \s \S`,
 * `\n \t \r \f \v \a \0 \xhh \uhhhh \Uhhhhhhhh`, escaped punctuation, groups `(...)` `(?:...)` `(?P<name>...)`,
 * `(?#comment)`, `|`, quantifiers `* + ? {m} {m,} {,n} {m,n}` and their lazy forms, leading global flags
 * `(?i)` `(?m)` `(?s)` (also `u`) and scoped flags `(?i:...)` `(?-i:...)`.
 * Refused with a PatternError (→ 400/12): backreferences, lookahead/lookbehind, conditionals, atomic groups,
 * possessive quantifiers, other flags, syntax errors, patterns over MAX_PATTERN_LENGTH characters, groups
 * nested deeper than MAX_NESTING, repeat counts over MAX_REPEAT and programs over MAX_PROGRAM instructions.
 */

export class PatternError extends Error {
  constructor(message: string, readonly position?: number) {
    super(position === undefined ? message : `${message} at position ${position}`)
    this.name = 'PatternError'
  }
}

export const MAX_PATTERN_LENGTH = 1000
const MAX_NESTING = 50
const MAX_REPEAT = 1000
const MAX_PROGRAM = 5000

type Pred = (c: string) => boolean
type Assertion = 'start' | 'end' | 'endAbs' | 'lineStart' | 'lineEnd' | 'word' | 'notWord'
type Node =
  | { k: 'char'; pred: Pred }
  | { k: 'assert'; a: Assertion }
  | { k: 'seq'; items: Node[] }
  | { k: 'alt'; options: Node[] }
  | { k: 'repeat'; node: Node; min: number; max: number }
interface Flags { i: boolean; m: boolean; s: boolean }

const WORD_RE = /^[\p{L}\p{N}_]$/u
const DIGIT_RE = /^\p{Nd}$/u
const SPACE_RE = /^\s$/u
const isWord: Pred = (c) => WORD_RE.test(c)
const isDigit: Pred = (c) => DIGIT_RE.test(c)
/** Python's str.isspace(): JavaScript's \s without U+FEFF, plus U+001C–U+001F and U+0085. */
const isSpace: Pred = (c) => c !== '\ufeff' && (SPACE_RE.test(c) || (c >= '\x1c' && c <= '\x1f') || c === '\x85')
const not = (p: Pred): Pred => (c) => !p(c)
const CLASS_ESCAPES: Record<string, Pred> = { d: isDigit, D: not(isDigit), w: isWord, W: not(isWord), s: isSpace, S: not(isSpace) }
const CHAR_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07' }
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 }
const isAsciiAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c)
const isOctal = (c: string | undefined) => c !== undefined && c >= '0' && c <= '7'

function caseless(p: Pred): Pred {
  return (c) => p(c) || p(c.toLowerCase()) || p(c.toUpperCase())
}

class Parser {
  private readonly cps: string[]
  private pos = 0
  private depth = 0
  private flags: Flags = { i: false, m: false, s: false }

  constructor(source: string) {
    this.cps = Array.from(source)
  }

  parse(): Node {
    while (this.globalFlags()) { /* leading (?i)(?s)… groups */ }
    const node = this.alternation()
    if (this.pos < this.cps.length) throw this.error('unbalanced parenthesis')
    return node
  }

  private error(msg: string, at = this.pos): PatternError {
    return new PatternError(msg, at)
  }

  private peek(offset = 0): string | undefined {
    return this.cps[this.pos + offset]
  }

  /** Reads flag letters at pos; returns them and stops at the first non-letter. */
  private flagLetters(): string {
    let letters = ''
    while (/^[A-Za-z]$/.test(this.peek() ?? '')) letters += this.cps[this.pos++]
    return letters
  }

  private applyFlags(letters: string, value: boolean, at: number): void {
    for (const f of letters) {
      if (f === 'i' || f === 'm' || f === 's') this.flags[f] = value
      else if (f !== 'u') throw this.error(`unsupported flag '${f}'`, at)
    }
  }

  /** A leading `(?flags)` group (only valid at the very start, as in Python 3.11+). */
  private globalFlags(): boolean {
    if (this.peek() !== '(' || this.peek(1) !== '?' || !/^[a-zA-Z]$/.test(this.peek(2) ?? '')) return false
    const save = this.pos
    this.pos += 2
    const letters = this.flagLetters()
    if (this.peek() !== ')') {
      this.pos = save
      return false
    }
    this.applyFlags(letters, true, save)
    this.pos++
    return true
  }

  private alternation(): Node {
    const options = [this.sequence()]
    while (this.peek() === '|') {
      this.pos++
      options.push(this.sequence())
    }
    return options.length === 1 ? options[0] : { k: 'alt', options }
  }

  private sequence(): Node {
    const items: Node[] = []
    while (this.pos < this.cps.length && this.peek() !== '|' && this.peek() !== ')') items.push(this.quantified())
    return items.length === 1 ? items[0] : { k: 'seq', items }
  }

  /** `{m}`, `{m,}`, `{,n}`, `{m,n}` at pos, or null (then `{` is a literal, as in Python). Consumes on success. */
  private braces(): { min: number; max: number } | null {
    const m = /^\{(\d*)(,?)(\d*)\}/.exec(this.cps.slice(this.pos, this.pos + 24).join(''))
    if (!m || (!m[1] && !m[2])) return null
    const at = this.pos
    const min = m[1] ? Number(m[1]) : 0
    const max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : min
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) throw this.error(`repeat count over ${MAX_REPEAT}`, at)
    if (min > max) throw this.error('min repeat greater than max repeat', at)
    this.pos += m[0].length
    return { min, max }
  }

  private quantifier(): { min: number; max: number } | null {
    const c = this.peek()
    if (c === '*' || c === '+' || c === '?') {
      this.pos++
      return { min: c === '+' ? 1 : 0, max: c === '?' ? 1 : Infinity }
    }
    return c === '{' ? this.braces() : null
  }

  private quantified(): Node {
    const node = this.atom()
    const at = this.pos
    const q = this.quantifier()
    if (!q) return node
    if (node.k === 'assert') throw this.error('nothing to repeat', at)
    if (this.peek() === '?') this.pos++ // lazy: the same set of matches
    else if (this.peek() === '+') throw this.error('possessive quantifiers are not supported')
    const again = this.pos
    if (this.quantifier()) throw this.error('multiple repeat', again)
    return { k: 'repeat', node, min: q.min, max: q.max }
  }

  private atom(): Node {
    const at = this.pos
    const c = this.cps[this.pos]
    switch (c) {
      case '(':
        return this.group()
      case '[':
        return this.charClass()
      case '.': {
        this.pos++
        const dotAll = this.flags.s
        return { k: 'char', pred: dotAll ? () => true : (x) => x !== '\n' }
      }
      case '^':
        this.pos++
        return { k: 'assert', a: this.flags.m ? 'lineStart' : 'start' }
      case '$':
        this.pos++
        return { k: 'assert', a: this.flags.m ? 'lineEnd' : 'end' }
      case '\\':
        return this.escape()
      case '*': case '+': case '?':
        throw this.error('nothing to repeat', at)
      case '{':
        if (this.braces()) throw this.error('nothing to repeat', at)
    }
    this.pos++
    return this.literal(c)
  }

  private literal(c: string): Node {
    return { k: 'char', pred: this.flags.i ? caseless((x) => x === c) : (x) => x === c }
  }

  private group(): Node {
    const open = this.pos
    this.pos++ // (
    const saved = { ...this.flags }
    if (this.peek() === '?') {
      this.pos++
      const c = this.peek()
      if (c === ':') this.pos++
      else if (c === 'P' && this.peek(1) === '<') {
        this.pos += 2
        const name = this.readUntil('>', 'missing >, unterminated name')
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw this.error('bad character in group name', open)
      } else if (c === 'P' && this.peek(1) === '=') throw this.error('backreferences are not supported', open)
      else if (c === '=' || c === '!' || (c === '<' && (this.peek(1) === '=' || this.peek(1) === '!'))) {
        throw this.error('lookahead and lookbehind are not supported', open)
      } else if (c === '#') {
        this.readUntil(')', 'missing ), unterminated comment')
        return { k: 'seq', items: [] }
      } else if (c === '(') throw this.error('conditional groups are not supported', open)
      else if (c === '>') throw this.error('atomic groups are not supported', open)
      else if (c !== undefined && (/^[A-Za-z]$/.test(c) || c === '-')) {
        const on = this.flagLetters()
        let off = ''
        if (this.peek() === '-') {
          this.pos++
          off = this.flagLetters()
          if (!off) throw this.error('missing flag', this.pos)
        }
        if (this.peek() === ')') throw this.error('global flags not at the start of the expression', open)
        if (this.peek() !== ':') throw this.error('missing :', this.pos)
        this.pos++
        this.applyFlags(on, true, open)
        this.applyFlags(off, false, open)
      } else throw this.error('unknown extension', open)
    }
    if (++this.depth > MAX_NESTING) throw this.error(`groups nested deeper than ${MAX_NESTING}`, open)
    const inner = this.alternation()
    this.depth--
    if (this.peek() !== ')') throw this.error('missing ), unterminated subpattern', open)
    this.pos++
    this.flags = saved
    return inner
  }

  private readUntil(end: string, msg: string): string {
    const start = this.pos
    while (this.pos < this.cps.length && this.cps[this.pos] !== end) this.pos++
    if (this.pos >= this.cps.length) throw this.error(msg, start)
    return this.cps.slice(start, this.pos++).join('')
  }

  /** `\x` outside a class: a class escape, an assertion or one character. */
  private escape(): Node {
    const at = this.pos
    const c = this.cps[this.pos + 1]
    if (c === undefined) throw this.error('bad escape (end of pattern)', at)
    if (CLASS_ESCAPES[c]) {
      this.pos += 2
      return { k: 'char', pred: CLASS_ESCAPES[c] }
    }
    const assertion = ({ b: 'word', B: 'notWord', A: 'start', Z: 'endAbs' } as Record<string, Assertion>)[c]
    if (assertion) {
      this.pos += 2
      return { k: 'assert', a: assertion }
    }
    if (c >= '1' && c <= '9' && !(isOctal(c) && isOctal(this.cps[this.pos + 2]) && isOctal(this.cps[this.pos + 3]))) {
      throw this.error('backreferences are not supported', at)
    }
    return this.literal(this.charEscape(false))
  }

  /** A single-character escape at pos (`\n`, `\x41`, `\101`, `\.` …); consumes it and returns the character. */
  private charEscape(inClass: boolean): string {
    const at = this.pos
    const c = this.cps[this.pos + 1]
    if (c === undefined) throw this.error('bad escape (end of pattern)', at)
    this.pos += 2
    if (CHAR_ESCAPES[c]) return CHAR_ESCAPES[c]
    if (inClass && c === 'b') return '\b'
    if (HEX_DIGITS[c]) {
      const digits = this.cps.slice(this.pos, this.pos + HEX_DIGITS[c]).join('')
      if (digits.length !== HEX_DIGITS[c] || !/^[0-9a-fA-F]+$/.test(digits)) throw this.error(`incomplete escape \\${c}`, at)
      this.pos += HEX_DIGITS[c]
      const cp = parseInt(digits, 16)
      if (cp > 0x10ffff) throw this.error(`bad escape \\${c}${digits}`, at)
      return String.fromCodePoint(cp)
    }
    if (isOctal(c)) {
      let digits = c
      while (digits.length < 3 && isOctal(this.peek())) digits += this.cps[this.pos++]
      const cp = parseInt(digits, 8)
      if (cp > 0o377) throw this.error(`octal escape value \\${digits} outside of range 0-0o377`, at)
      return String.fromCodePoint(cp)
    }
    if (isAsciiAlnum(c)) throw this.error(`bad escape \\${c}`, at)
    return c
  }

  private charClass(): Node {
    const open = this.pos
    this.pos++ // [
    const negate = this.peek() === '^'
    if (negate) this.pos++
    const parts: Pred[] = []
    let first = true
    for (;;) {
      const c = this.peek()
      if (c === undefined) throw this.error('unterminated character set', open)
      if (c === ']' && !first) {
        this.pos++
        break
      }
      first = false
      const itemAt = this.pos
      let single: string | undefined
      if (c === '\\') {
        const e = this.cps[this.pos + 1]
        if (e !== undefined && CLASS_ESCAPES[e]) {
          this.pos += 2
          parts.push(CLASS_ESCAPES[e])
          if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') throw this.error('bad character range', itemAt)
          continue
        }
        single = this.charEscape(true)
      } else {
        single = c
        this.pos++
      }
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.pos++ // -
        let hi: string
        if (this.peek() === '\\') {
          const e = this.cps[this.pos + 1]
          if (e !== undefined && CLASS_ESCAPES[e]) throw this.error('bad character range', itemAt)
          hi = this.charEscape(true)
        } else hi = this.cps[this.pos++]
        const lo = single.codePointAt(0)!
        const top = hi.codePointAt(0)!
        if (top < lo) throw this.error('bad character range', itemAt)
        parts.push((x) => {
          const cp = x.codePointAt(0)!
          return cp >= lo && cp <= top
        })
      } else {
        const ch = single
        parts.push((x) => x === ch)
      }
    }
    const any: Pred = (x) => parts.some((p) => p(x))
    const pred = this.flags.i ? caseless(any) : any
    return { k: 'char', pred: negate ? not(pred) : pred }
  }
}

type Instr =
  | { op: 'char'; pred: Pred }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'assert'; a: Assertion }
  | { op: 'match' }

class Compiler {
  readonly prog: Instr[] = []

  private emit(i: Instr): number {
    if (this.prog.length >= MAX_PROGRAM) throw new PatternError('pattern is too complex (too many states after expanding repeats)')
    this.prog.push(i)
    return this.prog.length - 1
  }

  /** Recursion depth is bounded by the parser's MAX_NESTING. */
  gen(node: Node): void {
    const prog = this.prog
    switch (node.k) {
      case 'char':
        this.emit({ op: 'char', pred: node.pred })
        return
      case 'assert':
        this.emit({ op: 'assert', a: node.a })
        return
      case 'seq':
        for (const item of node.items) this.gen(item)
        return
      case 'alt': {
        const exits: number[] = []
        node.options.forEach((option, i) => {
          if (i === node.options.length - 1) return this.gen(option)
          const split = this.emit({ op: 'split', x: 0, y: 0 })
          ;(prog[split] as { x: number }).x = split + 1
          this.gen(option)
          exits.push(this.emit({ op: 'jmp', x: 0 }))
          ;(prog[split] as { y: number }).y = prog.length
        })
        for (const j of exits) (prog[j] as { x: number }).x = prog.length
        return
      }
      case 'repeat': {
        for (let i = 0; i < node.min; i++) this.gen(node.node)
        if (node.max === Infinity) {
          const loop = this.emit({ op: 'split', x: 0, y: 0 })
          ;(prog[loop] as { x: number }).x = loop + 1
          this.gen(node.node)
          this.emit({ op: 'jmp', x: loop })
          ;(prog[loop] as { y: number }).y = prog.length
        } else {
          const splits: number[] = []
          for (let i = node.min; i < node.max; i++) {
            const s = this.emit({ op: 'split', x: 0, y: 0 })
            ;(prog[s] as { x: number }).x = s + 1
            splits.push(s)
            this.gen(node.node)
          }
          for (const s of splits) (prog[s] as { y: number }).y = prog.length
        }
        return
      }
    }
  }

  finish(): Instr[] {
    this.emit({ op: 'match' })
    return this.prog
  }
}

function assertionHolds(a: Assertion, input: string[], pos: number): boolean {
  const n = input.length
  switch (a) {
    case 'start': return pos === 0
    case 'endAbs': return pos === n
    case 'end': return pos === n || (pos === n - 1 && input[pos] === '\n')
    case 'lineStart': return pos === 0 || input[pos - 1] === '\n'
    case 'lineEnd': return pos === n || input[pos] === '\n'
    case 'word':
    case 'notWord': {
      const boundary = (pos > 0 && isWord(input[pos - 1])) !== (pos < n && isWord(input[pos]))
      return a === 'word' ? boundary : !boundary
    }
  }
}

/** Pike VM, search semantics: true if the program matches anywhere in `text`. O(|prog| × |text|). */
function run(prog: Instr[], text: string): boolean {
  const input = Array.from(text)
  const mark = new Int32Array(prog.length).fill(-1)
  const stack: number[] = []
  let clist: number[] = []
  let nlist: number[] = []

  /** Follows the empty transitions from pc at position pos; collects char states; true if it reaches match. */
  const add = (list: number[], start: number, pos: number): boolean => {
    stack.push(start)
    while (stack.length) {
      const pc = stack.pop()!
      if (mark[pc] === pos) continue
      mark[pc] = pos
      const ins = prog[pc]
      switch (ins.op) {
        case 'match':
          stack.length = 0
          return true
        case 'jmp':
          stack.push(ins.x)
          break
        case 'split':
          stack.push(ins.y, ins.x)
          break
        case 'assert':
          if (assertionHolds(ins.a, input, pos)) stack.push(pc + 1)
          break
        case 'char':
          list.push(pc)
          break
      }
    }
    return false
  }

  for (let pos = 0; ; pos++) {
    if (add(clist, 0, pos)) return true // a match may start at any position
    if (pos === input.length) return false
    const c = input[pos]
    nlist.length = 0
    for (const pc of clist) {
      const ins = prog[pc] as { op: 'char'; pred: Pred }
      if (ins.pred(c) && add(nlist, pc + 1, pos + 1)) return true
    }
    ;[clist, nlist] = [nlist, clist]
  }
}

/** Compiles a pattern; throws PatternError for anything unsupported, malformed or too large. */
export function compilePattern(source: string): (text: string) => boolean {
  if (source.length > MAX_PATTERN_LENGTH) throw new PatternError(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`)
  const compiler = new Compiler()
  compiler.gen(new Parser(source).parse())
  const prog = compiler.finish()
  return (text) => run(prog, text)
}
