// A side-by-side Monaco diff of two config texts (components/ConfigDiff.vue): one model pair per instance
// under unique URIs, the config languages and themes of setupMonaco(), and everything disposed together.
import type { ConfigFormat } from '@shared/config'
import { LANGUAGE, MONO_FONT, monaco, setupMonaco } from './monaco'

export interface ConfigDiffOptions {
  original: string
  modified: string
  format: ConfigFormat
  /** The modified side is read-only too (the original side always is). */
  readOnly: boolean
  dark: boolean
  ariaLabel?: string
}

export interface ConfigDiff {
  readonly originalUri: string
  readonly modifiedUri: string
  setOriginal(text: string): void
  /** Replaces the modified text (one undoable edit when it is editable). */
  setModified(text: string): void
  modifiedText(): string
  setFormat(format: ConfigFormat): void
  setReadOnly(readOnly: boolean): void
  setDark(dark: boolean): void
  /** Moves to the next (or previous) change and reveals it. */
  goToChange(direction: 'next' | 'previous'): void
  /** Called with the modified text after each edit of it. */
  onDidChangeModified(listener: (text: string) => void): void
  /** Called with the number of changed regions each time the diff is computed. */
  onDidUpdateDiff(listener: (changes: number) => void): void
  dispose(): void
}

let instances = 0
const EXT: Record<ConfigFormat, string> = { hocon: 'conf', json: 'json', yaml: 'yaml' }

export function createConfigDiff(host: HTMLElement, opts: ConfigDiffOptions): ConfigDiff {
  setupMonaco()
  const id = ++instances
  const uri = (side: string): monaco.Uri => monaco.Uri.parse(`inmemory://config-diff/${id}/${side}.${EXT[opts.format]}`)
  const originalUri = uri('original')
  const modifiedUri = uri('modified')
  const original = monaco.editor.createModel(opts.original, LANGUAGE[opts.format], originalUri)
  const modified = monaco.editor.createModel(opts.modified, LANGUAGE[opts.format], modifiedUri)
  for (const m of [original, modified]) m.updateOptions({ tabSize: 2, insertSpaces: true })
  const editor = monaco.editor.createDiffEditor(host, {
    theme: opts.dark ? 'console-dark' : 'console-light',
    automaticLayout: true,
    fontFamily: MONO_FONT,
    fontSize: 13,
    lineHeight: 20,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    renderSideBySide: true,
    // keep two columns under the two labels even in a narrow panel
    useInlineViewWhenSpaceIsLimited: false,
    originalEditable: false,
    readOnly: opts.readOnly,
    renderOverviewRuler: true,
    ignoreTrimWhitespace: false,
    fixedOverflowWidgets: true,
    ariaLabel: opts.ariaLabel,
    ...({ editContext: false } as object)
  })
  editor.setModel({ original, modified })

  const changeListeners: ((text: string) => void)[] = []
  const diffListeners: ((changes: number) => void)[] = []
  const disposables: monaco.IDisposable[] = [
    modified.onDidChangeContent(() => {
      const text = modified.getValue()
      for (const l of changeListeners) l(text)
    }),
    editor.onDidUpdateDiff(() => {
      const n = editor.getLineChanges()?.length ?? 0
      for (const l of diffListeners) l(n)
    })
  ]
  let disposed = false

  return {
    originalUri: originalUri.toString(),
    modifiedUri: modifiedUri.toString(),
    setOriginal(text) {
      if (!disposed && text !== original.getValue()) original.setValue(text)
    },
    setModified(text) {
      if (disposed || text === modified.getValue()) return
      const mod = editor.getModifiedEditor()
      if (mod.getOption(monaco.editor.EditorOption.readOnly)) modified.setValue(text)
      else {
        mod.pushUndoStop()
        mod.executeEdits('config-diff', [{ range: modified.getFullModelRange(), text }])
        mod.pushUndoStop()
      }
    },
    modifiedText: () => modified.getValue(),
    setFormat(format) {
      if (disposed) return
      for (const m of [original, modified]) monaco.editor.setModelLanguage(m, LANGUAGE[format])
    },
    setReadOnly(readOnly) {
      if (!disposed) editor.updateOptions({ readOnly, originalEditable: false })
    },
    setDark(dark) {
      monaco.editor.setTheme(dark ? 'console-dark' : 'console-light')
    },
    goToChange(direction) {
      if (!disposed) editor.goToDiff(direction)
    },
    onDidChangeModified(listener) {
      changeListeners.push(listener)
    },
    onDidUpdateDiff(listener) {
      diffListeners.push(listener)
    },
    dispose() {
      if (disposed) return
      disposed = true
      for (const d of disposables.splice(0)) d.dispose()
      changeListeners.length = 0
      diffListeners.length = 0
      // the editor first (it holds the models), then the models it showed
      editor.setModel(null)
      editor.dispose()
      original.dispose()
      modified.dispose()
    }
  }
}
