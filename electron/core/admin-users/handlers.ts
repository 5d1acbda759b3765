// Users & Groups handlers: the users table is answered from the local synced table (search, sort, paging in
// SQLite); writes go to the server, then the local rows follow. Offline, reads answer from the synced table with
// its age and writes are refused with the reason.
import { ApiError, pageOf, type HandlersOf } from '../../../shared/api'
import type { adminUsersMethods, SyncResult } from '../../../shared/api/methods/admin-users'
import { NOT_ADMIN_MESSAGE, sameGroupName, type GroupMember, type UserGroup } from '../../../shared/domain/admin-users'
import { ClearmlError } from '../clearml'
import type { CoreContext } from '../context'
import { cacheGet } from '../db'
import type { StoredConnection } from '../connections/repo'
import { createLogger } from '../log'
import { adminGuard } from '../admin-guard'
import { AdminStore, INVITE_PREFIX } from './store'
import { GROUPS_TIMEOUT_MS, explainForbidden, fetchGroups, fetchInvites, syncAll, type WireGroup } from './sync'

const log = createLogger('admin-users')

export function adminUsersHandlers(ctx: CoreContext): HandlersOf<typeof adminUsersMethods> {
  const { session, data, db } = ctx
  const store = new AdminStore(db)
  /** The running sync per connection: concurrent callers share it. */
  const running = new Map<string, Promise<SyncResult>>()

  const { connection, online, refuseNonAdmin } = adminGuard(session, NOT_ADMIN_MESSAGE)
  const cachedGroups = (connId: string): UserGroup[] => cacheGet<UserGroup[]>(db, connId, 'groups', 'list')?.value ?? []

  function sync(conn: StoredConnection): Promise<SyncResult> {
    let p = running.get(conn.id)
    if (!p) {
      p = (async () => {
        if (session.state === 'connecting') await session.connect()
        online('sync the users')
        const r = await syncAll(session, store, conn.id)
        // build the in-memory search index now rather than on the first keystroke
        setTimeout(() => store.warm(conn.id), 0)
        // the group names of the users' Groups column: refreshed afterwards, announced when they changed
        void fetchGroups(session, AbortSignal.timeout(GROUPS_TIMEOUT_MS))
          .then((groups) => void data.store(conn.id, 'groups', 'list', groups))
          .catch((e: unknown) =>
            log.warn('could not refresh the user groups after the users sync', {
              message: (e as Error).message
            })
          )
        return r
      })().finally(() => running.delete(conn.id))
      running.set(conn.id, p)
    }
    return p
  }

  /** Refresh the stored rows of some users (after a role or group change) without a full sync. */
  async function refreshUsers(conn: StoredConnection, ids: readonly string[]): Promise<void> {
    const st = store.syncState(conn.id, 'users')
    if (!st || !ids.length) return
    const r = await session.call<{ users?: import('./store').WireUser[] }>('users.get_all_ex', {
      include_auth: true,
      include_activity: true,
      id: [...ids]
    })
    store.upsertUsers(conn.id, r.users ?? [], Date.now())
  }

  async function refreshGroups(conn: StoredConnection): Promise<UserGroup[]> {
    const groups = await fetchGroups(session)
    data.store(conn.id, 'groups', 'list', groups, { announce: false })
    return groups
  }

  async function membersOf(id: string): Promise<GroupMember[]> {
    const r = await session
      .call<{ groups?: WireGroup[] }>('permissions.get_user_groups', {
        groups: [id]
      })
      .catch(explainForbidden)
    const g = (r.groups ?? []).find((x) => x.id === id)
    if (!g) throw new ApiError('not_found', 'The server has no such group; it may have been deleted.', { field: 'id' })
    return (g.users ?? []).map((u) => ({
      id: u.id,
      name: u.name ?? u.id,
      email: u.email ?? null
    }))
  }

  return {
    'admin.users': async (q) => {
      const conn = connection()
      let st = store.syncState(conn.id, 'users')
      if (!st) {
        if (session.state === 'offline' || session.state === 'auth_failed') {
          throw new ApiError('offline', `${session.reason ?? 'The server cannot be reached'}. No synced users are available yet.`)
        }
        await sync(conn)
        st = store.syncState(conn.id, 'users')
      }
      refuseNonAdmin()
      const groups = new Map(cachedGroups(conn.id).map((g) => [g.id, g.name]))
      const page = store.queryUsers(conn.id, q, (id) => groups.get(id))
      if (!q.search && q.orderBy === 'name') setTimeout(() => store.warm(conn.id), 20)
      return {
        ...page,
        source: session.state === 'online' || session.state === 'connecting' ? 'server' : 'cache',
        fetchedAt: st?.syncedAt ?? Date.now()
      }
    },

    'admin.users.sync': async () => sync(connection()),

    'admin.users.syncState': async () => {
      const conn = connection()
      return {
        users: store.syncState(conn.id, 'users'),
        rules: store.syncState(conn.id, 'rules'),
        running: running.has(conn.id)
      }
    },

    'admin.users.invite': async ({ email }) => {
      const conn = online('invite people')
      const address = email.trim().toLowerCase()
      const clash = store.byEmail(conn.id, address)
      if (clash) {
        const msg = clash.kind === 1 ? `${address} has already been invited` : `${address} is already a member of the workspace`
        throw new ApiError('invalid_input', msg, {
          field: 'email',
          issues: [{ path: 'email', message: msg }]
        })
      }
      let added: string[]
      try {
        const r = await session.call<{ added?: string[] }>('login.add_whitelist_entries', { emails: [address] })
        added = r.added ?? []
      } catch (e) {
        if (e instanceof ClearmlError && e.kind === 'validation') {
          const msg = e.serverMessage ?? e.message
          throw new ApiError('invalid_input', msg, {
            field: 'email',
            issues: [{ path: 'email', message: msg }]
          })
        }
        explainForbidden(e)
      }
      if (!added.length) {
        const msg = `${address} is already a member of the workspace`
        throw new ApiError('invalid_input', msg, {
          field: 'email',
          issues: [{ path: 'email', message: msg }]
        })
      }
      store.storeInvites(conn.id, await fetchInvites(session), Date.now())
      return { added }
    },

    'admin.users.remove': async ({ id }) => {
      const conn = online('remove a user')
      if (id.startsWith(INVITE_PREFIX)) {
        const email = id.slice(INVITE_PREFIX.length)
        await session.call('login.remove_whitelist_entries', { emails: [email] }).catch(explainForbidden)
        store.deleteUser(conn.id, id)
        return { removed: 1 }
      }
      if (id === session.identity?.userId) throw new ApiError('invalid_input', 'You cannot remove yourself from the workspace.', { field: 'id' })
      try {
        await session.call('auth.delete_user', { user: id })
      } catch (e) {
        if (e instanceof ClearmlError && e.kind === 'validation')
          throw new ApiError('invalid_input', e.serverMessage ?? e.message, {
            field: 'id'
          })
        explainForbidden(e)
      }
      store.deleteUser(conn.id, id)
      await refreshGroups(conn).catch(() => undefined)
      return { removed: 1 }
    },

    'admin.users.setRole': async ({ id, role }) => {
      const conn = online('change a role')
      if (id.startsWith(INVITE_PREFIX)) throw new ApiError('invalid_input', 'A pending invitation has no role to change yet.', { field: 'role' })
      let r: { updated?: number }
      try {
        r = await session.call<{ updated?: number }>('users.set_role', {
          user: id,
          role
        })
      } catch (e) {
        if (e instanceof ClearmlError && e.kind === 'validation') {
          const msg = e.serverMessage ?? e.message
          throw new ApiError('invalid_input', msg, {
            field: 'role',
            issues: [{ path: 'role', message: msg }]
          })
        }
        if (e instanceof ClearmlError && e.kind === 'not_found')
          throw new ApiError('unsupported', 'This server does not let roles be changed (users.set_role).')
        explainForbidden(e)
      }
      store.setRole(conn.id, id, role)
      // the Admins group follows the role
      await refreshUsers(conn, [id]).catch(() => undefined)
      await refreshGroups(conn).catch(() => undefined)
      return { updated: r.updated ?? 0 }
    },

    'admin.groups': async ({ refresh, ...q }) => {
      const all = await data.read({
        topic: 'groups',
        key: 'list',
        what: 'user groups',
        refresh,
        fetch: (signal) => fetchGroups(session, signal)
      })
      refuseNonAdmin()
      const positions = new Map(all.value.map((g, i) => [g.id, i]))
      const page = pageOf(all.value, q, {
        search: (g) => [g.name, g.description, g.id],
        order: (g, key) =>
          key === 'members'
            ? g.memberCount
            : key === 'position'
              ? (positions.get(g.id) ?? 0)
              : key === 'description'
                ? g.description
                : key === 'id'
                  ? g.id
                  : g.name
      })
      return { ...page, source: all.source, fetchedAt: all.fetchedAt }
    },

    'admin.groups.members': async ({ id }) => {
      online('read the group members')
      return membersOf(id)
    },

    'admin.groups.save': async ({ id, name, description, members }) => {
      const conn = online('save the group')
      const groups = cachedGroups(conn.id)
      const existing = id ? groups.find((g) => g.id === id) : undefined
      if (existing?.locked) throw new ApiError('invalid_input', `The built-in ${existing.name} group cannot be modified.`, { field: 'name' })
      const clash = groups.find((g) => g.id !== id && sameGroupName(g.name, name))
      if (clash) {
        const msg = `A group named “${clash.name}” already exists`
        throw new ApiError('invalid_input', msg, {
          field: 'name',
          issues: [{ path: 'name', message: msg }]
        })
      }
      const body: Record<string, unknown> = { name: name.trim(), description }
      if (id) body.id = id
      if (existing?.system) delete body.name
      if (members && (!existing || existing.assignable)) body.users = [...new Set(members)]
      let r: { id?: string }
      try {
        r = await session.call<{ id?: string }>('permissions.add_or_update_user_group', body)
      } catch (e) {
        if (e instanceof ClearmlError && e.kind === 'validation') {
          const msg = e.serverMessage ?? e.message
          const field = /name/i.test(msg) ? 'name' : /user|member/i.test(msg) ? 'members' : 'name'
          throw new ApiError('invalid_input', msg, {
            field,
            issues: [{ path: field, message: msg }]
          })
        }
        explainForbidden(e)
      }
      const groupId = r.id ?? id ?? ''
      if (body.users) store.setGroupMembership(conn.id, groupId, body.users as string[])
      await refreshGroups(conn)
      return { id: groupId }
    },

    'admin.groups.delete': async ({ id }) => {
      const conn = online('delete the group')
      const g = cachedGroups(conn.id).find((x) => x.id === id)
      if (g?.system) throw new ApiError('invalid_input', `The built-in ${g.name} group cannot be removed.`, { field: 'id' })
      let r: { deleted?: number }
      try {
        r = await session.call<{ deleted?: number }>('permissions.delete_user_groups', { groups: [id] })
      } catch (e) {
        if (e instanceof ClearmlError && e.kind === 'validation')
          throw new ApiError('invalid_input', e.serverMessage ?? e.message, {
            field: 'id'
          })
        explainForbidden(e)
      }
      store.setGroupMembership(conn.id, id, null)
      await refreshGroups(conn)
      return { deleted: r.deleted ?? 0 }
    }
  }
}
