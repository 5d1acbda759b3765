// Autosave of one draft: the content is written to the core (SQLite, one transaction) within `delayMs` of the
// last change, again on blur/pagehide/unmount, and the status says where the edit stands.
import { onBeforeUnmount, ref } from 'vue'
import { ApiError, type MethodInput } from '@shared/api'
import { api } from '../../api/client'

export type SaveState = 'saved' | 'pending' | 'saving' | 'failed'

export function useAutosave(delayMs = 300) {
  const state = ref<SaveState>('saved')
  const savedAt = ref<number | null>(null)
  const error = ref<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let next: MethodInput<'drafts.save'> | null = null
  let running: Promise<void> | null = null

  async function flush(): Promise<void> {
    clearTimeout(timer)
    if (running) await running
    if (!next) return
    const input = next
    next = null
    state.value = 'saving'
    running = (async () => {
      try {
        const r = await api.invoke('drafts.save', input)
        savedAt.value = r.updatedAt
        error.value = null
        state.value = next ? 'pending' : 'saved'
      } catch (e) {
        // Keep the edit: it is sent again with the next change or flush.
        next ??= input
        error.value = ApiError.from(e).message
        state.value = 'failed'
      } finally {
        running = null
      }
    })()
    await running
  }
  function schedule(input: MethodInput<'drafts.save'>): void {
    next = input
    state.value = 'pending'
    clearTimeout(timer)
    timer = setTimeout(() => void flush(), delayMs)
  }
  const onHide = () => void flush()
  window.addEventListener('pagehide', onHide)
  onBeforeUnmount(() => {
    window.removeEventListener('pagehide', onHide)
    void flush()
  })
  return { state, savedAt, error, schedule, flush }
}
