// The one list query of the contract: every table screen pages, sorts and searches on the core's side.
import { z } from 'zod'

export const MAX_PAGE_SIZE = 1000

export function listQuery<K extends string>(orderKeys: readonly [K, ...K[]], defaultOrder: K) {
  return z
    .object({
      search: z.string().max(200, 'Search must be at most 200 characters').default(''),
      orderBy: z.enum(orderKeys).default(defaultOrder),
      descending: z.boolean().default(false),
      /** 0-based. */
      page: z.number().int().min(0).max(1_000_000).default(0),
      pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(100)
    })
    .strict()
}
export type ListQuery<K extends string = string> = {
  search: string
  orderBy: K
  descending: boolean
  page: number
  pageSize: number
}

/** One page of a list. `source`/`fetchedAt` say whether it came from the server or the local cache, and when. */
export interface Page<T> {
  items: T[]
  total: number
  source: 'server' | 'cache' | 'local'
  fetchedAt: number
}

/** Search, sort and page a list held in memory (small local lists; server lists page on the server). */
export function pageOf<T>(all: readonly T[], q: ListQuery, fields: { search: (t: T) => string[]; order: (t: T, key: string) => string | number }): { items: T[]; total: number } {
  const needle = q.search.trim().toLowerCase()
  const hits = needle ? all.filter((t) => fields.search(t).some((f) => f.toLowerCase().includes(needle))) : [...all]
  hits.sort((a, b) => {
    const x = fields.order(a, q.orderBy)
    const y = fields.order(b, q.orderBy)
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { sensitivity: 'base', numeric: true })
    return q.descending ? -c : c
  })
  return { items: hits.slice(q.page * q.pageSize, (q.page + 1) * q.pageSize), total: hits.length }
}
