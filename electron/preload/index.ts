// Sandboxed preload: exposes only `invoke` and `on` over the contract's method and event names.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { eventNames } from '../../shared/api/events'

// Method names are checked by the main process against the contract before anything runs.
const events = new Set<string>(eventNames)

contextBridge.exposeInMainWorld('consoleBridge', {
  invoke(method: string, input: unknown, meta?: { confirmed?: boolean }) {
    if (typeof method !== 'string') return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: 'Method must be a string' } })
    return ipcRenderer.invoke('console:invoke', method, input, { confirmed: meta?.confirmed === true })
  },
  on(event: string, cb: (payload: unknown) => void) {
    if (!events.has(event)) throw new Error(`Unknown event: ${event}`)
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) cb(payload)
    }
    ipcRenderer.on('console:event', listener)
    return () => ipcRenderer.removeListener('console:event', listener)
  }
})
