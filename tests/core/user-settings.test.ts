// User settings › Configuration against the reference server: preferences (only the changed keys are written,
// every other preference stays as it was), what the web app's runtime configuration enforces, the telemetry
// opt-in, this console's own setting, and the web app cloud access keys kept on this desktop (sealed, per
// connection, working offline).
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_REDACTED_ARGUMENTS, type PreferencesState } from '../../shared/api'
import { CloudAccessRepo } from '../../electron/core/user-settings/cloud-access'
import { versionAtLeast } from '../../electron/core/user-settings/common'
import { nestedUpdate } from '../../electron/core/user-settings/preferences'
import { createKeyFileStore } from '../../electron/core/secrets'
import { startServer } from '../../server/src/index'
import { api, connect, failure, goOffline, startEnv, stopEnv, webApp, type Env } from './user-settings.fixture'

let env: Env | undefined
afterEach(async () => {
  await stopEnv(env)
  env = undefined
})

type Prefs = Record<string, unknown>
const serverPrefs = async (e: Env) => (await api<{ preferences: Prefs }>(e, 'users.get_preferences')).preferences

describe('preferences', () => {
  it('reads the preferences with their defaults, nothing enforced, and the local setting', async () => {
    env = await startEnv()
    await connect(env)
    const r = await env.core.invoke('preferences.get', { refresh: true })
    expect(r.source).toBe('server')
    expect(r.value).toEqual<PreferencesState>({
      preferences: { showHidden: false, hideExamples: false, neverShowTips: false, blockUserScript: false, hideRedactedArguments: false, redactedArguments: DEFAULT_REDACTED_ARGUMENTS },
      enforced: { blockUserScript: false },
      disableHidpi: false,
      // the Enterprise server answers server.report_stats_option, but does not support the opt-in
      reportStats: { supported: false, enabled: false }
    })
    const e = await failure(env, 'preferences.reportStats', { enabled: true })
    expect(e.code).toBe('unsupported')
    expect(e.message).toMatch(/does not offer/)
  })

  it('setting one preference leaves every other preference on the server untouched', async () => {
    env = await startEnv()
    await connect(env)
    // unrelated keys, nested ones too, next to the ones the console writes
    await api(env, 'users.set_preferences', {
      preferences: {
        'rootProjects.tagsColors': { urgent: { background: 'red', foreground: 'white' } },
        'rootProjects.defaultNestedModeForFeature': { projects: true },
        'views.neverShowPopupAgain': ['welcome-popup'],
        'experiments.view.colsOrder': { p1: ['name', 'status'] },
        'users.activeWorkspace': 'ws-1'
      }
    })
    const before = await serverPrefs(env)
    expect(before).toMatchObject({ version: 1, views: { theme: 'dark', autoRefresh: true }, rootProjects: { showHidden: false } })

    const after = await env.core.invoke('preferences.set', { changes: { showHidden: true } })
    expect(after.value.preferences.showHidden).toBe(true)
    const expected = structuredClone(before) as { rootProjects: Prefs; views: Prefs }
    expected.rootProjects.showHidden = true
    expect(await serverPrefs(env)).toEqual(expected)

    // the tips flag edits one id in the list and keeps the others
    await env.core.invoke('preferences.set', { changes: { neverShowTips: true } })
    expected.views.neverShowPopupAgain = ['welcome-popup', 'tip-of-the-day']
    expect(await serverPrefs(env)).toEqual(expected)
    const off = await env.core.invoke('preferences.set', { changes: { neverShowTips: false } })
    expect(off.value.preferences.neverShowTips).toBe(false)
    expected.views.neverShowPopupAgain = ['welcome-popup']
    expect(await serverPrefs(env)).toEqual(expected)

    // redacted arguments go as [{key}]: blank ones dropped, the kept ones not trimmed
    const red = await env.core.invoke('preferences.set', { changes: { hideRedactedArguments: true, redactedArguments: ['MY_TOKEN', 'PASS_2'] } })
    expect(red.value.preferences).toMatchObject({ hideRedactedArguments: true, redactedArguments: ['MY_TOKEN', 'PASS_2'] })
    expected.views.hideRedactedArguments = true
    expected.views.redactedArguments = [{ key: 'MY_TOKEN' }, { key: 'PASS_2' }]
    expect(await serverPrefs(env)).toEqual(expected)

    await env.core.invoke('preferences.set', { changes: { hideExamples: true, blockUserScript: true } })
    expected.rootProjects.hideExamples = true
    expected.rootProjects.blockUserScript = true
    expect(await serverPrefs(env)).toEqual(expected)
  })

  it('a web app configuration that blocks user scripts is enforced: the toggle cannot change', async () => {
    env = await startEnv()
    const web = await webApp({ blockUserScript: true })
    try {
      await connect(env, { webUrl: web.url })
      const r = await env.core.invoke('preferences.get', { refresh: true })
      expect(r.value.enforced.blockUserScript).toBe(true)
      expect(web.hits).toContain('/configuration.json')
      const e = await failure(env, 'preferences.set', { changes: { blockUserScript: false } })
      expect(e.code).toBe('invalid_input')
      expect(e.details?.field).toBe('blockUserScript')
      expect(e.message).toMatch(/administrator/)
      // other preferences still save
      await env.core.invoke('preferences.set', { changes: { showHidden: true } })
    } finally {
      await web.close()
    }
  })

  it('the reference server’s own web app configuration (at the API URL when no web URL is set)', async () => {
    env = await startEnv()
    await env.server.close()
    env.server = await startServer({ port: 0, dataDir: join(env.dir, 'server-blocking'), seed: 'demo', featureSet: 'enterprise', quiet: true, blockUserScript: true })
    await connect(env)
    expect((await env.core.invoke('preferences.get', { refresh: true })).value.enforced).toEqual({ blockUserScript: true })
  })

  it('a web app that does not answer counts as not enforced, after a short wait', async () => {
    env = await startEnv()
    const web = await webApp({}, { hang: true })
    try {
      await connect(env, { webUrl: web.url })
      const started = Date.now()
      const r = await env.core.invoke('preferences.get', { refresh: true })
      expect(r.value.enforced.blockUserScript).toBe(false)
      expect(Date.now() - started).toBeLessThan(5000)
    } finally {
      await web.close()
    }
  })

  it('the telemetry opt-in of an open-source server reads and switches', async () => {
    env = await startEnv('basic')
    await connect(env)
    expect((await env.core.invoke('preferences.get', { refresh: true })).value.reportStats).toEqual({ supported: true, enabled: false })
    expect(await env.core.invoke('preferences.reportStats', { enabled: true })).toEqual({ enabled: true })
    expect((await api<{ enabled: boolean }>(env, 'server.report_stats_option')).enabled).toBe(true)
    expect((await env.core.invoke('preferences.get', { refresh: true })).value.reportStats).toEqual({ supported: true, enabled: true })
    // preferences work the same on an open-source server
    await env.core.invoke('preferences.set', { changes: { showHidden: true } })
    expect(((await serverPrefs(env)).rootProjects as Prefs).showHidden).toBe(true)
  })

  it('the local setting is per connection, kept on this desktop, and works offline', async () => {
    env = await startEnv()
    const first = await connect(env)
    expect(await env.core.invoke('preferences.setLocal', { disableHidpi: true })).toEqual({ disableHidpi: true })
    expect((await env.core.invoke('preferences.get', {})).value.disableHidpi).toBe(true)
    await goOffline(env)
    await env.core.invoke('preferences.setLocal', { disableHidpi: false })
    const cached = await env.core.invoke('preferences.get', {})
    expect(cached.source).toBe('cache')
    expect(cached.value.disableHidpi).toBe(false)
    await env.core.invoke('preferences.setLocal', { disableHidpi: true })

    // another connection has its own
    env.server = await startServer({ port: 0, dataDir: join(env.dir, 'server2'), seed: 'demo', featureSet: 'enterprise', quiet: true })
    await connect(env, { name: 'Second' })
    expect((await env.core.invoke('preferences.get', { refresh: true })).value.disableHidpi).toBe(false)
    await env.core.invoke('connections.activate', { id: first.id })
    expect((await env.core.invoke('preferences.get', {})).value.disableHidpi).toBe(true)
  })

  it('offline: reads answer from the cache with its age, writes are refused with the reason', async () => {
    env = await startEnv()
    await connect(env)
    const fresh = await env.core.invoke('preferences.get', { refresh: true })
    await goOffline(env)
    const cached = await env.core.invoke('preferences.get', { refresh: true })
    expect(cached.source).toBe('cache')
    expect(cached.fetchedAt).toBe(fresh.fetchedAt)
    expect(cached.value).toEqual(fresh.value)
    const e = await failure(env, 'preferences.set', { changes: { showHidden: true } })
    expect(e.code).toBe('offline')
    expect(e.message).toMatch(/cannot be reached/)
    expect((await failure(env, 'preferences.reportStats', { enabled: true })).code).toBe('offline')
  })
})

