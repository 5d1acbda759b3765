// usage handlers (filled in by the feature).
import type { HandlersOf } from '../../../shared/api'
import type { usageMethods } from '../../../shared/api/methods/usage'
import type { CoreContext } from '../context'

export function usageHandlers(_ctx: CoreContext): HandlersOf<typeof usageMethods> {
  return {}
}
