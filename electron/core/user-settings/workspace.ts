// workspace.*: the workspaces (companies) the user belongs to (Enterprise organization.get_user_companies), rename
// (organization.update_company_name, admins), switch (the web app's users.activeWorkspace preference), invite
// (login.add_whitelist_entries) and leave. Endpoints a server lacks answer `unsupported` with the reason.
import { ApiError, type HandlersOf, type Workspace } from '../../../shared/api'
import type { userSettingsMethods } from '../../../shared/api/methods/user-settings'
import type { CoreContext } from '../context'
import type { StoredConnection } from '../connections/repo'
import { ClearmlError } from '../clearml'
import { fieldError, isAdmin, isObject, orUnsupported, requireEnterprise, requireOnline, str } from './common'

type Methods = Pick<typeof userSettingsMethods, 'workspace.list' | 'workspace.rename' | 'workspace.switch' | 'workspace.invite' | 'workspace.leave'>

export const WORKSPACES_UNSUPPORTED = 'Workspaces need ClearML Enterprise; this server has a single workspace.'
const INVITE_UNSUPPORTED = 'Inviting by email needs ClearML Enterprise; this server does not offer it.'
const LEAVE_UNSUPPORTED = 'Leaving a workspace needs ClearML Enterprise; this server does not offer it.'

interface WireCompany {
  id?: string
  name?: string
  owners?: unknown[]
}

/** The ids in a list of owners: plain ids or {id, name}. */
const ownerIds = (owners: unknown): string[] =>
  Array.isArray(owners) ? owners.map((o) => (isObject(o) ? str(o.id) : str(o))).filter(Boolean) : []

/**
 * The link to send to the invited people. login.add_whitelist_entries answers only `{added}`; the web app's invite
 * dialog shows `<web app origin>/?invite=<invite id>` with the id from organization.create_invite (server/README.md,
 * "Invite links"; login.join_company {invite_id} accepts it), built here from the connection's web URL (else its API
 * URL). A server without invite ids gets the sign-in page with the address (`/login?invite=<email>`), where the
 * whitelisted address signs in and joins.
 */
export function inviteLink(conn: StoredConnection, inviteId: string | null, emails: readonly string[]): string {
  const base = (conn.webUrl || conn.apiUrl).replace(/\/+$/, '')
  if (inviteId) return `${base}/?invite=${encodeURIComponent(inviteId)}`
  return emails.length === 1 ? `${base}/login?invite=${encodeURIComponent(emails[0])}` : `${base}/login`
}

export function workspaceHandlers(ctx: CoreContext): HandlersOf<Methods> {
  const { session, data } = ctx

  async function fetchWorkspaces(signal?: AbortSignal): Promise<Workspace[]> {
    requireEnterprise(session, WORKSPACES_UNSUPPORTED)
    const r = await orUnsupported(WORKSPACES_UNSUPPORTED, () => session.call<{ companies?: unknown[] }>('organization.get_user_companies', {}, { signal }))
    const companies = (Array.isArray(r.companies) ? r.companies.filter(isObject) : []) as WireCompany[]
    const me = session.identity?.userId ?? ''
    const currentId = session.identity?.companyId ?? ''
    // The user's own (personal) workspace: the one whose owners include the user; a user in one workspace only is
    // in their own; otherwise the first listed (the server lists the personal workspace first). Getting this wrong
    // errs on the safe side: `leave` refuses the one marked own, and the server refuses to let anyone leave theirs.
    const own = companies.find((c) => ownerIds(c.owners).includes(me)) ?? companies[0]
    return companies.map((c) => ({ id: str(c.id), name: str(c.name), own: c === own, current: str(c.id) === currentId }))
  }
  const list = (refresh: boolean) => data.read({ topic: 'workspace', key: 'list', what: 'workspace list', refresh, fetch: fetchWorkspaces })

  return {
    'workspace.list': async ({ refresh }) => {
      requireEnterprise(session, WORKSPACES_UNSUPPORTED)
      return list(refresh)
    },

    'workspace.rename': async ({ name }) => {
      requireEnterprise(session, WORKSPACES_UNSUPPORTED)
      requireOnline(session, 'rename the workspace')
      if (!isAdmin(session)) throw new ApiError('forbidden', 'Only a workspace administrator can rename the workspace.')
      try {
        const r = await orUnsupported(WORKSPACES_UNSUPPORTED, () => session.call<{ updated?: number }>('organization.update_company_name', { new_name: name }))
        return { updated: r.updated ?? 0 }
      } catch (e) {
        if (e instanceof ClearmlError && e.kind === 'validation') throw fieldError('name', e.serverMessage ?? e.message)
        throw e
      }
    },

    'workspace.switch': async ({ id }) => {
      requireEnterprise(session, WORKSPACES_UNSUPPORTED)
      requireOnline(session, 'switch the workspace')
      const all = await fetchWorkspaces()
      if (!all.some((w) => w.id === id)) throw new ApiError('not_found', 'You are not a member of that workspace (any more).', { field: 'id' })
      await session.call('users.set_preferences', { preferences: { 'users.activeWorkspace': id }, return_updated: false })
      return { switched: true }
    },

    'workspace.invite': async ({ emails }) => {
      requireEnterprise(session, INVITE_UNSUPPORTED)
      const conn = requireOnline(session, 'send the invitation')
      if (!isAdmin(session)) throw new ApiError('forbidden', 'Only a workspace administrator can invite people to the workspace.')
      let r: { added?: unknown }
      try {
        r = await orUnsupported(INVITE_UNSUPPORTED, () => session.call<{ added?: unknown }>('login.add_whitelist_entries', { emails }))
      } catch (e) {
        if (e instanceof ClearmlError && e.kind === 'validation') throw fieldError('emails', e.serverMessage ?? e.message)
        throw e
      }
      const added = Array.isArray(r.added) ? r.added.length : typeof r.added === 'number' ? r.added : 0
      let inviteId: string | null = null
      try {
        const inv = await session.call<{ id?: unknown }>('organization.create_invite', {})
        inviteId = typeof inv.id === 'string' && inv.id ? inv.id : null
      } catch (e) {
        // no invite ids on this server: the whitelisted addresses sign in on the plain sign-in page
        if (!(e instanceof ClearmlError && (e.kind === 'not_found' || e.kind === 'forbidden'))) throw e
      }
      return { added, link: inviteLink(conn, inviteId, emails) }
    },

    'workspace.leave': async ({ id }) => {
      requireEnterprise(session, LEAVE_UNSUPPORTED)
      requireOnline(session, 'leave the workspace')
      const all = await fetchWorkspaces()
      const ws = all.find((w) => w.id === id)
      if (!ws) throw new ApiError('not_found', 'You are not a member of that workspace (any more).', { field: 'id' })
      if (ws.own) throw fieldError('id', `“${ws.name}” is your own workspace: it cannot be left.`)
      if (ws.current) {
        // leaving revokes the user's keys there, the one this console signs in with included
        throw fieldError('id', `This connection works in “${ws.name}”: leaving it would revoke the key this console signs in with. Connect with a key of another workspace first.`)
      }
      await orUnsupported(LEAVE_UNSUPPORTED, () => session.call('login.leave_company', { company_id: id }))
      return { left: true }
    }
  }
}
