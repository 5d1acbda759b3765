/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

/** Exposed by electron/preload through contextBridge (absent in the browser / web host). */
interface ConsoleBridge {
  invoke(
    method: string,
    input: unknown,
    meta?: { confirmed?: boolean }
  ): Promise<{ ok: true; result: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }>
  on(event: string, cb: (payload: unknown) => void): () => void
}

interface Window {
  consoleBridge?: ConsoleBridge
}
