// Monaco, trimmed to what the config editor uses: the editor API, a handful of contributions (hover,
// suggestions, quick fixes, find, folding, problem navigation, the diff editor's commands), HOCON/JSON
// Monarch tokenizers and the basic YAML one. No language workers: validation, hovers and completions are
// our own worker (see validator.ts and assist.ts); Monaco only needs its editor worker (and diffs use it).
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api'
import 'monaco-editor/esm/vs/editor/browser/coreCommands.js'
import 'monaco-editor/esm/vs/editor/contrib/hover/browser/hoverContribution.js'
import 'monaco-editor/esm/vs/editor/contrib/codeAction/browser/codeActionContributions.js'
import 'monaco-editor/esm/vs/editor/contrib/suggest/browser/suggestController.js'
import 'monaco-editor/esm/vs/editor/browser/widget/diffEditor/diffEditor.contribution.js'
import 'monaco-editor/esm/vs/editor/contrib/gotoError/browser/gotoError.js'
import 'monaco-editor/esm/vs/editor/contrib/find/browser/findController.js'
import 'monaco-editor/esm/vs/editor/contrib/folding/browser/folding.js'
import 'monaco-editor/esm/vs/editor/contrib/bracketMatching/browser/bracketMatching.js'
import 'monaco-editor/esm/vs/editor/contrib/clipboard/browser/clipboard.js'
import 'monaco-editor/esm/vs/editor/contrib/contextmenu/browser/contextmenu.js'
import 'monaco-editor/esm/vs/editor/contrib/comment/browser/comment.js'
import 'monaco-editor/esm/vs/editor/contrib/cursorUndo/browser/cursorUndo.js'
import 'monaco-editor/esm/vs/editor/contrib/indentation/browser/indentation.js'
import 'monaco-editor/esm/vs/editor/contrib/linesOperations/browser/linesOperations.js'
import 'monaco-editor/esm/vs/editor/contrib/multicursor/browser/multicursor.js'
import 'monaco-editor/esm/vs/editor/contrib/wordOperations/browser/wordOperations.js'
import 'monaco-editor/esm/vs/editor/contrib/placeholderText/browser/placeholderText.contribution.js'
import 'monaco-editor/esm/vs/editor/standalone/browser/quickAccess/standaloneGotoLineQuickAccess.js'
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codiconStyles.js'
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js'
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker'
import type { ConfigFormat, Diagnostic, Severity } from '@shared/config'
import { registerConfigAssist } from './assist'

export { monaco }

export const LANGUAGE: Record<ConfigFormat, string> = { hocon: 'hocon', json: 'json', yaml: 'yaml' }
export const MARKER_OWNER = 'clearml-config'
export const MONO_FONT = "ui-monospace, 'SFMono-Regular', 'JetBrains Mono', Menlo, Consolas, 'Liberation Mono', monospace"

const SEVERITY: Record<Severity, monaco.MarkerSeverity> = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info
}

