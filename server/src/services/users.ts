import { z } from 'zod'
import { type Identity, empty, endpoint, requireIdentity, stringList } from '../endpoint'
import { errors } from '../errors'
import { groupsOfUser } from '../groups'
import { PatternError, compilePattern } from '../pattern'
import { RESERVED_KEYS, ownValue, setOwn } from '../request'
import type { Store, UserRow } from '../store'

/** users.* (clearml-api.md §2 "users"), without vaults (see vaults.ts). */

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Drops null columns: the server leaves unset fields out rather than sending null. */
function compact(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined))
}

function publicUser(u: UserRow): Json {
  return compact({
    id: u.id, company: u.company, name: u.name, given_name: u.given_name, family_name: u.family_name,
    avatar: u.avatar, created: u.created, created_in_version: u.created_in_version
  })
}

function sameCompanyUser(store: Store, identity: Identity, userId: string): UserRow {
  const user = store.userInCompany(userId, identity.company)
  if (!user) throw errors.invalidUserId(undefined, { id: userId })
  return user
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === undefined || a === null) return -1
  if (b === undefined || b === null) return 1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a).localeCompare(String(b))
}

/** Rejects `$`-prefixed keys anywhere and `.` inside nested keys (API 2.33 rules). Iterative: any depth is safe. */
function checkPreferenceKeys(root: unknown, rootPath: string): void {
  const stack: Array<[unknown, string]> = [[root, rootPath]]
  while (stack.length) {
    const [value, path] = stack.pop()!
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, `${path}[${i}]`]))
      continue
    }
    if (!isObject(value)) continue
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('$')) throw errors.fieldsValue('preference keys cannot start with $', { key: `${path}.${k}` })
      if (k.includes('.')) throw errors.fieldsValue('"." is allowed only in top-level preference keys', { key: `${path}.${k}` })
      if (RESERVED_KEYS.has(k)) throw errors.validation(`reserved key name '${k}'`, { key: `${path}.${k}` })
      stack.push([v, `${path}.${k}`])
    }
  }
}

/**
 * Each top-level key is a dot path that is created or replaced; the rest of the document is kept.
 * Only own properties are followed and created (never `obj[seg] = …` on a user-chosen segment), and the
 * segments `__proto__`, `constructor` and `prototype` are refused (400/12), so no path reaches a prototype.
 */
export function applyPreferences(current: Json, updates: Json): Json {
  const next = structuredClone(current)
  for (const [key, value] of Object.entries(updates)) {
    if (key.startsWith('$')) throw errors.fieldsValue('preference keys cannot start with $', { key })
    const path = key.split('.')
    if (path.some((seg) => !seg)) throw errors.invalidPreferencesUpdate('empty path segment', { key })
    if (path.some((seg) => seg.startsWith('$'))) throw errors.fieldsValue('preference keys cannot start with $', { key })
    if (path.some((seg) => RESERVED_KEYS.has(seg))) throw errors.validation('reserved key name in preference path', { key })
    checkPreferenceKeys(value, key)
    let cur = next
    for (const seg of path.slice(0, -1)) {
      const child = ownValue(cur, seg)
      if (child === undefined) {
        const created: Json = {}
        setOwn(cur, seg, created)
        cur = created
      } else if (!isObject(child)) throw errors.invalidPreferencesUpdate('path crosses a non-object value', { key })
      else cur = child
    }
    setOwn(cur, path[path.length - 1], value)
  }
  return next
}

const name = z.string().min(1).max(256)

