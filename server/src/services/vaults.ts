import { z } from 'zod'
import { type Identity, endpoint, requireIdentity, stringList } from '../endpoint'
import { errors } from '../errors'
import { type VaultRow, newId } from '../store'

/**
 * Enterprise configuration vaults (clearml-api.md §3.1), registered only with featureSet 'enterprise'.
 * Group vaults apply to every user of the company (this server has no groups); a user-scope vault is the
 * caller's personal vault. Response order is precedence (last wins): group vaults, then the personal one.
 * Every write bumps a company-wide monotonic `version` and `last_update`.
 */

const ADMIN_ROLES = ['admin', 'root', 'system']
const isAdmin = (identity: Identity) => ADMIN_ROLES.includes(identity.role)

function toApi(v: VaultRow) {
  return {
    id: v.id, scope: v.scope, ...(v.grp !== null && { group: v.grp }), ...(v.user_id !== null && { user: v.user_id }),
    type: v.type, format: v.format, data: v.data, ...(v.description !== null && { description: v.description }),
    enabled: v.enabled === 1, created: v.created, last_update: v.last_update, version: v.version
  }
}

function canWrite(identity: Identity, v: Pick<VaultRow, 'scope' | 'user_id'>): boolean {
  return isAdmin(identity) || (v.scope === 'user' && v.user_id === identity.user)
}

const vaultInput = z.object({
  id: z.string().min(1).optional(),
  scope: z.enum(['group', 'user']).optional(),
  type: z.string().min(1).optional(),
  format: z.string().min(1).optional(),
  data: z.string().optional(),
  description: z.string().nullable().optional(),
  enabled: z.boolean().optional()
})

export const vaultEndpoints = [
  endpoint({
    name: 'users.get_vaults', minVersion: '2.15', auth: 'required',
    schema: z.object({ enabled: z.boolean().optional(), types: stringList.optional(), scope: z.string().optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { enabled, types, scope } = ctx.data
      const visible = ctx.server.store.vaultsOfCompany(identity.company)
        .filter((v) => v.scope === 'group' || v.user_id === identity.user)
        .filter((v) => enabled === undefined || (v.enabled === 1) === enabled)
        .filter((v) => !types?.length || types.includes(v.type))
        .filter((v) => scope === undefined || v.scope === scope)
      const rank = (v: VaultRow) => (v.scope === 'user' ? 1 : 0)
      return { vaults: visible.sort((a, b) => rank(a) - rank(b)).map(toApi) }
    }
  }),
  endpoint({
    name: 'users.add_or_update_vault', minVersion: '2.15', auth: 'required',
    schema: z.object({ group: z.string().min(1).optional(), vault: vaultInput }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const input = ctx.data.vault
      return store.tx(() => {
        const now = store.nowIso()
        const version = store.nextSeq(`vault.${identity.company}`)
        const existing = input.id ? store.vault(input.id) : undefined
        if (input.id && (!existing || existing.company !== identity.company)) throw errors.invalidId('vault not found', { id: input.id })
        const scope = input.scope ?? existing?.scope ?? 'group'
        const row: VaultRow = {
          id: existing?.id ?? input.id ?? newId(),
          company: identity.company,
          scope,
          user_id: scope === 'user' ? (existing?.scope === 'user' ? existing.user_id : identity.user) : null,
          grp: scope === 'group' ? (ctx.data.group ?? existing?.grp ?? null) : null,
          type: input.type ?? existing?.type ?? 'config',
          format: input.format ?? existing?.format ?? 'hocon',
          data: input.data ?? existing?.data ?? '',
          description: input.description !== undefined ? input.description : (existing?.description ?? null),
          enabled: (input.enabled ?? (existing ? existing.enabled === 1 : true)) ? 1 : 0,
          created: existing?.created ?? now,
          last_update: now,
          version
        }
        if (existing && !canWrite(identity, existing)) throw errors.roleNotAllowed('only admins may change this vault')
        if (!canWrite(identity, row)) throw errors.roleNotAllowed('only admins may write group vaults')
        if (row.scope === 'group' && !row.grp) throw errors.missingRequiredFields(undefined, { fields: ['group'] })
        if (!existing && input.data === undefined) throw errors.missingRequiredFields(undefined, { fields: ['vault.data'] })
        if (existing) store.updateVault(row)
        else store.insertVault(row)
        return { vault: row.id }
      })
    }
  }),
  endpoint({
    name: 'users.delete_vaults', minVersion: '2.15', auth: 'required',
    schema: z.object({ vaults: stringList }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      return store.tx(() => {
        const targets = ctx.data.vaults.map((id) => store.vault(id)).filter((v) => v && v.company === identity.company) as VaultRow[]
        if (targets.some((v) => !canWrite(identity, v))) throw errors.roleNotAllowed('only admins may delete group vaults')
        let deleted = 0
        for (const v of targets) deleted += store.deleteVault(v.id)
        if (deleted) store.nextSeq(`vault.${identity.company}`)
        return { deleted }
      })
    }
  })
]
