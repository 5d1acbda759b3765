/// <reference lib="dom" />
// Page helpers for the vault screens (features/vaults) and the review dialog (features/drafts).
import { expect, type Page } from '@playwright/test'
import { monacoText } from './monaco'

export async function openAdminVaults(page: Page) {
  await page.getByTestId('nav-admin-vaults').click()
  await expect(page.getByTestId('section-admin-vaults')).toBeVisible()
}

/** Start a new vault from the list and name it. */
export async function addVault(page: Page, name: string) {
  await page.getByTestId('vault-add').click()
  await expect(page.getByTestId('vault-editor')).toBeVisible()
  await page.getByTestId('vault-name').fill(name)
}

/** Replace the vault editor's text (Monaco wants insertText; typing drops spaces). */
export async function setVaultText(page: Page, text: string) {
  await page.getByTestId('vault-editor').locator('.monaco-editor .view-lines').click()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.press('Delete')
  await page.keyboard.insertText(text)
}

export async function waitSaved(page: Page) {
  await expect(page.getByTestId('vault-save-state')).toContainText('Draft saved', { timeout: 5000 })
}

/** The editor's text as Monaco renders it. */
export async function vaultText(page: Page): Promise<string> {
  return monacoText(page.getByTestId('vault-editor'))
}

/** Open the review dialog from the editor and provision everything it plans. */
export async function provision(page: Page) {
  await page.getByTestId('vault-review').click()
  const dialog = page.getByTestId('plan-dialog')
  await expect(dialog.getByTestId('plan-item').first()).toBeVisible()
  await dialog.getByTestId('plan-apply').click()
  await expect(dialog.getByTestId('plan-result').first()).toBeVisible({ timeout: 15000 })
  return dialog
}
