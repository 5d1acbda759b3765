// User Settings end to end: Configuration (preferences, web app cloud access), Storage Cleanup and Workspace (API
// credentials, gateway tokens, invites, workspaces) against the reference server; bad input answered at the
// field with nothing already saved lost; offline reads from the cache with its age and refused changes; an
// open-source server shows the enterprise-only parts as unavailable with the reason.
import { expect, makeEnv, disposeEnv, test } from './fixtures'
import { addConnection } from './pages/connections'
import {
  addCloudAccess,
  cloudRow,
  expectPreference,
  fillCloudAccess,
  openRedactedArguments,
  openStorageCleanup,
  openStorageProvider,
  preferenceSwitch,
  redactedDialog,
  storageFieldError
} from './pages/configuration'
import { answerConfirm, confirmDialog } from './pages/shell'
import { createCredentials, credentialRow, credentialRows, generateGatewayToken, invite, newCredentialDialog } from './pages/workspace'

// ------------------------------------------------------------------------------------------------ Configuration

test('a preference toggle saves at once and is still set after a reload; redacted arguments: Required, Add, trash, Cancel discards', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/configuration')
  await expectPreference(page, 'showHidden', false)
  await expect(page.getByTestId('pref-hideExamples')).toContainText("Don't show ClearML examples")
  await expect(page.getByTestId('pref-blockUserScript')).toContainText("Block running user's scripts in the browser")

  await preferenceSwitch(page, 'showHidden').click()
  await expectPreference(page, 'showHidden', true)
  await expect.poll(async () => (await env.core.invoke('preferences.get', { refresh: true })).value.preferences.showHidden).toBe(true)
  await page.reload()
  await expectPreference(page, 'showHidden', true)

  // the console's own HiDPI preference
  await preferenceSwitch(page, 'disableHidpi').click()
  await expectPreference(page, 'disableHidpi', true)
  await page.reload()
  await expectPreference(page, 'disableHidpi', true)

  // Redacted arguments: an empty row says Required and blocks Save; Cancel discards the edits
  await expect(page.getByTestId('pref-redacted-keys')).toContainText('CLEARML_API_SECRET_KEY')
  await openRedactedArguments(page)
  await expect(redactedDialog(page).getByTestId('redacted-row')).toHaveCount(4)
  await page.getByTestId('redacted-add').click()
  await expect(redactedDialog(page).getByTestId('redacted-row')).toHaveCount(5)
  await redactedDialog(page).getByTestId('redacted-input').nth(4).focus()
  await redactedDialog(page).getByTestId('redacted-input').nth(4).blur()
  await expect(redactedDialog(page).getByTestId('redacted-error')).toHaveText('Required')
  await expect(page.getByTestId('redacted-save')).toBeDisabled()
  await redactedDialog(page).getByTestId('redacted-input').nth(4).fill('MY_TOKEN')
  await redactedDialog(page).getByTestId('redacted-remove').first().click()
  await page.getByTestId('redacted-cancel').click()
  await expect(redactedDialog(page)).toHaveCount(0)
  await openRedactedArguments(page)
  await expect(redactedDialog(page).getByTestId('redacted-row')).toHaveCount(4)
  await expect(redactedDialog(page).getByTestId('redacted-input').first()).toHaveValue('CLEARML_API_SECRET_KEY')

  // …and Save keeps them
  await page.getByTestId('redacted-add').click()
  await redactedDialog(page).getByTestId('redacted-input').nth(4).fill('MY_TOKEN')
  await redactedDialog(page).getByTestId('redacted-remove').first().click()
  await page.getByTestId('redacted-save').click()
  await expect(redactedDialog(page)).toHaveCount(0)
  await expect(page.getByTestId('pref-redacted-keys')).toContainText('MY_TOKEN')
  await expect(page.getByTestId('pref-redacted-keys')).not.toContainText('CLEARML_API_SECRET_KEY')
  await expect
    .poll(async () => (await env.core.invoke('preferences.get', { refresh: true })).value.preferences.redactedArguments)
    .toEqual(['CLEARML_AGENT_GIT_PASS', 'AWS_SECRET_ACCESS_KEY', 'AZURE_STORAGE_KEY', 'MY_TOKEN'])
})

