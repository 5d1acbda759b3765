// One typed client over either transport:
//  - Electron: the preload's `window.consoleBridge` (invoke + on);
//  - Browser / web host: POST /api/<method> with the per-run token, and Server-Sent Events on /api/events.
// Every failure is rethrown as an ApiError. `core` says whether the console's own core (not the ClearML
// server) is reachable, so the shell can tell "lost contact with the core" apart from "server offline".
import { reactive } from 'vue'
import { ApiError, eventNames, isApiErrorShape, methodInfo } from '@shared/api'
import type { EventName, Events, MethodInput, MethodName, MethodOutput } from '@shared/api'

type Envelope = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }

interface CallMeta {
  confirmed?: boolean
}

interface Transport {
  readonly kind: 'electron' | 'http'
  call(method: string, input: unknown, meta: CallMeta): Promise<Envelope>
  on(event: string, cb: (payload: unknown) => void): () => void
}

export type CoreProblem = 'unreachable' | 'unauthorized' | 'no_token' | null

/** Health of the link to the console's core. Reactive: read it from components and stores. */
export const coreLink = reactive({
  kind: 'http' as 'electron' | 'http',
  problem: null as CoreProblem,
  /** When the current problem started (ms since epoch). */
  since: null as number | null
})

const reconnectListeners = new Set<() => void>()

function setProblem(p: CoreProblem): void {
  if (coreLink.problem === p) return
  const wasBroken = coreLink.problem !== null
  coreLink.problem = p
  coreLink.since = p ? Date.now() : null
  if (wasBroken && p === null) for (const cb of reconnectListeners) cb()
}

/** Marker in ApiError.details for failures of the transport itself (not of the call). */
export const TRANSPORT_FAILURE = 'transport'
export function isTransportFailure(e: unknown): boolean {
  return e instanceof ApiError && (e.details as { kind?: string } | undefined)?.kind === TRANSPORT_FAILURE
}

// ---------------------------------------------------------------- Electron

function electronTransport(bridge: ConsoleBridge): Transport {
  return {
    kind: 'electron',
    call: (method, input, meta) => bridge.invoke(method, input, meta) as Promise<Envelope>,
    on: (event, cb) => bridge.on(event, cb)
  }
}

// ---------------------------------------------------------------- HTTP (web host)

const TOKEN_KEY = 'clearml-console.token'

function readToken(): string | null {
  const url = new URL(location.href)
  const fromQuery = url.searchParams.get('token')
  if (fromQuery) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromQuery)
    } catch {
      /* storage disabled: the query still works for this load */
    }
    // Keep the token out of the address bar, screenshots and history; sessionStorage survives a reload.
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    return fromQuery
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

