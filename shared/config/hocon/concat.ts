// Joining the pieces of a value concatenation (HOCON.md "Value concatenation"), shared by the
// parser (pieces without substitutions) and the resolver (after substitution).

import { Special, Ws, isObject, mergeObjects, type V } from './nodes'

/** A failure with a message; the caller attaches the position. */
export class ConcatError {
  constructor(readonly message: string) {}
}

function kindName(k: number): string {
  return k === 2 ? 'an object' : k === 3 ? 'an array' : 'a string'
}

/**
 * Joins resolved pieces (no Specials other than Ws; undefined optional substitutions already removed).
 * Returns undefined when nothing but whitespace is left.
 */
export function joinParts(parts: V[]): V | undefined {
  let kind = 0
  let count = 0
  let single: V | undefined
  for (const p of parts) {
    if (p instanceof Ws) continue
    const k = isObject(p) ? 2 : Array.isArray(p) ? 3 : 1
    if (kind === 0) kind = k
    else if (kind !== k) {
      throw new ConcatError(
        `cannot concatenate ${kindName(kind)} with ${kindName(k)}: objects and arrays only concatenate with their own kind`
      )
    }
    count++
    single = p
  }
  if (count === 0) return undefined
  if (kind === 2) {
    let acc: { [key: string]: V } | undefined
    for (const p of parts) {
      if (p instanceof Ws) continue
      const o = p as { [key: string]: V }
      acc = acc === undefined ? o : mergeObjects(o, acc)
    }
    return acc
  }
  if (kind === 3) {
    const out: V[] = []
    for (const p of parts) if (!(p instanceof Ws)) for (const e of p as V[]) out.push(e)
    return out
  }
  if (count === 1 && parts.length === 1) return single
  let s = ''
  for (const p of parts) {
    if (p instanceof Ws) s += p.text
    else if (typeof p === 'string') s += p
    else if (p === null) s += 'null'
    else if (!(p instanceof Special)) s += String(p)
  }
  return s
}
