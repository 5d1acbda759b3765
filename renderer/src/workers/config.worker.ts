// The Config check screen's validation worker: the same shared/config engine the core runs, off the UI thread.
import { handleWorkerMessage, type WorkerRequest } from '@shared/config/worker-protocol.ts'

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  self.postMessage(handleWorkerMessage(e.data))
}
