// The local tables behind Users & Groups: the organisation's users (and pending invitations) and the access rules,
// written one page per transaction with prepared statements, and queried locally (search by name, email or id,
// sort by any column, offset/limit) so a 50,000-user table filters as the administrator types.
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

  private readonly statements = new Map<string, BetterSqlite3.Statement<unknown[]>>()
  private stmt(sql: string): BetterSqlite3.Statement<unknown[]> {
    let s = this.statements.get(sql)
    if (!s) this.statements.set(sql, (s = this.db.prepare<unknown[]>(sql)))
    return s
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
  }

  /** Store one page of users (one transaction). */
  storeUsers(connectionId: string, users: readonly WireUser[], gen: number): void {
    this.version++
    const stmt = this.upsertUser
    this.db.transaction(() => {
      for (const u of users) {
        const a = u.activity
        const name = u.name ?? ''
        const email = u.email ?? null
        stmt.run(
          connectionId,
          u.id,
          0,
          name,
          email,
          u.role ?? null,
          u.created ?? null,
          u.sec_groups?.length ? `,${u.sec_groups.join(',')},` : ',',
          a?.last_provider_login ?? null,
          a?.last_provider_name ?? a?.last_provider ?? null,
          a?.last_credentials_login ?? null,
          a?.last_ui_access ?? null,
          u.read_only ? 1 : 0,
          `${name}\n${email ?? ''}\n${u.id}`.toLowerCase(),
          gen
        )
      }
    })()
  }

  /** Replace the pending invitations (one transaction); accepted ones are users already. */
  storeInvites(connectionId: string, invites: readonly WireInvite[], gen: number): number {
    this.version++
    const pending = invites.filter((i) => (i.status ?? 'pending') === 'pending')
    this.db.transaction(() => {
      for (const i of pending) {
        const email = i.email.toLowerCase()
        this.upsertUser.run(connectionId, INVITE_PREFIX + email, 1, email, email, i.role ?? null, i.added ?? null, ',', null, null, null, null, 0, email, gen)
      }
      this.deleteStaleInvites.run(connectionId, gen)
    })()
    return pending.length
  }

  /** A finished users sync: drop the users it did not see, record when. */
  finishUsers(connectionId: string, gen: number, at: number): number {
    this.version++
    return this.db.transaction(() => {
      this.deleteStaleUsers.run(connectionId, gen)
      const n = (this.db.prepare('SELECT count(*) AS n FROM admin_users WHERE connection_id = ?').get(connectionId) as { n: number }).n
      this.putSync.run(connectionId, 'users', at, n, gen)
      return n
    })()
  }

  /** Store access rules in batches of `batch` per transaction, drop the ones not seen, record when. */
  storeRules(connectionId: string, rules: readonly WireRule[], gen: number, at: number, batch = 5000): number {
    const stmt = this.upsertRule
    const write = this.db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const r = rules[i]
        const name = r.name ?? ''
        const entityName = r.entity_display_name ?? r.entity_name ?? null
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
          JSON.stringify(r.groups ?? []),
          JSON.stringify(r.users ?? []),
          r.autocreated ? 1 : 0,
          `${name}\n${entityName ?? ''}\n${r.id}`.toLowerCase(),
          gen
        )
      }
    })
    for (let i = 0; i < rules.length; i += batch) write(i, Math.min(rules.length, i + batch))
    this.db.transaction(() => {
      this.deleteStaleRules.run(connectionId, gen)
      this.putSync.run(connectionId, 'rules', at, rules.length, gen)
    })()
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
    const pageIds: string[] = []
    let total = 0
    if (!needle) {
      total = order.length
      for (let k = offset; k < Math.min(order.length, offset + q.pageSize); k++) pageIds.push(index.ids[order[k]])
    } else {
      const { search, ids } = index
      const end = offset + q.pageSize
      for (let k = 0; k < order.length; k++) {
        const i = order[k]
        if (search[i].includes(needle)) {
          if (total >= offset && total < end) pageIds.push(ids[i])
          total++
        }
      }
    }
    return { items: this.rowsById(connectionId, pageIds).map((r) => toUser(r, groupName)), total }
  }

  /** Build the search index now (e.g. right after a sync), so the first keystroke does not pay for it. */
  warm(connectionId: string): void {
    const index = this.index(connectionId)
    this.order(connectionId, index, 'name', false)
  }

  private index(connectionId: string): UserIndex {
    const have = this.indexes.get(connectionId)
    if (have && have.version === this.version) return have
    const rows = this.stmt('SELECT id, search FROM admin_users WHERE connection_id = ? ORDER BY name COLLATE NOCASE, id').raw(true).all(connectionId) as Array<[string, string]>
    const ids = new Array<string>(rows.length)
    const search = new Array<string>(rows.length)
    for (let i = 0; i < rows.length; i++) {
      ids[i] = rows[i][0]
      search[i] = rows[i][1]
    }
    const byName = new Int32Array(rows.length)
    for (let i = 0; i < rows.length; i++) byName[i] = i
    const index: UserIndex = { version: this.version, ids, search, orders: new Map([['name:asc', byName]]) }
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
        | { id: string; kind: number }
        | undefined) ?? null
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