test('cloud access: a bucket without a name is refused at the field; secrets show as "set", are kept or cleared; delete asks first', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/configuration')
  await expect(page.getByTestId('cloud-empty')).toBeVisible()
  await expect(page.getByTestId('cloud-table')).toHaveCount(0)

  await page.getByTestId('cloud-add').click()
  await fillCloudAccess(page, { key: 'AKIA-TEAM', secret: 'top-secret-value', region: 'eu-west-1' })
  await expect(page.getByTestId('cloud-region')).toHaveAttribute('placeholder', 'us-east-2')
  await expect(page.getByTestId('cloud-endpoint')).toHaveAttribute('placeholder', 'Leave empty for AWS S3')
  await page.getByTestId('cloud-save').click()
  await expect(page.getByTestId('cloud-field-bucket')).toContainText('Bucket is required')
  // nothing typed is lost
  await expect(page.getByTestId('cloud-key')).toHaveValue('AKIA-TEAM')
  await expect(page.getByTestId('cloud-secret')).toHaveValue('top-secret-value')
  await page.getByTestId('cloud-bucket').fill('team-artifacts')
  await page.getByTestId('cloud-endpoint').fill('http://minio.local:9000')
  await expect(page.getByTestId('cloud-endpoint-http')).toBeVisible()
  await page.getByTestId('cloud-save').click()
  await expect(page.getByTestId('cloud-dialog')).toHaveCount(0)

  const row = cloudRow(page, 'team-artifacts')
  await expect(page.getByTestId('cloud-table')).toContainText('Secret / SAS')
  await expect(row.getByTestId('cloud-row-secret')).toHaveText('set')
  await expect(row.getByTestId('cloud-row-token')).toHaveText('')
  await expect(row.getByTestId('cloud-row-http')).toBeVisible()
  await expect(page.getByTestId('section-configuration')).not.toContainText('top-secret-value')

  // edit: the secret left empty is kept
  await row.getByTestId('cloud-row-edit').click()
  await expect(page.getByTestId('cloud-secret-set')).toBeVisible()
  await expect(page.getByTestId('cloud-secret')).toHaveValue('')
  await page.getByTestId('cloud-key').fill('AKIA-TEAM-2')
  await page.getByTestId('cloud-save').click()
  await expect(row.getByTestId('cloud-row-key')).toHaveText('AKIA-TEAM-2')
  await expect(row.getByTestId('cloud-row-secret')).toHaveText('set')
  // …and cleared explicitly
  await row.getByTestId('cloud-row-edit').click()
  await page.getByTestId('cloud-secret-clear').click()
  await expect(page.getByTestId('cloud-secret-cleared')).toBeVisible()
  await page.getByTestId('cloud-save').click()
  await expect(row.getByTestId('cloud-row-secret')).toHaveText('')
  const [saved] = await env.core.invoke('cloudAccess.list', {})
  expect(saved).toMatchObject({ bucket: 'team-artifacts', key: 'AKIA-TEAM-2', hasSecret: false, endpoint: 'http://minio.local:9000' })

  // a bucket name already used, or an empty one, never removes what is saved
  await addCloudAccess(page, { bucket: '   ' })
  await expect(page.getByTestId('cloud-field-bucket')).toContainText('Bucket is required')
  await page.getByTestId('cloud-cancel').click()
  await answerConfirm(page, true)
  await expect(cloudRow(page, 'team-artifacts')).toHaveCount(1)

  await row.getByTestId('cloud-row-delete').click()
  await expect(confirmDialog(page)).toContainText('team-artifacts')
  await answerConfirm(page, true)
  await expect(page.getByTestId('cloud-row')).toHaveCount(0)
  await expect(page.getByTestId('cloud-table')).toHaveCount(0)
})

