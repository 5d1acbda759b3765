// Access Rules (RBAC) end to end in Chromium against the reference server (enterprise): the table with the View
// dropdown, target and assignee filters and deep links; the warning that no rule gives everyone access; creating a
// rule (refused at the field without a resource type or an assignee; same-named tasks told apart in the picker),
// editing it and deleting it with its consequences; the effective-access explainer (deep link; inheritance through a
// parent project and a group; the server's own check); a non-administrator's explanation; offline.
import { expect, test } from './fixtures'
import { addConnection } from './pages/connections'
import { chooseOption, openAccessRules, ruleDialog, ruleRow, ruleRows, searchAndChoose, setView } from './pages/access-rules'
import { answerConfirm, confirmDialog } from './pages/shell'

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-v1'

test('rules table: View dropdown, assignee filter, the everyone warning', async ({ page, env }) => {
  await addConnection(env)
  await page.setViewportSize({ width: 1500, height: 950 })
  const seed = env.server.seed!
  await openAccessRules(page, env)
  await expect(ruleRows(page)).toHaveCount(seed.counts.accessRules)
  await expect(ruleRow(page, 'CI uses the GPU queue').getByTestId('rule-row-target')).toHaveText('GPU queue')
  await expect(ruleRow(page, 'Everyone reads all projects').getByTestId('rule-row-access')).toHaveText('Read Only')
  // the demo opens projects and datasets to everyone, not queues: warned
  await expect(page.getByTestId('rules-everyone-warning')).toContainText('queues')
  await page.screenshot({ path: `${SHOTS}/access-rules.png` })

  await setView(page, /^Queues/)
  await expect(ruleRows(page)).toHaveCount(4)
  await expect(page).toHaveURL(/type=queue/)
  await searchAndChoose(page, page.getByTestId('rules-assignee-filter').locator('input'), 'Platform', /Platform Team/)
  await expect(ruleRows(page)).toHaveCount(1)
  await expect(ruleRows(page).getByTestId('rule-row-name')).toHaveText('Platform Team manages queues')
  await page.getByTestId('rules-clear-filters').click()
  await expect(ruleRows(page)).toHaveCount(seed.counts.accessRules)
})

test('deep links to filtered views; restoring the defaults lifts the everyone warning', async ({ page, env }) => {
  await addConnection(env)
  await page.setViewportSize({ width: 1500, height: 950 })
  const org = env.server.seed!.organisation
  await openAccessRules(page, env, `?assignee=${org.serviceAccounts.ci.id}`)
  await expect(ruleRows(page)).toHaveCount(1)
  await expect(ruleRows(page).getByTestId('rule-row-name')).toHaveText('CI uses the GPU queue')
  await openAccessRules(page, env, `?target=${org.projects.dev}`)
  await expect(ruleRows(page)).toHaveCount(1)
  await expect(ruleRows(page).getByTestId('rule-row-name')).toHaveText('ML Team owns Dev Experiments')
  await openAccessRules(page, env, '?type=model')
  await expect(page.getByTestId('rules-empty')).toContainText('No rules match the filters')

  // restoring the defaults opens everything to everyone: the warning goes
  await openAccessRules(page, env)
  await page.getByTestId('rules-restore-defaults').click()
  await answerConfirm(page, true)
  await expect(page.getByTestId('rules-everyone-warning')).toHaveCount(0)
})

