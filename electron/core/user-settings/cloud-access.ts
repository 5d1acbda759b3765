// cloudAccess.*: the web app's "Web App Cloud Access" bucket keys (clearml-api.md §6.2). The web app keeps them in
// its browser and never sends them to the server; here they stay on this desktop, per connection (table
// cloud_access), with the secret and the token sealed by the secret store and never returned (hasSecret/hasToken).
import { randomUUID } from 'node:crypto'
import { ApiError, normaliseEndpoint, type CloudAccessEntry, type HandlersOf } from '../../../shared/api'
import type { userSettingsMethods } from '../../../shared/api/methods/user-settings'
import type { CoreContext } from '../context'
import type { Db } from '../db'
import type { SecretStore } from '../secrets'
import { activeConnection, fieldError } from './common'

type Methods = Pick<typeof userSettingsMethods, 'cloudAccess.list' | 'cloudAccess.save' | 'cloudAccess.remove'>

interface Row {
  id: string
  connection_id: string
  bucket: string
  endpoint: string
  access_key: string
  secret_ref: string | null
  token_ref: string | null
  region: string
  created_at: number
  updated_at: number
}

export interface CloudAccessSave {
  id?: string
  bucket: string
  key: string
  /** undefined: keep the stored one; '': clear it. */
  secret?: string
  token?: string
  region: string
  endpoint: string
}

const toEntry = (r: Row): CloudAccessEntry => ({
  id: r.id,
  bucket: r.bucket,
  key: r.access_key,
  region: r.region,
  endpoint: r.endpoint,
  hasSecret: !!r.secret_ref,
  hasToken: !!r.token_ref,
  updatedAt: r.updated_at
})

export class CloudAccessRepo {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretStore
  ) {}

  list(connectionId: string): CloudAccessEntry[] {
    const rows = this.db.prepare('SELECT * FROM cloud_access WHERE connection_id = ? ORDER BY bucket COLLATE NOCASE, endpoint').all(connectionId) as Row[]
    return rows.map(toEntry)
  }

  /** The plain secret and token of one entry (stays inside the core). */
  secretsOf(connectionId: string, id: string): { secret: string | null; token: string | null } | undefined {
    const r = this.row(connectionId, id)
    if (!r) return undefined
    return { secret: r.secret_ref ? (this.secrets.decrypt(r.secret_ref) ?? null) : null, token: r.token_ref ? (this.secrets.decrypt(r.token_ref) ?? null) : null }
  }

  save(connectionId: string, input: CloudAccessSave): CloudAccessEntry {
    const endpoint = normaliseEndpoint(input.endpoint)
    if (endpoint && !/^https?:\/\/[^\s/?#]+(\/[^\s]*)?$/i.test(endpoint)) {
      throw fieldError('endpoint', 'Host (Endpoint) must be a host name with an optional port, such as minio.example.com:9000, or an http(s):// URL')
    }
    const seal = (v: string | undefined, kept: string | null): string | null => {
      if (v === undefined) return kept
      if (v === '') return null
      if (!this.secrets.available) throw new ApiError('unsupported', 'No safe secret storage is available on this machine, so secrets cannot be saved.')
      return this.secrets.encrypt(v)
    }
    const tx = this.db.transaction((): string => {
      const cur = input.id ? this.row(connectionId, input.id) : undefined
      if (input.id && !cur) throw new ApiError('not_found', 'This cloud access entry no longer exists; it may have been removed.', { field: 'id' })
      const dup = this.db.prepare('SELECT id FROM cloud_access WHERE connection_id = ? AND bucket = ? AND endpoint = ?').get(connectionId, input.bucket, endpoint) as { id: string } | undefined
      if (dup && dup.id !== input.id) {
        throw fieldError('bucket', endpoint ? `Bucket ${input.bucket} at ${endpoint} already has access keys` : `Bucket ${input.bucket} already has access keys`)
      }
      const now = Date.now()
      const row = {
        id: cur?.id ?? randomUUID(),
        connection_id: connectionId,
        bucket: input.bucket,
        endpoint,
        access_key: input.key,
        secret_ref: seal(input.secret, cur?.secret_ref ?? null),
        token_ref: seal(input.token, cur?.token_ref ?? null),
        region: input.region,
        created_at: cur?.created_at ?? now,
        updated_at: now
      }
      this.db
        .prepare(
          `INSERT INTO cloud_access (id, connection_id, bucket, endpoint, access_key, secret_ref, token_ref, region, created_at, updated_at)
           VALUES (@id, @connection_id, @bucket, @endpoint, @access_key, @secret_ref, @token_ref, @region, @created_at, @updated_at)
           ON CONFLICT (id) DO UPDATE SET bucket = excluded.bucket, endpoint = excluded.endpoint, access_key = excluded.access_key,
             secret_ref = excluded.secret_ref, token_ref = excluded.token_ref, region = excluded.region, updated_at = excluded.updated_at`
        )
        .run(row)
      return row.id
    })
    return toEntry(this.row(connectionId, tx())!)
  }

  remove(connectionId: string, id: string): number {
    return this.db.prepare('DELETE FROM cloud_access WHERE connection_id = ? AND id = ?').run(connectionId, id).changes
  }

  private row(connectionId: string, id: string): Row | undefined {
    return this.db.prepare('SELECT * FROM cloud_access WHERE connection_id = ? AND id = ?').get(connectionId, id) as Row | undefined
  }
}

export function cloudAccessHandlers(ctx: CoreContext, repo: CloudAccessRepo): HandlersOf<Methods> {
  const { session } = ctx
  return {
    'cloudAccess.list': async () => repo.list(activeConnection(session).id),
    'cloudAccess.save': async (input) => repo.save(activeConnection(session).id, input),
    'cloudAccess.remove': async ({ id }) => ({ removed: repo.remove(activeConnection(session).id, id) })
  }
}
