// The renderer's building blocks: the contract-driven form, the loader's sequencing, the remote table,
// the command registry and the confirmation's strength. Fake timers stand in for waiting.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { ApiError, connectionInput, profileRenameInput, type ListQuery, type Page } from '@shared/api'
import { defaultOf, maxLengthOf, useContractForm } from '../../renderer/src/composables/contractForm'
import { useLoader } from '../../renderer/src/composables/loader'
import { useRemoteTable } from '../../renderer/src/composables/remoteTable'
import { handleKey, registerCommand } from '../../renderer/src/commands'
import { useConfirmStore } from '../../renderer/src/stores/confirm'
import { useStatusStore } from '../../renderer/src/stores/status'

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.useRealTimers())

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe('useContractForm', () => {
  it('takes defaults, limits and messages from the contract schema', () => {
    const f = useContractForm(connectionInput)
    expect(f.values.production).toBe(false)
    expect(f.values.verifyTls).toBe(true)
    expect(f.values.caFile).toBeNull()
    expect(maxLengthOf(connectionInput.shape.name)).toBe(100)
    expect(defaultOf(connectionInput.shape.webUrl)).toBe('')
    f.set('apiUrl', 'ftp://x')
    expect(f.errors.value.apiUrl).toBe('API server URL must be an http:// or https:// URL')
    f.set('apiUrl', 'http://host:99999')
    expect(f.errors.value.apiUrl).toMatch(/port 99999/)
  })

  it('shows a field error once touched or submitted, and the rename limit comes from profile.rename', async () => {
    const f = useContractForm(profileRenameInput, { initial: { name: 'Ada' } })
    expect(f.dirty.value).toBe(false)
    f.set('name', 'x'.repeat(257))
    expect(f.dirty.value).toBe(true)
    expect(f.fieldError('name')).toBeUndefined()
    f.touch('name')
    expect(f.fieldError('name')).toBe('Name must be at most 256 characters')
    const run = vi.fn(async () => 'sent')
    expect(await f.submit(run)).toBeUndefined()
    expect(run).not.toHaveBeenCalled()
    f.set('name', '  Grace  ')
    expect(await f.submit(run)).toBe('sent')
    expect(run).toHaveBeenCalledWith({ name: 'Grace' })
  })

  it('puts the core’s field errors under their fields and the rest in formError', async () => {
    const f = useContractForm(connectionInput, { serverPrefix: /^(patch|draft)\./ })
    Object.assign(f.values, { name: 'n', apiUrl: 'http://h', accessKey: 'k', secretKey: 's' })
    await f.submit(async () => {
      throw new ApiError('invalid_input', 'bad', { issues: [{ path: 'patch.name', message: 'Taken' }, { path: 'other', message: 'Odd' }] })
    })
    expect(f.fieldError('name')).toBe('Taken')
    expect(f.formError.value).toBe('other: Odd')
    f.set('name', 'm')
    expect(f.fieldError('name')).toBeUndefined()
    await f.submit(async () => {
      throw new ApiError('offline', 'The server cannot be reached')
    })
    expect(f.formError.value).toBe('The server cannot be reached')
  })
})

describe('useLoader', () => {
  it('never lets an older answer overwrite a newer one', async () => {
    const answers = [deferred<string>(), deferred<string>()]
    let n = 0
    const l = useLoader(() => answers[n++].promise)
    const first = l.load()
    const second = l.load()
    answers[1].resolve('new')
    await second
    answers[0].resolve('old')
    await first
    expect(l.data.value).toBe('new')
    expect(l.loading.value).toBe(false)
  })

  it('keeps the data when a refresh fails, and a pushed value drops a pending answer', async () => {
    const answers = [deferred<number>(), deferred<number>(), deferred<number>()]
    let n = 0
    const l = useLoader(() => answers[n++].promise)
    const a = l.load()
    answers[0].resolve(1)
    await a
    const b = l.load()
    answers[1].reject(new ApiError('offline', 'gone'))
    await b
    expect(l.data.value).toBe(1)
    expect(l.error.value?.code).toBe('offline')
    const c = l.load()
    l.set(7)
    answers[2].resolve(3)
    await c
    expect(l.data.value).toBe(7)
    expect(l.error.value).toBeNull()
  })
})

