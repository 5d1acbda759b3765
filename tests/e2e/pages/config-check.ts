/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Page helpers for the Config check screen and its Monaco editor (components/ConfigEditor.vue).
import { expect, type Page } from '@playwright/test'
import type { Env } from '../fixtures'
import { monacoText } from './monaco'

/** Select all in the editor (focusing it first). */
export async function selectAll(page: Page) {
  await page.getByTestId('config-editor').locator('.monaco-editor .view-lines').click()
  await page.keyboard.press('ControlOrMeta+A')
}

/** Type into the editor (Monaco needs insertText; `type` drops characters). Auto-closing applies, as for a user. */
export async function typeText(page: Page, text: string) {
  await selectAll(page)
  await page.keyboard.press('Delete')
  await page.keyboard.insertText(text)
}

/** Paste over the whole text, the way an admin brings a clearml.conf in (a real paste event, no auto-closing). */
export async function pasteText(page: Page, text: string) {
  await selectAll(page)
  await page.getByTestId('config-editor').locator('textarea').evaluate((ta, t) => {
    const dt = new DataTransfer()
    dt.setData('text/plain', t)
    ta.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }))
  }, text)
}

/** The editor's text as Monaco renders it (lines sorted by position; the documents here fit on screen). */
export async function editorText(page: Page): Promise<string> {
  return monacoText(page.getByTestId('config-editor'))
}

/** Top of the rendered line n (1-based), relative to the page. */
export async function lineTop(page: Page, n: number): Promise<number> {
  return page.getByTestId('config-editor').evaluate((el, i) => {
    const lines = [...el.querySelectorAll<HTMLElement>('.view-lines .view-line')].sort(
      (a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)
    )
    return lines[i - 1].getBoundingClientRect().top
  }, n)
}

export async function openScreen(page: Page, env: Env) {
  await env.open(page, '#/config-check')
  await expect(page.getByTestId('config-editor').locator('.monaco-editor')).toBeVisible()
}
