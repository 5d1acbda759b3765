// Resource Configuration end to end: the spec's example graph built with the mouse from an empty
// configuration (modals for pools and profiles, drags for links and orders), undo/redo back and forth to the
// same document, rules at the field, provisioning that makes the server equal the draft, offline view and
// draft, Reset Configuration, Validate, the resource-management toggle, keyboard access, and a server changed
// meanwhile that makes provisioning refuse with the difference.
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { addConnection } from './pages/connections'
import {
  addPool,
  addProfile,
  connect,
  dragLink,
  dragReorder,
  draftDoc,
  fitView,
  fromDraft,
  fromServer,
  linkList,
  openEditor,
  openResources,
  poolNode,
  precedenceOf,
  priorityList,
  priorityOf,
  profileNode,
  publishConfig,
  serverCall,
  serverConfig,
  waitDraftSaved,
  writeShape
} from './pages/resources'

const BM = 'Bare Metal Low END GPUs'
const H100 = 'H100 Half a Superpod'

/** Screenshots for the review, when RESOURCES_SHOTS_DIR names a folder. */
async function shot(page: Page, name: string) {
  const dir = process.env.RESOURCES_SHOTS_DIR
  if (dir) await page.screenshot({ path: `${dir}/${name}.png` })
}

test('the spec’s example built with the mouse; undo/redo restore it exactly; provisioning makes the server equal the draft', async ({ page, env }) => {
  test.setTimeout(180_000)
  await addConnection(env)
  await publishConfig(env, { pools: [], profiles: [] })
  await openResources(page, env)
  await expect(page.getByTestId('resources-empty')).toBeVisible()
  await openEditor(page)

  // Pools, with the rules at the field: a taken name, no resources.
  await addPool(page, BM, '16')
  await page.getByTestId('resources-add-pool').click()
  const pd = page.getByTestId('pool-dialog')
  await pd.getByTestId('pool-name').fill('bare metal low end GPUs')
  await expect(pd.getByTestId('pool-name-error')).toContainText('already exists')
  await pd.getByTestId('pool-resources').fill('0')
  await expect(pd.getByTestId('pool-resources-error')).toContainText('at least 1')
  await expect(pd.getByTestId('pool-submit')).toBeDisabled()
  await pd.getByTestId('pool-name').fill(H100)
  await pd.getByTestId('pool-resources').fill('16')
  await expect(pd.getByTestId('pool-name-error')).toBeEmpty()
  await pd.getByTestId('pool-submit').click()
  await expect(poolNode(page, H100)).toHaveCount(1)

  // Profiles, with an allotment of 0 refused; fractions as people write them.
  await page.getByTestId('resources-add-profile').click()
  const fd = page.getByTestId('profile-dialog')
  await fd.getByTestId('profile-name').fill('0.5xGPU')
  await fd.getByTestId('profile-allotment').fill('0')
  await expect(fd.getByTestId('profile-allotment-error')).toContainText('greater than 0')
  await expect(fd.getByTestId('profile-submit')).toBeDisabled()
  await fd.getByTestId('profile-allotment').fill('1/2')
  await fd.getByTestId('profile-submit').click()
  await expect(profileNode(page, '0.5xGPU').getByTestId('card-allotment')).toContainText('0.5 per job')
  await addProfile(page, '2xGPU', '2')
  await addProfile(page, '4xGPU', '4')
  await addProfile(page, '8xGPU', '8')
  await fitView(page)
  await waitDraftSaved(page)
  await expect.poll(async () => (await draftDoc(env))?.profiles.length).toBe(4)
  const beforeLinks = (await draftDoc(env))!
  await expect(page.getByTestId('problems-toggle')).toHaveText('4 problems')

  // Links: drag a profile's handle onto a pool, name the link in Connect Profile.
  await dragLink(page, '0.5xGPU', H100)
  const cd = page.getByTestId('connect-dialog')
  await expect(cd).toBeVisible()
  await expect(cd.getByTestId('connect-pool-name')).toHaveText(H100)
  await cd.getByTestId('link-name').fill('0.5 GPU H100')
  await shot(page, 'connect-modal')
  await cd.getByTestId('connect-submit').click()
  await connect(page, '4xGPU', H100, '4 GPU H100 link')
  await connect(page, '8xGPU', H100, '8 GPU H100')
  await connect(page, '2xGPU', H100, '2 GPU H100')
  await connect(page, '4xGPU', BM, '4 GPU Low End')
  // A taken link name is refused at the field.
  await dragLink(page, '8xGPU', BM)
  await cd.getByTestId('link-name').fill('4 gpu low end')
  await expect(cd.getByTestId('link-name-error')).toContainText('already used')
  await expect(cd.getByTestId('connect-submit')).toBeDisabled()
  await cd.getByTestId('link-name').fill('8 GPU Low End')
  await cd.getByTestId('connect-submit').click()
  await expect(cd).toBeHidden()

  // Orders, by dragging the anchors: H100 runs 2, 4, 8, then 0.5; 4xGPU tries Bare Metal first.
  expect(await priorityOf(page, H100)).toEqual(['0.5xGPU', '4xGPU', '8xGPU', '2xGPU'])
  await dragReorder(page, priorityList(page, H100), 3, 0)
  await expect.poll(() => priorityOf(page, H100)).toEqual(['2xGPU', '0.5xGPU', '4xGPU', '8xGPU'])
  await dragReorder(page, priorityList(page, H100), 1, 3)
  await expect.poll(() => priorityOf(page, H100)).toEqual(['2xGPU', '4xGPU', '8xGPU', '0.5xGPU'])
  expect(await precedenceOf(page, '4xGPU')).toEqual([H100, BM])
  await dragReorder(page, linkList(page, '4xGPU'), 1, 0)
  await expect.poll(() => precedenceOf(page, '4xGPU')).toEqual([BM, H100])
  await expect(page.getByTestId('problems-toggle')).toHaveText('No problems')
  await expect
    .poll(async () => fromDraft((await draftDoc(env))!))
    .toMatchObject({
      pools: [
        { name: BM, priority: ['4 GPU Low End', '8 GPU Low End'] },
        { name: H100, priority: ['2 GPU H100', '4 GPU H100 link', '8 GPU H100', '0.5 GPU H100'] }
      ],
      profiles: [{}, {}, { name: '4xGPU', links: [`4 GPU Low End → ${BM}`, `4 GPU H100 link → ${H100}`] }, {}]
    })
  const built = (await draftDoc(env))!

  // Undo the 9 edits since the profiles (6 links, 3 reorders), then redo them: the same documents.
  for (let i = 0; i < 9; i++) await page.keyboard.press('ControlOrMeta+z')
  await expect.poll(() => draftDoc(env)).toEqual(beforeLinks)
  await expect(poolNode(page, H100).getByTestId('priority-item')).toHaveCount(0)
  for (let i = 0; i < 9; i++) await page.keyboard.press('ControlOrMeta+Shift+z')
  await expect(page.getByTestId('resources-redo')).toBeDisabled()
  await expect.poll(() => draftDoc(env)).toEqual(built)
  expect(await priorityOf(page, H100)).toEqual(['2xGPU', '4xGPU', '8xGPU', '0.5xGPU'])
  await shot(page, 'editor-mode')

  // Provision: the review lists the changes object by object; the server then holds exactly the draft.
  await page.getByTestId('resources-provision').click()
  const dialog = page.getByTestId('plan-dialog')
  await expect(dialog.getByTestId('plan-action')).toHaveText('update')
  await expect(dialog.getByTestId('resource-diff-entry').and(page.locator('[data-entity="pool"][data-action="added"]'))).toHaveCount(2)
  await expect(dialog.getByTestId('resource-diff-entry').and(page.locator('[data-entity="link"][data-action="added"]'))).toHaveCount(6)
  await shot(page, 'plan-dialog')
  await dialog.getByTestId('plan-apply').click()
  await expect(dialog.getByTestId('plan-result')).toContainText('applied', { timeout: 15_000 })
  expect(fromServer(await serverConfig(env))).toEqual(fromDraft(built))
  await dialog.getByTestId('plan-close').click()

  // Back in view mode: the provisioned graph, read-only.
  await expect(page.getByTestId('resources-view')).toBeVisible()
  await expect(poolNode(page, H100)).toBeVisible()
  expect(await priorityOf(page, H100)).toEqual(['2xGPU', '4xGPU', '8xGPU', '0.5xGPU'])
  await expect(page.getByTestId('card-menu')).toHaveCount(0)
  await expect(page.getByTestId('priority-anchor')).toHaveCount(0)
  await shot(page, 'view-mode')
})

