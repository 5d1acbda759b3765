import type { IncomingHttpHeaders } from 'node:http'
import { z } from 'zod'
import { clearmlHeader } from '../auth'
import { type CallContext, type Identity, empty, endpoint, requireIdentity, stringList } from '../endpoint'
import { errors } from '../errors'
import { ADMIN_ROLES, groupsOfUser, isAdminRole } from '../groups'
import { previewData } from '../preview'
import { clip } from '../request'
import { type Store, type VaultOperationRow, type VaultRow, newId } from '../store'

/**
 * Enterprise configuration vaults (clearml-enterprise-api.md §1.5, clearml-api.md §3.1), registered only with
 * featureSet 'enterprise'. Scopes: organization (every user of the company), group (the members of one user
 * group, see groups.ts) and user (one user's personal vault). Listings are in precedence order, lowest first
 * (organization, then group, then user; creation order within a scope), because the SDK and agent merge vaults
 * in response order with the last one winning (clearml-api.md §3.2, §8).
 * Every write bumps `last_update` and a company-wide monotonic `version` (an extra; clients should not rely on it),
 * and is recorded in the operations log (create, edit, activate, deactivate, delete).
 */

export const VAULT_SCOPES = ['organization', 'group', 'user'] as const
/** The operations the log records, in the order the filters endpoint lists them. */
export const VAULT_OPERATIONS = ['create', 'edit', 'activate', 'deactivate', 'delete'] as const
const SCOPE_RANK: Record<string, number> = { organization: 0, group: 1, user: 2 }

/** Drops null/undefined fields: the server leaves unset fields out rather than sending null. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>
}

/** users.vault_data: the write fields plus group, group_name, user, last_update, editable (and id, created, version). */
function toApi(store: Store, v: VaultRow, preview: boolean) {
  const group = v.scope === 'group' && v.grp !== null ? store.userGroup(v.company, v.grp) : undefined
  return compact({
    id: v.id, scope: v.scope, group: v.scope === 'group' ? v.grp : null, group_name: group?.name,
    user: v.scope === 'user' ? v.user_id : null, type: v.type, format: v.format,
    data: preview ? previewData(v.data, v.format) : v.data, description: v.description, enabled: v.enabled === 1,
    editable: v.editable === 1, created: v.created, last_update: v.last_update, version: v.version
  })
}

const listSchema = z.object({ enabled: z.boolean().optional(), types: stringList.optional(), preview_data: z.boolean().optional() })
type ListRequest = z.output<typeof listSchema>

/** `enabled: true` keeps only enabled vaults (false or absent: no filter, as published); `types` filters by type. */
function listed(store: Store, vaults: VaultRow[], req: ListRequest) {
  return vaults
    .filter((v) => req.enabled !== true || v.enabled === 1)
    .filter((v) => !req.types?.length || req.types.includes(v.type))
    .sort((a, b) => (SCOPE_RANK[a.scope] ?? 3) - (SCOPE_RANK[b.scope] ?? 3)) // stable: creation order within a scope
    .map((v) => toApi(store, v, req.preview_data === true))
}

// --- operations log -----------------------------------------------------------------------------------------------

export interface Origin { ip: string | null; originator: string; originator_version: string | null }

/**
 * Who called, for the operations log: `X-Clearml-Client` (first token) split into name and version
 * (`Webapp-2.1.0` -> web 2.1.0, `clearml-1.16.2` -> sdk 1.16.2, `clearml-agent-1.9.2` -> clearml-agent 1.9.2);
 * without the header, "web" for a cookie-authenticated call and "sdk" otherwise.
 */
export function originOf(headers: IncomingHttpHeaders, ip: string | null): Origin {
  const raw = clearmlHeader(headers, 'client')?.split(/[\s,;]+/).find(Boolean)
  if (!raw) return { ip, originator: headers.authorization ? 'sdk' : 'web', originator_version: null }
  const m = /^(.+?)[-/ ]v?(\d[\w.+-]*)$/.exec(raw)
  const name = m ? m[1] : raw
  const originator = /^webapp$/i.test(name) ? 'web' : /^(clearml|trains)$/i.test(name) ? 'sdk' : name
  return { ip, originator: clip(originator, 100), originator_version: m ? clip(m[2], 100) : null }
}

export function recordVaultOperation(store: Store, v: VaultRow, operation: (typeof VAULT_OPERATIONS)[number], actor: { id: string; name: string }, origin: Origin): void {
  store.insertVaultOperation({
    company: v.company, vault: v.id, scope: v.scope, operation, user_id: actor.id, user_name: actor.name,
    vault_description: v.description, created: store.nowIso(), ip: origin.ip, originator: origin.originator,
    originator_version: origin.originator_version, reason: null
  })
}

const actorOf = (store: Store, identity: Identity) => ({ id: identity.user, name: store.user(identity.user)?.name ?? identity.user_name })
const originOfCall = (ctx: CallContext<unknown>) => originOf(ctx.headers, ctx.ip)

