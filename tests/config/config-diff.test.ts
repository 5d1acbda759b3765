// renderer/src/editor/diff.ts (what components/ConfigDiff.vue mounts): one model pair per instance under
// unique URIs, languages, theme and read-only state applied, and everything disposed. Monaco is replaced by
// a recording fake (the real one needs a browser; tests/e2e drives it there).
import { beforeEach, describe, expect, it, vi } from 'vitest'

interface FakeModel {
  uri: string
  value: string
  language: string
  disposed: boolean
  listeners: (() => void)[]
}

const state = vi.hoisted(() => ({
  models: [] as FakeModel[],
  editors: [] as { options: Record<string, unknown>; model: unknown; disposed: boolean; readOnly: boolean; edits: string[]; gone: string[]; fireDiff(): void }[],
  theme: ''
}))

vi.mock('../../renderer/src/editor/monaco.ts', () => {
  const LANGUAGE = { hocon: 'hocon', json: 'json', yaml: 'yaml' }
  const model = (value: string, language: string, uri: { toString(): string }) => {
    const m: FakeModel = { uri: uri.toString(), value, language, disposed: false, listeners: [] }
    if (state.models.some((x) => !x.disposed && x.uri === m.uri)) throw new Error(`model ${m.uri} already exists`)
    state.models.push(m)
    const fire = () => m.listeners.forEach((l) => l())
    return {
      _fake: m,
      getValue: () => m.value,
      setValue: (v: string) => {
        m.value = v
        fire()
      },
      updateOptions: () => {},
      getFullModelRange: () => 'all',
      onDidChangeContent: (l: () => void) => {
        m.listeners.push(l)
        return { dispose: () => (m.listeners = m.listeners.filter((x) => x !== l)) }
      },
      dispose: () => (m.disposed = true)
    }
  }
  const monaco = {
    Uri: { parse: (s: string) => ({ toString: () => s }) },
    editor: {
      EditorOption: { readOnly: 'readOnly' },
      createModel: model,
      setModelLanguage: (m: { _fake: FakeModel }, lang: string) => (m._fake.language = lang),
      setTheme: (t: string) => (state.theme = t),
      createDiffEditor: (_host: unknown, options: Record<string, unknown>) => {
        const diffListeners: (() => void)[] = []
        const rec = {
          options,
          model: null as unknown,
          disposed: false,
          readOnly: !!options.readOnly,
          edits: [] as string[],
          gone: [] as string[],
          fireDiff: () => diffListeners.forEach((l) => l())
        }
        state.editors.push(rec)
        return {
          setModel: (m: { original: { _fake: FakeModel }; modified: { _fake: FakeModel } } | null) => {
            if (rec.model && !m) rec.gone.push('models-detached')
            rec.model = m
          },
          getModifiedEditor: () => ({
            getOption: () => rec.readOnly,
            pushUndoStop: () => {},
            executeEdits: (_src: string, edits: { text: string }[]) => {
              const m = (rec.model as { modified: { setValue(v: string): void } }).modified
              rec.edits.push(edits[0].text)
              m.setValue(edits[0].text)
            }
          }),
          updateOptions: (o: { readOnly?: boolean }) => {
            if (o.readOnly !== undefined) rec.readOnly = o.readOnly
          },
          onDidUpdateDiff: (l: () => void) => {
            diffListeners.push(l)
            return { dispose: () => {} }
          },
          getLineChanges: () => [1, 2, 3],
          goToDiff: () => {},
          dispose: () => {
            rec.disposed = true
          }
        }
      }
    }
  }
  return { LANGUAGE, MONO_FONT: 'mono', monaco, setupMonaco: () => monaco }
})

// The shape of diff.ts used here. The module is imported through a variable: the Node typecheck of tests/
// must not follow it into the renderer's Vite-only imports (`?worker`).
type Format = 'hocon' | 'json' | 'yaml'
interface Diff {
  originalUri: string
  modifiedUri: string
  setOriginal(t: string): void
  setModified(t: string): void
  modifiedText(): string
  setFormat(f: Format): void
  setReadOnly(r: boolean): void
  setDark(d: boolean): void
  onDidChangeModified(l: (t: string) => void): void
  onDidUpdateDiff(l: (n: number) => void): void
  dispose(): void
}
const spec = '../../renderer/src/editor/diff.ts'
const { createConfigDiff } = (await import(/* @vite-ignore */ spec)) as {
  createConfigDiff: (host: unknown, o: { original: string; modified: string; format: Format; readOnly: boolean; dark: boolean }) => Diff
}
const host = {}
const opts = { original: 'a = 1', modified: 'a = 2', format: 'hocon' as Format, readOnly: true, dark: false }

describe('createConfigDiff', () => {
  beforeEach(() => {
    state.models.length = 0
    state.editors.length = 0
  })

  it('gives each instance its own model pair (unique URIs) with the format\'s language', () => {
    const a = createConfigDiff(host, opts)
    const b = createConfigDiff(host, { ...opts, format: 'json' as Format })
    const uris = [a.originalUri, a.modifiedUri, b.originalUri, b.modifiedUri]
    expect(new Set(uris).size).toBe(4)
    expect(b.modifiedUri).toMatch(/\.json$/)
    expect(state.models.map((m) => [m.value, m.language])).toEqual([
      ['a = 1', 'hocon'],
      ['a = 2', 'hocon'],
      ['a = 1', 'json'],
      ['a = 2', 'json']
    ])
    expect(state.editors[0].options).toMatchObject({ renderSideBySide: true, originalEditable: false, readOnly: true, theme: 'console-light' })
    a.dispose()
    b.dispose()
  })

  it('disposes its editor and both models, once', () => {
    const d = createConfigDiff(host, opts)
    d.dispose()
    d.dispose()
    expect(state.editors[0].disposed).toBe(true)
    expect(state.editors[0].gone).toEqual(['models-detached'])
    expect(state.models.every((m) => m.disposed)).toBe(true)
    // a new instance after unmount works (no URI clash with disposed models)
    expect(() => createConfigDiff(host, opts).dispose()).not.toThrow()
  })

  it('follows texts, format, read-only state and theme; reports edits and the number of changes', () => {
    const d = createConfigDiff(host, { ...opts, readOnly: false })
    const edits: string[] = []
    const counts: number[] = []
    d.onDidChangeModified((t) => edits.push(t))
    d.onDidUpdateDiff((n) => counts.push(n))
    d.setOriginal('a = 10')
    expect(state.models[0].value).toBe('a = 10')
    d.setModified('a = 20')
    expect(state.editors[0].edits).toEqual(['a = 20']) // one undoable edit while editable
    expect(edits).toEqual(['a = 20'])
    d.setReadOnly(true)
    d.setModified('a = 30')
    expect(state.editors[0].edits).toEqual(['a = 20']) // replaced outright when read-only
    expect(d.modifiedText()).toBe('a = 30')
    d.setFormat('yaml')
    expect(state.models.slice(0, 2).map((m) => m.language)).toEqual(['yaml', 'yaml'])
    d.setDark(true)
    expect(state.theme).toBe('console-dark')
    state.editors[0].fireDiff()
    expect(counts).toEqual([3])
    d.dispose()
    state.editors[0].fireDiff()
    expect(counts).toEqual([3]) // no listeners after dispose
  })
})
