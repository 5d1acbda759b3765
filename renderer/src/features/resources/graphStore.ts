// The resource graph's store: the one source of truth for the pool/profile editor. The document is immutable
// (each edit is a `ResourceCommand` from shared/domain/resources.ts applied with `applyChanges`); undo applies
// the inverse changes, redo the changes again, so history costs what the edits cost, never a snapshot of the
// graph. Vue Flow only gets the cards (and LinkLayer the links) derived here, and derivation keeps the same object for
// every entity whose inputs did not change, so an edit re-renders the cards it touches, not all 1,300.
// No Vue Flow import: the store is tested in happy-dom and used by both the view and the editor.
import { computed, ref, shallowRef, type ComputedRef, type Ref, type ShallowRef } from 'vue'
import {
  CARD,
  applyChanges,
  autoLayout,
  freeSpot,
  invertChanges,
  resourceProblems,
  type PolicyConnection,
  type ResourceCommand,
  type ResourceDoc,
  type ResourceLive,
  type ResourcePool,
  type ResourceProblem,
  type ResourceProfile
} from '@shared/api'

type XY = { x: number; y: number }

/** One line of a pool's execution priority: a link from a profile. */
export interface PriorityItem {
  linkId: string
  linkName: string
  profileId: string
  profileName: string
  queueName: string | null
}

/** One line of a profile's pool precedence. */
export interface LinkItem {
  linkId: string
  linkName: string
  poolId: string
  poolName: string
  queueName: string | null
}

export interface PoolCardData {
  kind: 'pool'
  pool: ResourcePool
  priority: PriorityItem[]
  /** Resources in use now (view mode); null when there are no live figures. */
  usage: number | null
  problems: string[]
}

export interface ProfileCardData {
  kind: 'profile'
  profile: ResourceProfile
  links: LinkItem[]
  queued: number | null
  running: number | null
  /** The policy connections in queuing-priority order (names from the live figures when known). */
  policies: PolicyConnection[]
  problems: string[]
}

export type CardData = PoolCardData | ProfileCardData

/** What Vue Flow gets for a card. `dimensions` lets only-render-visible-elements skip cards never measured. */
export interface FlowNode {
  id: string
  type: 'pool' | 'profile'
  position: XY
  data: CardData
  dimensions: { width: number; height: number }
  draggable: boolean
  connectable: boolean
  ariaLabel: string
  domAttributes: Record<string, string>
}

export interface FlowEdge {
  id: string
  source: string
  target: string
  sourceHandle: string
  targetHandle: string
  class: string
  selectable: boolean
  focusable: boolean
}

export const HANDLE = { profile: 'pools', pool: 'profiles' } as const

/**
 * The part of the canvas worth rendering: the view plus half a view around it, snapped to a grid of half
 * views, so panning inside it changes nothing. As "x0,y0,x1,y1" (flow coordinates): a string, so a computed
 * over it does not trigger while it stays the same.
 */
export function regionKey(viewport: { x: number; y: number; zoom: number }, size: { width: number; height: number }): string {
  const { x, y, zoom } = viewport
  const w = Math.max(1, size.width / zoom)
  const h = Math.max(1, size.height / zoom)
  const gx = w / 2
  const gy = h / 2
  // The view's corner snapped to the grid; the region has a fixed size, so only crossing a grid line moves it.
  const sx = Math.floor(-x / zoom / gx) * gx
  const sy = Math.floor(-y / zoom / gy) * gy
  return [sx - gx, sy - gy, sx + w + 2 * gx, sy + h + 2 * gy].map((n) => Math.round(n)).join(',')
}

/** Whether a card at `pos` meets the region (a parsed regionKey). */
export function cardInRegion(pos: XY, r: readonly number[]): boolean {
  return pos.x + CARD.poolWidth >= r[0] && pos.x <= r[2] && pos.y + CARD.profileHeight >= r[1] && pos.y <= r[3]
}

export interface GraphStoreOptions {
  /** Editor mode: cards can move and connect. */
  editable: boolean
  /** Called after every change of the document (run, undo, redo): the autosave hook. */
  onChange?: (doc: ResourceDoc, cmd: ResourceCommand) => void
}