test('offline: the provisioned view comes from the cache and the draft still opens and takes edits', async ({ page, env }) => {
  await addConnection(env)
  await openResources(page, env)
  await expect(poolNode(page, H100)).toBeVisible()
  await openEditor(page)
  await addPool(page, 'Drafted before going offline', '4')
  await waitDraftSaved(page)
  await page.getByTestId('resources-exit').click()
  await expect(page.getByTestId('resources-pending')).toBeVisible()

  await env.stopServer()
  await expect(page.getByTestId('status-badge')).toContainText('Offline', { timeout: 15_000 })
  await page.reload()
  await expect(page.getByTestId('resources-cache-notice')).toBeVisible()
  await expect(poolNode(page, H100)).toBeVisible()
  await expect(poolNode(page, 'Drafted before going offline')).toHaveCount(0)
  await shot(page, 'offline-view')

  await openEditor(page)
  await expect(poolNode(page, 'Drafted before going offline')).toBeVisible()
  await expect(page.getByTestId('resources-save')).toBeDisabled()
  await addProfile(page, 'Offline profile', '0.25')
  await waitDraftSaved(page)
  await expect.poll(async () => (await draftDoc(env))?.profiles.some((p) => p.name === 'Offline profile')).toBe(true)
})

test('Save, Validate (only after Save) and Reset Configuration, which drops saved and unsaved changes', async ({ page, env }) => {
  await addConnection(env)
  await openResources(page, env)
  await openEditor(page)
  await expect(page.getByTestId('resources-validate')).toBeDisabled()
  await addPool(page, 'Saved on the server', '8')
  await addProfile(page, 'Unlinked', '1')
  await page.getByTestId('resources-save').click()
  await expect(page.getByTestId('resources-saved-on-server')).toBeVisible()
  expect((await serverConfig(env, true)).pools.map((p) => p.name)).toContain('Saved on the server')
  await page.getByTestId('resources-validate').click()
  await expect(page.getByTestId('validation-result')).toBeVisible()
  await expect(page.getByTestId('validation-message').filter({ hasText: 'Unlinked is linked to no pool' })).toHaveCount(1)

  // A local change after Save: Validate waits for the next Save.
  await addPool(page, 'Only in the local draft', '2')
  await expect(page.getByTestId('resources-validate')).toBeDisabled()
  await expect(page.getByTestId('validation-result')).toHaveCount(0)
  await waitDraftSaved(page)

  await page.getByTestId('resources-reset').click()
  await expect(page.getByTestId('confirm-dialog')).toContainText('saved or not')
  await page.getByTestId('confirm-ok').click()
  await expect(poolNode(page, H100)).toBeVisible()
  await expect(poolNode(page, 'Saved on the server')).toHaveCount(0)
  await expect(poolNode(page, 'Only in the local draft')).toHaveCount(0)
  expect((await serverCall<{ exists: boolean }>(env, 'resources.check_edit_configuration', {})).exists).toBe(false)
  expect(fromDraft((await draftDoc(env))!)).toEqual(fromServer(await serverConfig(env)))
})

