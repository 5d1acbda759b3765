import { z } from 'zod'
import { stringList } from './endpoint'
import { errors } from './errors'
import { PatternError, compilePattern } from './pattern'

/**
 * Shared list handling for the `*.get_all_ex` style endpoints: the `name` pattern (a Python regex matched with search
 * semantics by the linear-time matcher of pattern.ts), `order_by` (`-` = descending; dotted paths), paging
 * (`page`/`page_size`, or `size` with `scroll_id`) and `only_fields` (dotted paths keep nested fields; `id` is always
 * kept).
 */

type Json = Record<string, unknown>

export const pageFields = {
  only_fields: stringList.optional(), order_by: stringList.optional(),
  page: z.number().int().min(0).optional(), page_size: z.number().int().min(1).optional()
}
export const scrollFields = {
  size: z.number().int().min(1).optional(), scroll_id: z.string().max(200).optional(), refresh_scroll: z.boolean().optional()
}

/** A matcher for a `name` pattern; 400/12 for a pattern the matcher refuses. An empty or absent pattern matches all. */
export function namePattern(pattern: string | undefined): (s: string) => boolean {
  if (!pattern) return () => true
  try {
    return compilePattern(pattern)
  } catch (e) {
    if (e instanceof PatternError) throw errors.validation(`invalid name pattern: ${e.message}`, e.position === undefined ? {} : { position: e.position })
    throw e
  }
}

/** A value at a dotted path (own properties only). */
export function valueAt(o: unknown, path: string): unknown {
  let cur = o
  for (const seg of path.split('.')) {
    if (!cur || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined
    cur = (cur as Json)[seg]
  }
  return cur
}

/** One collator for every comparison: String.prototype.localeCompare builds one per call, far too slow for 50,000 rows. */
const collator = new Intl.Collator()

export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === undefined || a === null) return -1
  if (b === undefined || b === null) return 1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  return collator.compare(String(a), String(b))
}

/** Sorts in place by the `order_by` keys (first key first); stable, so equal items keep their order. */
export function sortItems<T>(items: T[], orderBy: readonly string[] | undefined, get: (item: T, key: string) => unknown = valueAt): T[] {
  const keys = (orderBy ?? []).filter(Boolean).map((f) => ({ desc: f.startsWith('-'), key: f.replace(/^[-+]/, '') }))
  if (!keys.length) return items
  return items.sort((a, b) => {
    for (const { desc, key } of keys) {
      const c = compareValues(get(a, key), get(b, key))
      if (c) return desc ? -c : c
    }
    return 0
  })
}

export function pageItems<T>(items: T[], page: number | undefined, pageSize: number | undefined): T[] {
  if (pageSize === undefined) return items
  return items.slice((page ?? 0) * pageSize, ((page ?? 0) + 1) * pageSize)
}

/**
 * Scrolling (`size`, `scroll_id`, `refresh_scroll`): the scroll id is an opaque token holding the next offset. Without
 * `size` the page/page_size paging applies; the answer's `scroll_id` then points after the returned items.
 */
export function scrollItems<T>(items: T[], req: { page?: number; page_size?: number; size?: number; scroll_id?: string; refresh_scroll?: boolean }): { items: T[]; scroll_id: string } {
  if (req.size !== undefined) {
    let offset = 0
    if (req.scroll_id && !req.refresh_scroll) {
      const m = /^o(\d{1,9})$/.exec(req.scroll_id)
      if (!m) throw errors.validation(`error for field 'scroll_id'. Unknown scroll id`)
      offset = Number(m[1])
    }
    const slice = items.slice(offset, offset + req.size)
    return { items: slice, scroll_id: `o${offset + slice.length}` }
  }
  const slice = pageItems(items, req.page, req.page_size)
  const start = req.page_size === undefined ? 0 : (req.page ?? 0) * req.page_size
  return { items: slice, scroll_id: `o${start + slice.length}` }
}

/** Keeps `id` and the named (possibly dotted) fields; `a.b` also keeps `a.id` (a reference keeps its id, as on ClearML). */
export function onlyFields(item: Json, fields: readonly string[] | undefined): Json {
  if (!fields?.length) return item
  const out: Json = {}
  const withIds = fields.flatMap((f) => (f.includes('.') ? [`${f.split('.')[0]}.id`, f] : [f]))
  for (const f of ['id', ...withIds]) {
    const segs = f.split('.')
    if (!Object.hasOwn(item, segs[0])) continue
    if (segs.length === 1) {
      out[segs[0]] = item[segs[0]]
      continue
    }
    const value = valueAt(item, f)
    if (value === undefined) continue
    let cur = out
    for (const seg of segs.slice(0, -1)) {
      const next = Object.hasOwn(cur, seg) ? cur[seg] : undefined
      if (!next || typeof next !== 'object') cur[seg] = {}
      cur = cur[seg] as Json
    }
    cur[segs[segs.length - 1]] = value
  }
  return out
}
