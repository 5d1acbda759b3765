// What every administrator screen's handlers check first: an active connection, a reachable server for a change
// (refused with the reason, nothing changed), and a role the session knows is an administrator's (so the cached
// copy of an admin-only table is not shown to a non-administrator either).
import { ApiError } from '../../shared/api'
import { ADMIN_ROLES } from '../../shared/domain/admin-users'
import type { StoredConnection } from './connections/repo'
import type { Session } from './session'
import { activeConnection, requireOnline } from './user-settings/common'

export interface AdminGuard {
  /** The active connection, or a no_connection error. */
  connection(): StoredConnection
  /** The active connection when the server can be reached; else an `offline` error naming what needed it. */
  online(what: string): StoredConnection
  /** Throws `forbidden` with `notAdmin` when the session's role is known and is not an administrator's. */
  refuseNonAdmin(): void
}

export function adminGuard(session: Session, notAdmin: string): AdminGuard {
  return {
    connection: () => activeConnection(session),
    online: (what) => requireOnline(session, what),
    refuseNonAdmin() {
      const role = session.identity?.role
      if (role && !ADMIN_ROLES.includes(role)) throw new ApiError('forbidden', notAdmin, { role })
    }
  }
}