const hoconTokens: monaco.languages.IMonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.hocon',
  keywords: ['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'include', 'required'],
  tokenizer: {
    root: [
      [/\s+/, 'white'],
      [/(#|\/\/).*$/, 'comment'],
      [/"""/, 'string', '@tripleString'],
      [/"(?:[^"\\]|\\.)*"(?=\s*(?:[:={]|\+=))/, 'key'],
      [/[A-Za-z_][\w.-]*(?=\s*(?:[:={]|\+=))/, 'key'],
      [/"/, 'string', '@string'],
      [/\$\{\??[^}\n]*\}/, 'variable'],
      [/-?\d+(\.\d+)?([eE][+-]?\d+)?(?![\w.-])/, 'number'],
      [/[A-Za-z_][\w-]*(?![\w.:/-])/, { cases: { '@keywords': 'keyword', '@default': 'string.unquoted' } }],
      [/[{}[\]]/, '@brackets'],
      [/\+=|[:=,]/, 'delimiter'],
      [/[^\s#,{}[\]"$]+/, 'string.unquoted']
    ],
    string: [
      [/[^"\\]+/, 'string'],
      [/\\./, 'string.escape'],
      [/"/, 'string', '@pop']
    ],
    tripleString: [
      [/"""(?!")/, 'string', '@pop'],
      [/[^"]+|"/, 'string']
    ]
  }
}

const jsonTokens: monaco.languages.IMonarchLanguage = {
  defaultToken: 'invalid',
  tokenPostfix: '.json',
  tokenizer: {
    root: [
      [/\s+/, 'white'],
      [/\/\/.*$/, 'comment'],
      [/"(?:[^"\\]|\\.)*"(?=\s*:)/, 'key'],
      [/"/, 'string', '@string'],
      [/-?\d+(\.\d+)?([eE][+-]?\d+)?/, 'number'],
      [/\b(true|false|null)\b/, 'keyword'],
      [/[{}[\]]/, '@brackets'],
      [/[:,]/, 'delimiter']
    ],
    string: [
      [/[^"\\]+/, 'string'],
      [/\\./, 'string.escape'],
      [/"/, 'string', '@pop']
    ]
  }
}

const braces: monaco.languages.LanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [
    ['{', '}'],
    ['[', ']']
  ],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '"', close: '"', notIn: ['string'] }
  ],
  surroundingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '"', close: '"' }
  ],
  indentationRules: { increaseIndentPattern: /[{[]\s*$/, decreaseIndentPattern: /^\s*[}\]]/ }
}

/** Diagnostics (with their fixes) currently shown for each model, for the quick-fix provider. */
const shown = new Map<string, Diagnostic[]>()

function sameRange(m: monaco.editor.IMarkerData, d: Diagnostic): boolean {
  return m.startLineNumber === d.line && m.startColumn === d.column && m.endLineNumber === d.endLine && m.endColumn === d.endColumn
}

let ready = false
/** Registers languages, themes, the worker factory and the quick-fix provider once. */
export function setupMonaco(): typeof monaco {
  if (ready) return monaco
  ready = true
  self.MonacoEnvironment = { getWorker: () => new EditorWorker() }

  monaco.languages.register({ id: 'hocon', extensions: ['.conf', '.hocon'], aliases: ['HOCON'] })
  monaco.languages.setMonarchTokensProvider('hocon', hoconTokens)
  monaco.languages.setLanguageConfiguration('hocon', braces)
  monaco.languages.register({ id: 'json', extensions: ['.json'], aliases: ['JSON'] })
  monaco.languages.setMonarchTokensProvider('json', jsonTokens)
  monaco.languages.setLanguageConfiguration('json', { ...braces, comments: {} })

  monaco.editor.defineTheme('console-light', {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'key', foreground: '0b6e66' },
      { token: 'type', foreground: '0b6e66' },
      { token: 'string.unquoted', foreground: '795e26' },
      { token: 'variable', foreground: 'af00db' }
    ],
    colors: { 'editor.background': '#ffffff', 'editorGutter.background': '#fafafa' }
  })
  monaco.editor.defineTheme('console-dark', {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: 'key', foreground: '6cc7be' },
      { token: 'type', foreground: '6cc7be' },
      { token: 'string.unquoted', foreground: 'dcdcaa' },
      { token: 'variable', foreground: 'c586c0' }
    ],
    colors: { 'editor.background': '#18181c', 'editorGutter.background': '#1b1b20' }
  })

  const provider: monaco.languages.CodeActionProvider = {
    provideCodeActions(model, _range, context) {
      const diags = shown.get(model.uri.toString()) ?? []
      const actions: monaco.languages.CodeAction[] = []
      for (const marker of context.markers) {
        const d = diags.find((x) => x.fix && sameRange(marker, x) && x.message === marker.message)
        if (!d?.fix) continue
        actions.push({
          title: d.fix.title,
          kind: 'quickfix',
          diagnostics: [marker],
          isPreferred: true,
          edit: {
            edits: [
              {
                resource: model.uri,
                versionId: model.getVersionId(),
                textEdit: { range: new monaco.Range(d.line, d.column, d.endLine, d.endColumn), text: d.fix.replacement }
              }
            ]
          }
        })
      }
      return { actions, dispose() {} }
    }
  }
  for (const lang of Object.values(LANGUAGE)) {
    monaco.languages.registerCodeActionProvider(lang, provider, { providedCodeActionKinds: ['quickfix'] })
  }

  // Hovers (description, type, default of a key) and key completion from the clearml.conf key tree.
  registerConfigAssist(monaco)
  // Every editor: suggestions come from the key tree only (no words picked from the text), and pop up while
  // a key is typed (the HOCON tokenizer marks a bare word as an unquoted string until its ':' follows).
  monaco.editor.onDidCreateEditor((editor) => {
    ;(editor as monaco.editor.IStandaloneCodeEditor).updateOptions({
      wordBasedSuggestions: 'off',
      quickSuggestions: { other: 'on', strings: 'on', comments: 'off' }
    })
  })
  return monaco
}

/** Show diagnostics as markers (hover shows the message; fixes become quick fixes). */
export function showDiagnostics(model: monaco.editor.ITextModel, diagnostics: Diagnostic[]): void {
  shown.set(model.uri.toString(), diagnostics)
  monaco.editor.setModelMarkers(
    model,
    MARKER_OWNER,
    diagnostics.map((d) => ({
      severity: SEVERITY[d.severity],
      message: d.message,
      code: d.code,
      source: 'ClearML config',
      startLineNumber: d.line,
      startColumn: d.column,
      endLineNumber: d.endLine,
      endColumn: d.endColumn
    }))
  )
}

export function forgetModel(model: monaco.editor.ITextModel): void {
  shown.delete(model.uri.toString())
  monaco.editor.setModelMarkers(model, MARKER_OWNER, [])
}
