// Service accounts end to end in Chromium against the reference server (enterprise, demo seed): the table with the
// banner for the agent key that expires within 7 days, search, add with the snippet shown once (blank and duplicate
// names refused at the field), the details panel (deep link; credentials create and revoke; a gateway token; the
// account's own vault provisioned; the admin vaults that apply), rename, Allow impersonation, delete with its warning,
// offline, and a non-administrator's explanation.
import { expect, test } from './fixtures'
import { addConnection } from './pages/connections'
import { answerConfirm, confirmDialog } from './pages/shell'
import { accountDialog, accountRow, accountRows, addAccount, banner, createAccountKey, details, openServiceAccounts, panelKeys } from './pages/service-accounts'
import { provision, setVaultText, waitSaved } from './pages/vaults'
import { generateGatewayToken } from './pages/workspace'

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-v1'

test('table with the expiring-agent-key banner, search, add with the snippet shown once; bad names refused at the field', async ({ page, env }) => {
  await addConnection(env)
  await page.setViewportSize({ width: 1500, height: 900 })
  await openServiceAccounts(page, env)
  await expect(accountRows(page)).toHaveCount(2)
  await expect(accountRow(page, 'GPU Agent').getByTestId('service-account-at-risk')).toBeVisible()
  await expect(accountRow(page, 'CI Pipeline').getByTestId('service-account-at-risk')).toHaveCount(0)
  await expect(accountRow(page, 'GPU Agent').getByTestId('service-account-groups')).toContainText('Users')
  await expect(banner(page)).toContainText('GPU Agent')
  await expect(banner(page)).toContainText('agent-gpu-01')
  await page.screenshot({ path: `${SHOTS}/service-accounts.png` })

  // search by name or id
  await page.getByTestId('service-accounts-search').fill('pipeline')
  await expect(accountRows(page)).toHaveCount(1)
  await page.getByTestId('service-accounts-search').fill(env.server.seed!.organisation.serviceAccounts.gpuAgent.id)
  await expect(accountRows(page)).toHaveCount(1)
  await expect(accountRows(page)).toContainText('GPU Agent')
  await page.getByTestId('service-accounts-search').fill('')
  await expect(accountRows(page)).toHaveCount(2)

  // blank and duplicate names are refused at the field
  await addAccount(page, '')
  await expect(page.getByTestId('service-account-name-field')).toContainText('Enter a name')
  await addAccount(page, 'gpu agent', { save: false })
  await expect(page.getByTestId('service-account-name-field')).toContainText('already exists')
  await addAccount(page, 'Nightly builds', { days: '400', save: false })
  await expect(page.getByTestId('service-account-expiry-field')).toContainText('at most 90 days')
  await addAccount(page, 'Nightly builds', { impersonation: true, days: '30', save: false })
  await page.screenshot({ path: `${SHOTS}/service-account-add.png` })
  await page.getByTestId('service-account-save').click()

  // the initial credentials, once, with the snippet
  const dialog = page.getByTestId('new-credential-dialog')
  await expect(dialog).toContainText('Service account “Nightly builds” created')
  const secret = (await page.getByTestId('new-secret-key').textContent())!.trim()
  expect(secret.length).toBeGreaterThan(10)
  await expect(page.getByTestId('snippet-python')).toContainText(secret)
  await expect(page.getByTestId('snippet-python')).toContainText('api_server')
  await page.screenshot({ path: `${SHOTS}/service-account-created.png` })
  await page.getByTestId('new-credential-close').click()
  await expect(dialog).toHaveCount(0)
  await expect(accountDialog(page)).toHaveCount(0)
  await expect(accountRow(page, 'Nightly builds')).toContainText('impersonation')
  await expect(accountRow(page, 'Nightly builds').getByTestId('service-account-credentials')).toHaveText('1')
  expect(await page.content()).not.toContain(secret)
})