export const userEndpoints = [
  endpoint({
    name: 'users.get_current_user', minVersion: '2.1', auth: 'required',
    schema: z.object({ get_supported_features: z.boolean().optional(), return_inactive_companies: z.boolean().optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store, featureSet, supportedFeatures } = ctx.server
      // the user as seen in the workspace of this session (role and groups are the workspace's)
      const u = store.userInCompany(identity.user, identity.company)
      if (!u) throw errors.invalidUser('failed to get current user')
      return {
        user: compact({
          id: u.id, name: u.name, given_name: u.given_name, family_name: u.family_name, avatar: u.avatar,
          company: { id: identity.company, name: identity.company_name }, role: identity.role,
          created: u.created, created_in_version: u.created_in_version
        }),
        getting_started: {},
        settings: { max_download_items: 1000 },
        // enterprise only (the open-source server has neither): the caller's groups, and on request the features
        ...(featureSet === 'enterprise' && {
          sec_groups: groupsOfUser(store, u).map((g) => ({ id: g.id, name: g.name })),
          ...(ctx.data.get_supported_features === true && { supported_features: [...supportedFeatures] })
        })
      }
    }
  }),
  endpoint({
    name: 'users.update', minVersion: '2.1', auth: 'required',
    schema: z.object({
      user: z.string().min(1), name: name.optional(), given_name: z.string().max(256).optional(),
      family_name: z.string().max(256).optional(), avatar: z.string().optional()
    }),
    handler: (ctx) => {
      const { store } = ctx.server
      const user = sameCompanyUser(store, requireIdentity(ctx), ctx.data.user)
      const fields: Record<string, string> = {}
      for (const key of ['name', 'given_name', 'family_name'] as const) {
        const v = ctx.data[key]
        if (v !== undefined && v !== user[key]) fields[key] = v
      }
      store.updateUser(user.id, fields)
      return { updated: Object.keys(fields).length ? 1 : 0, fields }
    }
  }),
  endpoint({
    name: 'users.get_all', minVersion: '2.1', auth: 'required',
    schema: z.object({
      name: z.string().optional(), id: stringList.optional(), only_fields: stringList.optional(),
      page: z.number().int().min(0).optional(), page_size: z.number().int().min(1).optional(), order_by: stringList.optional()
    }),
    handler: (ctx) => {
      const { name: pattern, id, only_fields, page, page_size, order_by } = ctx.data
      // `name` is a Python regex matched with search semantics (clearml-api.md §2 users.get_all). It is run
      // by a linear-time matcher, never by the backtracking RegExp engine, so no pattern can stall the server.
      let matches: ((s: string) => boolean) | undefined
      if (pattern) {
        try {
          matches = compilePattern(pattern)
        } catch (e) {
          if (e instanceof PatternError) throw errors.validation(`invalid name pattern: ${e.message}`, e.position === undefined ? {} : { position: e.position })
          throw e
        }
      }
      let users = ctx.server.store.usersOfCompany(requireIdentity(ctx).company).map(publicUser)
      if (matches) users = users.filter((u) => matches(String(u.name)))
      if (id) users = users.filter((u) => id.includes(String(u.id)))
      for (const field of [...(order_by ?? [])].reverse()) {
        const desc = field.startsWith('-')
        const key = field.replace(/^[-+]/, '')
        users.sort((a, b) => (desc ? -1 : 1) * compareValues(ownValue(a, key), ownValue(b, key)))
      }
      if (page_size !== undefined) users = users.slice((page ?? 0) * page_size, ((page ?? 0) + 1) * page_size)
      if (only_fields?.length) {
        users = users.map((u) => Object.fromEntries(Object.entries(u).filter(([k]) => k === 'id' || only_fields.includes(k))))
      }
      return { users }
    }
  }),
  endpoint({
    name: 'users.get_preferences', minVersion: '2.1', auth: 'required', schema: empty,
    handler: (ctx) => ({ preferences: JSON.parse(ctx.server.store.user(requireIdentity(ctx).user)?.preferences ?? '{}') })
  }),
  endpoint({
    name: 'users.set_preferences', minVersion: '2.1', auth: 'required',
    schema: z.object({ preferences: z.record(z.string(), z.unknown()), return_updated: z.boolean().default(true) }),
    handler: (ctx) => {
      const { store } = ctx.server
      const userId = requireIdentity(ctx).user
      return store.tx(() => {
        const before = store.user(userId)?.preferences ?? '{}'
        const next = JSON.stringify(applyPreferences(JSON.parse(before), ctx.data.preferences))
        const updated = next !== before ? 1 : 0
        if (updated) store.updateUser(userId, { preferences: next })
        return { updated, fields: updated && ctx.data.return_updated ? { preferences: JSON.parse(next) } : {} }
      })
    }
  })
]
