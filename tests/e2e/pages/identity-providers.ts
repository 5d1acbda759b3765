/// <reference lib="dom" />
// Page helpers for the Identity Providers section (features/identity-providers).
import { expect, type Locator, type Page } from '@playwright/test'

export function idpRow(page: Page, name: string): Locator {
  return page.getByTestId('idp-row').filter({ has: page.getByTestId('idp-row-name').getByText(name, { exact: true }) })
}

/** New Connection → protocol → provider → Next: the server's form is shown. */
export async function startNewConnection(page: Page, protocol: 'oidc' | 'saml', provider: string, screenshot?: string) {
  await page.getByTestId('idp-new').click()
  const wizard = page.getByTestId('idp-wizard')
  await wizard.getByTestId(`idp-protocol-${protocol}`).click()
  await wizard.getByTestId(`idp-provider-${provider}`).click()
  if (screenshot) await page.screenshot({ path: screenshot })
  await wizard.getByTestId('idp-next').click()
  await expect(wizard.getByTestId('idp-form')).toBeVisible()
  return wizard
}

/** A form field's text input (input or textarea). */
export function fieldInput(wizard: Locator, name: string): Locator {
  return wizard.getByTestId(`idp-field-${name}`).locator('input:not([type=file]), textarea').first()
}

/** Fill a field and leave it (the checks run on blur). */
export async function fillField(wizard: Locator, name: string, value: string) {
  const input = fieldInput(wizard, name)
  await input.fill(value)
  await input.blur()
}

export function fieldError(wizard: Locator, name: string): Locator {
  return wizard.getByTestId(`idp-error-${name}`)
}

/** Test Provider: the provider's sign-in page opens in a popup; pick the user there; the result shows in the form. */
export async function testProvider(page: Page, wizard: Locator, userButton: RegExp) {
  const popupPromise = page.waitForEvent('popup')
  await wizard.getByTestId('idp-test').click()
  const popup = await popupPromise
  await popup.getByRole('button', { name: userButton }).click()
  await expect(wizard.getByTestId('idp-test-result')).toBeVisible({ timeout: 15_000 })
}

/** Upload an IdP metadata file into the SAML form (the form reads and checks it). */
export async function uploadMetadata(wizard: Locator, xml: string) {
  await wizard.getByTestId('idp-metadata-file').setInputFiles({ name: 'idp-metadata.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) })
}
