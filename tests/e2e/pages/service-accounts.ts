// Page helpers for Users & Groups › Service accounts (features/users-groups/ServiceAccount*.vue): the table, the
// add dialog, and an account's details panel.
import { expect, type Locator, type Page } from '@playwright/test'
import type { Env } from '../fixtures'

export async function openServiceAccounts(page: Page, env: Env, account?: string) {
  await env.open(page, `#/users-groups?tab=service-accounts${account ? `&account=${account}` : ''}`)
  await expect(page.getByTestId('service-accounts-panel')).toBeVisible()
}

export const accountRows = (page: Page): Locator => page.getByTestId('service-accounts').getByTestId('service-account-row')
export const accountRow = (page: Page, name: string): Locator =>
  accountRows(page).filter({ has: page.getByTestId('service-account-name').getByText(name, { exact: true }) })

export const accountDialog = (page: Page) => page.getByTestId('service-account-dialog')
export const details = (page: Page) => page.getByTestId('service-account-details')
export const banner = (page: Page) => page.getByTestId('service-accounts-expiring')

/** Open the add dialog, fill the name (and the options given), and (by default) save. */
export async function addAccount(page: Page, name: string, opts: { impersonation?: boolean; days?: string; save?: boolean } = {}) {
  if (!(await accountDialog(page).isVisible())) await page.getByTestId('service-account-add').click()
  await expect(accountDialog(page)).toBeVisible()
  await page.getByTestId('service-account-name-input').fill(name)
  if (opts.impersonation) await page.getByTestId('service-account-impersonation').click()
  if (opts.days !== undefined) await page.getByTestId('service-account-expiry').fill(opts.days)
  if (opts.save ?? true) await page.getByTestId('service-account-save').click()
}

/** The open details panel's credentials rows. */
export const panelKeys = (page: Page): Locator => details(page).getByTestId('service-account-credentials').getByTestId('credential-row')

/** In the open panel: create credentials with a label and an expiry in days. */
export async function createAccountKey(page: Page, label: string, days: string) {
  await details(page).getByTestId('service-account-credentials-create').click()
  await expect(page.getByTestId('create-credentials-dialog')).toBeVisible()
  await page.getByTestId('create-label').fill(label)
  await page.getByTestId('create-expiration').fill(days)
  await page.getByTestId('create-submit').click()
}
