// The shell's building blocks as a user meets them: deep links that survive a reload, the command palette
// and shortcut list from one registry, confirmations sized to the risk, and the remote table.
import { expect, test } from './fixtures'
import { addConnection, connectionRow, searchConnections } from './pages/connections'
import { openProfile, renameProfile } from './pages/profile'
import { answerConfirm, confirmDialog, runFromPalette } from './pages/shell'

test('every screen and a connection have deep links that survive a reload', async ({ page, env }) => {
  const c = await addConnection(env, { name: 'Deep link' })
  await env.open(page, `#/connections/${c.id}`)
  await expect(page.getByRole('dialog')).toContainText('Edit “Deep link”')
  await page.reload()
  await expect(page.getByRole('dialog')).toContainText('Edit “Deep link”')
  await page.getByTestId('conn-cancel').click()
  await expect(page).toHaveURL(/#\/connections$/)

  await runFromPalette(page, 'config check')
  await expect(page).toHaveURL(/#\/config-check$/)
  await page.reload()
  await expect(page.getByTestId('section-config-check')).toBeVisible()
  await expect(page.getByTestId('nav-config-check')).toHaveAttribute('aria-current', 'page')

  // A section that is not built yet still has its own address; an unknown one goes back to the last screen.
  await env.open(page, '#/access-rules')
  await expect(page.getByTestId('section-access-rules')).toBeVisible()
  await env.open(page, '#/no-such-screen')
  await expect(page.getByTestId('section-access-rules')).toBeVisible()
  await expect(page).toHaveURL(/#\/access-rules$/)
})

test('shortcuts come from the command registry: listed, and they work', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/profile')
  await expect(page.getByTestId('section-profile')).toBeVisible()
  await page.keyboard.press('Alt+0')
  await expect(page.getByTestId('section-connections')).toBeVisible()
  await page.keyboard.press('Alt+1')
  await expect(page.getByTestId('section-profile')).toBeVisible()
  await page.keyboard.press('?')
  const list = page.getByTestId('shortcuts-dialog')
  await expect(list).toContainText('Open Connections')
  await expect(list).toContainText('Add a connection')
  await expect(list).toContainText('Reconnect to the server now')
})

test('a change to a production server asks first; Cancel sends nothing', async ({ page, env }) => {
  await addConnection(env, { name: 'Prod', production: true })
  await env.open(page, '#/profile')
  await expect(page.getByTestId('profile-name')).toContainText('Admin User')

  await renameProfile(page, 'Not sent')
  await expect(confirmDialog(page)).toContainText('marked production')
  await expect(page.getByTestId('confirm-production')).toBeVisible()
  await answerConfirm(page, false)
  expect((await env.core.invoke('profile.get', { refresh: true })).value.name).toBe('Admin User')

  await page.getByTestId('profile-name-input').press('Enter')
  await answerConfirm(page, true)
  await expect(page.getByTestId('profile-name')).toContainText('Not sent')
  expect((await env.core.invoke('profile.get', { refresh: true })).value.name).toBe('Not sent')
})

test('deleting a production connection needs its name typed; a test connection only a click', async ({ page, env }) => {
  await addConnection(env, { name: 'Prod', production: true })
  await addConnection(env, { name: 'Scratch', activate: false })
  await env.open(page, '#/connections')

  await connectionRow(page, 'Scratch').getByTestId('connection-delete').click()
  await expect(page.getByTestId('confirm-input')).toHaveCount(0)
  await answerConfirm(page, true)
  await expect(connectionRow(page, 'Scratch')).toHaveCount(0)

  await connectionRow(page, 'Prod').getByTestId('connection-delete').click()
  await expect(page.getByTestId('confirm-ok')).toBeDisabled()
  await page.getByTestId('confirm-input').fill('prod')
  await expect(page.getByTestId('confirm-ok')).toBeDisabled()
  await answerConfirm(page, true, { typeName: 'Prod' })
  await expect(page.getByTestId('connections-empty')).toBeVisible()
})

test('the connections table searches and sorts on the core side', async ({ page, env }) => {
  for (const name of ['alpha', 'bravo', 'charlie']) await addConnection(env, { name, activate: name === 'alpha' })
  await env.open(page, '#/connections')
  await expect(page.getByTestId('connection-row')).toHaveCount(3)
  await searchConnections(page, 'rav')
  await expect(page.getByTestId('connection-row')).toHaveCount(1)
  await expect(page.getByTestId('connection-row')).toContainText('bravo')
  await searchConnections(page, 'nothing like it')
  await expect(page.getByTestId('connections-no-match')).toContainText('No connections match')
  await searchConnections(page, '')
  await expect(page.getByTestId('connection-row')).toHaveCount(3)
  // Sorted by name ascending by default; one click on the header turns it around.
  await expect(page.getByTestId('connection-name').first()).toHaveText('alpha')
  await page.getByRole('columnheader', { name: 'Name' }).click()
  await expect(page.getByTestId('connection-name').first()).toHaveText('charlie')
  await openProfile(page)
})
