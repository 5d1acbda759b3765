import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { expect } from 'vitest'
import { z } from 'zod'
import type { Endpoint } from '../../server/src/endpoint'
import { call, expectCode } from './helpers'

/**
 * The published catalog (../shared/clearml-endpoints.json, beside this repository) and a check of one endpoint against
 * its entry: roles, request fields with their required flags, the 400/11 for an empty body, 403/20 for a non-admin on an
 * admin endpoint, and the response's top-level fields. A catalog entry without response fields is a bare object
 * (`object` in the reference): its fields are this server's (README) and only its being an object is checked.
 */

export interface CatalogEntry { roles: string[] | null; request: Record<string, { type: string; required: boolean; default?: string }>; response: string[] }
const repoRoot = resolve(import.meta.dirname, '../..')
const catalog = JSON.parse(readFileSync(resolve(repoRoot, '../shared/clearml-endpoints.json'), 'utf8')) as {
  enterprise: Record<string, CatalogEntry>; opensource: Record<string, CatalogEntry>
}
export const ENTERPRISE_CATALOG = catalog.enterprise
export const OPENSOURCE_CATALOG = catalog.opensource

export type Key = { accessKey: string; secretKey: string }
const keysOf = (o: object) => Object.keys(o).sort()

export interface CatalogCheck {
  url: string
  entry: CatalogEntry
  ep: Endpoint
  admin: Key
  member: Key
  /** A valid request for the caller. */
  valid: (who: Key) => Promise<Record<string, unknown>>
  /** Roles expected when the catalog publishes none (roles: null). */
  unpublishedRoles?: readonly string[]
}

export async function checkAgainstCatalog({ url, entry, ep, admin, member, valid, unpublishedRoles }: CatalogCheck): Promise<unknown> {
  const name = ep.name
  if (entry.roles === null) expect([...(ep.roles ?? [])].sort(), `${name} roles (unpublished)`).toEqual([...(unpublishedRoles ?? [])].sort())
  else if (entry.roles.includes('all')) expect(ep.roles, `${name} roles`).toBeUndefined()
  else expect([...(ep.roles ?? [])].sort(), `${name} roles`).toEqual([...entry.roles].sort())
  expect(ep.auth).toBe('required')

  const shape = (ep.schema as z.ZodObject).shape as Record<string, z.ZodType>
  expect(keysOf(shape), `${name} request fields`).toEqual(keysOf(entry.request))
  for (const [field, spec] of Object.entries(entry.request)) {
    expect(shape[field].safeParse(undefined).success, `${name}.${field} optional`).toBe(!spec.required)
  }
  const required = Object.entries(entry.request).filter(([, s]) => s.required).map(([f]) => f).sort()
  const empty = await call(url, `/${name}`, { basic: admin, body: {} })
  if (required.length) {
    expectCode(empty, 400, 11)
    expect([...(empty.body.meta.error_data.fields as string[])].sort()).toEqual(required)
  } else {
    expect(empty.body.meta.result_subcode).not.toBe(11)
  }

  const asMember = await call(url, `/${name}`, { basic: member, body: await valid(member) })
  if (ep.roles) expectCode(asMember, 403, 20)
  else expectCode(asMember, 200, 0)

  const r = await call(url, `/${name}`, { basic: admin, body: await valid(admin) })
  if (entry.response.length === 0 && r.headers['content-type'] && !String(r.headers['content-type']).startsWith('application/json')) {
    expect(r.status).toBe(200) // a download: no envelope
    return r.raw
  }
  const data = expectCode(r, 200, 0).body.data as Record<string, unknown>
  if (entry.response.length) expect(keysOf(data), `${name} response fields`).toEqual([...entry.response].sort())
  else expect(typeof data).toBe('object')
  return data
}
