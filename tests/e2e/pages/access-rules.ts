// Page helpers for Access Rules (features/access-rules): the rules table and its filters, the rule dialog (type,
// object picker, permission, assignees), and the effective-access explainer.
import { expect, type Locator, type Page } from '@playwright/test'
import type { Env } from '../fixtures'

export async function openAccessRules(page: Page, env: Env, query = '') {
  await env.open(page, `#/access-rules${query}`)
  await expect(page.getByTestId('section-access-rules')).toBeVisible()
}

export const ruleRows = (page: Page): Locator => page.getByTestId('rules').getByTestId('rule-row')
export const ruleRow = (page: Page, name: string): Locator =>
  ruleRows(page).filter({ has: page.getByTestId('rule-row-name').getByText(name, { exact: true }) })
export const ruleDialog = (page: Page) => page.getByTestId('rule-dialog')

/** Choose an option of a Naive select (opened by clicking it), by its visible text. */
export async function chooseOption(page: Page, select: Locator, text: string | RegExp) {
  await select.click()
  await page.locator('.n-base-select-option').filter({ hasText: text }).first().click()
}

/** In a remote, filterable select: type and choose the n-th option matching `text`. */
export async function searchAndChoose(page: Page, input: Locator, search: string, text: string | RegExp = search, nth = 0) {
  await input.click()
  await input.fill(search)
  const option = page.locator('.n-base-select-option').filter({ hasText: text }).nth(nth)
  await option.click()
}

export async function setView(page: Page, label: RegExp) {
  await chooseOption(page, page.getByTestId('rules-view'), label)
}
