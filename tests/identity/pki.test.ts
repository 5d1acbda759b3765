// The certificate/key checks (core, node:crypto) and the SAML IdP metadata checks, on fixture PEMs.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkMetadata, checkPki } from '../../electron/core/identity-providers/pki'
import { callbackUrl, configurationToSend, fieldProblem, joinUrl, parseIdpMetadata, type SsoTemplateField } from '../../shared/domain/identity-providers'

const pki = (f: string) => readFileSync(join(import.meta.dirname, '../fixtures/pki', f), 'utf8')
const cert = pki('sp-cert.pem')
const key = pki('sp-key.pem')
const other = pki('other-key.pem')
const idpCertB64 = pki('idp-cert.pem').replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')

const metadata = (certB64: string | null, sso = 'https://idp.example/sso?a=1&amp;b=2') => `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example/saml">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${certB64 === null ? '' : `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certB64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`}
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${sso}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`

describe('PEM checks', () => {
  it('accepts a certificate and its key as a pair', () => {
    const r = checkPki({ certificate: cert, privateKey: key })
    expect(r.certificate).toMatchObject({ ok: true, subject: expect.stringContaining('clearml-console-test-sp') })
    expect(r.privateKey?.ok).toBe(true)
    expect(r.pair).toEqual({ ok: true, message: 'The private key matches the certificate' })
  })
  it('refuses a key that does not match its certificate', () => {
    const r = checkPki({ certificate: cert, privateKey: other })
    expect(r.certificate?.ok).toBe(true)
    expect(r.privateKey?.ok).toBe(true)
    expect(r.pair).toMatchObject({ ok: false, message: expect.stringMatching(/does not match/) })
  })
  it('refuses malformed PEM, and a PEM of the wrong kind, with the reason', () => {
    const broken = cert.replace(/[A-Za-z]{20}/, 'AAAAAAAAAAAAAAAAAAAA!')
    expect(checkPki({ certificate: broken }).certificate).toMatchObject({ ok: false, message: expect.stringMatching(/Malformed PEM certificate/) })
    expect(checkPki({ certificate: 'hello' }).certificate).toMatchObject({ ok: false, message: expect.stringMatching(/Not a PEM certificate/) })
    expect(checkPki({ certificate: key }).certificate).toMatchObject({ ok: false, message: expect.stringMatching(/not a certificate/) })
    expect(checkPki({ privateKey: cert }).privateKey).toMatchObject({ ok: false, message: expect.stringMatching(/not a private key/) })
    expect(checkPki({ privateKey: key.slice(0, 200) + key.slice(400) }).privateKey).toMatchObject({ ok: false, message: expect.stringMatching(/Malformed PEM private key/) })
    expect(checkPki({ certificate: broken, privateKey: key }).pair).toBeNull()
  })
  it('refuses an expired certificate', () => {
    const r = checkPki({ certificate: cert }, Date.parse('2300-01-01'))
    expect(r.certificate).toMatchObject({ ok: false, message: expect.stringMatching(/expired/) })
  })
  it('never echoes key material in its messages', () => {
    const r = checkPki({ certificate: cert, privateKey: other })
    const body = other.split('\n')[1]
    expect(JSON.stringify(r)).not.toContain(body.slice(0, 20))
  })
})

describe('IdP metadata', () => {
  it('reads the entity id, the HTTP-Redirect SSO URL and a valid signing certificate', () => {
    const r = checkMetadata(metadata(idpCertB64))
    expect(r).toMatchObject({ ok: true, entityId: 'https://idp.example/saml', ssoUrl: 'https://idp.example/sso?a=1&b=2', problems: [] })
    expect(r.certificate).toMatchObject({ ok: true, subject: expect.stringContaining('idp.example') })
  })
  it('reports a missing or broken signing certificate, a missing SSO service, and non-XML', () => {
    expect(checkMetadata(metadata(null)).problems).toEqual([expect.stringMatching(/no signing certificate/)])
    const broken = checkMetadata(metadata('MIIBnotacert'))
    expect(broken.ok).toBe(false)
    expect(broken.problems[0]).toMatch(/Signing certificate: Malformed PEM certificate/)
    expect(parseIdpMetadata(metadata(idpCertB64).replace(/<md:SingleSignOnService[^>]*>/g, '')).problems).toEqual([expect.stringMatching(/SingleSignOnService/)])
    expect(checkMetadata('not xml').problems).toEqual(['The metadata is not an XML document'])
  })
})

describe('form model', () => {
  const f = (name: string, extra: Partial<SsoTemplateField> = {}): SsoTemplateField => ({
    name, type: 'string', label: name, required: false, requiredIf: null, secret: false, readonly: false, help: null, options: null, default: null, ...extra
  })
  it('joins the callback URL without //', () => {
    expect(callbackUrl('https://app.example.com/', 'okta')).toBe('https://app.example.com/callback_okta')
    expect(callbackUrl('https://app.example.com//clearml//', 'saml')).toBe('https://app.example.com//clearml/callback_saml')
    expect(joinUrl('http://h:8080', '/x')).toBe('http://h:8080/x')
  })
  it('refuses a missing client id, a duplicate display name, and keeps a stored secret', () => {
    const ctx = { values: { client_id: ' ', display_name: 'Okta', client_secret: '' }, otherNames: ['OKTA '], storedSecrets: new Set(['client_secret']) }
    expect(fieldProblem(f('client_id', { label: 'Client ID', required: true }), ctx)).toBe('Client ID is required')
    expect(fieldProblem(f('display_name', { required: true }), ctx)).toMatch(/display names must be unique/)
    expect(fieldProblem(f('client_secret', { type: 'secret', secret: true, required: true }), ctx)).toBeNull()
    expect(fieldProblem(f('client_secret', { type: 'secret', secret: true, required: true }), { ...ctx, storedSecrets: new Set() })).toMatch(/required/)
    expect(fieldProblem(f('jwks_uri', { type: 'url', requiredIf: { field: 'v', value: true } }), { ...ctx, values: { v: true } })).toMatch(/required/)
  })
  it('sends no readonly field and no empty secret', () => {
    const t = { id: 'c1', sections: [{ name: 's', label: 's', fields: [f('callback_url', { readonly: true, type: 'url' }), f('client_secret', { type: 'secret', secret: true }), f('scopes')] }] }
    expect(configurationToSend(t, { callback_url: 'x', client_secret: '', scopes: 'openid' })).toEqual({ id: 'c1', scopes: 'openid' })
  })
})

describe('isHttpUrl', () => {
  it('accepts http(s) URLs with a host and refuses the rest', async () => {
    const { isHttpUrl } = await import('../../shared/domain/identity-providers')
    for (const ok of ['http://127.0.0.1:8080', 'https://idp.example/a/b?c=d#e', 'https://[::1]:9/x', 'HTTPS://Example.com']) expect(isHttpUrl(ok), ok).toBe(true)
    for (const bad of ['ftp://x', 'https://', 'idp.example', 'javascript:alert(1)', 'https://a b', 'http://user@host/']) expect(isHttpUrl(bad), bad).toBe(false)
  })
})
