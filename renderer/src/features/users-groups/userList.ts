// The Users table's rows, as a window onto the core's synced table: every row of the current search is reachable by
// scrolling (blocks of BLOCK rows are asked for as they come into view), and a new search or sort asks for its first
// block only. One search is on its way at a time and the latest wins: keys typed meanwhile are searched for when it
// answers, and an answer overtaken by newer keys is dropped, so each keystroke renders the table at most once and
// nothing flashes a loading state in between.
import { nextTick, onScopeDispose, reactive, ref, shallowRef } from 'vue'
import { ApiError, type Page } from '@shared/api'
import type { AdminUser, UserOrder } from '@shared/domain/admin-users'
import { api } from '../../api/client'
import { onTopics } from '../../composables/loader'

/** Rows per request. */
export const BLOCK = 100
/** A search still unanswered after this long shows the table as busy. */
const BUSY_AFTER_MS = 250

interface View {
  search: string
  orderBy: UserOrder
  descending: boolean
}
const keyOf = (v: View) => `${v.orderBy}:${v.descending ? 1 : 0}:${v.search.trim().toLowerCase()}`

export function useUserList() {
  /** What the administrator asked for (the search box, the sorted column). */
  const query = reactive<View>({
    search: '',
    orderBy: 'name',
    descending: false
  })
  /** The query whose rows are on screen. */
  const shown = shallowRef<View | null>(null)
  const total = ref(0)
  /** Loaded blocks of the shown query, by block number. */
  const blocks = shallowRef(new Map<number, AdminUser[]>())
  const source = ref<Page<AdminUser>['source'] | null>(null)
  const fetchedAt = ref<number | null>(null)
  const error = shallowRef<ApiError | null>(null)
  /** The first answer is still on its way (or a retry after an error with nothing shown). */
  const loading = ref(false)
  /** A newer search than the one shown has been on its way for a while. */
  const busy = ref(false)
  /** Rows in view (first, last), kept current by the table as it scrolls. */
  const range = { first: 0, last: 30 }
  /** Called when the rows of a new search or order replace the shown ones (the table scrolls to the top). */
  let onReplaced: () => void = () => {}

  let generation = 0
  let running = false
  let again = false
  let busyTimer: ReturnType<typeof setTimeout> | undefined
  const blocksLoading = new Set<number>()

  const fetchBlock = (v: View, b: number) =>
    api.invoke('admin.users', {
      search: v.search,
      orderBy: v.orderBy,
      descending: v.descending,
      page: b,
      pageSize: BLOCK
    })

  /** The blocks to ask for: the first for a new query, the ones in view for a refresh of the shown one. */
  function wantedBlocks(sameQuery: boolean): number[] {
    if (!sameQuery) return [0]
    const out: number[] = []
    for (let b = Math.floor(range.first / BLOCK); b <= Math.floor(range.last / BLOCK); b++) out.push(b)
    return out
  }

  /** Bring the rows on screen up to date with the query (one request at a time; the latest wins). */
  async function refresh(): Promise<void> {
    if (running) {
      again = true
      return
    }
    running = true
    again = false
    const v: View = { ...query }
    const same = !!shown.value && keyOf(shown.value) === keyOf(v)
    const mine = ++generation
    blocksLoading.clear()
    if (!shown.value) loading.value = true
    else if (!busyTimer && !same) busyTimer = setTimeout(() => (busy.value = true), BUSY_AFTER_MS)
    let pages: Array<[number, Page<AdminUser>]> | null = null
    let failure: ApiError | null = null
    try {
      const wanted = wantedBlocks(same)
      pages = await Promise.all(wanted.map(async (b) => [b, await fetchBlock(v, b)] as [number, Page<AdminUser>]))
    } catch (e) {
      failure = ApiError.from(e)
    }
    running = false
    if (again || mine !== generation) {
      // overtaken by newer keys (or a change announced meanwhile): ask again, show nothing of this answer
      void refresh()
      return
    }
    clearTimeout(busyTimer)
    busyTimer = undefined
    busy.value = false
    loading.value = false
    if (failure || !pages) {
      error.value = failure
      return
    }
    const last = pages[pages.length - 1][1]
    const next = new Map<number, AdminUser[]>()
    for (const [b, p] of pages) next.set(b, p.items)
    error.value = null
    total.value = last.total
    source.value = last.source
    fetchedAt.value = last.fetchedAt
    blocks.value = next
    shown.value = v
    if (!same) onReplaced()
    // For the benches: the table shows this search's rows (after the DOM update).
    void nextTick(() =>
      performance.mark('users-table:rows', {
        detail: { search: v.search, total: last.total }
      })
    )
  }

  /** The rows in view changed (scrolling): ask for the blocks not loaded yet. */
  function setRange(first: number, last: number): void {
    range.first = first
    range.last = last
    const v = shown.value
    if (!v || running) return
    const mine = generation
    for (let b = Math.floor(first / BLOCK); b <= Math.floor(last / BLOCK); b++) {
      if (blocks.value.has(b) || blocksLoading.has(b) || b * BLOCK >= total.value) continue
      blocksLoading.add(b)
      fetchBlock(v, b)
        .then((p) => {
          if (mine !== generation) return
          const next = new Map(blocks.value)
          next.set(b, p.items)
          blocks.value = next
          total.value = p.total
        })
        .catch((e: unknown) => {
          if (mine === generation) error.value = ApiError.from(e)
        })
        .finally(() => blocksLoading.delete(b))
    }
  }

  function setSearch(s: string): void {
    query.search = s
    void refresh()
  }
  /** Sort by a column; the sorted column again turns the order around. */
  function sortBy(key: UserOrder): void {
    query.descending = query.orderBy === key ? !query.descending : false
    query.orderBy = key
    void refresh()
  }
  /** The user at a row position of the shown query, or undefined while its block is on its way. */
  function rowAt(i: number): AdminUser | undefined {
    return blocks.value.get(Math.floor(i / BLOCK))?.[i % BLOCK]
  }

  onScopeDispose(onTopics(['users', 'groups'], () => void refresh()))
  onScopeDispose(() => clearTimeout(busyTimer))

  return {
    query,
    shown,
    total,
    blocks,
    source,
    fetchedAt,
    error,
    loading,
    busy,
    refresh,
    setRange,
    setSearch,
    sortBy,
    rowAt,
    onReplaced: (cb: () => void) => void (onReplaced = cb)
  }
}
export type UserList = ReturnType<typeof useUserList>
