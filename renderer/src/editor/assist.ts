// Hovers and completions from the clearml.conf key tree in every config editor (HOCON, JSON, YAML).
// Monaco providers are global: setupMonaco() calls registerConfigAssist() once, for the three languages.
// The work happens in one Web Worker for all editors (started on first use, see workers/config.worker.ts):
// a model's text goes there once, then only its edits (Monaco's change events), and each request carries the
// model's uri, version and the cursor, so the UI thread never copies, scans or parses the text for a hover.
import type * as Monaco from 'monaco-editor/esm/vs/editor/editor.api'
import type { ConfigFormat } from '@shared/config'
import type { AssistDoc, AssistRequest, AssistResponse, CompletionInfo, HoverInfo } from '@shared/config/assist.ts'
import ConfigWorker from '../workers/config.worker?worker'

type MonacoApi = typeof Monaco

const FORMAT_OF: Record<string, ConfigFormat> = { hocon: 'hocon', json: 'json', yaml: 'yaml' }
/** A request the worker has not answered by then is dropped (no hover, no suggestions). */
const TIMEOUT_MS = 3000

type Kind = 'hover' | 'complete'
type Answer<K extends Kind> = K extends 'hover' ? HoverInfo : CompletionInfo

/** The worker connection: models it holds (kept current through their edits) and requests in flight. */
class AssistClient {
  private worker: Worker | null = null
  private broken = false
  private seq = 0
  private readonly pending = new Map<number, (r: AssistResponse | null) => void>()
  /** Models whose text the worker has, with the subscription that forwards their edits. */
  private readonly synced = new Map<string, Monaco.IDisposable>()

  private start(): Worker | null {
    if (this.broken) return null
    if (this.worker) return this.worker
    try {
      const w = new ConfigWorker({ name: 'config-assist' })
      w.onmessage = (e: MessageEvent<AssistResponse>) => {
        const done = this.pending.get(e.data.id)
        if (done) {
          this.pending.delete(e.data.id)
          done(e.data)
        }
      }
      w.onerror = (e) => {
        // no hovers or suggestions then; validation has its own worker and reports its own failures
        e.preventDefault()
        this.stop()
      }
      this.worker = w
      return w
    } catch {
      this.broken = true
      return null
    }
  }

  private stop(): void {
    this.broken = true
    this.worker?.terminate()
    this.worker = null
    for (const done of this.pending.values()) done(null)
    this.pending.clear()
    for (const sub of this.synced.values()) sub.dispose()
    this.synced.clear()
  }

  /** The worker no longer needs a model's text (it was disposed, or its text changed wholesale). */
  forget(uri: string): void {
    const sub = this.synced.get(uri)
    if (!sub) return
    sub.dispose()
    this.synced.delete(uri)
    this.worker?.postMessage({ type: 'forget', uri } satisfies AssistRequest)
  }

  /** Sends the model's text along (once), then keeps the worker's copy current with each edit. */
  private sync(model: Monaco.editor.ITextModel, doc: AssistDoc, force: boolean): void {
    const uri = doc.uri
    if (this.synced.has(uri) && !force) return
    doc.text = model.getValue()
    if (this.synced.has(uri)) return
    const sub = model.onDidChangeContent((e) => {
      if (e.isFlush || e.isEolChange) {
        this.forget(uri) // the next request sends the text again
        return
      }
      const msg: AssistRequest = {
        type: 'edit',
        uri,
        version: e.versionId,
        changes: e.changes.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text })),
        length: model.getValueLength()
      }
      this.worker?.postMessage(msg)
    })
    this.synced.set(uri, sub)
  }

  private send(w: Worker, msg: AssistRequest & { id: number }, token: Monaco.CancellationToken): Promise<AssistResponse | null> {
    return new Promise((resolve) => {
      let settled = false
      const finish = (r: AssistResponse | null): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        cancel.dispose()
        this.pending.delete(msg.id)
        resolve(r)
      }
      const timer = setTimeout(() => finish(null), TIMEOUT_MS)
      const cancel = token.onCancellationRequested(() => finish(null))
      this.pending.set(msg.id, finish)
      w.postMessage(msg)
    })
  }

  async request<K extends Kind>(kind: K, model: Monaco.editor.ITextModel, position: Monaco.Position, token: Monaco.CancellationToken): Promise<Answer<K> | null> {
    const format = FORMAT_OF[model.getLanguageId()]
    const w = format ? this.start() : null
    if (!w) return null
    for (let attempt = 0; attempt < 2; attempt++) {
      if (token.isCancellationRequested || model.isDisposed()) return null
      const doc: AssistDoc = { uri: model.uri.toString(), version: model.getVersionId(), format }
      this.sync(model, doc, attempt > 0)
      const res = await this.send(w, { type: kind, id: ++this.seq, doc, line: position.lineNumber, column: position.column } as AssistRequest & { id: number }, token)
      if (!res || token.isCancellationRequested) return null
      if (res.type === 'need-text') continue // the worker dropped its copy: once more, with the text
      if (res.type === 'hover' && kind === 'hover') return res.hover as Answer<K> | null
      if (res.type === 'complete' && kind === 'complete') return res.completion as Answer<K> | null
      return null
    }
    return null
  }
}

let client: AssistClient | null = null

/** Registers the hover and completion providers for the config languages (once; setupMonaco calls it). */
export function registerConfigAssist(monaco: MonacoApi): Monaco.IDisposable[] {
  const c = (client ??= new AssistClient())
  const disposables: Monaco.IDisposable[] = [monaco.editor.onWillDisposeModel((m) => c.forget(m.uri.toString()))]

  const hover: Monaco.languages.HoverProvider = {
    async provideHover(model, position, token) {
      // only over a word: nothing to ask the worker about on blanks and punctuation
      if (!model.getWordAtPosition(position)) return null
      const info = await c.request('hover', model, position, token)
      if (!info) return null
      return {
        range: new monaco.Range(info.range.line, info.range.column, info.range.endLine, info.range.endColumn),
        contents: [{ value: info.markdown }]
      }
    }
  }

  const kinds = monaco.languages.CompletionItemKind
  const completion = (triggerCharacters: string[]): Monaco.languages.CompletionItemProvider => ({
    triggerCharacters,
    async provideCompletionItems(model, position, _context, token) {
      const info = await c.request('complete', model, position, token)
      if (!info || info.items.length === 0) return { suggestions: [] }
      let range = new monaco.Range(info.range.line, info.range.column, info.range.endLine, info.range.endColumn)
      if (range.startLineNumber !== range.endLineNumber || !range.containsPosition(position)) {
        const w = model.getWordUntilPosition(position)
        range = new monaco.Range(position.lineNumber, w.startColumn, position.lineNumber, w.endColumn)
      }
      return {
        suggestions: info.items.map((it) => ({
          label: it.name,
          kind: it.kind === 'object' ? kinds.Module : it.kind === 'array' ? kinds.Enum : kinds.Property,
          detail: it.detail,
          documentation: it.markdown ? { value: it.markdown } : undefined,
          insertText: it.insertText,
          insertTextRules: it.snippet ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
          range
        }))
      }
    }
  })

  for (const [lang, triggers] of [
    ['hocon', ['.']],
    ['json', ['"']],
    ['yaml', []]
  ] as const) {
    disposables.push(monaco.languages.registerHoverProvider(lang, hover))
    disposables.push(monaco.languages.registerCompletionItemProvider(lang, completion([...triggers])))
  }
  return disposables
}
