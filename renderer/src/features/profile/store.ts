// The signed-in user's profile on the active connection (cache first; refreshed when the server is online).
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { ApiError } from '@shared/api'
import type { Cached, UserProfile } from '@shared/api'
import { api } from '../api/client'
import { useStatusStore } from './status'

export const useProfileStore = defineStore('profile', () => {
  const data = ref<Cached<UserProfile> | null>(null)
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  const renaming = ref(false)
  /** The connection the data belongs to. */
  const forConnection = ref<string | null>(null)
  let started = false

  const status = useStatusStore()

  let seq = 0
  async function load(opts: { refresh?: boolean } = {}): Promise<void> {
    started = true
    const connectionId = status.status?.activeConnectionId ?? null
    const mine = ++seq
    if (forConnection.value !== connectionId) {
      data.value = null
      forConnection.value = connectionId
    }
    loading.value = true
    try {
      const r = await api.invoke('profile.get', { refresh: opts.refresh ?? false })
      if (mine !== seq) return
      data.value = r
      error.value = null
    } catch (e) {
      if (mine === seq) error.value = ApiError.from(e)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  async function rename(name: string): Promise<void> {
    renaming.value = true
    try {
      data.value = await api.invoke('profile.rename', { name })
      error.value = null
    } finally {
      renaming.value = false
    }
  }

  // Reload when the active connection changes, and refresh when the server comes (back) online.
  watch(
    () => [status.status?.activeConnectionId ?? null, status.status?.state ?? null] as const,
    ([id, state], old) => {
      if (!started) return
      const [oldId, oldState] = old ?? [undefined, undefined]
      if (id !== oldId) void load()
      else if (state === 'online' && oldState !== 'online') void load({ refresh: true })
    }
  )
  api.on('cache.changed', (p) => {
    if (started && p.kinds.includes('profile') && p.connectionId === (status.status?.activeConnectionId ?? null)) void load()
  })
  api.onCoreReconnected(() => {
    if (started) void load()
  })

  const fromCache = computed(() => data.value?.source === 'cache')
  return { data, loading, error, renaming, fromCache, load, rename }
})
