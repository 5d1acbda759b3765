import { z } from 'zod'
import { AccountStore, COMPANY_LEVEL } from '../account-store'
import { type Identity, empty, endpoint, requireIdentity } from '../endpoint'
import { errors } from '../errors'
import { ADMIN_ROLES } from '../groups'

/**
 * storage.* — cloud storage credentials used to delete artifacts (clearml-api.md §2 "storage"; clearml-enterprise-api.md
 * §1.8). Company-wide settings (`get/set/reset_settings`: open-source shapes on the basic feature set, the published
 * Enterprise shapes — flat response, admin only — on the enterprise one) and, enterprise only, each user's personal
 * ones (`get/set/reset_user_settings`, per user and workspace). Demo/test server: secrets are stored in plain text.
 */

// Write shapes: every field optional; null counts as absent; unknown fields are dropped.
const str = z.string().nullable().optional()
const bool = z.boolean().nullable().optional()
const list = <T extends z.ZodType>(item: T) => z.array(item).nullable().optional()

const awsBucket = z.object({
  bucket: str, subdir: str, host: str, key: str, secret: str, token: str, multipart: bool, acl: str, secure: bool, region: str,
  verify: bool, use_credentials_chain: bool
})
const aws = z.object({ key: str, secret: str, token: str, region: str, use_credentials_chain: bool, buckets: list(awsBucket) })
const googleBucket = z.object({ bucket: str, subdir: str, project: str, credentials_json: str })
const google = z.object({ project: str, credentials_json: str, buckets: list(googleBucket) })
const azureContainer = z.object({ account_name: str, account_key: str, container_name: str })
const azure = z.object({ containers: list(azureContainer) })

const settingsInput = z.object({ aws: aws.optional(), google: google.optional(), azure: azure.optional() })
type SettingsInput = z.output<typeof settingsInput>

const PROVIDERS = ['aws', 'google', 'azure'] as const
type Provider = (typeof PROVIDERS)[number]
const providerKey = z.enum(PROVIDERS)
const resetInput = z.object({ keys: z.union([providerKey, z.array(providerKey)]).transform((v) => (Array.isArray(v) ? v : [v])).optional() })

// Read shapes, with the published defaults (aws bucket: multipart, secure and verify true; chains false).
const s = (v: string | null | undefined) => v ?? ''
const b = (v: boolean | null | undefined, dflt: boolean) => v ?? dflt

function normaliseAws(a: z.output<typeof aws> = {}) {
  return {
    key: s(a.key), secret: s(a.secret), token: s(a.token), region: s(a.region), use_credentials_chain: b(a.use_credentials_chain, false),
    buckets: (a.buckets ?? []).map((x) => ({
      bucket: s(x.bucket), subdir: s(x.subdir), host: s(x.host), key: s(x.key), secret: s(x.secret), token: s(x.token),
      multipart: b(x.multipart, true), acl: s(x.acl), secure: b(x.secure, true), region: s(x.region), verify: b(x.verify, true),
      use_credentials_chain: b(x.use_credentials_chain, false)
    }))
  }
}
function normaliseGoogle(g: z.output<typeof google> = {}) {
  return {
    project: s(g.project), credentials_json: s(g.credentials_json),
    buckets: (g.buckets ?? []).map((x) => ({ bucket: s(x.bucket), subdir: s(x.subdir), project: s(x.project), credentials_json: s(x.credentials_json) }))
  }
}
function normaliseAzure(a: z.output<typeof azure> = {}) {
  return { containers: (a.containers ?? []).map((x) => ({ account_name: s(x.account_name), account_key: s(x.account_key), container_name: s(x.container_name) })) }
}
const NORMALISE = { aws: normaliseAws, google: normaliseGoogle, azure: normaliseAzure } as const

type StoredSettings = Partial<Record<Provider, unknown>>

/** `credentials_json` must be JSON text when not empty (the server parses it), at the top level and per bucket. */
function checkCredentialsJson(g: z.output<typeof google>): void {
  const check = (text: string | null | undefined, field: string) => {
    if (!text) return
    try {
      JSON.parse(text)
    } catch (e) {
      throw errors.validation(`error for field '${field}'. Invalid json credentials: ${(e as Error).message.slice(0, 200)}`, { field })
    }
  }
  check(g.credentials_json, 'google.credentials_json')
  g.buckets?.forEach((x, i) => check(x.credentials_json, `google.buckets.${i}.credentials_json`))
}

