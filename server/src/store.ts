import Database from 'better-sqlite3'
import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import { join } from 'node:path'

/**
 * SQLite persistence for the reference server. Demo/test only: secrets are stored in plain text.
 * Migrations are ordered and applied once each (tracked in PRAGMA user_version), each in a transaction.
 */

/**
 * The built-in "Users" group's id. Every company has one, with this fixed id: it is the id ClearML's own docs use
 * for the built-in Users group in their vault example (clearml-api.md §3.1). The other built-ins get random ids.
 */
export const USERS_GROUP_ID = '30795571-a470-4717-a80d-e8705fc776bf'

/** users: everyone (implicit); admins: the admin-role users (implicit); queue_admins and custom: stored members. */
export type GroupKind = 'users' | 'admins' | 'queue_admins' | 'custom'

const MIGRATIONS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE companies (id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL);
   CREATE TABLE users (
     id TEXT PRIMARY KEY, company TEXT NOT NULL REFERENCES companies(id), name TEXT NOT NULL,
     given_name TEXT, family_name TEXT, avatar TEXT, role TEXT NOT NULL, email TEXT,
     created TEXT NOT NULL, created_in_version TEXT, preferences TEXT NOT NULL DEFAULT '{}');
   CREATE TABLE credentials (
     access_key TEXT PRIMARY KEY, secret_key TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES users(id),
     label TEXT, created TEXT NOT NULL, last_used TEXT, last_used_from TEXT);
   CREATE INDEX credentials_user ON credentials(user_id);
   CREATE TABLE revoked_sessions (session_id TEXT PRIMARY KEY, exp INTEGER);
   CREATE TABLE vaults (
     id TEXT PRIMARY KEY, company TEXT NOT NULL, user_id TEXT, scope TEXT NOT NULL, grp TEXT,
     type TEXT NOT NULL, format TEXT NOT NULL, data TEXT NOT NULL, description TEXT,
     enabled INTEGER NOT NULL, created TEXT NOT NULL, last_update TEXT NOT NULL, version INTEGER NOT NULL);
   CREATE INDEX vaults_company ON vaults(company);`,
  // v2: user groups (built-ins per company), vault audit log, vault editability
  `CREATE TABLE user_groups (
     company TEXT NOT NULL REFERENCES companies(id), id TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
     kind TEXT NOT NULL, created TEXT NOT NULL, PRIMARY KEY (company, id));
   CREATE TABLE user_group_members (
     company TEXT NOT NULL, grp TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES users(id),
     PRIMARY KEY (company, grp, user_id),
     FOREIGN KEY (company, grp) REFERENCES user_groups(company, id) ON DELETE CASCADE);
   CREATE TABLE vault_operations (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, company TEXT NOT NULL, vault TEXT NOT NULL, scope TEXT NOT NULL,
     operation TEXT NOT NULL, user_id TEXT NOT NULL, user_name TEXT NOT NULL, vault_description TEXT,
     created TEXT NOT NULL, ip TEXT, originator TEXT, originator_version TEXT, reason TEXT);
   CREATE INDEX vault_operations_company ON vault_operations(company);
   ALTER TABLE vaults ADD COLUMN editable INTEGER NOT NULL DEFAULT 1;
   INSERT INTO user_groups (company, id, name, description, kind, created)
     SELECT id, '${USERS_GROUP_ID}', 'Users', NULL, 'users', created FROM companies;
   INSERT INTO user_groups (company, id, name, description, kind, created)
     SELECT id, lower(hex(randomblob(16))), 'Admins', NULL, 'admins', created FROM companies;
   INSERT INTO user_groups (company, id, name, description, kind, created)
     SELECT id, lower(hex(randomblob(16))), 'Queue admins', NULL, 'queue_admins', created FROM companies;`,
  // v3: resource configuration (published + editing documents, see resources.ts), policies, their queues, and the
  // tasks on those queues (resources-store.ts)
  `CREATE TABLE resource_state (
     company TEXT PRIMARY KEY REFERENCES companies(id), published TEXT NOT NULL, editing TEXT,
     policy_manager INTEGER NOT NULL DEFAULT 1);
   CREATE TABLE resource_policies (
     id TEXT PRIMARY KEY, company TEXT NOT NULL REFERENCES companies(id), name TEXT NOT NULL, description TEXT,
     reservation REAL NOT NULL, "limit" REAL NOT NULL, user_group TEXT NOT NULL, created TEXT NOT NULL);
   CREATE INDEX resource_policies_company ON resource_policies(company);
   CREATE TABLE resource_queues (
     id TEXT PRIMARY KEY, company TEXT NOT NULL REFERENCES companies(id), name TEXT NOT NULL, display_name TEXT,
     policy TEXT NOT NULL REFERENCES resource_policies(id), profile TEXT NOT NULL, rank INTEGER NOT NULL, created TEXT NOT NULL);
   CREATE INDEX resource_queues_company ON resource_queues(company, profile, rank);
   CREATE TABLE resource_tasks (
     id TEXT PRIMARY KEY, company TEXT NOT NULL REFERENCES companies(id), name TEXT NOT NULL, status TEXT NOT NULL,
     type TEXT NOT NULL, started TEXT, cost REAL NOT NULL, project_id TEXT, project_name TEXT, user_id TEXT,
     queue TEXT, pool TEXT);
   CREATE INDEX resource_tasks_queue ON resource_tasks(company, queue);`,
  // v4: User Settings. Credentials belong to a workspace (company) and may expire; users can be members of other
  // companies (workspaces) than their own; invites (login whitelist, invite links); storage credentials (company and personal);
  // App Gateway router tokens (hash only); small per-company settings (account-store.ts)
  `ALTER TABLE credentials ADD COLUMN company TEXT;
   ALTER TABLE credentials ADD COLUMN expire TEXT;
   UPDATE credentials SET company = (SELECT company FROM users WHERE users.id = credentials.user_id);
   CREATE TABLE company_members (
     company TEXT NOT NULL REFERENCES companies(id), user_id TEXT NOT NULL REFERENCES users(id), role TEXT NOT NULL,
     joined TEXT NOT NULL, PRIMARY KEY (company, user_id));
   CREATE INDEX company_members_user ON company_members(user_id);
   CREATE TABLE whitelist_entries (
     company TEXT NOT NULL REFERENCES companies(id), email TEXT NOT NULL, role TEXT NOT NULL, added TEXT NOT NULL,
     added_by TEXT, accepted TEXT, user_id TEXT, PRIMARY KEY (company, email));
   CREATE TABLE storage_settings (
     company TEXT NOT NULL REFERENCES companies(id), user_id TEXT NOT NULL, doc TEXT NOT NULL, last_update TEXT NOT NULL,
     PRIMARY KEY (company, user_id));
   CREATE TABLE router_tokens (
     id TEXT PRIMARY KEY, company TEXT NOT NULL REFERENCES companies(id), user_id TEXT NOT NULL, label TEXT NOT NULL,
     type TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, key TEXT NOT NULL, created TEXT NOT NULL, created_by TEXT NOT NULL,
     expires TEXT, revoked_at TEXT, revoked_by TEXT, endpoints TEXT NOT NULL, metadata TEXT NOT NULL);
   CREATE INDEX router_tokens_company ON router_tokens(company);
   CREATE TABLE company_invites (
     id TEXT PRIMARY KEY, company TEXT NOT NULL REFERENCES companies(id), created TEXT NOT NULL, created_by TEXT NOT NULL,
     expires TEXT NOT NULL);
   CREATE TABLE company_settings (
     company TEXT NOT NULL REFERENCES companies(id), key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (company, key));`,
  // v5: administration (admin-store.ts). Service accounts and removed users are flagged on users (a removed user's row
  // stays so references keep resolving); user activity; access rules; the objects the access rules point at
  // (projects, tasks, models, queues, datasets); SSO provider configurations and Test Provider sessions
  `ALTER TABLE users ADD COLUMN service INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE users ADD COLUMN allow_running_as_owner INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE users ADD COLUMN deleted TEXT;
   ALTER TABLE users ADD COLUMN last_credentials_login TEXT;
   ALTER TABLE users ADD COLUMN last_ui_access TEXT;
   ALTER TABLE users ADD COLUMN last_provider TEXT;
   ALTER TABLE users ADD COLUMN last_provider_login TEXT;
   ALTER TABLE users ADD COLUMN last_provider_name TEXT;
   CREATE INDEX users_company ON users(company);
   CREATE INDEX user_group_members_user ON user_group_members(company, user_id);
   CREATE TABLE access_rules (
     company TEXT NOT NULL REFERENCES companies(id), id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
     entity_type TEXT NOT NULL, entity_id TEXT, access_permission TEXT NOT NULL, groups TEXT NOT NULL, users TEXT NOT NULL,
     autocreated INTEGER NOT NULL DEFAULT 0, metadata TEXT NOT NULL DEFAULT '{}', created TEXT NOT NULL, last_update TEXT NOT NULL,
     PRIMARY KEY (company, id));
   CREATE INDEX access_rules_entity ON access_rules(company, entity_type, entity_id);
   CREATE TABLE objects (
     kind TEXT NOT NULL, id TEXT NOT NULL, company TEXT NOT NULL REFERENCES companies(id), name TEXT NOT NULL, display_name TEXT,
     project TEXT, status TEXT, type TEXT, queue TEXT, task TEXT, framework TEXT, user_id TEXT, description TEXT,
     tags TEXT NOT NULL DEFAULT '[]', created TEXT NOT NULL, last_update TEXT NOT NULL, PRIMARY KEY (kind, id));
   CREATE INDEX objects_company ON objects(company, kind);
   CREATE TABLE sso_configurations (
     id TEXT PRIMARY KEY, company TEXT NOT NULL REFERENCES companies(id), provider TEXT NOT NULL, category TEXT NOT NULL,
     display_name TEXT NOT NULL, active INTEGER NOT NULL, readonly INTEGER NOT NULL DEFAULT 0, config TEXT NOT NULL,
     created TEXT NOT NULL, last_update TEXT NOT NULL);
   CREATE TABLE sso_test_sessions (
     id TEXT PRIMARY KEY, company TEXT NOT NULL, user_id TEXT NOT NULL, provider TEXT NOT NULL, config TEXT NOT NULL,
     redirect_uri TEXT NOT NULL, code_verifier TEXT, nonce TEXT NOT NULL, app_state TEXT, created TEXT NOT NULL, expires TEXT NOT NULL);`
]

export const DB_FILE = 'clearml-reference.sqlite'

export interface CompanyRow { id: string; name: string; created: string }
export interface UserRow {
  id: string; company: string; name: string; given_name: string | null; family_name: string | null
  avatar: string | null; role: string; email: string | null; created: string; created_in_version: string | null
  preferences: string
  /** v5 columns (always present when read; optional on insert). 1 = a service account (auth.create_service_user). */
  service?: number
  /** Service accounts: may run tasks as their owners (X-Clearml-Impersonate-As). */
  allow_running_as_owner?: number
  /** Set when the user was removed (auth.delete_user): the row stays so references keep resolving. */
  deleted?: string | null
  last_credentials_login?: string | null
  last_ui_access?: string | null
  last_provider?: string | null
  last_provider_login?: string | null
  last_provider_name?: string | null
}
export interface CredentialRow {
  access_key: string; secret_key: string; user_id: string; label: string | null; created: string
  last_used: string | null; last_used_from: string | null
  /** The workspace (company) the key logs into: the user's own company or one they joined. */
  company: string
  /** ISO 8601; null = never expires. */
  expire: string | null
}
/** A user's membership of a company other than their own (a workspace they were invited to and joined). */
export interface MemberRow { company: string; user_id: string; role: string; joined: string }
export interface VaultRow {
  id: string; company: string; user_id: string | null; scope: string; grp: string | null; type: string
  format: string; data: string; description: string | null; enabled: number; created: string
  last_update: string; version: number
  /** 0 = the server cannot decrypt its data (encrypted vault, server encryption disabled): read-only. */
  editable: number
}
export interface UserGroupRow {
  company: string; id: string; name: string; description: string | null; kind: GroupKind; created: string
}
export interface VaultOperationRow {
  seq: number; company: string; vault: string; scope: string; operation: string; user_id: string; user_name: string
  vault_description: string | null; created: string; ip: string | null; originator: string | null
  originator_version: string | null; reason: string | null
}

export const newId = () => randomUUID().replaceAll('-', '')
/** A clock in milliseconds; tests inject one to move time without waiting. */
export type Clock = () => number

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
/** 30 chars of A–Z and 0–9, like the ClearML server's access keys. */
export function newAccessKey(): string {
  let key = ''
  for (let i = 0; i < 30; i++) key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)]
  return key
}
/** token_urlsafe(50)-like: ~67 URL-safe chars, first char alphanumeric. */
export function newSecretKey(): string {
  for (;;) {
    const s = randomBytes(50).toString('base64url')
    if (/^[A-Za-z0-9]/.test(s)) return s
  }
}

export class Store {
  readonly db: Database.Database

  /** The current time as the server records it (ISO 8601). */
  nowIso(): string {
    return new Date(this.clock()).toISOString()
  }

  constructor(dataDir: string, readonly clock: Clock = Date.now) {
    this.db = new Database(join(dataDir, DB_FILE))
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    // a larger page cache (64 MiB) keeps bulk seeding (--seed large) and big listings fast
    this.db.pragma('cache_size = -65536')
    // WAL with NORMAL sync: durable across an application crash, and far faster commits (demo/test server)
    this.db.pragma('synchronous = NORMAL')
    this.migrate()
  }

  private readonly statements = new Map<string, Database.Statement>()
  /** A prepared statement, compiled once per store (hot paths and bulk inserts). */
  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql)
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)))
    return s
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number
    if (current > MIGRATIONS.length) throw new Error(`database schema v${current} is newer than this server (v${MIGRATIONS.length})`)
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v])
        this.db.pragma(`user_version = ${v + 1}`)
      })()
    }
  }

  close(): void {
    this.db.close()
  }

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  // --- meta -------------------------------------------------------------------------------------
  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value
  }
  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value)
  }
  /** The token-signing secret, created once per data dir. */
  tokenSecret(): string {
    let secret = this.getMeta('token_secret')
    if (!secret) {
      secret = randomBytes(32).toString('base64url')
      this.setMeta('token_secret', secret)
    }
    return secret
  }
  /** Monotonic counter (never reused, even after deletes). */
  nextSeq(name: string): number {
    const n = Number(this.getMeta(`seq.${name}`) ?? '0') + 1
    this.setMeta(`seq.${name}`, String(n))
    return n
  }

  // --- companies / users ------------------------------------------------------------------------
  isEmpty(): boolean {
    return !this.db.prepare('SELECT 1 FROM companies LIMIT 1').get()
  }
  /** Inserts a company with its built-in user groups (Users, Admins, Queue admins). */
  insertCompany(c: CompanyRow): void {
    this.db.prepare('INSERT INTO companies (id, name, created) VALUES (@id, @name, @created)').run(c)
    const builtins: Array<[string, string, GroupKind]> = [[USERS_GROUP_ID, 'Users', 'users'], [newId(), 'Admins', 'admins'], [newId(), 'Queue admins', 'queue_admins']]
    for (const [id, name, kind] of builtins) this.insertUserGroup({ company: c.id, id, name, description: null, kind, created: c.created })
  }
  company(id: string): CompanyRow | undefined {
    return this.db.prepare('SELECT * FROM companies WHERE id = ?').get(id) as CompanyRow | undefined
  }
  insertUser(u: Omit<UserRow, 'preferences'> & { preferences?: string }): void {
    this.db.prepare(`INSERT INTO users (id, company, name, given_name, family_name, avatar, role, email, created, created_in_version, preferences)
      VALUES (@id, @company, @name, @given_name, @family_name, @avatar, @role, @email, @created, @created_in_version, @preferences)`)
      .run({ preferences: '{}', ...u })
  }
  user(id: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined
  }
  /**
   * The users of a company: its own users (rowid order), then the members who joined it from another company (join
   * order), each as seen in this company (see userInCompany).
   */
  usersOfCompany(company: string): UserRow[] {
    const own = this.db.prepare('SELECT * FROM users WHERE company = ? AND deleted IS NULL ORDER BY rowid').all(company) as UserRow[]
    const joined = this.db.prepare(`SELECT u.*, m.role AS member_role FROM company_members m JOIN users u ON u.id = m.user_id
      WHERE m.company = ? AND u.deleted IS NULL ORDER BY m.rowid`).all(company) as Array<UserRow & { member_role: string }>
    return [...own, ...joined.map(({ member_role, ...u }) => ({ ...u, company, role: member_role }))]
  }
  /**
   * A user as seen in a company: their own row in their own company; in a company they joined, the row with that
   * company and their role there; undefined if they are not in it.
   */
  userInCompany(userId: string, company: string): UserRow | undefined {
    const user = this.user(userId)
    if (!user || user.deleted) return undefined // a removed user is in no company any more
    if (user.company === company) return user
    const m = this.membership(company, userId)
    return m ? { ...user, company, role: m.role } : undefined
  }
  /** Users whose email matches (trimmed, case-insensitive), in creation order. */
  usersByEmail(email: string): UserRow[] {
    return this.db.prepare('SELECT * FROM users WHERE lower(trim(email)) = lower(trim(?)) AND deleted IS NULL ORDER BY rowid').all(email) as UserRow[]
  }
  renameCompany(id: string, name: string): number {
    return this.db.prepare('UPDATE companies SET name = ? WHERE id = ?').run(name, id).changes
  }

  // --- memberships (workspaces joined) ----------------------------------------------------------
  membership(company: string, userId: string): MemberRow | undefined {
    return this.db.prepare('SELECT * FROM company_members WHERE company = ? AND user_id = ?').get(company, userId) as MemberRow | undefined
  }
  /** The companies a user joined (not their own), in join order. */
  membershipsOf(userId: string): MemberRow[] {
    return this.db.prepare('SELECT * FROM company_members WHERE user_id = ? ORDER BY rowid').all(userId) as MemberRow[]
  }
  insertMembership(m: MemberRow): void {
    this.db.prepare('INSERT INTO company_members (company, user_id, role, joined) VALUES (@company, @user_id, @role, @joined)').run(m)
  }
  deleteMembership(company: string, userId: string): number {
    return this.db.prepare('DELETE FROM company_members WHERE company = ? AND user_id = ?').run(company, userId).changes
  }
  setMemberRole(company: string, userId: string, role: string): number {
    return this.db.prepare('UPDATE company_members SET role = ? WHERE company = ? AND user_id = ?').run(role, company, userId).changes
  }
  /** Drops the user's stored group memberships in one company. */
  deleteGroupMemberships(company: string, userId: string): void {
    this.db.prepare('DELETE FROM user_group_members WHERE company = ? AND user_id = ?').run(company, userId)
  }
  updateUser(id: string, fields: Partial<Pick<UserRow, 'name' | 'given_name' | 'family_name' | 'preferences' | 'role' | 'allow_running_as_owner' |
    'deleted' | 'last_credentials_login' | 'last_ui_access' | 'last_provider' | 'last_provider_login' | 'last_provider_name'>>): void {
    const keys = Object.keys(fields)
    if (!keys.length) return
    this.db.prepare(`UPDATE users SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...fields, id })
  }

  // --- credentials ------------------------------------------------------------------------------
  /**
   * A new key pair for the user. `company`: the workspace the key logs into (default: the user's own company);
   * `expire`: ISO 8601, or null (default) for a key that never expires.
   */
  createCredentials(
    userId: string, label: string | null, keys?: { access_key: string; secret_key: string },
    opts: { company?: string; expire?: string | null } = {}
  ): CredentialRow {
    const company = opts.company ?? this.user(userId)?.company
    if (!company) throw new Error(`unknown user ${userId}`)
    const row: CredentialRow = {
      access_key: keys?.access_key ?? newAccessKey(), secret_key: keys?.secret_key ?? newSecretKey(), user_id: userId,
      label, created: this.nowIso(), last_used: null, last_used_from: null, company, expire: opts.expire ?? null
    }
    this.db.prepare(`INSERT INTO credentials (access_key, secret_key, user_id, label, created, last_used, last_used_from, company, expire)
      VALUES (@access_key, @secret_key, @user_id, @label, @created, @last_used, @last_used_from, @company, @expire)`).run(row)
    return row
  }
  credential(accessKey: string): CredentialRow | undefined {
    return this.db.prepare('SELECT * FROM credentials WHERE access_key = ?').get(accessKey) as CredentialRow | undefined
  }
  /** The user's keys in creation order: all of them, or those of one workspace. */
  credentialsOf(userId: string, company?: string): CredentialRow[] {
    if (company === undefined) return this.db.prepare('SELECT * FROM credentials WHERE user_id = ? ORDER BY rowid').all(userId) as CredentialRow[]
    return this.db.prepare('SELECT * FROM credentials WHERE user_id = ? AND company = ? ORDER BY rowid').all(userId, company) as CredentialRow[]
  }
  /** Deletes all of the user's keys for one workspace; returns how many. */
  deleteCredentialsIn(userId: string, company: string): number {
    return this.db.prepare('DELETE FROM credentials WHERE user_id = ? AND company = ?').run(userId, company).changes
  }
  touchCredential(accessKey: string, from: string | null): void {
    this.db.prepare('UPDATE credentials SET last_used = ?, last_used_from = ? WHERE access_key = ?').run(this.nowIso(), from, accessKey)
  }
  setCredentialLabel(userId: string, accessKey: string, label: string | null): number {
    return this.db.prepare('UPDATE credentials SET label = ? WHERE access_key = ? AND user_id = ?').run(label, accessKey, userId).changes
  }
  deleteCredential(userId: string, accessKey: string): number {
    return this.db.prepare('DELETE FROM credentials WHERE access_key = ? AND user_id = ?').run(accessKey, userId).changes
  }

  // --- sessions ---------------------------------------------------------------------------------
  revokeSession(sessionId: string, exp: number | null): void {
    this.db.prepare('INSERT OR IGNORE INTO revoked_sessions (session_id, exp) VALUES (?, ?)').run(sessionId, exp)
    // expired tokens are rejected anyway; forget their revocations
    this.db.prepare('DELETE FROM revoked_sessions WHERE exp IS NOT NULL AND exp < ?').run(Math.floor(this.clock() / 1000))
  }
  isSessionRevoked(sessionId: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM revoked_sessions WHERE session_id = ?').get(sessionId)
  }

  // --- vaults -----------------------------------------------------------------------------------
  vaultsOfCompany(company: string): VaultRow[] {
    return this.db.prepare('SELECT * FROM vaults WHERE company = ? ORDER BY rowid').all(company) as VaultRow[]
  }
  vault(id: string): VaultRow | undefined {
    return this.db.prepare('SELECT * FROM vaults WHERE id = ?').get(id) as VaultRow | undefined
  }
  insertVault(v: VaultRow): void {
    this.db.prepare(`INSERT INTO vaults (id, company, user_id, scope, grp, type, format, data, description, enabled, created, last_update, version, editable)
      VALUES (@id, @company, @user_id, @scope, @grp, @type, @format, @data, @description, @enabled, @created, @last_update, @version, @editable)`).run(v)
  }
  updateVault(v: VaultRow): void {
    this.db.prepare(`UPDATE vaults SET scope=@scope, grp=@grp, user_id=@user_id, type=@type, format=@format, data=@data,
      description=@description, enabled=@enabled, last_update=@last_update, version=@version, editable=@editable WHERE id=@id`).run(v)
  }
  deleteVault(id: string): number {
    return this.db.prepare('DELETE FROM vaults WHERE id = ?').run(id).changes
  }
  /** Test hook: marks a vault as holding encrypted data the server cannot decrypt (editable: false), or clears it. */
  setVaultEditable(id: string, editable: boolean): number {
    return this.db.prepare('UPDATE vaults SET editable = ? WHERE id = ?').run(editable ? 1 : 0, id).changes
  }

  // --- vault operations log ---------------------------------------------------------------------
  insertVaultOperation(op: Omit<VaultOperationRow, 'seq'>): void {
    this.db.prepare(`INSERT INTO vault_operations (company, vault, scope, operation, user_id, user_name, vault_description, created, ip, originator, originator_version, reason)
      VALUES (@company, @vault, @scope, @operation, @user_id, @user_name, @vault_description, @created, @ip, @originator, @originator_version, @reason)`).run(op)
  }
  /** In the order they were recorded. */
  vaultOperationsOfCompany(company: string): VaultOperationRow[] {
    return this.db.prepare('SELECT * FROM vault_operations WHERE company = ? ORDER BY seq').all(company) as VaultOperationRow[]
  }

  // --- user groups ------------------------------------------------------------------------------
  /** Built-ins first (Users, Admins, Queue admins), then custom groups in creation order. */
  userGroupsOfCompany(company: string): UserGroupRow[] {
    return this.db.prepare(`SELECT * FROM user_groups WHERE company = ?
      ORDER BY CASE kind WHEN 'users' THEN 0 WHEN 'admins' THEN 1 WHEN 'queue_admins' THEN 2 ELSE 3 END, rowid`).all(company) as UserGroupRow[]
  }
  userGroup(company: string, id: string): UserGroupRow | undefined {
    return this.db.prepare('SELECT * FROM user_groups WHERE company = ? AND id = ?').get(company, id) as UserGroupRow | undefined
  }
  insertUserGroup(g: UserGroupRow): void {
    this.db.prepare('INSERT INTO user_groups (company, id, name, description, kind, created) VALUES (@company, @id, @name, @description, @kind, @created)').run(g)
  }
  updateUserGroup(company: string, id: string, fields: Partial<Pick<UserGroupRow, 'name' | 'description'>>): void {
    const keys = Object.keys(fields)
    if (!keys.length) return
    this.db.prepare(`UPDATE user_groups SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE company = @company AND id = @id`).run({ ...fields, company, id })
  }
  deleteUserGroup(company: string, id: string): number {
    return this.db.prepare('DELETE FROM user_groups WHERE company = ? AND id = ?').run(company, id).changes
  }
  /** Stored members only (the Users and Admins groups have implicit membership, see groups.ts). */
  groupMemberIds(company: string, grp: string): string[] {
    return (this.db.prepare('SELECT user_id FROM user_group_members WHERE company = ? AND grp = ? ORDER BY rowid').all(company, grp) as Array<{ user_id: string }>).map((r) => r.user_id)
  }
  /** Ids of the groups the user is a stored member of. */
  storedGroupsOfUser(company: string, userId: string): string[] {
    return (this.db.prepare('SELECT grp FROM user_group_members WHERE company = ? AND user_id = ?').all(company, userId) as Array<{ grp: string }>).map((r) => r.grp)
  }
  setGroupMembers(company: string, grp: string, userIds: readonly string[]): void {
    this.db.prepare('DELETE FROM user_group_members WHERE company = ? AND grp = ?').run(company, grp)
    const insert = this.db.prepare('INSERT OR IGNORE INTO user_group_members (company, grp, user_id) VALUES (?, ?, ?)')
    for (const u of userIds) insert.run(company, grp, u)
  }
}
