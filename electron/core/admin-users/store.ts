// The local tables behind Users & Groups: the organisation's users (and pending invitations) and the access rules,
// written with one prepared upsert per row in few, large transactions (a sync's pages are collected as they arrive
// and written together when the users sync finishes; the rules in one transaction), and queried locally (search by
// name, email or id, sort by any column, offset/limit) so a 50,000-user table filters as the administrator types.
//
// Why few transactions: the name index takes its entries in random order, so every commit rewrites most of the
// index's pages (and checkpoints them); one commit per 10,000-user page wrote the index five times over.
import type { ListQuery } from '../../../shared/api'
import type { AdminUser, UserOrder } from '../../../shared/domain/admin-users'
import type BetterSqlite3 from 'better-sqlite3'
import type { Db } from '../db'

/** A user as `users.get_all_ex {include_auth, include_activity}` answers it (fields we read). */
export interface WireUser {
  id: string
  name?: string | null
  email?: string | null
  role?: string | null
  created?: string | null
  read_only?: boolean | null
  sec_groups?: string[] | null
  activity?: {
    last_credentials_login?: string | null
    last_provider?: string | null
    last_provider_login?: string | null
    last_provider_name?: string | null
    last_ui_access?: string | null
  } | null
}

/** A `login.get_settings` whitelist entry. */
export interface WireInvite {
  email: string
  added?: string | null
  status?: string
  role?: string | null
}

/** A rule as `permissions.get_access_rules` answers it (fields we read). */
export interface WireRule {
  id: string
  name?: string | null
  description?: string | null
  entity_type?: string | null
  entity_id?: string | null
  entity_name?: string | null
  entity_display_name?: string | null
  access_permission?: string | null
  groups?: Array<{ id: string; name?: string }> | null
  users?: Array<{ id: string; name?: string; email?: string | null }> | null
  autocreated?: boolean | null
}

export const INVITE_PREFIX = 'invite:'
/** A users sync keeps at most about this many rows in memory before writing them (one transaction). */
export const MAX_PENDING_ROWS = 100_000

const ORDER_SQL: Record<UserOrder, string> = {
  name: 'name COLLATE NOCASE',
  email: 'email COLLATE NOCASE',
  status: 'kind',
  role: 'role',
  id: 'id',
  lastLogin: 'last_login',
  credentialsUsed: 'credentials_used',
  uiAccess: 'ui_access',
  added: 'added'
}

const COLUMNS = 'id, kind, name, email, role, added, groups, last_login, last_provider, credentials_used, ui_access, read_only'

interface UserRow {
  id: string
  kind: number
  name: string
  email: string | null
  role: string | null
  added: string | null
  groups: string
  last_login: string | null
  last_provider: string | null
  credentials_used: string | null
  ui_access: string | null
  read_only: number
}

/**
 * The in-memory search index of one connection's users: every row's search text in name order, and the row order of
 * each sort key (built from SQLite on first use, dropped on any write). Filtering 50,000 strings in memory takes a few
 * milliseconds, where a substring scan of the table in SQLite takes tens to hundreds.
 */
interface UserIndex {
  version: number
  ids: string[]
  search: string[]
  orders: Map<string, Int32Array>
  /** The last search: its order, its text and the positions of its matches (in that order). */
  lastSearch?: { order: Int32Array; needle: string; hits: Int32Array }
}

export class AdminStore {
  /** Bumped by every write to admin_users: an index built from an older version is dropped. */
  private version = 0
  private readonly indexes = new Map<string, UserIndex>()
  private readonly upsertUser
  private readonly upsertRule
  private readonly deleteStaleUsers
  private readonly deleteStaleInvites
  private readonly deleteStaleRules
  private readonly putSync
  private readonly getSync
  private readonly countRulesStmt
  private readonly countUsersStmt
  /** Pages of a users sync not written yet, per connection: written together by finishUsers (or when large). */
  private readonly pending = new Map<string, { gen: number; pages: (readonly WireUser[])[]; rows: number }>()

