// The one place that loads data for a screen: loading / error state, and a sequence number so an older
// answer never overwrites a newer one. Stores and composables build on it instead of copying it.
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { ApiError, type DataChanged, type Topic } from '@shared/api'
import { api } from '../api/client'

export interface Loader<T> {
  data: ShallowRef<T | null>
  loading: Ref<boolean>
  error: ShallowRef<ApiError | null>
  /** Run the fetch; the newest call wins. Resolves true when its answer was applied. */
  load(): Promise<boolean>
  /** Forget the data (e.g. another connection became active) and drop any answer still on its way. */
  reset(): void
  /** Put newer data (e.g. pushed by the core); any answer still on its way is dropped. */
  set(value: T): void
}

export function useLoader<T>(fetch: () => Promise<T>): Loader<T> {
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  let seq = 0

  async function load(): Promise<boolean> {
    const mine = ++seq
    loading.value = true
    try {
      const r = await fetch()
      if (mine !== seq) return false
      data.value = r
      error.value = null
      return true
    } catch (e) {
      if (mine === seq) error.value = ApiError.from(e)
      return false
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  function reset(): void {
    seq++
    data.value = null
    error.value = null
    loading.value = false
  }
  function set(value: T): void {
    seq++
    data.value = value
    error.value = null
    loading.value = false
  }
  return { data, loading, error, load, reset, set }
}

/** Run `cb` when the core announces a change on one of `topics`. Returns the unsubscribe function. */
export function onTopics(topics: readonly Topic[], cb: (e: DataChanged) => void): () => void {
  return api.on('data.changed', (e) => {
    if (e.topics.some((t) => topics.includes(t))) cb(e)
  })
}
