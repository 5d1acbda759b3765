// Internal value model of the HOCON parser. Resolved values are plain JSON-like values
// (objects are plain objects, arrays are arrays); anything still waiting for substitution
// is an instance of a Special subclass, so `instanceof Special` tells the two apart.

import type { Range } from '../types'

/** A value during parsing: plain data, or a Special that resolution will replace. */
export type V = null | boolean | number | string | V[] | { [key: string]: V } | Special

/** Resolution state of a Special node. */
export const PENDING = 0
export const RESOLVING = 1
export const DONE = 2
export const FAILED = 3

export abstract class Special {
  state = PENDING
  result: V | undefined = undefined
}

/** Unquoted whitespace between two pieces of a value concatenation. */
export class Ws extends Special {
  constructor(readonly text: string) {
    super()
  }
}

/** `${path}` or `${?path}`. */
export class Subst extends Special {
  /** Path looked up from the root (already fixed up with the include prefix). */
  path: string[]
  /** Unprefixed path of a substitution that came from an included file, tried second. */
  fallback: string[] | undefined = undefined
  /** Self-referential substitution: look `rest` up in `base` (the field's previous value) instead of the root. */
  selfRef = false
  base: V | undefined = undefined
  rest: string[] = []
  constructor(
    path: string[],
    readonly optional: boolean,
    readonly text: string,
    readonly range: Range
  ) {
    super()
    this.path = path
  }
}

/** Value concatenation that holds at least one substitution. */
export class Concat extends Special {
  constructor(
    readonly parts: V[],
    readonly range: Range
  ) {
    super()
  }
}

/** Duplicate definitions of one field where some are unresolved; stack[0] has the highest priority. */
export class Merge extends Special {
  /** Index of the layer being resolved (while state is RESOLVING). */
  active = 0
  private lower: (Merge | undefined)[] | undefined
  constructor(readonly stack: V[]) {
    super()
  }
  /** The merge of the layers from index k down (cached), or undefined when there are none. */
  below(k: number): Merge | undefined {
    if (k >= this.stack.length) return undefined
    this.lower ??= []
    return (this.lower[k] ??= new Merge(this.stack.slice(k)))
  }
}

export function isObject(v: unknown): v is { [key: string]: V } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Special)
}

const hasOwn = Object.prototype.hasOwnProperty

/** Own property of a plain object (never one inherited from Object.prototype). */
export function own(obj: { [key: string]: V }, key: string): V | undefined {
  const v = obj[key]
  if (v === undefined || hasOwn.call(obj, key)) return v
  return undefined
}

export function setOwn(obj: { [key: string]: V }, key: string, v: V): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true })
  else obj[key] = v
}

/** Copy of a plain object with the same own properties. */
export function copyObject(obj: { [key: string]: V }): { [key: string]: V } {
  const out: { [key: string]: V } = {}
  for (const k of Object.keys(obj)) setOwn(out, k, obj[k] as V)
  return out
}

/**
 * `top` merged over `bottom` without mutating either (objects merge key by key, anything else
 * in `top` wins). Children that are still unresolved become Merge nodes.
 */
export function mergeObjects(top: { [key: string]: V }, bottom: { [key: string]: V }): { [key: string]: V } {
  const out = copyObject(bottom)
  for (const k of Object.keys(top)) {
    const t = top[k] as V
    const b = own(out, k)
    setOwn(out, k, b === undefined ? t : mergeValues(t, b))
  }
  return out
}

/** `top` over `bottom` for two definitions of one field (not mutating). */
export function mergeValues(top: V, bottom: V): V {
  if (top instanceof Special) {
    return new Merge(bottom instanceof Merge ? [top, ...bottom.stack] : [top, bottom])
  }
  if (!isObject(top)) return top
  if (isObject(bottom)) return mergeObjects(top, bottom)
  if (bottom instanceof Special) return new Merge(bottom instanceof Merge ? [top, ...bottom.stack] : [top, bottom])
  return top
}
