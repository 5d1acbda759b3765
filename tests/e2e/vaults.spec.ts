// Configuration vaults end to end: validation as you type, drafts that survive a killed web host, offline
// edits provisioned after reconnecting, conflicts that are never overwritten, YAML provisioned as HOCON.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseHocon } from '../../shared/config'
import { createCore } from '../../electron/core'
import { startServer } from '../../server/src/index'
import { call } from '../server/helpers'
import { expect, STATIC_DIR, test } from './fixtures'
import { addConnection } from './pages/connections'
import { addVault, openAdminVaults, provision, setVaultText, vaultText, waitSaved } from './pages/vaults'

test('a misspelled key warns with the suggestion; broken HOCON is marked and cannot be enabled; the fixed draft is saved', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/admin-vaults')
  await addVault(page, 'Team S3')
  await setVaultText(page, 'sdk.aws.s3.regoin: "eu-west-1"\n')
  await expect(page.getByTestId('vault-problem').first()).toContainText("Did you mean 'region'")
  await expect(page.getByTestId('vault-problem').first()).toHaveAttribute('data-severity', 'warning')

  await setVaultText(page, 'sdk {\n  aws.s3.key: "AKIA"\n  oops: [1, 2\n}\n')
  const error = page.getByTestId('vault-problem').filter({ hasText: 'error' }).first()
  await expect(error).toBeVisible()
  await expect(error.locator('.pos')).toHaveText(/^[34]:\d+$/)
  await expect(page.getByTestId('vault-editor').locator('.squiggly-error').first()).toBeVisible()
  await expect(page.getByTestId('vault-enabled')).toHaveClass(/n-switch--disabled/)

  await setVaultText(page, 'sdk.aws.s3.key: "AKIA-FIXED"\n')
  await expect(page.getByTestId('vault-errors')).toHaveCount(0)
  await page.getByTestId('vault-enabled').click()
  await waitSaved(page)
  const [d] = await env.core.invoke('drafts.list', { kind: 'vault' })
  const saved = await env.core.invoke('drafts.get', { id: d.id })
  expect(saved.content).toMatchObject({ description: 'Team S3', enabled: true, data: 'sdk.aws.s3.key: "AKIA-FIXED"\n' })
})

test('edits made offline are provisioned after reconnecting, and the server holds them', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/admin-vaults')
  await expect(page.getByTestId('vault-row').first()).toBeVisible()
  await env.stopServer()
  await expect(page.getByTestId('status-badge')).toContainText('Offline', { timeout: 15_000 })
  await addVault(page, 'Written offline')
  await setVaultText(page, 'api.files_server: "https://files.example.com"\n')
  await waitSaved(page)
  await page.getByTestId('vault-review').click()
  await expect(page.getByTestId('plan-error')).toContainText(/cannot be reached|offline/i)
  await page.getByTestId('plan-close').click()

  await env.startServerAgain()
  await expect(page.getByTestId('status-badge')).toContainText('Online', { timeout: 15_000 })
  const dialog = await provision(page)
  await expect(dialog.getByTestId('plan-result')).toContainText('applied')
  const admin = env.server.seed!.admin
  const r = await call(env.server.url, '/users.get_organization_vaults', { body: {}, basic: admin })
  const v = (r.body.data.vaults as Array<{ description: string; data: string }>).find((x) => x.description === 'Written offline')
  expect(v?.data).toContain('files.example.com')
})

