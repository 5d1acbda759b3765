// The Storage Cleanup forms' model: what the user edits for one provider (AWS S3, Google Cloud Storage, Azure
// Blob Storage), built from the settings the core reads (secrets only as "is set"), turned back into the
// contract's storage.set input, and checked with the contract's storageSettingsInput plus the web app's
// required-secret rules (a bucket's Key and Secret unless it uses the credentials chain; a GCS bucket's
// Credentials JSON; an Azure container's Account key).
import { storageSettingsInput, type MethodInput, type StorageSettings } from '@shared/api'

export type Provider = 'aws' | 'google' | 'azure'
export const PROVIDERS: Provider[] = ['google', 'aws', 'azure']
export const PROVIDER_TITLE: Record<Provider, string> = { google: 'Google Cloud Storage', aws: 'AWS S3 Storage', azure: 'Azure Blob Storage' }
export const PROVIDER_SHORT: Record<Provider, string> = { google: 'Google', aws: 'AWS', azure: 'Azure' }
export const isProvider = (v: unknown): v is Provider => v === 'aws' || v === 'google' || v === 'azure'

/** A secret in the form: what was typed (empty = keep the stored one), whether one is stored, and an explicit clear. */
export interface SecretDraft {
  value: string
  isSet: boolean
  cleared: boolean
}
const secretDraft = (isSet: boolean): SecretDraft => ({ value: '', isSet, cleared: false })
/** typed → replace; cleared → ''; otherwise left out (the stored one is kept). */
function secretOut(s: SecretDraft): string | undefined {
  if (s.value !== '') return s.value
  return s.cleared && s.isSet ? '' : undefined
}
/** Whether the secret will be there after saving. */
export const secretPresent = (s: SecretDraft) => s.value !== '' || (s.isSet && !s.cleared)

export interface AwsBucketDraft {
  ref: string | null
  bucket: string
  subdir: string
  host: string
  key: string
  secret: SecretDraft
  token: SecretDraft
  multipart: boolean
  acl: string
  secure: boolean
  region: string
  verify: boolean
  useCredentialsChain: boolean
}
export interface AwsDraft {
  key: string
  secret: SecretDraft
  token: SecretDraft
  region: string
  useCredentialsChain: boolean
  buckets: AwsBucketDraft[]
}
export interface GoogleBucketDraft {
  ref: string | null
  bucket: string
  project: string
  subdir: string
  credentialsJson: SecretDraft
}
export interface GoogleDraft {
  project: string
  credentialsJson: SecretDraft
  buckets: GoogleBucketDraft[]
}
export interface AzureContainerDraft {
  ref: string | null
  accountName: string
  accountKey: SecretDraft
  containerName: string
}
export interface AzureDraft {
  containers: AzureContainerDraft[]
}
export interface Drafts {
  aws: AwsDraft
  google: GoogleDraft
  azure: AzureDraft
}

export const newAwsBucket = (): AwsBucketDraft => ({
  ref: null,
  bucket: '',
  subdir: '',
  host: '',
  key: '',
  secret: secretDraft(false),
  token: secretDraft(false),
  multipart: true,
  acl: '',
  secure: true,
  region: '',
  verify: true,
  useCredentialsChain: false
})
export const newGoogleBucket = (): GoogleBucketDraft => ({ ref: null, bucket: '', project: '', subdir: '', credentialsJson: secretDraft(false) })
export const newAzureContainer = (): AzureContainerDraft => ({ ref: null, accountName: '', accountKey: secretDraft(false), containerName: '' })

