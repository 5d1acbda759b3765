import type { Store } from './store'

/**
 * Storage for the User Settings areas (services/auth.ts, storage.ts, workspaces.ts, misc.ts): login whitelist
 * entries (invites by email), invite links, storage credentials (company-wide and personal), App Gateway router
 * tokens and small per-company settings. Tables are created by the store's v4 migration. Demo/test server: storage
 * secrets are plain text; a router token is stored only as its SHA-256 hash.
 */

/** An invite: `accepted` (ISO 8601) and `user_id` are set once the invited person joined. */
export interface WhitelistRow {
  company: string; email: string; role: string; added: string; added_by: string | null; accepted: string | null; user_id: string | null
}

export interface RouterTokenRow {
  id: string; company: string; user_id: string; label: string; type: string; token_hash: string
  /** A short non-secret identifier shown in listings: the token's last 4 characters. */
  key: string
  created: string; created_by: string; expires: string | null; revoked_at: string | null; revoked_by: string | null
  /** JSON: a list of route ids (endpoint tokens) and an object. */
  endpoints: string; metadata: string
}

/** An invite link's id (`<web app>/?invite=<id>`): anyone logged in may join the company with it until it expires. */
export interface InviteRow { id: string; company: string; created: string; created_by: string; expires: string }

/** Company-level storage settings have this user id. */
export const COMPANY_LEVEL = ''

export class AccountStore {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db
  }

  // --- whitelist (invites) ----------------------------------------------------------------------
  /** In the order they were added. */
  whitelist(company: string): WhitelistRow[] {
    return this.db.prepare('SELECT * FROM whitelist_entries WHERE company = ? ORDER BY rowid').all(company) as WhitelistRow[]
  }
  whitelistEntry(company: string, email: string): WhitelistRow | undefined {
    return this.db.prepare('SELECT * FROM whitelist_entries WHERE company = ? AND email = ?').get(company, email) as WhitelistRow | undefined
  }
  /** Inserts or replaces the company's entry for that email. */
  putWhitelistEntry(e: WhitelistRow): void {
    this.db.prepare(`INSERT INTO whitelist_entries (company, email, role, added, added_by, accepted, user_id)
      VALUES (@company, @email, @role, @added, @added_by, @accepted, @user_id)
      ON CONFLICT(company, email) DO UPDATE SET role = excluded.role, added = excluded.added, added_by = excluded.added_by,
        accepted = excluded.accepted, user_id = excluded.user_id`).run(e)
  }
  deleteWhitelistEntry(company: string, email: string): number {
    return this.db.prepare('DELETE FROM whitelist_entries WHERE company = ? AND email = ?').run(company, email).changes
  }
  /** Forgets the accepted invite of a user who left the company (a new invite is needed to come back). */
  deleteAcceptedEntriesOf(company: string, userId: string): void {
    this.db.prepare('DELETE FROM whitelist_entries WHERE company = ? AND user_id = ?').run(company, userId)
  }

  // --- invite links -----------------------------------------------------------------------------
  invite(id: string): InviteRow | undefined {
    return this.db.prepare('SELECT * FROM company_invites WHERE id = ?').get(id) as InviteRow | undefined
  }
  insertInvite(i: InviteRow): void {
    this.db.prepare('INSERT INTO company_invites (id, company, created, created_by, expires) VALUES (@id, @company, @created, @created_by, @expires)').run(i)
  }

  // --- storage settings -------------------------------------------------------------------------
  /** The stored document (JSON) and its last update, or undefined. userId COMPANY_LEVEL = the company's settings. */
  storageSettings(company: string, userId: string): { doc: string; last_update: string } | undefined {
    return this.db.prepare('SELECT doc, last_update FROM storage_settings WHERE company = ? AND user_id = ?').get(company, userId) as
      { doc: string; last_update: string } | undefined
  }
  putStorageSettings(company: string, userId: string, doc: string, lastUpdate: string): void {
    this.db.prepare(`INSERT INTO storage_settings (company, user_id, doc, last_update) VALUES (?, ?, ?, ?)
      ON CONFLICT(company, user_id) DO UPDATE SET doc = excluded.doc, last_update = excluded.last_update`).run(company, userId, doc, lastUpdate)
  }

  // --- router tokens ----------------------------------------------------------------------------
  /** In creation order. */
  routerTokens(company: string): RouterTokenRow[] {
    return this.db.prepare('SELECT * FROM router_tokens WHERE company = ? ORDER BY rowid').all(company) as RouterTokenRow[]
  }
  routerToken(id: string): RouterTokenRow | undefined {
    return this.db.prepare('SELECT * FROM router_tokens WHERE id = ?').get(id) as RouterTokenRow | undefined
  }
  routerTokenByHash(hash: string): RouterTokenRow | undefined {
    return this.db.prepare('SELECT * FROM router_tokens WHERE token_hash = ?').get(hash) as RouterTokenRow | undefined
  }
  insertRouterToken(t: RouterTokenRow): void {
    this.db.prepare(`INSERT INTO router_tokens (id, company, user_id, label, type, token_hash, key, created, created_by, expires, revoked_at, revoked_by, endpoints, metadata)
      VALUES (@id, @company, @user_id, @label, @type, @token_hash, @key, @created, @created_by, @expires, @revoked_at, @revoked_by, @endpoints, @metadata)`).run(t)
  }
  /** Marks a token revoked (once); returns 1 if it was not revoked before. */
  revokeRouterToken(id: string, by: string, at: string): number {
    return this.db.prepare('UPDATE router_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL').run(at, by, id).changes
  }
  /** Revokes every live token of a user in one company (they left it); returns how many. */
  revokeRouterTokensOf(company: string, userId: string, by: string, at: string): number {
    return this.db.prepare('UPDATE router_tokens SET revoked_at = ?, revoked_by = ? WHERE company = ? AND user_id = ? AND revoked_at IS NULL')
      .run(at, by, company, userId).changes
  }

  // --- per-company settings ---------------------------------------------------------------------
  companySetting(company: string, key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM company_settings WHERE company = ? AND key = ?').get(company, key) as { value: string } | undefined)?.value
  }
  setCompanySetting(company: string, key: string, value: string): void {
    this.db.prepare(`INSERT INTO company_settings (company, key, value) VALUES (?, ?, ?)
      ON CONFLICT(company, key) DO UPDATE SET value = excluded.value`).run(company, key, value)
  }
}
