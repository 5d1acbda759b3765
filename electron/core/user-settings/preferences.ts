// preferences.*: the web app's server-side preferences (users.get_preferences / set_preferences), what the web
// app's runtime configuration enforces (configuration.json), the server's telemetry opt-in
// (server.report_stats_option) and this console's own `disableHidpi`.
//
// A write sends only the changed keys, each under its own dot-path (users.set_preferences updates that path and
// nothing else), so every other preference on the server stays exactly as it was.
import axios from 'axios'
import { readFileSync, statSync } from 'node:fs'
import https from 'node:https'
import { rootCertificates } from 'node:tls'
import {
  ApiError,
  PREFERENCE_PATHS,
  TIPS_POPUP_ID,
  cleanRedactedArguments,
  readPreferences,
  type Cached,
  type HandlersOf,
  type PreferencesState,
  type UserPreferences
} from '../../../shared/api'
import type { userSettingsMethods } from '../../../shared/api/methods/user-settings'
import { ClearmlError } from '../clearml'
import { cacheGet } from '../db'
import type { CoreContext } from '../context'
import type { StoredConnection } from '../connections/repo'
import { activeConnection, fieldError, isObject, requireOnline, versionAtLeast, type Json } from './common'
import type { LocalSettings } from './local-settings'

type Methods = Pick<typeof userSettingsMethods, 'preferences.get' | 'preferences.set' | 'preferences.setLocal' | 'preferences.reportStats'>

/** configuration.json is a small static file: answer fast or count as "not enforced". */
export const RUNTIME_CONFIG_TIMEOUT_MS = 2000
const RUNTIME_CONFIG_MAX_BYTES = 256 * 1024
const MAX_CA_FILE_BYTES = 1024 * 1024
/** Since API 2.33 a top-level key of users.set_preferences may be a dot-path; older servers refuse dots. */
const DOT_PATHS_SINCE = '2.33'

/**
 * The web app's runtime configuration (`<web app>/configuration.json`), or null when it cannot be read: no web
 * URL answers, it is not JSON, it took longer than the short timeout. TLS follows the connection's settings.
 */
export async function fetchRuntimeConfig(conn: StoredConnection, signal?: AbortSignal): Promise<Json | null> {
  const base = (conn.webUrl || conn.apiUrl).replace(/\/+$/, '')
  const url = `${base}/configuration.json`
  try {
    let httpsAgent: https.Agent | undefined
    if (url.startsWith('https:')) {
      let ca: string[] | undefined
      if (conn.caFile) {
        const st = statSync(conn.caFile)
        if (st.isFile() && st.size <= MAX_CA_FILE_BYTES) ca = [...rootCertificates, readFileSync(conn.caFile, 'utf8')]
      }
      httpsAgent = new https.Agent({ rejectUnauthorized: conn.verifyTls !== false, ...(ca && { ca }) })
    }
    const timeout = AbortSignal.timeout(RUNTIME_CONFIG_TIMEOUT_MS)
    const res = await axios.get<string>(url, {
      timeout: RUNTIME_CONFIG_TIMEOUT_MS,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
      maxContentLength: RUNTIME_CONFIG_MAX_BYTES,
      maxRedirects: 3,
      proxy: false,
      validateStatus: (s) => s === 200,
      ...(httpsAgent && { httpsAgent })
    })
    httpsAgent?.destroy()
    const parsed = JSON.parse(res.data) as unknown
    return isObject(parsed) ? parsed : null
  } catch {
    return null
  }
}

/** The top-level objects to send to a server without dot-path support: each changed path merged into a copy. */
export function nestedUpdate(current: Json, changes: Json): Json {
  const out: Json = {}
  for (const [path, value] of Object.entries(changes)) {
    const [top, ...rest] = path.split('.')
    if (!rest.length) {
      out[top] = value
      continue
    }
    const root: Json = isObject(out[top]) ? (out[top] as Json) : isObject(current[top]) ? structuredClone(current[top] as Json) : {}
    out[top] = root
    let cur = root
    for (const seg of rest.slice(0, -1)) {
      if (!isObject(cur[seg])) cur[seg] = {}
      cur = cur[seg] as Json
    }
    cur[rest[rest.length - 1]] = value
  }
  return out
}

function getPath(root: Json, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), root)
}

