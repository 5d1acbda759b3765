// Sync of the organisation's users (page by page, `users.get_all_ex {include_auth, include_activity}`), pending email
// invitations (`login.get_settings`), user groups (`permissions.get_user_groups`) and access rules
// (`permissions.get_access_rules`) from the server into the local tables.
import { ApiError } from '../../../shared/api'
import { NOT_ADMIN_MESSAGE, isUsersGroup, type UserGroup } from '../../../shared/domain/admin-users'
import { ClearmlError } from '../clearml'
import type { Session } from '../session'
import type { AdminStore, WireInvite, WireRule, WireUser } from './store'

export const USER_FIELDS = ['id', 'name', 'email', 'role', 'created', 'read_only', 'sec_groups', 'activity']
export const DEFAULT_PAGE_SIZE = 10000

export interface WireGroup {
  id: string
  name: string
  description?: string | null
  system?: boolean
  assignable?: boolean
  users?: Array<{ id: string; name?: string; email?: string | null }>
}

/** A refusal because the caller is no administrator becomes the explanation the screens show. */
export function explainForbidden(e: unknown): never {
  if (e instanceof ClearmlError && e.kind === 'forbidden') throw new ApiError('forbidden', NOT_ADMIN_MESSAGE, { reason: e.message })
  if (e instanceof ClearmlError && e.kind === 'not_found') {
    throw new ApiError('unsupported', 'This server does not offer user management (users.get_all_ex): it needs ClearML Enterprise or the Hosted Service.')
  }
  throw e
}

export function groupFromWire(g: WireGroup): UserGroup {
  const system = !!g.system
  const assignable = g.assignable ?? !system
  const base = { name: g.name, system, assignable }
  const members = g.users ?? []
  return {
    id: g.id,
    name: g.name,
    description: g.description ?? '',
    system,
    assignable,
    locked: isUsersGroup(base),
    memberCount: members.length,
    preview: members.slice(0, 3).map((u) => u.name ?? u.id)
  }
}

/**
 * The user groups with their members. The answer lists every member of every group (the built-in Users group holds
 * everyone: about 13 MB for 50,000 users), so it gets a longer per-request deadline than the client's default.
 */
export const GROUPS_TIMEOUT_MS = 60_000
export async function fetchGroups(session: Session, signal?: AbortSignal): Promise<UserGroup[]> {
  const r = await session.call<{ groups?: WireGroup[] }>('permissions.get_user_groups', {}, { signal, timeoutMs: GROUPS_TIMEOUT_MS }).catch(explainForbidden)
  return (r.groups ?? []).map(groupFromWire)
}

export async function fetchUsersPage(session: Session, page: number, pageSize: number, signal?: AbortSignal): Promise<WireUser[]> {
  const r = await session
    .call<{ users?: WireUser[] }>(
      'users.get_all_ex',
      {
        include_auth: true,
        include_activity: true,
        only_fields: USER_FIELDS,
        order_by: ['id'],
        page,
        page_size: pageSize
      },
      { signal }
    )
    .catch(explainForbidden)
  return r.users ?? []
}

export async function fetchInvites(session: Session, signal?: AbortSignal): Promise<WireInvite[]> {
  try {
    const r = await session.call<{ whitelist_entries?: WireInvite[] }>('login.get_settings', {}, { signal })
    return r.whitelist_entries ?? []
  } catch (e) {
    // a server without invitations (open source): no pending rows
    if (e instanceof ClearmlError && e.kind === 'not_found') return []
    throw e
  }
}

/** The access rules, or null when this server has none (open source) or hides them. */
export async function fetchRules(session: Session, signal?: AbortSignal): Promise<WireRule[] | null> {
  try {
    const r = await session.call<{ rules?: WireRule[] }>('permissions.get_access_rules', {}, { signal })
    return r.rules ?? []
  } catch (e) {
    if (e instanceof ClearmlError && (e.kind === 'not_found' || e.kind === 'forbidden')) return null
    throw e
  }
}

let lastGen = 0

export interface SyncOutcome {
  users: number
  invites: number
  rules: number
  syncedAt: number
  ms: number
}

/**
 * One full sync. Users are collected page by page while the next page is on its way, and written in one
 * transaction when the last page is in (AdminStore.finishUsers); the
 * rules and the pending invitations are fetched alongside. (The groups are not: \`permissions.get_user_groups\` lists
 * every member of every group, which is slow on a large organisation; the handlers refresh them afterwards.) Rows the sync did not see (removed users, withdrawn invitations, deleted
 * rules) are dropped at the end, so a second sync picks up changes and removals.
 */
export async function syncAll(
  session: Session,
  store: AdminStore,
  connectionId: string,
  opts: { pageSize?: number; signal?: AbortSignal } = {}
): Promise<SyncOutcome> {
  const started = Date.now()
  const gen = (lastGen = Math.max(started, lastGen + 1))
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE
  const { signal } = opts
  // the first page first: a non-administrator is refused there, before anything else is asked
  let next = fetchUsersPage(session, 0, pageSize, signal)
  let first = true
  let rulesP: Promise<WireRule[] | null> | undefined
  let invitesP: Promise<WireInvite[]> | undefined
  try {
    for (let page = 0; ; page++) {
      const rows = await next
      if (first) {
        first = false
        rulesP = fetchRules(session, signal)
        invitesP = fetchInvites(session, signal)
      }
      const more = rows.length === pageSize
      if (more) next = fetchUsersPage(session, page + 1, pageSize, signal)
      store.storeUsers(connectionId, rows, gen)
      if (!more) break
    }
  } catch (e) {
    store.abandonUsers(connectionId)
    // settle the side fetches so none rejects unobserved
    await Promise.allSettled([next, rulesP, invitesP].filter(Boolean))
    throw e
  }
  let rules: WireRule[] | null, invites: WireInvite[]
  try {
    ;[rules, invites] = await Promise.all([rulesP!, invitesP!])
  } catch (e) {
    store.abandonUsers(connectionId)
    throw e
  }
  const at = Date.now()
  const invitesN = store.storeInvites(connectionId, invites, gen)
  const users = store.finishUsers(connectionId, gen, at) - invitesN
  const rulesN = rules ? store.storeRules(connectionId, rules, gen, at) : 0
  return {
    users,
    invites: invitesN,
    rules: rulesN,
    syncedAt: at,
    ms: at - started
  }
}
