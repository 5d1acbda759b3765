// Usage & Billing end to end against the reference server's deterministic usage (demo seed): each metric plotted on a
// canvas against the previous period, with its trend and a text alternative listing the figures; the report period
// changing the figures; View Period Details breaking a metric down by label with totals; the Usage/Cost toggle; offline,
// the cached figures with their age; an open-source server explaining what is unavailable and why.
import { mkdirSync } from 'node:fs'
import { addConnection } from './pages/connections'
import { choosePeriod, dailyFigures, metricCard, paintedPixels } from './pages/usage'
import { disposeEnv, expect, makeEnv, test } from './fixtures'

const SHOTS = '/tmp/shots-usage'
mkdirSync(SHOTS, { recursive: true })
const number = (s: string) => Number.parseFloat(s.replace(/[^0-9.-]/g, ''))

test('plots each metric against the previous period with a tooltip and a text alternative; the period changes the figures', async ({ page, env }) => {
  await page.setViewportSize({ width: 1400, height: 1000 })
  await addConnection(env)
  await env.open(page, '#/usage-billing')
  const compute = metricCard(page, 'cluster_compute')
  await expect(compute.getByTestId('usage-metric-figure')).toContainText('GPU hours', { timeout: 20_000 })
  for (const name of ['cluster_compute', 'storage', 'users', 'service_accounts', 'api_calls']) {
    await expect.poll(() => paintedPixels(metricCard(page, name))).toBeGreaterThan(500)
  }
  await expect(page.getByTestId('usage-cost-total')).toContainText('$')
  await expect(compute.getByTestId('usage-metric-trend')).toHaveText(/^[↑↓→]/)
  await expect(compute.getByTestId('usage-metric-summary')).toContainText('Cluster Compute: total')
  await expect(compute.getByTestId('usage-metric-summary')).toContainText('previous period')
  await expect(compute.getByTestId('usage-metric-chart')).toHaveAttribute('aria-label', /Cluster Compute: total .* GPU hours/)

  // the table lists the server's figures, day by day, for this period and the previous one
  const report = (await env.core.invoke('usage.report', { period: '30d' })).value
  const cc = report.current.series.find((s) => s.name === 'cluster_compute')!
  const ccBefore = report.previous.series.find((s) => s.name === 'cluster_compute')!
  const month = await dailyFigures(compute)
  expect(month).toHaveLength(30)
  expect(number(month[29][1])).toBeCloseTo(cc.usages[29], 1)
  expect(number(month[0][3])).toBeCloseTo(ccBefore.usages[0], 1)
  const monthFigure = await compute.getByTestId('usage-metric-figure').textContent()
  expect(number(monthFigure!)).toBeCloseTo(cc.totalUsage, 0)
  await page.screenshot({ path: `${SHOTS}/usage-30d.png`, fullPage: true })
  // the tooltip names both days and figures
  await compute.getByTestId('usage-metric-chart').hover()
  await expect(compute.getByText(/This period \(\w+ \d+\): [\d.,]+ GPU hours/)).toBeVisible()
  await expect(compute.getByText(/Previous period \(\w+ \d+\): [\d.,]+ GPU hours/)).toBeVisible()
  const box = await compute.getByTestId('usage-metric-chart').boundingBox()
  if (box) await page.screenshot({ path: `${SHOTS}/usage-tooltip.png`, clip: { x: box.x - 20, y: box.y - 60, width: box.width + 40, height: box.height + 80 } })

  // another period: other figures, kept in the address
  await choosePeriod(page, 'Last 7 days')
  await expect(page).toHaveURL(/period=7d/)
  await expect.poll(async () => (await dailyFigures(compute)).length).toBe(7)
  await expect(compute.getByTestId('usage-metric-figure')).not.toHaveText(monthFigure!)
  await expect(page.getByTestId('usage-period-hint')).toContainText('compared with')

  // a custom range starts from the period shown, and is kept in the address
  await choosePeriod(page, 'Custom range')
  await expect(page.getByTestId('usage-period-range')).toBeVisible()
  await expect(page).toHaveURL(/period=custom&from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}/)
  await expect.poll(async () => (await dailyFigures(compute)).length).toBe(7)
  await page.getByTestId('usage-period').screenshot({ path: `${SHOTS}/usage-custom-range.png` })
  await page.getByTestId('usage-billing-panel').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SHOTS}/usage-7d-bottom.png` })
})

test('the Usage/Cost toggle, View Period Details by label with totals, billing shown unavailable, the dark theme', async ({ page, env }) => {
  await page.setViewportSize({ width: 1400, height: 1000 })
  await addConnection(env)
  await env.open(page, '#/usage-billing?period=7d')
  const compute = metricCard(page, 'cluster_compute')
  await expect(compute.getByTestId('usage-metric-figure')).toContainText('GPU hours', { timeout: 20_000 })

  // cost instead of usage
  await page.getByTestId('usage-measure').getByText('Cost', { exact: true }).click()
  await expect(compute.getByTestId('usage-metric-figure')).toContainText('$')
  await expect(compute.getByTestId('usage-metric-summary')).toContainText('$')

  // View Period Details: one metric, its own period, by label, with the totals
  await page.getByTestId('usage-details-open').click()
  const details = page.getByTestId('usage-details')
  await expect(details).toBeVisible()
  await details.getByTestId('usage-details-metric').click()
  await page.locator('.n-base-select-option:visible').filter({ hasText: 'Storage' }).first().click()
  await choosePeriod(page, 'Last 90 days', 'usage-details-period')
  const rows = details.getByTestId('usage-details-row')
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(0)).toContainText('s3://demo-bucket')
  await expect(rows.nth(1)).toContainText('gs://research-data')
  await expect(details.getByTestId('usage-details-total')).toContainText('GB')
  await expect(details.getByTestId('usage-details-total')).toContainText('100%')
  await expect(details.getByTestId('usage-details-totals')).toContainText('Latest')
  await expect.poll(() => details.locator('canvas').count()).toBeGreaterThan(0)
  await page.screenshot({ path: `${SHOTS}/usage-details.png` })
  await page.keyboard.press('Escape')
  await expect(details).toHaveCount(0)

  // the hosted-only billing parts are there, unavailable, with the reason
  await expect(page.getByTestId('usage-billing-reason')).toContainText('self-hosted')
  await expect(page.getByTestId('usage-billing-upgrade')).toBeDisabled()
  await expect(page.getByTestId('usage-billing-invoices')).toBeDisabled()

  // the charts follow the dark theme
  await page.emulateMedia({ colorScheme: 'dark' })
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await expect.poll(() => paintedPixels(compute)).toBeGreaterThan(500)
  await page.screenshot({ path: `${SHOTS}/usage-7d-cost-dark.png`, fullPage: true })
})

test('offline: the last fetched figures, from the cache, with their age', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/usage-billing?period=90d')
  const storage = metricCard(page, 'storage')
  await expect(storage.getByTestId('usage-metric-figure')).toContainText('GB', { timeout: 20_000 })
  const figure = await storage.getByTestId('usage-metric-figure').textContent()

  await env.stopServer()
  await expect(page.getByTestId('status-badge')).toContainText('Offline', { timeout: 20_000 })
  await page.reload()
  await expect(page.getByTestId('usage-cached')).toContainText('Offline — figures cached', { timeout: 20_000 })
  await expect(page.getByTestId('usage-cached')).toHaveText(/cached (just now|\d+ \w+ ago) \(\w+ \d+, \d{4}/)
  await expect(storage.getByTestId('usage-metric-figure')).toHaveText(figure!)
  await expect.poll(() => paintedPixels(storage)).toBeGreaterThan(500)
  // the demo server records 120 days: the 90 days before these are partly unrecorded, and the screen says so
  await expect(page.getByTestId('usage-partial')).toContainText('the trends overstate the change')
  await page.screenshot({ path: `${SHOTS}/usage-offline.png`, fullPage: true })
  expect(await dailyFigures(storage)).toHaveLength(90)

  // a period never fetched has nothing cached: said so, no empty chart
  await choosePeriod(page, 'Last 7 days')
  await expect(page.getByTestId('usage-error')).toContainText('No cached usage report for this period', { timeout: 20_000 })
})

test('an open-source server: no metering, said with the reason instead of empty charts; billing unavailable', async ({ page }) => {
  const env = await makeEnv({ featureSet: 'basic' })
  try {
    await addConnection(env)
    await env.open(page, '#/usage-billing')
    await expect(page.getByTestId('usage-unavailable')).toContainText('open-source ClearML server', { timeout: 20_000 })
    await expect(page.getByTestId('usage-unavailable')).toContainText('event metering')
    await expect(page.locator('canvas')).toHaveCount(0)
    await expect(page.getByTestId('usage-details-open')).toBeDisabled()
    await expect(page.getByTestId('usage-billing-reason')).toContainText('self-hosted')
    await expect(page.getByTestId('usage-billing-upgrade')).toBeDisabled()
    await page.screenshot({ path: `${SHOTS}/usage-basic.png`, fullPage: true })
  } finally {
    await disposeEnv(env)
  }
})

test('a metered workspace with no recorded usage says so once, with no flat charts', async ({ page, env }) => {
  const owner = env.server.seed!.workspaces.researchLab.owner
  await env.core.invoke('connections.create', { name: 'Research Lab', apiUrl: env.server.url, accessKey: owner.accessKey, secretKey: owner.secretKey })
  await env.open(page, '#/usage-billing')
  await expect(page.getByTestId('usage-none')).toContainText('recorded no usage', { timeout: 20_000 })
  await expect(page.getByTestId('usage-partial')).toHaveCount(0)
  await expect(metricCard(page, 'storage').getByTestId('usage-metric-empty')).toBeVisible()
  await expect(page.locator('[data-testid=usage-metrics] canvas')).toHaveCount(0)
  await page.screenshot({ path: `${SHOTS}/usage-none.png` })
})
