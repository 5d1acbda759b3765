// The signed-in user's Configuration on the active connection: the web app preferences (cache first), the
// web app's cloud access keys (kept on this desktop) and the storage cleanup credentials (cache first).
// Preference toggles save at once, optimistically: the switch moves, and moves back with a message when the
// server refuses.
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { MethodInput, PreferencesState, StorageSettings, UserPreferences } from '@shared/api'
import { api } from '../../api/client'
import { onTopics, useLoader } from '../../composables/loader'
import { useServerData } from '../../composables/serverData'
import { useStatusStore } from '../../stores/status'

export type StorageProvider = 'aws' | 'google' | 'azure'
export type TogglePreference = Exclude<keyof UserPreferences, 'redactedArguments'>

export const useConfigurationStore = defineStore('configuration', () => {
  const status = useStatusStore()
  const prefs = useServerData('preferences', ({ refresh }) => api.invoke('preferences.get', { refresh }))
  const storage = useServerData('storage', ({ refresh }) => api.invoke('storage.get', { refresh }))

  // ---- cloud access keys: local to this desktop, per connection
  const cloud = useLoader(() => api.invoke('cloudAccess.list', {}))
  let cloudStarted = false
  function loadCloud(): Promise<boolean> {
    cloudStarted = true
    return cloud.load()
  }
  onTopics(['cloudAccess'], () => {
    if (cloudStarted) void cloud.load()
  })
  watch(
    () => status.status?.activeConnectionId ?? null,
    () => {
      if (!cloudStarted) return
      cloud.reset()
      void cloud.load()
    }
  )

  // ---- preferences
  /** Preferences being saved (their switches show a spinner). */
  const saving = ref<Set<string>>(new Set())
  function mark(key: string, on: boolean): void {
    const next = new Set(saving.value)
    if (on) next.add(key)
    else next.delete(key)
    saving.value = next
  }
  function patchState(fn: (s: PreferencesState) => PreferencesState): void {
    const d = prefs.data.value
    if (d) prefs.data.value = { ...d, value: fn(d.value) }
  }

  /** Save one or more server preferences; the state changes at once and is put back if the save fails. */
  async function setPreferences(changes: Partial<UserPreferences>): Promise<void> {
    const before = prefs.data.value?.value.preferences
    const keys = Object.keys(changes) as (keyof UserPreferences)[]
    patchState((s) => ({ ...s, preferences: { ...s.preferences, ...changes } }))
    keys.forEach((k) => mark(k, true))
    try {
      prefs.data.value = await api.invoke('preferences.set', { changes })
    } catch (e) {
      if (before) {
        // Put back only what this call changed: another toggle may have been saved meanwhile.
        const revert = Object.fromEntries(keys.map((k) => [k, before[k]])) as Partial<UserPreferences>
        patchState((s) => ({ ...s, preferences: { ...s.preferences, ...revert } }))
      }
      throw e
    } finally {
      keys.forEach((k) => mark(k, false))
    }
  }

  /** This console's own HiDPI preference (no server involved). */
  async function setDisableHidpi(v: boolean): Promise<void> {
    const before = prefs.data.value?.value.disableHidpi
    patchState((s) => ({ ...s, disableHidpi: v }))
    mark('disableHidpi', true)
    try {
      const r = await api.invoke('preferences.setLocal', { disableHidpi: v })
      patchState((s) => ({ ...s, disableHidpi: r.disableHidpi }))
    } catch (e) {
      if (before !== undefined) patchState((s) => ({ ...s, disableHidpi: before }))
      throw e
    } finally {
      mark('disableHidpi', false)
    }
  }

  /** The self-hosted server's telemetry opt-in (a global setting). */
  async function setReportStats(enabled: boolean): Promise<void> {
    const before = prefs.data.value?.value.reportStats
    patchState((s) => ({ ...s, reportStats: s.reportStats ? { ...s.reportStats, enabled } : s.reportStats }))
    mark('reportStats', true)
    try {
      const r = await api.invoke('preferences.reportStats', { enabled })
      patchState((s) => ({ ...s, reportStats: s.reportStats ? { ...s.reportStats, enabled: r.enabled } : s.reportStats }))
    } catch (e) {
      if (before !== undefined) patchState((s) => ({ ...s, reportStats: before }))
      throw e
    } finally {
      mark('reportStats', false)
    }
  }

  // ---- storage cleanup credentials
  /** Save one provider's credentials (the others stay as they are); the answer is the new state. */
  async function saveStorage(input: MethodInput<'storage.set'>): Promise<StorageSettings> {
    const r = await api.invoke('storage.set', input)
    storage.data.value = r
    return r.value
  }
  /** Remove every credential of these providers. */
  async function resetStorage(keys: StorageProvider[]): Promise<StorageSettings> {
    const r = await api.invoke('storage.reset', { keys })
    storage.data.value = r
    return r.value
  }

  return { prefs, storage, cloud, loadCloud, saving, setPreferences, setDisableHidpi, setReportStats, saveStorage, resetStorage }
})
