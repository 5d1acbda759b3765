// vaults.*: listings through the data layer (the server's preview, leaf strings hidden: no vault secret is
// cached), groups, and the operations log.
import { ApiError, pageOf, type HandlersOf, type VaultGroup, type VaultInfo, type VaultOperation } from '../../../shared/api'
import type { vaultsMethods } from '../../../shared/api/methods/vaults'
import type { CoreContext } from '../context'
import { fetchVaults } from './provisioner'

interface GroupData {
  id: string
  name: string
  system?: boolean
  users?: unknown[]
}
interface OperationData {
  created: string
  operation: string
  vault?: string | { id: string } | null
  vault_description?: string
  scope?: string
  user?: { id: string; name: string } | null
  ip?: string | null
  originator?: string | null
}

const order = (v: VaultInfo, key: string): string => (key === 'scope' ? v.scope : key === 'type' ? v.type : key === 'lastUpdate' ? (v.lastUpdate ?? '') : v.description)

export function vaultsHandlers(ctx: CoreContext): HandlersOf<typeof vaultsMethods> {
  const { session, data } = ctx
  return {
    'vaults.list': async ({ personal, enabled, refresh, ...q }) => {
      const all = await data.read({
        topic: 'vaults',
        key: 'preview',
        what: 'vault list',
        refresh,
        fetch: (signal) => fetchVaults(session, { preview: true, signal })
      })
      const me = session.identity?.userId
      const list = all.value
        .filter((v) => (personal ? v.scope === 'user' && (!me || v.user === me || v.user === null) : v.scope !== 'user'))
        .filter((v) => enabled === undefined || v.enabled === enabled)
      const page = pageOf(list, q, { search: (v) => [v.description, v.id, v.groupName ?? '', v.type], order })
      return { ...page, source: all.source, fetchedAt: all.fetchedAt }
    },
    'vaults.all': async () => {
      if (session.state !== 'online') throw new ApiError('offline', `The server is needed to read the vaults' data: ${session.reason ?? 'offline'}.`)
      return fetchVaults(session, { preview: false })
    },
    'vaults.get': async ({ id }) => {
      if (session.state !== 'online') throw new ApiError('offline', `The server is needed to read the vault's data: ${session.reason ?? 'offline'}.`)
      const v = (await fetchVaults(session, { preview: false })).find((x) => x.id === id)
      if (!v) throw new ApiError('not_found', `The server has no vault ${id}; it may have been deleted.`, { field: 'id' })
      return v
    },
    'vaults.groups': async ({ refresh }) =>
      data.read({
        topic: 'vaults',
        key: 'groups',
        what: 'group list',
        refresh,
        fetch: async (signal): Promise<VaultGroup[]> => {
          const r = await session.call<{ groups?: GroupData[] }>('permissions.get_user_groups', {}, { signal })
          return (r.groups ?? []).map((g) => ({ id: g.id, name: g.name, system: !!g.system, members: g.users?.length ?? 0 }))
        }
      }),
    'vaults.log': async ({ vaults, operations, users, from, to, refresh }) =>
      data.read({
        topic: 'vaults',
        key: `log:${JSON.stringify([vaults, operations, users, from, to])}`,
        what: 'operations log',
        refresh,
        fetch: async (signal): Promise<VaultOperation[]> => {
          const r = await session.call<{ operations?: OperationData[] }>(
            'users.get_vault_operations_log',
            {
              ...(vaults && { vaults }),
              ...(operations && { operations }),
              ...(users && { users }),
              ...(from && { from_timestamp: from }),
              ...(to && { to_timestamp: to }),
              page: 0,
              page_size: 500
            },
            { signal }
          )
          return (r.operations ?? []).map((o) => ({
            created: o.created,
            operation: o.operation,
            vaultId: typeof o.vault === 'string' ? o.vault : (o.vault?.id ?? null),
            vaultDescription: o.vault_description ?? '',
            scope: o.scope ?? '',
            user: o.user ?? null,
            ip: o.ip ?? null,
            originator: o.originator ?? null
          }))
        }
      })
  }
}
