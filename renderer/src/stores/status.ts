// App status: app.status at start, then every `status` event the core pushes.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { AppStatus } from '@shared/api'
import { api, coreLink, setProductionActive } from '../api/client'
import { useLoader } from '../composables/loader'
import { reportError } from '../ui'

export type BadgeKind = 'online' | 'offline' | 'connecting' | 'none' | 'auth'

export const useStatusStore = defineStore('status', () => {
  const loader = useLoader(() => api.invoke('app.status', {}))
  /** The latest status: loaded at start, then pushed by the core on every change. */
  const status = computed<AppStatus | null>({ get: () => loader.data.value, set: (s) => s && loader.set(s) })
  const loadError = computed(() => loader.error.value?.message ?? null)
  const reconnecting = ref(false)
  /** A clock for countdowns ("retrying in 5 s") and relative times. */
  const now = ref(Date.now())
  setInterval(() => (now.value = Date.now()), 1000)

  async function load(): Promise<void> {
    await loader.load()
  }
  // A pushed status is newer than any load still on its way.
  api.on('status', (s) => loader.set(s))
  api.onCoreReconnected(() => void load())
  watch(
    () => status.value?.production ?? false,
    (p) => setProductionActive(p),
    { immediate: true }
  )

  async function reconnect(): Promise<void> {
    reconnecting.value = true
    try {
      status.value = await api.invoke('app.reconnect', {})
    } catch (e) {
      reportError(e, 'Could not reconnect')
    } finally {
      reconnecting.value = false
    }
  }

  const retryInSeconds = computed(() => {
    const at = status.value?.nextRetryAt
    if (!at) return null
    return Math.max(0, Math.ceil((at - now.value) / 1000))
  })

  /** "Cannot reach x" -> "cannot reach x", for use after a dash. */
  const lower = (r: string) => (/^[A-Z][a-z]/.test(r) ? r.charAt(0).toLowerCase() + r.slice(1) : r)

  const badge = computed<{ kind: BadgeKind; label: string; tooltip: string }>(() => {
    const s = status.value
    if (coreLink.problem === 'unreachable' && coreLink.since !== null && now.value - coreLink.since >= 2000) {
      return { kind: 'connecting', label: 'Connecting', tooltip: "Lost contact with the console's core; reconnecting…" }
    }
    if (!s) return { kind: 'connecting', label: 'Connecting', tooltip: "Waiting for the console's core…" }
    const retry =
      retryInSeconds.value === null ? '' : retryInSeconds.value === 0 ? '; retrying now' : `; retrying in ${retryInSeconds.value} s`
    switch (s.state) {
      case 'online':
        return { kind: 'online', label: 'Online', tooltip: `Online — connected to ${s.activeConnectionName ?? 'the server'}` }
      case 'connecting':
        return { kind: 'connecting', label: 'Connecting', tooltip: `Connecting — ${s.reason ? lower(s.reason) : 'reaching the server'}…` }
      case 'offline':
        return { kind: 'offline', label: 'Offline', tooltip: `Offline — ${s.reason ? lower(s.reason) : 'the server cannot be reached'}${retry}` }
      case 'auth_failed':
        return {
          kind: 'auth',
          label: 'Offline · sign-in refused',
          tooltip: `Offline — the server refused the credentials${s.reason ? `: ${s.reason}` : ''}${retry}. Edit the connection's keys.`
        }
      default:
        return { kind: 'none', label: 'No connection', tooltip: 'No active connection. Add or activate one under Connections.' }
    }
  })

  const enterprise = computed(() => status.value?.capabilities?.enterprise ?? null)
  /** Whether the server offers a feature (supported_features); null while unknown. */
  const supports = (feature: string): boolean | null => {
    const f = status.value?.capabilities?.features
    return f ? f.includes(feature) : status.value?.capabilities ? false : null
  }
  const coreProblem = computed(() => coreLink.problem)

  return { status, loadError, reconnecting, now, load, reconnect, retryInSeconds, badge, enterprise, supports, coreProblem }
})
