// Offset <-> line/column helpers shared by the format parsers and linters. Pure TypeScript.
import type { Range } from './types.ts'

/** Maps 0-based string offsets to 1-based line/column (columns count UTF-16 code units). */
export class LineIndex {
  private readonly starts: number[] = [0]
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === 10) this.starts.push(i + 1)
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1)
    }
  }

  get lineCount(): number {
    return this.starts.length
  }

  /** 1-based line and column of a 0-based offset. */
  position(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length))
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid] <= o) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: o - this.starts[lo] + 1 }
  }

  /** 0-based offset of a 1-based line/column. */
  offset(line: number, column: number): number {
    const l = Math.max(1, Math.min(line, this.starts.length))
    return Math.min(this.text.length, this.starts[l - 1] + Math.max(0, column - 1))
  }

  range(start: number, end: number): Range {
    const a = this.position(start)
    const b = this.position(Math.max(start, end))
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column }
  }

  /** Text of a 1-based line, without its line terminator. */
  lineText(line: number): string {
    const s = this.starts[line - 1]
    if (s === undefined) return ''
    const e = line < this.starts.length ? this.starts[line] : this.text.length
    return this.text.slice(s, e).replace(/\r?\n$|\r$/, '')
  }
}

/** Assigns an own property even for '__proto__', so parsed data never touches prototypes. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  else obj[key] = value
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