describe('preferences on servers before API 2.33 (no dot-paths)', () => {
  it('sends each changed top-level object whole, merged into what the server holds', () => {
    const current = { rootProjects: { showHidden: false, tagsColors: { a: 'red' } }, views: { neverShowPopupAgain: ['x'], theme: 'dark' }, version: 1 }
    expect(nestedUpdate(current, { 'rootProjects.showHidden': true, 'views.redactedArguments': [{ key: 'K' }], 'users.activeWorkspace': 'w' })).toEqual({
      rootProjects: { showHidden: true, tagsColors: { a: 'red' } },
      views: { neverShowPopupAgain: ['x'], theme: 'dark', redactedArguments: [{ key: 'K' }] },
      users: { activeWorkspace: 'w' }
    })
    expect(current.rootProjects.showHidden).toBe(false)
    expect(versionAtLeast('2.33', '2.33')).toBe(true)
    expect(versionAtLeast('2.9', '2.33')).toBe(false)
    expect(versionAtLeast('2.100', '2.33')).toBe(true)
    expect(versionAtLeast('3.0', '2.33')).toBe(true)
    expect(versionAtLeast(undefined, '2.33')).toBe(false)
  })
})

describe('web app cloud access', () => {
  const repoOf = (e: Env) => new CloudAccessRepo(e.core.db, createKeyFileStore(join(e.dir, 'core', 'secret.key')))

  it('saves keys per connection with the endpoint normalised, secrets sealed and never returned', async () => {
    env = await startEnv()
    const conn = await connect(env)
    const saved = await env.core.invoke('cloudAccess.save', { bucket: 'my-bucket', key: 'AKIA1', secret: 'cloud-secret-1', token: 'cloud-token-1', region: 'us-east-2', endpoint: 'minio.local:9000' })
    expect(saved).toMatchObject({ bucket: 'my-bucket', key: 'AKIA1', region: 'us-east-2', endpoint: 'http://minio.local:9000', hasSecret: true, hasToken: true })
    expect(JSON.stringify(saved)).not.toContain('cloud-secret-1')
    const tls = await env.core.invoke('cloudAccess.save', { bucket: 'other', endpoint: 'store.example.com:443' })
    expect(tls).toMatchObject({ endpoint: 'https://store.example.com:443', hasSecret: false, hasToken: false, key: '', region: '' })
    const aws = await env.core.invoke('cloudAccess.save', { bucket: 'aws-bucket', key: 'AKIA2', secret: 's2' })
    expect(aws.endpoint).toBe('')
    const list = await env.core.invoke('cloudAccess.list', {})
    expect(list.map((x) => x.bucket)).toEqual(['aws-bucket', 'my-bucket', 'other'])
    expect(JSON.stringify(list)).not.toMatch(/cloud-secret-1|cloud-token-1/)
    expect(repoOf(env).secretsOf(conn.id, saved.id)).toEqual({ secret: 'cloud-secret-1', token: 'cloud-token-1' })

    // another connection has its own list
    await connect(env, { name: 'Second' })
    expect(await env.core.invoke('cloudAccess.list', {})).toEqual([])
  })

  it('an omitted secret keeps the stored one, an empty one clears it', async () => {
    env = await startEnv()
    const conn = await connect(env)
    const a = await env.core.invoke('cloudAccess.save', { bucket: 'b1', key: 'K', secret: 'keep-me', token: 'tok' })
    const b = await env.core.invoke('cloudAccess.save', { id: a.id, bucket: 'b1', key: 'K2', region: 'eu-west-1' })
    expect(b).toMatchObject({ id: a.id, key: 'K2', region: 'eu-west-1', hasSecret: true, hasToken: true })
    expect(repoOf(env).secretsOf(conn.id, a.id)).toEqual({ secret: 'keep-me', token: 'tok' })
    const c = await env.core.invoke('cloudAccess.save', { id: a.id, bucket: 'b1', key: 'K2', secret: '', token: 'new-tok' })
    expect(c).toMatchObject({ hasSecret: false, hasToken: true })
    expect(repoOf(env).secretsOf(conn.id, a.id)).toEqual({ secret: null, token: 'new-tok' })
  })

  it('refuses the same bucket at the same endpoint twice, at the bucket field', async () => {
    env = await startEnv()
    await connect(env)
    const a = await env.core.invoke('cloudAccess.save', { bucket: 'dup', endpoint: 'http://minio.local:9000' })
    const e = await failure(env, 'cloudAccess.save', { bucket: 'dup', endpoint: 'minio.local:9000' })
    expect(e.code).toBe('invalid_input')
    expect(e.details?.field).toBe('bucket')
    expect(e.details?.issues?.[0]).toMatchObject({ path: 'bucket' })
    // the same bucket elsewhere is another entry; an entry may be saved again as itself
    await env.core.invoke('cloudAccess.save', { bucket: 'dup', endpoint: 'minio.other:9000' })
    await env.core.invoke('cloudAccess.save', { id: a.id, bucket: 'dup', endpoint: 'minio.local:9000', key: 'K' })
    const bad = await failure(env, 'cloudAccess.save', { bucket: 'x', endpoint: 'http://' })
    expect(bad.details?.field).toBe('endpoint')
    expect((await failure(env, 'cloudAccess.save', { id: 'no-such-id', bucket: 'x' })).code).toBe('not_found')
  })

  it('removes an entry, and works offline (it is local)', async () => {
    env = await startEnv()
    await connect(env)
    const a = await env.core.invoke('cloudAccess.save', { bucket: 'b1', secret: 's' })
    await goOffline(env)
    const b = await env.core.invoke('cloudAccess.save', { bucket: 'b2', secret: 's2' })
    expect((await env.core.invoke('cloudAccess.list', {})).map((x) => x.bucket)).toEqual(['b1', 'b2'])
    expect(await env.core.invoke('cloudAccess.remove', { id: a.id })).toEqual({ removed: 1 })
    expect(await env.core.invoke('cloudAccess.remove', { id: a.id })).toEqual({ removed: 0 })
    expect((await env.core.invoke('cloudAccess.list', {})).map((x) => x.id)).toEqual([b.id])
  })

  it('needs a connection', async () => {
    env = await startEnv()
    expect((await failure(env, 'cloudAccess.list', {})).code).toBe('no_connection')
    expect((await failure(env, 'preferences.get', {})).code).toBe('no_connection')
  })
})
