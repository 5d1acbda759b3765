// app.*: the status the shell shows (connection, online state, capabilities, secret store, recovery).
import type { AppStatus, HandlersOf } from '../../../shared/api'
import type { appMethods } from '../../../shared/api/methods/app'
import type { CoreContext } from '../context'

export function buildStatus(ctx: Pick<CoreContext, 'db' | 'secrets' | 'session' | 'clientVersion'>): AppStatus {
  const conn = ctx.session.connection
  const { secrets, db } = ctx
  return {
    clientVersion: ctx.clientVersion,
    activeConnectionId: conn?.id ?? null,
    activeConnectionName: conn?.name ?? null,
    production: conn?.production ?? false,
    ...ctx.session.status(),
    secretStore: {
      method: secrets.method,
      available: secrets.available,
      description: secrets.available ? `Secrets are encrypted (${secrets.method}).` : 'No safe secret storage is available on this machine.'
    },
    databaseRecovered: db.recovered ? { reason: db.recovered.reason, movedTo: db.recovered.movedTo } : null
  }
}

export function appHandlers(ctx: CoreContext): HandlersOf<typeof appMethods> {
  return {
    'app.status': async () => ctx.status(),
    'app.reconnect': async () => {
      await ctx.session.connect()
      return ctx.status()
    }
  }
}
