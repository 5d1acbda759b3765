import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Diagnostic } from '../../shared/config/types.ts'

export const CORPUS = process.env.CLEARML_CONFORMANCE_DIR ?? resolve(import.meta.dirname, '../../../shared/conformance/hocon')
export const ROOT = resolve(import.meta.dirname, '../..')
/** The HOCON parser is written in parallel (shared/config/hocon/); parser-dependent tests wait for it. */
export const HAS_HOCON = existsSync(resolve(ROOT, 'shared/config/hocon/index.ts'))

export function read(rel: string): string {
  return readFileSync(resolve(CORPUS, rel), 'utf8')
}

/** Applies each diagnostic's fix (replacing its range) from the end of the text backwards. */
export function applyFixes(text: string, diags: Diagnostic[]): string {
  const lines = text.split('\n')
  const starts: number[] = []
  let o = 0
  for (const l of lines) {
    starts.push(o)
    o += l.length + 1
  }
  const off = (line: number, col: number): number => starts[line - 1] + col - 1
  const withFix = diags.filter((d) => d.fix).sort((a, b) => off(b.line, b.column) - off(a.line, a.column))
  let out = text
  for (const d of withFix) out = out.slice(0, off(d.line, d.column)) + d.fix!.replacement + out.slice(off(d.endLine, d.endColumn))
  return out
}

/** Full clearml.conf-style files, and packaged default/*.conf section bodies with their top-level key. */
export const REAL_CLIENT_FILES: Array<{ file: string; section?: string }> = [
  { file: 'real/clearml__docs__clearml.conf' },
  { file: 'real/clearml__docs__trains.conf' },
  { file: 'real/clearml-agent__docker__k8s-glue__build-resources__clearml.conf' },
  { file: 'real/clearml__clearml__backend_api__config__default__api.conf', section: 'api' },
  { file: 'real/clearml__clearml__backend_api__config__default__logging.conf', section: 'logging' },
  { file: 'real/clearml__clearml__config__default__sdk.conf', section: 'sdk' },
  { file: 'real/clearml__clearml__config__default__logging.conf', section: 'logging' },
  { file: 'real/clearml-agent__clearml_agent__backend_api__config__default__agent.conf', section: 'agent' },
  { file: 'real/clearml-agent__clearml_agent__backend_api__config__default__api.conf', section: 'api' },
  { file: 'real/clearml-agent__clearml_agent__backend_api__config__default__sdk.conf', section: 'sdk' },
  { file: 'real/clearml-agent__clearml_agent__backend_api__config__default__logging.conf', section: 'logging' }
]
