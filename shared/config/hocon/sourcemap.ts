// A SourceMap that the parser fills cheaply (numbers in flat arrays, no key strings) and that
// builds its Map entries the first time anyone reads it through a Map method.
// Caveat: structuredClone / postMessage / Electron IPC copy a Map's entries without calling its methods,
// so an unread map would arrive empty: read it first (e.g. send `new Map(result.sourceMap)`).

import type { ConfigValue, Range, SourceMapEntry } from '../types'

/** A path segment as pathKey writes it: bare when it is non-empty [A-Za-z0-9_-]+, else JSON-quoted. */
function quote(seg: string | number): string {
  if (typeof seg === 'number') return String(seg)
  const n = seg.length
  if (n === 0) return '""'
  for (let i = 0; i < n; i++) {
    const c = seg.charCodeAt(i)
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45)) return JSON.stringify(seg)
  }
  return seg
}

export class LazySourceMap extends Map<string, SourceMapEntry> {
  private parents: number[] = []
  private segs: (string | number)[] = []
  /** 8 numbers per record: key line, column, endLine, endColumn, then the same for the value. */
  private nums: number[] = []
  private built = 0
  /**
   * Values that substitutions put into the document: their key paths have no record of their own, so
   * each is mapped to its nearest mapped ancestor (e.g. the field holding the \${...}).
   */
  fillFrom: { path: (string | number)[]; value: ConfigValue }[] | undefined = undefined

  /** Reserves a record for seg under parent (-1 = root); returns its index. */
  add(parent: number, seg: string | number): number {
    this.parents.push(parent)
    this.segs.push(seg)
    this.nums.push(0, 0, 0, 0, 0, 0, 0, 0)
    return this.parents.length - 1
  }

  setRanges(i: number, kl: number, kc: number, kel: number, kec: number, vl: number, vc: number, vel: number, vec: number): void {
    const n = this.nums
    const o = i * 8
    n[o] = kl
    n[o + 1] = kc
    n[o + 2] = kel
    n[o + 3] = kec
    n[o + 4] = vl
    n[o + 5] = vc
    n[o + 6] = vel
    n[o + 7] = vec
  }

  setRange(i: number, k: Range, v: Range): void {
    this.setRanges(i, k.line, k.column, k.endLine, k.endColumn, v.line, v.column, v.endLine, v.endColumn)
  }

  /** The path key of record i (see pathKey). */
  keyOf(i: number): string {
    const parts: string[] = []
    for (let j = i; j >= 0; j = this.parents[j]) parts.push(quote(this.segs[j]))
    return parts.reverse().join('.')
  }

  private build(): void {
    const count = this.parents.length
    if (this.built === count) return
    const keys: string[] = new Array(count)
    const n = this.nums
    let value: Range | undefined
    for (let i = 0; i < count; i++) {
      const p = this.parents[i]
      const q = quote(this.segs[i])
      keys[i] = p < 0 ? q : keys[p] + '.' + q
      if (i < this.built) continue
      const o = i * 8
      // the prefixes of a path key share their field's value range
      if (value === undefined || value.line !== n[o + 4] || value.column !== n[o + 5] || value.endLine !== n[o + 6] || value.endColumn !== n[o + 7]) {
        value = { line: n[o + 4], column: n[o + 5], endLine: n[o + 6], endColumn: n[o + 7] }
      }
      super.set(keys[i], { key: { line: n[o], column: n[o + 1], endLine: n[o + 2], endColumn: n[o + 3] }, value })
    }
    this.built = count
    if (this.fillFrom !== undefined) {
      const list = this.fillFrom
      this.fillFrom = undefined
      for (const { path, value } of list) {
        let key = ''
        let entry: SourceMapEntry | undefined
        for (const seg of path) {
          key = key === '' ? quote(seg) : key + '.' + quote(seg)
          entry = super.get(key) ?? entry
        }
        this.fill(value, key, entry)
      }
    }
  }

  private fill(v: ConfigValue, key: string, parent: SourceMapEntry | undefined): void {
    if (typeof v !== 'object' || v === null) return
    const isArray = Array.isArray(v)
    for (const k of Object.keys(v)) {
      const q = isArray ? k : quote(k)
      const ck = key === '' ? q : key + '.' + q
      let e = super.get(ck)
      if (e === undefined && parent !== undefined) {
        e = parent
        super.set(ck, e)
      }
      this.fill((v as Record<string, ConfigValue>)[k], ck, e)
    }
  }

  override get(k: string): SourceMapEntry | undefined {
    this.build()
    return super.get(k)
  }
  override has(k: string): boolean {
    this.build()
    return super.has(k)
  }
  override set(k: string, v: SourceMapEntry): this {
    this.build()
    return super.set(k, v)
  }
  override delete(k: string): boolean {
    this.build()
    return super.delete(k)
  }
  override clear(): void {
    this.build()
    super.clear()
  }
  override get size(): number {
    this.build()
    return super.size
  }
  override forEach(cb: (value: SourceMapEntry, key: string, map: Map<string, SourceMapEntry>) => void, thisArg?: unknown): void {
    this.build()
    super.forEach(cb, thisArg)
  }
  override keys(): MapIterator<string> {
    this.build()
    return super.keys()
  }
  override values(): MapIterator<SourceMapEntry> {
    this.build()
    return super.values()
  }
  override entries(): MapIterator<[string, SourceMapEntry]> {
    this.build()
    return super.entries()
  }
  override [Symbol.iterator](): MapIterator<[string, SourceMapEntry]> {
    this.build()
    return super.entries()
  }
}
