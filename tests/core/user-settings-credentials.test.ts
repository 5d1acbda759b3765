// User settings › Workspace: API credentials (list, create with the web app's snippets, label, revoke, expiry
// rules) and AI Application Gateway tokens, against the reference server; the snippet works for the SDK's login.
import { afterEach, describe, expect, it } from 'vitest'
import { parseConfig, pyhoconChecks } from '../../shared/config'
import { LineIndex } from '../../shared/config/text'
import { call } from '../server/helpers'
import { api, connect, failure, goOffline, startEnv, stopEnv, type Env } from './user-settings.fixture'

let env: Env | undefined
afterEach(async () => {
  await stopEnv(env)
  env = undefined
})

const DAY = 86_400

describe('API credentials', () => {
  it('lists the keys of this workspace and of the others, with the expiry rules', async () => {
    env = await startEnv()
    await connect(env)
    const r = await env.core.invoke('credentials.list', { refresh: true })
    expect(r.source).toBe('server')
    const mine = r.value.credentials.find((c) => c.accessKey === env!.server.seed!.admin.accessKey)
    expect(mine).toMatchObject({ label: 'demo', expire: null })
    expect(r.value).toMatchObject({ maxCredentials: 10, maxExpirationSec: 90 * DAY, expirySupported: true, admin: true })
    // the demo admin is also a member of Research Lab, with a key there
    const lab = env.server.seed!.workspaces.researchLab
    expect(Object.keys(r.value.otherWorkspaces)).toEqual([lab.companyId])
    expect(JSON.stringify(r.value)).not.toContain(env.server.seed!.admin.secretKey)
  })

  it('creates a key: its snippets match the web app’s character for character, and the SDK logs in with them', async () => {
    env = await startEnv()
    await connect(env, { webUrl: 'http://web.example:8080', filesUrl: 'http://files.example:8081' })
    const created = await env.core.invoke('credentials.create', { label: 'ci runner' })
    expect(created.accessKey).toMatch(/^[A-Z0-9]{30}$/)
    expect(created.label).toBe('ci runner')
    expect(created.expire).toBeNull() // an admin's key never expires unless asked
    const { accessKey: ak, secretKey: sk } = created
    const api_ = env.server.url
    // clearml-api.md §4, LOCAL PYTHON: no trailing newline, unquoted URLs, quoted keys with =, the label as a comment
    expect(created.snippets.python).toBe(
      'api {\n' +
        '  web_server: http://web.example:8080\n' +
        `  api_server: ${api_}\n` +
        '  files_server: http://files.example:8081\n' +
        '  # ci runner\n' +
        '  credentials {\n' +
        `    "access_key" = "${ak}"\n` +
        `    "secret_key" = "${sk}"\n` +
        '  }\n' +
        '}'
    )
    // JUPYTER NOTEBOOK: copied without quotes, displayed with them
    expect(created.snippets.jupyter).toBe(
      '%env CLEARML_WEB_HOST=http://web.example:8080\n' +
        `%env CLEARML_API_HOST=${api_}\n` +
        '%env CLEARML_FILES_HOST=http://files.example:8081\n' +
        '# ci runner\n' +
        `%env CLEARML_API_ACCESS_KEY=${ak}\n` +
        `%env CLEARML_API_SECRET_KEY=${sk}`
    )
    expect(created.snippets.jupyterDisplay).toBe(
      '%env CLEARML_WEB_HOST="http://web.example:8080"\n' +
        `%env CLEARML_API_HOST="${api_}"\n` +
        '%env CLEARML_FILES_HOST="http://files.example:8081"\n' +
        '# ci runner\n' +
        `%env CLEARML_API_ACCESS_KEY="${ak}"\n` +
        `%env CLEARML_API_SECRET_KEY="${sk}"`
    )

    // What the SDK does with it (clearml-api.md §8): the clearml.conf section parsed as HOCON, then
    // GET /auth.login with HTTP Basic, then GET /users.get_vaults with the Bearer token. The web app's format
    // leaves the URLs unquoted: pyhocon (the SDK's parser) reads each whole URL, where the HOCON spec (and this
    // console's parser) would cut it at '//'. The console's pyhocon checks flag exactly those three values and
    // quote them — which is how pyhocon reads them — and then the console's parser reads the rest as is.
    const checks = pyhoconChecks(created.snippets.python)
    expect(checks.map((d) => [d.code, d.line])).toEqual([['pyhocon.url-comment', 2], ['pyhocon.url-comment', 3], ['pyhocon.url-comment', 4]])
    const idx = new LineIndex(created.snippets.python)
    let asPyhocon = created.snippets.python
    for (const d of [...checks].reverse()) {
      asPyhocon = asPyhocon.slice(0, idx.offset(d.line, d.column)) + d.fix!.replacement + asPyhocon.slice(idx.offset(d.endLine, d.endColumn))
    }
    const parsed = parseConfig(asPyhocon, 'hocon')
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    const conf = parsed.value as { api: { api_server: string; web_server: string; files_server: string; credentials: { access_key: string; secret_key: string } } }
    expect(conf.api).toMatchObject({ api_server: api_, web_server: 'http://web.example:8080', files_server: 'http://files.example:8081', credentials: { access_key: ak, secret_key: sk } })
    const login = await call(conf.api.api_server, '/auth.login', { method: 'GET', basic: { accessKey: conf.api.credentials.access_key, secretKey: conf.api.credentials.secret_key } })
    expect(login.status).toBe(200)
    const token = (login.body.data as { token: string }).token
    const vaults = await call(conf.api.api_server, '/users.get_vaults?enabled=true&types=config&types=config', { method: 'GET', token })
    expect(vaults.status).toBe(200)
    expect(Array.isArray((vaults.body.data as { vaults: unknown[] }).vaults)).toBe(true)

    // the secret is never given again
    const list = await env.core.invoke('credentials.list', { refresh: true })
    expect(list.value.credentials.find((c) => c.accessKey === ak)).toMatchObject({ label: 'ci runner' })
    expect(JSON.stringify(list)).not.toContain(sk)
  })

  it('a snippet without a web or files URL uses the API URL and leaves the files server out', async () => {
    env = await startEnv('basic')
    await connect(env)
    const c = await env.core.invoke('credentials.create', {})
    expect(c.label).toBeNull()
    expect(c.snippets.python).toBe(
      ['api {', `  web_server: ${env.server.url}`, `  api_server: ${env.server.url}`, '  credentials {', `    "access_key" = "${c.accessKey}"`, `    "secret_key" = "${c.secretKey}"`, '  }', '}'].join('\n')
    )
    expect(c.snippets.jupyter).not.toContain('FILES')
  })

  it('an open-source server: no expiry, so none can be asked for', async () => {
    env = await startEnv('basic')
    await connect(env)
    const r = await env.core.invoke('credentials.list', { refresh: true })
    expect(r.value).toMatchObject({ expirySupported: false, maxCredentials: null, maxExpirationSec: null, otherWorkspaces: {} })
    const e = await failure(env, 'credentials.create', { label: 'x', expirationSec: 10 * DAY })
    expect(e.code).toBe('invalid_input')
    expect(e.details?.field).toBe('expirationSec')
    // "never" is what every key is here
    expect((await env.core.invoke('credentials.create', { label: 'x', expirationSec: null })).expire).toBeNull()
  })

  it('a non-admin: the cap in days, no "never", and the limit on the number of keys', async () => {
    env = await startEnv()
    const alice = env.server.seed!.member
    await connect(env, { user: alice })
    const state = await env.core.invoke('credentials.list', { refresh: true })
    expect(state.value).toMatchObject({ admin: false, maxExpirationSec: 90 * DAY, defaultExpirationSec: 90 * DAY })

    const never = await failure(env, 'credentials.create', { label: 'x', expirationSec: null })
    expect(never.code).toBe('invalid_input')
    expect(never.details?.field).toBe('expirationSec')
    expect(never.message).toMatch(/administrator/)
    const long = await failure(env, 'credentials.create', { label: 'x', expirationSec: 100 * DAY })
    expect(long.details?.field).toBe('expirationSec')
    expect(long.message).toMatch(/90 days/)

    const ok = await env.core.invoke('credentials.create', { label: 'month', expirationSec: 30 * DAY })
    expect(Date.parse(ok.expire!) - Date.now()).toBeGreaterThan(29 * DAY * 1000)
    expect(Date.parse(ok.expire!) - Date.now()).toBeLessThan(31 * DAY * 1000)
    const dflt = await env.core.invoke('credentials.create', { label: 'default' })
    expect(Date.parse(dflt.expire!) - Date.now()).toBeGreaterThan(89 * DAY * 1000)

    // Alice had 1 key and now 3; up to 10
    for (let i = 0; i < 7; i++) await env.core.invoke('credentials.create', { label: `k${i}` })
    const full = await failure(env, 'credentials.create', { label: 'one too many' })
    expect(full.code).toBe('invalid_input')
    expect(full.details?.field).toBe('label')
    expect(full.message).toMatch(/10/)
    expect((await api<{ credentials: unknown[] }>(env, 'auth.get_credentials', {}, alice)).credentials).toHaveLength(10)
  })

  it('an admin may create a key that never expires', async () => {
    env = await startEnv()
    await connect(env)
    expect((await env.core.invoke('credentials.create', { label: 'forever', expirationSec: null })).expire).toBeNull()
    const dated = await env.core.invoke('credentials.create', { label: 'year', expirationSec: 365 * DAY })
    expect(dated.expire).not.toBeNull()
  })

  it('edits a label and revokes a key; never the key this console signs in with', async () => {
    env = await startEnv()
    await connect(env)
    const c = await env.core.invoke('credentials.create', { label: 'old' })
    expect(await env.core.invoke('credentials.editLabel', { accessKey: c.accessKey, label: 'new label' })).toEqual({ updated: 1 })
    let list = await env.core.invoke('credentials.list', { refresh: true })
    expect(list.value.credentials.find((x) => x.accessKey === c.accessKey)?.label).toBe('new label')
    await env.core.invoke('credentials.editLabel', { accessKey: c.accessKey, label: null })
    list = await env.core.invoke('credentials.list', { refresh: true })
    expect(list.value.credentials.find((x) => x.accessKey === c.accessKey)?.label).toBeNull()

    expect(await env.core.invoke('credentials.revoke', { accessKey: c.accessKey })).toEqual({ revoked: 1 })
    list = await env.core.invoke('credentials.list', { refresh: true })
    expect(list.value.credentials.some((x) => x.accessKey === c.accessKey)).toBe(false)

    const gone = await failure(env, 'credentials.revoke', { accessKey: c.accessKey })
    expect(gone.code).toBe('not_found')
    expect((await failure(env, 'credentials.editLabel', { accessKey: 'NO-SUCH-KEY', label: 'x' })).code).toBe('not_found')
    const own = await failure(env, 'credentials.revoke', { accessKey: env.server.seed!.admin.accessKey })
    expect(own.code).toBe('invalid_input')
    expect(own.details?.field).toBe('accessKey')
    expect(env.core.status().state).toBe('online')
  })

  it('offline: the list from the cache, every write refused with the reason', async () => {
    env = await startEnv()
    await connect(env)
    const fresh = await env.core.invoke('credentials.list', { refresh: true })
    await goOffline(env)
    const cached = await env.core.invoke('credentials.list', { refresh: true })
    expect(cached).toEqual({ ...fresh, source: 'cache' })
    for (const [m, input] of [
      ['credentials.create', { label: 'x' }],
      ['credentials.editLabel', { accessKey: 'K', label: 'x' }],
      ['credentials.revoke', { accessKey: 'K' }]
    ] as const) {
      const e = await failure(env, m, input as never)
      expect(e.code, m).toBe('offline')
      expect(e.message).toMatch(/cannot be reached/)
    }
  })
})

