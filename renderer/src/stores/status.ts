// App status: app.status at start, then every `status` event the core pushes.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { AppStatus } from '@shared/api'
import { api, core } from '../api/client'
import { errorMessage, reportError } from '../ui'

export type BadgeKind = 'online' | 'offline' | 'connecting' | 'none' | 'auth'

export const useStatusStore = defineStore('status', () => {
  const status = ref<AppStatus | null>(null)
  const loadError = ref<string | null>(null)
  const reconnecting = ref(false)
  /** A clock for countdowns ("retrying in 5 s") and relative times. */
  const now = ref(Date.now())
  setInterval(() => (now.value = Date.now()), 1000)

  let seq = 0
  async function load(): Promise<void> {
    const mine = ++seq
    try {
      const s = await api.invoke('app.status', {})
      if (mine === seq) {
        status.value = s
        loadError.value = null
      }
    } catch (e) {
      if (mine === seq) loadError.value = errorMessage(e)
    }
  }

  api.on('status', (s) => {
    seq++ // a pushed status is newer than any pending load
    status.value = s
    loadError.value = null
  })
  api.onCoreReconnected(() => void load())

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
    if (core.problem === 'unreachable' && core.since !== null && now.value - core.since >= 2000) {
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
  const coreProblem = computed(() => core.problem)

  return { status, loadError, reconnecting, now, load, reconnect, retryInSeconds, badge, enterprise, coreProblem }
})
