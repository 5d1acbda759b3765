// Shared shapes of the config-format engine. Pure TypeScript: no Node, no DOM.

export type Severity = 'error' | 'warning' | 'info'

/** 1-based line and column; end is exclusive (the column just after the last character). */
export interface Range {
  line: number
  column: number
  endLine: number
  endColumn: number
}

export interface Diagnostic extends Range {
  severity: Severity
  message: string
  /** Stable machine-readable id, e.g. 'hocon.syntax', 'clearml.unknown-key', 'pyhocon.url-comment'. */
  code?: string
  /** Key path the diagnostic is about, when there is one (see pathKey). */
  path?: string
  /** Optional fix offered to the user: replace the diagnostic's range with this text. */
  fix?: { title: string; replacement: string }
}

export type ConfigValue = null | boolean | number | string | ConfigValue[] | { [key: string]: ConfigValue }

export interface SourceMapEntry {
  /** Range of the key text (for array elements, the element itself). */
  key: Range
  /** Range of the value text. */
  value: Range
}

/** Key path string (see pathKey) -> where it was defined last. */
export type SourceMap = Map<string, SourceMapEntry>

export interface ParseResult {
  /** Undefined when any diagnostic has severity 'error'. */
  value: ConfigValue | undefined
  /**
   * When `value` is undefined because of errors: what the parser could still build, with the broken
   * fields and elements left out (it recovers after a syntax error and goes on with the rest). For lint,
   * hovers and completion only — never a configuration to save, convert or merge.
   */
  partial?: ConfigValue
  sourceMap: SourceMap
  diagnostics: Diagnostic[]
}

export type ConfigFormat = 'hocon' | 'json' | 'yaml'

/**
 * Joins path segments into one HOCON path expression: segments are separated by '.',
 * and a segment that is empty or holds characters outside [A-Za-z0-9_-] is double-quoted (JSON escaping).
 * Array indexes are written as decimal segments.
 */
export function pathKey(segments: readonly (string | number)[]): string {
  return segments
    .map((s) => {
      const str = String(s)
      return /^[A-Za-z0-9_-]+$/.test(str) ? str : JSON.stringify(str)
    })
    .join('.')
}
