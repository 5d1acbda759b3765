// Connection profiles in SQLite. The secret key is stored only as ciphertext from the secret store.
import { randomUUID } from 'node:crypto'
import type { Db } from '../db'
import { ApiError, type ConnectionFields, type ConnectionInfo } from '../../../shared/api'
import type { SecretStore } from '../secrets'

interface Row {
  id: string
  name: string
  api_url: string
  web_url: string | null
  files_url: string | null
  access_key: string
  secret_ref: string | null
  production: number
  verify_tls: number
  ca_file: string | null
  created_at: number
  updated_at: number
}

export interface StoredConnection extends ConnectionInfo {
  secretRef: string | null
}


const trimSlash = (u: string) => u.replace(/\/+$/, '')

export class ConnectionRepo {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretStore
  ) {}

  activeId(): string | null {
    const row = this.db.prepare(`SELECT value FROM settings WHERE key = 'active_connection'`).get() as { value: string } | undefined
    const id = row ? (JSON.parse(row.value) as string | null) : null
    return id && this.get(id) ? id : null
  }

  setActive(id: string | null): void {
    this.db
      .prepare(`INSERT INTO settings(key, value) VALUES ('active_connection', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
      .run(JSON.stringify(id))
  }

  list(): StoredConnection[] {
    const active = this.activeId()
    return (this.db.prepare(`SELECT * FROM connections ORDER BY name COLLATE NOCASE`).all() as Row[]).map((r) => this.toInfo(r, active))
  }

  get(id: string): StoredConnection | undefined {
    const row = this.db.prepare(`SELECT * FROM connections WHERE id = ?`).get(id) as Row | undefined
    if (!row) return undefined
    const activeRow = this.db.prepare(`SELECT value FROM settings WHERE key = 'active_connection'`).get() as { value: string } | undefined
    return this.toInfo(row, activeRow ? JSON.parse(activeRow.value) : null)
  }

  require(id: string): StoredConnection {
    const c = this.get(id)
    if (!c) throw new ApiError('not_found', `No connection with id ${id}`, { field: 'id' })
    return c
  }

  /** Plain secret for building a client; stays inside the core. */
  secretOf(c: StoredConnection): string | undefined {
    return c.secretRef ? this.secrets.decrypt(c.secretRef) : undefined
  }

  create(input: ConnectionFields): StoredConnection {
    if (!input.secretKey) throw new ApiError('invalid_input', 'secretKey: Secret key is required', { issues: [{ path: 'secretKey', message: 'Secret key is required' }] })
    this.assertUniqueName(input.name)
    const now = Date.now()
    const id = randomUUID()
    this.db
      .prepare(
        `INSERT INTO connections(id, name, api_url, web_url, files_url, access_key, secret_ref, production, verify_tls, ca_file, created_at, updated_at)
         VALUES (@id, @name, @api_url, @web_url, @files_url, @access_key, @secret_ref, @production, @verify_tls, @ca_file, @now, @now)`
      )
      .run({
        id,
        name: input.name,
        api_url: trimSlash(input.apiUrl),
        web_url: trimSlash(input.webUrl),
        files_url: trimSlash(input.filesUrl),
        access_key: input.accessKey,
        secret_ref: this.secrets.encrypt(input.secretKey),
        production: input.production ? 1 : 0,
        verify_tls: input.verifyTls ? 1 : 0,
        ca_file: input.caFile,
        now
      })
    return this.require(id)
  }

  update(id: string, patch: Partial<ConnectionFields>): StoredConnection {
    const cur = this.require(id)
    if (patch.name !== undefined && patch.name !== cur.name) this.assertUniqueName(patch.name, id)
    const next = {
      name: patch.name ?? cur.name,
      api_url: patch.apiUrl !== undefined ? trimSlash(patch.apiUrl) : cur.apiUrl,
      web_url: patch.webUrl !== undefined ? trimSlash(patch.webUrl) : cur.webUrl,
      files_url: patch.filesUrl !== undefined ? trimSlash(patch.filesUrl) : cur.filesUrl,
      access_key: patch.accessKey ?? cur.accessKey,
      secret_ref: patch.secretKey ? this.secrets.encrypt(patch.secretKey) : cur.secretRef,
      production: (patch.production ?? cur.production) ? 1 : 0,
      verify_tls: (patch.verifyTls ?? cur.verifyTls) ? 1 : 0,
      ca_file: patch.caFile !== undefined ? patch.caFile : cur.caFile,
      now: Date.now(),
      id
    }
    this.db
      .prepare(
        `UPDATE connections SET name=@name, api_url=@api_url, web_url=@web_url, files_url=@files_url, access_key=@access_key,
         secret_ref=@secret_ref, production=@production, verify_tls=@verify_tls, ca_file=@ca_file, updated_at=@now WHERE id=@id`
      )
      .run(next)
    return this.require(id)
  }

  delete(id: string): boolean {
    const tx = this.db.transaction(() => {
      const r = this.db.prepare(`DELETE FROM connections WHERE id = ?`).run(id)
      if (this.activeId() === null) this.setActive(null)
      return r.changes > 0
    })
    return tx()
  }

  private assertUniqueName(name: string, exceptId?: string) {
    const row = this.db.prepare(`SELECT id FROM connections WHERE name = ? COLLATE NOCASE`).get(name) as { id: string } | undefined
    if (row && row.id !== exceptId) {
      throw new ApiError('conflict', `name: A connection named "${name}" already exists`, { issues: [{ path: 'name', message: `A connection named "${name}" already exists` }] })
    }
  }

  private toInfo(r: Row, activeId: string | null): StoredConnection {
    return {
      id: r.id,
      name: r.name,
      apiUrl: r.api_url,
      webUrl: r.web_url ?? '',
      filesUrl: r.files_url ?? '',
      accessKey: r.access_key,
      hasSecret: !!r.secret_ref,
      production: !!r.production,
      verifyTls: !!r.verify_tls,
      caFile: r.ca_file,
      active: r.id === activeId,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      secretRef: r.secret_ref
    }
  }
}

/** Strip the ciphertext before anything leaves the core. */
export function publicInfo(c: StoredConnection): ConnectionInfo {
  const { secretRef: _drop, ...info } = c
  void _drop
  return info
}
