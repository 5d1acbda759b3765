// access-rules handlers (filled in by the feature).
import type { HandlersOf } from '../../../shared/api'
import type { accessRulesMethods } from '../../../shared/api/methods/access-rules'
import type { CoreContext } from '../context'

export function accessRulesHandlers(_ctx: CoreContext): HandlersOf<typeof accessRulesMethods> {
  return {}
}
