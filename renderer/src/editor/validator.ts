// Host side of the validation worker: one request in flight per screen, responses for stale ids dropped.
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

export function createValidator(onResult: (v: Validation) => void, onFailure: (message: string) => void): Validator {
  const worker = new ConfigWorker({ name: 'config-check' })
  let seq = 0
  let latest = 0
  let latestVersion = 0
  let sentAt = 0
  worker.onmessage = (e: MessageEvent<WorkerResponse>) => {
    const msg = e.data
    const id = msg.type === 'validated' ? msg.response.id : msg.failure.id
    if (id !== latest) return // a newer request is on its way
    if (msg.type === 'failed') onFailure(msg.failure.error)
    else onResult({ id, versionId: latestVersion, diagnostics: msg.response.diagnostics, ms: performance.now() - sentAt })
  }
  worker.onerror = (e) => {
    e.preventDefault()
    onFailure(e.message || 'The validation worker could not start')
  }
  return {
    validate(text, format, adminVault, versionId) {
      latest = ++seq
      latestVersion = versionId
      sentAt = performance.now()
      const msg: WorkerRequest = { type: 'validate', request: { id: latest, text, format, adminVault } }
      worker.postMessage(msg)
    },
    dispose() {
      worker.terminate()
    }
  }
}
