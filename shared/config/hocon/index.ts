// HOCON (lightbend HOCON.md) parser: parseHocon(text, options) -> { value, sourceMap, diagnostics, partial }.
//
// parser.ts scans char codes and merges fields into plain objects as it goes; anything that needs a
// substitution stays a Special node (nodes.ts) and resolve.ts replaces those, only when the text had any.
// Self-referential substitutions are bound at parse time to the field's previous value. The source map
// (sourcemap.ts) is recorded as numbers and turned into Map entries the first time it is read.
// Checked against lightbend's conformance data in tests/config/hocon-conformance.test.ts.
// Known differences from lightbend: a number substituted into a string concatenation is written from its
// value (1.50 -> "1.5"), not its original text; positions in included files are reported at the include.
//
// Error recovery: a syntax error does not end the parse. The broken field or array element is left out,
// the parser skips to the end of its line (past any bracket it opened, never past the '}' or ']' of the
// enclosing value) and goes on, up to MAX_SYNTAX_ERRORS errors; the first error is reported exactly where
// it always was. `value` stays undefined when there is any error; `partial` holds the rest of the tree.

import type { ConfigValue, Diagnostic, ParseResult } from '../types'
import { Doc, MAX_SYNTAX_ERRORS, Parser, StopParsing, SyntaxAbort, type HoconOptions } from './parser'
import { Resolver } from './resolve'
import { Special, type V } from './nodes'

export type { HoconOptions, IncludeRequest } from './parser'
export { MAX_SYNTAX_ERRORS } from './parser'

function internal(e: unknown): Diagnostic {
  return {
    severity: 'error',
    code: 'hocon.internal',
    message: `the HOCON parser failed: ${e instanceof Error ? e.message : String(e)}`,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2
  }
}

/** Removes what resolution left unresolved (failed substitutions) from a partial tree, in place. */
function stripSpecials(v: V, seen = new Set<object>()): void {
  if (typeof v !== 'object' || v === null || v instanceof Special || seen.has(v)) return
  seen.add(v)
  if (Array.isArray(v)) {
    let w = 0
    for (let i = 0; i < v.length; i++) {
      const e = v[i]
      if (e instanceof Special) continue
      stripSpecials(e, seen)
      v[w++] = e
    }
    v.length = w
  } else {
    for (const k of Object.keys(v)) {
      const e = v[k] as V
      if (e instanceof Special) delete v[k]
      else stripSpecials(e, seen)
    }
  }
}

/** Parses HOCON text. Never throws: every failure is an error diagnostic, and then `value` is undefined. */
export function parseHocon(text: string, options: HoconOptions = {}): ParseResult {
  const doc = new Doc(options)
  const diagnostics: Diagnostic[] = []
  let value: V | undefined
  let substituted: { path: (string | number)[]; value: V }[] | undefined
  let stopped: StopParsing | undefined
  try {
    const parser = new Parser(text, doc, [], options.filename, undefined, options.filename ? [options.filename] : [])
    parser.recover = options.recover !== false
    value = parser.parseDocument()
  } catch (e) {
    if (e instanceof StopParsing) stopped = e
    else if (e instanceof SyntaxAbort) doc.errors.push(e.diagnostic)
    else diagnostics.push(internal(e))
  }
  diagnostics.push(...doc.errors)
  if (stopped?.tooMany && doc.errors.length > 0) {
    const last = doc.errors[doc.errors.length - 1]
    diagnostics.push({
      severity: 'info',
      code: 'hocon.too-many-errors',
      message: `Stopped checking after ${MAX_SYNTAX_ERRORS} syntax errors; fix these and the rest of the text is checked again.`,
      line: last.line,
      column: last.column,
      endLine: last.endLine,
      endColumn: last.endColumn
    })
  }
  const syntaxFailed = diagnostics.length > 0
  // a parse that stopped early keeps what it had merged into the root
  if (value === undefined && stopped !== undefined) value = doc.root
  if (value !== undefined && doc.hasSubst) {
    try {
      // After syntax errors, substitutions of the left-out fields fail: those failures are not reported.
      const resolver = new Resolver(doc.root, options.env ?? {}, syntaxFailed ? [] : diagnostics)
      resolver.resolveAll(value)
      substituted = resolver.substituted
    } catch (e) {
      diagnostics.push(internal(e))
      if (syntaxFailed) value = undefined
    }
  }
  const failed = diagnostics.some((d) => d.severity === 'error')
  if (substituted !== undefined && substituted.length > 0 && value !== undefined) {
    if (failed) stripSpecials(value)
    doc.sourceMap.fillFrom = substituted as { path: (string | number)[]; value: ConfigValue }[]
  }
  if (!failed) return { value: value as ConfigValue, sourceMap: doc.sourceMap, diagnostics }
  if (value !== undefined) stripSpecials(value)
  return { value: undefined, partial: value as ConfigValue | undefined, sourceMap: doc.sourceMap, diagnostics }
}
