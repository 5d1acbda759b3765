// Resource policies, utilisation and the allocation preview end to end, against the reference server's demo seed
// (the settings page's Example Workflow: Dev Team and Research Team, 8 reserved / limit 16, four queued 4xGPU jobs each).
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import type { ResourceDoc } from '../../shared/api'
import { expect, test } from './fixtures'
import { addConnection } from './pages/connections'
import {
  allocationRow,
  connectOption,
  fillPolicy,
  openPolicies,
  openPreview,
  openUtilisation,
  policyFieldError,
  policyRow,
  selectPolicy
} from './pages/resource-policies'

const ROOT = resolve(import.meta.dirname, '../..')

test('the policies table and the details of a policy show the demo seed', async ({ page, env }) => {
  await addConnection(env)
  await openPolicies(page, env)
  await expect(page.getByTestId('policy-row')).toHaveCount(2)
  const dev = policyRow(page, 'Dev Team')
  await expect(dev).toContainText('ML Team')
  await expect(dev.getByTestId('policy-row-reservation')).toHaveText('8')
  await expect(dev.getByTestId('policy-row-limit')).toHaveText('16')
  await expect(dev.getByTestId('policy-row-usage')).toHaveText('0 / 16')
  await expect(dev.getByTestId('policy-row-profiles')).toHaveText('1')
  await expect(policyRow(page, 'Research Team')).toContainText('Users')

  const details = await selectPolicy(page, 'Dev Team')
  await expect(page).toHaveURL(new RegExp(`#/resource-configuration/policies/${env.server.seed!.resources.policies.dev}$`))
  await expect(details.getByTestId('policy-limit')).toHaveText('16')
  await expect(details.getByTestId('policy-usage')).toHaveText('0 of 16')
  await details.getByTestId('policy-group').click()
  await expect(details.getByTestId('policy-member')).toHaveText(['Alice Smith'])
  const profile = details.getByTestId('policy-profile-row')
  await expect(profile).toHaveCount(1)
  await expect(profile.getByTestId('policy-profile-name')).toHaveText('4xGPU')
  await expect(profile.getByTestId('policy-profile-queue')).toHaveText('dev_team_4xgpu')
  await expect(profile.getByTestId('policy-profile-pools')).toHaveText('Bare Metal Low END GPUs → H100 Half a Superpod')
  await expect(profile.getByTestId('policy-profile-pending')).toHaveText('4')
  await expect(details.getByTestId('policy-task-row')).toHaveCount(4)
  await expect(details.getByTestId('policy-task-row').first()).toContainText('Alice Smith')
  await expect(details.getByTestId('policy-task-row').first()).toContainText('Dev Experiments')
  await expect(details.getByTestId('policy-task-status').first()).toHaveText('queued')

  // The deep link selects the policy after a reload.
  await page.reload()
  await expect(page.getByTestId('policy-details-name')).toHaveText('Dev Team')
  await page.getByTestId('policy-details-close').click()
  await expect(page.getByTestId('policy-details')).toHaveCount(0)
  await expect(page).toHaveURL(/#\/resource-configuration\/policies$/)
})

test('create a policy (refused at the field first), then connect a profile to it', async ({ page, env }) => {
  await addConnection(env)
  await openPolicies(page, env)
  await expect(page.getByTestId('policy-row')).toHaveCount(2)

  // Create: bad input is answered under each field and nothing is sent.
  await page.getByTestId('policy-create').click()
  const dialog = page.getByTestId('policy-dialog')
  await expect(dialog).toBeVisible()
  await fillPolicy(page, { name: '', reservation: '10', limit: '4' })
  await dialog.getByTestId('policy-save').click()
  await expect(policyFieldError(page, 'name')).toHaveText('Name is required')
  await expect(policyFieldError(page, 'reservation')).toHaveText('The reservation cannot exceed the limit')
  await expect(policyFieldError(page, 'group')).toContainText('required')
  await fillPolicy(page, { limit: '0' })
  await expect(policyFieldError(page, 'limit')).toHaveText('Limit must be greater than 0')
  // Then valid.
  await fillPolicy(page, { name: 'QA Team', reservation: '2', limit: '4', group: 'ML Team' })
  await expect(policyFieldError(page, 'reservation')).toHaveCount(0)
  await dialog.getByTestId('policy-save').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('policy-row')).toHaveCount(3)
  const details = page.getByTestId('policy-details')
  await expect(details.getByTestId('policy-details-name')).toHaveText('QA Team')
  await expect(details.getByTestId('policy-no-profiles')).toBeVisible()

  // Connect: provisioned profiles only; 8xGPU needs more than the limit of 4, so it is listed but disabled.
  await details.getByTestId('policy-connect').click()
  const connect = page.getByTestId('connect-dialog')
  await expect(connect).toBeVisible()
  await connect.getByTestId('connect-profile').click()
  await expect(page.getByTestId('connect-profile-option')).toHaveCount(4)
  const over = connectOption(page, '8xGPU')
  await expect(over).toHaveAttribute('data-disabled', 'true')
  await expect(over.getByTestId('connect-profile-reason')).toHaveText('Needs 8 resources per job; the policy’s limit is 4')
  await over.click({ force: true })
  await expect(connect.getByTestId('connect-profile-summary')).toHaveCount(0)
  await connectOption(page, '2xGPU').click()
  await expect(connect.getByTestId('connect-profile-summary')).toContainText('2 resources per job and runs in H100 Half a Superpod, else AWS Autoscaler')
  await expect(connect.getByTestId('connect-queue')).toHaveValue('qa_team_2xgpu')
  // An existing queue's name is refused at the field.
  await connect.getByTestId('connect-queue').fill('dev_team_4xgpu')
  await connect.getByTestId('connect-save').click()
  await expect(connect.getByTestId('connect-field-queue').locator('.n-form-item-feedback')).toContainText('already exists')
  await connect.getByTestId('connect-queue').fill('qa_team_2xgpu')
  await connect.getByTestId('connect-save').click()
  await expect(connect).toBeHidden()
  const row = details.getByTestId('policy-profile-row')
  await expect(row).toHaveCount(1)
  await expect(row.getByTestId('policy-profile-queue')).toHaveText('qa_team_2xgpu')
  await expect(policyRow(page, 'QA Team').getByTestId('policy-row-profiles')).toHaveText('1')
})

