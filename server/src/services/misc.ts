import { z } from 'zod'
import { API_VERSION, SERVER_BUILD, SERVER_COMMIT, SERVER_VERSION, empty, endpoint } from '../endpoint'

/** debug.ping, server.info, login.supported_modes */
export const miscEndpoints = [
  endpoint({
    name: 'debug.ping', minVersion: '2.9', auth: 'none',
    schema: z.record(z.string(), z.unknown()),
    handler: ({ data }) => {
      const echo: Record<string, unknown> = { ...data }
      delete echo.method // the SDK's stray "method" field
      return { ...echo, msg: 'ClearML server' }
    }
  }),
  endpoint({
    name: 'server.info', minVersion: '2.1', auth: 'required', schema: empty,
    handler: () => ({ version: SERVER_VERSION, build: SERVER_BUILD, commit: SERVER_COMMIT, api_version: API_VERSION })
  }),
  endpoint({
    name: 'login.supported_modes', minVersion: '2.9', auth: 'optional', schema: empty,
    handler: ({ identity }) => ({
      basic: { enabled: false, guest: { enabled: false } },
      sso: {},
      sso_providers: [],
      server_errors: { missed_es_upgrade: false, es_connection_error: false },
      authenticated: !!identity
    })
  })
]
