// Connections: the saved list (small, local) for the palette, the header and the forms; and
// create / update / delete / activate / test. The Connections screen pages its table on its own.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ConnectionInfo, MethodInput, TestConnectionResult } from '@shared/api'
import { MAX_PAGE_SIZE } from '@shared/api'
import { api } from '../../api/client'
import { onTopics, useLoader } from '../../composables/loader'
import { useStatusStore } from '../../stores/status'
import { errorMessage } from '../../ui'

export type TestOutcome = TestConnectionResult | { ok: false; message: string; failedStep: null; error: true }

export const useConnectionsStore = defineStore('connections', () => {
  const list = useLoader(async () => (await api.invoke('connections.list', { pageSize: MAX_PAGE_SIZE })).items)
  const items = computed<ConnectionInfo[]>(() => list.data.value ?? [])
  const loaded = computed(() => list.data.value !== null)
  const error = computed(() => (list.error.value ? list.error.value.message : null))
  /** Latest test result per saved connection id. */
  const testResults = ref<Record<string, TestOutcome>>({})
  const testing = ref<Record<string, boolean>>({})

  async function load(): Promise<void> {
    await list.load()
  }
  async function create(input: MethodInput<'connections.create'>): Promise<ConnectionInfo> {
    return api.invoke('connections.create', input)
  }
  async function update(id: string, patch: MethodInput<'connections.update'>['patch']): Promise<ConnectionInfo> {
    return api.invoke('connections.update', { id, patch })
  }
  async function remove(id: string): Promise<void> {
    await api.invoke('connections.delete', { id })
    delete testResults.value[id]
  }
  async function activate(id: string): Promise<void> {
    useStatusStore().status = await api.invoke('connections.activate', { id })
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

  // Every write announces the 'connections' topic; the link to the core coming back may have missed some.
  onTopics(['connections'], () => void load())
  api.onCoreReconnected(() => void load())

  return { items, loaded, loading: list.loading, error, testResults, testing, active, load, create, update, remove, activate, test }
})
