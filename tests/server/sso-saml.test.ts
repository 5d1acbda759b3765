import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningSamlIdp, type RunningServer, type SeedInfo, type StartOptions, startSamlIdp, startServer } from '../../server/src/index'
import type { Key } from './catalog'
import { call, expectCode } from './helpers'

/**
 * Test Provider for SAML connections (clearml-enterprise-api.md §1.6), end to end over plain HTTP: the reference server
 * sends an AuthnRequest (HTTP-Redirect) to a real SAML 2.0 IdP on loopback (server/src/saml-idp.ts, samlify), the IdP
 * answers the ACS URL (`/callback_saml`) with an HTTP-POST form carrying a signed SAMLResponse and the RelayState, and
 * login.test_sso_callback evaluates the response as the connection's service provider and maps the claims.
 */

const USERS = [
  { nameId: 'erin', email: 'erin@idp.example', givenName: 'Erin', familyName: 'Example', displayName: 'Erin Example', groups: ['ml-team', 'auditors'] },
  { nameId: 'frank', email: 'frank@idp.example', displayName: 'Frank', groups: ['research'] }
]
const ENTITY_ID = 'https://clearml.example.com/saml'
const SIGNATURE_ERROR = 'the assertion signature does not match the IdP certificate'
const otherCertificate = readFileSync(join(import.meta.dirname, '../fixtures/pki/idp-cert.pem'), 'utf8')

let srv: RunningServer
let seed: SeedInfo
let admin: Key
let idp: RunningSamlIdp
const servers: RunningServer[] = []
const idps: RunningSamlIdp[] = []

async function start(opts: StartOptions = {}): Promise<RunningServer> {
  const s = await startServer({ port: 0, seed: 'demo', featureSet: 'enterprise', quiet: true, ...opts })
  servers.push(s)
  return s
}
async function startIdp(extra: Partial<Parameters<typeof startSamlIdp>[0]> = {}): Promise<RunningSamlIdp> {
  const i = await startSamlIdp({ users: USERS, ...extra })
  idps.push(i)
  return i
}

beforeEach(async () => {
  srv = await start()
  seed = srv.seed!
  admin = seed.admin
  idp = await startIdp()
})
afterEach(async () => {
  await Promise.all(idps.splice(0).map((i) => i.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function ok(name: string, body: unknown = {}, on: RunningServer = srv): Promise<any> {
  return expectCode(await call(on.url, `/${name}`, { basic: on === srv ? admin : on.seed!.admin, body }), 200, 0).body.data
}

/** A SAML connection's configuration for the loopback IdP (its metadata, the SSO location optionally with a login hint). */
function samlConfig(extra: Record<string, unknown> = {}, of: RunningSamlIdp = idp): Record<string, unknown> {
  return { display_name: `SAML ${Math.random().toString(36).slice(2, 8)}`, entity_id: ENTITY_ID, idp_metadata: of.metadata, ...extra }
}
/** The IdP metadata whose SingleSignOnService Location carries `login_hint` (the IdP then signs the user in at once). */
const withHint = (of: RunningSamlIdp, user: string) => of.metadata.replace(`Location="${of.ssoUrl}"`, `Location="${of.ssoUrl}?login_hint=${user}"`)

const unescapeHtml = (s: string) => s.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)))

/** The auto-submitting HTTP-POST form of the IdP's answer: its action (the ACS URL) and hidden fields. */
function postForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
  if (!action) throw new Error(`no form in ${html.slice(0, 300)}`)
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1], unescapeHtml(m[2])]))
  return { action: unescapeHtml(action), fields }
}

/**
 * Follows the AuthnRequest redirect to the IdP like a browser: with `user`, picks that user on the IdP's login page
 * (without, the IdP must sign someone in at once: a login hint). Returns the ACS URL and the POSTed fields.
 */
