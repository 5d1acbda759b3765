// HOCON (lightbend HOCON.md) parser: parseHocon(text, options) -> { value, sourceMap, diagnostics }.

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
  try {
    const parser = new Parser(text, doc, [], options.filename, undefined, options.filename ? [options.filename] : [])
    value = parser.parseDocument()
    if (doc.hasSubst) new Resolver(doc.root, options.env ?? {}, diagnostics).resolveAll(value)
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
  if (!failed && doc.hasSubst) doc.sourceMap.fillFrom = value as ConfigValue
  return { value: failed ? undefined : (value as ConfigValue), sourceMap: doc.sourceMap, diagnostics }
}
