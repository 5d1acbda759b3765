// Connections: the list, and create / update / delete / activate / test.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { ConnectionInfo, MethodInput, TestConnectionResult } from '@shared/api'
import { api } from '../api/client'
import { errorMessage } from '../ui'
import { useStatusStore } from './status'

export const useConnectionsStore = defineStore('connections', () => {
  const items = ref<ConnectionInfo[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** Latest test result per saved connection id. */
  const testResults = ref<Record<string, TestConnectionResult | { ok: false; message: string; failedStep: null; error: true }>>({})
  const testing = ref<Record<string, boolean>>({})

  let seq = 0
  async function load(): Promise<void> {
    const mine = ++seq
    loading.value = true
    try {
      const list = await api.invoke('connections.list', {})
      if (mine !== seq) return
      items.value = list
      error.value = null
      loaded.value = true
    } catch (e) {
      if (mine === seq) error.value = errorMessage(e)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  async function create(input: MethodInput<'connections.create'>): Promise<ConnectionInfo> {
    const c = await api.invoke('connections.create', input)
    await load()
    return c
  }
  async function update(id: string, patch: MethodInput<'connections.update'>['patch']): Promise<ConnectionInfo> {
    const c = await api.invoke('connections.update', { id, patch })
    await load()
    return c
  }
  async function remove(id: string): Promise<void> {
    await api.invoke('connections.delete', { id })
    delete testResults.value[id]
    await load()
  }
  async function activate(id: string): Promise<void> {
    const s = await api.invoke('connections.activate', { id })
    useStatusStore().status = s
    items.value = items.value.map((c) => ({ ...c, active: c.id === id }))
    void load()
  }
  async function test(id: string): Promise<void> {
    testing.value = { ...testing.value, [id]: true }
    try {
      testResults.value = { ...testResults.value, [id]: await api.invoke('connections.test', { id }) }
    } catch (e) {
      testResults.value = { ...testResults.value, [id]: { ok: false, message: errorMessage(e), failedStep: null, error: true } }
    } finally {
      testing.value = { ...testing.value, [id]: false }
    }
  }

  const active = computed(() => items.value.find((c) => c.active) ?? null)

  const status = useStatusStore()
  watch(
    () => status.status?.activeConnectionId,
    (id, old) => {
      if (old !== undefined && id !== old) void load()
    }
  )
  api.on('cache.changed', (p) => {
    if (p.kinds.includes('connections')) void load()
  })
  api.onCoreReconnected(() => void load())

  return { items, loaded, loading, error, testResults, testing, active, load, create, update, remove, activate, test }
})