function httpTransport(): Transport {
  const token = readToken()
  if (!token) setProblem('no_token')

  const listeners = new Map<string, Set<(p: unknown) => void>>()
  let source: EventSource | null = null
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let retryDelay = 1000

  const dispatch = (event: string, data: string) => {
    let payload: unknown
    try {
      payload = JSON.parse(data)
    } catch {
      return
    }
    for (const cb of listeners.get(event) ?? []) {
      try {
        cb(payload)
      } catch (e) {
        console.error(`listener for ${event} failed`, e)
      }
    }
  }

  const openEvents = () => {
    if (!token || source) return
    const es = new EventSource(`/api/events?token=${encodeURIComponent(token)}`)
    source = es
    es.onopen = () => {
      retryDelay = 1000
      setProblem(null)
    }
    es.onerror = () => {
      // CONNECTING: the browser retries by itself. CLOSED: it gave up (host gone or refused us): we retry.
      if (es.readyState === EventSource.CLOSED) {
        es.close()
        source = null
        void probe()
        if (retryTimer) clearTimeout(retryTimer)
        retryTimer = setTimeout(openEvents, retryDelay)
        retryDelay = Math.min(retryDelay * 2, 15000)
      } else if (coreLink.problem === null) {
        setProblem('unreachable')
      }
    }
    for (const name of eventNames) es.addEventListener(name, (ev) => dispatch(name, (ev as MessageEvent<string>).data))
  }

  /** Distinguish "host gone" from "host restarted with another token" after the stream closes. */
  const probe = async () => {
    try {
      const r = await fetch('/api/app.status', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Console-Token': token ?? '' },
        body: '{}'
      })
      setProblem(r.status === 401 || r.status === 403 ? 'unauthorized' : r.ok ? null : 'unreachable')
    } catch {
      setProblem('unreachable')
    }
  }

  return {
    kind: 'http',
    async call(method, input, meta) {
      if (!token) {
        return { ok: false, error: { code: 'internal', message: 'This page was opened without its access token. Open the link the console printed (it ends in ?token=…).', details: { kind: TRANSPORT_FAILURE } } }
      }
      let res: Response
      try {
        res = await fetch(`/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Console-Token': token, ...(meta.confirmed && { 'X-Console-Confirmed': '1' }) },
          body: JSON.stringify(input ?? {})
        })
      } catch {
        setProblem('unreachable')
        return { ok: false, error: { code: 'internal', message: "Lost contact with the console's core.", details: { kind: TRANSPORT_FAILURE } } }
      }
      let body: unknown = null
      try {
        body = await res.json()
      } catch {
        /* not JSON: handled below */
      }
      const envelope = body && typeof body === 'object' && 'ok' in body ? (body as Envelope) : null
      const clearmlRefusal = envelope && !envelope.ok && (envelope.error.code === 'auth' || envelope.error.code === 'forbidden')
      if ((res.status === 401 || res.status === 403) && !clearmlRefusal) {
        setProblem('unauthorized')
      } else if (coreLink.problem === 'unreachable' || coreLink.problem === 'unauthorized') {
        setProblem(null)
      }
      if (envelope) return envelope
      return {
        ok: false,
        error: {
          code: 'internal',
          message: `The console's core answered ${res.status} ${res.statusText || ''} without a readable result.`.replace(/\s+/g, ' '),
          details: { kind: TRANSPORT_FAILURE, status: res.status }
        }
      }
    },
    on(event, cb) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(cb)
      openEvents()
      return () => set.delete(cb)
    }
  }
}

// ---------------------------------------------------------------- the client

const transport: Transport = window.consoleBridge ? electronTransport(window.consoleBridge) : httpTransport()
coreLink.kind = transport.kind

/**
 * Asks the user to confirm a change to a server marked production; resolves false when declined.
 * Registered by the shell (the confirmation dialog); without one, such calls are refused by the core.
 */
export type ProductionConfirm = (method: MethodName) => Promise<boolean>
let productionConfirm: ProductionConfirm | null = null
/** The active connection is marked production (kept current by the status store). */
let productionActive = false
export function setProductionGuard(opts: { confirm: ProductionConfirm }): void {
  productionConfirm = opts.confirm
}
export function setProductionActive(v: boolean): void {
  productionActive = v
}

/**
 * Call a method of the contract. The one place where a change to a production server is confirmed:
 * methods the contract marks `mutates` ask first, and the core refuses them unconfirmed.
 */
export async function invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  let confirmed = false
  if (productionActive && methodInfo(method).mutates && productionConfirm) {
    confirmed = await productionConfirm(method)
    if (!confirmed) throw new ApiError('confirmation_required', 'Cancelled: the change was not sent to the production server.', { cancelled: true })
  }
  let env: Envelope
  try {
    env = await transport.call(method, input, { confirmed })
  } catch (e) {
    throw new ApiError('internal', e instanceof Error ? e.message : String(e), { kind: TRANSPORT_FAILURE })
  }
  if (env.ok) return env.result as MethodOutput<M>
  throw isApiErrorShape(env.error) ? ApiError.from(env.error) : new ApiError('internal', 'Malformed error from the core')
}

export function on<E extends EventName>(event: E, cb: (payload: Events[E]) => void): () => void {
  return transport.on(event, cb as (p: unknown) => void)
}

/** The user declined a production confirmation: nothing to report. */
export function isCancelled(e: unknown): boolean {
  return e instanceof ApiError && e.code === 'confirmation_required' && (e.details as { cancelled?: boolean } | undefined)?.cancelled === true
}

/** Called when the link to the core comes back after a problem (stores refetch what they may have missed). */
export function onCoreReconnected(cb: () => void): () => void {
  reconnectListeners.add(cb)
  return () => reconnectListeners.delete(cb)
}

export const api = { invoke, on, onCoreReconnected }
