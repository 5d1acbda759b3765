// A SourceMap that the parser fills cheaply (numbers in typed arrays, no key strings) and that builds its
// Map entries the first time anyone iterates, counts or changes it; get/has before that walk a path index
// (one small map per object) instead of building a key string per record (tens of thousands in a big vault).
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

/** The segments of a path key as pathKey writes them (quoted ones keep their quotes). */
function splitKey(k: string): string[] {
  const out: string[] = []
  const n = k.length
  let i = 0
  while (i <= n) {
    let j = i
    if (k.charCodeAt(i) === 34) {
      j = i + 1
      while (j < n && k.charCodeAt(j) !== 34) j += k.charCodeAt(j) === 92 ? 2 : 1
      j++
    } else while (j < n && k.charCodeAt(j) !== 46) j++
    out.push(k.slice(i, j))
    if (j < n && k.charCodeAt(j) !== 46) return [] // not a path key
    i = j + 1
  }
  return out
}

/** Path nodes of the records: node 0 is the root; each record's node, each node's children, its last record. */
interface PathIndex {
  count: number
  nodeOf: Int32Array
  children: (Map<string, number> | undefined)[]
  last: number[]
}

export class LazySourceMap extends Map<string, SourceMapEntry> {
  private parents = new Int32Array(256)
  private segs: (string | number)[] = []
  /** 8 numbers per record: key line, column, endLine, endColumn, then the same for the value (line 0: none). */
  private nums = new Int32Array(256 * 8)
  private count = 0
  private built = 0
  /** Set once the Map entries exist (someone iterated, counted or changed the map): then reads use them. */
  private materialized = false
  /** For get/has before that: records found by walking path nodes, no key strings built. */
  private index: PathIndex | undefined
  /** Entries get() handed out before the Map was built (reused by the build, so an entry keeps its identity). */
  private handed: Map<number, SourceMapEntry> | undefined
  /**
   * Values that substitutions put into the document: their key paths have no record of their own, so
   * each is mapped to its nearest mapped ancestor (e.g. the field holding the \${...}).
   */
  fillFrom: { path: (string | number)[]; value: ConfigValue }[] | undefined = undefined

  /** Reserves a record for seg under parent (-1 = root); returns its index. */
  add(parent: number, seg: string | number): number {
    const i = this.count
    if (i === this.parents.length) {
      const p = new Int32Array(i * 2)
      p.set(this.parents)
      this.parents = p
      const n = new Int32Array(i * 16)
      n.set(this.nums)
      this.nums = n
    }
    this.parents[i] = parent
    this.segs.push(seg)
    this.count = i + 1
    return i
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

  /** Forgets record i (an array element that turned out not to be one while recovering from an error). */
  drop(i: number): void {
    this.nums[i * 8] = 0
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

  private entry(i: number): SourceMapEntry {
    const n = this.nums
    const o = i * 8
    return {
      key: { line: n[o], column: n[o + 1], endLine: n[o + 2], endColumn: n[o + 3] },
      value: { line: n[o + 4], column: n[o + 5], endLine: n[o + 6], endColumn: n[o + 7] }
    }
  }

  /** The last positioned record of a path key, or -1 (from the path index, built on first use). */
  private lookup(k: string): number {
    let idx = this.index
    if (idx === undefined || idx.count !== this.count) {
      const count = this.count
      const nodeOf = new Int32Array(count)
      const children: (Map<string, number> | undefined)[] = [undefined]
      const last: number[] = [-1]
      for (let i = 0; i < count; i++) {
        const p = this.parents[i]
        const pn = p < 0 ? 0 : nodeOf[p]
        const q = quote(this.segs[i])
        let m = children[pn]
        if (m === undefined) children[pn] = m = new Map()
        let node = m.get(q)
        if (node === undefined) {
          node = last.length
          last.push(-1)
          children.push(undefined)
          m.set(q, node)
        }
        nodeOf[i] = node
        if (this.nums[i * 8] !== 0) last[node] = i
      }
      idx = this.index = { count, nodeOf, children, last }
    }
    let node = 0
    for (const q of splitKey(k)) {
      const next = idx.children[node]?.get(q)
      if (next === undefined) return -1
      node = next
    }
    return node === 0 ? -1 : idx.last[node]
  }

  private build(): void {
    this.materialized = true
    this.index = undefined
    const count = this.count
    if (this.built === count && this.fillFrom === undefined) return
    const keys: string[] = new Array(count)
    const n = this.nums
    const handed = this.handed
    let value: Range | undefined
    for (let i = 0; i < count; i++) {
      const p = this.parents[i]
      const q = quote(this.segs[i])
      keys[i] = p < 0 ? q : keys[p] + '.' + q
      if (i < this.built) continue
      const o = i * 8
      // a record without a position: its item failed to parse (or was dropped) before it got one
      if (n[o] === 0) continue
      const given = handed?.get(i)
      if (given !== undefined) {
        super.set(keys[i], given)
        continue
      }
      // the prefixes of a path key share their field's value range
      if (value === undefined || value.line !== n[o + 4] || value.column !== n[o + 5] || value.endLine !== n[o + 6] || value.endColumn !== n[o + 7]) {
        value = { line: n[o + 4], column: n[o + 5], endLine: n[o + 6], endColumn: n[o + 7] }
      }
      super.set(keys[i], { key: { line: n[o], column: n[o + 1], endLine: n[o + 2], endColumn: n[o + 3] }, value })
    }
    this.built = count
    this.handed = undefined
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
    if (!this.materialized) {
      // Lint and hovers read a few keys of a big map: walk the path index instead of building every key.
      const i = this.lookup(k)
      if (i >= 0) {
        this.handed ??= new Map()
        let e = this.handed.get(i)
        if (e === undefined) this.handed.set(i, (e = this.entry(i)))
        return e
      }
      if (this.fillFrom === undefined) return undefined
    }
    this.build()
    return super.get(k)
  }
  override has(k: string): boolean {
    if (!this.materialized && this.fillFrom === undefined) return this.lookup(k) >= 0
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
