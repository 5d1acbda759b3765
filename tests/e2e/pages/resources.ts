/// <reference lib="dom" />
// Page helpers for the Resource Configuration screen (features/resources): cards, modals, link drags and
// anchor reordering with the mouse, the draft as the core holds it, and the reference server's configuration.
import { expect, type Locator, type Page } from '@playwright/test'
import type { ResourceDoc } from '../../../shared/api'
import { RESOURCE_CONFIGURATION_ID } from '../../../shared/api'
import { call } from '../../server/helpers'
import type { Env } from '../fixtures'

export const poolNode = (page: Page, name: string): Locator => page.locator(`[data-testid="pool-node"][data-name="${name}"]`)
export const profileNode = (page: Page, name: string): Locator => page.locator(`[data-testid="profile-node"][data-name="${name}"]`)

export async function openResources(page: Page, env: Env) {
  await env.open(page, '#/resource-configuration')
  await expect(page.getByTestId('section-resource-configuration')).toBeVisible()
}

export async function openEditor(page: Page) {
  await page.getByTestId('resources-open-editor').click()
  await expect(page.getByTestId('resource-editor')).toBeVisible()
  await expect(page.getByTestId('resource-editor').getByTestId('resource-graph')).toBeVisible()
}

export async function fitView(page: Page) {
  await page.getByTestId('resources-fit').click()
}

/** Create Pool through its modal. */
export async function addPool(page: Page, name: string, resources: string) {
  await page.getByTestId('resources-add-pool').click()
  const dialog = page.getByTestId('pool-dialog')
  await expect(dialog).toBeVisible()
  await dialog.getByTestId('pool-name').fill(name)
  await dialog.getByTestId('pool-resources').fill(resources)
  await dialog.getByTestId('pool-submit').click()
  await expect(dialog).toBeHidden()
  await expect(poolNode(page, name)).toHaveCount(1)
}

/** Create Profile through its modal (fixed allotment, or dynamic with a task parameter). */
export async function addProfile(page: Page, name: string, allotment: string, costField?: string) {
  await page.getByTestId('resources-add-profile').click()
  const dialog = page.getByTestId('profile-dialog')
  await expect(dialog).toBeVisible()
  await dialog.getByTestId('profile-name').fill(name)
  if (costField) {
    await dialog.getByTestId('profile-dynamic').click()
    await dialog.getByTestId('profile-cost-field').fill(costField)
  }
  await dialog.getByTestId('profile-allotment').fill(allotment)
  await dialog.getByTestId('profile-submit').click()
  await expect(dialog).toBeHidden()
  await expect(profileNode(page, name)).toHaveCount(1)
}

const center = (b: { x: number; y: number; width: number; height: number }) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 })

/** Drags the profile's link handle onto the pool with the mouse; the Connect Profile modal opens. */
export async function dragLink(page: Page, profile: string, pool: string) {
  const from = await profileNode(page, profile).getByTestId('profile-handle').boundingBox()
  const to = await poolNode(page, pool).getByTestId('pool-handle').boundingBox()
  if (!from || !to) throw new Error(`the handles of ${profile} and ${pool} are not on screen`)
  const a = center(from)
  const b = center(to)
  await page.mouse.move(a.x, a.y)
  await page.mouse.down()
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 6 })
  await page.mouse.move(b.x, b.y, { steps: 6 })
  await page.mouse.up()
}

/** A link made the way a user makes it: drag, then name it in Connect Profile. */
export async function connect(page: Page, profile: string, pool: string, linkName: string) {
  const dialog = page.getByTestId('connect-dialog')
  // A drag under heavy load can end before the editor has followed the pointer onto the pool (the handles are read
  // once, before the move): then nothing opens, as for a person whose drop missed, and the drag is made again.
  for (let attempt = 1; ; attempt++) {
    await dragLink(page, profile, pool)
    const opened = await dialog.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)
    if (opened || attempt === 3) break
  }
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('connect-pool-name')).toHaveText(pool)
  await dialog.getByTestId('link-name').fill(linkName)
  await dialog.getByTestId('connect-submit').click()
  await expect(dialog).toBeHidden()
  await expect(profileNode(page, profile).getByTestId('link-item').filter({ hasText: linkName })).toHaveCount(1)
}

/** Drags the anchor of item `from` of a card's ordered list onto item `to`, with the mouse. */
export async function dragReorder(page: Page, list: Locator, from: number, to: number) {
  const items = list.locator('[data-reorder-item]')
  const anchor = await items.nth(from).locator('[data-reorder-anchor]').boundingBox()
  const src = await items.nth(from).boundingBox()
  const dst = await items.nth(to).boundingBox()
  if (!anchor || !src || !dst) throw new Error('the list is not on screen')
  const a = center(anchor)
  // Past the target's middle, so the item lands in its place.
  const dy = center(dst).y - center(src).y + (to > from ? 3 : -3)
  await page.mouse.move(a.x, a.y)
  await page.mouse.down()
  await page.mouse.move(a.x, a.y + dy / 2, { steps: 5 })
  await page.mouse.move(a.x, a.y + dy, { steps: 5 })
  await page.mouse.up()
}