test('create: refused at the field without a type or an assignee; one of three same-named tasks picked', async ({ page, env }) => {
  await addConnection(env)
  await page.setViewportSize({ width: 1500, height: 950 })
  const seed = env.server.seed!
  await openAccessRules(page, env)
  await expect(ruleRows(page)).toHaveCount(seed.counts.accessRules)

  await page.getByTestId('rule-add').click()
  await expect(ruleDialog(page)).toBeVisible()
  await page.getByTestId('rule-save').click()
  await expect(page.getByTestId('rule-type-error')).toHaveText('Choose a resource type')
  await expect(page.getByTestId('rule-assignees-error')).toHaveText('Add at least one user, service account or group')

  await chooseOption(page, page.getByTestId('rule-type-select'), /^Tasks$/)
  await page.getByTestId('rule-scope-one').click()
  const object = page.getByTestId('rule-object')
  await object.click()
  await object.fill('resnet')
  const options = page.locator('.n-base-select-option').filter({ hasText: 'train resnet50' })
  await expect(options).toHaveCount(3)
  // same names, told apart by project and status
  await expect(options.filter({ hasText: 'Dev Experiments/Vision' })).toContainText('failed')
  await page.screenshot({ path: `${SHOTS}/access-rules-task-picker.png` })
  await options.filter({ hasText: 'Dev Experiments/Vision' }).click()
  await page.getByTestId('rule-save').click()
  await expect(page.getByTestId('rule-assignees-error')).toHaveText('Add at least one user, service account or group')
  await searchAndChoose(page, page.getByTestId('rule-assignee-picker'), 'Evan', /Evan Park/)
  await searchAndChoose(page, page.getByTestId('rule-assignee-picker'), 'CI', /CI Pipeline/)
  await expect(page.getByTestId('rule-assignee')).toHaveCount(2)
  await expect(page.getByTestId('rule-assignee').filter({ hasText: 'CI Pipeline' })).toContainText('Service account')
  await expect(page.getByTestId('rule-assignees-error')).toHaveText('')
  await page.screenshot({ path: `${SHOTS}/access-rules-dialog.png` })
  await page.getByTestId('rule-save').click()
  await expect(ruleDialog(page)).toHaveCount(0)
  const row = ruleRow(page, 'Tasks: train resnet50')
  await expect(row.getByTestId('rule-row-access')).toHaveText('Read Only')
  await expect(row.getByTestId('rule-row-assignees')).toContainText('Evan Park')
})

test('edit a rule (permission, an assignee removed), no choice for application categories, delete with its consequences', async ({ page, env }) => {
  await addConnection(env)
  await page.setViewportSize({ width: 1500, height: 950 })
  const org = env.server.seed!.organisation
  await env.core.invoke('accessRules.save', {
    entityType: 'task', entityId: org.tasks.resnetVision, entityName: 'train resnet50', access: 'read', users: [org.people.evan.id, org.serviceAccounts.ci.id], groups: []
  })
  await openAccessRules(page, env)
  const row = ruleRow(page, 'Tasks: train resnet50')
  await expect(row.getByTestId('rule-row-assignees')).toContainText('Evan Park')

  // edit: Read & Modify, one assignee fewer
  await row.getByTestId('rule-edit').click()
  await expect(page.getByTestId('rule-assignee')).toHaveCount(2)
  await page.getByTestId('rule-access-read-write').click()
  await page.getByTestId('rule-assignee').filter({ hasText: 'Evan Park' }).getByTestId('rule-assignee-remove').click()
  await page.getByTestId('rule-save').click()
  await expect(ruleDialog(page)).toHaveCount(0)
  await expect(row.getByTestId('rule-row-access')).toHaveText('Read & Modify')
  await expect(row.getByTestId('rule-row-assignees')).not.toContainText('Evan Park')

  // application categories: no permission choice
  await page.getByTestId('rule-add').click()
  await chooseOption(page, page.getByTestId('rule-type-select'), /Application categories/)
  await expect(page.getByTestId('rule-access-help')).toContainText('always Read & Modify')
  await page.getByTestId('rule-scope-one').click()
  // a category is typed as the application templates spell it
  await searchAndChoose(page, page.getByTestId('rule-object'), 'Notebooks')
  await searchAndChoose(page, page.getByTestId('rule-assignee-picker'), 'Platform', /Platform Team/)
  await page.getByTestId('rule-save').click()
  await expect(ruleDialog(page)).toHaveCount(0)
  await expect(ruleRow(page, 'Application categories: Notebooks').getByTestId('rule-row-access')).toHaveText('Read & Modify')

  // delete: the consequences are stated
  await row.getByTestId('rule-delete').click()
  await expect(confirmDialog(page)).toContainText('will lose the access privileges granted by that rule')
  await answerConfirm(page, true)
  await expect(row).toHaveCount(0)
})

