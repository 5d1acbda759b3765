// The console's own commands, registered once at start: go to each section (Alt+1…9, Alt+0), the palette,
// add a connection, reconnect, theme, and the shortcut list. Features register theirs beside their code.
import { go } from './router'
import { registerCommand, registerCommandProvider } from './commands'
import { sections, shortcutOrder, type SectionId } from './sections'
import { useDialogsStore } from './stores/dialogs'
import { usePrefsStore } from './stores/prefs'
import { useStatusStore } from './stores/status'
import { useConnectionsStore } from './features/connections/store'

export function goTo(id: SectionId): void {
  go(`/${id}`)
}

export function registerAppCommands(): void {
  const dialogs = useDialogsStore()
  const prefs = usePrefsStore()
  const status = useStatusStore()
  const connections = useConnectionsStore()

  for (const s of sections) {
    const n = s.id === 'connections' ? 0 : shortcutOrder.indexOf(s.id) + 1
    registerCommand({
      id: `go.${s.id}`,
      title: s.title,
      kind: 'go',
      chord: n >= 0 && n <= 9 ? { alt: true, code: `Digit${n}` } : undefined,
      inInputs: true,
      run: () => goTo(s.id)
    })
  }
  registerCommand({ id: 'palette', title: 'Go to a section or run a command', kind: 'command', chord: { mod: true, code: 'KeyK' }, inInputs: true, paletteHidden: true, run: () => (dialogs.palette = true) })
  registerCommand({
    id: 'connections.add',
    title: 'Add a connection',
    kind: 'command',
    chord: { alt: true, code: 'KeyN' },
    inInputs: true,
    run: () => {
      goTo('connections')
      dialogs.openConnectionForm(null)
    }
  })
  registerCommand({ id: 'app.reconnect', title: 'Reconnect to the server now', kind: 'command', chord: { alt: true, code: 'KeyR' }, inInputs: true, run: () => void status.reconnect() })
  registerCommand({
    id: 'theme.cycle',
    title: 'Switch theme (auto → light → dark)',
    kind: 'command',
    chord: { alt: true, code: 'KeyT' },
    inInputs: true,
    run: () => prefs.cycleTheme()
  })
  registerCommand({ id: 'shortcuts', title: 'Keyboard shortcuts', kind: 'command', chord: { key: '?' }, run: () => (dialogs.shortcuts = true) })
  registerCommandProvider(() =>
    connections.items
      .filter((c) => !c.active)
      .map((c) => ({
        id: `connections.activate.${c.id}`,
        title: `Activate connection “${c.name}”${c.production ? ' (production)' : ''}`,
        kind: 'command' as const,
        run: () => void connections.activate(c.id)
      }))
  )
}
