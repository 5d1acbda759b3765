// Substitution resolution: replaces every Special node of a parsed document by its value, in place.

import type { Diagnostic, Range } from '../types'
import { ConcatError, joinParts } from './concat'
import { Concat, DONE, FAILED, Merge, PENDING, RESOLVING, Special, Subst, Ws, isObject, mergeObjects, own, setOwn, type V } from './nodes'

const MAX_DEPTH = 1000

/** A resolution failure with a position. */
class ResolveError {
  constructor(
    readonly message: string,
    readonly range: Range | undefined,
    readonly cycle = false
  ) {}
}

/** A failure already reported (a node that failed before). */
const SILENT = new ResolveError('', undefined)

function pathText(path: readonly string[]): string {
  return path.map((s) => (/^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s))).join('.')
}

export class Resolver {
  private readonly substStack: Subst[] = []
  private readonly inProgress = new Set<object>()
  private readonly done = new Set<object>()
  private depth = 0
  /** Path of the top-level slot being resolved (for messages). */
  private readonly at: (string | number)[] = []
  /** Containers that substitutions put into the document, with their paths (for the source map). */
  readonly substituted: { path: (string | number)[]; value: V }[] = []

  constructor(
    private readonly root: { [key: string]: V },
    private readonly env: Record<string, string | undefined>,
    private readonly diagnostics: Diagnostic[]
  ) {}

  /** Resolves everything reachable from the root value, in place. */
  resolveAll(value: V): void {
    this.deep(value)
  }

  private report(e: ResolveError): void {
    if (e === SILENT) return
    const r = e.range ?? { line: 1, column: 1, endLine: 1, endColumn: 2 }
    this.diagnostics.push({
      severity: 'error',
      code: e.cycle ? 'hocon.cycle' : 'hocon.substitution',
      message: e.message,
      line: r.line,
      column: r.column,
      endLine: r.endLine,
      endColumn: r.endColumn
    })
  }

  /** Deeply resolves a container in place. */
  private deep(v: V): void {
    if (typeof v !== 'object' || v === null || v instanceof Special) return
    if (this.done.has(v)) return
    if (this.inProgress.has(v)) throw this.cycleError(this.substStack[this.substStack.length - 1])
    this.inProgress.add(v)
    const top = this.substStack.length === 0
    const at = this.at
    if (Array.isArray(v)) {
      let w = 0
      for (let i = 0; i < v.length; i++) {
        let e = v[i]
        if (top) at.push(i)
        if (e instanceof Special) {
          const r = top ? this.topSlot(e) : this.node(e)
          if (r === undefined) {
            if (top) at.pop()
            // a failed node stays in place, so that later references to it fail silently
            if (e.state === FAILED) v[w++] = e
            continue
          }
          e = r
        }
        v[w++] = e
        if (typeof e === 'object' && e !== null) this.deep(e)
        if (top) at.pop()
      }
      v.length = w
    } else {
      const obj = v as { [key: string]: V }
      for (const k of Object.keys(obj)) {
        let e = obj[k] as V
        if (top) at.push(k)
        if (e instanceof Special) {
          const r = top ? this.topSlot(e) : this.node(e)
          if (r !== undefined) setOwn(obj, k, r)
          else if (e.state !== FAILED) delete obj[k]
          e = r === undefined ? null : r
        }
        if (typeof e === 'object' && e !== null) this.deep(e)
        if (top) at.pop()
      }
    }
    this.inProgress.delete(v)
    this.done.add(v)
  }

  /** Top-level resolution of one node: failures become diagnostics (and the value is dropped). */
  private topSlot(n: Special): V | undefined {
    try {
      const r = this.node(n)
      if (typeof r === 'object' && r !== null) this.substituted.push({ path: this.at.slice(), value: r })
      return r
    } catch (e) {
      if (e instanceof ResolveError) {
        this.report(e)
        n.state = FAILED
        return undefined
      }
      throw e
    }
  }

