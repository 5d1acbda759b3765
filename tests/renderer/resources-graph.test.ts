// The resource graph's store: undo/redo restore the document exactly (inverse changes, never snapshots),
// every change reaches the autosave, and derivation keeps the node objects of unchanged entities so Vue Flow
// re-renders only what changed.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { mount } from '@vue/test-utils'
import { commands, emptyResourceDoc, type ResourceCommand, type ResourceDoc } from '@shared/api'
import { createGraphStore, parseAmount, withLayout, type FlowNode, type GraphStore } from '../../renderer/src/features/resources/graphStore'

const invoke = vi.fn(async (_method: string, _input: unknown) => ({ id: 'draft-1', updatedAt: Date.now() }))
vi.mock('../../renderer/src/api/client', () => ({ api: { invoke: (m: string, i: unknown) => invoke(m, i) } }))
afterEach(() => {
  invoke.mockClear()
  vi.useRealTimers()
})

const clone = (d: ResourceDoc): ResourceDoc => JSON.parse(JSON.stringify(d)) as ResourceDoc
const node = (s: GraphStore, id: string): FlowNode => s.nodes.value.find((n) => n.id === id)!

/** The spec's example, built the way the editor builds it: one command per user action. */
function buildExample(s: GraphStore): void {
  const run = (f: (d: ResourceDoc) => ResourceCommand) => expect(s.run(f(s.doc.value))).toBe(true)
  run((d) => commands.addPool(d, { id: 'bm', name: 'Bare Metal Low END GPUs', description: '', resources: 16 }, { x: 0, y: 0 }))
  run((d) => commands.addPool(d, { id: 'h100', name: 'H100 Half a Superpod', description: '', resources: 16 }, { x: 300, y: 0 }))
  for (const [id, a] of [
    ['p05', 0.5],
    ['p2', 2],
    ['p4', 4],
    ['p8', 8]
  ] as const) {
    run((d) => commands.addProfile(d, { id, name: `${a}xGPU`, description: '', allotment: a, costField: null }, { x: 0, y: 300 }))
  }
  run((d) => commands.connect(d, 'p05', 'h100', { id: 'l05', name: '0.5 GPU H100' }))
  run((d) => commands.connect(d, 'p4', 'h100', { id: 'l4h', name: '4 GPU H100 link' }))
  run((d) => commands.connect(d, 'p8', 'h100', { id: 'l8', name: '8 GPU H100' }))
  run((d) => commands.connect(d, 'p2', 'h100', { id: 'l2', name: '2 GPU H100' }))
  run((d) => commands.connect(d, 'p4', 'bm', { id: 'l4b', name: '4 GPU Low End' }))
  // H100: 2, 4, 8, 0.5 — and 4xGPU: Bare Metal first.
  run((d) => commands.reorderPoolPriority(d, 'h100', 3, 0))
  run((d) => commands.reorderPoolPriority(d, 'h100', 1, 3))
  run((d) => commands.reorderProfileLinks(d, 'p4', 1, 0))
  run((d) => commands.place(d, { p2: { x: 280, y: 300 } }))
}

