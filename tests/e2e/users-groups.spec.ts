// Users & Groups end to end in Chromium against the reference server (enterprise): the users table from the
// synced local table (search, sort by a column header, pending invitation, invite with bad input refused at the
// field, remove with the consequences stated, role change), the user groups (built-ins, duplicate name at the field, member picker,
// removed members really removed, delete with what is lost) and a non-administrator's explanation.
import { expect, test } from './fixtures'
import { addConnection } from './pages/connections'
import { answerConfirm, confirmDialog } from './pages/shell'
import { addMember, groupDialog, groupRow, groupRows, inviteUser, openGroups, openUsers, searchUsers, userRow, userRows } from './pages/users-groups'

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-v1'

test('users: synced table, search, pending invitation, invite refused at the field, remove with its consequences', async ({ page, env }) => {
  await addConnection(env)
  await page.setViewportSize({ width: 1500, height: 900 })
  await openUsers(page, env)
  await expect(userRows(page)).toHaveCount(7)
  await expect(userRow(page, 'dana@demo.example')).toContainText('Dana Lee')
  await expect(userRow(page, 'dana@demo.example').getByTestId('user-groups')).toContainText('Platform Team')
  const carol = userRow(page, 'carol@demo.example')
  await expect(carol.getByTestId('user-status')).toContainText('Pending')
  await expect(carol.getByTestId('user-status')).toContainText('added')
  await page.screenshot({ path: `${SHOTS}/users.png` })

  // search by name, email or id
  await searchUsers(page, 'ALICE')
  await expect(userRows(page)).toHaveCount(1)
  await searchUsers(page, env.server.seed!.outsider.id)
  await expect(userRows(page)).toHaveCount(1)
  await expect(userRows(page)).toContainText('Bob Jones')
  await searchUsers(page, 'nobody-like-this')
  await expect(page.getByTestId('users-no-match')).toBeVisible()
  await searchUsers(page, '')
  await expect(userRows(page)).toHaveCount(7)

  // sort by a column header (a button, its order in aria-sort); again turns the order around
  const emailHeader = page.getByRole('columnheader', { name: 'Email' })
  await expect(page.getByRole('columnheader', { name: 'Username' })).toHaveAttribute('aria-sort', 'ascending')
  await page.getByTestId('users-sort-email').click()
  await expect(emailHeader).toHaveAttribute('aria-sort', 'ascending')
  await expect(userRows(page).first()).toContainText('admin@demo.example')
  await page.getByTestId('users-sort-email').press('Enter')
  await expect(emailHeader).toHaveAttribute('aria-sort', 'descending')
  await expect(userRows(page).first()).toContainText('fiona@demo.example')
  await page.getByTestId('users-sort-name').click()

  // invite: Add disabled while blank; malformed and duplicate addresses refused at the field
  await expect(page.getByTestId('users-invite-add')).toBeDisabled()
  await inviteUser(page, 'not-an-email')
  await expect(page.getByTestId('users-invite-error')).toContainText('valid email')
  await inviteUser(page, 'Dana@demo.example')
  await expect(page.getByTestId('users-invite-error')).toContainText('already a member')
  await inviteUser(page, 'carol@demo.example')
  await expect(page.getByTestId('users-invite-error')).toContainText('already been invited')
  await page.screenshot({ path: `${SHOTS}/users-invite-error.png` })
  await inviteUser(page, 'newbie@demo.example')
  await expect(userRow(page, 'newbie@demo.example').getByTestId('user-status')).toContainText('Pending')
  await expect(page.getByTestId('users-invite-email')).toHaveValue('')

  // remove: the confirmation states the consequences
  await userRow(page, 'fiona').getByTestId('user-remove').click()
  await expect(confirmDialog(page)).toContainText('existing access credentials are revoked')
  await expect(confirmDialog(page)).toContainText('re-invite')
  await page.screenshot({ path: `${SHOTS}/users-remove.png` })
  await answerConfirm(page, true)
  await expect(userRow(page, 'fiona')).toHaveCount(0)
  await expect(userRows(page)).toHaveCount(7)
})

test('users: role change; the Admins group follows', async ({ page, env }) => {
  await addConnection(env)
  await page.setViewportSize({ width: 1500, height: 900 })
  await openUsers(page, env)
  const evan = userRow(page, 'Evan Park')
  await evan.getByTestId('user-role-select').selectOption('admin')
  await expect(confirmDialog(page)).toContainText('Make Evan Park an Admin')
  await answerConfirm(page, true)
  await expect(evan.getByTestId('user-groups')).toContainText('Admins')
})

