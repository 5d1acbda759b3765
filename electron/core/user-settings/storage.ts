// storage.*: the user's Storage Cleanup credentials (Enterprise storage.get_user_settings / set_user_settings /
// reset_user_settings; clearml-enterprise-api.md §1.8, §2.5). Secrets never leave the core: a read gives has*
// flags and a `ref` per list entry ("aws.buckets.3"); on save an omitted secret is taken from the server's
// current settings, from the entry its `ref` points at, only while that entry is still the same one.
import type { z } from 'zod'
import type { HandlersOf, StorageSettings } from '../../../shared/api'
import type { storageSettingsInput, userSettingsMethods } from '../../../shared/api/methods/user-settings'
import type { CoreContext } from '../context'
import { fieldError, isObject, requireEnterprise, requireOnline, orUnsupported, str, strOrNull, type Json } from './common'

type Methods = Pick<typeof userSettingsMethods, 'storage.get' | 'storage.set' | 'storage.reset'>
type StorageInput = z.output<typeof storageSettingsInput>

export const STORAGE_UNSUPPORTED = 'Storage cleanup credentials need ClearML Enterprise; this server does not offer them.'

interface WireAwsBucket {
  bucket?: string
  subdir?: string
  host?: string
  key?: string
  secret?: string
  token?: string
  multipart?: boolean
  acl?: string
  secure?: boolean
  region?: string
  verify?: boolean
  use_credentials_chain?: boolean
}
interface WireGoogleBucket {
  bucket?: string
  project?: string
  subdir?: string
  credentials_json?: unknown
}
interface WireAzureContainer {
  account_name?: string
  account_key?: string
  container_name?: string
}
export interface WireStorage {
  last_update?: string | null
  aws?: { key?: string; secret?: string; token?: string; region?: string; use_credentials_chain?: boolean; buckets?: WireAwsBucket[] }
  google?: { project?: string; credentials_json?: unknown; buckets?: WireGoogleBucket[] }
  azure?: { containers?: WireAzureContainer[] }
}

const has = (v: unknown): boolean => (typeof v === 'string' ? v.length > 0 : v !== null && v !== undefined && !(isObject(v) && !Object.keys(v).length))
const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v.filter(isObject) as T[]) : [])

/** The server's settings → the console's view: no secret, only whether each is set. */
export function toStorageSettings(w: WireStorage): StorageSettings {
  const aws = isObject(w.aws) ? w.aws : {}
  const google = isObject(w.google) ? w.google : {}
  const azure = isObject(w.azure) ? w.azure : {}
  return {
    aws: {
      key: str(aws.key),
      hasSecret: has(aws.secret),
      hasToken: has(aws.token),
      region: str(aws.region),
      useCredentialsChain: aws.use_credentials_chain === true,
      buckets: list<WireAwsBucket>(aws.buckets).map((b, i) => ({
        ref: `aws.buckets.${i}`,
        bucket: str(b.bucket),
        subdir: str(b.subdir),
        host: str(b.host),
        key: str(b.key),
        hasSecret: has(b.secret),
        hasToken: has(b.token),
        multipart: b.multipart !== false,
        acl: str(b.acl),
        secure: b.secure !== false,
        region: str(b.region),
        verify: b.verify !== false,
        useCredentialsChain: b.use_credentials_chain === true
      }))
    },
    google: {
      project: str(google.project),
      hasCredentialsJson: has(google.credentials_json),
      buckets: list<WireGoogleBucket>(google.buckets).map((b, i) => ({
        ref: `google.buckets.${i}`,
        bucket: str(b.bucket),
        project: str(b.project),
        subdir: str(b.subdir),
        hasCredentialsJson: has(b.credentials_json)
      }))
    },
    azure: {
      containers: list<WireAzureContainer>(azure.containers).map((c, i) => ({
        ref: `azure.containers.${i}`,
        accountName: str(c.account_name),
        hasAccountKey: has(c.account_key),
        containerName: str(c.container_name)
      }))
    },
    lastUpdate: strOrNull(w.last_update)
  }
}

/** The entry a `ref` points at, when the ref names this very list ("aws.buckets.3" in aws.buckets). */
function refEntry<T>(entries: T[], ref: string | null, listPath: string): T | undefined {
  if (!ref) return undefined
  const m = /^([a-z]+\.[a-z]+)\.(\d{1,6})$/.exec(ref)
  if (!m || m[1] !== listPath) return undefined
  return entries[Number(m[2])]
}

/**
 * One secret to send: typed → it; '' → none (cleared); omitted → the stored one of the same entry. When the ref's
 * entry is gone or is now another one (its identity changed), an omitted secret that was set (or that the entry
 * needs) must be typed again: refused at `field`.
 */
function secretFor(o: { given: string | undefined; ref: string | null; prev: Json | undefined; prevValue: unknown; same: boolean; needed: boolean; field: string; label: string; what: string }): unknown {
  if (o.given === '') return undefined
  if (o.given !== undefined) return o.given
  if (!o.ref) return undefined
  if (o.prev && o.same) return has(o.prevValue) ? o.prevValue : undefined
  if ((o.prev && has(o.prevValue)) || (!o.prev && o.needed)) {
    throw fieldError(o.field, `${o.label} is required: ${o.what} is not the one it was read as (the settings changed), so the stored ${o.label.toLowerCase()} is not carried over. Enter it again.`)
  }
  return undefined
}