describe('useRemoteTable', () => {
  function serverList(total: number) {
    const calls: ListQuery[] = []
    const list = { total }
    const fetchPage = async (q: ListQuery<'name'>): Promise<Page<{ id: string }>> => {
      calls.push({ ...q })
      const all = Array.from({ length: list.total }, (_, i) => ({ id: `row-${i}` })).filter((r) => r.id.includes(q.search))
      return { items: all.slice(q.page * q.pageSize, (q.page + 1) * q.pageSize), total: all.length, source: 'server', fetchedAt: 0 }
    }
    return { calls, fetchPage, list }
  }

  it('holds one page, searches once typing pauses, and restarts at the first page', async () => {
    vi.useFakeTimers()
    const srv = serverList(50_000)
    const t = useRemoteTable({ fetchPage: srv.fetchPage, orderBy: 'name', pageSize: 100 })
    await t.reload()
    expect(t.rows.value).toHaveLength(100)
    expect(t.total.value).toBe(50_000)
    t.setPage(3)
    await vi.waitFor(() => expect(t.rows.value[0]).toEqual({ id: 'row-300' }))
    for (const ch of ['r', 'ro', 'row-4999']) t.setSearch(ch)
    expect(srv.calls).toHaveLength(2) // nothing sent while typing
    await vi.advanceTimersByTimeAsync(250)
    expect(srv.calls).toHaveLength(3)
    expect(srv.calls[2]).toMatchObject({ search: 'row-4999', page: 0 })
    expect(t.total.value).toBe(11)
  })

  it('sorts on the server, and steps back when its page vanished', async () => {
    const srv = serverList(250)
    const t = useRemoteTable({ fetchPage: srv.fetchPage, orderBy: 'name', pageSize: 100 })
    t.setPage(2)
    await vi.waitFor(() => expect(t.rows.value).toHaveLength(50))
    t.setOrder('name', true)
    await vi.waitFor(() => expect(srv.calls.at(-1)).toMatchObject({ orderBy: 'name', descending: true, page: 0 }))
    t.setOrder(null, false)
    await vi.waitFor(() => expect(srv.calls.at(-1)).toMatchObject({ orderBy: 'name', descending: false }))
    t.setPage(2)
    await vi.waitFor(() => expect(t.rows.value).toHaveLength(50))
    srv.list.total = 120 // rows deleted elsewhere: page 3 no longer exists
    await t.reload()
    await vi.waitFor(() => expect(srv.calls.at(-1)).toMatchObject({ page: 1 }))
    await vi.waitFor(() => expect(t.rows.value).toHaveLength(20))
  })
})

describe('command registry', () => {
  it('runs the command whose chord matches, and not from inside a text field unless it says so', () => {
    const run = vi.fn()
    const off = registerCommand({ id: 't.help', title: 'Help', kind: 'command', chord: { key: '?' }, run })
    const goRun = vi.fn()
    const offGo = registerCommand({ id: 't.go', title: 'Go', kind: 'go', chord: { alt: true, code: 'Digit5' }, inInputs: true, run: goRun })
    const onKey = (e: KeyboardEvent) => handleKey(e)
    window.addEventListener('keydown', onKey)
    const input = document.createElement('input')
    document.body.appendChild(input)
    input.dispatchEvent(new KeyboardEvent('keydown', { key: '?', bubbles: true }))
    expect(run).not.toHaveBeenCalled()
    input.dispatchEvent(new KeyboardEvent('keydown', { key: '5', code: 'Digit5', altKey: true, bubbles: true }))
    expect(goRun).toHaveBeenCalledTimes(1)
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '?', bubbles: true }))
    expect(run).toHaveBeenCalledTimes(1)
    off()
    offGo()
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '?', bubbles: true }))
    expect(run).toHaveBeenCalledTimes(1)
    window.removeEventListener('keydown', onKey)
  })
})

describe('confirmation strength', () => {
  it('asks for the typed name on a production server, and not for local data', async () => {
    const status = useStatusStore()
    status.status = { production: true } as never
    const confirm = useConfirmStore()
    const serverSide = confirm.ask({ title: 'Delete vault?', message: 'x', action: 'Delete', risk: 'high', name: 'team-vault' })
    await nextTick()
    expect(confirm.pending?.typeName).toBe('team-vault')
    confirm.answer(true) // not typed yet: ignored
    expect(confirm.pending).not.toBeNull()
    confirm.typed = 'team-vault'
    confirm.answer(true)
    expect(await serverSide).toBe(true)

    const local = confirm.ask({ title: 'Delete?', message: 'x', action: 'Delete', risk: 'high', name: 'c', scope: 'local' })
    expect(confirm.pending?.typeName).toBeNull()
    confirm.answer(false)
    expect(await local).toBe(false)
  })
})