test('storage cleanup: invalid credentials JSON is refused at the field; saved GCS credentials show "Configured" and "set"; AWS rules', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/configuration')
  await openStorageCleanup(page)
  await expect(page.getByTestId('storage-tile-aws')).toContainText('MinIO')
  await expect(page.getByTestId('storage-tile-google-configured')).toHaveCount(0)

  await openStorageProvider(page, 'google')
  await expect(page.getByTestId('storage-save')).toBeDisabled()
  await expect(page.getByTestId('storage-reset')).toBeDisabled()
  await page.getByTestId('google-project').fill('ml-project')
  await page.getByTestId('google-json').fill('{"type": "service_account",')
  await expect(storageFieldError(page, 'google-json')).toContainText('Credentials JSON is not valid JSON')
  await expect(page.getByTestId('storage-save')).toBeDisabled()
  await page.getByTestId('google-json').fill('{"type": "service_account", "project_id": "ml-project"}')
  await expect(storageFieldError(page, 'google-json')).toHaveCount(0)
  await page.getByTestId('storage-save').click()
  await expect(page.getByTestId('google-json-set')).toBeVisible()
  await expect(page.getByTestId('storage-save')).toBeDisabled()

  // a bucket entry: its name and credentials are required; bad JSON there is refused too, and nothing saved is lost
  await page.getByTestId('google-bucket-add').click()
  await page.getByTestId('google-bucket-name').focus()
  await page.getByTestId('google-bucket-name').blur()
  await expect(storageFieldError(page, 'google-bucket-name', { kind: 'google-bucket', index: 0 })).toHaveText('Bucket is required')
  await page.getByTestId('google-bucket-json').fill('not json')
  await expect(storageFieldError(page, 'google-bucket-json', { kind: 'google-bucket', index: 0 })).toContainText('not valid JSON')
  await expect(page.getByTestId('storage-problems')).toContainText('Bucket 1')
  await expect(page.getByTestId('storage-save')).toBeDisabled()
  await page.getByTestId('storage-reset').click()
  await expect(page.getByTestId('google-bucket')).toHaveCount(0)
  const s = (await env.core.invoke('storage.get', { refresh: true })).value
  expect(s.google).toMatchObject({ project: 'ml-project', hasCredentialsJson: true, buckets: [] })

  await page.getByTestId('storage-back').click()
  await expect(page.getByTestId('storage-tile-google-configured')).toBeVisible()

  // AWS: a bucket's host needs a port; Key and Secret are required unless it uses the credentials chain
  await openStorageProvider(page, 'aws')
  await page.getByTestId('aws-bucket-add').click()
  await page.getByTestId('aws-bucket-name').fill('minio-bucket')
  await page.getByTestId('aws-bucket-host').fill('minio.local')
  await page.getByTestId('aws-bucket-host').blur()
  await expect(storageFieldError(page, 'aws-bucket-host', { kind: 'aws-bucket', index: 0 })).toContainText('port')
  await page.getByTestId('aws-bucket-host').fill('minio.local:9000')
  await page.getByTestId('aws-bucket-key').focus()
  await page.getByTestId('aws-bucket-key').blur()
  await expect(storageFieldError(page, 'aws-bucket-key', { kind: 'aws-bucket', index: 0 })).toHaveText('Key is required')
  await expect(page.getByTestId('storage-save')).toBeDisabled()
  await page.getByTestId('aws-bucket-chain').click()
  await expect(storageFieldError(page, 'aws-bucket-key', { kind: 'aws-bucket', index: 0 })).toHaveCount(0)
  await page.getByTestId('storage-save').click()
  await expect(page.getByTestId('storage-save')).toBeDisabled()
  const after = (await env.core.invoke('storage.get', { refresh: true })).value
  expect(after.aws.buckets).toMatchObject([{ bucket: 'minio-bucket', host: 'minio.local:9000', useCredentialsChain: true }])
  expect(after.google.hasCredentialsJson).toBe(true)
})

