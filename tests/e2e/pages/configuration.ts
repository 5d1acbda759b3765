// Page helpers for User Settings › Configuration (features/configuration) and its Storage Cleanup tab
// (features/storage).
import { expect, type Locator, type Page } from '@playwright/test'

export async function openConfiguration(page: Page) {
  await page.getByTestId('nav-configuration').click()
  await expect(page.getByTestId('section-configuration')).toBeVisible()
  await expect(page.getByTestId('prefs')).toBeVisible()
}

/** A preference's switch ("showHidden", "disableHidpi", …). */
export const preferenceSwitch = (page: Page, key: string): Locator => page.getByTestId(`pref-${key}-switch`)

export async function expectPreference(page: Page, key: string, on: boolean) {
  await expect(preferenceSwitch(page, key)).toHaveAttribute('data-checked', on ? 'true' : 'false')
}

/** Click a preference's switch and wait until it stops saving. */
export async function togglePreference(page: Page, key: string) {
  await preferenceSwitch(page, key).click()
  await expect(preferenceSwitch(page, key)).not.toHaveClass(/n-switch--loading/)
}

export const redactedDialog = (page: Page) => page.getByTestId('redacted-dialog')

export async function openRedactedArguments(page: Page) {
  await page.getByTestId('pref-redacted-edit').click()
  await expect(redactedDialog(page)).toBeVisible()
}

export const cloudRow = (page: Page, bucket: string): Locator =>
  page.getByTestId('cloud-row').filter({ has: page.getByTestId('cloud-row-bucket').getByText(bucket, { exact: true }) })

/** Open the add dialog and fill what is given (undefined fields are left as they are). */
export async function fillCloudAccess(page: Page, v: { bucket?: string; key?: string; secret?: string; token?: string; region?: string; endpoint?: string }) {
  const dialog = page.getByTestId('cloud-dialog')
  await expect(dialog).toBeVisible()
  if (v.bucket !== undefined) await page.getByTestId('cloud-bucket').fill(v.bucket)
  if (v.key !== undefined) await page.getByTestId('cloud-key').fill(v.key)
  if (v.secret !== undefined) await page.getByTestId('cloud-secret').fill(v.secret)
  if (v.token !== undefined) await page.getByTestId('cloud-token').fill(v.token)
  if (v.region !== undefined) await page.getByTestId('cloud-region').fill(v.region)
  if (v.endpoint !== undefined) await page.getByTestId('cloud-endpoint').fill(v.endpoint)
}

export async function addCloudAccess(page: Page, v: Parameters<typeof fillCloudAccess>[1]) {
  await page.getByTestId('cloud-add').click()
  await fillCloudAccess(page, v)
  await page.getByTestId('cloud-save').click()
}

// ---- Storage Cleanup
export async function openStorageCleanup(page: Page) {
  await page.getByTestId('configuration-tab-storage').click()
  await expect(page.getByTestId('storage-cleanup')).toBeVisible()
}

export async function openStorageProvider(page: Page, provider: 'aws' | 'google' | 'azure') {
  await page.getByTestId(`storage-tile-${provider}`).click()
  await expect(page.getByTestId(`storage-form-${provider}`)).toBeVisible()
}

/** A field's message (its `…-field-error` element) inside the n-th entry, or the defaults when index is null. */
export function storageFieldError(page: Page, field: string, entry: { kind: string; index: number } | null = null): Locator {
  const scope = entry ? page.getByTestId(entry.kind).nth(entry.index) : page.getByTestId(/-fields$/)
  return scope.getByTestId(`${field}-field-error`)
}
