// Resource policies of the active connection, and what the three panels beside the graph editor read:
// the policy list, the selected policy's details, the details of every policy (the utilisation and allocation
// panels need each policy's queued jobs), the provisioned configuration with its live figures, and the user
// groups for the picker. Cache first through the core; reloads on the `resources` topic.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { ApiError, type Cached, type PolicyDetails, type PolicyInfo } from '@shared/api'
import { api } from '../../../api/client'
import { onTopics } from '../../../composables/loader'
import { useServerData } from '../../../composables/serverData'
import { useStatusStore } from '../../../stores/status'
import { pendingJobs } from './figures'
import { ADMIN_ROLES } from '@shared/domain/admin-users'

export { pendingJobs, plural, queuedByConnection, type ConnectionQueue } from './figures'

/** How many policy details are read at once when every policy is needed. */
const PARALLEL = 6

export const useResourcePoliciesStore = defineStore('resourcePolicies', () => {
  const status = useStatusStore()

  const policies = useServerData('resources', ({ refresh }) => api.invoke('resources.policies', { refresh }))
  const state = useServerData('resources', ({ refresh }) => api.invoke('resources.get', { refresh }))
  const groups = useServerData('vaults', ({ refresh }) => api.invoke('vaults.groups', { refresh }))

  // ---- the selected policy's details
  const selectedId = ref<string | null>(null)
  const details = useServerData('resources', ({ refresh }) =>
    selectedId.value ? api.invoke('resources.policy', { id: selectedId.value, refresh }) : Promise.reject(new ApiError('not_found', 'No policy is selected'))
  )
  /** The details of the selected policy (never those of the one selected before). */
  const selected = computed<PolicyDetails | null>(() => (details.value.value && details.value.value.id === selectedId.value ? details.value.value : null))
  function select(id: string | null): void {
    if (selectedId.value === id) return
    selectedId.value = id
    if (id) void details.load()
  }

  // ---- every policy's details (loaded on demand by the utilisation and allocation panels)
  const allDetails = shallowRef<Map<string, Cached<PolicyDetails>>>(new Map())
  const allLoading = ref(false)
  const allError = shallowRef<ApiError | null>(null)
  /** How many mounted panels need every policy's details (they stay current only while one does). */
  let allWanted = 0
  let allSeq = 0
  async function loadAllDetails(opts: { refresh?: boolean } = {}): Promise<void> {
    const mine = ++allSeq
    allLoading.value = true
    try {
      if (!policies.data.value || opts.refresh) await policies.load({ refresh: opts.refresh })
      const list = policies.value.value ?? []
      const out = new Map<string, Cached<PolicyDetails>>()
      let failed: ApiError | null = null
      for (let i = 0; i < list.length; i += PARALLEL) {
        const answers = await Promise.allSettled(list.slice(i, i + PARALLEL).map((p) => api.invoke('resources.policy', { id: p.id, refresh: opts.refresh ?? false })))
        answers.forEach((a, j) => {
          if (a.status === 'fulfilled') out.set(list[i + j].id, a.value)
          else failed ??= ApiError.from(a.reason)
        })
        if (mine !== allSeq) return
      }
      allDetails.value = out
      allError.value = failed
    } finally {
      if (mine === allSeq) allLoading.value = false
    }
  }
  /** A panel needs every policy's details: loads them, keeps them current, and returns the release function. */
  function wantAllDetails(): () => void {
    allWanted++
    void loadAllDetails()
    let released = false
    return () => {
      if (!released) allWanted--
      released = true
    }
  }
  onTopics(['resources'], (e) => {
    if (allWanted > 0 && e.connectionId === (status.status?.activeConnectionId ?? null)) void loadAllDetails()
  })
  watch(
    () => status.status?.activeConnectionId ?? null,
    () => {
      allDetails.value = new Map()
      if (allWanted > 0) void loadAllDetails()
    }
  )

  // ---- who may change what, and whether a change can be sent now
  const isAdmin = computed(() => ADMIN_ROLES.includes(status.status?.identity?.role ?? 'admin'))
  /** Why a change cannot be sent now (the server is not reachable), or null. */
  const writeBlocked = computed<string | null>(() => {
    const s = status.status
    if (!s || s.state === 'online') return null
    if (s.state === 'none') return 'No active connection: add or activate one under Connections.'
    const why = s.reason ? ` (${s.reason.replace(/\.$/, '')})` : ''
    if (s.state === 'auth_failed') return `The server refused the credentials${why}: changes cannot be sent until you sign in again.`
    return `The server cannot be reached${why}: changes cannot be sent until it is back online. What you see is cached.`
  })

  // ---- names the panels and dialogs look up
  /** Every queue name the console knows (policy queues and the pools' correlated queues), lower-cased. */
  const knownQueueNames = computed(() => {
    const out = new Set<string>()
    const st = state.value.value
    for (const prof of Object.values(st?.live.profiles ?? {})) {
      for (const c of prof.policies) {
        out.add(c.name.trim().toLowerCase())
        if (c.displayName) out.add(c.displayName.trim().toLowerCase())
      }
    }
    for (const prof of st?.config.profiles ?? []) for (const l of prof.links) if (l.queueName) out.add(l.queueName.trim().toLowerCase())
    for (const d of [selected.value, ...[...allDetails.value.values()].map((c) => c.value)]) {
      for (const p of d?.profiles ?? []) {
        out.add(p.queue.name.trim().toLowerCase())
        if (p.queue.displayName) out.add(p.queue.displayName.trim().toLowerCase())
      }
    }
    return out
  })

  /** Connected profiles per policy name (from the live figures of the provisioned configuration). */
  const connectionsByPolicyName = computed(() => {
    const out = new Map<string, number>()
    for (const prof of Object.values(state.value.value?.live.profiles ?? {})) {
      for (const c of prof.policies) out.set(c.policyName, (out.get(c.policyName) ?? 0) + 1)
    }
    return out
  })
  function connectedProfiles(p: PolicyInfo): number | null {
    const d = allDetails.value.get(p.id)?.value ?? (selected.value?.id === p.id ? selected.value : null)
    if (d) return d.profiles.length
    if (!state.value.value) return null
    return connectionsByPolicyName.value.get(p.name) ?? 0
  }

  /** Pending (queued) jobs of a policy: the sum over its connected profiles; null while unknown. */
  function pendingOf(id: string): number | null {
    const d = allDetails.value.get(id)?.value ?? (selected.value?.id === id ? selected.value : null)
    return d ? pendingJobs(d) : null
  }

  // ---- dialogs of the policies panel (mounted once, by the panel)
  const policyDialog = ref<{ open: boolean; editId: string | null; seq: number }>({ open: false, editId: null, seq: 0 })
  const connectDialog = ref<{ open: boolean; policyId: string | null; seq: number }>({ open: false, policyId: null, seq: 0 })
  function openPolicyDialog(editId: string | null = null): void {
    policyDialog.value = { open: true, editId, seq: policyDialog.value.seq + 1 }
  }
  function closePolicyDialog(): void {
    policyDialog.value = { ...policyDialog.value, open: false }
  }
  function openConnectDialog(policyId: string): void {
    connectDialog.value = { open: true, policyId, seq: connectDialog.value.seq + 1 }
  }
  function closeConnectDialog(): void {
    connectDialog.value = { ...connectDialog.value, open: false }
  }

  return {
    policies,
    state,
    groups,
    details,
    selectedId,
    selected,
    select,
    allDetails,
    allLoading,
    allError,
    loadAllDetails,
    wantAllDetails,
    isAdmin,
    writeBlocked,
    knownQueueNames,
    connectedProfiles,
    pendingOf,
    policyDialog,
    connectDialog,
    openPolicyDialog,
    closePolicyDialog,
    openConnectDialog,
    closeConnectDialog
  }
})

/** Why a read failed, in words for the panel (a refusal for non-administrators is not an empty screen). */
export function readFailure(e: ApiError, what: string): string {
  if (e.code === 'forbidden') return `Only administrators can see ${what}. The server refused: ${e.message}`
  if (e.code === 'unsupported') return `The server does not offer ${what}: ${e.message}`
  if (e.code === 'offline') return `The server cannot be reached and ${what} are not cached on this computer yet.`
  if (e.code === 'no_connection') return 'No active connection: add or activate one under Connections.'
  return `Could not load ${what}: ${e.message}`
}
