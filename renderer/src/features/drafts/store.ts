// The drafts of the active connection (and the scratch text): what the drafts panel and the screens show
// as "edited, not provisioned". Reloads when the core announces the 'drafts' topic.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { DraftKind, DraftSummary } from '@shared/api'
import { api } from '../../api/client'
import { onTopics, useLoader } from '../../composables/loader'
import { useStatusStore } from '../../stores/status'

export const useDraftsStore = defineStore('drafts', () => {
  const status = useStatusStore()
  const list = useLoader(() => api.invoke('drafts.list', {}))
  const all = computed<DraftSummary[]>(() => list.data.value ?? [])
  /** Drafts to provision (not the scratch text). */
  const pending = computed(() => all.value.filter((d) => d.kind !== 'scratch'))
  const byServerId = computed(() => new Map(pending.value.filter((d) => d.serverId).map((d) => [`${d.kind}:${d.serverId}`, d])))
  function draftOf(kind: DraftKind, serverId: string): DraftSummary | undefined {
    return byServerId.value.get(`${kind}:${serverId}`)
  }
  /** The review dialog: which drafts it plans (all of the connection when empty). */
  const review = ref<{ open: boolean; ids: string[] | null; seq: number }>({ open: false, ids: null, seq: 0 })
  function openReview(ids: string[] | null = null): void {
    review.value = { open: true, ids, seq: review.value.seq + 1 }
  }
  function closeReview(): void {
    review.value = { ...review.value, open: false }
  }

  const load = () => list.load()
  onTopics(['drafts'], () => void load())
  api.onCoreReconnected(() => void load())
  watch(
    () => status.status?.activeConnectionId,
    () => void load()
  )
  return { all, pending, loading: list.loading, error: list.error, draftOf, load, review, openReview, closeReview }
})
