// Text-level checks for places where pyhocon (the parser ClearML's SDK and agent use) reads HOCON text
// differently from the HOCON spec (and from this project's parser). The scan is aware of quoted strings,
// triple-quoted strings and comments, and reports each finding with a position and, where simple, a fix.
import type { Diagnostic } from './types.ts'
import { LineIndex } from './text.ts'

const VALID_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't', 'u'])
const UNQUOTED_STOP = new Set([' ', '\t', '\r', '\n', '{', '}', '[', ']', ',', ':', '=', '#', '"', '+'])
/** UNQUOTED_STOP by char code (all of it is ASCII), for the per-character loops. */
const STOP_CODE = new Uint8Array(128)
for (const ch of UNQUOTED_STOP) STOP_CODE[ch.charCodeAt(0)] = 1

export function pyhoconChecks(text: string, idx: LineIndex = new LineIndex(text)): Diagnostic[] {
  const out: Diagnostic[] = []
  const brackets: string[] = []
  // Last significant character outside strings/comments; '\n' after a line break.
  let lastSig = '\n'
  let pos = 0
  const n = text.length

  const inArray = (): boolean => brackets[brackets.length - 1] === '['
  const valuePosition = (): boolean => lastSig === ':' || lastSig === '=' || (inArray() && (lastSig === '[' || lastSig === ',' || lastSig === '\n'))

  while (pos < n) {
    const c = text[pos]
    if (c === '\n') {
      if (lastSig !== '{' && lastSig !== '[') lastSig = '\n'
      pos++
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
      pos++
      continue
    }
    if (c === '#' || (c === '/' && text[pos + 1] === '/')) {
      // URL written without quotes: `key: https://host` — spec: '//' starts a comment.
      if (c === '/') {
        const lineStart = text.lastIndexOf('\n', pos - 1) + 1
        const before = text.slice(lineStart, pos)
        const m = /(^|[\s:=[,])([A-Za-z][A-Za-z0-9+.-]*):$/.exec(before)
        if (m) {
          const start = pos - m[2].length - 1
          let end = pos
          while (end < n && !/[\s,}\]#"]/.test(text[end])) end++
          // pyhocon also keeps words after spaces up to a comment/line end, but a URL has no spaces: stop here.
          const url = text.slice(start, end)
          const r = idx.range(start, end)
          out.push({
            ...r,
            severity: 'warning',
            code: 'pyhocon.url-comment',
            message:
              `Unquoted URL '${url}': in HOCON '//' starts a comment, so the spec reads this value as '${m[2]}:' and rejects it; ` +
              `pyhocon (used by ClearML) happens to read the whole URL. Quote it so every parser agrees: "${url}"`,
            fix: { title: 'Quote the URL', replacement: JSON.stringify(url) }
          })
          pos = end
          lastSig = 'v'
          continue
        }
      }
      while (pos < n && text[pos] !== '\n') pos++
      continue
    }
    if (c === '"' && text.startsWith('"""', pos)) {
      const close = text.indexOf('"""', pos + 3)
      pos = close < 0 ? n : close + 3
      while (pos < n && text[pos] === '"') pos++
      lastSig = 'v'
      continue
    }
    if (c === '"') {
      pos++
      for (;;) {
        // plain characters first (the common case), then the quote, newline or backslash that stops them
        let d = text.charCodeAt(pos)
        while (d !== 34 && d !== 10 && d !== 92 && pos < n) d = text.charCodeAt(++pos)
        if (pos >= n || d !== 92) break
        {
          const e = text[pos + 1]
          if (e !== undefined && e !== '\n' && !VALID_ESCAPES.has(e)) {
            const r = idx.range(pos, pos + 2)
            out.push({
              ...r,
              severity: 'warning',
              code: 'pyhocon.invalid-escape',
              message:
                `'\\${e}' is not a valid escape: HOCON quoted strings follow JSON rules (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), so the spec rejects it, ` +
                `while pyhocon (used by ClearML) keeps it as '\\${e}'. Write '\\\\${e}' to mean a literal backslash in every parser.`,
              fix: { title: 'Escape the backslash', replacement: `\\\\${e}` }
            })
          }
          pos += 2
        }
      }
      pos++
      lastSig = 'v'
      continue
    }
    if (c === '{' || c === '[') {
      brackets.push(c)
      lastSig = c
      pos++
      continue
    }
    if (c === '}' || c === ']') {
      brackets.pop()
      lastSig = 'v'
      pos++
      continue
    }
    if (c === ':' || c === '=' || c === ',') {
      lastSig = c
      pos++
      continue
    }
    if (c === '+' && text[pos + 1] === '=') {
      lastSig = '='
      pos += 2
      continue
    }
    if (c === '$' && text[pos + 1] === '{') {
      const close = text.indexOf('}', pos)
      pos = close < 0 ? n : close + 1
      lastSig = 'v'
      continue
    }
    // unquoted token
    const start = pos
    while (pos < n) {
      const d = text.charCodeAt(pos)
      if (d < 128 && (STOP_CODE[d] === 1 || (d === 47 && text.charCodeAt(pos + 1) === 47) || (d === 36 && text.charCodeAt(pos + 1) === 123))) break
      pos++
    }
    if (pos === start) {
      pos++
      lastSig = 'v'
      continue
    }
    const len = pos - start
    const word = len === 4 || len === 5 ? text.slice(start, pos) : ''
    if (word !== '' && valuePosition() && /^(true|false|null)$/i.test(word) && word !== word.toLowerCase()) {
      // Only when the word is the whole value (pyhocon matches it as a caseless keyword).
      let k = pos
      while (k < n && (text[k] === ' ' || text[k] === '\t')) k++
      const next = text[k]
      const wholeValue = next === undefined || next === '\n' || next === '\r' || next === ',' || next === '}' || next === ']' || next === '#' || (next === '/' && text[k + 1] === '/')
      if (wholeValue) {
        const lower = word.toLowerCase()
        const r = idx.range(start, pos)
        out.push({
          ...r,
          severity: 'warning',
          code: 'pyhocon.capitalized-literal',
          message:
            `'${word}' is read by pyhocon (used by ClearML) as ${lower === 'null' ? 'null' : `the boolean ${lower}`}, but by the HOCON spec ` +
            `(and this console's parser) as the string "${word}". Write '${lower}' so every parser agrees.`,
          fix: { title: `Write ${lower}`, replacement: lower }
        })
      }
    }
    lastSig = 'v'
  }
  return out
}