test('disconnect a profile and delete a policy: the confirmations name the queues and the jobs that return to draft', async ({ page, env }) => {
  await addConnection(env)
  await openPolicies(page, env)
  const details = await selectPolicy(page, 'Dev Team')
  // Disconnect Dev Team's 4xGPU.
  await details.getByTestId('policy-profile-row').getByTestId('policy-profile-disconnect').click()
  const confirm = page.getByTestId('confirm-dialog')
  await expect(confirm).toContainText('The queue Dev Team 4xGPU is deleted.')
  await expect(confirm).toContainText('Its 4 pending jobs return to draft')
  await expect(confirm.getByTestId('confirm-ok')).toHaveText('Disconnect and dequeue 4')
  await confirm.getByTestId('confirm-ok').click()
  await expect(details.getByTestId('policy-profile-row')).toHaveCount(0)
  await expect(details.getByTestId('policy-no-profiles')).toBeVisible()
  const dev = await env.core.invoke('resources.policy', { id: env.server.seed!.resources.policies.dev, refresh: true })
  expect(dev.value.profiles).toEqual([])

  // Delete Research Team: its queue is deleted and its 4 pending jobs return to draft.
  await selectPolicy(page, 'Research Team')
  await details.getByTestId('policy-delete').click()
  await expect(confirm).toContainText('Its 1 queue is deleted: Research Team 4xGPU.')
  await expect(confirm).toContainText('4 pending jobs return to draft')
  await confirm.getByTestId('confirm-ok').click()
  await expect(page.getByTestId('policy-row')).toHaveCount(1)
  await expect(policyRow(page, 'Research Team')).toHaveCount(0)
  await expect(page).toHaveURL(/#\/resource-configuration\/policies$/)
})

test('edit a policy and move it to another group: the confirmation says how many pending tasks are dequeued', async ({ page, env }) => {
  await addConnection(env)
  await openPolicies(page, env)
  const details = await selectPolicy(page, 'Research Team')
  await details.getByTestId('policy-edit').click()
  const dialog = page.getByTestId('policy-dialog')
  await expect(dialog.getByTestId('policy-name')).toHaveValue('Research Team')
  await fillPolicy(page, { limit: '6' })
  await expect(policyFieldError(page, 'reservation')).toHaveText('The reservation cannot exceed the limit')
  await fillPolicy(page, { reservation: '4', limit: '12', group: 'ML Team' })
  await expect(dialog.getByTestId('policy-group-change')).toBeVisible()
  await dialog.getByTestId('policy-save').click()
  // Bob's four queued jobs are not ML Team's.
  const confirm = page.getByTestId('confirm-dialog')
  await expect(confirm).toContainText('4 pending tasks of users who are not in ML Team are removed from its queues and return to draft.')
  await confirm.getByTestId('confirm-ok').click()
  await expect(dialog).toBeHidden()
  await expect(details.getByTestId('policy-group')).toHaveText('ML Team')
  await expect(details.getByTestId('policy-reservation')).toHaveText('4')
  await expect(details.getByTestId('policy-limit')).toHaveText('12')
  await expect(details.getByTestId('policy-profile-pending')).toHaveText('0')
})

test('the allocation preview reproduces the spec’s Example Workflow from the server’s queued jobs, and exports it', async ({ page, env }, info) => {
  await addConnection(env)
  await openPreview(page, env)
  await expect(page.getByTestId('alloc-jobs-server')).toContainText('(8)')
  await expect(page.getByTestId('alloc-source')).toContainText('provisioned configuration')
  await expect(page.getByTestId('alloc-headline')).toHaveText('4 of 8 jobs would start now; 4 stay pending.')
  for (const job of [1, 2]) {
    await expect(allocationRow(page, 'Dev Team', job)).toHaveAttribute('data-pool', 'Bare Metal Low END GPUs')
    await expect(allocationRow(page, 'Research Team', job)).toHaveAttribute('data-pool', 'H100 Half a Superpod')
  }
  for (const job of [3, 4]) {
    await expect(allocationRow(page, 'Dev Team', job).getByTestId('alloc-where')).toHaveText('pending')
    await expect(allocationRow(page, 'Research Team', job).getByTestId('alloc-where')).toHaveText('pending')
  }
  await expect(allocationRow(page, 'Research Team', 1).getByTestId('alloc-why')).toContainText('Within Research Team\'s reservation')
  await expect(allocationRow(page, 'Dev Team', 3).getByTestId('alloc-why')).toContainText('Pending')
  await expect(page.getByTestId('alloc-policy-placed')).toHaveText(['2', '2'])
  await expect(page.getByTestId('alloc-policy-pending')).toHaveText(['2', '2'])

  // Export: the command-line preview gives the same placements.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('alloc-export').click()])
  const file = info.outputPath('scenario.json')
  await download.saveAs(file)
  const out = execFileSync(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), resolve(ROOT, 'scripts/allocate.ts'), file], { cwd: ROOT, encoding: 'utf8' })
  const placements = (JSON.parse(out) as { placements: Array<{ policy: string; job: number; pool: string | null }> }).placements
  expect(placements.map((p) => `${p.policy} ${p.job}: ${p.pool ?? 'pending'}`)).toEqual([
    'Dev Team 1: Bare Metal Low END GPUs',
    'Dev Team 2: Bare Metal Low END GPUs',
    'Dev Team 3: pending',
    'Dev Team 4: pending',
    'Research Team 1: H100 Half a Superpod',
    'Research Team 2: H100 Half a Superpod',
    'Research Team 3: pending',
    'Research Team 4: pending'
  ])

  // An open draft of the configuration is previewed instead: 4xGPU now tries H100 first.
  const draft = await env.core.invoke('drafts.open', { kind: 'resources', serverId: 'configuration' })
  const doc = draft.content as ResourceDoc
  const content = { ...doc, profiles: doc.profiles.map((p) => (p.name === '4xGPU' ? { ...p, links: [...p.links].reverse() } : p)) }
  await env.core.invoke('drafts.save', { id: draft.id, draft: { kind: 'resources', content } })
  await expect(page.getByTestId('alloc-config-draft')).toBeVisible()
  await expect(page.getByTestId('alloc-source')).toContainText('Previewing the draft')
  await expect(allocationRow(page, 'Dev Team', 1)).toHaveAttribute('data-pool', 'H100 Half a Superpod')
  await expect(allocationRow(page, 'Research Team', 1)).toHaveAttribute('data-pool', 'Bare Metal Low END GPUs')
  await page.getByTestId('alloc-config-provisioned').click()
  await expect(allocationRow(page, 'Dev Team', 1)).toHaveAttribute('data-pool', 'Bare Metal Low END GPUs')

  // Jobs entered by hand: with one Research job, Dev Team's third borrows the rest of H100 (nobody else waits).
  await page.getByTestId('alloc-jobs-manual').click()
  const research = page.locator('[data-testid="alloc-pair-row"][data-policy="Research Team"]')
  await expect(research.getByTestId('alloc-count')).toHaveValue('4')
  await research.getByTestId('alloc-count').fill('1')
  await research.getByTestId('alloc-count').blur()
  await expect(page.getByTestId('alloc-headline')).toHaveText('4 of 5 jobs would start now; 1 stays pending.')
  await expect(allocationRow(page, 'Research Team', 1)).toHaveAttribute('data-pool', 'H100 Half a Superpod')
  await expect(allocationRow(page, 'Dev Team', 3)).toHaveAttribute('data-pool', 'H100 Half a Superpod')
  await expect(allocationRow(page, 'Dev Team', 3).getByTestId('alloc-why')).toContainText('Borrows beyond Dev Team\'s reservation')
})