test('a change on the server after the draft started makes provisioning refuse, with the difference', async ({ page, env }) => {
  await addConnection(env)
  await openResources(page, env)
  await openEditor(page)
  await addPool(page, 'Mine', '4')
  await waitDraftSaved(page)

  // A colleague renames H100 and provisions meanwhile.
  const theirs = writeShape(await serverConfig(env))
  theirs.pools = theirs.pools.map((p) => (p.name === H100 ? { ...p, name: 'H100 renamed by a colleague' } : p))
  await publishConfig(env, theirs)

  await page.getByTestId('resources-provision').click()
  const dialog = page.getByTestId('plan-dialog')
  await expect(dialog.getByTestId('plan-action')).toHaveText('conflict')
  await expect(dialog.getByTestId('plan-apply')).toBeDisabled()
  await expect(dialog.getByTestId('resource-diff-theirs')).toContainText('H100 renamed by a colleague')
  await expect(dialog.getByTestId('resource-diff-entry').filter({ hasText: 'Mine' })).toHaveAttribute('data-action', 'added')
  await shot(page, 'plan-conflict')
  const names = (await serverConfig(env)).pools.map((p) => p.name)
  expect(names).toContain('H100 renamed by a colleague')
  expect(names).not.toContain('Mine')
})

test('resource management: turning it off asks first; cards work from the keyboard', async ({ page, env }) => {
  await addConnection(env)
  await openResources(page, env)
  await expect(poolNode(page, H100)).toBeVisible()
  await page.getByTestId('manager-toggle').click()
  const confirm = page.getByTestId('confirm-dialog')
  await expect(confirm).toContainText('Disabling resource management stops serving the policy queues. Tasks on these queues stay pending until it is enabled again.')
  await page.getByTestId('confirm-cancel').click()
  await expect(page.getByTestId('manager-toggle')).toHaveAttribute('aria-checked', 'true')
  await page.getByTestId('manager-toggle').click()
  await page.getByTestId('confirm-ok').click()
  await expect(page.getByTestId('manager-toggle')).toHaveAttribute('aria-checked', 'false')
  const wire = await serverCall<{ policy_manager: { enabled: boolean } }>(env, 'resources.get_resource_configuration', { edit: false })
  expect(wire.policy_manager.enabled).toBe(false)

  // View mode: Enter on a pool card opens its panel, with each link's queue. (The closing confirmation gives
  // the focus back to the switch first.)
  await expect(confirm).toBeHidden()
  await expect(page.getByTestId('manager-toggle')).toBeFocused()
  await poolNode(page, H100).focus()
  await expect(poolNode(page, H100)).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('pool-info-panel')).toContainText('2xGPU')

  // Editor: Enter opens a card's menu, Delete asks before deleting.
  await openEditor(page)
  await poolNode(page, BM).focus()
  await page.keyboard.press('Enter')
  await page.getByTestId('menu-edit').click()
  await expect(page.getByTestId('pool-dialog').getByTestId('pool-name')).toHaveValue(BM)
  await page.keyboard.press('Escape')
  await poolNode(page, BM).focus()
  await page.keyboard.press('Delete')
  await expect(page.getByTestId('confirm-dialog')).toContainText('4 GPU Low End')
  await page.getByTestId('confirm-ok').click()
  await expect(poolNode(page, BM)).toHaveCount(0)
  await page.keyboard.press('ControlOrMeta+z')
  await expect(poolNode(page, BM)).toHaveCount(1)
  expect(await precedenceOf(page, '4xGPU')).toEqual([BM, H100])
})
