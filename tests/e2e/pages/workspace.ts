// Page helpers for User Settings › Workspace (features/workspace): workspaces, API credentials, gateway tokens,
// invites and the personal configuration vault.
import { expect, type Locator, type Page } from '@playwright/test'

export async function openWorkspace(page: Page) {
  await page.getByTestId('nav-workspace').click()
  await expect(page.getByTestId('section-workspace')).toBeVisible()
}

export const credentialRows = (page: Page): Locator => page.getByTestId('credentials-table').getByTestId('credential-row')
export const credentialRow = (page: Page, text: string): Locator => credentialRows(page).filter({ hasText: text })

/** Open "Create new credentials", fill the label and (when given) the expiration in days, and submit. */
export async function createCredentials(page: Page, opts: { label?: string; days?: string; never?: boolean; submit?: boolean } = {}) {
  await page.getByTestId('credentials-create').click()
  await expect(page.getByTestId('create-credentials-dialog')).toBeVisible()
  if (opts.label !== undefined) await page.getByTestId('create-label').fill(opts.label)
  if (opts.never) await page.getByTestId('create-expire-never').click()
  if (opts.days !== undefined) {
    await page.getByTestId('create-expire-days').click()
    await page.getByTestId('create-expiration').fill(opts.days)
  }
  if (opts.submit ?? true) await page.getByTestId('create-submit').click()
}

export const newCredentialDialog = (page: Page) => page.getByTestId('new-credential-dialog')

export async function generateGatewayToken(page: Page, label: string, days: string) {
  await page.getByTestId('gateway-generate').click()
  await expect(page.getByTestId('gateway-dialog')).toBeVisible()
  await page.getByTestId('gateway-label-input').fill(label)
  await page.getByTestId('gateway-days').fill(days)
  await page.getByTestId('gateway-submit').click()
}

export async function invite(page: Page, email: string) {
  await page.getByTestId('invite-email').fill(email)
  await page.getByTestId('invite-add').click()
}
