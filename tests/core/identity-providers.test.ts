// identityProviders.* against the reference server and its loopback OpenID provider (server/src/oidc-provider.ts):
// list (cache-first, offline from the cache), the server-driven template, save with field errors, activation,
// delete, Test Provider through the published flow, and secrets never reaching the SQLite file.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../shared/api'
import { createCore, type Core } from '../../electron/core'
import { addLogSink, setLogLevel, type LogRecord } from '../../electron/core/log'
import { startServer, type RunningServer } from '../../server/src/index'
import { until } from './helpers'

let dir: string
let server: RunningServer
let core: Core

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-idp-'))
  server = await startServer({ port: 0, dataDir: join(dir, 'server'), seed: 'demo', featureSet: 'enterprise', quiet: true, oidc: true })
  core = await createCore({ dataDir: join(dir, 'core'), retryMinMs: 100, retryMaxMs: 300, heartbeatMs: 200, requestTimeoutMs: 3000 })
  const admin = server.seed!.admin
  await core.invoke('connections.create', { name: 'Demo', apiUrl: server.url, accessKey: admin.accessKey, secretKey: admin.secretKey })
  await until(() => core.status().state, (s) => s === 'online')
})
afterEach(async () => {
  await core.close().catch(() => {})
  await server.close().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
})

async function rejects(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (e) {
    return e as ApiError
  }
  throw new Error('expected a rejection')
}

/** Follows the provider's sign-in like a browser (cookies, manual redirects), picking `sub`; returns the callback URL. */
async function signIn(redirectUrl: string, sub: string, callbackPrefix: string): Promise<string> {
  const jar = new Map<string, string>()
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const i = pair.indexOf('=')
      jar.set(pair.slice(0, i), pair.slice(i + 1))
    }
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  let url = redirectUrl
  for (let i = 0; i < 20; i++) {
    if (url.startsWith(callbackPrefix)) return url
    let r = await fetch(url, { redirect: 'manual', headers: { cookie: cookie() } })
    keep(r)
    const m = /\/interaction\/([A-Za-z0-9_-]+)$/.exec(new URL(url).pathname)
    if (r.status === 200 && m) {
      r = await fetch(new URL(`/interaction/${m[1]}/login`, url), {
        method: 'POST', redirect: 'manual', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, body: `sub=${sub}`
      })
      keep(r)
    }
    const loc = r.headers.get('location')
    if (!loc) throw new Error(`no redirect from ${new URL(url).pathname} (HTTP ${r.status})`)
    url = new URL(loc, url).href
  }
  throw new Error('too many redirects')
}