test('a change made on the server meanwhile is shown as a conflict and nothing is overwritten', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/admin-vaults')
  const row = page.getByTestId('vault-row').filter({ hasText: 'Organization defaults' })
  await row.getByTestId('vault-edit').click()
  await expect(page.getByTestId('vault-editor')).toBeVisible()
  await setVaultText(page, 'sdk.development.default_output_uri: "s3://mine"\n')
  await waitSaved(page)
  // A colleague changes the vault on the server.
  const admin = env.server.seed!.admin
  const list = await call(env.server.url, '/users.get_organization_vaults', { body: {}, basic: admin })
  const target = (list.body.data.vaults as Array<{ id: string; description: string; data: string }>).find((x) => x.description === 'Organization defaults')!
  await expect(page).toHaveURL(new RegExp(`#/admin-vaults/${target.id}$`))
  await call(env.server.url, '/users.add_or_update_vault', { body: { vault: { id: target.id, data: 'sdk.development.default_output_uri: "s3://theirs"\n' } }, basic: admin })

  // The drafts list says so before the review.
  await page.getByTestId('vault-back').click()
  await expect(page.getByTestId('draft-row').filter({ hasText: 'Organization defaults' }).getByTestId('draft-conflict')).toBeVisible()
  await page.getByTestId('draft-open').filter({ hasText: 'Organization defaults' }).click()
  await page.getByTestId('vault-review').click()
  const dialog = page.getByTestId('plan-dialog')
  await expect(dialog.getByTestId('plan-action')).toHaveText('conflict')
  await expect(dialog.getByTestId('plan-apply')).toBeDisabled()
  await dialog.getByTestId('plan-diff-toggle').click()
  await expect(dialog.getByTestId('plan-diff')).toContainText('s3://theirs')
  await expect(dialog.getByTestId('plan-diff')).toContainText('s3://mine')
  const after = await call(env.server.url, '/users.get_organization_vaults', { body: {}, basic: admin })
  expect((after.body.data.vaults as Array<{ id: string; data: string }>).find((x) => x.id === target.id)!.data).toContain('s3://theirs')

  // Rebase keeps my edit on top of their version; then it provisions.
  await dialog.getByTestId('plan-rebase').click()
  await expect(dialog.getByTestId('plan-action')).toHaveText('update')
  await dialog.getByTestId('plan-apply').click()
  await expect(dialog.getByTestId('plan-result')).toContainText('applied')
})

test('a YAML vault is provisioned as HOCON the SDK parses, and the console says so', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/admin-vaults')
  await addVault(page, 'From YAML')
  await page.getByTestId('vault-format-yaml').click()
  await setVaultText(page, 'sdk:\n  aws:\n    s3:\n      region: eu-west-1\n')
  await waitSaved(page)
  const dialog = await provision(page)
  await expect(dialog).toContainText('YAML is sent as HOCON')
  const member = env.server.seed!.admin
  const r = await call(env.server.url, '/users.get_vaults', { body: {}, basic: member })
  const v = (r.body.data.vaults as Array<{ description: string; data: string; format: string }>).find((x) => x.description === 'From YAML')!
  expect(v.format).toBe('hocon')
  const parsed = parseHocon(v.data)
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  expect(parsed.value).toEqual({ sdk: { aws: { s3: { region: 'eu-west-1' } } } })
})

test('the web host killed with SIGKILL while typing keeps the draft up to the last save', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'console-kill-'))
  const server = await startServer({ port: 0, dataDir: join(dir, 'server'), seed: 'demo', featureSet: 'enterprise', quiet: true })
  // Configure the connection, then hand the data folder to a web host in its own process.
  const setup = await createCore({ dataDir: join(dir, 'core') })
  const admin = server.seed!.admin
  await setup.invoke('connections.create', { name: 'Demo', apiUrl: server.url, accessKey: admin.accessKey, secretKey: admin.secretKey })
  await setup.close()
  const root = resolve(import.meta.dirname, '../..')
  let child: ChildProcess | null = null
  const port = 20000 + Math.floor(Math.random() * 20000)
  const token = 'kill-test-token-0123456789abcdef'
  const startHost = () =>
    new Promise<void>((ok, fail) => {
      child = spawn(process.execPath, ['--import', 'tsx', 'electron/web-host/cli.ts', '--port', String(port), '--data', join(dir, 'core'), '--token', token, '--static', STATIC_DIR], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
      child.stdout!.on('data', (b: Buffer) => b.toString().includes('Open:') && ok())
      child.on('exit', (code) => fail(new Error(`web host exited with ${code}`)))
    })
  try {
    await startHost()
    await page.goto(`http://127.0.0.1:${port}/?token=${token}#/admin-vaults`)
    await addVault(page, 'Typed before the crash')
    await setVaultText(page, 'sdk.aws.s3.key: "KEPT-1"\n')
    await waitSaved(page)
    await page.keyboard.insertText('sdk.aws.s3.region: "kept-2"\n')
    await waitSaved(page)
    child!.kill('SIGKILL')
    await new Promise((r) => child!.once('exit', r))
    await startHost()
    await page.goto(`http://127.0.0.1:${port}/#/admin-vaults`)
    await page.getByTestId('draft-open').filter({ hasText: 'Typed before the crash' }).click()
    await expect(page.getByTestId('vault-editor')).toBeVisible()
    await expect.poll(() => vaultText(page)).toContain('kept-2')
    expect(await vaultText(page)).toContain('KEPT-1')
  } finally {
    const c = child as ChildProcess | null
    if (c && c.exitCode === null) {
      const exited = new Promise((r) => c.once('exit', r))
      c.kill('SIGTERM')
      await exited
    }
    await server.close()
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }
})

