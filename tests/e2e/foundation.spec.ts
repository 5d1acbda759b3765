import { expect, test } from './fixtures'
import { addConnection, addConnectionFromSnippet } from './pages/connections'
import { renameProfile } from './pages/profile'

test('first run: add a connection, see and rename the profile, survive the server going away', async ({ page, env }) => {
  await env.open(page)
  // First run: nothing configured yet, the app says so and offers to add a connection.
  await expect(page.getByTestId('connections-empty')).toBeVisible()

  await addConnectionFromSnippet(page, env)
  await expect(page.getByTestId('connection-row')).toContainText('Local demo')
  await expect(page.getByTestId('status-badge')).toContainText('Online')

  // Profile from the server.
  await page.getByTestId('nav-profile').click()
  await expect(page.getByTestId('profile-name')).toContainText('Admin User')
  await expect(page.getByTestId('profile-company')).toContainText('Demo Company')
  await expect(page.getByTestId('profile-role')).toContainText(/admin/i)
  await expect(page.getByTestId('profile-user-id')).toContainText(env.server.seed!.admin.id)
  await expect(page.getByTestId('profile-cache-notice')).toHaveCount(0)

  // Rename inline; Enter saves.
  await renameProfile(page, 'Ada Admin')
  await expect(page.getByTestId('profile-name')).toContainText('Ada Admin')

  // The rename reached the server, not just the screen.
  const profile = await env.core.handlers['profile.get']({ refresh: true })
  expect(profile.value.name).toBe('Ada Admin')
  expect(profile.source).toBe('server')

  // Reload: still renamed.
  await page.reload()
  await page.getByTestId('nav-profile').click()
  await expect(page.getByTestId('profile-name')).toContainText('Ada Admin')

  // The server goes away: the console notices by itself and shows the cached profile with its age.
  await env.stopServer()
  await expect(page.getByTestId('status-badge')).toContainText('Offline', { timeout: 15_000 })
  await page.reload()
  await page.getByTestId('nav-profile').click()
  await expect(page.getByTestId('profile-name')).toContainText('Ada Admin')
  await expect(page.getByTestId('profile-cache-notice')).toBeVisible()
  await expect(page.getByTestId('profile-cache-notice')).toContainText(/cached/i)
  await expect(page.getByTestId('profile-rename')).toBeDisabled()

  // The server comes back: online again without user action, fresh data replaces the cached notice.
  await env.startServerAgain()
  await expect(page.getByTestId('status-badge')).toContainText('Online', { timeout: 15_000 })
  await expect(page.getByTestId('profile-cache-notice')).toHaveCount(0, { timeout: 15_000 })
  await expect(page.getByTestId('profile-name')).toContainText('Ada Admin')
})

test('bad input is refused with a message that names the field, and nothing is saved', async ({ page, env }) => {
  await env.open(page)
  await expect(page.getByTestId('connections-empty')).toBeVisible()
  await page.getByTestId('conn-name').fill('Broken')
  await page.getByTestId('conn-api-url').fill('not a url')
  await page.getByTestId('conn-access-key').fill('KEY')
  await page.getByTestId('conn-secret-key').fill('secret')
  await expect(page.getByText(/API server URL must be an http/)).toBeVisible()
  await expect(page.getByTestId('conn-save')).toBeDisabled()
  expect((await env.core.invoke('connections.list', {})).items).toHaveLength(0)
})

test('testing a connection with a wrong secret says which step failed', async ({ page, env }) => {
  await env.open(page)
  await page.getByTestId('conn-snippet').fill(env.snippet().replace(env.server.seed!.admin.secretKey, 'wrong-secret'))
  await page.getByTestId('conn-name').fill('Wrong secret')
  await page.getByTestId('conn-test').click()
  await expect(page.getByTestId('conn-test-result')).toContainText(/invalid|credentials|401/i)
})

test('a slow server never freezes the console; a production connection is marked', async ({ page, env }) => {
  await addConnection(env, { name: 'Prod', production: true })
  await env.open(page, '#/connections')
  await expect(page.getByTestId('production-marker')).toBeVisible()
  await expect(page.getByTestId('status-badge')).toContainText('Online')

  // Every answer now takes 2.5 s: the profile shows it is loading, and the rest of the console stays usable.
  env.server.setFaults({ latencyMs: 2500 })
  await page.getByTestId('nav-profile').click()
  await page.getByTestId('profile-refresh').click()
  await expect(page.getByTestId('profile-loading').or(page.getByTestId('profile-refresh').locator('.n-base-loading'))).toBeVisible()
  await page.getByTestId('nav-connections').click()
  await expect(page.getByTestId('connection-row')).toContainText('Prod', { timeout: 2000 })
  await page.getByTestId('nav-profile').click()
  await expect(page.getByTestId('profile-name')).toContainText('Admin User', { timeout: 15_000 })
  env.server.setFaults({})
})