  private readonly statements = new Map<string, BetterSqlite3.Statement<unknown[]>>()
  private stmt(sql: string): BetterSqlite3.Statement<unknown[]> {
    let s = this.statements.get(sql)
    if (!s) this.statements.set(sql, (s = this.db.prepare<unknown[]>(sql)))
    return s
  }

  /**
   * A write of synced rows: one transaction, committed without waiting for the disk (synchronous = NORMAL, for this
   * transaction only). These tables are a cache of the server, re-synced on demand: a power cut may cost the last
   * sync, never the database's consistency (WAL), and the other tables keep the connection's usual setting.
   */
  private bulk<T>(write: () => T): T {
    const sqlite = this.db.sqlite
    const before = sqlite.pragma('synchronous', { simple: true }) as number
    if (before > 1) sqlite.pragma('synchronous = NORMAL')
    try {
      return this.db.transaction(write)()
    } finally {
      if (before > 1) sqlite.pragma(`synchronous = ${before}`)
    }
  }

  constructor(private readonly db: Db) {
    this.upsertUser = db.prepare(
      `INSERT INTO admin_users (connection_id, id, kind, name, email, role, added, groups, last_login, last_provider, credentials_used, ui_access, read_only, search, gen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (connection_id, id) DO UPDATE SET kind = excluded.kind, name = excluded.name, email = excluded.email, role = excluded.role,
         added = excluded.added, groups = excluded.groups, last_login = excluded.last_login, last_provider = excluded.last_provider,
         credentials_used = excluded.credentials_used, ui_access = excluded.ui_access, read_only = excluded.read_only, search = excluded.search, gen = excluded.gen`
    )
    this.upsertRule = db.prepare(
      `INSERT INTO admin_access_rules (connection_id, id, seq, name, description, entity_type, entity_id, entity_name, access_permission, groups, users, autocreated, search, gen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (connection_id, id) DO UPDATE SET seq = excluded.seq, name = excluded.name, description = excluded.description,
         entity_type = excluded.entity_type, entity_id = excluded.entity_id, entity_name = excluded.entity_name,
         access_permission = excluded.access_permission, groups = excluded.groups, users = excluded.users,
         autocreated = excluded.autocreated, search = excluded.search, gen = excluded.gen`
    )
    this.deleteStaleUsers = db.prepare('DELETE FROM admin_users WHERE connection_id = ? AND kind = 0 AND gen <> ?')
    this.deleteStaleInvites = db.prepare('DELETE FROM admin_users WHERE connection_id = ? AND kind = 1 AND gen <> ?')
    this.deleteStaleRules = db.prepare('DELETE FROM admin_access_rules WHERE connection_id = ? AND gen <> ?')
    this.putSync = db.prepare(
      `INSERT INTO admin_sync (connection_id, kind, synced_at, count, gen) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (connection_id, kind) DO UPDATE SET synced_at = excluded.synced_at, count = excluded.count, gen = excluded.gen`
    )
    this.getSync = db.prepare('SELECT synced_at AS syncedAt, count FROM admin_sync WHERE connection_id = ? AND kind = ?')
    this.countRulesStmt = db.prepare('SELECT count(*) AS n FROM admin_access_rules WHERE connection_id = ?')
    this.countUsersStmt = db.prepare('SELECT count(*) AS n FROM admin_users WHERE connection_id = ?')
  }

  /**
   * One page of a users sync: kept until finishUsers writes the whole sync in one transaction (the rows a search
   * sees change at once, and the name index is written once). A sync larger than MAX_PENDING_ROWS is written in
   * transactions of about that many rows, so memory stays bounded.
   */
  storeUsers(connectionId: string, users: readonly WireUser[], gen: number): void {
    let p = this.pending.get(connectionId)
    if (!p || p.gen !== gen) this.pending.set(connectionId, (p = { gen, pages: [], rows: 0 }))
    p.pages.push(users)
    p.rows += users.length
    if (p.rows >= MAX_PENDING_ROWS) this.flushPending(connectionId)
  }

