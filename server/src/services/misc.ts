import { z } from 'zod'
import { AccountStore } from '../account-store'
import { API_VERSION, SERVER_BUILD, SERVER_COMMIT, SERVER_VERSION, empty, endpoint, requireIdentity } from '../endpoint'

interface StatsOption { enabled: boolean; enabled_time: string; enabled_version: string; enabled_user: string }

/**
 * server.report_stats_option on the basic feature set (clearml-api.md §2 "server"): the open-source self-hosted
 * server supports it; a per-company switch, read without `enabled`, set with it (any role, as in open source).
 */
export const basicStatsEndpoints = [
  endpoint({
    name: 'server.report_stats_option', minVersion: '2.4', auth: 'required', schema: z.object({ enabled: z.boolean().optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const accounts = new AccountStore(store)
      let option: StatsOption | undefined
      if (ctx.data.enabled === undefined) {
        const raw = accounts.companySetting(identity.company, 'stats_option')
        option = raw ? (JSON.parse(raw) as StatsOption) : undefined
      } else {
        option = { enabled: ctx.data.enabled, enabled_time: store.nowIso(), enabled_version: SERVER_VERSION, enabled_user: identity.user }
        accounts.setCompanySetting(identity.company, 'stats_option', JSON.stringify(option))
      }
      return {
        supported: true, enabled: option?.enabled ?? false, enabled_time: option?.enabled_time ?? null,
        enabled_version: option?.enabled_version ?? null, enabled_user: option?.enabled_user ?? null, current_version: SERVER_VERSION
      }
    }
  })
]

/** Enterprise: as published, no request fields and `{enabled, supported}` — the option is not supported there. */
export const enterpriseStatsEndpoints = [
  endpoint({
    name: 'server.report_stats_option', minVersion: '2.4', auth: 'required', schema: empty,
    handler: () => ({ supported: false, enabled: false })
  })
]

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
