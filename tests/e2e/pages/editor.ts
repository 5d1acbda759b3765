/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Page helpers for the config editor's language features (hover, suggestions) in any screen that hosts
// components/ConfigEditor.vue; `testid` is the editor's test-id prefix (`<testid>-editor`).
import { expect, type Locator, type Page } from '@playwright/test'

export function editorBox(page: Page, testid = 'config'): Locator {
  return page.getByTestId(`${testid}-editor`)
}

/** Moves the mouse over the first rendered token whose text is exactly `token` (e.g. a key). */
export async function hoverToken(page: Page, token: string, testid = 'config') {
  const span = editorBox(page, testid).locator('.view-line span span').filter({ hasText: new RegExp(`^${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first()
  await expect(span).toBeVisible()
  const box = (await span.boundingBox())!
  // move in from the side so Monaco sees a fresh mouse-over
  await page.mouse.move(box.x - 20, box.y + box.height / 2)
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 })
}

/** The hover widget Monaco shows (markers and key descriptions share it). */
export function hoverWidget(page: Page): Locator {
  return page.locator('.monaco-hover:not(.hidden)')
}

/** Puts the cursor at the very end of the text (the editor focused). */
export async function cursorToEnd(page: Page, testid = 'config') {
  await editorBox(page, testid).locator('.monaco-editor .view-lines').click()
  await page.keyboard.press('ControlOrMeta+End')
}

/** Opens the suggestion list at the cursor (Ctrl+Space). */
export async function triggerSuggest(page: Page) {
  await page.keyboard.press('Control+Space')
}

export function suggestWidget(page: Page): Locator {
  return page.locator('.suggest-widget.visible')
}

/** Labels of the suggestions shown (the list shows up to 12 rows, enough for one object's keys). */
export async function suggestionLabels(page: Page): Promise<string[]> {
  const rows = suggestWidget(page).locator('.monaco-list-row .label-name')
  return (await rows.allTextContents()).map((t) => t.trim())
}
