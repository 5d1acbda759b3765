// Plan and apply for every kind: compare each draft with the server's current state (three-way, against the
// draft's base), send what changed, never overwrite a change made on the server meanwhile, and keep every
// draft that did not go through. Each applied change set is recorded in the provisioning history.
import { randomUUID } from 'node:crypto'
import {
  ApiError,
  type ApplyItemResult,
  type ApplyOutcome,
  type ApplyProgress,
  type Draft,
  type DraftContent,
  type DraftKind,
  type HistoryRun,
  type Plan,
  type PlanItem
} from '../../../shared/api'
import type { Db } from '../db'
import type { SecretStore } from '../secrets'
import type { Provisioner, ServerCopy } from './provisioner'
import type { DraftRepo } from './repo'

export interface EngineContext {
  db: Db
  secrets: SecretStore
  drafts: DraftRepo
  provisioners: { [K in DraftKind]?: Provisioner<K> }
  /** The active connection, with who is signed in (for the history). */
  active(): { id: string; name: string; apiUrl: string; user: string } | null
  requireOnline(what: string): void
  progress(p: ApplyProgress): void
}

export class DraftEngine {
  constructor(private readonly ctx: EngineContext) {}

  provisioner<K extends DraftKind>(kind: K): Provisioner<K> {
    const p = this.ctx.provisioners[kind] as Provisioner<K> | undefined
    if (!p) throw new ApiError('invalid_input', `Drafts of kind ${kind} are not provisioned to a server.`)
    return p
  }

  /** The draft of a server object: the existing one, or a new one whose base is the server's current state. */
  async open<K extends DraftKind>(connectionId: string, kind: K, serverId: string): Promise<Draft<K>> {
    const existing = this.ctx.drafts.forObject(connectionId, kind, serverId)
    if (existing) return existing as Draft<K>
    const p = this.provisioner(kind)
    let copy: ServerCopy<K> | null | undefined
    try {
      this.ctx.requireOnline('open an object from the server')
      copy = (await p.fetchAll()).get(serverId)
    } catch (e) {
      // Offline, a kind that keeps a cached copy still opens: the draft's base is the copy last read.
      copy = p.offline?.(serverId)
      if (!copy) throw e
    }
    if (!copy) throw new ApiError('not_found', `The server has no such object (${serverId}); it may have been deleted.`, { field: 'serverId' })
    const doc = copy.doc
    // Edits saved on the server (not yet applied) are where the editor left off.
    const content = copy.pending ?? doc
    if (copy.pending) p.acknowledge?.(copy)
    return this.ctx.drafts.create({ kind, connectionId, serverId, name: p.nameOf(doc), op: 'upsert', content, base: doc, baseHash: token(p, copy) })
  }

  /** A draft that deletes a server object (an existing draft of it becomes the deletion). */
  async remove<K extends DraftKind>(connectionId: string, kind: K, serverId: string): Promise<Draft<K>> {
    const d = await this.open(connectionId, kind, serverId)
    this.ctx.drafts.save(d.id, { content: d.content, op: 'delete' })
    return this.ctx.drafts.require(d.id) as Draft<K>
  }

