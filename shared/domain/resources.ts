// The resource configuration as the console edits it: resource pools, resource profiles, the named links from
// profiles to pools and the three orders (a pool's execution priority over its links, a profile's precedence
// over its pools, a profile's priority over its policies). Pure: the graph editor, the core (before it
// provisions), the allocation preview and the CLI all use these rules, so there is one of each.
// Wire mapping (resources.*, clearml-enterprise-api.md §1.4): allotment = profile_cost, costField = cost_field,
// a pool's `priority` = its `links`, a profile's `links` = its `pool_links`, `policyOrder` = its policy_connections.

export interface ResourcePool {
  id: string
  name: string
  description: string
  /** Whole resources (e.g. GPUs) in the pool. */
  resources: number
  /** Ids of the links pointing at this pool, in execution priority order. */
  priority: string[]
}

export interface ResourceLink {
  id: string
  /** Unique across the whole configuration. */
  name: string
  /** The pool's id. */
  pool: string
  /** The pool's correlated queue for this link, assigned by the server when provisioned; null until then. */
  queueName: string | null
}

export interface ResourceProfile {
  id: string
  name: string
  description: string
  /** Resources each job gets (fractions allowed, e.g. 0.5 or 1/7); the default when `costField` is set. */
  allotment: number
  /** Dynamic capacity: the task parameter that states each job's allotment; null for a fixed allotment. */
  costField: string | null
  /** Links to pools in precedence order (the first pool that can run a job gets it). */
  links: ResourceLink[]
  /** The policy connections (queue ids) using this profile, in queuing priority order. */
  policyOrder: string[]
}

export interface Position {
  x: number
  y: number
}

export interface ResourceDoc {
  pools: ResourcePool[]
  profiles: ResourceProfile[]
  /** Card positions in the editor. Kept in the draft, never sent to the server. */
  layout: Record<string, Position>
}

/** Live figures of the provisioned configuration (never part of a draft). */
export interface PolicyConnection {
  /** The queue's id. */
  id: string
  /** The queue's name. */
  name: string
  displayName: string | null
  policyName: string
}

export interface ResourceLive {
  pools: Record<string, { usage: number; updated: string | null; updatedBy: string | null }>
  profiles: Record<string, { queued: number; running: number; policies: PolicyConnection[]; updated: string | null; updatedBy: string | null }>
}

export const COST_FIELD_PREFIXES = ['runtime.', 'hyperparams.', 'configuration.'] as const
const EPS = 1e-9

export function emptyResourceDoc(): ResourceDoc {
  return { pools: [], profiles: [], layout: {} }
}

const key = (s: string) => s.trim().toLowerCase()

/** Everything the server stores, in a stable form: equal fingerprints mean nothing to provision. */
export function resourceFingerprint(doc: ResourceDoc): string {
  return JSON.stringify({
    pools: doc.pools.map((p) => [p.id, p.name, p.description, p.resources, p.priority]),
    profiles: doc.profiles.map((p) => [p.id, p.name, p.description, p.allotment, p.costField, p.links.map((l) => [l.id, l.name, l.pool]), p.policyOrder])
  })
}

// ---------------------------------------------------------------------------------------------------------
// Rules

export interface ResourceProblem {
  entity: 'pool' | 'profile' | 'link'
  /** The object's id (a link's id for links). */
  id: string
  field: string
  message: string
}

export function poolNameProblem(doc: ResourceDoc, name: string, exceptId: string | null): string | null {
  if (!name.trim()) return 'Enter a name for the pool'
  if (name.length > 200) return 'The name must be at most 200 characters'
  const clash = doc.pools.find((p) => p.id !== exceptId && key(p.name) === key(name))
  return clash ? `A pool named “${clash.name}” already exists` : null
}

export function profileNameProblem(doc: ResourceDoc, name: string, exceptId: string | null): string | null {
  if (!name.trim()) return 'Enter a name for the profile'
  if (name.length > 200) return 'The name must be at most 200 characters'
  const clash = doc.profiles.find((p) => p.id !== exceptId && key(p.name) === key(name))
  return clash ? `A profile named “${clash.name}” already exists` : null
}

