// Confirmations sized to the risk, mounted once at the root (ConfirmDialog.vue) and asked from anywhere:
//  - 'low':  a plain question, Enter confirms;
//  - 'high': a destructive action: red button, Cancel has the focus;
//  - a destructive action on a server marked production (scope 'server'), or with `requireTyping`, also needs
//    the object's name typed.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { useStatusStore } from './status'

export type Risk = 'low' | 'high'

export interface ConfirmRequest {
  title: string
  /** One paragraph per entry: what happens, and what cannot be undone. */
  message: string | string[]
  /** Label of the confirming button, a verb: "Delete", "Revoke", "Send". */
  action: string
  risk: Risk
  /** The object's name; on production (or when `requireTyping`) it must be typed to confirm. */
  name?: string
  requireTyping?: boolean
  /** 'server': the action changes the active server (its production marker raises the strength); 'local': this computer only. */
  scope?: 'server' | 'local'
}

interface Pending extends ConfirmRequest {
  typeName: string | null
  production: boolean
  resolve: (ok: boolean) => void
}

export const useConfirmStore = defineStore('confirm', () => {
  const pending = shallowRef<Pending | null>(null)
  const typed = ref('')

  function ask(req: ConfirmRequest): Promise<boolean> {
    const status = useStatusStore()
    const production = (req.scope ?? 'server') === 'server' && !!status.status?.production
    const typeName = req.name && (req.requireTyping || (req.risk === 'high' && production)) ? req.name : null
    pending.value?.resolve(false)
    typed.value = ''
    return new Promise<boolean>((resolve) => {
      pending.value = { ...req, typeName, production, resolve }
    })
  }
  function answer(ok: boolean): void {
    const p = pending.value
    if (!p) return
    if (ok && p.typeName !== null && typed.value.trim() !== p.typeName) return
    pending.value = null
    p.resolve(ok)
  }
  return { pending, typed, ask, answer }
})