export const priorityList = (page: Page, pool: string) => poolNode(page, pool).getByTestId('pool-priority')
export const linkList = (page: Page, profile: string) => profileNode(page, profile).getByTestId('profile-links')

/** A pool's execution priority as its card shows it (profile names). */
export async function priorityOf(page: Page, pool: string): Promise<string[]> {
  return priorityList(page, pool).getByTestId('priority-profile').allInnerTexts()
}
/** A profile's pool precedence as its card shows it (pool names). */
export async function precedenceOf(page: Page, profile: string): Promise<string[]> {
  return linkList(page, profile).getByTestId('link-pool').allInnerTexts()
}

export async function waitDraftSaved(page: Page) {
  await expect(page.getByTestId('resources-save-state')).toContainText('Draft saved', { timeout: 5000 })
}

/** The resource configuration's draft as the core holds it (what autosave wrote). */
export async function draftDoc(env: Env): Promise<ResourceDoc | null> {
  const list = await env.core.invoke('drafts.list', { kind: 'resources' })
  const d = list.find((x) => x.serverId === RESOURCE_CONFIGURATION_ID)
  if (!d) return null
  return (await env.core.invoke('drafts.get', { id: d.id })).content as ResourceDoc
}

// ---- the reference server (its admin's credentials)

interface WirePool {
  id: string
  name: string
  description: string | null
  resources: number
  links: string[]
}
interface WireProfile {
  id: string
  name: string
  description: string | null
  profile_cost: number
  cost_field: string | null
  pool_links: Array<{ id: string; name: string; pool: string }>
}
export interface WireConfig {
  pools: WirePool[]
  profiles: WireProfile[]
}

export async function serverCall<T = Record<string, unknown>>(env: Env, endpoint: string, body: unknown): Promise<T> {
  const r = await call(env.server.url, `/${endpoint}`, { body, basic: env.server.seed!.admin })
  if (r.status !== 200) throw new Error(`${endpoint}: ${r.status} ${r.body?.meta?.result_msg}`)
  return r.body.data as T
}

/** The published (provisioned) configuration, or the editing one with `edit`. */
export async function serverConfig(env: Env, edit = false): Promise<WireConfig> {
  return (await serverCall<{ configuration: WireConfig }>(env, 'resources.get_resource_configuration', { edit })).configuration
}

/** Sets and publishes a configuration on the server, as another administrator (or a setup step) would. */
export async function publishConfig(env: Env, config: { pools: unknown[]; profiles: unknown[] }) {
  await serverCall(env, 'resources.set_resource_configuration', config)
  await serverCall(env, 'resources.publish_resource_configuration', {})
}

/** The configuration in the server's write shape, from what it returned (ids kept). */
export function writeShape(c: WireConfig) {
  return {
    pools: c.pools.map((p) => ({ id: p.id, name: p.name, description: p.description, resources: p.resources, links: p.links })),
    profiles: c.profiles.map((p) => ({ id: p.id, name: p.name, description: p.description, profile_cost: p.profile_cost, cost_field: p.cost_field, pool_links: p.pool_links.map((l) => ({ id: l.id, name: l.name, pool: l.pool })) }))
  }
}

/** What provisioning must make equal on both sides: names, resources, allotments, links and the orders. */
export interface Comparable {
  pools: Array<{ name: string; resources: number; priority: string[] }>
  profiles: Array<{ name: string; allotment: number; costField: string | null; links: string[] }>
}

export function fromDraft(d: ResourceDoc): Comparable {
  const linkName = new Map(d.profiles.flatMap((p) => p.links.map((l) => [l.id, l.name] as const)))
  const poolName = new Map(d.pools.map((p) => [p.id, p.name]))
  return {
    pools: d.pools.map((p) => ({ name: p.name, resources: p.resources, priority: p.priority.map((l) => linkName.get(l) ?? l) })),
    profiles: d.profiles.map((p) => ({ name: p.name, allotment: p.allotment, costField: p.costField, links: p.links.map((l) => `${l.name} → ${poolName.get(l.pool)}`) }))
  }
}

export function fromServer(c: WireConfig): Comparable {
  const linkName = new Map(c.profiles.flatMap((p) => p.pool_links.map((l) => [l.id, l.name] as const)))
  const poolName = new Map(c.pools.map((p) => [p.id, p.name]))
  return {
    pools: c.pools.map((p) => ({ name: p.name, resources: p.resources, priority: p.links.map((l) => linkName.get(l) ?? l) })),
    profiles: c.profiles.map((p) => ({ name: p.name, allotment: p.profile_cost, costField: p.cost_field ?? null, links: p.pool_links.map((l) => `${l.name} → ${poolName.get(l.pool)}`) }))
  }
}