export function draftOf<P extends Provider>(p: P, s: StorageSettings): Drafts[P] {
  const out: Drafts = {
    aws: {
      key: s.aws.key,
      secret: secretDraft(s.aws.hasSecret),
      token: secretDraft(s.aws.hasToken),
      region: s.aws.region,
      useCredentialsChain: s.aws.useCredentialsChain,
      buckets: s.aws.buckets.map((b) => ({
        ref: b.ref,
        bucket: b.bucket,
        subdir: b.subdir,
        host: b.host,
        key: b.key,
        secret: secretDraft(b.hasSecret),
        token: secretDraft(b.hasToken),
        multipart: b.multipart,
        acl: b.acl,
        secure: b.secure,
        region: b.region,
        verify: b.verify,
        useCredentialsChain: b.useCredentialsChain
      }))
    },
    google: {
      project: s.google.project,
      credentialsJson: secretDraft(s.google.hasCredentialsJson),
      buckets: s.google.buckets.map((b) => ({ ref: b.ref, bucket: b.bucket, project: b.project, subdir: b.subdir, credentialsJson: secretDraft(b.hasCredentialsJson) }))
    },
    // The web app opens Azure with one empty container when there is none.
    azure: { containers: s.azure.containers.length ? s.azure.containers.map((c) => ({ ref: c.ref, accountName: c.accountName, accountKey: secretDraft(c.hasAccountKey), containerName: c.containerName })) : [newAzureContainer()] }
  }
  return structuredClone(out[p])
}

type StorageInput = MethodInput<'storage.set'>

export function inputOf(p: Provider, d: Drafts[Provider]): StorageInput {
  if (p === 'aws') {
    const a = d as AwsDraft
    return {
      aws: {
        key: a.key,
        secret: secretOut(a.secret),
        token: secretOut(a.token),
        region: a.region,
        useCredentialsChain: a.useCredentialsChain,
        buckets: a.buckets.map((b) => ({
          ref: b.ref,
          bucket: b.bucket,
          subdir: b.subdir,
          host: b.host,
          key: b.key,
          secret: secretOut(b.secret),
          token: secretOut(b.token),
          multipart: b.multipart,
          acl: b.acl,
          secure: b.secure,
          region: b.region,
          verify: b.verify,
          useCredentialsChain: b.useCredentialsChain
        }))
      }
    }
  }
  if (p === 'google') {
    const g = d as GoogleDraft
    return {
      google: {
        project: g.project,
        credentialsJson: secretOut(g.credentialsJson),
        buckets: g.buckets.map((b) => ({ ref: b.ref, bucket: b.bucket, project: b.project, subdir: b.subdir, credentialsJson: secretOut(b.credentialsJson) }))
      }
    }
  }
  const z = d as AzureDraft
  return { azure: { containers: z.containers.map((c) => ({ ref: c.ref, accountName: c.accountName, accountKey: secretOut(c.accountKey), containerName: c.containerName })) } }
}

/**
 * Every problem of the form, by field path inside the provider ("buckets.0.bucket", "credentialsJson"): the
 * contract's messages first, then the required secrets.
 */
export function problemsOf(p: Provider, d: Drafts[Provider]): Record<string, string> {
  const out: Record<string, string> = {}
  const r = storageSettingsInput.safeParse(inputOf(p, d))
  if (!r.success) {
    for (const i of r.error.issues) {
      const path = i.path.slice(1).join('.')
      out[path] ??= i.message
    }
  }
  const need = (path: string, ok: boolean, message: string) => {
    if (!ok) out[path] ??= message
  }
  if (p === 'aws') {
    ;(d as AwsDraft).buckets.forEach((b, i) => {
      if (b.useCredentialsChain) return
      need(`buckets.${i}.key`, !!b.key.trim(), 'Key is required')
      need(`buckets.${i}.secret`, secretPresent(b.secret), 'Secret is required')
    })
  } else if (p === 'google') {
    ;(d as GoogleDraft).buckets.forEach((b, i) => need(`buckets.${i}.credentialsJson`, secretPresent(b.credentialsJson), 'Credentials JSON is required'))
  } else {
    ;(d as AzureDraft).containers.forEach((c, i) => need(`containers.${i}.accountKey`, secretPresent(c.accountKey), 'Account key is required'))
  }
  return out
}

/** The landing tiles' "Configured" badge, as the web app decides it. */
export function configured(s: StorageSettings): Record<Provider, boolean> {
  return {
    google: s.google.hasCredentialsJson || s.google.buckets.length > 0,
    aws: !!s.aws.key || s.aws.buckets.length > 0,
    azure: s.azure.containers.length > 0
  }
}

const rowKeys = new WeakMap<object, number>()
let nextRowKey = 0
/** A stable key for an entry of a list (removing one does not re-key the others). */
export function rowKey(o: object): number {
  let k = rowKeys.get(o)
  if (k === undefined) rowKeys.set(o, (k = nextRowKey++))
  return k
}