describe('AI Application Gateway tokens', () => {
  it('generates a token (shown once), lists it without the token, and revokes it', async () => {
    env = await startEnv()
    await connect(env)
    const empty = await env.core.invoke('gateway.tokens', { refresh: true })
    expect(empty.value).toEqual({ tokens: [], maxExpirationSec: 365 * DAY })
    const { token } = await env.core.invoke('gateway.generate', { label: 'ci gateway', expirationDays: 30 })
    expect(token.length).toBeGreaterThan(20)
    const list = await env.core.invoke('gateway.tokens', { refresh: true })
    expect(list.value.tokens).toHaveLength(1)
    const t = list.value.tokens[0]
    expect(t).toMatchObject({ label: 'ci gateway', type: 'identity_token', user: env.server.seed!.admin.id, createdBy: env.server.seed!.admin.id, revoked: false })
    expect(Date.parse(t.expires!) - Date.now()).toBeGreaterThan(29 * DAY * 1000)
    expect(JSON.stringify(list)).not.toContain(token)
    expect(JSON.stringify(list)).not.toContain(token.slice(-4))

    expect(await env.core.invoke('gateway.revoke', { ids: [t.id] })).toEqual({ revoked: 1 })
    expect((await env.core.invoke('gateway.tokens', { refresh: true })).value.tokens).toEqual([])
  })

  it('refuses an expiry above the server’s limit at the field, in days', async () => {
    env = await startEnv()
    await connect(env)
    const e = await failure(env, 'gateway.generate', { label: 'long', expirationDays: 400 })
    expect(e.code).toBe('invalid_input')
    expect(e.details?.field).toBe('expirationDays')
    expect(e.message).toMatch(/365 days/)
  })

  it('offline: the list from the cache, generate and revoke refused', async () => {
    env = await startEnv()
    await connect(env)
    await env.core.invoke('gateway.generate', { label: 'ci', expirationDays: 1 })
    const fresh = await env.core.invoke('gateway.tokens', { refresh: true })
    await goOffline(env)
    expect(await env.core.invoke('gateway.tokens', { refresh: true })).toEqual({ ...fresh, source: 'cache' })
    expect((await failure(env, 'gateway.generate', { label: 'x', expirationDays: 1 })).code).toBe('offline')
    expect((await failure(env, 'gateway.revoke', { ids: [fresh.value.tokens[0].id] })).code).toBe('offline')
  })

  it('an open-source server has none: unsupported, with the reason', async () => {
    env = await startEnv('basic')
    await connect(env)
    for (const [m, input] of [
      ['gateway.tokens', { refresh: true }],
      ['gateway.generate', { label: 'x', expirationDays: 1 }],
      ['gateway.revoke', { ids: ['x'] }]
    ] as const) {
      const e = await failure(env, m, input as never)
      expect(e.code, m).toBe('unsupported')
      expect(e.message).toMatch(/ClearML Enterprise/)
    }
  })
})