describe('graph store: undo and redo', () => {
  it('restores every step exactly after a sequence of commands, and redo replays them', () => {
    const s = createGraphStore(emptyResourceDoc(), { editable: true })
    const steps: ResourceDoc[] = [clone(s.doc.value)]
    const record = () => steps.push(clone(s.doc.value))
    const run = (f: (d: ResourceDoc) => ResourceCommand) => {
      expect(s.run(f(s.doc.value))).toBe(true)
      record()
    }
    const base = s.run.bind(s)
    s.run = (cmd) => {
      const r = base(cmd)
      if (r) record()
      return r
    }
    buildExample(s)
    s.run = base
    expect(s.doc.value.pools.find((p) => p.id === 'h100')!.priority).toEqual(['l2', 'l4h', 'l8', 'l05'])
    expect(s.doc.value.profiles.find((p) => p.id === 'p4')!.links.map((l) => l.pool)).toEqual(['bm', 'h100'])
    // Edits that remove and rename, on top.
    run((d) => commands.updatePool(d, 'bm', { name: 'Bare Metal', resources: 12 }))
    run((d) => commands.removePool(d, 'h100'))
    run((d) => commands.removeProfile(d, 'p8'))
    run((d) => commands.disconnect(d, 'l4b'))
    const final = clone(s.doc.value)

    for (let i = steps.length - 2; i >= 0; i--) {
      expect(s.undo()).toBe(true)
      expect(s.doc.value).toEqual(steps[i])
    }
    expect(s.undo()).toBe(false)
    expect(s.canUndo.value).toBe(false)
    for (let i = 1; i < steps.length; i++) {
      expect(s.redo()).toBe(true)
      expect(s.doc.value).toEqual(steps[i])
    }
    expect(s.redo()).toBe(false)
    expect(s.doc.value).toEqual(final)
  })

  it('a new command after undo drops the redo stack; no-op commands are not recorded', () => {
    const s = createGraphStore(emptyResourceDoc(), { editable: true })
    s.run(commands.addPool(s.doc.value, { id: 'a', name: 'A', description: '', resources: 1 }, { x: 0, y: 0 }))
    s.run(commands.addPool(s.doc.value, { id: 'b', name: 'B', description: '', resources: 1 }, { x: 300, y: 0 }))
    expect(s.undoLabel.value).toBe('Add pool B')
    s.undo()
    expect(s.canRedo.value).toBe(true)
    expect(s.redoLabel.value).toBe('Add pool B')
    s.run(commands.addPool(s.doc.value, { id: 'c', name: 'C', description: '', resources: 1 }, { x: 600, y: 0 }))
    expect(s.canRedo.value).toBe(false)
    const v = s.version.value
    // Moving a card to where it is, reordering a single link: nothing to record.
    expect(s.run(commands.place(s.doc.value, { a: { x: 0, y: 0 } }))).toBe(false)
    expect(s.run(commands.connect(s.doc.value, 'nope', 'a', { id: 'l', name: 'x' }))).toBe(false)
    expect(s.version.value).toBe(v)
    expect(s.doc.value.pools.map((p) => p.name)).toEqual(['A', 'C'])
  })

  it('a read-only (view mode) store refuses commands', () => {
    const s = createGraphStore(emptyResourceDoc(), { editable: false })
    expect(s.run(commands.addPool(s.doc.value, { id: 'a', name: 'A', description: '', resources: 1 }))).toBe(false)
    expect(s.doc.value.pools).toEqual([])
  })

  it('reset replaces the document and clears the history without autosaving', () => {
    const onChange = vi.fn()
    const s = createGraphStore(emptyResourceDoc(), { editable: true, onChange })
    s.run(commands.addPool(s.doc.value, { id: 'a', name: 'A', description: '', resources: 1 }, { x: 0, y: 0 }))
    expect(onChange).toHaveBeenCalledTimes(1)
    s.reset(emptyResourceDoc())
    expect(s.canUndo.value).toBe(false)
    expect(s.doc.value.pools).toEqual([])
    expect(onChange).toHaveBeenCalledTimes(1)
  })
})

describe('graph store: autosave', () => {
  it('hands every change (run, undo, redo) to onChange with the document as it is now', () => {
    const onChange = vi.fn()
    const s = createGraphStore(emptyResourceDoc(), { editable: true, onChange })
    s.run(commands.addPool(s.doc.value, { id: 'a', name: 'A', description: '', resources: 2 }, { x: 0, y: 0 }))
    s.undo()
    s.redo()
    expect(onChange).toHaveBeenCalledTimes(3)
    expect(onChange.mock.calls.map((c) => (c[0] as ResourceDoc).pools.length)).toEqual([1, 0, 1])
    expect(onChange.mock.calls[2][0]).toBe(s.doc.value)
  })

  it('wired to the drafts autosave, a burst of edits is written once to the draft, with the last document', async () => {
    vi.useFakeTimers()
    const { useAutosave } = await import('../../renderer/src/features/drafts/autosave')
    let store!: GraphStore
    let flush!: () => Promise<void>
    const Host = defineComponent({
      setup() {
        const autosave = useAutosave(300)
        flush = autosave.flush
        store = createGraphStore(emptyResourceDoc(), {
          editable: true,
          onChange: (doc) => autosave.schedule({ id: 'draft-1', draft: { kind: 'resources', content: doc } })
        })
        return () => h('div')
      }
    })
    const w = mount(Host)
    store.run(commands.addPool(store.doc.value, { id: 'a', name: 'A', description: '', resources: 2 }, { x: 0, y: 0 }))
    store.run(commands.updatePool(store.doc.value, 'a', { resources: 8 }))
    store.run(commands.addProfile(store.doc.value, { id: 'p', name: 'P', description: '', allotment: 0.5, costField: null }, { x: 0, y: 300 }))
    expect(invoke).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(350)
    await flush()
    expect(invoke).toHaveBeenCalledTimes(1)
    expect(invoke).toHaveBeenCalledWith('drafts.save', { id: 'draft-1', draft: { kind: 'resources', content: store.doc.value } })
    store.undo()
    w.unmount() // leaving the editor flushes what is pending
    await vi.advanceTimersByTimeAsync(0)
    expect(invoke).toHaveBeenCalledTimes(2)
    expect((invoke.mock.calls[1][1] as { draft: { content: ResourceDoc } }).draft.content.profiles).toEqual([])
  })
})