test('explainer: a deep link; inheritance through the parent project and a group; the server agrees', async ({ page, env }) => {
  await addConnection(env)
  await page.setViewportSize({ width: 1500, height: 950 })
  const seed = env.server.seed!
  const org = seed.organisation
  await openAccessRules(page, env, `?explain=${seed.member.id}&on=task:${org.tasks.resnetVision}&access=read_write`)
  await expect(page.getByTestId('explain-verdict')).toHaveText('Read & Modify')
  await expect(page.getByTestId('explain-sentence')).toContainText('Alice Smith may read and modify the task “train resnet50”')
  await expect(page.getByTestId('explain-grant').first()).toContainText('on the project Dev Experiments, through the group ML Team')
  await expect(page.getByTestId('explain-chain')).toHaveText('Dev Experiments/Vision → Dev Experiments')
  await expect(page.getByTestId('explain-server-agrees')).toContainText('agrees')
  await expect(page.getByTestId('explain-everyone-warning')).toHaveCount(0)
  await page.screenshot({ path: `${SHOTS}/access-rules-explain.png` })

  // a service account and a queue nobody gave it
  await page.getByTestId('explain-user').click()
  await page.getByTestId('explain-user').fill('GPU')
  await page.locator('.n-base-select-option').filter({ hasText: 'GPU Agent' }).click()
  await chooseOption(page, page.getByTestId('explain-type-select'), /^Queues$/)
  await searchAndChoose(page, page.getByTestId('explain-object'), 'cpu', /CPU queue/)
  await page.getByTestId('explain-access').getByText('Read', { exact: true }).click()
  await page.getByTestId('explain-run').click()
  await expect(page.getByTestId('explain-verdict')).toHaveText('No access')
  await expect(page.getByTestId('explain-reason')).toContainText('No rule that covers')
  await expect(page.getByTestId('explain-server-agrees')).toContainText('refused')
  // no rule opens queues to everyone: said where it matters
  await expect(page.getByTestId('explain-everyone-warning')).toContainText('No rule gives everyone access to queues')
  await expect(page).toHaveURL(new RegExp(`explain=${org.serviceAccounts.gpuAgent.id}`))
})

test('a non-administrator gets the explanation; offline: the cached table with its age, changes refused', async ({ page, env }) => {
  const alice = env.server.seed!.member
  const aliceConn = await env.core.invoke('connections.create', { name: 'Alice', apiUrl: env.server.url, accessKey: alice.accessKey, secretKey: alice.secretKey, activate: true })
  await openAccessRules(page, env)
  await expect(page.getByTestId('access-rules-not-admin')).toContainText("Only administrators can see and change the workspace's access rules")
  await page.screenshot({ path: `${SHOTS}/access-rules-not-admin.png` })

  await env.core.invoke('connections.delete', { id: aliceConn.id }).catch(() => undefined)
  await addConnection(env)
  await openAccessRules(page, env)
  await expect(ruleRows(page)).toHaveCount(env.server.seed!.counts.accessRules)
  await env.stopServer()
  await expect(page.getByTestId('rules-cached')).toContainText('cached as of', { timeout: 15_000 })
  await expect(page.getByTestId('rule-add')).toBeDisabled()
  await expect(ruleRows(page).first().getByTestId('rule-delete')).toBeDisabled()
  await expect(page.getByTestId('rules-offline')).toContainText('Changes need the server')
  await page.screenshot({ path: `${SHOTS}/access-rules-offline.png` })
})
