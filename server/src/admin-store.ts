import type { Store } from './store'

/**
 * Storage for the administration areas (services/admin-users.ts, access-rules.ts, objects.ts, sso.ts): access rules,
 * the objects access rules point at (projects, tasks, models, queues, datasets), SSO provider configurations and Test
 * Provider sessions. Tables are created by the store's v5 migration. Demo/test server: SSO client secrets and private
 * keys are stored in plain text (they are never returned by the API).
 */

export const ENTITY_TYPES = ['task', 'model', 'project', 'queue', 'dataset', 'dataview', 'route', 'app', 'app_category'] as const
export type EntityType = (typeof ENTITY_TYPES)[number]
export const ACCESS_PERMISSIONS = ['read', 'read_write'] as const
export type AccessPermission = (typeof ACCESS_PERMISSIONS)[number]

export interface AccessRuleRow {
  company: string; id: string; name: string; description: string; entity_type: EntityType
  /** An object id, '*' (every object of the type) or null (project rules: the top level). */
  entity_id: string | null
  access_permission: AccessPermission
  /** JSON lists of group ids and user ids. */
  groups: string; users: string
  autocreated: number; metadata: string; created: string; last_update: string
}

/** The object kinds this server stores (the entity types with a picker). */
export const OBJECT_KINDS = ['project', 'task', 'model', 'queue', 'dataset'] as const
export type ObjectKind = (typeof OBJECT_KINDS)[number]

export interface ObjectRow {
  kind: ObjectKind; id: string; company: string
  /** Projects: the full path ("Parent/Child"), as ClearML names subprojects. */
  name: string
  display_name: string | null
  /** Tasks, models, datasets: their project; projects: the parent project (null = top level). */
  project: string | null
  status: string | null; type: string | null
  /** Tasks: the queue they are queued on. */
  queue: string | null
  /** Models: the task that created them. */
  task: string | null
  framework: string | null; user_id: string | null; description: string | null
  /** JSON list. */
  tags: string
  created: string; last_update: string
}

export interface SsoConfigurationRow {
  id: string; company: string; provider: string; category: 'oidc' | 'saml'; display_name: string; active: number; readonly: number
  /** JSON: the whole configuration, secrets included. */
  config: string
  created: string; last_update: string
}

/** A Test Provider run (sso.test_provider_configuration → login.test_sso_callback). */
export interface SsoTestSessionRow {
  id: string; company: string; user_id: string; provider: string
  /** JSON: the configuration under test, secrets included. */
  config: string
  redirect_uri: string; code_verifier: string | null; nonce: string; app_state: string | null; created: string; expires: string
}