test('the admin vault list works offline from the cache, with its age', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/admin-vaults')
  await expect(page.getByTestId('vault-row').first()).toBeVisible()
  await env.stopServer()
  await expect(page.getByTestId('status-badge')).toContainText('Offline', { timeout: 15_000 })
  await page.reload()
  await openAdminVaults(page)
  await expect(page.getByTestId('vaults-cached')).toContainText('cached as of')
  await expect(page.getByTestId('vault-row').first()).toBeVisible()
})

test('the effective configuration shows what a group member gets, and which vault set each value', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/admin-vaults/effective')
  await expect(page.getByTestId('effective-applied')).toContainText('Organization defaults')
  await expect(page.getByTestId('effective-applied')).not.toContainText('ML Team storage')
  await page.getByTestId('effective-groups').click()
  await page.locator('.n-base-select-option').filter({ hasText: 'ML Team' }).click()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('effective-applied')).toContainText('ML Team storage')
  await expect(page.getByTestId('effective-row').filter({ hasText: 'ML Team storage' }).first()).toBeVisible()
})

test('an SSH server vault checks its keys are pairs before provisioning', async ({ page, env }) => {
  const { readFileSync } = await import('node:fs')
  const fx = (f: string) => readFileSync(join(import.meta.dirname, '../fixtures/ssh', f), 'utf8')
  await addConnection(env)
  await env.open(page, '#/admin-vaults')
  await addVault(page, 'Session SSH keys')
  await page.getByTestId('vault-type').click()
  await page.locator('.n-base-select-option').filter({ hasText: 'SSH server' }).click()
  await page.getByTestId('ssh-add').click()
  await page.getByTestId('ssh-private').fill(fx('rsa_pem'))
  await page.getByTestId('ssh-public').fill(fx('ecdsa.pub').trim().replace(/^ecdsa-sha2-nistp256/, 'ssh-rsa'))
  await waitSaved(page)
  await page.getByTestId('vault-review').click()
  const dialog = page.getByTestId('plan-dialog')
  await expect(dialog.getByTestId('plan-action')).toHaveText('invalid')
  await expect(dialog).toContainText('is not the public key of ssh_host_rsa_key')
  await dialog.getByTestId('plan-close').click()
  await page.getByTestId('ssh-public').fill(fx('rsa_pem.pub').trim())
  await waitSaved(page)
  const done = await provision(page)
  await expect(done.getByTestId('plan-result')).toContainText('applied')
})

test('effective configuration on the packaged defaults: a vault value wins over the default, with its source', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/admin-vaults/effective')
  await page.getByTestId('effective-defaults').click()
  await page.getByTestId('effective-filter').fill('default_output_uri')
  const row = page.getByTestId('effective-row').filter({ hasText: 'sdk.development.default_output_uri' })
  await expect(row).toContainText('Organization defaults')
  await page.getByTestId('effective-filter').fill('docker_force_pull')
  await expect(page.getByTestId('effective-row').filter({ hasText: 'agent.docker_force_pull' })).toContainText('packaged defaults')
})

