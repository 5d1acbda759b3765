// Merging configuration layers the way the ClearML SDK and agent do (clearml-api.md §3.2): pyhocon
// merge_configs — objects merge deeply, scalars and lists replace, later layers win — and, for the agent,
// the six keys it restores from its own (pre-vault) configuration.
import type { ConfigValue } from './types.ts'
import { pathKey } from './types.ts'
import { AGENT_RESTORED_KEYS } from './clearml-schema.ts'
import { isPlainObject, setOwn } from './text.ts'

export interface MergeLayer {
  name: string
  value: ConfigValue
}

export interface MergeResult {
  value: ConfigValue
  /** Leaf path (pathKey) -> name of the layer that set it ('base' for the base). Lists and empty objects are leaves. */
  provenance: Map<string, string>
}

type Obj = { [k: string]: ConfigValue }

function clone(v: ConfigValue): ConfigValue {
  if (Array.isArray(v)) return v.map(clone)
  if (isPlainObject(v)) {
    const o: Obj = {}
    for (const [k, x] of Object.entries(v)) setOwn(o, k, clone(x))
    return o
  }
  return v
}

function recordLeaves(v: ConfigValue, segs: string[], name: string, prov: Map<string, string>): void {
  if (isPlainObject(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) recordLeaves(x, [...segs, k], name, prov)
  } else if (segs.length > 0) prov.set(pathKey(segs), name)
}

function dropUnder(segs: string[], prov: Map<string, string>): void {
  const key = pathKey(segs)
  for (const k of [...prov.keys()]) if (k === key || k.startsWith(key + '.')) prov.delete(k)
}

function mergeInto(target: Obj, src: Obj, segs: string[], name: string, prov: Map<string, string>): void {
  for (const [k, v] of Object.entries(src)) {
    const here = [...segs, k]
    const cur = Object.prototype.hasOwnProperty.call(target, k) ? target[k] : undefined
    if (isPlainObject(cur) && isPlainObject(v)) {
      if (Object.keys(cur).length === 0) dropUnder(here, prov) // was an empty-object leaf
      mergeInto(cur, v, here, name, prov)
      if (Object.keys(cur).length === 0) prov.set(pathKey(here), name)
    } else {
      dropUnder(here, prov)
      setOwn(target, k, clone(v))
      recordLeaves(v, here, name, prov)
    }
  }
}

function getPath(v: ConfigValue, segs: string[]): ConfigValue | undefined {
  let cur: ConfigValue | undefined = v
  for (const s of segs) {
    if (!isPlainObject(cur) || !Object.prototype.hasOwnProperty.call(cur, s)) return undefined
    cur = cur[s]
  }
  return cur
}

export function mergeLayers(
  base: ConfigValue,
  layers: ReadonlyArray<MergeLayer>,
  opts: { restoreAgentKeys?: boolean } = {}
): MergeResult {
  const provenance = new Map<string, string>()
  let value = clone(base)
  recordLeaves(value, [], 'base', provenance)
  for (const layer of layers) {
    if (isPlainObject(value) && isPlainObject(layer.value)) mergeInto(value, layer.value, [], layer.name, provenance)
    else {
      // a non-object layer replaces everything (pyhocon would reject it; keep the semantics total)
      provenance.clear()
      value = clone(layer.value)
      recordLeaves(value, [], layer.name, provenance)
    }
  }
  if (opts.restoreAgentKeys && isPlainObject(value)) {
    for (const full of AGENT_RESTORED_KEYS) {
      const segs = full.split('.')
      const own = getPath(base, segs)
      const agent = getPath(value, segs.slice(0, -1))
      const leaf = segs[segs.length - 1]
      if (own !== undefined) {
        let parent = value as Obj
        for (const s of segs.slice(0, -1)) {
          if (!isPlainObject(parent[s])) setOwn(parent, s, {})
          parent = parent[s] as Obj
        }
        dropUnder(segs, provenance)
        setOwn(parent, leaf, clone(own))
        recordLeaves(own, segs, 'base', provenance)
      } else if (isPlainObject(agent) && Object.prototype.hasOwnProperty.call(agent, leaf)) {
        // the agent had no value of its own: what a vault set is dropped
        delete agent[leaf]
        dropUnder(segs, provenance)
      }
    }
  }
  return { value, provenance }
}
