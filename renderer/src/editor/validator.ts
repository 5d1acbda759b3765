// Host side of the validation worker: one request in flight per editor; what arrives meanwhile is coalesced
// (only the latest text is sent, as soon as the worker is free), and responses for stale ids are dropped.
// So the editor can validate on every keystroke, with no debounce: the worker never builds a queue, and a
// keystroke's markers come one validation after the worker is free.
import type { ConfigFormat, Diagnostic, WorkerRequest, WorkerResponse } from '@shared/config'
import ConfigWorker from '../workers/config.worker?worker'

export interface Validation {
  id: number
  /** The editor model's version the text was taken from (fixes are only applied to that version's text). */
  versionId: number
  diagnostics: Diagnostic[]
  ms: number
}

export interface Validator {
  validate(text: string, format: ConfigFormat, adminVault: boolean, versionId: number): void
  dispose(): void
}

/** A request unanswered for this long no longer holds back the next one. */
const STUCK_MS = 10_000

export function createValidator(onResult: (v: Validation) => void, onFailure: (message: string) => void): Validator {
  const worker = new ConfigWorker({ name: 'config-check' })
  let seq = 0
  /** The newest request (sent or waiting): only its answer is shown. */
  let latest = 0
  let latestVersion = 0
  let sentAt = 0
  /** The request the worker is working on (0: idle), and the one waiting for it to finish. */
  let inFlight = 0
  let waiting: { msg: WorkerRequest; versionId: number } | null = null

  let watchdog: ReturnType<typeof setTimeout> | undefined

  const send = (msg: WorkerRequest, versionId: number): void => {
    inFlight = msg.request.id
    latestVersion = versionId
    sentAt = performance.now()
    worker.postMessage(msg)
    clearTimeout(watchdog)
    // an answer that never comes must not hold back the next request
    watchdog = setTimeout(() => {
      if (inFlight !== msg.request.id) return
      inFlight = 0
      if (waiting) {
        const w = waiting
        waiting = null
        send(w.msg, w.versionId)
      }
    }, STUCK_MS)
  }

  worker.onmessage = (e: MessageEvent<WorkerResponse>) => {
    const msg = e.data
    const id = msg.type === 'validated' ? msg.response.id : msg.failure.id
    if (id === inFlight) {
      inFlight = 0
      clearTimeout(watchdog)
      if (waiting) {
        const w = waiting
        waiting = null
        send(w.msg, w.versionId)
      }
    }
    if (id !== latest) return // a newer request is on its way
    if (msg.type === 'failed') onFailure(msg.failure.error)
    else onResult({ id, versionId: latestVersion, diagnostics: msg.response.diagnostics, ms: performance.now() - sentAt })
  }
  worker.onerror = (e) => {
    e.preventDefault()
    inFlight = 0
    waiting = null
    clearTimeout(watchdog)
    onFailure(e.message || 'The validation worker could not start')
  }
  return {
    validate(text, format, adminVault, versionId) {
      latest = ++seq
      const msg: WorkerRequest = { type: 'validate', request: { id: latest, text, format, adminVault } }
      if (inFlight !== 0) waiting = { msg, versionId }
      else send(msg, versionId)
    },
    dispose() {
      waiting = null
      clearTimeout(watchdog)
      worker.terminate()
    }
  }
}