test('offline: preferences come from the cache with their age, and a change is refused with the reason', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/workspace')
  await expect(credentialRow(page, 'demo')).toBeVisible()
  await page.getByTestId('nav-configuration').click()
  await expectPreference(page, 'hideExamples', false)
  await env.stopServer()
  await expect(page.getByTestId('status-badge')).toContainText('Offline', { timeout: 15_000 })
  await expect(page.getByTestId('prefs-cache-notice')).toContainText('Offline — cached as of')

  await preferenceSwitch(page, 'hideExamples').click()
  await expect(page.getByTestId('prefs-refused')).toContainText('cannot be reached')
  await expectPreference(page, 'hideExamples', false)

  await page.reload()
  await expect(page.getByTestId('prefs-cache-notice')).toContainText('Offline — cached as of')
  await expectPreference(page, 'hideExamples', false)

  // the workspace screen too: cached keys, and no change sent
  await page.getByTestId('nav-workspace').click()
  await expect(page.getByTestId('credentials-cache-notice')).toContainText('cached as of')
  await expect(credentialRow(page, 'demo')).toBeVisible()
  await expect(page.getByTestId('workspace-blocked')).toContainText('cannot be reached')
  await expect(page.getByTestId('credentials-create')).toBeDisabled()
})

// ------------------------------------------------------------------------------------------------ Workspace

test('credentials: zero or negative expiration is refused at the field; the new key shows its secret and snippets once; edit label; revoke', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/workspace')
  await expect(credentialRow(page, 'demo')).toBeVisible()
  await expect(page.getByTestId('credentials-count')).toContainText('1 of 10')

  await createCredentials(page, { label: 'laptop', days: '0' })
  await expect(page.getByTestId('create-expiration-field')).toContainText('Expiration must be at least 1 day')
  await page.getByTestId('create-expiration').fill('-5')
  await expect(page.getByTestId('create-expiration-field')).toContainText('Expiration must be at least 1 day')
  await expect(page.getByTestId('create-label')).toHaveValue('laptop')
  await page.getByTestId('create-expiration').fill('30')
  await page.getByTestId('create-submit').click()

  const dialog = newCredentialDialog(page)
  await expect(dialog).toBeVisible()
  const accessKey = (await page.getByTestId('new-access-key').textContent())!.trim()
  const secretKey = (await page.getByTestId('new-secret-key').textContent())!.trim()
  expect(accessKey).not.toBe('')
  expect(secretKey.length).toBeGreaterThan(10)
  await expect(dialog).toContainText('LOCAL PYTHON')
  const python = page.getByTestId('snippet-python')
  await expect(python).toContainText('api {')
  await expect(python).toContainText(`api_server: ${env.server.url}`)
  await expect(python).toContainText('# laptop')
  await expect(python).toContainText(`"access_key" = "${accessKey}"`)
  await expect(python).toContainText(`"secret_key" = "${secretKey}"`)
  await dialog.getByText('JUPYTER NOTEBOOK', { exact: true }).click()
  await expect(page.getByTestId('snippet-jupyter')).toContainText(`%env CLEARML_API_SECRET_KEY="${secretKey}"`)
  await page.getByTestId('new-credential-close').click()
  await expect(dialog).toHaveCount(0)
  // the secret is gone for good
  await expect(page.locator('body')).not.toContainText(secretKey)
  const row = credentialRow(page, accessKey)
  await expect(row.getByTestId('credential-label')).toHaveText('laptop')
  await expect(row.getByTestId('credential-expire')).not.toHaveText('Never')
  await expect(row.getByTestId('credential-last-used')).toHaveText('Never')
  await expect(row.getByTestId('credential-from')).toHaveText('Not available')

  // edit label (an empty label is sent as null)
  await row.getByTestId('credential-edit').click()
  await expect(page.getByTestId('edit-label-dialog')).toContainText('Edit label')
  await page.getByTestId('edit-label-input').fill('work laptop')
  await page.getByTestId('edit-label-input').press('Enter')
  await expect(row.getByTestId('credential-label')).toHaveText('work laptop')
  await row.getByTestId('credential-edit').click()
  await page.getByTestId('edit-label-input').fill('')
  await page.getByTestId('edit-label-save').click()
  await expect(row.getByTestId('credential-label')).toHaveText('No label')

  // revoke: the confirmation names the key and says it cannot be undone
  await row.getByTestId('credential-revoke').click()
  await expect(confirmDialog(page)).toContainText(accessKey)
  await expect(confirmDialog(page)).toContainText('cannot be recovered')
  await answerConfirm(page, true)
  await expect(credentialRow(page, accessKey)).toHaveCount(0)
  const state = (await env.core.invoke('credentials.list', { refresh: true })).value
  expect(state.credentials.map((c) => c.accessKey)).not.toContain(accessKey)
  await expect(credentialRows(page)).toHaveCount(1)
})

