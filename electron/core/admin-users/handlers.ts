// Users & Groups handlers. (Filled in by the Users & Groups feature.)
import type { HandlersOf } from '../../../shared/api'
import type { adminUsersMethods } from '../../../shared/api/methods/admin-users'
import type { CoreContext } from '../context'

export function adminUsersHandlers(_ctx: CoreContext): HandlersOf<typeof adminUsersMethods> {
  return {}
}