  /** Write users now (one transaction), e.g. the few rows refreshed after a role change. */
  upsertUsers(connectionId: string, users: readonly WireUser[], gen: number): void {
    this.writeUsers(connectionId, [users], gen)
  }

  /** A users sync that failed: forget the pages it collected (the rows already written stay until the next sync). */
  abandonUsers(connectionId: string): void {
    this.pending.delete(connectionId)
  }

  private flushPending(connectionId: string): void {
    const p = this.pending.get(connectionId)
    if (!p?.pages.length) return
    const { pages, gen } = p
    p.pages = []
    p.rows = 0
    this.writeUsers(connectionId, pages, gen)
  }

  private writeUsers(connectionId: string, pages: readonly (readonly WireUser[])[], gen: number): void {
    this.version++
    this.bulk(() => this.writeRows(connectionId, pages, gen))
  }

  /** The upserts of some pages of users (inside the caller's transaction). */
  private writeRows(connectionId: string, pages: readonly (readonly WireUser[])[], gen: number): void {
    const stmt = this.upsertUser
    for (const users of pages)
      for (const u of users) {
        const a = u.activity
        const name = u.name ?? ''
        const email = u.email ?? null
        const groups = u.sec_groups
        stmt.run(
          connectionId,
          u.id,
          0,
          name,
          email,
          u.role ?? null,
          u.created ?? null,
          groups?.length ? `,${groups.join(',')},` : ',',
          a ? (a.last_provider_login ?? null) : null,
          a ? (a.last_provider_name ?? a.last_provider ?? null) : null,
          a ? (a.last_credentials_login ?? null) : null,
          a ? (a.last_ui_access ?? null) : null,
          u.read_only ? 1 : 0,
          (email ? `${name}\n${email}\n${u.id}` : `${name}\n\n${u.id}`).toLowerCase(),
          gen
        )
      }
  }

  /** Replace the pending invitations (one transaction); accepted ones are users already. */
  storeInvites(connectionId: string, invites: readonly WireInvite[], gen: number): number {
    this.version++
    const pending = invites.filter((i) => (i.status ?? 'pending') === 'pending')
    this.bulk(() => {
      for (const i of pending) {
        const email = i.email.toLowerCase()
        this.upsertUser.run(connectionId, INVITE_PREFIX + email, 1, email, email, i.role ?? null, i.added ?? null, ',', null, null, null, null, 0, email, gen)
      }
      this.deleteStaleInvites.run(connectionId, gen)
    })
    return pending.length
  }

  /** A finished users sync: write its pages, drop the users it did not see, record when (one transaction). */
  finishUsers(connectionId: string, gen: number, at: number): number {
    const p = this.pending.get(connectionId)
    this.pending.delete(connectionId)
    const pages = p && p.gen === gen ? p.pages : []
    this.version++
    return this.bulk(() => {
      this.writeRows(connectionId, pages, gen)
      this.deleteStaleUsers.run(connectionId, gen)
      const n = (this.countUsersStmt.get(connectionId) as { n: number }).n
      this.putSync.run(connectionId, 'users', at, n, gen)
      return n
    })
  }

