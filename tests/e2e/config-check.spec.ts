/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Config check screen: Monaco + the shared/config engine in a Web Worker (markers, problems, fixes, conversion, draft).
import { test, expect } from './fixtures'
import { editorText, lineTop, openScreen, pasteText, selectAll, typeText } from './pages/config-check'

test('empty state, example with one typo, fix button repairs it', async ({ page, env }) => {
  await openScreen(page, env)
  await expect(page.getByTestId('nav-config-check')).toHaveAttribute('aria-current', 'page')
  await expect(page.getByTestId('config-problems')).toContainText('Paste a clearml.conf or a vault')
  await page.getByTestId('config-load-example').click()
  await expect(page.getByTestId('config-summary')).toHaveText('1 warning')
  await expect(page.getByTestId('config-problem')).toHaveCount(1)
  await expect(page.getByTestId('config-problem').first()).toContainText("Did you mean 'region'?")
  await page.getByTestId('config-fix').click()
  await expect(page.getByTestId('config-summary')).toHaveText('No problems found')
  await expect(page.getByTestId('config-editor')).toContainText('region: "us-east-1"')
})

test('admin-vault rules flag agent.worker_name at line 2; markers carry the position', async ({ page, env }) => {
  await openScreen(page, env)
  await pasteText(page, 'agent {\n worker_name: "x"\n}')
  await expect.poll(() => editorText(page)).toBe('agent {\n worker_name: "x"\n}')
  await expect(page.getByTestId('config-summary')).toHaveText('No problems found')
  await page.getByTestId('config-admin-vault').click()
  await expect(page.getByTestId('config-summary')).toHaveText('1 error')
  const row = page.getByTestId('config-problem').first()
  await expect(row).toHaveAttribute('data-severity', 'error')
  await expect(row).toContainText('2:2')
  await expect(row).toContainText('agent.worker_name')
  // The squiggle is in the editor: Monaco renders an error decoration on line 2.
  await expect(page.getByTestId('config-editor').locator('.squiggly-error')).toHaveCount(1)
  const squiggle = page.getByTestId('config-editor').locator('.squiggly-error')
  const box = (await squiggle.boundingBox())!
  expect(Math.abs(box.y - (await lineTop(page, 2)))).toBeLessThan(4)
  // Hovering the squiggle shows the message.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await expect(page.locator('.monaco-hover').filter({ hasText: 'cannot be set in an administrator vault' })).toBeVisible()
  // Clicking the problem puts the cursor there.
  await row.locator('button.row').click()
  await expect(page.getByTestId('config-editor').locator('.monaco-editor')).toHaveClass(/focused/)
})

test('syntax error shows its position; typo suggests region and the fix applies', async ({ page, env }) => {
  await openScreen(page, env)
  await pasteText(page, 'sdk {')
  await expect(page.getByTestId('config-summary')).toHaveText('1 error')
  await expect(page.getByTestId('config-problem').first()).toContainText('1:5')
  await expect(page.getByTestId('config-problem').first()).toContainText("unclosed '{'")

  await typeText(page, 'sdk { aws { s3 { regoin: "x" } } }')
  await expect(page.getByTestId('config-summary')).toHaveText('1 warning')
  const row = page.getByTestId('config-problem').first()
  await expect(row).toHaveAttribute('data-severity', 'warning')
  await expect(row).toContainText('1:18')
  await expect(row).toContainText("Did you mean 'region'?")
  await row.getByTestId('config-fix').click()
  await expect(page.getByTestId('config-summary')).toHaveText('No problems found')
  await expect(page.getByTestId('config-editor')).toContainText('sdk { aws { s3 { region: "x" } } }')
})

test('quick fix through Monaco code actions (Ctrl+.)', async ({ page, env }) => {
  await openScreen(page, env)
  await typeText(page, 'sdk { aws { s3 { regoin: "x" } } }')
  await expect(page.getByTestId('config-summary')).toHaveText('1 warning')
  await page.getByTestId('config-problem').first().locator('button.row').click()
  await page.keyboard.press('Control+.')
  await expect(page.locator('.action-widget')).toContainText("Rename to 'region'")
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('config-summary')).toHaveText('No problems found')
})