export function resourcesProblem(n: number): string | null {
  if (!Number.isFinite(n)) return 'Enter the number of resources'
  if (!Number.isInteger(n) || n < 1) return 'The number of resources must be a whole number of at least 1 (count whole GPUs; use fractional allotments on profiles)'
  if (n > 1_000_000) return 'The number of resources must be at most 1,000,000'
  return null
}

export function allotmentProblem(n: number): string | null {
  if (!Number.isFinite(n)) return 'Enter the resource allotment'
  if (n <= 0) return 'The resource allotment must be greater than 0 (fractions such as 0.5 are allowed)'
  if (n > 1_000_000) return 'The resource allotment must be at most 1,000,000'
  return null
}

export function costFieldProblem(field: string | null): string | null {
  if (field === null) return null
  if (!field.trim()) return 'Enter the task parameter that holds each job’s allotment'
  if (!COST_FIELD_PREFIXES.some((p) => field.startsWith(p) && field.length > p.length)) {
    return 'The parameter must start with runtime., hyperparams. or configuration. (e.g. runtime.gpus_request)'
  }
  if (/\s/.test(field)) return 'The parameter must not contain spaces'
  return null
}

export function linkNameProblem(doc: ResourceDoc, name: string, exceptLinkId: string | null): string | null {
  if (!name.trim()) return 'Enter a name for the link'
  if (name.length > 200) return 'The name must be at most 200 characters'
  for (const p of doc.profiles) {
    const clash = p.links.find((l) => l.id !== exceptLinkId && key(l.name) === key(name))
    if (clash) return `The link name “${clash.name}” is already used (on ${p.name}); link names are unique`
  }
  return null
}

/**
 * The one connection rule, used by the editor's handles (may this drag end here?), the Connect Profile
 * modal, the core before it provisions and the allocation CLI: why `profileId` cannot link to `poolId`.
 */
export function connectProblem(doc: ResourceDoc, profileId: string, poolId: string): string | null {
  const profile = doc.profiles.find((p) => p.id === profileId)
  if (!profile) return 'Connect from a resource profile'
  const pool = doc.pools.find((p) => p.id === poolId)
  if (!pool) return 'Connect to a resource pool'
  if (profile.links.some((l) => l.pool === poolId)) return `${profile.name} is already linked to ${pool.name}`
  return linkFitProblem(profile, pool)
}

/** The part of the connection rule that an existing link must keep satisfying: one job fits in the pool. */
export function linkFitProblem(profile: Pick<ResourceProfile, 'name' | 'allotment' | 'costField'>, pool: Pick<ResourcePool, 'name' | 'resources'>): string | null {
  if (!profile.costField && profile.allotment > pool.resources + EPS) {
    return `${profile.name} needs ${fmt(profile.allotment)} resources per job; ${pool.name} has only ${fmt(pool.resources)}`
  }
  return null
}

