// Identity Providers, SAML end to end: Test Provider on a SAML connection against a real SAML 2.0 IdP on loopback
// (server/src/saml-idp.ts, samlify). The IdP's sign-in opens in a popup; the IdP POSTs its signed SAMLResponse to the
// ACS URL (the reference server's /callback_saml), whose page hands the fields to the console; the console finishes the
// run (login.test_sso_callback) and shows the mapped claims, or the reason the response was refused.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { addConnection } from './pages/connections'
import { fieldInput, fillField, idpRow, startNewConnection, testProvider, uploadMetadata } from './pages/identity-providers'
import { expect, samlTest as test } from './identity-providers.fixture'

const SHOTS = '/tmp/shots-v2'
mkdirSync(SHOTS, { recursive: true })
const DEMO_SAML = 'Demo SAML (loopback)'
const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '')

test('SAML wizard: the IdP metadata file is checked; Test Provider signs in at the IdP and shows the mapped claims', async ({ page, env, samlIdp }) => {
  await addConnection(env)
  await env.open(page, '#/identity-providers')
  const wizard = await startNewConnection(page, 'saml', 'saml')
  await expect(fieldInput(wizard, 'acs_url')).toHaveValue(`${env.server.url}/callback_saml`)
  await fillField(wizard, 'display_name', 'Loopback SAML')
  await fillField(wizard, 'entity_id', 'https://clearml.example.com/saml')
  await uploadMetadata(wizard, samlIdp.metadata)
  await expect(wizard.getByTestId('idp-ok-idp_metadata')).toContainText(`Entity ID ${samlIdp.entityId}`)

  await testProvider(page, wizard, /Erin Example/)
  await expect(wizard.getByTestId('idp-test-ok')).toBeVisible()
  await expect(wizard.getByTestId('idp-test-mapped-userId')).toHaveText('erin')
  await expect(wizard.getByTestId('idp-test-mapped-email')).toHaveText('erin@idp.example')
  await expect(wizard.getByTestId('idp-test-mapped-name')).toHaveText('Erin Example')
  await expect(wizard.getByTestId('idp-test-mapped-givenName')).toHaveText('Erin')
  await expect(wizard.getByTestId('idp-test-mapped-familyName')).toHaveText('Example')
  await expect(wizard.getByTestId('idp-test-mapped-groups')).toContainText('ml-team')
  await expect(wizard.getByTestId('idp-test-mapped-groups')).toContainText('auditors')
  await wizard.getByTestId('idp-test-result').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SHOTS}/idp-saml-test-ok.png` })

  await wizard.getByTestId('idp-save').click()
  await expect(page.getByTestId('idp-wizard')).toHaveCount(0)
  await expect(idpRow(page, 'Loopback SAML')).toContainText('SAML')
})

test('Test Provider on the demo SAML connection with the wrong certificate in the metadata shows the signature error', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/identity-providers')
  await idpRow(page, DEMO_SAML).getByTestId('idp-edit').click()
  const wizard = page.getByTestId('idp-wizard')
  await expect(fieldInput(wizard, 'idp_metadata')).toHaveValue(env.server.saml!.metadata)
  // the same IdP, but the metadata names another certificate (a test fixture) than the one it signs with
  const other = readFileSync(join(import.meta.dirname, '../fixtures/pki/idp-cert.pem'), 'utf8')
  await uploadMetadata(wizard, env.server.saml!.metadata.replace(pemBody(env.server.saml!.certificate), pemBody(other)))
  await expect(wizard.getByTestId('idp-ok-idp_metadata')).toContainText('idp.example')

  await testProvider(page, wizard, /Dana Lee/)
  await expect(wizard.getByTestId('idp-test-error')).toContainText('the assertion signature does not match the IdP certificate')
  await expect(wizard.getByTestId('idp-test-mapped')).toHaveCount(0)
  await wizard.getByTestId('idp-test-result').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SHOTS}/idp-saml-test-wrong-certificate.png` })
})

test('where no window can be opened (desktop shell), the callback URL shown by the ACS page can be pasted', async ({ page, env }) => {
  // the desktop shell denies new windows: window.open gives nothing
  await page.addInitScript(() => {
    window.open = () => null
  })
  await addConnection(env)
  await env.open(page, '#/identity-providers')
  await idpRow(page, DEMO_SAML).getByTestId('idp-edit').click()
  const wizard = page.getByTestId('idp-wizard')
  await wizard.getByTestId('idp-test').click()
  const signIn = wizard.getByTestId('idp-test-open')
  await expect(signIn).toBeVisible()
  await expect(wizard.getByTestId('idp-test-waiting')).toContainText(`${env.server.url}/callback_saml`)

  // the sign-in in another browser window: the IdP POSTs to the ACS URL, whose page shows the URL to paste
  const browser = await page.context().newPage()
  await browser.goto((await signIn.getAttribute('href'))!)
  await browser.getByRole('button', { name: /Dana Lee/ }).click()
  const shown = browser.getByRole('textbox', { name: 'Callback URL with the arguments' })
  await expect(shown).toHaveValue(/\/callback_saml\?SAMLResponse=.+&RelayState=/)
  await expect(browser.getByRole('heading', { name: 'Identity provider callback' })).toBeVisible()
  const url = await shown.inputValue()
  await browser.screenshot({ path: `${SHOTS}/idp-saml-callback-page.png` })
  await browser.close()

  await wizard.getByTestId('idp-test-paste').locator('input').fill(url)
  await wizard.getByTestId('idp-test-paste-go').click()
  await expect(wizard.getByTestId('idp-test-ok')).toBeVisible()
  await expect(wizard.getByTestId('idp-test-mapped-userId')).toHaveText('dana')
  await expect(wizard.getByTestId('idp-test-group-sync')).toContainText('platform → Platform Team')
})