describe('graph store: derived nodes and edges', () => {
  it('keeps the node objects of unchanged entities, and the edge list when no link changed', () => {
    const s = createGraphStore(emptyResourceDoc(), { editable: true })
    buildExample(s)
    const before = new Map(s.nodes.value.map((n) => [n.id, n]))
    const edgesBefore = s.edges.value

    // Moving a profile: only its card changes, the links stay the same list.
    s.run(commands.place(s.doc.value, { p8: { x: 900, y: 300 } }))
    for (const n of s.nodes.value) {
      if (n.id === 'p8') expect(n).not.toBe(before.get(n.id))
      else expect(n).toBe(before.get(n.id))
    }
    expect(node(s, 'p8').position).toEqual({ x: 900, y: 300 })
    expect(s.edges.value).toBe(edgesBefore)

    // Renaming a pool: its card and the cards that show its name (its profiles) change; the others do not.
    const mid = new Map(s.nodes.value.map((n) => [n.id, n]))
    s.run(commands.updatePool(s.doc.value, 'bm', { name: 'Bare Metal' }))
    const changed = s.nodes.value.filter((n) => n !== mid.get(n.id)).map((n) => n.id)
    expect(changed.sort()).toEqual(['bm', 'p4'])
    expect(s.edges.value).toBe(edgesBefore)

    // A new link: a new edge; the other edges are the same objects.
    s.run(commands.connect(s.doc.value, 'p2', 'bm', { id: 'l2b', name: '2 GPU Low End' }))
    expect(s.edges.value).not.toBe(edgesBefore)
    for (const e of edgesBefore) expect(s.edges.value.find((x) => x.id === e.id)).toBe(e)
    expect(s.edges.value.find((e) => e.id === 'l2b')).toMatchObject({ source: 'p2', target: 'bm' })

    // Undo brings back equal content (new objects only where the content changed).
    s.undo()
    expect(s.edges.value.map((e) => e.id).sort()).toEqual(edgesBefore.map((e) => e.id).sort())
  })

  it('cards carry the orders, names and problems they show', () => {
    const s = createGraphStore(emptyResourceDoc(), { editable: true })
    buildExample(s)
    const h100 = node(s, 'h100')
    expect(h100.data.kind).toBe('pool')
    if (h100.data.kind === 'pool') expect(h100.data.priority.map((p) => p.profileName)).toEqual(['2xGPU', '4xGPU', '8xGPU', '0.5xGPU'])
    const p4 = node(s, 'p4')
    if (p4.data.kind === 'profile') expect(p4.data.links.map((l) => [l.poolName, l.linkName])).toEqual([
      ['Bare Metal Low END GPUs', '4 GPU Low End'],
      ['H100 Half a Superpod', '4 GPU H100 link']
    ])
    expect(s.problems.value).toEqual([])
    s.run(commands.addProfile(s.doc.value, { id: 'lonely', name: 'Lonely', description: '', allotment: 1, costField: null }, { x: 0, y: 600 }))
    expect(node(s, 'lonely').data.problems[0]).toMatch(/linked to no pool/)
    expect(s.cardOf('l4b')).toBe('p4')
    expect(node(s, 'p4').dimensions).toEqual({ width: 260, height: 190 })
  })

  it('gives every card a position: all auto-laid-out when none has one, else free spots for the missing', () => {
    const doc: ResourceDoc = {
      pools: [{ id: 'a', name: 'A', description: '', resources: 1, priority: [] }, { id: 'b', name: 'B', description: '', resources: 1, priority: [] }],
      profiles: [],
      layout: {}
    }
    const all = withLayout(doc)
    expect(Object.keys(all.layout).sort()).toEqual(['a', 'b'])
    const some = withLayout({ ...doc, layout: { a: { x: 0, y: 0 } } })
    expect(some.layout.a).toEqual({ x: 0, y: 0 })
    expect(some.layout.b.x).toBeGreaterThan(0)
  })
})

describe('amounts', () => {
  it('reads fractions as people write them', () => {
    expect(parseAmount('0.5')).toBe(0.5)
    expect(parseAmount(' 1/7 ')).toBeCloseTo(0.142857, 5)
    expect(parseAmount('16')).toBe(16)
    expect(parseAmount('')).toBeNaN()
    expect(parseAmount('abc')).toBeNaN()
    expect(parseAmount('1/0')).toBeNaN()
  })
})

describe('culling region', () => {
  it('moves in steps of half a view, and says which cards are near the view', async () => {
    const { regionKey, cardInRegion } = await import('../../renderer/src/features/resources/graphStore')
    const size = { width: 1000, height: 600 }
    const a = regionKey({ x: 0, y: 0, zoom: 1 }, size)
    // A small pan stays in the same region (nothing re-renders), a pan of a view does not.
    expect(regionKey({ x: -100, y: -50, zoom: 1 }, size)).toBe(a)
    expect(regionKey({ x: -1000, y: 0, zoom: 1 }, size)).not.toBe(a)
    const r = a.split(',').map(Number)
    expect(cardInRegion({ x: 100, y: 100 }, r)).toBe(true)
    expect(cardInRegion({ x: 5000, y: 100 }, r)).toBe(false)
    expect(cardInRegion({ x: 100, y: -5000 }, r)).toBe(false)
  })
})
