// The config editor's worker: the same shared/config engine the core runs, off the UI thread. It validates
// (parse + ClearML lint, one request per text change, see editor/validator.ts) and answers hovers and
// completions from the key tree (editor/assist.ts; it keeps the last texts by model version).
import { handleWorkerMessage, type WorkerRequest } from '@shared/config/worker-protocol.ts'
import { AssistService, isAssistRequest, type AssistRequest } from '@shared/config/assist.ts'

const assist = new AssistService()

self.onmessage = (e: MessageEvent<WorkerRequest | AssistRequest>) => {
  const msg = e.data
  if (isAssistRequest(msg)) {
    const res = assist.handle(msg)
    if (res) self.postMessage(res)
    return
  }
  self.postMessage(handleWorkerMessage(msg))
}
