// Page helpers for Users & Groups (features/users-groups): the users table (search, invite, remove, role) and the
// user groups (add, edit with the member picker, delete).
import { expect, type Locator, type Page } from '@playwright/test'
import type { Env } from '../fixtures'

export async function openUsers(page: Page, env: Env) {
  await env.open(page, '#/users-groups')
  await expect(page.getByTestId('section-users-groups')).toBeVisible()
}

export async function openGroups(page: Page, env: Env) {
  await env.open(page, '#/users-groups?tab=groups')
  await expect(page.getByTestId('groups-panel')).toBeVisible()
}

export const userRows = (page: Page): Locator => page.getByTestId('users').getByTestId('user-row')
export const userRow = (page: Page, text: string): Locator => userRows(page).filter({ hasText: text })
export const groupRows = (page: Page): Locator => page.getByTestId('groups').getByTestId('group-row')
export const groupRow = (page: Page, name: string): Locator =>
  groupRows(page).filter({ has: page.getByTestId('group-row-name').getByText(name, { exact: true }) })

export async function searchUsers(page: Page, text: string) {
  await page.getByTestId('users-search').fill(text)
}

export async function inviteUser(page: Page, email: string) {
  await page.getByTestId('users-invite-email').fill(email)
  await page.getByTestId('users-invite-add').click()
}

/** In the open group dialog: type into the member picker and choose the first option matching `text`. */
export async function addMember(page: Page, text: string) {
  const picker = page.getByTestId('group-member-picker')
  await picker.click()
  await picker.fill(text)
  const option = page.locator('.n-base-select-option').filter({ hasText: text }).first()
  await option.click()
}

export const groupDialog = (page: Page) => page.getByTestId('group-dialog')