test('credentials of a non-administrator: the cap is shown, "Never" is not offered, more than the cap is refused at the field', async ({ page, env }) => {
  const member = env.server.seed!.member
  await env.core.invoke('connections.create', { name: 'Alice', apiUrl: env.server.url, accessKey: member.accessKey, secretKey: member.secretKey, production: false, activate: true })
  await env.open(page, '#/workspace')
  await page.getByTestId('credentials-create').click()
  await expect(page.getByTestId('create-expiration-cap')).toContainText('at most 90 days')
  await expect(page.getByTestId('create-expire-never')).toHaveCount(0)
  await page.getByTestId('create-expiration').fill('120')
  await page.getByTestId('create-submit').click()
  await expect(page.getByTestId('create-expiration-field')).toContainText('at most 90 days')
  await page.getByTestId('create-expiration').fill('7')
  await page.getByTestId('create-submit').click()
  await expect(newCredentialDialog(page)).toBeVisible()
  await page.getByTestId('new-credential-close').click()
  // within 7 days: highlighted, "about to expire"
  const fresh = credentialRows(page).filter({ has: page.getByTestId('credential-expiring') })
  await expect(fresh).toHaveCount(1)
  await expect(fresh).toHaveAttribute('data-expiry', 'soon')
  // the workspace cannot be renamed by a non-administrator: said, not hidden
  await expect(page.getByTestId('workspace-rename').first()).toBeDisabled()
})

test('the credentials limit: when reached, Create is disabled and the reason is shown', async ({ page }) => {
  const env = await makeEnv({ maxCredentials: 1 })
  try {
    await addConnection(env)
    await env.open(page, '#/workspace')
    await expect(credentialRow(page, 'demo')).toBeVisible()
    await expect(page.getByTestId('credentials-limit')).toContainText('limit of 1 credential')
    await expect(page.getByTestId('credentials-create')).toBeDisabled()
  } finally {
    await disposeEnv(env)
  }
})

test('invite: Add is disabled while blank, a malformed email is refused at the field, a valid one gives the link', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/workspace')
  await expect(page.getByTestId('invite-add')).toBeDisabled()
  await invite(page, 'not-an-email')
  await expect(page.getByTestId('invite-error')).toContainText('Enter a valid email address')
  await expect(page.getByTestId('invite-email')).toHaveValue('not-an-email')
  await invite(page, 'new.colleague@example.com')
  await expect(page.getByTestId('invite-dialog')).toBeVisible()
  await expect(page.getByTestId('invite-link')).toContainText('invite=')
  await page.getByTestId('invite-close').click()
  await expect(page.getByTestId('invite-email')).toHaveValue('')
})