export class AdminStore {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db
  }

  // --- access rules -----------------------------------------------------------------------------
  /** In creation order. */
  rules(company: string): AccessRuleRow[] {
    return this.db.prepare('SELECT * FROM access_rules WHERE company = ? ORDER BY rowid').all(company) as AccessRuleRow[]
  }
  rule(company: string, id: string): AccessRuleRow | undefined {
    return this.db.prepare('SELECT * FROM access_rules WHERE company = ? AND id = ?').get(company, id) as AccessRuleRow | undefined
  }
  /** The rules of the given types whose entity_id is one of `ids`, '*' or null. */
  rulesFor(company: string, types: readonly string[], ids: readonly string[]): AccessRuleRow[] {
    if (!types.length) return []
    const t = types.map(() => '?').join(', ')
    const i = ids.length ? ids.map(() => '?').join(', ') : "''"
    return this.db.prepare(`SELECT * FROM access_rules WHERE company = ? AND entity_type IN (${t})
      AND (entity_id IS NULL OR entity_id = '*' OR entity_id IN (${i})) ORDER BY rowid`).all(company, ...types, ...ids) as AccessRuleRow[]
  }
  putRule(r: AccessRuleRow): void {
    this.store.stmt(`INSERT INTO access_rules (company, id, name, description, entity_type, entity_id, access_permission, groups, users, autocreated, metadata, created, last_update)
      VALUES (@company, @id, @name, @description, @entity_type, @entity_id, @access_permission, @groups, @users, @autocreated, @metadata, @created, @last_update)
      ON CONFLICT(company, id) DO UPDATE SET name = excluded.name, description = excluded.description, entity_type = excluded.entity_type,
        entity_id = excluded.entity_id, access_permission = excluded.access_permission, groups = excluded.groups, users = excluded.users,
        autocreated = excluded.autocreated, metadata = excluded.metadata, last_update = excluded.last_update`).run(r)
  }
  deleteRule(company: string, id: string): number {
    return this.db.prepare('DELETE FROM access_rules WHERE company = ? AND id = ?').run(company, id).changes
  }
  ruleCount(company: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM access_rules WHERE company = ?').get(company) as { n: number }).n
  }

  // --- objects ----------------------------------------------------------------------------------
  /** In creation order. */
  objects(company: string, kind: ObjectKind): ObjectRow[] {
    return this.db.prepare('SELECT * FROM objects WHERE company = ? AND kind = ? ORDER BY rowid').all(company, kind) as ObjectRow[]
  }
  object(kind: ObjectKind, id: string): ObjectRow | undefined {
    return this.store.stmt('SELECT * FROM objects WHERE kind = ? AND id = ?').get(kind, id) as ObjectRow | undefined
  }
  /** id → name of the company's objects of one kind. */
  objectNames(company: string, kind: ObjectKind): Map<string, { name: string; display_name: string | null }> {
    const rows = this.db.prepare('SELECT id, name, display_name FROM objects WHERE company = ? AND kind = ?').all(company, kind) as
      Array<{ id: string; name: string; display_name: string | null }>
    return new Map(rows.map((r) => [r.id, r]))
  }
  insertObject(o: ObjectRow): void {
    this.store.stmt(`INSERT INTO objects (kind, id, company, name, display_name, project, status, type, queue, task, framework, user_id, description, tags, created, last_update)
      VALUES (@kind, @id, @company, @name, @display_name, @project, @status, @type, @queue, @task, @framework, @user_id, @description, @tags, @created, @last_update)`).run(o)
  }

  // --- SSO configurations -----------------------------------------------------------------------
  /** In creation order. */
  ssoConfigurations(company: string): SsoConfigurationRow[] {
    return this.db.prepare('SELECT * FROM sso_configurations WHERE company = ? ORDER BY rowid').all(company) as SsoConfigurationRow[]
  }
  ssoConfiguration(company: string, id: string): SsoConfigurationRow | undefined {
    return this.db.prepare('SELECT * FROM sso_configurations WHERE company = ? AND id = ?').get(company, id) as SsoConfigurationRow | undefined
  }
  putSsoConfiguration(c: SsoConfigurationRow): void {
    this.db.prepare(`INSERT INTO sso_configurations (id, company, provider, category, display_name, active, readonly, config, created, last_update)
      VALUES (@id, @company, @provider, @category, @display_name, @active, @readonly, @config, @created, @last_update)
      ON CONFLICT(id) DO UPDATE SET provider = excluded.provider, category = excluded.category, display_name = excluded.display_name,
        active = excluded.active, config = excluded.config, last_update = excluded.last_update`).run(c)
  }
  setSsoActive(company: string, id: string, active: boolean, at: string): number {
    return this.db.prepare('UPDATE sso_configurations SET active = ?, last_update = ? WHERE company = ? AND id = ?').run(active ? 1 : 0, at, company, id).changes
  }
  deleteSsoConfiguration(company: string, id: string): number {
    return this.db.prepare('DELETE FROM sso_configurations WHERE company = ? AND id = ?').run(company, id).changes
  }

  // --- SSO test sessions ------------------------------------------------------------------------
  insertTestSession(t: SsoTestSessionRow): void {
    // expired sessions are of no use: forget them
    this.db.prepare('DELETE FROM sso_test_sessions WHERE expires < ?').run(this.store.nowIso())
    this.db.prepare(`INSERT INTO sso_test_sessions (id, company, user_id, provider, config, redirect_uri, code_verifier, nonce, app_state, created, expires)
      VALUES (@id, @company, @user_id, @provider, @config, @redirect_uri, @code_verifier, @nonce, @app_state, @created, @expires)`).run(t)
  }
  testSession(id: string): SsoTestSessionRow | undefined {
    return this.db.prepare('SELECT * FROM sso_test_sessions WHERE id = ?').get(id) as SsoTestSessionRow | undefined
  }
  /** A test session is used once. */
  deleteTestSession(id: string): void {
    this.db.prepare('DELETE FROM sso_test_sessions WHERE id = ?').run(id)
  }
}
