// service-accounts handlers (filled in by the feature).
import type { HandlersOf } from '../../../shared/api'
import type { serviceAccountsMethods } from '../../../shared/api/methods/service-accounts'
import type { CoreContext } from '../context'

export function serviceAccountsHandlers(_ctx: CoreContext): HandlersOf<typeof serviceAccountsMethods> {
  return {}
}