test('the utilisation panel shows the pools and flags Dev Team and Research Team as starved', async ({ page, env }) => {
  await addConnection(env)
  await openUtilisation(page, env)
  const bare = page.locator('[data-testid="util-pool-row"][data-pool="Bare Metal Low END GPUs"]')
  await expect(bare.getByTestId('util-pool-total')).toHaveText('16')
  await expect(bare.getByTestId('util-pool-inuse')).toHaveText('8')
  await expect(bare.getByTestId('util-pool-free')).toHaveText('8')
  const starved = page.getByTestId('util-starved')
  await expect(starved).toHaveCount(2)
  for (const name of ['Dev Team', 'Research Team']) {
    const item = page.locator(`[data-testid="util-starved"][data-policy="${name}"]`)
    await expect(item.getByTestId('util-starved-why')).toContainText('4 jobs pending while it uses 0 of its 8 reserved resources')
    const row = page.locator(`[data-testid="util-policy-row"][data-policy="${name}"]`)
    await expect(row.getByTestId('util-policy-starved')).toBeVisible()
    await expect(row.getByTestId('util-policy-pending')).toHaveText('4')
    await expect(row.getByTestId('util-policy-borrowed')).toHaveText('—')
  }
})

test('offline, the policies show from the cache with its age and Create is refused with the reason', async ({ page, env }) => {
  await addConnection(env)
  await openPolicies(page, env)
  await expect(page.getByTestId('policy-row')).toHaveCount(2)
  await selectPolicy(page, 'Dev Team')
  await env.stopServer()
  await expect(page.getByTestId('status-badge')).toContainText('Offline', { timeout: 15_000 })
  await page.reload()
  await expect(page.getByTestId('policy-row')).toHaveCount(2)
  await expect(page.getByTestId('policies-cached')).toContainText(/Showing policies cached (just now|\d+ minutes? ago)/)
  await expect(page.getByTestId('policies-write-blocked')).toContainText('cannot be reached')
  await expect(page.getByTestId('policy-create')).toBeDisabled()
  // The selected policy's details come from the cache too; its changes are refused the same way.
  const details = page.getByTestId('policy-details')
  await expect(details.getByTestId('policy-details-name')).toHaveText('Dev Team')
  await expect(details.getByTestId('policy-details-cached')).toBeVisible()
  await expect(details.getByTestId('policy-delete')).toBeDisabled()
})

