// Modals are mounted once at the root and opened through this store (so shortcuts and the command
// palette can open them from anywhere).
import { defineStore } from 'pinia'
import { ref } from 'vue'

export const useDialogsStore = defineStore('dialogs', () => {
  const connectionForm = ref<{ open: boolean; editId: string | null; seq: number }>({ open: false, editId: null, seq: 0 })
  const shortcuts = ref(false)
  const palette = ref(false)

  function openConnectionForm(editId: string | null = null): void {
    connectionForm.value = { open: true, editId, seq: connectionForm.value.seq + 1 }
  }
  function closeConnectionForm(): void {
    connectionForm.value = { ...connectionForm.value, open: false }
  }
  return { connectionForm, shortcuts, palette, openConnectionForm, closeConnectionForm }
})
