// Page helpers for the shell: the confirmation dialog, the command palette, the shortcut list.
import { expect, type Page } from '@playwright/test'

export const confirmDialog = (page: Page) => page.getByTestId('confirm-dialog')

/** Answer the open confirmation; `typeName` types the object's name first where it is asked. */
export async function answerConfirm(page: Page, ok: boolean, opts: { typeName?: string } = {}) {
  await expect(confirmDialog(page)).toBeVisible()
  if (opts.typeName !== undefined) await page.getByTestId('confirm-input').fill(opts.typeName)
  await page.getByTestId(ok ? 'confirm-ok' : 'confirm-cancel').click()
  await expect(confirmDialog(page)).toHaveCount(0)
}

/** Open the palette with Ctrl/Cmd+K, type, and run the first match. */
export async function runFromPalette(page: Page, text: string) {
  await page.keyboard.press('ControlOrMeta+K')
  const input = page.getByTestId('palette-input').locator('input')
  await input.fill(text)
  await input.press('Enter')
}
