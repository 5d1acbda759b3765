// One entry point for the three vault formats.
import type { ConfigFormat, ParseResult } from './types.ts'
import { parseHocon } from './hocon/index.ts'
import { parseJson } from './json.ts'
import { parseYaml } from './yaml.ts'

export interface ParseConfigOptions {
  /** Environment for HOCON `${VAR}` substitutions (default: empty, like the conformance corpus). */
  env?: Record<string, string | undefined>
  filename?: string
  resolveInclude?: NonNullable<Parameters<typeof parseHocon>[1]>['resolveInclude']
}

export function parseConfig(text: string, format: ConfigFormat, opts: ParseConfigOptions = {}): ParseResult {
  switch (format) {
    case 'hocon':
      return parseHocon(text, { env: opts.env ?? {}, filename: opts.filename, resolveInclude: opts.resolveInclude })
    case 'json':
      return parseJson(text)
    case 'yaml':
      return parseYaml(text)
    default:
      throw new Error(`unknown config format: ${String(format)}`)
  }
}

/** Guesses the format from a file name: .conf/.hocon -> hocon, .json -> json, .yaml/.yml -> yaml. */
export function formatFromFilename(name: string): ConfigFormat | undefined {
  const m = /\.([A-Za-z]+)$/.exec(name)
  const ext = m?.[1].toLowerCase()
  if (ext === 'conf' || ext === 'hocon') return 'hocon'
  if (ext === 'json') return 'json'
  if (ext === 'yaml' || ext === 'yml') return 'yaml'
  return undefined
}