test('the vault list filters active ones and says the filter is on', async ({ page, env }) => {
  await addConnection(env)
  const admin = env.server.seed!.admin
  await call(env.server.url, '/users.add_or_update_vault', { body: { vault: { scope: 'organization', description: 'Switched off', data: 'a.b: 1', enabled: false } }, basic: admin })
  await env.open(page, '#/admin-vaults')
  await expect(page.getByTestId('vault-row')).toHaveCount(3)
  await page.getByTestId('vaults-filter-active').click()
  await expect(page.getByTestId('vaults-filter-on')).toBeVisible()
  await expect(page.getByTestId('vault-row')).toHaveCount(2)
  await page.getByTestId('vaults-filter-inactive').click()
  await expect(page.getByTestId('vault-row')).toHaveCount(1)
  await expect(page.getByTestId('vault-row')).toContainText('Switched off')
})

test('a member writes their personal vault in Workspace; it reaches them, and the admin vaults are read-only for them', async ({ page, env }) => {
  const member = env.server.seed!.member
  await env.core.invoke('connections.create', { name: 'As Alice', apiUrl: env.server.url, accessKey: member.accessKey, secretKey: member.secretKey })
  await env.open(page, '#/admin-vaults')
  await expect(page.getByTestId('vaults-not-admin')).toBeVisible()
  await expect(page.getByTestId('vault-add')).toHaveCount(0)
  await page.getByTestId('nav-workspace').click()
  await expect(page.getByTestId('vault-tip')).toContainText('keep the vault disabled while you edit')
  await page.getByTestId('workspace-vault-edit').click()
  await setVaultText(page, 'sdk.aws.s3.region: "eu-central-1"\n')
  await page.getByTestId('vault-enabled').click()
  await waitSaved(page)
  const dialog = await provision(page)
  await expect(dialog.getByTestId('plan-result')).toContainText('applied')
  const r = await call(env.server.url, '/users.get_vaults', { body: {}, basic: member })
  const mine = (r.body.data.vaults as Array<{ scope: string; data: string; enabled: boolean }>).filter((v) => v.scope === 'user')
  expect(mine).toHaveLength(1)
  expect(mine[0]).toMatchObject({ enabled: true, data: 'sdk.aws.s3.region: "eu-central-1"\n' })
})

test('the activity log lists vault operations and filters by vault and action', async ({ page, env }) => {
  await addConnection(env)
  const admin = env.server.seed!.admin
  const list = await call(env.server.url, '/users.get_organization_vaults', { body: {}, basic: admin })
  const org = (list.body.data.vaults as Array<{ id: string; description: string }>).find((v) => v.description === 'Organization defaults')!
  await call(env.server.url, '/users.add_or_update_vault', { body: { vault: { id: org.id, enabled: false } }, basic: admin })
  await env.open(page, '#/admin-vaults')
  await page.getByTestId('vault-row').filter({ hasText: 'Organization defaults' }).getByTestId('vault-log').click()
  await expect(page).toHaveURL(new RegExp(`#/admin-vaults/log\\?vault=${org.id}$`))
  await expect(page.getByTestId('log-row').filter({ hasText: 'deactivate' })).toHaveCount(1)
  await expect(page.getByTestId('log-row').filter({ hasText: 'ML Team storage' })).toHaveCount(0)
  await page.getByTestId('log-filter-vault').locator('.n-base-clear').click({ force: true })
  await expect(page.getByTestId('log-row').filter({ hasText: 'ML Team storage' }).first()).toBeVisible()
})

test('the console reopens where it was: the same vault draft, with the cursor on the same line', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/admin-vaults')
  await addVault(page, 'Reopened')
  await setVaultText(page, 'a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n')
  await page.getByTestId('vault-editor').locator('.view-line').nth(3).click()
  await expect(page.getByTestId('vault-editor').locator('.active-line-number')).toHaveText('4')
  await waitSaved(page)
  const url = page.url()
  // A restart: the console is opened again without an address.
  await page.goto(url.replace(/#.*$/, ''))
  await expect(page).toHaveURL(url)
  await expect(page.getByTestId('vault-editor').locator('.active-line-number')).toHaveText('4')
  await expect.poll(() => vaultText(page)).toContain('e: 5')
})
