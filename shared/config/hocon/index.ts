// HOCON (lightbend HOCON.md) parser: parseHocon(text, options) -> { value, sourceMap, diagnostics }.
//
// parser.ts scans char codes and merges fields into plain objects as it goes; anything that needs a
// substitution stays a Special node (nodes.ts) and resolve.ts replaces those, only when the text had any.
// Self-referential substitutions are bound at parse time to the field's previous value. The source map
// (sourcemap.ts) is recorded as numbers and turned into Map entries the first time it is read.
// Checked against lightbend's conformance data in tests/config/hocon-conformance.test.ts.
// Known differences from lightbend: a number substituted into a string concatenation is written from its
// value (1.50 -> "1.5"), not its original text; positions in included files are reported at the include.

import type { ConfigValue, Diagnostic, ParseResult } from '../types'
import { Doc, Parser, SyntaxAbort, type HoconOptions } from './parser'
import { Resolver } from './resolve'
import type { V } from './nodes'

export type { HoconOptions, IncludeRequest } from './parser'

/** Parses HOCON text. Never throws: every failure is an error diagnostic, and then `value` is undefined. */
export function parseHocon(text: string, options: HoconOptions = {}): ParseResult {
  const doc = new Doc(options)
  const diagnostics: Diagnostic[] = []
  let value: V | undefined
  let substituted: { path: (string | number)[]; value: V }[] | undefined
  try {
    const parser = new Parser(text, doc, [], options.filename, undefined, options.filename ? [options.filename] : [])
    value = parser.parseDocument()
    if (doc.hasSubst) {
      const resolver = new Resolver(doc.root, options.env ?? {}, diagnostics)
      resolver.resolveAll(value)
      substituted = resolver.substituted
    }
  } catch (e) {
    if (e instanceof SyntaxAbort) diagnostics.push(e.diagnostic)
    else {
      diagnostics.push({
        severity: 'error',
        code: 'hocon.internal',
        message: `the HOCON parser failed: ${e instanceof Error ? e.message : String(e)}`,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 2
      })
    }
  }
  const failed = diagnostics.some((d) => d.severity === 'error')
  if (!failed && substituted !== undefined && substituted.length > 0) {
    doc.sourceMap.fillFrom = substituted as { path: (string | number)[]; value: ConfigValue }[]
  }
  return { value: failed ? undefined : (value as ConfigValue), sourceMap: doc.sourceMap, diagnostics }
}
