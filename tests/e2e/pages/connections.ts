// Page helpers for the Connections screen (features/connections).
import { expect, type Locator, type Page } from '@playwright/test'
import type { Env } from '../fixtures'

/** Add a connection through the UI by pasting the credentials snippet. */
export async function addConnectionFromSnippet(page: Page, env: Env, name = 'Local demo') {
  await page.getByTestId('conn-snippet').fill(env.snippet())
  const nameInput = page.getByTestId('conn-name')
  await nameInput.fill(name)
  await expect(page.getByTestId('conn-api-url')).toHaveValue(env.server.url)
  await page.getByTestId('conn-save').click()
}

/** Add a connection straight through the core (for tests about something else). */
export async function addConnection(env: Env, opts: { name?: string; production?: boolean; activate?: boolean } = {}) {
  const admin = env.server.seed!.admin
  return env.core.invoke('connections.create', {
    name: opts.name ?? 'Local demo',
    apiUrl: env.server.url,
    accessKey: admin.accessKey,
    secretKey: admin.secretKey,
    production: opts.production ?? false,
    activate: opts.activate ?? true
  })
}

export function connectionRow(page: Page, name: string): Locator {
  return page.getByTestId('connection-row').filter({ has: page.getByTestId('connection-name').getByText(name, { exact: true }) })
}

export async function searchConnections(page: Page, text: string) {
  await page.getByTestId('connections-search').fill(text)
}
