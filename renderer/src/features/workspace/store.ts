// The Workspace screen's data on the active connection, cache first: the workspaces the user belongs to, the
// API credentials (this workspace's and the user's keys in other workspaces) and the AI Application Gateway
// tokens. Each reloads on its topic's `data.changed`.
import { defineStore } from 'pinia'
import { computed } from 'vue'
import { api } from '../../api/client'
import { useServerData } from '../../composables/serverData'
import { useStatusStore } from '../../stores/status'

export const useWorkspaceStore = defineStore('workspace', () => {
  const status = useStatusStore()
  const workspaces = useServerData('workspace', ({ refresh }) => api.invoke('workspace.list', { refresh }))
  const credentials = useServerData('credentials', ({ refresh }) => api.invoke('credentials.list', { refresh }))
  const gateway = useServerData('gateway', ({ refresh }) => api.invoke('gateway.tokens', { refresh }))

  /** The signed-in user administers the workspace (may rename it, may create keys that never expire). */
  const isAdmin = computed(() => credentials.value.value?.admin ?? ['admin', 'root', 'system'].includes(status.status?.identity?.role ?? ''))
  const workspaceName = (id: string) => workspaces.value.value?.find((w) => w.id === id)?.name ?? null

  function loadAll(opts: { refresh?: boolean } = {}): void {
    void workspaces.load(opts)
    void credentials.load(opts)
    void gateway.load(opts)
  }
  return { workspaces, credentials, gateway, isAdmin, workspaceName, loadAll }
})