  /** Store the access rules (one transaction), drop the ones not seen, record when. */
  storeRules(connectionId: string, rules: readonly WireRule[], gen: number, at: number): number {
    const stmt = this.upsertRule
    this.bulk(() => {
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i]
        const name = r.name ?? ''
        const entityName = r.entity_display_name ?? r.entity_name ?? null
        const groups = r.groups
        const users = r.users
        stmt.run(
          connectionId,
          r.id,
          i,
          name,
          r.description ?? null,
          r.entity_type ?? '',
          r.entity_id ?? null,
          entityName,
          r.access_permission ?? 'read',
          groups?.length ? JSON.stringify(groups) : '[]',
          users?.length ? JSON.stringify(users) : '[]',
          r.autocreated ? 1 : 0,
          (entityName ? `${name}\n${entityName}\n${r.id}` : `${name}\n\n${r.id}`).toLowerCase(),
          gen
        )
      }
      this.deleteStaleRules.run(connectionId, gen)
      this.putSync.run(connectionId, 'rules', at, rules.length, gen)
    })
    return rules.length
  }

  syncState(connectionId: string, kind: 'users' | 'rules'): { count: number; syncedAt: number } | null {
    return (this.getSync.get(connectionId, kind) as { count: number; syncedAt: number } | undefined) ?? null
  }

  countRules(connectionId: string): number {
    return (this.countRulesStmt.get(connectionId) as { n: number }).n
  }

  /** One page of users, searched by name, email or id (substring, case-insensitive), sorted, offset/limit. */
  queryUsers(connectionId: string, q: ListQuery<UserOrder>, groupName: (id: string) => string | undefined): { items: AdminUser[]; total: number } {
    const needle = q.search.trim().toLowerCase()
    const offset = q.page * q.pageSize
    if (!needle && q.orderBy === 'name' && !q.descending) {
      // the default view (cold start): straight from the name index
      const total = (this.stmt('SELECT count(*) AS n FROM admin_users WHERE connection_id = ?').get(connectionId) as { n: number }).n
      const rows = this.stmt(`SELECT ${COLUMNS} FROM admin_users WHERE connection_id = ? ORDER BY name COLLATE NOCASE, id LIMIT ? OFFSET ?`).all(
        connectionId,
        q.pageSize,
        offset
      ) as UserRow[]
      return { items: rows.map((r) => toUser(r, groupName)), total }
    }
    const index = this.index(connectionId)
    const order = this.order(connectionId, index, q.orderBy, q.descending)
    // positions (into the index) of the rows that match, in the order asked for
    const hits = needle ? this.matches(index, order, needle) : order
    const total = hits.length
    const pageIds: string[] = []
    for (let k = offset; k < Math.min(total, offset + q.pageSize); k++) pageIds.push(index.ids[hits[k]])
    return {
      items: this.rowsById(connectionId, pageIds).map((r) => toUser(r, groupName)),
      total
    }
  }

  /**
   * The row positions (in `order`) whose search text contains `needle`. Typing narrows a search: when the previous
   * search's text is part of this one, only its matches are scanned (a few hundred rows instead of 50,000), and
   * the next page of the same search reuses the answer.
   */
  private matches(index: UserIndex, order: Int32Array, needle: string): Int32Array {
    const last = index.lastSearch
    if (last && last.order === order && last.needle === needle) return last.hits
    const { search } = index
    const from = last && last.order === order && needle.includes(last.needle) ? last.hits : order
    const out = new Int32Array(from.length)
    let n = 0
    for (let k = 0; k < from.length; k++) {
      const i = from[k]
      if (search[i].includes(needle)) out[n++] = i
    }
    const hits = out.subarray(0, n)
    index.lastSearch = { order, needle, hits }
    return hits
  }

  /** Build the search index now (e.g. right after a sync), so the first keystroke does not pay for it. */
  warm(connectionId: string): void {
    const index = this.index(connectionId)
    this.order(connectionId, index, 'name', false)
  }

  private index(connectionId: string): UserIndex {
    const have = this.indexes.get(connectionId)
    if (have && have.version === this.version) return have
    const rows = this.stmt('SELECT id, search FROM admin_users WHERE connection_id = ? ORDER BY name COLLATE NOCASE, id').raw(true).all(connectionId) as Array<
      [string, string]
    >
    const ids = new Array<string>(rows.length)
    const search = new Array<string>(rows.length)
    for (let i = 0; i < rows.length; i++) {
      ids[i] = rows[i][0]
      search[i] = rows[i][1]
    }
    const byName = new Int32Array(rows.length)
    for (let i = 0; i < rows.length; i++) byName[i] = i
    const index: UserIndex = {
      version: this.version,
      ids,
      search,
      orders: new Map([['name:asc', byName]])
    }
    this.indexes.set(connectionId, index)
    return index
  }

  /** Row positions (into the index) in the order of `key`: nulls last, ties by name then id. */
  private order(connectionId: string, index: UserIndex, key: UserOrder, descending: boolean): Int32Array {
    const k = `${key}:${descending ? 'desc' : 'asc'}`
    const have = index.orders.get(k)
    if (have) return have
    let out: Int32Array
    if (key === 'name') {
      const asc = index.orders.get('name:asc')!
      out = new Int32Array(asc.length)
      for (let i = 0; i < asc.length; i++) out[i] = asc[asc.length - 1 - i]
    } else {
      const col = ORDER_SQL[key] ?? ORDER_SQL.name
      const ids = this.stmt(
        `SELECT id FROM admin_users WHERE connection_id = ? ORDER BY ${col.split(' ')[0]} IS NULL, ${col} ${descending ? 'DESC' : 'ASC'}, name COLLATE NOCASE, id`
      )
        .pluck(true)
        .all(connectionId) as string[]
      const pos = new Map<string, number>()
      index.ids.forEach((id, i) => pos.set(id, i))
      out = new Int32Array(ids.length)
      for (let i = 0; i < ids.length; i++) out[i] = pos.get(ids[i]) ?? 0
    }
    index.orders.set(k, out)
    return out
  }

  private rowsById(connectionId: string, ids: readonly string[]): UserRow[] {
    if (!ids.length) return []
    const one = this.stmt(`SELECT ${COLUMNS} FROM admin_users WHERE connection_id = ? AND id = ?`)
    const out: UserRow[] = []
    for (const id of ids) {
      const r = one.get(connectionId, id) as UserRow | undefined
      if (r) out.push(r)
    }
    return out
  }

  user(connectionId: string, id: string): AdminUser | null {
    const r = this.db
      .prepare(
        'SELECT id, kind, name, email, role, added, groups, last_login, last_provider, credentials_used, ui_access, read_only FROM admin_users WHERE connection_id = ? AND id = ?'
      )
      .get(connectionId, id) as UserRow | undefined
    return r ? toUser(r, () => undefined) : null
  }

  /** A user or pending invitation with this email (case-insensitive). */
  byEmail(connectionId: string, email: string): { id: string; kind: number } | null {
    return (
      (this.db.prepare('SELECT id, kind FROM admin_users WHERE connection_id = ? AND email = ? COLLATE NOCASE LIMIT 1').get(connectionId, email.trim()) as
        { id: string; kind: number } | undefined) ?? null
    )
  }

  deleteUser(connectionId: string, id: string): void {
    this.version++
    this.db.prepare('DELETE FROM admin_users WHERE connection_id = ? AND id = ?').run(connectionId, id)
  }

  /** A group's membership as stored on the users: add to / remove from the ",id," lists. */
  setGroupMembership(connectionId: string, groupId: string, members: readonly string[] | null): void {
    this.version++
    const token = `,${groupId},`
    this.db.transaction(() => {
      this.db
        .prepare("UPDATE admin_users SET groups = replace(groups, ?, ',') WHERE connection_id = ? AND instr(groups, ?) > 0")
        .run(token, connectionId, token)
      if (!members) return
      const add = this.db.prepare("UPDATE admin_users SET groups = groups || ? || ',' WHERE connection_id = ? AND id = ?")
      for (const m of members) add.run(groupId, connectionId, m)
    })()
  }

  setRole(connectionId: string, id: string, role: string): void {
    this.version++
    this.db.prepare('UPDATE admin_users SET role = ? WHERE connection_id = ? AND id = ?').run(role, connectionId, id)
  }
}

function toUser(r: UserRow, groupName: (id: string) => string | undefined): AdminUser {
  const pending = r.kind === 1
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    status: pending ? 'pending' : 'active',
    role: r.role,
    added: r.added,
    groups: r.groups
      .split(',')
      .filter(Boolean)
      .map((id) => ({ id, name: groupName(id) ?? id })),
    lastLogin: r.last_login,
    lastProvider: r.last_provider,
    credentialsUsed: r.credentials_used,
    uiAccess: r.ui_access,
    readOnly: !!r.read_only
  }
}