/** The request for storage.set_user_settings: only the providers given, each omitted secret filled from `current`. */
export function toWireStorage(input: StorageInput, current: WireStorage): Json {
  const out: Json = {}
  if (input.aws) {
    const a = input.aws
    const cur = isObject(current.aws) ? current.aws : {}
    const curBuckets = list<WireAwsBucket>(cur.buckets)
    const top = (given: string | undefined, stored: unknown) => (given === '' ? undefined : given !== undefined ? given : has(stored) ? stored : undefined)
    out.aws = compact({
      key: a.key,
      secret: top(a.secret, cur.secret),
      token: top(a.token, cur.token),
      region: a.region,
      use_credentials_chain: a.useCredentialsChain,
      buckets: a.buckets.map((b, i) => {
        const prev = refEntry(curBuckets, b.ref, 'aws.buckets')
        // a bucket's identity is its name and its host: a secret never moves to another bucket or endpoint
        const same = !!prev && str(prev.bucket) === b.bucket && str(prev.host) === b.host
        const what = `bucket ${b.bucket}`
        return compact({
          bucket: b.bucket,
          subdir: b.subdir,
          host: b.host,
          key: b.key,
          secret: secretFor({ given: b.secret, ref: b.ref, prev: prev as Json, prevValue: prev?.secret, same, needed: !b.useCredentialsChain, field: `aws.buckets.${i}.secret`, label: 'Secret', what }),
          token: secretFor({ given: b.token, ref: b.ref, prev: prev as Json, prevValue: prev?.token, same, needed: false, field: `aws.buckets.${i}.token`, label: 'Access token', what }),
          multipart: b.multipart,
          acl: b.acl,
          secure: b.secure,
          region: b.region,
          verify: b.verify,
          use_credentials_chain: b.useCredentialsChain
        })
      })
    })
  }
  if (input.google) {
    const g = input.google
    const cur = isObject(current.google) ? current.google : {}
    const curBuckets = list<WireGoogleBucket>(cur.buckets)
    out.google = compact({
      project: g.project,
      credentials_json: g.credentialsJson === '' ? undefined : g.credentialsJson !== undefined ? g.credentialsJson : has(cur.credentials_json) ? cur.credentials_json : undefined,
      buckets: g.buckets.map((b, i) => {
        const prev = refEntry(curBuckets, b.ref, 'google.buckets')
        const same = !!prev && str(prev.bucket) === b.bucket
        return compact({
          bucket: b.bucket,
          project: b.project,
          subdir: b.subdir,
          credentials_json: secretFor({
            given: b.credentialsJson,
            ref: b.ref,
            prev: prev as Json,
            prevValue: prev?.credentials_json,
            same,
            needed: true,
            field: `google.buckets.${i}.credentialsJson`,
            label: 'Credentials JSON',
            what: `bucket ${b.bucket}`
          })
        })
      })
    })
  }
  if (input.azure) {
    const cur = isObject(current.azure) ? current.azure : {}
    const curContainers = list<WireAzureContainer>(cur.containers)
    out.azure = {
      containers: input.azure.containers.map((c, i) => {
        const prev = refEntry(curContainers, c.ref, 'azure.containers')
        const same = !!prev && str(prev.account_name) === c.accountName
        return compact({
          account_name: c.accountName,
          account_key: secretFor({
            given: c.accountKey,
            ref: c.ref,
            prev: prev as Json,
            prevValue: prev?.account_key,
            same,
            needed: true,
            field: `azure.containers.${i}.accountKey`,
            label: 'Account key',
            what: `account ${c.accountName}`
          }),
          container_name: c.containerName
        })
      })
    }
  }
  return out
}

function compact(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))
}

export function storageHandlers(ctx: CoreContext): HandlersOf<Methods> {
  const { session, data } = ctx

  async function fetchWire(signal?: AbortSignal): Promise<WireStorage> {
    requireEnterprise(session, STORAGE_UNSUPPORTED)
    const r = await orUnsupported(STORAGE_UNSUPPORTED, () => session.call<{ settings?: WireStorage } & WireStorage>('storage.get_user_settings', {}, { signal }))
    return isObject(r.settings) ? r.settings : r
  }
  const read = (refresh: boolean) => data.read({ topic: 'storage', key: 'user', what: 'storage credentials', refresh, fetch: async (signal) => toStorageSettings(await fetchWire(signal)) })
  /** After a write: the server's settings as they are now, cached (without a secret) and returned. */
  async function reread(connectionId: string) {
    const value = toStorageSettings(await fetchWire())
    return { value, source: 'server' as const, fetchedAt: data.store(connectionId, 'storage', 'user', value, { announce: false }) }
  }

  return {
    'storage.get': async ({ refresh }) => {
      requireEnterprise(session, STORAGE_UNSUPPORTED)
      return read(refresh)
    },
    'storage.set': async (input) => {
      requireEnterprise(session, STORAGE_UNSUPPORTED)
      const conn = requireOnline(session, 'save the storage credentials')
      const body = toWireStorage(input, await fetchWire())
      if (Object.keys(body).length) await orUnsupported(STORAGE_UNSUPPORTED, () => session.call('storage.set_user_settings', body))
      return reread(conn.id)
    },
    'storage.reset': async ({ keys }) => {
      requireEnterprise(session, STORAGE_UNSUPPORTED)
      const conn = requireOnline(session, 'reset the storage credentials')
      await orUnsupported(STORAGE_UNSUPPORTED, () => session.call('storage.reset_user_settings', { keys }))
      return reread(conn.id)
    }
  }
}