test('workspaces and gateway tokens: rename your own, leave another with a confirmation; a token is shown once and can be revoked', async ({ page, env }) => {
  await addConnection(env)
  await env.open(page, '#/workspace')
  const rows = page.getByTestId('workspace-row')
  await expect(rows).toHaveCount(2)
  const own = rows.filter({ has: page.getByTestId('workspace-current') })
  await expect(own.getByTestId('workspace-name')).toHaveText('Demo Company')
  await own.getByTestId('workspace-rename').click()
  await page.getByTestId('workspace-name-input').fill('Demo Co')
  await page.getByTestId('workspace-name-input').press('Enter')
  await expect(own.getByTestId('workspace-name')).toHaveText('Demo Co')
  await expect(page.getByTestId('credentials-workspace')).toHaveText('Demo Co')

  // the other workspace's keys are listed under its name
  const lab = env.server.seed!.workspaces!.researchLab
  await expect(page.getByTestId(`credentials-other-${lab.companyId}`)).toContainText('Research Lab')
  await expect(page.getByTestId(`credentials-other-${lab.companyId}`)).toContainText(lab.adminKey.accessKey)

  // leave: the confirmation says what it costs; cancelled here
  await rows.filter({ hasText: 'Research Lab' }).getByTestId('workspace-leave').click()
  await expect(confirmDialog(page)).toContainText('lose access to its resources')
  await expect(confirmDialog(page)).toContainText('revoked')
  await expect(confirmDialog(page)).toContainText('stay in that workspace')
  await expect(confirmDialog(page)).toContainText('invited again')
  await answerConfirm(page, false)
  await expect(rows).toHaveCount(2)

  // gateway tokens
  await expect(page.getByTestId('gateway-empty')).toBeVisible()
  await generateGatewayToken(page, 'inference', '0')
  await expect(page.getByTestId('gateway-days-field')).toContainText('Expiration must be at least 1 day')
  await page.getByTestId('gateway-days').fill('14')
  await page.getByTestId('gateway-submit').click()
  await expect(page.getByTestId('gateway-token-dialog')).toBeVisible()
  const token = (await page.getByTestId('gateway-token').textContent())!.trim()
  expect(token.length).toBeGreaterThan(10)
  await page.getByTestId('gateway-token-close').click()
  await expect(page.locator('body')).not.toContainText(token)
  const trow = page.getByTestId('gateway-row').filter({ hasText: 'inference' })
  await expect(trow).toHaveCount(1)
  await trow.getByTestId('gateway-revoke').click()
  await expect(confirmDialog(page)).toContainText('inference')
  await answerConfirm(page, true)
  await expect(page.getByTestId('gateway-row')).toHaveCount(0)

  // switch sets the workspace the web app opens; the console stays where its key belongs
  await rows.filter({ hasText: 'Research Lab' }).getByTestId('workspace-switch').click()
  await expect(page.getByText('The web app now opens “Research Lab”')).toBeVisible()
  // the current workspace cannot be left (its key is the console's); another one can, for real
  await expect(own.getByTestId('workspace-leave')).toHaveCount(0)
  await rows.filter({ hasText: 'Research Lab' }).getByTestId('workspace-leave').click()
  await answerConfirm(page, true)
  await expect(rows).toHaveCount(1)
  await expect(page.getByTestId(`credentials-other-${lab.companyId}`)).toHaveCount(0)
})

test('an open-source server: gateway tokens, storage cleanup, workspaces and expiry are shown as unavailable with the reason', async ({ page }) => {
  const env = await makeEnv({ featureSet: 'basic' })
  try {
    await addConnection(env)
    await env.open(page, '#/workspace')
    await expect(page.getByTestId('gateway-unavailable')).toContainText('ClearML Enterprise')
    await expect(page.getByTestId('workspaces-unavailable')).toContainText('ClearML Enterprise')
    await expect(page.getByTestId('invite-unavailable')).toBeVisible()
    await expect(page.getByTestId('invite-add')).toBeDisabled()
    await expect(page.getByTestId('workspace-vault-unavailable')).toContainText('ClearML Enterprise')
    await expect(credentialRow(page, 'demo')).toBeVisible()
    await expect(page.getByTestId('credentials-expiry-unavailable')).toBeVisible()
    await page.getByTestId('credentials-create').click()
    await expect(page.getByTestId('create-expiration-unavailable')).toBeVisible()
    await page.getByTestId('create-submit').click()
    await expect(newCredentialDialog(page)).toBeVisible()
    await page.getByTestId('new-credential-close').click()

    await page.getByTestId('nav-configuration').click()
    await expect(page.getByTestId('prefs')).toBeVisible()
    await expect(page.getByTestId('pref-reportStats')).toContainText('Send anonymous usage data (Global setting)')
    await openStorageCleanup(page)
    await expect(page.getByTestId('storage-unavailable')).toContainText('Enterprise')
    await expect(page.getByTestId('storage-tile-aws')).toBeDisabled()
  } finally {
    await disposeEnv(env)
  }
})
