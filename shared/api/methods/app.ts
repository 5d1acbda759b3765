// The app itself: its status (active connection, online state, capabilities) and reconnecting.
import { emptyInput, method } from '../method'
import type { AppStatus } from '../types'

export const appMethods = {
  'app.status': method<AppStatus>()(emptyInput),
  'app.reconnect': method<AppStatus>()(emptyInput)
}
