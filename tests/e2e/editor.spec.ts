/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The config editor's language features on the Config check screen (components/ConfigEditor.vue; the Monaco
// providers are global, see renderer/src/editor/assist.ts): key hovers and key completion from the
// clearml.conf key tree, and lint that goes on past a syntax error.
import { test, expect } from './fixtures'
import { editorText, openScreen, pasteText, typeText } from './pages/config-check'
import { cursorToEnd, hoverToken, hoverWidget, suggestionLabels, suggestWidget, triggerSuggest } from './pages/editor'

test('hovering a key shows its description, type and default', async ({ page, env }) => {
  await openScreen(page, env)
  await page.getByTestId('config-load-example').click()
  await expect(page.getByTestId('config-summary')).toHaveText('1 warning')
  await hoverToken(page, 'api_server')
  const hover = hoverWidget(page).filter({ hasText: 'api.api_server' })
  await expect(hover).toBeVisible()
  await expect(hover).toContainText("'api_server' is the api server (default port 8008), not the web server.")
  await expect(hover).toContainText('string')
  await expect(hover).toContainText('Default: ""')
})

test('hovering a key of a JSON text works the same way', async ({ page, env }) => {
  await openScreen(page, env)
  await pasteText(page, '{\n  "agent": {\n    "worker_name": "w"\n  }\n}')
  await expect(page.getByTestId('config-format-json')).toHaveClass(/checked/)
  await expect(page.getByTestId('config-summary')).toHaveText('No problems found')
  await hoverToken(page, '"worker_name"')
  const hover = hoverWidget(page).filter({ hasText: 'agent.worker_name' })
  await expect(hover).toBeVisible()
  await expect(hover).toContainText('An administrator vault cannot set this key')
})

test('inside sdk { aws { s3 { the suggestions are the keys of sdk.aws.s3, and one is inserted with its separator', async ({ page, env }) => {
  await openScreen(page, env)
  await typeText(page, 'sdk { aws { s3 { ')
  await triggerSuggest(page)
  await expect(suggestWidget(page)).toBeVisible()
  await expect.poll(() => suggestionLabels(page)).toEqual(expect.arrayContaining(['region', 'key', 'secret']))
  const labels = await suggestionLabels(page)
  expect(labels).not.toContain('api') // keys of the current object only
  // the selected suggestion's description is shown
  await page.keyboard.insertText('regi')
  await expect.poll(() => suggestionLabels(page)).toEqual(['region'])
  await page.keyboard.press('Enter')
  await expect(suggestWidget(page)).toBeHidden()
  await expect.poll(() => editorText(page)).toContain('s3 { region: ')
})

test('typing a dotted key suggests the keys below it', async ({ page, env }) => {
  await openScreen(page, env)
  await typeText(page, 'agent {\n')
  await cursorToEnd(page)
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('End')
  await page.keyboard.press('Enter')
  await page.keyboard.insertText('default_docker.')
  await expect(suggestWidget(page)).toBeVisible()
  await expect.poll(() => suggestionLabels(page)).toEqual(expect.arrayContaining(['image', 'arguments']))
  await page.keyboard.press('Escape')
})

test('a syntax error does not hide a misspelled key elsewhere: both are listed at their positions', async ({ page, env }) => {
  await openScreen(page, env)
  await pasteText(
    page,
    [
      'api {',
      '  web_server: "https://app.example.com"',
      '  api_server: "https://api.example.com" & more',
      '  files_server: "https://files.example.com"',
      '}',
      'sdk {',
      '  aws {',
      '    s3 {',
      '      key: "k"',
      '      regoin: "us-east-1"',
      '    }',
      '  }',
      '}'
    ].join('\n')
  )
  await expect(page.getByTestId('config-summary')).toHaveText('1 error, 1 warning')
  const problems = page.getByTestId('config-problem')
  await expect(problems).toHaveCount(2)
  await expect(problems.nth(0)).toHaveAttribute('data-severity', 'error')
  await expect(problems.nth(0)).toContainText('3:41')
  await expect(problems.nth(0)).toContainText("reserved character '&'")
  await expect(problems.nth(1)).toHaveAttribute('data-severity', 'warning')
  await expect(problems.nth(1)).toContainText('10:7')
  await expect(problems.nth(1)).toContainText("Did you mean 'region'?")
  // both are marked in the text
  await expect(page.getByTestId('config-editor').locator('.squiggly-error')).toHaveCount(1)
  await expect(page.getByTestId('config-editor').locator('.squiggly-warning')).toHaveCount(1)
  // the typo's fix still applies while the syntax error is there
  await problems.nth(1).getByTestId('config-fix').click()
  await expect(page.getByTestId('config-summary')).toHaveText('1 error')
  await expect(page.getByTestId('config-editor')).toContainText('region: "us-east-1"')
})

test('several syntax errors are each listed', async ({ page, env }) => {
  await openScreen(page, env)
  await pasteText(page, 'api.web_server = x & y\nsdk.aws.s3.credentials = [1, 2,,]\nsdk.aws.s3.regoin = "r"\nagent.git_user = }\n')
  await expect(page.getByTestId('config-summary')).toHaveText('3 errors, 1 warning')
  const positions = await page.getByTestId('config-problem').locator('.pos').allTextContents()
  expect(positions.map((p) => p.trim())).toEqual(['1:20', '2:32', '3:12', '4:18'])
})
