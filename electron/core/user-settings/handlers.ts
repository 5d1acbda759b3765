// User settings: preferences, cloud access keys, storage cleanup credentials, API credentials, gateway tokens and
// workspaces. Each area is its own file; this one puts their handlers into the feature's table.
import type { HandlersOf } from '../../../shared/api'
import type { userSettingsMethods } from '../../../shared/api/methods/user-settings'
import type { CoreContext } from '../context'
import { CloudAccessRepo, cloudAccessHandlers } from './cloud-access'
import { credentialsHandlers } from './credentials'
import { gatewayHandlers } from './gateway'
import { LocalSettings } from './local-settings'
import { preferencesHandlers } from './preferences'
import { storageHandlers } from './storage'
import { workspaceHandlers } from './workspace'

export function userSettingsHandlers(ctx: CoreContext): HandlersOf<typeof userSettingsMethods> {
  return {
    ...preferencesHandlers(ctx, new LocalSettings(ctx.db)),
    ...cloudAccessHandlers(ctx, new CloudAccessRepo(ctx.db, ctx.secrets)),
    ...storageHandlers(ctx),
    ...credentialsHandlers(ctx),
    ...gatewayHandlers(ctx),
    ...workspaceHandlers(ctx)
  }
}