test('details panel: deep link, credentials create and revoke, a gateway token', async ({ page, env }) => {
  await addConnection(env)
  await page.setViewportSize({ width: 1500, height: 1000 })
  const gpu = env.server.seed!.organisation.serviceAccounts.gpuAgent
  await openServiceAccounts(page, env, gpu.id)
  await expect(page.getByTestId('service-account-details-title')).toHaveText('GPU Agent')
  await expect(panelKeys(page)).toHaveCount(1)
  await expect(panelKeys(page).first()).toHaveAttribute('data-expiry', 'soon')
  await expect(details(page).getByTestId('service-account-admin-vault').first()).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/service-account-details.png` })

  // credentials: create (shown once) and revoke
  await createAccountKey(page, 'agent-gpu-02', '20')
  await expect(page.getByTestId('new-credential-dialog')).toBeVisible()
  await expect(page.getByTestId('new-label')).toHaveText('agent-gpu-02')
  await page.getByTestId('new-credential-close').click()
  await expect(panelKeys(page)).toHaveCount(2)
  await panelKeys(page).filter({ hasText: 'agent-gpu-02' }).getByTestId('credential-revoke').click()
  await expect(confirmDialog(page)).toContainText('GPU Agent')
  await answerConfirm(page, true)
  await expect(panelKeys(page)).toHaveCount(1)

  // a gateway token for the account, shown once
  await generateGatewayToken(page, 'edge inference', '7')
  await expect(page.getByTestId('gateway-token-dialog')).toBeVisible()
  await page.getByTestId('gateway-token-close').click()
  await expect(details(page).getByTestId('gateway-row').filter({ hasText: 'edge inference' })).toBeVisible()
})

test('details panel: the account’s own vault, edited as a draft and provisioned for it', async ({ page, env }) => {
  await addConnection(env)
  await page.setViewportSize({ width: 1500, height: 1000 })
  await openServiceAccounts(page, env)
  await accountRow(page, 'GPU Agent').click()
  await expect(page.getByTestId('service-account-details-title')).toHaveText('GPU Agent')
  await expect(page.getByTestId('service-account-vault-state')).toContainText('no configuration vault yet')
  await page.getByTestId('service-account-vault-edit').click()
  await expect(page.getByTestId('vault-panel')).toBeVisible()
  await setVaultText(page, 'agent.docker_force_pull: true')
  await waitSaved(page)
  await page.getByTestId('vault-enabled').click()
  await waitSaved(page)
  const plan = await provision(page)
  await expect(plan.getByTestId('plan-result').first()).toContainText(/Applied/i)
  await plan.getByTestId('plan-close').click()
  await expect(page.getByTestId('service-account-vault-state')).toContainText('enabled')
})

test('rename refused at the field when taken; Allow impersonation; delete warns that agents using it will fail', async ({ page, env }) => {
  await addConnection(env)
  await page.setViewportSize({ width: 1500, height: 900 })
  await openServiceAccounts(page, env)
  await accountRow(page, 'CI Pipeline').click()
  await expect(page.getByTestId('service-account-details-title')).toHaveText('CI Pipeline')
  await page.getByTestId('service-account-rename').fill('GPU agent')
  await expect(page.getByTestId('service-account-rename-error')).toContainText('already exists')
  await expect(page.getByTestId('service-account-rename-save')).toBeDisabled()
  await page.getByTestId('service-account-rename').fill('CI runners')
  await page.getByTestId('service-account-rename-save').click()
  await expect(page.getByTestId('service-account-details-title')).toHaveText('CI runners')
  await expect(accountRow(page, 'CI runners')).toBeVisible()
  // Allow impersonation follows the switch, on the row too
  await page.getByTestId('service-account-impersonation-toggle').click()
  await expect(accountRow(page, 'CI runners')).toContainText('impersonation')

  await page.getByTestId('service-account-details-delete').click()
  await expect(confirmDialog(page)).toContainText('agents and automations using them will fail')
  await expect(confirmDialog(page)).toContainText('ci-runner-3')
  await page.screenshot({ path: `${SHOTS}/service-account-delete.png` })
  await answerConfirm(page, true)
  await expect(details(page)).toHaveCount(0)
  await expect(accountRow(page, 'CI runners')).toHaveCount(0)
  await expect(accountRows(page)).toHaveCount(1)
})

test('offline: the cached table and panel with their age; every change refused with the reason', async ({ page, env }) => {
  await addConnection(env)
  await page.setViewportSize({ width: 1500, height: 900 })
  const gpu = env.server.seed!.organisation.serviceAccounts.gpuAgent
  await openServiceAccounts(page, env, gpu.id)
  await expect(panelKeys(page)).toHaveCount(1)
  await page.getByTestId('service-account-details-close').click()
  await expect(accountRows(page)).toHaveCount(2)
  await env.stopServer()
  await expect(page.getByTestId('service-account-add')).toBeDisabled({ timeout: 15000 })
  await page.reload()
  await expect(page.getByTestId('service-accounts-cached')).toContainText('cached as of')
  await expect(accountRows(page)).toHaveCount(2)
  await expect(banner(page)).toContainText('GPU Agent')
  await expect(accountRow(page, 'GPU Agent').getByTestId('service-account-delete')).toBeDisabled()
  await accountRow(page, 'GPU Agent').click()
  await expect(page.getByTestId('service-account-details-cache-notice')).toContainText('cached as of')
  await expect(page.getByTestId('service-account-credentials-create')).toBeDisabled()
  await expect(page.getByTestId('service-account-details-delete')).toBeDisabled()
  await expect(page.getByTestId('service-account-rename')).toBeDisabled()
  await page.getByTestId('service-account-credentials-create').hover({ force: true })
  await expect(page.getByText('cannot be reached').first()).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/service-accounts-offline.png` })
})

test('a non-administrator gets the explanation instead of an empty table', async ({ page, env }) => {
  const alice = env.server.seed!.member
  await env.core.invoke('connections.create', { name: 'Alice', apiUrl: env.server.url, accessKey: alice.accessKey, secretKey: alice.secretKey, activate: true })
  await openServiceAccounts(page, env)
  await expect(page.getByTestId('service-accounts-not-admin')).toContainText('Only administrators can see and manage service accounts')
  await expect(page.getByTestId('service-account-add')).toHaveCount(0)
})
