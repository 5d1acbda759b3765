/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Monaco as a test sees it, for every screen that hosts components/ConfigEditor.vue.
import type { Locator } from '@playwright/test'

/** The text a Monaco editor renders (lines sorted by position; the documents in tests fit on screen). */
export async function monacoText(editor: Locator): Promise<string> {
  return editor.evaluate((el) =>
    [...el.querySelectorAll<HTMLElement>('.view-lines .view-line')]
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
      .join('\n')
      .trimEnd()
  )
}
