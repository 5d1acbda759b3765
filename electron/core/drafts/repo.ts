// The drafts table: one row per draft, keyed by kind and server object; content and base sealed by the
// secret store. Every write is one statement or one transaction (autosave survives kill -9).
import { randomUUID } from 'node:crypto'
import { ApiError, type Draft, type DraftContent, type DraftKind, type DraftOp, type DraftSummary } from '../../../shared/api'
import type { Db } from '../db'
import type { SecretStore } from '../secrets'

interface Row {
  id: string
  connection_id: string | null
  kind: DraftKind
  server_id: string | null
  name: string
  op: DraftOp
  content_ref: string
  base_ref: string | null
  base_hash: string | null
  created_at: number
  updated_at: number
}

export interface NewDraft<K extends DraftKind> {
  kind: K
  connectionId: string | null
  serverId: string | null
  name: string
  op: DraftOp
  content: DraftContent[K]
  base: DraftContent[K] | null
  baseHash: string | null
}

export class DraftRepo {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretStore,
    private readonly now: () => number = Date.now
  ) {}

  private seal(v: unknown): string {
    return this.secrets.encrypt(JSON.stringify(v))
  }
  private open<T>(ref: string | null, what: string): T | null {
    if (ref === null) return null
    const plain = this.secrets.decrypt(ref)
    if (plain === undefined) throw new ApiError('internal', `This draft's ${what} cannot be decrypted on this machine (the secret store changed).`)
    return JSON.parse(plain) as T
  }
  private summary(r: Row): DraftSummary {
    return {
      id: r.id,
      kind: r.kind,
      connectionId: r.connection_id,
      serverId: r.server_id,
      name: r.name,
      op: r.op,
      baseHash: r.base_hash,
      createdAt: r.created_at,
      updatedAt: r.updated_at
    }
  }
  private full(r: Row): Draft {
    return { ...this.summary(r), content: this.open(r.content_ref, 'content')!, base: this.open(r.base_ref, 'base') } as Draft
  }

  list(connectionId: string | null, kind?: DraftKind): DraftSummary[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM drafts WHERE connection_id IS ? ${kind ? 'AND kind = ?' : ''} ORDER BY updated_at DESC`
      )
      .all(...(kind ? [connectionId, kind] : [connectionId])) as Row[]
    return rows.map((r) => this.summary(r))
  }

  get(id: string): Draft | undefined {
    const r = this.db.prepare(`SELECT * FROM drafts WHERE id = ?`).get(id) as Row | undefined
    return r ? this.full(r) : undefined
  }

  require(id: string): Draft {
    const d = this.get(id)
    if (!d) throw new ApiError('not_found', `No draft with id ${id}; it may have been applied or discarded.`, { field: 'id' })
    return d
  }

  forObject(connectionId: string, kind: DraftKind, serverId: string): Draft | undefined {
    const r = this.db.prepare(`SELECT * FROM drafts WHERE connection_id = ? AND kind = ? AND server_id = ?`).get(connectionId, kind, serverId) as Row | undefined
    return r ? this.full(r) : undefined
  }

  create<K extends DraftKind>(d: NewDraft<K>): Draft<K> {
    const id = randomUUID()
    const t = this.now()
    this.db
      .prepare(
        `INSERT INTO drafts(id, connection_id, kind, server_id, name, op, content_ref, base_ref, base_hash, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(id, d.connectionId, d.kind, d.serverId, d.name, d.op, this.seal(d.content), d.base === null ? null : this.seal(d.base), d.baseHash, t, t)
    return this.require(id) as Draft<K>
  }

  /** Autosave: the content (and name) as the user has it now. */
  save(id: string, patch: { name?: string; content: unknown; op?: DraftOp }): number {
    const t = this.now()
    const r = this.db
      .prepare(`UPDATE drafts SET content_ref = ?, name = COALESCE(?, name), op = COALESCE(?, op), updated_at = ? WHERE id = ?`)
      .run(this.seal(patch.content), patch.name ?? null, patch.op ?? null, t, id)
    if (r.changes === 0) throw new ApiError('not_found', `No draft with id ${id}; it may have been applied or discarded.`, { field: 'id' })
    return t
  }

  /** A new base (rebase), optionally with new content. */
  rebase(id: string, base: unknown, baseHash: string | null, content?: unknown): void {
    this.db
      .prepare(`UPDATE drafts SET base_ref = ?, base_hash = ?, content_ref = COALESCE(?, content_ref), updated_at = ? WHERE id = ?`)
      .run(base === null ? null : this.seal(base), baseHash, content === undefined ? null : this.seal(content), this.now(), id)
  }

  /** After a create was applied: the draft now stands for that server object. */
  attach(id: string, serverId: string): void {
    this.db.prepare(`UPDATE drafts SET server_id = ? WHERE id = ?`).run(serverId, id)
  }

  discard(ids: readonly string[]): number {
    const del = this.db.prepare(`DELETE FROM drafts WHERE id = ?`)
    const tx = this.db.transaction(() => ids.reduce((n, id) => n + del.run(id).changes, 0))
    return tx()
  }
}