test('convert to JSON produces valid JSON, asking first; reload keeps the draft', async ({ page, env }) => {
  await openScreen(page, env)
  await pasteText(page, '# my settings\nsdk { aws { s3 { region: "eu-west-1" } } }\napi.verify_certificate: false\n')
  await expect(page.getByTestId('config-summary')).toHaveText('No problems found')
  await page.getByTestId('config-convert').click()
  await page.getByTestId('config-convert-json').click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toContainText('comments will be lost')
  await dialog.getByRole('button', { name: 'Convert to JSON' }).click()
  await expect(page.getByTestId('config-format-json')).toHaveClass(/checked/)
  await expect(page.getByTestId('config-summary')).toHaveText('No problems found')
  const value = await editorText(page)
  expect(JSON.parse(value)).toEqual({ sdk: { aws: { s3: { region: 'eu-west-1' } } }, api: { verify_certificate: false } })

  await page.reload()
  await expect(page.getByTestId('config-editor').locator('.monaco-editor')).toBeVisible()
  await expect(page.getByTestId('config-format-json')).toHaveClass(/checked/)
  await expect.poll(() => editorText(page)).toBe(value)
  await expect(page.getByTestId('config-summary')).toHaveText('No problems found')
})

test('reload keeps typed text', async ({ page, env }) => {
  await openScreen(page, env)
  await pasteText(page, 'agent {\n  worker_id: "w1"\n}\n')
  await expect(page.getByTestId('config-summary')).toHaveText('No problems found')
  await page.reload()
  await expect(page.getByTestId('config-editor')).toContainText('worker_id: "w1"')
})

test('pasting JSON into the empty editor switches the format to JSON', async ({ page, env }) => {
  await openScreen(page, env)
  await pasteText(page, '{\n  "sdk": { "aws": { "s3": { "regoin": "x" } } }\n}')
  await expect(page.getByTestId('config-format-json')).toHaveClass(/checked/)
  await expect(page.getByTestId('config-summary')).toHaveText('1 warning')
  await expect(page.getByTestId('config-problem').first()).toContainText('2:29')
})

test('open file reads it locally and takes the format from its name', async ({ page, env }) => {
  await openScreen(page, env)
  await page.getByTestId('config-file-input').setInputFiles({
    name: 'vault.yaml',
    mimeType: 'text/plain',
    buffer: Buffer.from('sdk:\n  aws:\n    s3:\n      region: eu-west-1\n')
  })
  await expect(page.getByTestId('config-format-yaml')).toHaveClass(/checked/)
  await expect(page.getByTestId('config-editor')).toContainText('region: eu-west-1')
  // ClearML reads vaults as HOCON only: the engine warns about a YAML vault.
  await expect(page.getByTestId('config-summary')).toHaveText('1 warning')
  await expect(page.getByTestId('config-problem').first()).toContainText('HOCON only')
})

test('typing the block key by key (auto-closing on) is validated on each keystroke', async ({ page, env }) => {
  await openScreen(page, env)
  await page.getByTestId('config-admin-vault').click()
  await selectAll(page)
  await page.keyboard.insertText('agent {')
  await expect(page.getByTestId('config-summary')).toHaveText('No problems found') // Monaco closed the brace
  await page.keyboard.press('Enter')
  await page.keyboard.insertText('worker_name: "x"')
  await expect.poll(() => editorText(page)).toBe('agent {\n  worker_name: "x"\n}')
  await expect(page.getByTestId('config-summary')).toHaveText('1 error')
  await expect(page.getByTestId('config-problem').first()).toContainText('2:3')
  await expect(page.getByTestId('config-editor').locator('.squiggly-error')).toHaveCount(1)
})
