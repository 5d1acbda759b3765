// vaults.*: reading configuration vaults (listings use the server's preview, with leaf strings hidden, so no
// vault secret is cached on disk), their groups and their operations log. Writes go through drafts.*.
import { z } from 'zod'
import type { VaultInfo } from '../../domain/vaults'
import { listQuery, type Page } from '../list'
import { method } from '../method'
import type { Cached } from '../types'

export const vaultOrder = ['description', 'scope', 'lastUpdate', 'type'] as const
export type VaultOrder = (typeof vaultOrder)[number]

export interface VaultGroup {
  id: string
  name: string
  system: boolean
  members: number
}

export interface VaultOperation {
  created: string
  operation: 'create' | 'edit' | 'delete' | 'activate' | 'deactivate' | string
  vaultId: string | null
  vaultDescription: string
  scope: string
  user: { id: string; name: string } | null
  ip: string | null
  originator: string | null
}

export const vaultsMethods = {
  'vaults.list': method<Page<VaultInfo>>()(
    listQuery(vaultOrder, 'description').extend({
      /** The caller's own user-scope vault(s) instead of the administrator vaults. */
      personal: z.boolean().default(false),
      /** Only active (true) or inactive (false) vaults. */
      enabled: z.boolean().optional(),
      refresh: z.boolean().default(false)
    })
  ),
  /** Every vault the caller may see, with full data, live in server order (effective configuration; never cached). */
  'vaults.all': method<VaultInfo[]>()(z.object({}).strict()),
  /** One vault with its full data, live from the server (for download; never cached). */
  'vaults.get': method<VaultInfo>()(z.object({ id: z.string().min(1).max(200) }).strict()),
  'vaults.groups': method<Cached<VaultGroup[]>>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  'vaults.log': method<Cached<VaultOperation[]>>()(
    z
      .object({
        vaults: z.array(z.string().min(1).max(200)).max(100).optional(),
        operations: z.array(z.enum(['create', 'edit', 'delete', 'activate', 'deactivate'])).max(5).optional(),
        users: z.array(z.string().min(1).max(200)).max(100).optional(),
        from: z.string().datetime({ offset: true, message: 'From must be a date and time' }).optional(),
        to: z.string().datetime({ offset: true, message: 'To must be a date and time' }).optional(),
        refresh: z.boolean().default(false)
      })
      .strict()
  )
}
