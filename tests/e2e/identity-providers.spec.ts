// Identity Providers end to end: the demo seed's connection listed and toggled; the New Connection wizard refusing
// bad input at the field (malformed PEM, a key that is not the certificate's, a missing client id, a duplicate display
// name) and checking a SAML metadata file; Test Provider against a real loopback OpenID provider showing the mapped
// claims, and the provider's error with a wrong client secret.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { addConnection } from './pages/connections'
import { fieldError, fieldInput, fillField, idpRow, startNewConnection, testProvider } from './pages/identity-providers'
import { IDP_CLIENT, expect, test } from './identity-providers.fixture'

const SHOTS = '/tmp/shots-v2'
mkdirSync(SHOTS, { recursive: true })
const pki = (f: string) => readFileSync(join(import.meta.dirname, '../fixtures/pki', f), 'utf8')
const DEMO = 'Demo OIDC (loopback)'

test('lists the demo connection; the Active toggle and delete reach the server; offline shows the cache and refuses changes', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/identity-providers')
  const row = idpRow(page, DEMO)
  await expect(row).toBeVisible()
  await expect(row).toContainText('Custom')
  await expect(row).toContainText('OIDC')
  await expect(row.getByTestId('idp-active')).toHaveClass(/n-switch--active/)
  await page.screenshot({ path: `${SHOTS}/idp-list.png` })

  await row.getByTestId('idp-active').click()
  await expect(row.getByTestId('idp-active')).not.toHaveClass(/n-switch--active/)
  await expect.poll(async () => (await env.core.invoke('identityProviders.list', { refresh: true })).value.find((c) => c.displayName === DEMO)?.active).toBe(false)

  await env.stopServer()
  await expect(page.getByTestId('idp-cached')).toContainText('cached as of', { timeout: 20_000 })
  await expect(page.getByTestId('idp-cached')).toContainText('Changes need the server')
  await expect(row.getByTestId('idp-active')).toHaveClass(/n-switch--disabled/)
  await expect(page.getByTestId('idp-new')).toBeDisabled()
  await page.screenshot({ path: `${SHOTS}/idp-offline.png` })
  await env.startServerAgain()
  await expect(page.getByTestId('idp-cached')).toHaveCount(0, { timeout: 20_000 })

  await row.getByTestId('idp-delete').click()
  await page.getByRole('button', { name: 'Delete', exact: true }).click()
  await expect(row).toHaveCount(0)
})

