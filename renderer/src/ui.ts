// Naive's message/notification/dialog APIs, registered from inside the providers (see ProviderBridge.vue),
// so that stores and the global error handler can use them. Falls back to the console before mount.
import type { DialogApi, MessageApi, NotificationApi } from 'naive-ui'
import { ApiError } from '@shared/api'
import { isTransportFailure } from './api/client'

export const ui: { message: MessageApi | null; notification: NotificationApi | null; dialog: DialogApi | null } = {
  message: null,
  notification: null,
  dialog: null
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message
  if (e instanceof Error) return e.message
  return String(e)
}

let lastKey = ''
let lastAt = 0
/** Route an unexpected error to a notification (deduplicated; transport failures show as a banner instead). */
export function reportError(e: unknown, title = 'Something went wrong'): void {
  console.error(e)
  if (isTransportFailure(e)) return
  const content = errorMessage(e)
  const key = title + content
  if (key === lastKey && Date.now() - lastAt < 4000) return
  lastKey = key
  lastAt = Date.now()
  if (ui.notification) {
    ui.notification.error({ title, content, duration: 8000, keepAliveOnHover: true })
  }
}

export function notifySuccess(text: string): void {
  ui.message?.success(text)
}
