// Data that lives on the active connection's server, read cache-first through the core: reloads when
// the active connection changes, refreshes when the server comes (back) online, reloads on its topic's
// `data.changed`, and after the link to the core returns. Every per-connection store uses this.
import { computed, watch } from 'vue'
import type { Cached, Topic } from '@shared/api'
import { api } from '../api/client'
import { useStatusStore } from '../stores/status'
import { onTopics, useLoader } from './loader'

export function useServerData<T>(topic: Topic, fetch: (opts: { refresh: boolean }) => Promise<Cached<T>>) {
  const status = useStatusStore()
  let refresh = false
  const loader = useLoader(() => fetch({ refresh }))
  /** The connection the data belongs to. */
  let forConnection: string | null | undefined
  let started = false

  async function load(opts: { refresh?: boolean } = {}): Promise<void> {
    started = true
    const connectionId = status.status?.activeConnectionId ?? null
    if (forConnection !== connectionId) {
      loader.reset()
      forConnection = connectionId
    }
    refresh = opts.refresh ?? false
    await loader.load()
  }

  watch(
    () => [status.status?.activeConnectionId ?? null, status.status?.state ?? null] as const,
    ([id, state], old) => {
      if (!started) return
      const [oldId, oldState] = old ?? [undefined, undefined]
      if (id !== oldId) void load()
      else if (state === 'online' && oldState !== 'online') void load({ refresh: true })
    }
  )
  onTopics([topic], (e) => {
    if (started && e.connectionId === (status.status?.activeConnectionId ?? null)) void load()
  })
  api.onCoreReconnected(() => {
    if (started) void load()
  })

  const value = computed(() => loader.data.value?.value ?? null)
  const fromCache = computed(() => loader.data.value?.source === 'cache')
  return { data: loader.data, value, loading: loader.loading, error: loader.error, fromCache, load }
}
