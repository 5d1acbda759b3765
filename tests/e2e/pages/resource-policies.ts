/// <reference lib="dom" />
// Page helpers for the resource policies, utilisation and allocation preview tabs of Resource Configuration
// (renderer/src/features/resources/{Policies,Utilisation,Allocation}Panel.vue and policies/).
import { expect, type Locator, type Page } from '@playwright/test'
import type { Env } from '../fixtures'

export async function openPolicies(page: Page, env: Env, id?: string) {
  await env.open(page, `#/resource-configuration/policies${id ? `/${id}` : ''}`)
  await expect(page.getByTestId('panel-policies')).toBeVisible()
}

export async function openUtilisation(page: Page, env: Env) {
  await env.open(page, '#/resource-configuration/utilisation')
  await expect(page.getByTestId('panel-utilisation')).toBeVisible()
}

export async function openPreview(page: Page, env: Env) {
  await env.open(page, '#/resource-configuration/preview')
  await expect(page.getByTestId('panel-allocation')).toBeVisible()
}

export function policyRow(page: Page, name: string): Locator {
  return page.getByTestId('policy-row').filter({ has: page.getByTestId('policy-row-name').getByText(name, { exact: true }) })
}

/** Open a policy's details from the table. */
export async function selectPolicy(page: Page, name: string): Promise<Locator> {
  await policyRow(page, name).click()
  const details = page.getByTestId('policy-details')
  await expect(details.getByTestId('policy-details-name')).toHaveText(name)
  await expect(details.getByTestId('policy-reservation')).toBeVisible()
  return details
}

/** The policy form's message under one field (name, description, reservation, limit, group). */
export function policyFieldError(page: Page, field: 'name' | 'description' | 'reservation' | 'limit' | 'group'): Locator {
  return page.getByTestId(`policy-field-${field}`).locator('.n-form-item-feedback')
}

/** Fill the create / edit policy form. */
export async function fillPolicy(page: Page, v: { name?: string; reservation?: string; limit?: string; group?: string }) {
  const dialog = page.getByTestId('policy-dialog')
  if (v.name !== undefined) await dialog.getByTestId('policy-name').fill(v.name)
  if (v.reservation !== undefined) {
    await dialog.getByTestId('policy-reservation').fill(v.reservation)
    await dialog.getByTestId('policy-reservation').blur()
  }
  if (v.limit !== undefined) {
    await dialog.getByTestId('policy-limit').fill(v.limit)
    await dialog.getByTestId('policy-limit').blur()
  }
  if (v.group !== undefined) await chooseOption(page, dialog.getByTestId('policy-group'), v.group)
}

/** Open a Naive select and pick the option whose text starts with `text`. */
export async function chooseOption(page: Page, select: Locator, text: string) {
  await select.click()
  const option = page.locator('.n-base-select-option').filter({ hasText: text }).first()
  await expect(option).toBeVisible()
  await option.click()
}

/** The open select menu's profile options in the Connect dialog. */
export function connectOption(page: Page, profile: string): Locator {
  return page.getByTestId('connect-profile-option').filter({ has: page.locator('.connect-opt-name').getByText(profile, { exact: true }) })
}

export function allocationRow(page: Page, policy: string, job: number): Locator {
  return page.locator(`[data-testid="alloc-row"][data-policy="${policy}"][data-job="${job}"]`)
}
