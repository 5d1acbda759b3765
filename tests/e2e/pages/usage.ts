/// <reference lib="dom" />
// Page helpers for the Usage & Billing section (features/usage).
import { expect, type Locator, type Page } from '@playwright/test'

export function metricCard(page: Page, name: string): Locator {
  return page.getByTestId(`usage-metric-${name}`)
}

/** How many pixels of a card's chart canvas are painted (0 = nothing drawn). */
export async function paintedPixels(card: Locator): Promise<number> {
  const canvas = card.getByTestId('usage-metric-chart').locator('canvas').first()
  await expect(canvas).toBeVisible()
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d')
    if (!ctx) return 0
    const { data } = ctx.getImageData(0, 0, c.width, c.height)
    let n = 0
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++
    return n
  })
}

/** Open a card's "Daily figures" table and return its rows as [day, this period, previous day, previous period]. */
export async function dailyFigures(card: Locator): Promise<string[][]> {
  const table = card.getByTestId('usage-metric-days')
  if (!(await table.isVisible())) await card.getByTestId('usage-metric-days-toggle').click()
  await expect(table).toBeVisible()
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())))
}

/** Choose a Report Period preset by its label ("Last 7 days"…) in the picker `testid`. */
export async function choosePeriod(page: Page, label: string, testid = 'usage-period') {
  await page.getByTestId(`${testid}-preset`).click()
  await page.locator('.n-base-select-option:visible').filter({ hasText: label }).first().click()
}