describe('identity providers', () => {
  it('lists the demo configuration, with provider names, and answers offline from the cache with its age', async () => {
    const list = await core.invoke('identityProviders.list', { refresh: true })
    expect(list.source).toBe('server')
    const demo = list.value.find((c) => c.id === server.oidc!.configurationId)!
    expect(demo).toMatchObject({ displayName: 'Demo OIDC (loopback)', provider: 'oidc', providerName: 'Custom', protocol: 'oidc', active: true, readonly: false })
    const providers = await core.invoke('identityProviders.providers', { refresh: true })
    expect(providers.value.filter((p) => p.protocol === 'saml').map((p) => p.displayName)).toEqual(['Duo', 'Google', 'Jumpcloud', 'Microsoft AD', 'Custom'])

    await server.close()
    await until(() => core.status().state, (s) => s === 'offline', 15000)
    const cached = await core.invoke('identityProviders.list', { refresh: false })
    expect(cached.source).toBe('cache')
    expect(cached.fetchedAt).toBe(list.fetchedAt)
    const e = await rejects(core.invoke('identityProviders.setActive', { ids: [demo.id], active: false }))
    expect(e.code).toBe('offline')
    expect(e.message).toMatch(/needs the server/)
  })

  it('renders the template without secrets, saves with field errors at the field, toggles and deletes', async () => {
    const edit = await core.invoke('identityProviders.template', { id: server.oidc!.configurationId })
    const fields = edit.sections.flatMap((s) => s.fields)
    const secret = fields.find((f) => f.name === 'client_secret')!
    expect(secret).toMatchObject({ secret: true, set: true })
    expect('value' in secret).toBe(false)
    expect(JSON.stringify(edit)).not.toContain(server.oidc!.clientSecret)
    expect(fields.find((f) => f.name === 'callback_url')!.value).toBe(`${server.url}/callback_oidc`)

    const base = {
      webapp_url: `${server.url}/`, client_id: 'abc', client_secret: 'another-secret-value-42', authorization_endpoint: `${server.oidc!.issuer}/auth`,
      token_endpoint: `${server.oidc!.issuer}/token`, userinfo_endpoint: `${server.oidc!.issuer}/me`, jwks_uri: `${server.oidc!.issuer}/jwks`
    }
    const dup = await rejects(core.invoke('identityProviders.save', { provider: 'keycloak', configuration: { ...base, display_name: 'demo oidc (LOOPBACK)' } }))
    expect(dup.code).toBe('invalid_input')
    expect(dup.details).toMatchObject({ field: 'display_name' })
    const noClient = await rejects(core.invoke('identityProviders.save', { provider: 'keycloak', configuration: { ...base, display_name: 'KC', client_id: '' } }))
    expect(noClient.details).toMatchObject({ field: 'client_id' })

    const { id } = await core.invoke('identityProviders.save', { provider: 'keycloak', configuration: { ...base, display_name: 'KC' } })
    const t = await core.invoke('identityProviders.template', { id })
    // the callback URL never has `//` in its path, even from a WebApp URL with a trailing slash
    expect(t.sections.flatMap((s) => s.fields).find((f) => f.name === 'callback_url')!.value).toBe(`${server.url}/callback_keycloak`)
    await core.invoke('identityProviders.setActive', { ids: [id], active: false })
    let list = await core.invoke('identityProviders.list', { refresh: true })
    expect(list.value.find((c) => c.id === id)!.active).toBe(false)
    await core.invoke('identityProviders.delete', { ids: [id] })
    list = await core.invoke('identityProviders.list', { refresh: true })
    expect(list.value.some((c) => c.id === id)).toBe(false)
  })

  it('fills endpoints from the well-known URL', async () => {
    const r = await core.invoke('identityProviders.discover', { url: server.oidc!.discoveryUrl })
    expect(r.token_endpoint).toBe(`${server.oidc!.issuer}/token`)
    const e = await rejects(core.invoke('identityProviders.discover', { url: 'http://127.0.0.1:1/.well-known/openid-configuration' }))
    expect(e.code).toBe('invalid_input')
    expect(e.details).toMatchObject({ field: 'well_known_url' })
  })

  it('checks PEM pairs through the contract (the renderer never parses keys)', async () => {
    const { readFileSync: read } = await import('node:fs')
    const pki = (f: string) => read(join(import.meta.dirname, '../fixtures/pki', f), 'utf8')
    const good = await core.invoke('identityProviders.checkPki', { certificate: pki('sp-cert.pem'), privateKey: pki('sp-key.pem') })
    expect(good.pair?.ok).toBe(true)
    const bad = await core.invoke('identityProviders.checkPki', { certificate: pki('sp-cert.pem'), privateKey: pki('other-key.pem') })
    expect(bad.pair).toMatchObject({ ok: false, message: expect.stringMatching(/does not match/) })
    const malformed = await core.invoke('identityProviders.checkPki', { certificate: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----' })
    expect(malformed.certificate).toMatchObject({ ok: false, message: expect.stringMatching(/Malformed PEM certificate/) })
  })

  it('Test Provider: the mapped claims, and the provider error with a wrong client secret', async () => {
    const id = server.oidc!.configurationId!
    const started = await core.invoke('identityProviders.startTest', { provider: 'oidc', configuration: { id } })
    expect(started.callbackUrl).toBe(`${server.url}/callback_oidc`)
    const back = await signIn(started.redirectUrl, 'alice', started.callbackUrl)
    const r = await core.invoke('identityProviders.finishTest', { provider: 'oidc', callbackUrl: back })
    expect(r.error).toBeNull()
    expect(r.mapped).toMatchObject({ userId: 'alice' })
    expect(r.mapped!.email).toMatch(/@/)

    const bad = await core.invoke('identityProviders.startTest', { provider: 'oidc', configuration: { id, client_secret: 'wrong-secret' } })
    const back2 = await signIn(bad.redirectUrl, 'alice', bad.callbackUrl)
    const r2 = await core.invoke('identityProviders.finishTest', { provider: 'oidc', callbackUrl: back2 })
    expect(r2.mapped).toBeNull()
    expect(r2.error).toMatch(/invalid_client/)
  })

  it('never writes a client secret or a private key to the SQLite files or the log', async () => {
    const secret = 'client-secret-NEVER-ON-DISK-7f3a91'
    const keyMarker = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-NEVER'
    const records: LogRecord[] = []
    setLogLevel('debug')
    const stop = addLogSink((r) => records.push(r))
    // a refused save and a refused test (server errors are logged paths) must not carry the secret either
    await rejects(core.invoke('identityProviders.save', { provider: 'oidc', configuration: { display_name: 'Demo OIDC (loopback)', client_id: 'x', client_secret: secret } }))
    await rejects(core.invoke('identityProviders.startTest', { provider: 'oidc', configuration: { client_secret: secret, authorization_endpoint: 'not a url' } }))
    const { id } = await core.invoke('identityProviders.save', {
      provider: 'oidc',
      configuration: {
        display_name: 'Secret check', client_id: 'x', client_secret: secret, authorization_endpoint: 'https://idp.example/auth',
        token_endpoint: 'https://idp.example/token', userinfo_endpoint: 'https://idp.example/me', jwks_uri: 'https://idp.example/jwks'
      }
    })
    await core.invoke('identityProviders.template', { id })
    await core.invoke('identityProviders.startTest', { provider: 'oidc', configuration: { id } })
    await core.invoke('identityProviders.checkPki', { privateKey: `-----BEGIN PRIVATE KEY-----\n${keyMarker}\n-----END PRIVATE KEY-----\n` })
    await core.invoke('identityProviders.list', { refresh: true })
    await core.close()
    stop()
    setLogLevel('info')
    const logged = JSON.stringify(records)
    expect(logged).not.toContain(secret)
    expect(logged).not.toContain(keyMarker)
    for (const f of ['console.db', 'console.db-wal', 'console.db-shm']) {
      const p = join(dir, 'core', f)
      if (!existsSync(p)) continue
      const bytes = readFileSync(p).toString('latin1')
      expect(bytes).not.toContain(secret)
      expect(bytes).not.toContain(keyMarker)
    }
  })
})