/** Every reason the configuration cannot be provisioned, at the field. Empty when it can. */
export function resourceProblems(doc: ResourceDoc): ResourceProblem[] {
  const out: ResourceProblem[] = []
  const poolIds = new Set<string>()
  const poolNames = new Map<string, string>()
  for (const p of doc.pools) {
    if (poolIds.has(p.id)) out.push({ entity: 'pool', id: p.id, field: 'id', message: `Two pools share the id ${p.id}` })
    poolIds.add(p.id)
    const nameKey = key(p.name)
    if (!p.name.trim()) out.push({ entity: 'pool', id: p.id, field: 'name', message: 'A pool has no name' })
    else if (poolNames.has(nameKey)) out.push({ entity: 'pool', id: p.id, field: 'name', message: `Two pools are named “${p.name}”` })
    poolNames.set(nameKey, p.id)
    const r = resourcesProblem(p.resources)
    if (r) out.push({ entity: 'pool', id: p.id, field: 'resources', message: `${p.name}: ${r}` })
  }
  const poolById = new Map(doc.pools.map((p) => [p.id, p]))
  const profileNames = new Map<string, string>()
  const linkNames = new Map<string, string>()
  const linksTo = new Map<string, string[]>()
  for (const p of doc.profiles) {
    const nameKey = key(p.name)
    if (!p.name.trim()) out.push({ entity: 'profile', id: p.id, field: 'name', message: 'A profile has no name' })
    else if (profileNames.has(nameKey)) out.push({ entity: 'profile', id: p.id, field: 'name', message: `Two profiles are named “${p.name}”` })
    profileNames.set(nameKey, p.id)
    const a = allotmentProblem(p.allotment)
    if (a) out.push({ entity: 'profile', id: p.id, field: 'allotment', message: `${p.name}: ${a}` })
    const c = costFieldProblem(p.costField)
    if (c) out.push({ entity: 'profile', id: p.id, field: 'costField', message: `${p.name}: ${c}` })
    if (!p.links.length) out.push({ entity: 'profile', id: p.id, field: 'links', message: `${p.name} is linked to no pool: its jobs could never run` })
    const seenPools = new Set<string>()
    for (const l of p.links) {
      const lk = key(l.name)
      if (!l.name.trim()) out.push({ entity: 'link', id: l.id, field: 'name', message: `A link of ${p.name} has no name` })
      else if (linkNames.has(lk)) out.push({ entity: 'link', id: l.id, field: 'name', message: `Two links are named “${l.name}”; link names are unique` })
      linkNames.set(lk, l.id)
      const pool = poolById.get(l.pool)
      const fit = pool && linkFitProblem(p, pool)
      if (!pool) out.push({ entity: 'link', id: l.id, field: 'pool', message: `${p.name}’s link “${l.name}” points at a pool that does not exist` })
      else if (seenPools.has(l.pool)) out.push({ entity: 'link', id: l.id, field: 'pool', message: `${p.name} is linked twice to the same pool` })
      else if (fit) out.push({ entity: 'link', id: l.id, field: 'pool', message: fit })
      seenPools.add(l.pool)
      linksTo.set(l.pool, [...(linksTo.get(l.pool) ?? []), l.id])
    }
  }
  for (const p of doc.pools) {
    const expected = new Set(linksTo.get(p.id) ?? [])
    if (p.priority.length !== expected.size || p.priority.some((id) => !expected.has(id))) {
      out.push({ entity: 'pool', id: p.id, field: 'priority', message: `${p.name}: its execution priority does not list exactly the links to it` })
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------
// Edits as reversible changes: each command yields the objects it replaces (before → after), so undo applies
// the inverse changes instead of restoring a snapshot of the whole graph.

export type ResourceChange =
  | { set: 'pools'; id: string; index: number; before: ResourcePool | null; after: ResourcePool | null }
  | { set: 'profiles'; id: string; index: number; before: ResourceProfile | null; after: ResourceProfile | null }
  | { set: 'layout'; id: string; index: number; before: Position | null; after: Position | null }

export interface ResourceCommand {
  /** What the user did, in words (undo/redo menu, history). */
  label: string
  changes: ResourceChange[]
}

/** Applies changes in order; returns a new document (objects not changed are shared). */
export function applyChanges(doc: ResourceDoc, changes: readonly ResourceChange[]): ResourceDoc {
  let pools = doc.pools
  let profiles = doc.profiles
  let layout = doc.layout
  for (const c of changes) {
    if (c.set === 'layout') {
      layout = { ...layout }
      if (c.after) layout[c.id] = c.after
      else delete layout[c.id]
    } else if (c.set === 'pools') pools = replaceIn(pools, c.id, c.index, c.after)
    else profiles = replaceIn(profiles, c.id, c.index, c.after)
  }
  return { pools, profiles, layout }
}

function replaceIn<T extends { id: string }>(list: T[], id: string, index: number, after: T | null): T[] {
  const at = list.findIndex((x) => x.id === id)
  const out = list.slice()
  if (at >= 0) {
    if (after) out[at] = after
    else out.splice(at, 1)
  } else if (after) out.splice(Math.min(Math.max(index, 0), out.length), 0, after)
  return out
}

export function invertChanges(changes: readonly ResourceChange[]): ResourceChange[] {
  return changes
    .slice()
    .reverse()
    .map((c) => ({ ...c, before: c.after, after: c.before }) as ResourceChange)
}

function change<S extends 'pools' | 'profiles'>(doc: ResourceDoc, set: S, id: string, after: S extends 'pools' ? ResourcePool | null : ResourceProfile | null): ResourceChange {
  const list = doc[set] as Array<{ id: string }>
  const index = list.findIndex((x) => x.id === id)
  const before = index >= 0 ? list[index] : null
  return { set, id, index: index >= 0 ? index : list.length, before, after } as ResourceChange
}

function layoutChange(doc: ResourceDoc, id: string, after: Position | null): ResourceChange {
  return { set: 'layout', id, index: 0, before: doc.layout[id] ?? null, after }
}

const findPool = (doc: ResourceDoc, id: string) => doc.pools.find((p) => p.id === id)
const findProfile = (doc: ResourceDoc, id: string) => doc.profiles.find((p) => p.id === id)

export function profileOfLink(doc: ResourceDoc, linkId: string): ResourceProfile | undefined {
  return doc.profiles.find((p) => p.links.some((l) => l.id === linkId))
}

function move<T>(list: readonly T[], from: number, to: number): T[] {
  const out = list.slice()
  const [x] = out.splice(from, 1)
  out.splice(Math.min(Math.max(to, 0), out.length), 0, x)
  return out
}

export const commands = {
  addPool(doc: ResourceDoc, pool: Omit<ResourcePool, 'priority'>, at?: Position): ResourceCommand {
    const p: ResourcePool = { ...pool, priority: [] }
    return { label: `Add pool ${p.name}`, changes: [change(doc, 'pools', p.id, p), ...(at ? [layoutChange(doc, p.id, at)] : [])] }
  },
  updatePool(doc: ResourceDoc, id: string, fields: Partial<Pick<ResourcePool, 'name' | 'description' | 'resources'>>): ResourceCommand {
    const p = findPool(doc, id)
    if (!p) return { label: 'Edit pool', changes: [] }
    return { label: `Edit pool ${fields.name ?? p.name}`, changes: [change(doc, 'pools', id, { ...p, ...fields })] }
  },
  /** Removes the pool and every link to it. */
  removePool(doc: ResourceDoc, id: string): ResourceCommand {
    const p = findPool(doc, id)
    if (!p) return { label: 'Delete pool', changes: [] }
    const out: ResourceChange[] = []
    for (const prof of doc.profiles) {
      if (prof.links.some((l) => l.pool === id)) out.push(change(doc, 'profiles', prof.id, { ...prof, links: prof.links.filter((l) => l.pool !== id) }))
    }
    out.push(change(doc, 'pools', id, null))
    if (doc.layout[id]) out.push(layoutChange(doc, id, null))
    return { label: `Delete pool ${p.name}`, changes: out }
  },
  addProfile(doc: ResourceDoc, profile: Omit<ResourceProfile, 'links' | 'policyOrder'>, at?: Position): ResourceCommand {
    const p: ResourceProfile = { ...profile, links: [], policyOrder: [] }
    return { label: `Add profile ${p.name}`, changes: [change(doc, 'profiles', p.id, p), ...(at ? [layoutChange(doc, p.id, at)] : [])] }
  },
  updateProfile(doc: ResourceDoc, id: string, fields: Partial<Pick<ResourceProfile, 'name' | 'description' | 'allotment' | 'costField'>>): ResourceCommand {
    const p = findProfile(doc, id)
    if (!p) return { label: 'Edit profile', changes: [] }
    return { label: `Edit profile ${fields.name ?? p.name}`, changes: [change(doc, 'profiles', id, { ...p, ...fields })] }
  },
  /** Removes the profile and its links (from its pools' priority lists too). */
  removeProfile(doc: ResourceDoc, id: string): ResourceCommand {
    const p = findProfile(doc, id)
    if (!p) return { label: 'Delete profile', changes: [] }
    const out: ResourceChange[] = []
    const linkIds = new Set(p.links.map((l) => l.id))
    for (const pool of doc.pools) {
      if (pool.priority.some((l) => linkIds.has(l))) out.push(change(doc, 'pools', pool.id, { ...pool, priority: pool.priority.filter((l) => !linkIds.has(l)) }))
    }
    out.push(change(doc, 'profiles', id, null))
    if (doc.layout[id]) out.push(layoutChange(doc, id, null))
    return { label: `Delete profile ${p.name}`, changes: out }
  },
  /** Links a profile to a pool: last in the profile's precedence and in the pool's execution priority. */
  connect(doc: ResourceDoc, profileId: string, poolId: string, link: { id: string; name: string }): ResourceCommand {
    const prof = findProfile(doc, profileId)
    const pool = findPool(doc, poolId)
    if (!prof || !pool || connectProblem(doc, profileId, poolId) || linkNameProblem(doc, link.name, null)) return { label: 'Connect profile', changes: [] }
    return {
      label: `Connect ${prof.name} to ${pool.name}`,
      changes: [
        change(doc, 'profiles', profileId, { ...prof, links: [...prof.links, { id: link.id, name: link.name.trim(), pool: poolId, queueName: null }] }),
        change(doc, 'pools', poolId, { ...pool, priority: [...pool.priority, link.id] })
      ]
    }
  },
  disconnect(doc: ResourceDoc, linkId: string): ResourceCommand {
    const prof = profileOfLink(doc, linkId)
    const link = prof?.links.find((l) => l.id === linkId)
    const pool = link && findPool(doc, link.pool)
    if (!prof || !link) return { label: 'Disconnect', changes: [] }
    const out: ResourceChange[] = [change(doc, 'profiles', prof.id, { ...prof, links: prof.links.filter((l) => l.id !== linkId) })]
    if (pool) out.push(change(doc, 'pools', pool.id, { ...pool, priority: pool.priority.filter((l) => l !== linkId) }))
    return { label: `Disconnect ${link.name}`, changes: out }
  },
  renameLink(doc: ResourceDoc, linkId: string, name: string): ResourceCommand {
    const prof = profileOfLink(doc, linkId)
    if (!prof) return { label: 'Rename link', changes: [] }
    return { label: `Rename link to ${name}`, changes: [change(doc, 'profiles', prof.id, { ...prof, links: prof.links.map((l) => (l.id === linkId ? { ...l, name: name.trim() } : l)) })] }
  },
  /** A pool's execution priority: move the link at `from` to `to`. */
  reorderPoolPriority(doc: ResourceDoc, poolId: string, from: number, to: number): ResourceCommand {
    const pool = findPool(doc, poolId)
    if (!pool || from === to || from < 0 || from >= pool.priority.length) return { label: 'Reorder', changes: [] }
    return { label: `Reorder ${pool.name}’s execution priority`, changes: [change(doc, 'pools', poolId, { ...pool, priority: move(pool.priority, from, to) })] }
  },
  /** A profile's pool precedence: move the link at `from` to `to`. */
  reorderProfileLinks(doc: ResourceDoc, profileId: string, from: number, to: number): ResourceCommand {
    const prof = findProfile(doc, profileId)
    if (!prof || from === to || from < 0 || from >= prof.links.length) return { label: 'Reorder', changes: [] }
    return { label: `Reorder ${prof.name}’s pool precedence`, changes: [change(doc, 'profiles', profileId, { ...prof, links: move(prof.links, from, to) })] }
  },
  /** A profile's policy priority: move the connection at `from` to `to`. */
  reorderPolicies(doc: ResourceDoc, profileId: string, from: number, to: number): ResourceCommand {
    const prof = findProfile(doc, profileId)
    if (!prof || from === to || from < 0 || from >= prof.policyOrder.length) return { label: 'Reorder', changes: [] }
    return { label: `Reorder ${prof.name}’s policy priority`, changes: [change(doc, 'profiles', profileId, { ...prof, policyOrder: move(prof.policyOrder, from, to) })] }
  },
  /** Card positions (one command for a drag of one or several cards, or an auto layout). */
  place(doc: ResourceDoc, positions: Record<string, Position>, label = 'Move'): ResourceCommand {
    const out: ResourceChange[] = []
    for (const [id, pos] of Object.entries(positions)) {
      const before = doc.layout[id]
      if (!before || before.x !== pos.x || before.y !== pos.y) out.push(layoutChange(doc, id, { x: pos.x, y: pos.y }))
    }
    return { label, changes: out }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Layout: pools in rows on top, profiles in rows below, each profile under the pools it links to.

export const CARD = { poolWidth: 260, poolHeight: 170, profileWidth: 260, profileHeight: 190, gapX: 40, gapY: 60 }

export function autoLayout(doc: ResourceDoc, perRow = 12): Record<string, Position> {
  const out: Record<string, Position> = {}
  const col = new Map<string, number>()
  const stepX = CARD.poolWidth + CARD.gapX
  doc.pools.forEach((p, i) => {
    out[p.id] = { x: (i % perRow) * stepX, y: Math.floor(i / perRow) * (CARD.poolHeight + CARD.gapY) }
    col.set(p.id, i)
  })
  const poolRows = Math.ceil(doc.pools.length / perRow)
  const top = poolRows * (CARD.poolHeight + CARD.gapY) + CARD.gapY * 2
  // Order profiles by the mean position of their pools (fewer crossing links), unlinked ones last.
  const weight = (p: ResourceProfile) => {
    const cols = p.links.map((l) => col.get(l.pool)).filter((x): x is number => x !== undefined)
    return cols.length ? cols.reduce((a, b) => a + b, 0) / cols.length : Number.MAX_SAFE_INTEGER
  }
  const ordered = doc.profiles.map((p, i) => ({ p, w: weight(p), i })).sort((a, b) => a.w - b.w || a.i - b.i)
  ordered.forEach(({ p }, i) => {
    out[p.id] = { x: (i % perRow) * stepX, y: top + Math.floor(i / perRow) * (CARD.profileHeight + CARD.gapY) }
  })
  return out
}

/** Where a new card goes: below or right of everything of its kind. */
export function freeSpot(doc: ResourceDoc, kind: 'pool' | 'profile'): Position {
  const ids = new Set((kind === 'pool' ? doc.pools : doc.profiles).map((x) => x.id))
  let maxX = -Infinity
  let y = kind === 'pool' ? 0 : CARD.poolHeight + CARD.gapY * 3
  for (const [id, pos] of Object.entries(doc.layout)) {
    if (!ids.has(id)) continue
    if (pos.x > maxX) {
      maxX = pos.x
      y = pos.y
    }
  }
  if (kind === 'profile') {
    const poolBottom = Math.max(-Infinity, ...doc.pools.map((p) => (doc.layout[p.id]?.y ?? 0) + CARD.poolHeight))
    if (maxX === -Infinity && Number.isFinite(poolBottom)) y = poolBottom + CARD.gapY * 2
  }
  return { x: maxX === -Infinity ? 0 : maxX + CARD.poolWidth + CARD.gapX, y }
}

// ---------------------------------------------------------------------------------------------------------
// Plan: what provisioning `mine` over `base` changes, object by object, in words.

export interface ResourceDiffEntry {
  entity: 'pool' | 'profile' | 'link' | 'order'
  action: 'added' | 'changed' | 'removed'
  id: string
  name: string
  details: string[]
}

export function diffResources(base: ResourceDoc, mine: ResourceDoc): ResourceDiffEntry[] {
  const out: ResourceDiffEntry[] = []
  const basePools = new Map(base.pools.map((p) => [p.id, p]))
  const mineProfiles = new Map(mine.profiles.map((p) => [p.id, p]))
  const baseProfiles = new Map(base.profiles.map((p) => [p.id, p]))
  const minePools = new Map(mine.pools.map((p) => [p.id, p]))
  const linkName = (doc: ResourceDoc, id: string) => profileOfLink(doc, id)?.links.find((l) => l.id === id)?.name ?? id
  const poolName = (id: string) => minePools.get(id)?.name ?? basePools.get(id)?.name ?? id
  for (const p of mine.pools) {
    const b = basePools.get(p.id)
    if (!b) {
      out.push({ entity: 'pool', action: 'added', id: p.id, name: p.name, details: [`${fmt(p.resources)} resources`] })
      continue
    }
    const d: string[] = []
    if (b.name !== p.name) d.push(`renamed from “${b.name}”`)
    if (b.resources !== p.resources) d.push(`resources ${fmt(b.resources)} → ${fmt(p.resources)}`)
    if (b.description !== p.description) d.push('description changed')
    if (d.length) out.push({ entity: 'pool', action: 'changed', id: p.id, name: p.name, details: d })
    const sameSet = b.priority.length === p.priority.length && b.priority.every((x) => p.priority.includes(x))
    if (sameSet && b.priority.join() !== p.priority.join()) {
      out.push({ entity: 'order', action: 'changed', id: p.id, name: `${p.name} execution priority`, details: [p.priority.map((l) => linkName(mine, l)).join(' → ')] })
    }
  }
  for (const b of base.pools) if (!minePools.has(b.id)) out.push({ entity: 'pool', action: 'removed', id: b.id, name: b.name, details: [] })
  for (const p of mine.profiles) {
    const b = baseProfiles.get(p.id)
    if (!b) {
      out.push({ entity: 'profile', action: 'added', id: p.id, name: p.name, details: [p.costField ? `dynamic: ${p.costField}, default ${fmt(p.allotment)}` : `allotment ${fmt(p.allotment)}`] })
    } else {
      const d: string[] = []
      if (b.name !== p.name) d.push(`renamed from “${b.name}”`)
      if (b.allotment !== p.allotment) d.push(`allotment ${fmt(b.allotment)} → ${fmt(p.allotment)}`)
      if (b.costField !== p.costField) d.push(p.costField ? `dynamic capacity: ${p.costField}` : 'fixed allotment')
      if (b.description !== p.description) d.push('description changed')
      if (d.length) out.push({ entity: 'profile', action: 'changed', id: p.id, name: p.name, details: d })
      const baseIds = new Set(b.links.map((l) => l.id))
      const mineIds = p.links.map((l) => l.id).filter((id) => baseIds.has(id))
      const baseOrder = b.links.map((l) => l.id).filter((id) => mineIds.includes(id))
      if (mineIds.join() !== baseOrder.join()) {
        out.push({ entity: 'order', action: 'changed', id: p.id, name: `${p.name} pool precedence`, details: [p.links.map((l) => poolName(l.pool)).join(' → ')] })
      }
      if (b.policyOrder.join() !== p.policyOrder.join()) out.push({ entity: 'order', action: 'changed', id: p.id, name: `${p.name} policy priority`, details: [] })
    }
    const baseLinks = new Map((b?.links ?? []).map((l) => [l.id, l]))
    for (const l of p.links) {
      const bl = baseLinks.get(l.id)
      if (!bl) out.push({ entity: 'link', action: 'added', id: l.id, name: l.name, details: [`${p.name} → ${poolName(l.pool)}`] })
      else if (bl.name !== l.name || bl.pool !== l.pool) out.push({ entity: 'link', action: 'changed', id: l.id, name: l.name, details: [bl.name !== l.name ? `renamed from “${bl.name}”` : `now to ${poolName(l.pool)}`] })
    }
    const mineLinkIds = new Set(p.links.map((l) => l.id))
    for (const bl of b?.links ?? []) if (!mineLinkIds.has(bl.id)) out.push({ entity: 'link', action: 'removed', id: bl.id, name: bl.name, details: [`${p.name} → ${poolName(bl.pool)}`] })
  }
  for (const b of base.profiles) {
    if (mineProfiles.has(b.id)) continue
    out.push({ entity: 'profile', action: 'removed', id: b.id, name: b.name, details: b.policyOrder.length ? [`its ${b.policyOrder.length} policy queue(s) are deleted`] : [] })
    for (const l of b.links) out.push({ entity: 'link', action: 'removed', id: l.id, name: l.name, details: [`${b.name} → ${poolName(l.pool)}`] })
  }
  return out
}

/** A number as people write it: 0.5, 4, 0.143. */
export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000)
}

// ---------------------------------------------------------------------------------------------------------
// What the console reads (resources.* methods of the contract).

/** The provisioned configuration with its live figures. */
export interface ResourceState {
  /** The provisioned (published) configuration; its layout is the last one used on this desktop, or auto. */
  config: ResourceDoc
  live: ResourceLive
  /** Resource management (the policy manager) is on. */
  managerEnabled: boolean
  /** The server holds saved but unprovisioned edits. */
  pendingEdits: boolean
}

export interface PolicyInfo {
  id: string
  name: string
  description: string
  reservation: number
  limit: number
  /** Resources its running jobs use now. */
  usage: number
  userGroup: string
  userGroupName: string
  missingProfileConnections: boolean
}

export interface PolicyTask {
  id: string
  name: string
  status: string
  type: string
  started: string | null
  cost: number
  project: { id: string; name: string } | null
  user: { id: string; name: string } | null
}

export interface PolicyProfileLink {
  profileId: string
  profileName: string
  allotment: number
  costField: string | null
  queued: number
  running: number
  /** The profile's pools in routing (precedence) order. */
  pools: string[]
  queue: { id: string; name: string; displayName: string | null }
}

export interface PolicyDetails extends PolicyInfo {
  profiles: PolicyProfileLink[]
  tasks: PolicyTask[]
  /** Members of the policy's user group (admins only; empty when the server does not say). */
  members: Array<{ id: string; name: string }>
}

/** The server's dry run of provisioning (resources.test_configuration_publishing), plus the console's own rules. */
export interface ResourceValidation {
  affectedPolicies: Array<{ id: string; name: string; queuesToDelete: Array<{ id: string; name: string; displayName: string | null; tasks: number }> }>
  notLinkedProfiles: Array<{ id: string; name: string }>
  problems: ResourceProblem[]
}

/** The reasons a validation says the configuration cannot (or should not silently) be provisioned, in words. */
export function validationMessages(v: ResourceValidation): string[] {
  const out = v.problems.map((p) => p.message)
  for (const p of v.notLinkedProfiles) if (!out.some((m) => m.startsWith(`${p.name} is linked to no pool`))) out.push(`${p.name} is linked to no pool: its jobs could never run`)
  for (const a of v.affectedPolicies) {
    for (const q of a.queuesToDelete) {
      out.push(`Policy ${a.name}: queue ${q.displayName || q.name} is deleted${q.tasks ? ` and its ${q.tasks} pending job${q.tasks === 1 ? '' : 's'} return to draft` : ''}`)
    }
  }
  return out
}

/**
 * Three-way merge for a rebase: object by object (and field by field within an object), what I changed since
 * `base` wins, everything else is the server's. Objects either side added stay; an object I deleted goes; the
 * pools' execution priorities are repaired to list exactly the links to them. Card positions are mine.
 */
export function mergeResources(base: ResourceDoc, mine: ResourceDoc, server: ResourceDoc): ResourceDoc {
  const mergeList = <T extends { id: string }>(b: T[], m: T[], s: T[]): T[] => {
    const bm = new Map(b.map((x) => [x.id, x]))
    const mm = new Map(m.map((x) => [x.id, x]))
    const out: T[] = []
    for (const sv of s) {
      const bv = bm.get(sv.id)
      const mv = mm.get(sv.id)
      if (!mv) {
        // I deleted it (it was in the base), or it is new on the server.
        if (!bv) out.push(sv)
        continue
      }
      if (!bv) {
        out.push(mv)
        continue
      }
      const merged = { ...sv } as Record<string, unknown>
      for (const k of Object.keys(mv)) {
        const mine = (mv as Record<string, unknown>)[k]
        if (JSON.stringify(mine) !== JSON.stringify((bv as Record<string, unknown>)[k])) merged[k] = mine
      }
      out.push(merged as T)
    }
    const onServer = new Set(s.map((x) => x.id))
    // Mine that the server does not have: added by me, or deleted on the server while I changed it.
    for (const mv of m) {
      if (onServer.has(mv.id)) continue
      const bv = bm.get(mv.id)
      if (!bv || JSON.stringify(bv) !== JSON.stringify(mv)) out.push(mv)
    }
    return out
  }
  const pools = mergeList(base.pools, mine.pools, server.pools)
  const poolIds = new Set(pools.map((p) => p.id))
  const profiles = mergeList(base.profiles, mine.profiles, server.profiles).map((p) => ({ ...p, links: p.links.filter((l) => poolIds.has(l.pool)) }))
  const linksTo = new Map<string, string[]>()
  for (const p of profiles) for (const l of p.links) linksTo.set(l.pool, [...(linksTo.get(l.pool) ?? []), l.id])
  const repaired = pools.map((p) => {
    const want = linksTo.get(p.id) ?? []
    const kept = p.priority.filter((id) => want.includes(id))
    return { ...p, priority: [...kept, ...want.filter((id) => !kept.includes(id))] }
  })
  return { pools: repaired, profiles, layout: { ...server.layout, ...mine.layout } }
}
