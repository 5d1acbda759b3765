// Keyboard shortcuts, listed in the "?" dialog. Handled in AppShell.vue.
export const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
export const mod = isMac ? '⌘' : 'Ctrl'

export const shortcutList: { keys: string[]; what: string }[] = [
  { keys: [mod, 'K'], what: 'Go to a section or run a command' },
  { keys: ['Alt', '1 … 9'], what: 'Open the n-th settings section in the side bar' },
  { keys: ['Alt', '0'], what: 'Open Connections' },
  { keys: ['Alt', 'N'], what: 'Add a connection' },
  { keys: ['Alt', 'R'], what: 'Reconnect to the server now' },
  { keys: ['Alt', 'T'], what: 'Switch theme (auto → light → dark)' },
  { keys: ['?'], what: 'Show this list' },
  { keys: ['Enter'], what: 'Save an inline edit (e.g. your name)' },
  { keys: ['Esc'], what: 'Cancel an inline edit, close a dialog' },
  { keys: ['Tab'], what: 'Move between controls; every action is reachable' }
]

export function isEditableTarget(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null
  if (!el) return false
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)
}