/** The settings as read: every provider with defaults filled in, and `last_update` (null when never set). */
function read(company: string, userId: string, accounts: AccountStore) {
  const row = accounts.storageSettings(company, userId)
  const doc: StoredSettings = row ? JSON.parse(row.doc) : {}
  return {
    aws: normaliseAws(doc.aws as z.output<typeof aws> | undefined),
    google: normaliseGoogle(doc.google as z.output<typeof google> | undefined),
    azure: normaliseAzure(doc.azure as z.output<typeof azure> | undefined),
    last_update: row?.last_update ?? null
  }
}

/** Each given provider replaces that provider's settings as a whole; the others stay. At least one is needed. */
function write(store: AccountStore, now: string, company: string, userId: string, input: SettingsInput): { updated: number } {
  const given = PROVIDERS.filter((p) => input[p] !== undefined)
  if (!given.length) throw errors.validation('No settings were provided')
  if (input.google) checkCredentialsJson(input.google)
  const row = store.storageSettings(company, userId)
  const doc: StoredSettings = row ? JSON.parse(row.doc) : {}
  for (const p of given) doc[p] = (NORMALISE[p] as (v: unknown) => unknown)(input[p])
  store.putStorageSettings(company, userId, JSON.stringify(doc), now)
  return { updated: 1 }
}

/** Removes the named providers (back to the defaults); `updated` is 1 when settings were stored (their last_update moves). */
function reset(store: AccountStore, now: string, company: string, userId: string, keys: readonly Provider[]): { updated: number } {
  const row = store.storageSettings(company, userId)
  if (!row) return { updated: 0 }
  const doc: StoredSettings = JSON.parse(row.doc)
  for (const k of keys) delete doc[k]
  store.putStorageSettings(company, userId, JSON.stringify(doc), now)
  return { updated: 1 }
}

type Scope = (identity: Identity) => [company: string, userId: string]
const companyScope: Scope = (identity) => [identity.company, COMPANY_LEVEL]
const userScope: Scope = (identity) => [identity.company, identity.user]

function storageEndpoints(opts: { prefix: 'settings' | 'user_settings'; scope: Scope; roles?: readonly string[]; wrap: boolean; getVersion: string; setVersion: string }) {
  const { prefix, scope, roles, wrap } = opts
  return [
    endpoint({
      name: `storage.get_${prefix}`, minVersion: opts.getVersion, auth: 'required', ...(roles && { roles }), schema: empty,
      handler: (ctx) => {
        const settings = read(...scope(requireIdentity(ctx)), new AccountStore(ctx.server.store))
        return wrap ? { settings } : settings
      }
    }),
    endpoint({
      name: `storage.set_${prefix}`, minVersion: opts.setVersion, auth: 'required', ...(roles && { roles }), schema: settingsInput,
      handler: (ctx) => {
        const { store } = ctx.server
        return store.tx(() => write(new AccountStore(store), store.nowIso(), ...scope(requireIdentity(ctx)), ctx.data))
      }
    }),
    endpoint({
      name: `storage.reset_${prefix}`, minVersion: opts.setVersion, auth: 'required', ...(roles && { roles }), schema: resetInput,
      handler: (ctx) => {
        const { store } = ctx.server
        return store.tx(() => reset(new AccountStore(store), store.nowIso(), ...scope(requireIdentity(ctx)), ctx.data.keys ?? []))
      }
    })
  ]
}

/** Open-source shapes (basic feature set): `get_settings` → `{settings: {...}}`, any role. */
export const basicStorageEndpoints = storageEndpoints({ prefix: 'settings', scope: companyScope, wrap: true, getVersion: '2.22', setVersion: '2.31' })

/** Enterprise: the published shapes (flat response); company settings for admins, personal ones for everyone. */
export const enterpriseStorageEndpoints = [
  ...storageEndpoints({ prefix: 'settings', scope: companyScope, roles: ADMIN_ROLES, wrap: false, getVersion: '2.22', setVersion: '2.31' }),
  ...storageEndpoints({ prefix: 'user_settings', scope: userScope, wrap: false, getVersion: '2.31', setVersion: '2.31' })
]
