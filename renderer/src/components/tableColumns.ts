// Column helpers shared by every table: the row-actions cell.
import { h, type Component } from 'vue'
import { NButton, NIcon, NTooltip, type DataTableColumn } from 'naive-ui'

export interface RowAction {
  key: string
  label: string
  icon?: Component
  /** Show only the icon (the label becomes the tooltip and the accessible name). */
  iconOnly?: boolean
  type?: 'default' | 'primary' | 'error'
  secondary?: boolean
  loading?: boolean
  disabled?: boolean
  onClick: () => void
}

/** The actions cell: one button per action, each with `data-testid="<prefix>-<key>"` and an accessible name. */
export function rowActionsColumn<Row>(prefix: string, actions: (row: Row) => RowAction[], opts: { width?: number; name?: (row: Row) => string } = {}): DataTableColumn<Row> {
  return {
    key: '__actions',
    title: 'Actions',
    align: 'right',
    width: opts.width ?? 220,
    render: (row) =>
      h(
        'div',
        { class: 'row-actions', style: 'display:flex;gap:6px;justify-content:flex-end;flex-wrap:wrap' },
        actions(row).map((a) => {
          const button = h(
            NButton,
            {
              size: 'small',
              quaternary: a.iconOnly,
              secondary: a.secondary,
              type: a.type ?? 'default',
              loading: a.loading,
              disabled: a.disabled,
              'aria-label': opts.name ? `${a.label} ${opts.name(row)}` : a.label,
              'data-testid': `${prefix}-${a.key}`,
              onClick: (e: MouseEvent) => {
                e.stopPropagation()
                a.onClick()
              }
            },
            {
              default: a.iconOnly ? undefined : () => a.label,
              icon: a.icon ? () => h(NIcon, null, { default: () => h(a.icon!) }) : undefined
            }
          )
          return a.iconOnly ? h(NTooltip, null, { trigger: () => button, default: () => a.label }) : button
        })
      )
  }
}
