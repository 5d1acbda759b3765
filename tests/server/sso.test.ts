import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningOidcProvider, type RunningServer, type SeedInfo, type StartOptions, endpointRegistry, startOidcProvider, startServer } from '../../server/src/index'
import { ENTERPRISE_CATALOG, type Key, checkAgainstCatalog } from './catalog'
import { call, expectCode } from './helpers'

/**
 * Identity providers (clearml-enterprise-api.md §1.6): sso.* and login.test_sso_callback against the catalog, the
 * server-driven form, secrets never returned, and the whole Test Provider flow against a real OpenID provider on
 * loopback (server/src/oidc-provider.ts, the `oidc-provider` library), driven with plain HTTP and cookies.
 */

const REGISTRY = endpointRegistry('enterprise')
const ADMIN_ROLES = ['system', 'root', 'admin']
const CLIENT_ID = 'clearml-console-test'
const CLIENT_SECRET = 'the-right-client-secret-0123456789'
const IDP_USERS = [
  { sub: 'alice', email: 'alice@demo.example', name: 'Alice Smith', given_name: 'Alice', family_name: 'Smith', picture: 'https://example.org/alice.png', groups: ['ml-team', 'readers'] },
  { sub: 'mallory', email: 'mallory@demo.example', email_verified: false, name: 'Mallory', groups: [] }
]
const SAML_METADATA = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example/saml">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sso?x=1&amp;y=2"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`

let srv: RunningServer
let seed: SeedInfo
let admin: Key
let alice: Key
let idp: RunningOidcProvider
const servers: RunningServer[] = []

async function start(opts: StartOptions = {}): Promise<RunningServer> {
  const s = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true, ...opts })
  servers.push(s)
  return s
}

beforeEach(async () => {
  srv = await start()
  seed = srv.seed!
  admin = seed.admin
  alice = seed.member
  idp = await startOidcProvider({ clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [`${srv.url}/callback_keycloak`] }], users: IDP_USERS })
})
afterEach(async () => {
  await idp.close()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function ok(name: string, body: unknown = {}, who: Key = admin, on: RunningServer = srv): Promise<any> {
  return expectCode(await call(on.url, `/${name}`, { basic: who, body }), 200, 0).body.data
}
async function fails(name: string, body: unknown, code: number, subcode: number, who: Key = admin) {
  return expectCode(await call(srv.url, `/${name}`, { basic: who, body }), code, subcode).body.meta
}

/** A complete Keycloak-style configuration pointing at the loopback provider. */
function keycloakConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    display_name: `Keycloak ${Math.random().toString(36).slice(2, 8)}`, client_id: CLIENT_ID, client_secret: CLIENT_SECRET,
    well_known_url: idp.discoveryUrl, authorization_endpoint: `${idp.issuer}/auth`, token_endpoint: `${idp.issuer}/token`,
    userinfo_endpoint: `${idp.issuer}/me`, jwks_uri: `${idp.issuer}/jwks`, additional_scopes: 'groups', ...extra
  }
}

/**
 * Follows an authorization URL through the provider like a browser (cookies kept, redirects by hand); on the provider's
 * login form picks `sub`. Returns the callback URL the provider sent the browser to (this server's /callback_<provider>).
 */
async function browse(startUrl: string, sub = 'alice', until = srv.url): Promise<URL> {
  const jar = new Map<string, string>()
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [kv] = c.split(';')
      const i = kv.indexOf('=')
      jar.set(kv.slice(0, i), kv.slice(i + 1))
    }
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  let url = new URL(startUrl)
  for (let hop = 0; hop < 15; hop++) {
    if (url.href.startsWith(`${until}/callback_`)) return url
    const r = await fetch(url, { redirect: 'manual', headers: { cookie: cookie() } })
    keep(r)
    if (r.status === 200) {
      const html = await r.text()
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
      if (!action) throw new Error(`no login form at ${url.href}: ${html.slice(0, 200)}`)
      const posted = await fetch(new URL(action, url), {
        method: 'POST', redirect: 'manual', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, body: `sub=${encodeURIComponent(sub)}`
      })
      keep(posted)
      url = new URL(posted.headers.get('location')!, url)
      continue
    }
    const location = r.headers.get('location')
    if (r.status < 300 || r.status >= 400 || !location) throw new Error(`HTTP ${r.status} at ${url.href}: ${(await r.text()).slice(0, 300)}`)
    url = new URL(location, url)
  }
  throw new Error('too many redirects')
}

const argsOf = (u: URL) => Object.fromEntries(u.searchParams)

/** sso.test_provider_configuration, the provider, then login.test_sso_callback. */
async function testRun(provider: string, configuration: Record<string, unknown>, sub = 'alice') {
  const { redirect_url } = await ok('sso.test_provider_configuration', { provider, configuration })
  const callback = await browse(redirect_url, sub)
  return ok('login.test_sso_callback', { provider, args: argsOf(callback), callback_url: callback.href })
}

// --- the catalog --------------------------------------------------------------------------------------------------------

const VALID: Record<string, (who: Key) => Promise<Record<string, unknown>>> = {
  'sso.get_supported_providers': async () => ({}),
  'sso.get_provider_configurations': async () => ({}),
  'sso.get_provider_configuration_template': async () => ({ provider: 'keycloak' }),
  'sso.get_oidc_provider_data_from_well_known_url': async () => ({ url: idp.discoveryUrl }),
  'sso.save_provider_configuration': async () => ({ provider: 'keycloak', configuration: keycloakConfig() }),
  'sso.set_provider_configurations_active': async () => ({ ids: [seed.organisation.oidc.configurationId], active: false }),
  'sso.delete_provider_configurations': async () => ({ ids: ['no-such-configuration'] }),
  'sso.download_saml_sp_metadata': async () => ({ provider: 'saml', configuration: { entity_id: 'clearml-sp', idp_metadata: SAML_METADATA } }),
  'sso.test_provider_configuration': async () => ({ provider: 'keycloak', configuration: keycloakConfig() }),
  'login.test_sso_callback': async (who) => {
    if (who !== admin) return { provider: 'keycloak', args: { state: 'x', code: 'y' }, callback_url: `${srv.url}/callback_keycloak` }
    const { redirect_url } = await ok('sso.test_provider_configuration', { provider: 'keycloak', configuration: keycloakConfig() })
    const callback = await browse(redirect_url)
    return { provider: 'keycloak', args: argsOf(callback), callback_url: callback.href }
  }
}

describe('the catalog entries of the identity provider endpoints', () => {
  it.each(Object.keys(VALID).sort())('%s', async (name) => {
    expect(ENTERPRISE_CATALOG[name], name).toBeDefined()
    const ep = REGISTRY.find((e) => e.name === name)!
    expect(ep, name).toBeDefined()
    await checkAgainstCatalog({ url: srv.url, entry: ENTERPRISE_CATALOG[name], ep, admin, member: alice, valid: VALID[name], unpublishedRoles: ADMIN_ROLES })
  })

  it('are enterprise only (404/0 on the basic feature set)', async () => {
    const basic = await start({ featureSet: 'basic' })
    for (const name of Object.keys(VALID)) expectCode(await call(basic.url, `/${name}`, { basic: basic.seed!.admin, body: {} }), 404, 0)
  })
})

// --- providers, templates, configurations --------------------------------------------------------------------------------

describe('providers and the server-driven form', () => {
  it('lists the OIDC and SAML providers of the settings page', async () => {
    const { providers } = await ok('sso.get_supported_providers')
    expect(providers.filter((p: { category: string }) => p.category === 'oidc').map((p: { display_name: string }) => p.display_name))
      .toEqual(['Auth0', 'AWS Cognito', 'Google', 'Keycloak', 'Microsoft AD', 'Microsoft Azure', 'Okta', 'Ping', 'Custom'])
    expect(providers.filter((p: { category: string }) => p.category === 'saml').map((p: { display_name: string }) => p.display_name))
      .toEqual(['Duo', 'Google', 'Jumpcloud', 'Microsoft AD', 'Custom'])
    for (const p of providers) expect(Object.keys(p).sort()).toEqual(['category', 'display_name', 'icon', 'id'])
  })

  it('the OIDC template has the whole field set; a well-known URL fills in the endpoints; a bad one is reported in `error`', async () => {
    const { config_template: t, error } = await ok('sso.get_provider_configuration_template', { provider: 'keycloak', well_known_url: idp.discoveryUrl })
    expect(error).toBeNull()
    expect(t.provider).toEqual({ id: 'keycloak', display_name: 'Keycloak', category: 'oidc' })
    expect(t.id).toBeNull()
    const fields = Object.fromEntries(t.sections.flatMap((s: { fields: Array<{ name: string }> }) => s.fields).map((f: { name: string }) => [f.name, f]))
    expect(Object.keys(fields)).toEqual(expect.arrayContaining([
      'webapp_url', 'callback_url', 'display_name', 'client_id', 'client_secret', 'well_known_url', 'authorization_endpoint', 'token_endpoint',
      'revocation_endpoint', 'userinfo_endpoint', 'jwks_uri', 'user_info_from_id_token', 'verify_token_signature', 'email_verification',
      'create_new_users', 'code_challenge_method', 'scopes', 'additional_scopes', 'custom_authorization_params', 'claim_user_id', 'claim_email',
      'claim_name', 'claim_given_name', 'claim_family_name', 'claim_avatar', 'claim_groups', 'group_sync', 'group_mapping'
    ]))
    for (const f of Object.values(fields) as Array<Record<string, unknown>>) {
      for (const k of ['name', 'type', 'label', 'required', 'required_if', 'secret', 'readonly', 'help', 'options', 'default']) expect(f).toHaveProperty(k)
    }
    expect(fields.client_secret).toMatchObject({ type: 'secret', secret: true, required: true, set: false })
    expect(fields.client_secret).not.toHaveProperty('value')
    expect(fields.authorization_endpoint).toMatchObject({ value: `${idp.issuer}/auth`, required: true })
    expect(fields.jwks_uri).toMatchObject({ value: `${idp.issuer}/jwks`, required_if: { field: 'verify_token_signature', value: true } })
    expect(fields.callback_url).toMatchObject({ readonly: true, value: `${srv.url}/callback_keycloak` })
    expect(fields.code_challenge_method.options.map((o: { value: string }) => o.value)).toEqual(['none', 'plain', 'S256'])
    expect(fields.group_mapping.options.map((o: { label: string }) => o.label)).toEqual(['Queue admins', 'ML Team', 'Platform Team'])

    const bad = await ok('sso.get_provider_configuration_template', { provider: 'keycloak', well_known_url: 'http://127.0.0.1:9/.well-known/openid-configuration' })
    expect(bad.error).toMatch(/could not be read/)
    const saml = (await ok('sso.get_provider_configuration_template', { provider: 'saml' })).config_template
    const samlFields = saml.sections.flatMap((s: { fields: Array<{ name: string }> }) => s.fields).map((f: { name: string }) => f.name)
    expect(samlFields).toEqual(expect.arrayContaining(['acs_url', 'entity_id', 'idp_metadata', 'require_signed_assertions', 'sign_requests', 'sp_certificate', 'sp_private_key', 'group_mapping']))
    await fails('sso.get_provider_configuration_template', {}, 400, 12) // a new template needs a provider
    await fails('sso.get_provider_configuration_template', { provider: 'nope' }, 400, 12)
    await fails('sso.get_provider_configuration_template', { id: 'nope' }, 400, 10)
  })

  it('sso.get_oidc_provider_data_from_well_known_url really reads the discovery document', async () => {
    expect(await ok('sso.get_oidc_provider_data_from_well_known_url', { url: idp.discoveryUrl })).toEqual({
      authorization_endpoint: `${idp.issuer}/auth`, token_endpoint: `${idp.issuer}/token`, userinfo_endpoint: `${idp.issuer}/me`, jwks_uri: `${idp.issuer}/jwks`,
      revocation_endpoint: null, end_session_endpoint: null
    })
    await fails('sso.get_oidc_provider_data_from_well_known_url', { url: 'http://127.0.0.1:9/nothing' }, 400, 12)
    await fails('sso.get_oidc_provider_data_from_well_known_url', { url: 'file:///etc/passwd' }, 400, 12)
  })

  it('saves, lists, activates and deletes configurations; secrets are never returned', async () => {
    const before = (await ok('sso.get_provider_configurations')).configurations
    expect(before).toEqual([{
      id: seed.organisation.oidc.configurationId, provider: 'oidc', display_name: 'Demo OIDC (loopback)', category: 'oidc', active: true,
      last_update: expect.any(String), readonly: false
    }])
    const { id } = await ok('sso.save_provider_configuration', { provider: 'keycloak', configuration: keycloakConfig({ display_name: 'Corporate Keycloak' }) })
    const listed = (await ok('sso.get_provider_configurations')).configurations
    expect(listed.at(-1)).toEqual({ id, provider: 'keycloak', display_name: 'Corporate Keycloak', category: 'oidc', active: true, last_update: expect.any(String), readonly: false })

    const r = await call(srv.url, '/sso.get_provider_configuration_template', { basic: admin, body: { id } })
    expect(r.raw).not.toContain(CLIENT_SECRET)
    expect(r.raw).not.toContain(seed.organisation.oidc.clientSecret)
    const secret = r.body.data.config_template.sections.flatMap((s: { fields: unknown[] }) => s.fields).find((f: { name: string }) => f.name === 'client_secret')
    expect(secret).toMatchObject({ set: true })
    expect(secret).not.toHaveProperty('value')
    expect(r.body.data.config_template.id).toBe(id)

    // an update without the secret keeps it (the Test Provider run below authenticates with it); `_set` markers are ignored
    await ok('sso.save_provider_configuration', { provider: 'keycloak', configuration: { id, display_name: 'Corporate SSO', client_secret_set: true } })
    expect((await ok('sso.get_provider_configurations')).configurations.at(-1).display_name).toBe('Corporate SSO')
    expect((await testRun('keycloak', { id })).error_msg).toBeNull()

    expect(await ok('sso.set_provider_configurations_active', { ids: [id, 'nope'], active: false })).toEqual({ updated: 1 })
    expect((await ok('sso.get_provider_configurations')).configurations.at(-1).active).toBe(false)
    expect(await ok('sso.delete_provider_configurations', { ids: [id, id, 'nope'] })).toEqual({ deleted: 1 })
    expect((await ok('sso.get_provider_configurations')).configurations).toHaveLength(1)
  })

  it('validates configurations (400/12 naming the field, never its value)', async () => {
    const save = (configuration: Record<string, unknown>, provider = 'keycloak') => fails('sso.save_provider_configuration', { provider, configuration }, 400, 12)
    const { client_secret: _, ...noSecret } = keycloakConfig()
    expect((await save(noSecret)).result_msg).toContain("'configuration.client_secret'")
    expect((await save(keycloakConfig({ token_endpoint: 'not a url' }))).result_msg).toContain("'configuration.token_endpoint'")
    expect((await save(keycloakConfig({ unknown_field: 1 }))).result_msg).toContain("'configuration.unknown_field'")
    expect((await save(keycloakConfig({ code_challenge_method: 'S512' }))).result_msg).toContain("'configuration.code_challenge_method'")
    expect((await save(keycloakConfig({ group_mapping: [{ idp_group: 'x', clearml_groups: ['no-such-group'] }] }))).result_msg).toContain('group_mapping')
    expect((await save(keycloakConfig({ display_name: 'Demo OIDC (loopback)' }))).result_msg).toContain('display_name')
    const wrongSecret = await save(keycloakConfig({ client_id: 42, client_secret: 'do-not-echo-me' }))
    expect(wrongSecret.result_msg).not.toContain('do-not-echo-me')
    await save(keycloakConfig(), 'no-such-provider')
    await fails('sso.save_provider_configuration', { provider: 'keycloak', configuration: keycloakConfig(), support_provider: true }, 403, 20)
    await fails('sso.get_provider_configurations', { company: 'another-company' }, 403, 20)
    // one IdP group → several ClearML groups
    const { id } = await ok('sso.save_provider_configuration', {
      provider: 'keycloak', configuration: keycloakConfig({ group_sync: true, group_mapping: [{ idp_group: 'ml-team', clearml_groups: [seed.groups.mlTeam, seed.organisation.groups.platform] }] })
    })
    const mapped = await testRun('keycloak', { id })
    expect(mapped.configuration_info.group_sync).toEqual({
      enabled: true,
      matches: [
        { idp_group: 'ml-team', clearml_groups: [{ id: seed.groups.mlTeam, name: 'ML Team' }, { id: seed.organisation.groups.platform, name: 'Platform Team' }] },
        { idp_group: 'readers', clearml_groups: [] }
      ]
    })
  })

  it('sso.download_saml_sp_metadata answers the SP metadata XML (a download, no envelope); OIDC is 400/12', async () => {
    const r = await call(srv.url, '/sso.download_saml_sp_metadata', {
      basic: admin, body: { provider: 'saml', configuration: { entity_id: 'clearml-sp', idp_metadata: SAML_METADATA, sign_requests: true, sp_certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' } }
    })
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toMatch(/^application\/samlmetadata\+xml/)
    expect(r.headers['content-disposition']).toBe('attachment; filename="saml-sp-metadata.xml"')
    expect(r.raw).toContain('entityID="clearml-sp"')
    expect(r.raw).toContain(`Location="${srv.url}/callback_saml"`)
    expect(r.raw).toContain('<ds:X509Certificate>MIIB</ds:X509Certificate>')
    await fails('sso.download_saml_sp_metadata', { provider: 'keycloak', configuration: {} }, 400, 12)
    // the SAML test redirect is an AuthnRequest to the IdP's HTTP-Redirect endpoint
    const { redirect_url } = await ok('sso.test_provider_configuration', {
      provider: 'saml', configuration: { display_name: 'SAML', entity_id: 'clearml-sp', idp_metadata: SAML_METADATA }, state: 'YXBw'
    })
    const u = new URL(redirect_url)
    expect(`${u.origin}${u.pathname}`).toBe('https://idp.example/sso')
    expect(u.searchParams.get('x')).toBe('1')
    expect(u.searchParams.get('SAMLRequest')).toBeTruthy()
    expect(u.searchParams.get('RelayState')).toMatch(/^[0-9a-f]{32}\.YXBw$/)
  })
})

// --- the Test Provider flow -----------------------------------------------------------------------------------------------

describe('Test Provider against a real OpenID provider on loopback', () => {
  it('redirects to the provider with PKCE, state and nonce; the callback exchanges the code and maps the claims', async () => {
    const { redirect_url } = await ok('sso.test_provider_configuration', { provider: 'keycloak', configuration: keycloakConfig({ display_name: 'Keycloak test' }), state: 'eyJhIjoxfQ==' })
    const u = new URL(redirect_url)
    expect(`${u.origin}${u.pathname}`).toBe(`${idp.issuer}/auth`)
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      response_type: 'code', client_id: CLIENT_ID, redirect_uri: `${srv.url}/callback_keycloak`, scope: 'openid email profile groups',
      code_challenge_method: 'S256', state: expect.stringMatching(/^[0-9a-f]{32}\.eyJhIjoxfQ==$/), nonce: expect.any(String)
    })
    const callback = await browse(redirect_url, 'alice')
    expect(callback.searchParams.get('code')).toBeTruthy()
    expect(callback.searchParams.get('state')).toBe(u.searchParams.get('state'))
    // the callback route of this server (the web app's) shows a page for the browser
    const page = await fetch(callback)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('clearml-sso-callback')

    const result = await ok('login.test_sso_callback', { provider: 'keycloak', args: argsOf(callback), callback_url: callback.href })
    expect(result.error_msg).toBeNull()
    expect(result.mapped_user_data).toEqual({
      user_id: 'alice', email: 'alice@demo.example', email_verified: true, name: 'Alice Smith', given_name: 'Alice', family_name: 'Smith',
      avatar: 'https://example.org/alice.png', groups: ['ml-team', 'readers']
    })
    expect(result.user_data).toMatchObject({ sub: 'alice', email: 'alice@demo.example', iss: idp.issuer, aud: CLIENT_ID })
    expect(result.configuration_info).toMatchObject({
      provider: 'keycloak', display_name: 'Keycloak test', client_id: CLIENT_ID, issuer: idp.issuer, id_token_signature: 'verified', id_token_alg: 'RS256',
      user_info_source: 'userinfo_endpoint', redirect_uri: `${srv.url}/callback_keycloak`,
      group_sync: { enabled: false, matches: [{ idp_group: 'ml-team', clearml_groups: [{ id: seed.groups.mlTeam, name: 'ML Team' }] }, { idp_group: 'readers', clearml_groups: [] }] }
    })
    expect(JSON.stringify(result)).not.toContain(CLIENT_SECRET)
    // a test run is used once
    await fails('login.test_sso_callback', { provider: 'keycloak', args: argsOf(callback), callback_url: callback.href }, 400, 10)
  })

  it('a wrong client secret: the provider\'s error comes back in error_msg', async () => {
    const result = await testRun('keycloak', keycloakConfig({ client_secret: 'a-wrong-secret', custom_authorization_params: { login_hint: 'alice' } }))
    expect(result.mapped_user_data).toBeNull()
    expect(result.error_msg).toMatch(/invalid_client/)
    expect(result.error_msg).toMatch(/client authentication failed/)
  })

  it('custom authorization parameters reach the provider (login_hint logs in without the form); claims from the ID token; email verification', async () => {
    const fromIdToken = await testRun('keycloak', keycloakConfig({ user_info_from_id_token: true, userinfo_endpoint: null, custom_authorization_params: { login_hint: 'alice@demo.example' } }))
    expect(fromIdToken.error_msg).toBeNull()
    expect(fromIdToken.configuration_info.user_info_source).toBe('id_token')
    expect(fromIdToken.mapped_user_data.email).toBe('alice@demo.example')

    const unverified = await testRun('keycloak', keycloakConfig({ email_verification: true, code_challenge_method: 'none' }), 'mallory')
    expect(unverified.mapped_user_data).toMatchObject({ user_id: 'mallory', email_verified: false })
    expect(unverified.error_msg).toMatch(/email_verified/)

    const remapped = await testRun('keycloak', keycloakConfig({ claim_user_id: 'email', claim_name: 'missing_claim' }))
    expect(remapped.mapped_user_data).toMatchObject({ user_id: 'alice@demo.example', name: 'Alice Smith' }) // name from given + family
  })

  it('the provider\'s own error (access denied at the provider) and a mismatched callback URL come back in error_msg', async () => {
    const { redirect_url } = await ok('sso.test_provider_configuration', { provider: 'keycloak', configuration: keycloakConfig() })
    const state = new URL(redirect_url).searchParams.get('state')!
    const denied = await ok('login.test_sso_callback', {
      provider: 'keycloak', args: { state, error: 'access_denied', error_description: 'the user said no' }, callback_url: `${srv.url}/callback_keycloak`
    })
    expect(denied).toEqual({ mapped_user_data: null, user_data: null, configuration_info: expect.objectContaining({ provider: 'keycloak' }), error_msg: 'access_denied: the user said no' })
    const again = await ok('sso.test_provider_configuration', { provider: 'keycloak', configuration: keycloakConfig() })
    const callback = await browse(again.redirect_url)
    const mismatch = await ok('login.test_sso_callback', { provider: 'keycloak', args: argsOf(callback), callback_url: 'http://elsewhere.example/callback_keycloak' })
    expect(mismatch.error_msg).toMatch(/callback URL/)
    await fails('login.test_sso_callback', { provider: 'keycloak', args: { state: 'unknown', code: 'x' }, callback_url: callback.href }, 400, 10)
  })

  it('startServer({oidc: true}) runs the demo provider and points the demo configuration at it', async () => {
    const demo = await start({ oidc: true })
    expect(demo.oidc).toEqual({
      issuer: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), discoveryUrl: expect.stringContaining('/.well-known/openid-configuration'),
      clientId: 'clearml-demo', clientSecret: demo.seed!.organisation.oidc.clientSecret, configurationId: demo.seed!.organisation.oidc.configurationId
    })
    const a = demo.seed!.admin
    const { config_template: t } = await ok('sso.get_provider_configuration_template', { id: demo.oidc!.configurationId }, a, demo)
    const value = (name: string) => t.sections.flatMap((s: { fields: Array<{ name: string; value?: unknown }> }) => s.fields).find((x: { name: string }) => x.name === name)?.value
    expect(value('token_endpoint')).toBe(`${demo.oidc!.issuer}/token`)
    expect(value('callback_url')).toBe(`${demo.url}/callback_oidc`)
    const { redirect_url } = await ok('sso.test_provider_configuration', {
      provider: 'oidc', configuration: { id: demo.oidc!.configurationId, custom_authorization_params: { login_hint: 'dana' } }
    }, a, demo)
    const callback = await browse(redirect_url, 'dana', demo.url)
    const result = await ok('login.test_sso_callback', { provider: 'oidc', args: argsOf(callback), callback_url: callback.href }, a, demo)
    expect(result.error_msg).toBeNull()
    expect(result.mapped_user_data).toMatchObject({ user_id: 'dana', email: 'dana@demo.example', groups: ['platform', 'ml-team'] })
    expect(result.configuration_info.group_sync.matches).toEqual([
      { idp_group: 'platform', clearml_groups: [{ id: demo.seed!.organisation.groups.platform, name: 'Platform Team' }] },
      { idp_group: 'ml-team', clearml_groups: [{ id: demo.seed!.groups.mlTeam, name: 'ML Team' }] }
    ])
  })
})
