// What the Users & Groups panels share: admin role check, the "not an administrator" refusal, time cells.
import { h } from 'vue'
import { ApiError } from '@shared/api'
import { absoluteTime, relativeTime } from '../../util/time'

export { ADMIN_ROLES } from '@shared/domain/admin-users'

/** The core's refusal for a non-administrator (the server's 403, explained). */
export function isForbidden(e: unknown): boolean {
  return !!e && ApiError.from(e).code === 'forbidden'
}

/** A time cell: relative, with the absolute time as its title; a dash when never. */
export function timeCell(iso: string | null, now: number, extra?: string | null) {
  if (!iso) return h('span', { class: 'muted' }, '—')
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return iso
  return h('span', { title: absoluteTime(ms) }, extra ? `${relativeTime(ms, now)} · ${extra}` : relativeTime(ms, now))
}

export function dateOnly(iso: string | null): string {
  if (!iso) return ''
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? iso : new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })
}
