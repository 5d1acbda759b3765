// The one command registry (after VS Code's CommandsRegistry): it feeds the command palette, the
// keyboard-shortcut list and the global key handler, so a command and its shortcut are declared once.
import { shallowReactive } from 'vue'

export const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
export const modLabel = isMac ? '⌘' : 'Ctrl'

/** A key chord: `code` is KeyboardEvent.code (layout-independent), `key` KeyboardEvent.key. */
export interface Chord {
  mod?: boolean
  alt?: boolean
  shift?: boolean
  code?: string
  key?: string
}

export interface Command {
  id: string
  title: string
  /** Palette grouping: sections to go to, or commands to run. */
  kind: 'go' | 'command'
  chord?: Chord
  run: () => void
  /** Hidden from the palette and the key handler while false. */
  when?: () => boolean
  /** Also fires while the focus is in a text field (chords with Ctrl/Cmd or Alt usually should). */
  inInputs?: boolean
  /** Listed in the shortcut list but not in the palette (e.g. "open the palette" itself). */
  paletteHidden?: boolean
}

const registry = shallowReactive(new Map<string, Command>())
const providers = shallowReactive(new Set<() => Command[]>())

/** Register a command; returns the function that removes it. A later registration replaces the same id. */
export function registerCommand(c: Command): () => void {
  registry.set(c.id, c)
  return () => {
    if (registry.get(c.id) === c) registry.delete(c.id)
  }
}
/** Register commands computed from data (e.g. "Activate connection X" per saved connection). */
export function registerCommandProvider(p: () => Command[]): () => void {
  providers.add(p)
  return () => providers.delete(p)
}

export function allCommands(): Command[] {
  const out = [...registry.values()]
  for (const p of providers) out.push(...p())
  return out.filter((c) => !c.when || c.when())
}

export function chordLabel(c: Chord): string[] {
  const keys: string[] = []
  if (c.mod) keys.push(modLabel)
  if (c.alt) keys.push(isMac ? '⌥' : 'Alt')
  if (c.shift) keys.push('Shift')
  if (c.code) keys.push(c.code.replace(/^Key|^Digit/, ''))
  else if (c.key) keys.push(c.key)
  return keys
}

function matches(c: Chord, e: KeyboardEvent): boolean {
  const mod = e.ctrlKey || e.metaKey
  if (!!c.mod !== mod || !!c.alt !== e.altKey) return false
  if (c.code) return !!c.shift === e.shiftKey && e.code === c.code
  return e.key === c.key
}

export function isEditableTarget(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null
  if (!el) return false
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)
}

/** The global key handler: runs the first command whose chord matches. */
export function handleKey(e: KeyboardEvent): boolean {
  const editable = isEditableTarget(e.target)
  for (const c of allCommands()) {
    if (!c.chord || !matches(c.chord, e)) continue
    if (editable && !c.inInputs) continue
    e.preventDefault()
    c.run()
    return true
  }
  return false
}

/** Keys that are not commands but that people look for in the list. */
export const otherKeys: { keys: string[]; what: string }[] = [
  { keys: ['Enter'], what: 'Save an inline edit (e.g. your name)' },
  { keys: ['Esc'], what: 'Cancel an inline edit, close a dialog' },
  { keys: ['Tab'], what: 'Move between controls; every action is reachable' }
]
