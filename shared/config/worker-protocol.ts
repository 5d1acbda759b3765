// Messages between the renderer's validation Web Worker and its host, and the handler both the worker
// and the core (before provisioning) run. Pure TypeScript.
import type { ConfigFormat, Diagnostic } from './types.ts'
import { parseConfig } from './parse.ts'
import { lintClearml } from './lint.ts'

export interface ValidateRequest {
  /** Correlates responses with requests; the renderer drops responses for stale ids. */
  id: number
  text: string
  format: ConfigFormat
  adminVault?: boolean
}

export interface ValidateResponse {
  id: number
  diagnostics: Diagnostic[]
}

/** Worker -> host when the handler itself threw (a bug, not a config problem). */
export interface ValidateFailure {
  id: number
  error: string
}

export type WorkerRequest = { type: 'validate'; request: ValidateRequest }
export type WorkerResponse = { type: 'validated'; response: ValidateResponse } | { type: 'failed'; failure: ValidateFailure }

/** Parse + ClearML lint: syntax errors first, then lint findings, sorted by position. */
export function handleValidateRequest(req: ValidateRequest): ValidateResponse {
  const result = parseConfig(req.text, req.format)
  const lint = lintClearml(result, req.text, { format: req.format, adminVault: req.adminVault })
  const diagnostics = [...result.diagnostics, ...lint].sort((a, b) => a.line - b.line || a.column - b.column)
  return { id: req.id, diagnostics }
}

/** The whole worker-side message handler: `self.onmessage = (e) => self.postMessage(handleWorkerMessage(e.data))`. */
export function handleWorkerMessage(msg: WorkerRequest): WorkerResponse {
  try {
    return { type: 'validated', response: handleValidateRequest(msg.request) }
  } catch (e) {
    return { type: 'failed', failure: { id: msg.request?.id ?? -1, error: String((e as Error)?.message ?? e) } }
  }
}