function timestamp(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined
  const t = Date.parse(value)
  if (Number.isNaN(t)) throw errors.validation(`error for field '${field}'. Invalid ISO 8601 date-time`)
  return t
}

/** Adjacent records (in time order) of the same operation by the same user on the same vault form one group. */
function groupAdjacent(ops: VaultOperationRow[]): VaultOperationRow[][] {
  const groups: VaultOperationRow[][] = []
  for (const op of ops) {
    const last = groups.at(-1)?.at(-1)
    if (last && last.vault === op.vault && last.operation === op.operation && last.user_id === op.user_id) groups.at(-1)!.push(op)
    else groups.push([op])
  }
  return groups
}

// --- writes -------------------------------------------------------------------------------------------------------

const vaultInput = z.object({
  id: z.string().min(1).optional(),
  scope: z.enum(VAULT_SCOPES).optional(),
  type: z.string().min(1).optional(),
  format: z.string().min(1).optional(),
  data: z.string().optional(),
  description: z.string().nullable().optional(),
  enabled: z.boolean().optional()
})

const canTouch = (identity: Identity, v: Pick<VaultRow, 'scope' | 'user_id'>) =>
  isAdminRole(identity.role) || (v.scope === 'user' && v.user_id === identity.user)

export const vaultEndpoints = [
  endpoint({
    name: 'users.get_vaults', minVersion: '2.15', auth: 'required', schema: listSchema,
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const user = store.userInCompany(identity.user, identity.company)
      const memberOf = new Set(user ? groupsOfUser(store, user).map((g) => g.id) : [])
      const admin = isAdminRole(identity.role)
      const applying = store.vaultsOfCompany(identity.company).filter((v) =>
        v.scope === 'user' ? v.user_id === identity.user
          : (v.scope === 'organization' || (v.scope === 'group' && v.grp !== null && memberOf.has(v.grp))) && (admin || v.enabled === 1))
      return { vaults: listed(store, applying, ctx.data) }
    }
  }),
  endpoint({
    name: 'users.get_organization_vaults', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES, schema: listSchema,
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const vaults = store.vaultsOfCompany(identity.company).filter((v) => v.scope === 'organization' || v.scope === 'group')
      return { vaults: listed(store, vaults, ctx.data) }
    }
  }),
  endpoint({
    name: 'users.add_or_update_vault', minVersion: '2.15', auth: 'required',
    schema: z.object({ vault: vaultInput, group: z.string().min(1).optional(), user: z.string().min(1).optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const input = ctx.data.vault
      const admin = isAdminRole(identity.role)
      return store.tx(() => {
        const existing = input.id !== undefined ? store.vault(input.id) : undefined
        if (input.id !== undefined && (!existing || existing.company !== identity.company)) throw errors.invalidId('vault not found', { id: input.id })
        if (existing && !canTouch(identity, existing)) throw errors.roleNotAllowed('only admins may change organization, group or other users\' vaults')
        const scope = input.scope ?? existing?.scope
        const missing = [...(scope === undefined ? ['vault.scope'] : []), ...(!existing && input.data === undefined ? ['vault.data'] : [])]
        if (missing.length) throw errors.missingRequiredFields(undefined, { fields: missing })
        if (!admin && scope !== 'user') throw errors.roleNotAllowed('only admins may write organization and group vaults')
        if (!admin && ctx.data.user !== undefined && ctx.data.user !== identity.user) throw errors.roleNotAllowed('only admins may write another user\'s vault')

        let userId: string | null = null
        if (scope === 'user') {
          userId = ctx.data.user ?? (existing?.scope === 'user' ? existing.user_id : identity.user)
          const owner = userId === null ? undefined : store.userInCompany(userId, identity.company)
          if (!owner) throw errors.invalidUserId('user not found', { id: userId })
        }
        let grp: string | null = null
        if (scope === 'group') {
          grp = ctx.data.group ?? (existing?.scope === 'group' ? existing.grp : null)
          if (grp === null) throw errors.missingRequiredFields(undefined, { fields: ['group'] })
          // a vault whose group was deleted keeps it until the group is changed
          if (grp !== existing?.grp && !store.userGroup(identity.company, grp)) throw errors.invalidId('user group not found', { group: grp })
        }

        const now = store.nowIso()
        const row: VaultRow = {
          id: existing?.id ?? newId(),
          company: identity.company,
          scope: scope!,
          user_id: userId,
          grp,
          type: input.type ?? existing?.type ?? 'config',
          format: input.format ?? existing?.format ?? 'hocon',
          data: input.data ?? existing?.data ?? '',
          description: input.description !== undefined ? input.description : (existing?.description ?? null),
          enabled: (input.enabled ?? (existing ? existing.enabled === 1 : true)) ? 1 : 0,
          created: existing?.created ?? now,
          last_update: now,
          version: store.nextSeq(`vault.${identity.company}`),
          editable: existing?.editable ?? 1
        }
        const actor = actorOf(store, identity)
        const origin = originOfCall(ctx)
        if (!existing) {
          store.insertVault(row)
          recordVaultOperation(store, row, 'create', actor, origin)
          return { vault: row.id }
        }
        const contentChanged = (['scope', 'user_id', 'grp', 'type', 'format', 'data'] as const).some((k) => row[k] !== existing[k])
        if (contentChanged && existing.editable === 0) {
          throw errors.validation('vault is not editable (it holds encrypted data and server encryption is disabled); only enabled and description can change', { id: row.id })
        }
        store.updateVault(row)
        if (contentChanged || row.description !== existing.description) recordVaultOperation(store, row, 'edit', actor, origin)
        if (row.enabled !== existing.enabled) recordVaultOperation(store, row, row.enabled ? 'activate' : 'deactivate', actor, origin)
        return { vault: row.id }
      })
    }
  }),
  endpoint({
    name: 'users.delete_vaults', minVersion: '2.15', auth: 'required',
    schema: z.object({ vaults: stringList.optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      return store.tx(() => {
        const targets = [...new Set(ctx.data.vaults ?? [])].map((id) => store.vault(id)).filter((v): v is VaultRow => v?.company === identity.company)
        if (targets.some((v) => !canTouch(identity, v))) throw errors.roleNotAllowed('only admins may delete organization, group or other users\' vaults')
        const actor = actorOf(store, identity)
        const origin = originOfCall(ctx)
        let deleted = 0
        for (const v of targets) {
          if (!store.deleteVault(v.id)) continue
          deleted++
          recordVaultOperation(store, v, 'delete', actor, origin)
        }
        if (deleted) store.nextSeq(`vault.${identity.company}`)
        return { deleted }
      })
    }
  }),
  endpoint({
    name: 'users.get_vault_operations_log', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({
      vaults: stringList.optional(), users: stringList.optional(), operations: stringList.optional(), scope: stringList.optional(),
      from_timestamp: z.string().optional(), to_timestamp: z.string().optional(), order: z.enum(['asc', 'desc']).optional(),
      page: z.number().int().min(0).optional(), page_size: z.number().int().min(1).optional(),
      group: z.object({ index: z.number().int().optional(), order: z.enum(['asc', 'desc']).optional() }).nullable().optional()
    }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const q = ctx.data
      const from = timestamp(q.from_timestamp, 'from_timestamp')
      const to = timestamp(q.to_timestamp, 'to_timestamp')
      const scopes = q.scope?.length ? q.scope : ['organization', 'group']
      const ops = store.vaultOperationsOfCompany(identity.company).filter((op) => {
        const t = Date.parse(op.created)
        return scopes.includes(op.scope) && (!q.vaults?.length || q.vaults.includes(op.vault)) &&
          (!q.users?.length || q.users.includes(op.user_id)) && (!q.operations?.length || q.operations.includes(op.operation)) &&
          (from === undefined || t >= from) && (to === undefined || t <= to)
      })
      // grouping is on unless `group: null`; within a group, `order` (default asc) then `index` (default 0; -1 = last)
      let picked: VaultOperationRow[]
      if (q.group === null) picked = ops
      else {
        const { index = 0, order = 'asc' } = q.group ?? {}
        picked = groupAdjacent(ops).map((g) => {
          const inGroup = order === 'asc' ? g : [...g].reverse()
          return inGroup.at(index) ?? inGroup[0]
        })
      }
      if ((q.order ?? 'desc') === 'desc') picked.reverse()
      if (q.page_size !== undefined) picked = picked.slice((q.page ?? 0) * q.page_size, ((q.page ?? 0) + 1) * q.page_size)
      return {
        operations: picked.map((op) => compact({
          created: op.created, ip: op.ip, operation: op.operation, originator: op.originator,
          originator_version: op.originator_version, reason: op.reason, scope: op.scope,
          user: { id: op.user_id, name: store.user(op.user_id)?.name ?? op.user_name }, vault_description: op.vault_description
        }))
      }
    }
  }),
  endpoint({
    name: 'users.get_vault_operations_log_filters', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      // the values found in the log's default view (organization and group vaults)
      const ops = store.vaultOperationsOfCompany(identity.company).filter((op) => op.scope === 'organization' || op.scope === 'group')
      const seen = new Set(ops.map((op) => op.operation))
      const users = new Map<string, string>()
      const vaults = new Map<string, string | null>()
      for (const op of ops) {
        users.set(op.user_id, store.user(op.user_id)?.name ?? op.user_name)
        vaults.set(op.vault, op.vault_description) // the latest description wins
      }
      for (const id of vaults.keys()) {
        const current = store.vault(id)
        if (current) vaults.set(id, current.description)
      }
      return {
        operations: [...VAULT_OPERATIONS.filter((o) => seen.has(o)), ...[...seen].filter((o) => !(VAULT_OPERATIONS as readonly string[]).includes(o))],
        users: [...users].map(([id, name]) => ({ id, name })),
        vaults: [...vaults].map(([id, description]) => compact({ id, description }))
      }
    }
  })
]