test('SAML wizard: malformed PEM and a key that is not the certificate’s are refused at the field; the metadata file is checked; display names are unique', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/identity-providers')
  const wizard = await startNewConnection(page, 'saml', 'saml', `${SHOTS}/idp-wizard-choose.png`)
  // the ACS URL follows the WebApp URL, without `//`
  await fillField(wizard, 'webapp_url', 'https://clearml.example.com/')
  await expect(fieldInput(wizard, 'acs_url')).toHaveValue('https://clearml.example.com/callback_saml')

  await fillField(wizard, 'display_name', 'demo oidc (LOOPBACK)')
  await expect(fieldError(wizard, 'display_name')).toContainText('Another connection has this display name')
  await fillField(wizard, 'display_name', 'Corporate SAML')
  await expect(fieldError(wizard, 'display_name')).toHaveCount(0)

  const metadata = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example/saml">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${pki('idp-cert.pem').replace(/-----[A-Z ]+-----|\s/g, '')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`
  await wizard.getByTestId('idp-metadata-file').setInputFiles({ name: 'idp.xml', mimeType: 'application/xml', buffer: Buffer.from(metadata.replace(/<md:KeyDescriptor[\s\S]*?<\/md:KeyDescriptor>/, '')) })
  await expect(fieldError(wizard, 'idp_metadata')).toContainText('no signing certificate')
  await wizard.getByTestId('idp-metadata-file').setInputFiles({ name: 'idp.xml', mimeType: 'application/xml', buffer: Buffer.from(metadata) })
  await expect(wizard.getByTestId('idp-ok-idp_metadata')).toContainText('Entity ID https://idp.example/saml')
  await expect(wizard.getByTestId('idp-ok-idp_metadata')).toContainText('idp.example')

  await wizard.getByTestId('idp-field-sign_requests').getByRole('switch').click()
  const cert = pki('sp-cert.pem')
  await fillField(wizard, 'sp_certificate', cert.replace(/[A-Za-z]{20}/, 'AAAAAAAAAAAAAAAAAAA!'))
  await expect(fieldError(wizard, 'sp_certificate')).toContainText('Malformed PEM certificate')
  await fillField(wizard, 'sp_certificate', cert)
  await expect(fieldError(wizard, 'sp_certificate')).toHaveCount(0)
  await expect(wizard.getByTestId('idp-ok-sp_certificate')).toContainText('clearml-console-test-sp')
  await fillField(wizard, 'sp_private_key', pki('other-key.pem'))
  await expect(fieldError(wizard, 'sp_private_key')).toContainText('does not match the certificate')
  await expect(wizard.getByTestId('idp-save')).toBeDisabled()
  await page.screenshot({ path: `${SHOTS}/idp-saml-key-mismatch.png` })
  await fillField(wizard, 'sp_private_key', '-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n')
  await expect(fieldError(wizard, 'sp_private_key')).toContainText('Malformed PEM private key')
  await fillField(wizard, 'sp_private_key', pki('sp-key.pem'))
  await expect(fieldError(wizard, 'sp_private_key')).toHaveCount(0)
  await expect(wizard.getByTestId('idp-ok-sp_private_key')).toContainText('matches the certificate')

  await fillField(wizard, 'entity_id', 'https://clearml.example.com/saml')
  await wizard.getByTestId('idp-save').click()
  await expect(page.getByTestId('idp-wizard')).toHaveCount(0)
  await expect(idpRow(page, 'Corporate SAML')).toContainText('SAML')
  // the private key went to the server and never comes back
  const id = await idpRow(page, 'Corporate SAML').getAttribute('data-idp-id')
  const t = await env.core.invoke('identityProviders.template', { id: id! })
  const keyField = t.sections.flatMap((s) => s.fields).find((f) => f.name === 'sp_private_key')!
  expect(keyField).toMatchObject({ set: true })
  expect(JSON.stringify(t)).not.toContain('PRIVATE KEY')
})