  async plan(connectionId: string, drafts: Draft[], opts: { preview?: boolean } = {}): Promise<Plan> {
    this.ctx.requireOnline('compare drafts with the server')
    const byKind = new Map<DraftKind, Draft[]>()
    for (const d of drafts) if (d.kind !== 'scratch') byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d])
    const items: PlanItem[] = []
    for (const [kind, list] of byKind) {
      const p = this.provisioner(kind)
      const server = await p.fetchAll()
      for (const d of list) {
        const it = this.planItem(p, d, server)
        if (opts.preview && p.preview && (it.action === 'create' || it.action === 'update')) {
          try {
            it.consequences = await p.preview(it.mine as never)
          } catch (e) {
            it.consequences = [`The server’s dry run failed: ${e instanceof Error ? e.message : String(e)}`]
          }
        }
        items.push(it)
      }
    }
    return { connectionId, createdAt: Date.now(), items }
  }

  private planItem<K extends DraftKind>(p: Provisioner<K>, d: Draft, server: Map<string, ServerCopy<K>>): PlanItem {
    const mine = d.content as DraftContent[K]
    const copy = d.serverId ? (server.get(d.serverId) ?? null) : null
    const current = copy?.doc ?? null
    const serverHash = copy ? token(p, copy) : null
    const item = (action: PlanItem['action'], reason: string | null, notes: string[] = []): PlanItem => ({
      draftId: d.id,
      kind: d.kind,
      serverId: d.serverId,
      name: d.name,
      action,
      reason,
      base: d.base,
      mine: d.op === 'delete' ? null : mine,
      server: current,
      serverHash,
      notes,
      consequences: null
    })
    if (d.op === 'delete') {
      if (!current) return item('gone', 'Already deleted on the server')
      if (d.baseHash && serverHash !== d.baseHash) return item('conflict', 'Changed on the server since your draft started')
      return item('delete', null)
    }
    const invalid = p.invalid(mine)
    if (!d.serverId) {
      // A create whose answer was lost may already exist: the same document on the server counts as done.
      const mineHash = p.fingerprint(mine)
      for (const [id, c] of server) {
        if (p.fingerprint(c.doc) === mineHash) return { ...item('unchanged', 'Already on the server'), serverId: id, server: c.doc, serverHash: token(p, c) }
      }
      return invalid ? item('invalid', invalid) : item('create', null, p.notes(mine))
    }
    if (!current) return item('conflict', 'Deleted on the server since your draft started')
    if (d.baseHash && serverHash !== d.baseHash) return item('conflict', 'Changed on the server since your draft started')
    const blocked = copy && p.blocked?.(mine, copy)
    if (blocked && copy?.pending) return { ...item('conflict', blocked), server: copy.pending }
    if (p.fingerprint(mine) === p.fingerprint(current)) return item('unchanged', null)
    return invalid ? item('invalid', invalid) : item('update', null, p.notes(mine))
  }

  /**
   * Re-checks the plan against the server, then sends each change. `expected` holds each draft's server
   * fingerprint as the user saw it in the plan: a server that moved since is skipped, never overwritten.
   * Applied drafts are done (removed); failed and skipped ones stay drafts, so a retry completes them.
   */
  async apply(connectionId: string, ids: string[], expected: Record<string, string | null>): Promise<ApplyOutcome> {
    const active = this.ctx.active()
    if (!active || active.id !== connectionId) throw new ApiError('no_connection', 'No active connection.')
    const drafts = ids.map((id) => this.ctx.drafts.require(id))
    for (const d of drafts) {
      if (d.connectionId !== connectionId) throw new ApiError('invalid_input', `The draft “${d.name}” belongs to another connection.`)
    }
    const plan = await this.plan(connectionId, drafts)
    const runId = randomUUID()
    const { db } = this.ctx
    db.prepare(`INSERT INTO provisioning_runs(id, connection_id, connection_name, server_url, applied_by, started_at) VALUES (?, ?, ?, ?, ?, ?)`).run(
      runId,
      connectionId,
      active.name,
      active.apiUrl,
      active.user,
      Date.now()
    )
    const insertChange = db.prepare(
      `INSERT INTO provisioning_changes(run_id, seq, kind, server_id, name, action, result, message, before_ref, after_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    const results: ApplyItemResult[] = []
    let seq = 0
    for (const it of plan.items) {
      const p = this.provisioner(it.kind)
      let r: ApplyItemResult
      const base = { draftId: it.draftId, name: it.name, action: it.action, serverId: it.serverId }
      const moved = Object.prototype.hasOwnProperty.call(expected, it.draftId) && expected[it.draftId] !== it.serverHash
      if (it.action === 'conflict') r = { ...base, result: 'skipped', message: `${it.reason}: review it before sending` }
      else if (moved) r = { ...base, result: 'skipped', message: 'The server changed after you reviewed the plan: review it again' }
      else if (it.action === 'invalid') r = { ...base, result: 'failed', message: it.reason ?? 'The draft does not validate' }
      else if (it.action === 'unchanged' || it.action === 'gone') {
        r = { ...base, result: 'applied', message: it.reason ?? 'Already as on the server' }
      } else {
        try {
          let serverId = it.serverId
          let said: void | string = undefined
          if (it.action === 'create') serverId = await p.create(it.mine as never)
          else if (it.action === 'update') said = await p.update(it.serverId!, it.mine as never)
          else if (it.action === 'delete') await p.remove(it.serverId!)
          r = { ...base, serverId, result: 'applied', message: said || (it.notes.length ? it.notes.join(' ') : 'Applied') }
        } catch (e) {
          const err = e instanceof Error ? e : new Error(String(e))
          r = { ...base, result: 'failed', message: err.message }
        }
      }
      const after = r.result === 'applied' ? (it.action === 'delete' || it.action === 'gone' ? null : it.mine ?? it.server) : it.server
      db.transaction(() => {
        insertChange.run(
          runId,
          seq++,
          it.kind,
          r.serverId,
          it.name,
          it.action,
          r.result,
          r.message,
          it.server === null ? null : this.ctx.secrets.encrypt(JSON.stringify(it.server)),
          after === null || after === undefined ? null : this.ctx.secrets.encrypt(JSON.stringify(after))
        )
        if (r.result === 'applied') this.ctx.drafts.discard([it.draftId])
      })()
      results.push(r)
      this.ctx.progress({ runId, done: results.length, total: plan.items.length, item: r })
    }
    db.prepare(`UPDATE provisioning_runs SET finished_at = ? WHERE id = ?`).run(Date.now(), runId)
    const count = (k: ApplyItemResult['result']) => results.filter((x) => x.result === k).length
    return { runId, items: results, applied: count('applied'), failed: count('failed'), skipped: count('skipped') }
  }

  /** Resolve a conflict: rebase keeps my changed fields over the server's version; overwrite keeps mine whole. */
  async resolve(connectionId: string, id: string, choice: 'rebase' | 'overwrite'): Promise<Draft> {
    this.ctx.requireOnline('compare with the server')
    const d = this.ctx.drafts.require(id)
    if (d.connectionId !== connectionId) throw new ApiError('invalid_input', `The draft “${d.name}” belongs to another connection.`)
    const p = this.provisioner(d.kind)
    const copy = d.serverId ? ((await p.fetchAll()).get(d.serverId) ?? null) : null
    const server = copy?.doc ?? null
    if (copy) p.acknowledge?.(copy)
    if (!copy || !server) {
      if (choice === 'rebase') throw new ApiError('conflict', 'The object was deleted on the server: there is nothing to rebase on. Overwrite to create it again, or discard the draft.')
      // Overwrite a deleted object: the draft creates it again.
      this.ctx.db.prepare(`UPDATE drafts SET server_id = NULL, base_ref = NULL, base_hash = NULL, op = 'upsert' WHERE id = ?`).run(id)
      return this.ctx.drafts.require(id)
    }
    const merge = p.merge ?? ((b: object, m: object, s: object) => threeWay(b, m, s))
    const content = choice === 'rebase' && d.base && d.op === 'upsert' ? merge(d.base as never, d.content as never, server as never) : undefined
    this.ctx.drafts.rebase(id, server, token(p, copy), content)
    return this.ctx.drafts.require(id)
  }

  history(connectionId: string | null, limit: number): HistoryRun[] {
    const { db, secrets } = this.ctx
    const runs = db
      .prepare(`SELECT * FROM provisioning_runs WHERE connection_id IS ? ORDER BY started_at DESC LIMIT ?`)
      .all(connectionId, limit) as Array<{ id: string; connection_id: string | null; connection_name: string; server_url: string; applied_by: string; started_at: number; finished_at: number | null }>
    const changes = db.prepare(`SELECT * FROM provisioning_changes WHERE run_id = ? ORDER BY seq`)
    const unseal = (ref: string | null) => {
      if (ref === null) return null
      const plain = secrets.decrypt(ref)
      return plain === undefined ? null : (JSON.parse(plain) as unknown)
    }
    return runs.map((r) => {
      const list = (changes.all(r.id) as Array<{ kind: DraftKind; server_id: string | null; name: string; action: PlanItem['action']; result: ApplyItemResult['result']; message: string; before_ref: string | null; after_ref: string | null }>).map((c) => ({
        kind: c.kind,
        serverId: c.server_id,
        name: c.name,
        action: c.action,
        result: c.result,
        message: c.message,
        before: unseal(c.before_ref),
        after: unseal(c.after_ref)
      }))
      return {
        id: r.id,
        connectionId: r.connection_id,
        connectionName: r.connection_name,
        serverUrl: r.server_url,
        appliedBy: r.applied_by,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        applied: list.filter((c) => c.result === 'applied').length,
        failed: list.filter((c) => c.result === 'failed').length,
        skipped: list.filter((c) => c.result === 'skipped').length,
        changes: list
      }
    })
  }
}

/**
 * The server's token for an object: the fingerprint of the fields that matter (works against a server that
 * has no version field), plus the server's version when it gives one (then every write on the server counts).
 */
function token<K extends DraftKind>(p: Provisioner<K>, c: ServerCopy<K>): string {
  const fp = p.fingerprint(c.doc)
  return c.version === null ? fp : `${fp}@v${c.version}`
}

/** Field by field: where I did not change a field since the base, the server's value wins; otherwise mine. */
export function threeWay<T extends object>(base: T, mine: T, server: T): T {
  const out = { ...server } as Record<string, unknown>
  const b = base as Record<string, unknown>
  const m = mine as Record<string, unknown>
  for (const k of Object.keys(m)) if (JSON.stringify(m[k]) !== JSON.stringify(b[k])) out[k] = m[k]
  return out as T
}
