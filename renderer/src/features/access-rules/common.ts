// What the Access Rules pieces share: the resource-type options, the option renderers of the pickers.
import { h, type VNodeChild } from 'vue'
import type { SelectOption } from 'naive-ui'
import { RESOURCE_TYPES, TYPE_LABELS, type EntityType } from '@shared/domain/access-rules'

export { isForbidden } from '../users-groups/common'

export const typeOptions = (counts?: Partial<Record<EntityType, number>>): SelectOption[] =>
  RESOURCE_TYPES.map((t) => ({ value: t, label: counts ? `${TYPE_LABELS[t].many} (${counts[t] ?? 0})` : TYPE_LABELS[t].many }))

export const KIND_LABELS = { user: 'User', service: 'Service account', group: 'Group' } as const

/** A two-line option: the name, and a muted detail line (task project, status, owner …). */
export function twoLineLabel(option: SelectOption): VNodeChild {
  const detail = (option as { detail?: string }).detail
  return h('div', { class: 'opt-two-line', style: 'display:flex;flex-direction:column;line-height:1.25;padding:2px 0' }, [
    h('span', null, String(option.label ?? '')),
    detail ? h('span', { style: 'font-size:11px;color:var(--c-text3)' }, detail) : null
  ])
}