  private cycleError(s: Subst | undefined): ResolveError {
    const chain = [pathText(this.at.map(String)), ...this.substStack.map((x) => pathText(x.path))]
    return new ResolveError(`cycle in substitutions: ${chain.join(' -> ')}`, s?.range, true)
  }

  /** Resolves obj[key] and stores the result there (deleting the key when undefined). */
  private slot(obj: { [key: string]: V }, key: string): V | undefined {
    const v = own(obj, key)
    if (!(v instanceof Special)) return v
    const r = this.node(v)
    if (r === undefined) delete obj[key]
    else setOwn(obj, key, r)
    return r
  }

  private value(v: V): V | undefined {
    return v instanceof Special ? this.node(v) : v
  }

  private node(n: Special): V | undefined {
    if (n.state === DONE) return n.result
    if (n.state === RESOLVING) {
      // looking a field up while one of its definitions is being resolved sees the definitions below it
      if (n instanceof Merge) {
        const lower = n.below(n.active + 1)
        return lower === undefined ? undefined : this.node(lower)
      }
      throw this.cycleError(this.substStack[this.substStack.length - 1])
    }
    if (n.state === FAILED) throw SILENT
    if (++this.depth > MAX_DEPTH) {
      this.depth--
      throw new ResolveError('substitutions nest too deeply', n instanceof Subst || n instanceof Concat ? n.range : undefined)
    }
    n.state = RESOLVING
    try {
      let r: V | undefined
      if (n instanceof Subst) r = this.subst(n)
      else if (n instanceof Concat) r = this.concat(n)
      else if (n instanceof Merge) r = this.merge(n)
      else r = undefined
      n.state = DONE
      n.result = r
      return r
    } catch (e) {
      n.state = e instanceof ResolveError && e.cycle ? PENDING : FAILED
      throw e
    } finally {
      this.depth--
    }
  }

  private subst(s: Subst): V | undefined {
    this.substStack.push(s)
    try {
      let v: V | undefined
      if (s.selfRef) v = s.base === undefined ? undefined : this.lookup(s.base, s.rest)
      else {
        v = this.lookup(this.root, s.path)
        if (v === undefined && s.fallback) v = this.lookup(this.root, s.fallback)
      }
      if (v === undefined) {
        const e = this.env[(s.fallback ?? s.path).join('.')]
        if (typeof e === 'string') v = e
      }
      if (v === undefined && !s.optional) {
        throw new ResolveError(
          s.selfRef
            ? `substitution ${s.text} is undefined (it refers to its own field, which has no earlier value)`
            : `substitution ${s.text} is undefined`,
          s.range
        )
      }
      return v
    } catch (e) {
      if (s.optional && e instanceof ResolveError && e.cycle) return undefined
      throw e
    } finally {
      this.substStack.pop()
    }
  }

  /** The fully resolved value at path below base, or undefined. */
  private lookup(base: V, path: readonly string[]): V | undefined {
    let cur = this.value(base)
    for (const seg of path) {
      if (!isObject(cur)) return undefined
      cur = own(cur, seg) instanceof Special ? this.slot(cur, seg) : own(cur, seg)
      if (cur === undefined) return undefined
    }
    if (cur !== undefined) this.deep(cur)
    return cur
  }

  private concat(c: Concat): V | undefined {
    const parts: V[] = []
    for (const p of c.parts) {
      if (p instanceof Ws) parts.push(p)
      else {
        const r = this.value(p)
        if (r !== undefined) parts.push(r)
      }
    }
    try {
      return joinParts(parts)
    } catch (e) {
      if (e instanceof ConcatError) throw new ResolveError(e.message, c.range)
      throw e
    }
  }

  private merge(m: Merge): V | undefined {
    let acc: { [key: string]: V } | undefined
    for (let i = 0; i < m.stack.length; i++) {
      m.active = i
      const v = this.value(m.stack[i])
      if (v === undefined) continue
      if (acc === undefined) {
        if (!isObject(v)) return v
        acc = v
      } else if (isObject(v)) acc = mergeObjects(acc, v)
      else break
    }
    return acc
  }
}