async function signIn(redirectUrl: string, user?: string): Promise<{ acs: string; fields: Record<string, string> }> {
  const first = await fetch(redirectUrl)
  expect(first.status).toBe(200)
  let html = await first.text()
  if (user !== undefined) {
    const login = postForm(html)
    const picked = await fetch(new URL(login.action, redirectUrl), {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...login.fields, user })
    })
    expect(picked.status).toBe(200)
    html = await picked.text()
  }
  const { action, fields } = postForm(html)
  return { acs: action, fields }
}

/** sso.test_provider_configuration, the IdP, then login.test_sso_callback. */
async function testRun(configuration: Record<string, unknown>, user?: string, on: RunningServer = srv) {
  const { redirect_url } = await ok('sso.test_provider_configuration', { provider: 'saml', configuration }, on)
  const { acs, fields } = await signIn(redirect_url, user)
  return ok('login.test_sso_callback', { provider: 'saml', args: fields, callback_url: acs }, on)
}

describe('the loopback SAML IdP', () => {
  it('publishes metadata with an HTTP-Redirect SSO service and a fresh, valid signing certificate', async () => {
    const r = await fetch(idp.metadataUrl)
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toMatch(/^application\/samlmetadata\+xml/)
    const xml = await r.text()
    expect(xml).toBe(idp.metadata)
    expect(xml).toContain(`entityID="${idp.entityId}"`)
    expect(xml).toContain(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${idp.ssoUrl}"`)
    const { X509Certificate } = await import('node:crypto')
    const cert = new X509Certificate(idp.certificate)
    expect(cert.verify(cert.publicKey)).toBe(true) // self-signed
    expect(xml).toContain(idp.certificate.replace(/-----[A-Z ]+-----|\s/g, ''))
    // another IdP: another key and certificate
    const other = await startIdp()
    expect(other.certificate).not.toBe(idp.certificate)
  })
})

describe('Test Provider against a real SAML IdP on loopback', () => {
  it('the IdP POSTs a signed response to the ACS URL; the callback page hands it on; the claims are mapped', async () => {
    const configuration = samlConfig({ display_name: 'Corporate SAML', group_sync: true, group_mapping: [{ idp_group: 'auditors', clearml_groups: [seed.groups.mlTeam] }] })
    const { redirect_url } = await ok('sso.test_provider_configuration', { provider: 'saml', configuration, state: 'YXBw' })
    const u = new URL(redirect_url)
    expect(`${u.origin}${u.pathname}`).toBe(idp.ssoUrl)
    expect(u.searchParams.get('RelayState')).toMatch(/^[0-9a-f]{32}\.YXBw$/)

    // no login hint: the IdP shows its login page listing the users
    const loginPage = await (await fetch(redirect_url)).text()
    expect(loginPage).toContain('Erin Example')
    expect(loginPage).toContain('Frank')
    const { acs, fields } = await signIn(redirect_url, 'erin')
    expect(acs).toBe(`${srv.url}/callback_saml`)
    expect(fields.RelayState).toBe(u.searchParams.get('RelayState'))
    const xml = Buffer.from(fields.SAMLResponse, 'base64').toString('utf8')
    expect(xml).toContain('<ds:Signature')
    expect(xml).toContain(`<saml:Audience>${ENTITY_ID}</saml:Audience>`)

    // the ACS URL (this server's callback route) accepts the HTTP-POST binding and hands the fields to the console
    const page = await fetch(acs, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('clearml-sso-callback')
    expect(html).toContain(JSON.stringify(new URLSearchParams(fields).toString()).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
    expect(html).toContain('RelayState')
    // anything but a form is refused there
    const json = await fetch(acs, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(json.status).toBe(415)

    const result = await ok('login.test_sso_callback', { provider: 'saml', args: fields, callback_url: acs })
    expect(result.error_msg).toBeNull()
    expect(result.mapped_user_data).toEqual({
      user_id: 'erin', email: 'erin@idp.example', email_verified: null, name: 'Erin Example', given_name: 'Erin', family_name: 'Example', avatar: null,
      groups: ['ml-team', 'auditors']
    })
    expect(result.user_data).toEqual({ NameID: 'erin', email: 'erin@idp.example', given_name: 'Erin', family_name: 'Example', name: 'Erin Example', groups: ['ml-team', 'auditors'] })
    expect(result.configuration_info).toMatchObject({
      provider: 'saml', category: 'saml', display_name: 'Corporate SAML', entity_id: ENTITY_ID, acs_url: acs, idp_entity_id: idp.entityId, issuer: idp.entityId,
      assertion_signature: 'verified', request_id: expect.stringMatching(/^_[0-9a-f]{32}$/),
      group_sync: { enabled: true, matches: [{ idp_group: 'ml-team', clearml_groups: [{ id: seed.groups.mlTeam, name: 'ML Team' }] }, { idp_group: 'auditors', clearml_groups: [{ id: seed.groups.mlTeam, name: 'ML Team' }] }] }
    })

    // a replayed RelayState (the run is used once) and an unknown one are refused
    expectCode(await call(srv.url, '/login.test_sso_callback', { basic: admin, body: { provider: 'saml', args: fields, callback_url: acs } }), 400, 10)
    expectCode(await call(srv.url, '/login.test_sso_callback', { basic: admin, body: { provider: 'saml', args: { ...fields, RelayState: 'f'.repeat(32) }, callback_url: acs } }), 400, 10)
  })

  it('a login hint signs the user in at once; the claims mapping of the connection applies', async () => {
    const result = await testRun(samlConfig({ idp_metadata: withHint(idp, 'frank@idp.example'), claim_user_id: 'email', claim_name: 'no_such_attribute' }))
    expect(result.error_msg).toBeNull()
    expect(result.mapped_user_data).toMatchObject({ user_id: 'frank@idp.example', email: 'frank@idp.example', name: null, groups: ['research'] })
  })

  it('an IdP signing with another key than its certificate\'s: the signature error', async () => {
    const bad = await startIdp({ misbehave: 'wrong-signing-key', defaultUser: 'erin' })
    const result = await testRun(samlConfig({}, bad))
    expect(result.error_msg).toContain(SIGNATURE_ERROR)
    expect(result.mapped_user_data).toBeNull()
    expect(result.user_data).toBeNull()
    expect(result.configuration_info.assertion_signature).toBe('not_checked')
  })

  it('metadata naming another certificate than the IdP signs with: the signature error', async () => {
    const pem = (p: string) => p.replace(/-----[A-Z ]+-----|\s/g, '')
    const metadata = withHint(idp, 'erin').replace(pem(idp.certificate), pem(otherCertificate))
    const result = await testRun(samlConfig({ idp_metadata: metadata }))
    expect(result.error_msg).toContain(SIGNATURE_ERROR)
    expect(result.mapped_user_data).toBeNull()
  })

  it('a response altered after signing: the signature error', async () => {
    const { redirect_url } = await ok('sso.test_provider_configuration', { provider: 'saml', configuration: samlConfig({ idp_metadata: withHint(idp, 'erin') }) })
    const { acs, fields } = await signIn(redirect_url)
    const altered = Buffer.from(Buffer.from(fields.SAMLResponse, 'base64').toString('utf8').replace('erin@idp.example', 'root@idp.example')).toString('base64')
    const result = await ok('login.test_sso_callback', { provider: 'saml', args: { ...fields, SAMLResponse: altered }, callback_url: acs })
    expect(result.error_msg).toContain(SIGNATURE_ERROR)
  })

  it('an unsigned response: refused while Require signed assertions is on, evaluated when it is off', async () => {
    const unsignedRun = async (configuration: Record<string, unknown>) => {
      const { redirect_url } = await ok('sso.test_provider_configuration', { provider: 'saml', configuration })
      const { acs, fields } = await signIn(redirect_url)
      const unsigned = Buffer.from(Buffer.from(fields.SAMLResponse, 'base64').toString('utf8').replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, '')).toString('base64')
      return ok('login.test_sso_callback', { provider: 'saml', args: { ...fields, SAMLResponse: unsigned }, callback_url: acs })
    }
    const strict = await unsignedRun(samlConfig({ idp_metadata: withHint(idp, 'erin') }))
    expect(strict.error_msg).toMatch(/the response is not signed .*Require signed assertions is on/)
    expect(strict.mapped_user_data).toBeNull()
    const lenient = await unsignedRun(samlConfig({ idp_metadata: withHint(idp, 'erin'), require_signed_assertions: false }))
    expect(lenient.error_msg).toBeNull()
    expect(lenient.configuration_info.assertion_signature).toBe('not_signed')
    expect(lenient.mapped_user_data).toMatchObject({ user_id: 'erin', email: 'erin@idp.example' })
    // the other checks still apply: another IdP's answer (Issuer)
    const other = await startIdp({ defaultUser: 'erin' })
    const foreign = await unsignedRun(samlConfig({ idp_metadata: other.metadata.replace(other.entityId, idp.entityId), require_signed_assertions: false }))
    expect(foreign.error_msg).toMatch(/issued by another entity/)
  })

  it('an assertion for another audience: the audience error', async () => {
    idp.setMisbehaviour('wrong-audience')
    const result = await testRun(samlConfig({ idp_metadata: withHint(idp, 'erin') }))
    expect(result.error_msg).toMatch(/the assertion is for another service provider: its audience is "urn:loopback-saml-idp:another-service-provider", this connection's entity ID is "https:\/\/clearml\.example\.com\/saml"/)
    expect(result.mapped_user_data).toBeNull()
    expect(result.configuration_info.assertion_signature).toBe('verified')
  })

  it('a response to another run\'s request (InResponseTo), at another callback URL, or past its validity is refused', async () => {
    const configuration = samlConfig({ idp_metadata: withHint(idp, 'erin') })
    const a = await ok('sso.test_provider_configuration', { provider: 'saml', configuration })
    const b = await ok('sso.test_provider_configuration', { provider: 'saml', configuration })
    const answerToA = await signIn(a.redirect_url)
    const relayOfB = new URL(b.redirect_url).searchParams.get('RelayState')!
    const swapped = await ok('login.test_sso_callback', { provider: 'saml', args: { ...answerToA.fields, RelayState: relayOfB }, callback_url: answerToA.acs })
    expect(swapped.error_msg).toMatch(/InResponseTo/)

    const c = await ok('sso.test_provider_configuration', { provider: 'saml', configuration })
    const answerToC = await signIn(c.redirect_url)
    const elsewhere = await ok('login.test_sso_callback', { provider: 'saml', args: answerToC.fields, callback_url: 'http://elsewhere.example/callback_saml' })
    expect(elsewhere.error_msg).toMatch(/ACS URL/)

    // the server's clock moves on 8 minutes: the 5-minute assertion (plus 1 minute of skew) has expired, the run has not
    let offset = 0
    const timed = await start({ now: () => Date.now() + offset })
    const d = await ok('sso.test_provider_configuration', { provider: 'saml', configuration }, timed)
    const answerToD = await signIn(d.redirect_url)
    offset = 8 * 60 * 1000
    const late = await ok('login.test_sso_callback', { provider: 'saml', args: answerToD.fields, callback_url: answerToD.acs }, timed)
    expect(late.error_msg).toMatch(/validity period/)
  })

  it('malformed responses are refused with the reason (schema validator hook)', async () => {
    const configuration = samlConfig({ idp_metadata: withHint(idp, 'erin') })
    const cases: Array<[string, RegExp]> = [
      ['<!DOCTYPE x [<!ENTITY e "boom">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>', /DTD or entity declaration/],
      ['<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"', /not well-formed XML/],
      ['<html><body>not SAML</body></html>', /not a SAML 2.0 protocol message/]
    ]
    for (const [xml, reason] of cases) {
      const { redirect_url } = await ok('sso.test_provider_configuration', { provider: 'saml', configuration })
      const relay = new URL(redirect_url).searchParams.get('RelayState')!
      const r = await ok('login.test_sso_callback', { provider: 'saml', args: { SAMLResponse: Buffer.from(xml).toString('base64'), RelayState: relay }, callback_url: `${srv.url}/callback_saml` })
      expect(r.error_msg).toMatch(reason)
      expect(r.mapped_user_data).toBeNull()
    }
    // no SAMLResponse at all
    const { redirect_url } = await ok('sso.test_provider_configuration', { provider: 'saml', configuration })
    const none = await ok('login.test_sso_callback', { provider: 'saml', args: { RelayState: new URL(redirect_url).searchParams.get('RelayState')! }, callback_url: `${srv.url}/callback_saml` })
    expect(none.error_msg).toBe('the IdP sent no SAMLResponse')
  })

  it('startServer({saml: true}) runs the demo IdP and keeps a "Demo SAML (loopback)" connection pointed at it', async () => {
    const demo = await start({ saml: true })
    expect(demo.saml).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), configurationId: expect.any(String) })
    const { config_template: t } = await ok('sso.get_provider_configuration_template', { id: demo.saml!.configurationId }, demo)
    const value = (name: string) => t.sections.flatMap((s: { fields: Array<{ name: string; value?: unknown }> }) => s.fields).find((x: { name: string }) => x.name === name)?.value
    expect(value('display_name')).toBe('Demo SAML (loopback)')
    expect(value('acs_url')).toBe(`${demo.url}/callback_saml`)
    expect(value('idp_metadata')).toBe(demo.saml!.metadata)
    const { redirect_url } = await ok('sso.test_provider_configuration', { provider: 'saml', configuration: { id: demo.saml!.configurationId } }, demo)
    const result = await ok('login.test_sso_callback', { provider: 'saml', ...(await signIn(redirect_url, 'dana').then(({ acs, fields }) => ({ args: fields, callback_url: acs }))) }, demo)
    expect(result.error_msg).toBeNull()
    expect(result.mapped_user_data).toMatchObject({ user_id: 'dana', email: 'dana@demo.example', name: 'Dana Lee', groups: ['platform', 'ml-team'] })
    expect(result.configuration_info.group_sync.matches).toEqual([
      { idp_group: 'platform', clearml_groups: [{ id: demo.seed!.organisation.groups.platform, name: 'Platform Team' }] },
      { idp_group: 'ml-team', clearml_groups: [{ id: demo.seed!.groups.mlTeam, name: 'ML Team' }] }
    ])
    const configurations = (await ok('sso.get_provider_configurations', {}, demo)).configurations as Array<{ display_name: string }>
    expect(configurations.filter((c) => c.display_name === 'Demo SAML (loopback)')).toHaveLength(1)
  })

  it('a restart on the same data keeps the one demo SAML connection (and its settings), pointed at the new IdP', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'saml-demo-'))
    try {
      const first = await start({ saml: true, dataDir })
      const id = first.saml!.configurationId!
      await ok('sso.save_provider_configuration', { provider: 'saml', configuration: { id, claim_user_id: 'email' } }, first)
      await first.close()
      const second = await start({ saml: true, dataDir })
      expect(second.saml!.configurationId).toBe(id)
      expect(second.saml!.certificate).not.toBe(first.saml!.certificate)
      const { config_template: t } = await ok('sso.get_provider_configuration_template', { id }, second)
      const value = (name: string) => t.sections.flatMap((s: { fields: Array<{ name: string; value?: unknown }> }) => s.fields).find((x: { name: string }) => x.name === name)?.value
      expect(value('idp_metadata')).toBe(second.saml!.metadata)
      expect(value('acs_url')).toBe(`${second.url}/callback_saml`)
      expect(value('claim_user_id')).toBe('email')
      const configurations = (await ok('sso.get_provider_configurations', {}, second)).configurations as Array<{ display_name: string }>
      expect(configurations.filter((c) => c.display_name === 'Demo SAML (loopback)')).toHaveLength(1)
      await second.close()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