export function preferencesHandlers(ctx: CoreContext, local: LocalSettings): HandlersOf<Methods> {
  const { session, data, db } = ctx
  const hidpi = (connectionId: string) => local.get(connectionId, 'disableHidpi', false)

  async function serverPreferences(signal?: AbortSignal): Promise<Json> {
    const r = await session.call<{ preferences?: unknown }>('users.get_preferences', {}, { signal })
    return isObject(r.preferences) ? r.preferences : {}
  }

  async function reportStats(signal?: AbortSignal): Promise<PreferencesState['reportStats']> {
    try {
      const r = await session.call<{ supported?: unknown; enabled?: unknown }>('server.report_stats_option', {}, { signal })
      return { supported: r.supported === true, enabled: r.enabled === true }
    } catch (e) {
      // Aborted with the read: let the data layer answer from the cache. Otherwise the server does not offer it.
      if (e instanceof ClearmlError && e.kind === 'aborted') throw e
      return null
    }
  }

  async function fetchState(conn: StoredConnection, signal?: AbortSignal): Promise<PreferencesState> {
    const [prefs, runtime, stats] = await Promise.all([serverPreferences(signal), fetchRuntimeConfig(conn, signal), reportStats(signal)])
    return {
      preferences: readPreferences(prefs),
      enforced: { blockUserScript: runtime?.blockUserScript === true },
      disableHidpi: hidpi(conn.id),
      reportStats: stats
    }
  }

  /** The local setting is always this desktop's current one, also in an answer from the cache. */
  const withLocal = (conn: StoredConnection, c: Cached<PreferencesState>): Cached<PreferencesState> => ({ ...c, value: { ...c.value, disableHidpi: hidpi(conn.id) } })

  return {
    'preferences.get': async ({ refresh }) => {
      const conn = activeConnection(session)
      const c = await data.read({ topic: 'preferences', key: 'state', what: 'preferences', refresh, fetch: (signal) => fetchState(conn, signal) })
      return withLocal(conn, c)
    },

    'preferences.set': async ({ changes }) => {
      const conn = requireOnline(session, 'save your preferences')
      if (changes.blockUserScript !== undefined) {
        const runtime = await fetchRuntimeConfig(conn)
        if (runtime?.blockUserScript === true) {
          throw fieldError('blockUserScript', 'Blocking user scripts is set by your system administrator (the web app’s configuration); it cannot be changed here.')
        }
      }
      const dotted = versionAtLeast(session.capabilities?.apiVersion, DOT_PATHS_SINCE)
      const needCurrent = changes.neverShowTips !== undefined || !dotted
      const current = needCurrent ? await serverPreferences() : {}

      const update: Json = {}
      const flags = ['showHidden', 'hideExamples', 'blockUserScript', 'hideRedactedArguments'] as const satisfies ReadonlyArray<keyof UserPreferences>
      for (const k of flags) if (changes[k] !== undefined) update[PREFERENCE_PATHS[k]] = changes[k]
      if (changes.redactedArguments !== undefined) {
        update[PREFERENCE_PATHS.redactedArguments] = cleanRedactedArguments(changes.redactedArguments).map((key) => ({ key }))
      }
      if (changes.neverShowTips !== undefined) {
        // read-modify-write of the list: other popups' ids stay as they are
        const list = getPath(current, PREFERENCE_PATHS.neverShowTips)
        const ids = Array.isArray(list) ? list.filter((id) => id !== TIPS_POPUP_ID) : []
        update[PREFERENCE_PATHS.neverShowTips] = changes.neverShowTips ? [...ids, TIPS_POPUP_ID] : ids
      }

      await session.call('users.set_preferences', { preferences: dotted ? update : nestedUpdate(current, update), return_updated: false })
      const value = await fetchState(conn)
      return withLocal(conn, { value, source: 'server', fetchedAt: data.store(conn.id, 'preferences', 'state', value, { announce: false }) })
    },

    'preferences.setLocal': async ({ disableHidpi }) => {
      const conn = activeConnection(session)
      local.set(conn.id, 'disableHidpi', disableHidpi)
      return { disableHidpi }
    },

    'preferences.reportStats': async ({ enabled }) => {
      const conn = requireOnline(session, 'change the usage statistics setting')
      const unsupported = () => new ApiError('unsupported', 'This server does not offer the anonymous usage statistics setting (a setting of self-hosted open-source servers).')
      let r: { supported?: unknown; enabled?: unknown }
      try {
        // a server that does not support it says so when asked (without `enabled`), before anything is sent
        const now = await session.call<{ supported?: unknown }>('server.report_stats_option', {})
        if (now.supported === false) throw unsupported()
        r = await session.call('server.report_stats_option', { enabled })
      } catch (e) {
        if (e instanceof ClearmlError && (e.kind === 'not_found' || e.kind === 'forbidden')) throw unsupported()
        throw e
      }
      const now = r.enabled === true || (r.enabled === undefined && enabled)
      const cached = cacheGet<PreferencesState>(db, conn.id, 'preferences', 'state')
      if (cached) data.store(conn.id, 'preferences', 'state', { ...cached.value, reportStats: { supported: r.supported !== false, enabled: now } }, { announce: false })
      return { enabled: now }
    }
  }
}