export interface GraphStore {
  readonly doc: Readonly<ShallowRef<ResourceDoc>>
  readonly live: ShallowRef<ResourceLive | null>
  readonly editable: boolean
  /** Increases with every change of the document (not with a reset). */
  readonly version: Ref<number>
  readonly canUndo: ComputedRef<boolean>
  readonly canRedo: ComputedRef<boolean>
  readonly undoLabel: ComputedRef<string | null>
  readonly redoLabel: ComputedRef<string | null>
  readonly problems: ComputedRef<ResourceProblem[]>
  /** Problems by the card they belong to (a link's problems belong to its profile's card). */
  readonly problemsByCard: ComputedRef<Map<string, string[]>>
  readonly nodes: ComputedRef<FlowNode[]>
  readonly edges: ComputedRef<FlowEdge[]>
  /** Applies a command (no-op commands are dropped); true when something changed. */
  run(cmd: ResourceCommand): boolean
  undo(): boolean
  redo(): boolean
  /** A new document (a reload, a reset): history is cleared and onChange is not called. */
  reset(doc: ResourceDoc): void
  /** The card's position (layout), for focusing a card. */
  positionOf(id: string): XY | null
  /** The card an entity is shown on (a link → its profile). */
  cardOf(entityId: string): string | null
}

/** A new id for a pool, profile or link (32 hex digits, like the server's). */
export function newId(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** "0.5", "1/7", "2" → the number; NaN when it is none of these. */
export function parseAmount(text: string): number {
  const t = text.trim()
  const frac = /^(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(t)
  if (frac) {
    const d = Number(frac[2])
    return d === 0 ? NaN : Number(frac[1]) / d
  }
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(t)) return NaN
  return Number(t)
}

/** Every card gets a position: all auto-laid-out when none has one, else the missing ones go to free spots. */
export function withLayout(doc: ResourceDoc): ResourceDoc {
  const ids = [...doc.pools.map((p) => p.id), ...doc.profiles.map((p) => p.id)]
  const missing = ids.filter((id) => !doc.layout[id])
  if (!missing.length) return doc
  if (missing.length === ids.length) return { ...doc, layout: { ...doc.layout, ...autoLayout(doc) } }
  let d: ResourceDoc = { ...doc, layout: { ...doc.layout } }
  const poolIds = new Set(doc.pools.map((p) => p.id))
  for (const id of missing) {
    const at = freeSpot(
      { ...d, pools: d.pools.filter((p) => p.id === id || d.layout[p.id]), profiles: d.profiles.filter((p) => p.id === id || d.layout[p.id]) },
      poolIds.has(id) ? 'pool' : 'profile'
    )
    d = { ...d, layout: { ...d.layout, [id]: at } }
  }
  return d
}

interface CacheEntry<T> {
  deps: unknown[]
  value: T
}

function sameDeps(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The same array as before when every element is the same object (Vue then triggers nothing). */
function stableList<T>(prev: T[] | null, next: T[]): T[] {
  if (prev && prev.length === next.length && prev.every((x, i) => x === next[i])) return prev
  return next
}

/**
 * Derives Vue Flow's nodes and edges from the document. Stateful only in its caches: an entity whose inputs
 * (its object, its position, the objects it shows names from, its live figures and problems) are the same
 * objects as last time gets the same node object back.
 */
export function createDeriver(editable: boolean) {
  let poolCache = new Map<string, CacheEntry<FlowNode>>()
  let profileCache = new Map<string, CacheEntry<FlowNode>>()
  let edgeCache = new Map<string, CacheEntry<FlowEdge>>()
  let lastNodes: FlowNode[] | null = null
  let lastEdges: FlowEdge[] | null = null
  const NO_PROBLEMS: string[] = []

  return function derive(doc: ResourceDoc, live: ResourceLive | null, problems: Map<string, string[]>): { nodes: FlowNode[]; edges: FlowEdge[] } {
    const poolById = new Map(doc.pools.map((p) => [p.id, p]))
    const linkOwner = new Map<string, ResourceProfile>()
    for (const prof of doc.profiles) for (const l of prof.links) linkOwner.set(l.id, prof)
    const nodes: FlowNode[] = []
    const nextPools = new Map<string, CacheEntry<FlowNode>>()
    for (const pool of doc.pools) {
      const pos = doc.layout[pool.id]
      const livePool = live?.pools[pool.id]
      const probs = problems.get(pool.id) ?? NO_PROBLEMS
      const owners = pool.priority.map((l) => linkOwner.get(l))
      const deps = [pool, pos, livePool, probs.join('\n'), ...owners]
      const old = poolCache.get(pool.id)
      if (old && sameDeps(old.deps, deps)) {
        nextPools.set(pool.id, old)
        nodes.push(old.value)
        continue
      }
      const priority: PriorityItem[] = pool.priority.map((linkId, i) => {
        const prof = owners[i]
        const link = prof?.links.find((l) => l.id === linkId)
        return { linkId, linkName: link?.name ?? linkId, profileId: prof?.id ?? '', profileName: prof?.name ?? '(missing profile)', queueName: link?.queueName ?? null }
      })
      const node: FlowNode = {
        id: pool.id,
        type: 'pool',
        position: { x: pos?.x ?? 0, y: pos?.y ?? 0 },
        data: { kind: 'pool', pool, priority, usage: livePool ? livePool.usage : null, problems: probs },
        dimensions: { width: CARD.poolWidth, height: CARD.poolHeight },
        draggable: editable,
        connectable: editable,
        ariaLabel: `Resource pool ${pool.name}`,
        domAttributes: { 'data-testid': 'pool-node', 'data-name': pool.name }
      }
      nextPools.set(pool.id, { deps, value: node })
      nodes.push(node)
    }
    const nextProfiles = new Map<string, CacheEntry<FlowNode>>()
    for (const prof of doc.profiles) {
      const pos = doc.layout[prof.id]
      const liveProf = live?.profiles[prof.id]
      const probs = problems.get(prof.id) ?? NO_PROBLEMS
      const pools = prof.links.map((l) => poolById.get(l.pool))
      const deps = [prof, pos, liveProf, probs.join('\n'), ...pools]
      const old = profileCache.get(prof.id)
      if (old && sameDeps(old.deps, deps)) {
        nextProfiles.set(prof.id, old)
        nodes.push(old.value)
        continue
      }
      const known = new Map((liveProf?.policies ?? []).map((p) => [p.id, p]))
      const node: FlowNode = {
        id: prof.id,
        type: 'profile',
        position: { x: pos?.x ?? 0, y: pos?.y ?? 0 },
        data: {
          kind: 'profile',
          profile: prof,
          links: prof.links.map((l, i) => ({ linkId: l.id, linkName: l.name, poolId: l.pool, poolName: pools[i]?.name ?? '(missing pool)', queueName: l.queueName })),
          // Live job counts belong to the provisioned configuration (view mode), not to a draft.
          queued: liveProf && !editable ? liveProf.queued : null,
          running: liveProf && !editable ? liveProf.running : null,
          policies: prof.policyOrder.map((id) => known.get(id) ?? { id, name: id, displayName: null, policyName: '(policy)' }),
          problems: probs
        },
        dimensions: { width: CARD.profileWidth, height: CARD.profileHeight },
        draggable: editable,
        connectable: editable,
        ariaLabel: `Resource profile ${prof.name}`,
        domAttributes: { 'data-testid': 'profile-node', 'data-name': prof.name }
      }
      nextProfiles.set(prof.id, { deps, value: node })
      nodes.push(node)
    }
    const edges: FlowEdge[] = []
    const nextEdges = new Map<string, CacheEntry<FlowEdge>>()
    for (const prof of doc.profiles) {
      for (const l of prof.links) {
        if (!poolById.has(l.pool)) continue
        const bad = problems.has(l.id)
        const deps = [prof.id, l.pool, bad]
        const old = edgeCache.get(l.id)
        if (old && sameDeps(old.deps, deps)) {
          nextEdges.set(l.id, old)
          edges.push(old.value)
          continue
        }
        const edge: FlowEdge = {
          id: l.id,
          source: prof.id,
          target: l.pool,
          sourceHandle: HANDLE.profile,
          targetHandle: HANDLE.pool,
          class: bad ? 'link-edge bad' : 'link-edge',
          selectable: false,
          focusable: false
        }
        nextEdges.set(l.id, { deps, value: edge })
        edges.push(edge)
      }
    }
    poolCache = nextPools
    profileCache = nextProfiles
    edgeCache = nextEdges
    lastNodes = stableList(lastNodes, nodes)
    lastEdges = stableList(lastEdges, edges)
    return { nodes: lastNodes, edges: lastEdges }
  }
}

export function createGraphStore(initial: ResourceDoc, opts: GraphStoreOptions): GraphStore {
  const doc = shallowRef<ResourceDoc>(withLayout(initial))
  const live = shallowRef<ResourceLive | null>(null)
  const version = ref(0)
  // The stacks are plain arrays; `history` is bumped so computed labels follow them.
  const undoStack: ResourceCommand[] = []
  const redoStack: ResourceCommand[] = []
  const history = ref(0)
  const derive = createDeriver(opts.editable)

  function commit(next: ResourceDoc, cmd: ResourceCommand): void {
    doc.value = next
    version.value++
    history.value++
    opts.onChange?.(next, cmd)
  }
  function run(cmd: ResourceCommand): boolean {
    if (!opts.editable || !cmd.changes.length) return false
    undoStack.push(cmd)
    redoStack.length = 0
    commit(applyChanges(doc.value, cmd.changes), cmd)
    return true
  }
  function undo(): boolean {
    const cmd = undoStack.pop()
    if (!cmd) return false
    redoStack.push(cmd)
    commit(applyChanges(doc.value, invertChanges(cmd.changes)), cmd)
    return true
  }
  function redo(): boolean {
    const cmd = redoStack.pop()
    if (!cmd) return false
    undoStack.push(cmd)
    commit(applyChanges(doc.value, cmd.changes), cmd)
    return true
  }
  function reset(next: ResourceDoc): void {
    undoStack.length = 0
    redoStack.length = 0
    history.value++
    doc.value = withLayout(next)
  }

  const canUndo = computed(() => history.value >= 0 && undoStack.length > 0)
  const canRedo = computed(() => history.value >= 0 && redoStack.length > 0)
  const undoLabel = computed(() => (history.value >= 0 ? (undoStack.at(-1)?.label ?? null) : null))
  const redoLabel = computed(() => (history.value >= 0 ? (redoStack.at(-1)?.label ?? null) : null))

  const problems = computed(() => resourceProblems(doc.value))
  const linkOwner = computed(() => {
    const m = new Map<string, string>()
    for (const p of doc.value.profiles) for (const l of p.links) m.set(l.id, p.id)
    return m
  })
  function cardOf(entityId: string): string | null {
    if (doc.value.pools.some((p) => p.id === entityId) || doc.value.profiles.some((p) => p.id === entityId)) return entityId
    return linkOwner.value.get(entityId) ?? null
  }
  /** Messages by entity id (links by their own id, so their edge is marked) and by card. */
  const problemIndex = computed(() => {
    const byEntity = new Map<string, string[]>()
    for (const p of problems.value) {
      const keys = p.entity === 'link' ? [p.id, linkOwner.value.get(p.id)] : [p.id]
      for (const k of keys) if (k) byEntity.set(k, [...(byEntity.get(k) ?? []), p.message])
    }
    return byEntity
  })
  const problemsByCard = computed(() => problemIndex.value)
  const graph = computed(() => derive(doc.value, live.value, problemIndex.value))
  const nodes = computed(() => graph.value.nodes)
  const edges = computed(() => graph.value.edges)

  return {
    doc,
    live,
    editable: opts.editable,
    version,
    canUndo,
    canRedo,
    undoLabel,
    redoLabel,
    problems,
    problemsByCard,
    nodes,
    edges,
    run,
    undo,
    redo,
    reset,
    positionOf: (id) => doc.value.layout[id] ?? null,
    cardOf
  }
}
