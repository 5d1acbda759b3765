// The config editor's worker: the same shared/config engine the core runs, off the UI thread. It validates
// (parse + ClearML lint, one request per text change, see editor/validator.ts) and answers hovers and
// completions from the key tree (editor/assist.ts; it keeps the last texts by model version).
//
// Validation is incremental (shared/config/incremental.ts): an edit is answered at once for the statements it
// touched (exact there; the rest of the document keeps its previous findings, shifted), and once typing pauses
// the whole document is validated again under the same request id, so the markers end up exactly those of a
// full validation. One worker serves one editor, so one incremental validator per worker.
import type { Diagnostic } from '@shared/config'
import type { WorkerRequest, WorkerResponse } from '@shared/config/worker-protocol.ts'
import { createIncrementalValidator } from '@shared/config/incremental.ts'
import { AssistService, isAssistRequest, type AssistRequest } from '@shared/config/assist.ts'

const assist = new AssistService()
const incremental = createIncrementalValidator()
/** How long typing must pause before the whole document is validated after a partial answer. */
const FULL_AFTER_MS = 120
let fullTimer: ReturnType<typeof setTimeout> | undefined

function answer(id: number, run: () => { diagnostics: Diagnostic[] }): void {
  try {
    self.postMessage({ type: 'validated', response: { id, diagnostics: run().diagnostics } } satisfies WorkerResponse)
  } catch (e) {
    self.postMessage({ type: 'failed', failure: { id, error: String((e as Error)?.message ?? e) } } satisfies WorkerResponse)
  }
}

self.onmessage = (e: MessageEvent<WorkerRequest | AssistRequest>) => {
  const msg = e.data
  if (isAssistRequest(msg)) {
    const res = assist.handle(msg)
    if (res) self.postMessage(res)
    return
  }
  const req = msg.request
  clearTimeout(fullTimer)
  let partial = false
  answer(req.id, () => {
    const r = incremental.validate(req)
    partial = r.partial
    return r
  })
  if (partial) fullTimer = setTimeout(() => answer(req.id, () => incremental.full(req)), FULL_AFTER_MS)
}
