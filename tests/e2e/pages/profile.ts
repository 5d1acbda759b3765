// Page helpers for the Profile screen (features/profile).
import { expect, type Page } from '@playwright/test'

export async function openProfile(page: Page) {
  await page.getByTestId('nav-profile').click()
  await expect(page.getByTestId('section-profile')).toBeVisible()
}

/** Start an inline rename and type the new name; `submit` presses Enter. */
export async function renameProfile(page: Page, name: string, opts: { submit?: boolean } = { submit: true }) {
  await page.getByTestId('profile-rename').click()
  await page.getByTestId('profile-name-input').fill(name)
  if (opts.submit) await page.getByTestId('profile-name-input').press('Enter')
}
