// A table whose rows live on the core's side: it asks for one page at a time (search, order, page, page
// size), so a 50,000-row list never sits in a store array. Loading, error, offline ("cached as of …") and
// empty states come from here; RemoteTable.vue renders them on Naive UI's remote, virtual-scrolling table.
import { computed, reactive, watch } from 'vue'
import type { ListQuery, Page, Topic } from '@shared/api'
import { onTopics, useLoader } from './loader'

export interface RemoteTableOptions<Row, K extends string> {
  fetchPage: (q: ListQuery<K>) => Promise<Page<Row>>
  orderBy: K
  descending?: boolean
  pageSize?: number
  /** Reload when the core announces changes on these topics. */
  topics?: readonly Topic[]
  /** Milliseconds to wait after the last keystroke before searching. */
  searchDelayMs?: number
}

export function useRemoteTable<Row, K extends string>(opts: RemoteTableOptions<Row, K>) {
  const query = reactive({
    search: '',
    orderBy: opts.orderBy,
    descending: opts.descending ?? false,
    page: 0,
    pageSize: opts.pageSize ?? 100
  }) as ListQuery<K>
  const loader = useLoader(() => opts.fetchPage({ ...query }))
  let searchTimer: ReturnType<typeof setTimeout> | undefined

  const rows = computed<Row[]>(() => loader.data.value?.items ?? [])
  const total = computed(() => loader.data.value?.total ?? 0)
  const source = computed(() => loader.data.value?.source ?? null)
  const fetchedAt = computed(() => loader.data.value?.fetchedAt ?? null)
  /** Nothing at all to show, and nothing searched for: the screen's own empty state. */
  const empty = computed(() => !!loader.data.value && total.value === 0 && !query.search.trim())
  const noMatch = computed(() => !!loader.data.value && total.value === 0 && !!query.search.trim())

  function reload(): Promise<boolean> {
    return loader.load()
  }
  function setSearch(v: string): void {
    query.search = v
    clearTimeout(searchTimer)
    searchTimer = setTimeout(() => {
      query.page = 0
      void reload()
    }, opts.searchDelayMs ?? 200)
  }
  function setPage(page: number): void {
    query.page = Math.max(0, page)
    void reload()
  }
  function setPageSize(size: number): void {
    query.pageSize = size
    query.page = 0
    void reload()
  }
  /** Sort by a column key (the contract refuses keys it cannot sort by), or back to the default order. */
  function setOrder(key: string | null, descending: boolean): void {
    query.orderBy = (key as K | null) ?? opts.orderBy
    query.descending = key ? descending : (opts.descending ?? false)
    query.page = 0
    void reload()
  }
  // The page vanished (rows deleted elsewhere): step back to the last page that exists.
  watch(total, (t) => {
    const last = Math.max(0, Math.ceil(t / query.pageSize) - 1)
    if (query.page > last) setPage(last)
  })
  if (opts.topics?.length) onTopics(opts.topics, () => void reload())

  return {
    query,
    rows,
    total,
    source,
    fetchedAt,
    empty,
    noMatch,
    loading: loader.loading,
    error: loader.error,
    loaded: computed(() => !!loader.data.value),
    reload,
    setSearch,
    setPage,
    setPageSize,
    setOrder
  }
}
export type RemoteTable<Row, K extends string = string> = ReturnType<typeof useRemoteTable<Row, K>>