test('OIDC wizard: a missing client id is refused at the field; discovery fills the endpoints; Test Provider shows the mapped claims', async ({ page, env, idp }) => {
  await addConnection(env)
  await env.open(page, '#/identity-providers')
  const wizard = await startNewConnection(page, 'oidc', 'oidc')
  await expect(fieldInput(wizard, 'callback_url')).toHaveValue(`${env.server.url}/callback_oidc`)
  await fillField(wizard, 'display_name', 'Loopback IdP')
  await fillField(wizard, 'client_id', '')
  await expect(fieldError(wizard, 'client_id')).toHaveText('Client ID is required')
  await expect(wizard.getByTestId('idp-save')).toBeDisabled()
  await page.screenshot({ path: `${SHOTS}/idp-oidc-missing-client-id.png` })
  await fillField(wizard, 'client_id', IDP_CLIENT.client_id)
  await expect(fieldError(wizard, 'client_id')).toHaveCount(0)
  await fillField(wizard, 'client_secret', IDP_CLIENT.client_secret)

  await fillField(wizard, 'well_known_url', idp.discoveryUrl)
  await wizard.getByTestId('idp-fetch-well-known').click()
  await expect(wizard.getByTestId('idp-ok-well_known_url')).toContainText('Filled')
  await expect(fieldInput(wizard, 'token_endpoint')).toHaveValue(`${idp.issuer}/token`)
  await expect(fieldInput(wizard, 'jwks_uri')).toHaveValue(`${idp.issuer}/jwks`)
  await fillField(wizard, 'additional_scopes', 'groups')
  // group synchronisation: one provider group mapped to two ClearML groups
  await wizard.getByTestId('idp-field-group_sync').getByRole('switch').click()
  await wizard.getByTestId('idp-add-group_mapping').click()
  const mapping = wizard.getByTestId('idp-group-mapping').first()
  await mapping.getByPlaceholder('Provider group').fill('auditors')
  await mapping.locator('.n-base-selection').click()
  await page.locator('.n-base-select-option').filter({ hasText: 'ML Team' }).click()
  await page.locator('.n-base-select-option').filter({ hasText: 'Platform Team' }).click()
  await page.keyboard.press('Escape')
  await expect(mapping.locator('.n-base-selection')).toContainText('ML Team')
  await expect(mapping.locator('.n-base-selection')).toContainText('Platform Team')

  await testProvider(page, wizard, /Erin Example/)
  await expect(wizard.getByTestId('idp-test-ok')).toBeVisible()
  await expect(wizard.getByTestId('idp-test-mapped-userId')).toHaveText('erin')
  await expect(wizard.getByTestId('idp-test-mapped-email')).toHaveText('erin@idp.example')
  await expect(wizard.getByTestId('idp-test-mapped-name')).toHaveText('Erin Example')
  await expect(wizard.getByTestId('idp-test-mapped-groups')).toContainText('ml-team')
  await expect(wizard.getByTestId('idp-test-mapped-groups')).toContainText('auditors')
  await expect(wizard.getByTestId('idp-test-group-sync')).toContainText('auditors → ML Team, Platform Team')
  await wizard.getByTestId('idp-test-result').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SHOTS}/idp-test-ok.png` })

  await wizard.getByTestId('idp-save').click()
  await expect(page.getByTestId('idp-wizard')).toHaveCount(0)
  await expect(idpRow(page, 'Loopback IdP')).toContainText('Custom')
  const saved = await env.core.invoke('identityProviders.template', { id: (await idpRow(page, 'Loopback IdP').getAttribute('data-idp-id'))! })
  const values = Object.fromEntries(saved.sections.flatMap((s) => s.fields).map((f) => [f.name, f]))
  expect(values.client_secret).toMatchObject({ set: true })
  expect((values.group_mapping.value as Array<{ idp_group: string; clearml_groups: string[] }>)[0]).toMatchObject({ idp_group: 'auditors', clearml_groups: [expect.any(String), expect.any(String)] })
})

test('Test Provider with a wrong client secret shows the provider’s error; the stored secret shows as set', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/identity-providers')
  await idpRow(page, DEMO).getByTestId('idp-edit').click()
  const wizard = page.getByTestId('idp-wizard')
  await expect(wizard.getByTestId('idp-secret-set-client_secret')).toHaveText('set')
  await expect(fieldInput(wizard, 'client_secret')).toHaveValue('')
  await fillField(wizard, 'client_secret', 'not-the-right-secret')
  await testProvider(page, wizard, /Alice Smith/)
  await expect(wizard.getByTestId('idp-test-error')).toContainText('invalid_client')
  await expect(wizard.getByTestId('idp-test-mapped')).toHaveCount(0)
  await wizard.getByTestId('idp-test-result').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SHOTS}/idp-test-wrong-secret.png` })
})

test('a non-administrator is told the list is for administrators, not shown an empty table', async ({ page, env }) => {
  const alice = env.server.seed!.member
  await env.core.invoke('connections.create', { name: 'Alice', apiUrl: env.server.url, accessKey: alice.accessKey, secretKey: alice.secretKey, activate: true })
  await env.open(page, '#/identity-providers')
  await expect(page.getByTestId('idp-not-admin')).toContainText('Only administrators can see and change the identity providers')
  await expect(page.getByTestId('idp-table')).toHaveCount(0)
  await expect(page.getByTestId('idp-new')).toBeDisabled()
  // the server itself refuses the data, not just the screen
  await expect(env.core.invoke('identityProviders.list', { refresh: true })).rejects.toMatchObject({ code: 'forbidden' })
})