test('a member sees the policies that apply to them, read-only', async ({ page, env }) => {
  const m = env.server.seed!.member
  await env.core.invoke('connections.create', { name: 'Alice', apiUrl: env.server.url, accessKey: m.accessKey, secretKey: m.secretKey, production: false, activate: true })
  await openPolicies(page, env)
  await expect(page.getByTestId('policies-not-admin')).toBeVisible()
  // Alice is in ML Team (Dev Team's group) and, like everyone, in Users (Research Team's).
  await expect(page.getByTestId('policy-row')).toHaveCount(2)
  await expect(page.getByTestId('policy-create')).toHaveCount(0)
  await expect(policyRow(page, 'Dev Team').getByTestId('policy-row-profiles')).toHaveText('1')
  const details = await selectPolicy(page, 'Dev Team')
  await expect(details.getByTestId('policy-profile-row')).toHaveCount(1)
  await expect(details.getByTestId('policy-delete')).toHaveCount(0)
  await expect(details.getByTestId('policy-connect')).toHaveCount(0)
  await expect(details.getByTestId('policy-profile-disconnect')).toHaveCount(0)
  // The live figures are for administrators: a clear message, not an empty screen.
  await openUtilisation(page, env)
  await expect(page.getByTestId('util-error')).toContainText('Only administrators can see the resource configuration')
})