test('groups: built-ins, duplicate name at the field, member picker, removed members really removed, delete', async ({ page, env }) => {
  await addConnection(env)
  const seed = env.server.seed!
  await page.setViewportSize({ width: 1500, height: 900 })
  // the users sync first (the member picker searches the synced table)
  await env.core.invoke('admin.users.sync', {})
  await openGroups(page, env)
  await expect(groupRows(page).first()).toContainText('Users')
  await expect(groupRow(page, 'Users').getByTestId('group-edit')).toBeDisabled()
  await expect(groupRow(page, 'Users').getByTestId('group-delete')).toBeDisabled()
  await expect(groupRow(page, 'Admins').getByTestId('group-delete')).toBeDisabled()
  await expect(groupRow(page, 'Queue admins').getByTestId('group-delete')).toBeDisabled()
  await expect(groupRow(page, 'ML Team').getByTestId('group-row-members')).toContainText('Alice Smith')
  await page.screenshot({ path: `${SHOTS}/groups.png` })

  // a duplicate name is refused at the field, Save stays disabled
  await page.getByTestId('group-add').click()
  await expect(groupDialog(page)).toBeVisible()
  await page.getByTestId('group-name').fill(' ml team ')
  await expect(page.getByTestId('group-name-error')).toContainText('already exists')
  await expect(page.getByTestId('group-save')).toBeDisabled()
  await page.screenshot({ path: `${SHOTS}/group-duplicate.png` })
  await page.getByTestId('group-name').fill('Vision')
  await expect(page.getByTestId('group-save')).toBeEnabled()
  await page.getByTestId('group-description').fill('Computer vision')
  await addMember(page, 'Dana')
  await addMember(page, 'Evan')
  await expect(page.getByTestId('group-member')).toHaveCount(2)
  await page.screenshot({ path: `${SHOTS}/group-dialog.png` })
  await page.getByTestId('group-save').click()
  await expect(groupDialog(page)).toHaveCount(0)
  await expect(groupRow(page, 'Vision').getByTestId('group-row-members')).toContainText('2')

  // edit: remove a member; it is really gone on the server
  await groupRow(page, 'Vision').getByTestId('group-edit').click()
  await expect(page.getByTestId('group-member')).toHaveCount(2)
  await page.getByTestId('group-member').filter({ hasText: 'Evan Park' }).getByTestId('group-member-remove').click()
  await page.getByTestId('group-save').click()
  await expect(groupDialog(page)).toHaveCount(0)
  await expect(groupRow(page, 'Vision').getByTestId('group-row-members')).toContainText('1')
  const id = await groupRow(page, 'Vision').getAttribute('data-group-id')
  const members = await env.core.invoke('admin.groups.members', { id: id! })
  expect(members.map((m) => m.id)).toEqual([seed.organisation.people.dana.id])

  // delete: what the members lose
  await groupRow(page, 'Vision').getByTestId('group-delete').click()
  await expect(confirmDialog(page)).toContainText('lose the access privileges that had been granted to the group')
  await answerConfirm(page, true)
  await expect(groupRow(page, 'Vision')).toHaveCount(0)
})

test('a non-administrator gets the explanation instead of an empty screen', async ({ page, env }) => {
  const alice = env.server.seed!.member
  await env.core.invoke('connections.create', { name: 'Alice', apiUrl: env.server.url, accessKey: alice.accessKey, secretKey: alice.secretKey, activate: true })
  await openUsers(page, env)
  await expect(page.getByTestId('users-not-admin')).toContainText("Only administrators can see the organisation's users")
  await page.screenshot({ path: `${SHOTS}/users-not-admin.png` })
  await page.locator('.n-tabs-tab').filter({ hasText: 'User groups' }).click()
  await expect(page.getByTestId('groups-not-admin')).toBeVisible()
})

test('offline: users and groups from the cache with their age; every change refused with the reason', async ({ page, env }) => {
  await addConnection(env)
  await openUsers(page, env)
  await expect(userRows(page)).toHaveCount(7)
  await openGroups(page, env)
  await expect(groupRow(page, 'ML Team')).toBeVisible()

  await env.stopServer()
  await openUsers(page, env)
  await page.reload()
  // the synced table answers: search still works, and the age is said
  await expect(page.getByTestId('users-cached')).toContainText('cached as of', { timeout: 20_000 })
  await expect(userRows(page)).toHaveCount(7)
  await searchUsers(page, 'dana')
  await expect(userRows(page)).toHaveCount(1)
  await expect(page.getByTestId('users-invite-email')).toBeDisabled()
  await expect(page.getByTestId('users-invite-error')).toContainText('cannot be reached')
  await expect(userRows(page).first().getByTestId('user-remove')).toBeDisabled()
  await expect(page.getByTestId('users-sync')).toBeDisabled()
  await page.screenshot({ path: `${SHOTS}/users-offline.png` })
  // the core refuses a change too, whatever the screen shows
  await expect(env.core.invoke('admin.users.invite', { email: 'new@demo.example' })).rejects.toMatchObject({ code: 'offline' })

  await openGroups(page, env)
  await expect(page.getByTestId('groups-cached')).toContainText('cached as of', { timeout: 20_000 })
  await expect(groupRow(page, 'ML Team')).toBeVisible()
  await expect(page.getByTestId('group-add')).toBeDisabled()
  await expect(env.core.invoke('admin.groups.save', { name: 'Offline group' })).rejects.toMatchObject({ code: 'offline' })
})
