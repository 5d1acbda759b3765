// The signed-in user's profile on the active connection (cache first; refreshed when the server is online).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '../../api/client'
import { useServerData } from '../../composables/serverData'

export const useProfileStore = defineStore('profile', () => {
  const profile = useServerData('profile', ({ refresh }) => api.invoke('profile.get', { refresh }))
  const renaming = ref(false)

  async function rename(name: string): Promise<void> {
    renaming.value = true
    try {
      profile.data.value = await api.invoke('profile.rename', { name })
    } finally {
      renaming.value = false
    }
  }
  return { ...profile, renaming, rename }
})
