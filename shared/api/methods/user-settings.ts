// The signed-in user's own settings: preferences.*, cloudAccess.* (the web app's bucket keys, kept on this
// desktop only), storage.* (storage cleanup credentials), credentials.*, gateway.* (AI Application Gateway
// tokens) and workspace.*. Secrets go in (create, save) and come out only once (a new key's secret, a new
// token); every read gives "is set" flags instead.
import { z } from 'zod'
import type {
  CloudAccessEntry,
  CredentialsState,
  GatewayToken,
  NewCredential,
  PreferencesState,
  StorageSettings,
  Workspace
} from '../../domain/user-settings'
import { secret, text } from '../fields'
import { idInput, method } from '../method'
import type { Cached } from '../types'

const flag = z.boolean()

/** A container argument name (an environment variable): required, no spaces. */
const redactedKey = text('Argument', { min: 1, max: 200 }).refine((v) => !/\s/.test(v), 'The argument name must not contain spaces')

export const preferencesInput = z
  .object({
    showHidden: flag,
    hideExamples: flag,
    neverShowTips: flag,
    blockUserScript: flag,
    hideRedactedArguments: flag,
    redactedArguments: z.array(redactedKey).max(200, 'At most 200 arguments')
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Change at least one preference')

/** A secret that may be left out (keep the stored one) or emptied (''). */
const keptSecret = (label: string, max = 4096) => z.union([z.literal(''), secret(label, max)]).optional()
const plain = (label: string, max = 1000) => text(label, { max })

export const cloudAccessInput = z
  .object({
    id: idInput.optional(),
    bucket: text('Bucket', { min: 1, max: 255 }),
    key: plain('Key', 512).default(''),
    secret: keptSecret('Secret / SAS', 8192),
    token: keptSecret('Token', 8192),
    region: plain('AWS Region', 100).default(''),
    endpoint: plain('Host (Endpoint)', 2048).default('')
  })
  .strict()

/** JSON text (a service account's credentials file), checked here so the error lands at the field. */
const credentialsJson = (label: string) =>
  z
    .union([z.literal(''), z.string().max(100_000, `${label} must be at most 100 KB`)])
    .optional()
    .superRefine((v, ctx) => {
      if (!v) return
      try {
        const parsed = JSON.parse(v) as unknown
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) ctx.addIssue({ code: 'custom', message: `${label} must be a JSON object` })
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `${label} is not valid JSON: ${(e as Error).message}` })
      }
    })

const ref = z.string().max(100).nullable()

export const storageSettingsInput = z
  .object({
    aws: z
      .object({
        key: plain('Access key', 512),
        secret: keptSecret('Secret'),
        token: keptSecret('Access token'),
        region: plain('Region', 100),
        useCredentialsChain: flag,
        buckets: z
          .array(
            z
              .object({
                ref,
                bucket: text('Bucket', { min: 1, max: 255 }),
                subdir: plain('Path to match', 1024).default(''),
                host: plain('Host', 2048).refine((h) => !h || /:\d{1,5}$/.test(h), 'A non-AWS host needs a port (host:port)'),
                key: plain('Access key', 512),
                secret: keptSecret('Secret'),
                token: keptSecret('Access token'),
                multipart: flag.default(true),
                acl: plain('ACL', 100).default(''),
                secure: flag,
                region: plain('Region', 100),
                verify: flag,
                useCredentialsChain: flag
              })
              .strict()
          )
          .max(500)
      })
      .strict()
      .optional(),
    google: z
      .object({
        project: plain('Project', 255),
        credentialsJson: credentialsJson('Credentials JSON'),
        buckets: z
          .array(
            z
              .object({
                ref,
                bucket: text('Bucket', { min: 1, max: 255 }),
                project: plain('Project', 255),
                subdir: plain('Path to match', 1024).default(''),
                credentialsJson: credentialsJson('Credentials JSON')
              })
              .strict()
          )
          .max(500)
      })
      .strict()
      .optional(),
    azure: z
      .object({
        containers: z
          .array(
            z
              .object({
                ref,
                accountName: text('Account name', { min: 1, max: 255 }),
                accountKey: keptSecret('Account key'),
                containerName: plain('Container name', 255)
              })
              .strict()
          )
          .max(500)
      })
      .strict()
      .optional()
  })
  .strict()

const DAY = 86_400
export const credentialCreateInput = z
  .object({
    label: plain('Label', 256).optional(),
    /** Seconds until it expires; null = never (admins only where the server caps expiry); absent = the server's default. */
    expirationSec: z
      .number({ message: 'Expiration must be a number of days' })
      .int('Expiration must be a whole number of seconds')
      .min(DAY, 'Expiration must be at least 1 day')
      .max(100 * 365 * DAY, 'Expiration must be at most 100 years')
      .nullable()
      .optional()
  })
  .strict()

const accessKey = z.string().min(1, 'Access key is required').max(200)
const email = z
  .string()
  .trim()
  .min(1, 'Enter an email address')
  .max(254, 'An email address is at most 254 characters')
  .email('Enter a valid email address, such as name@example.com')

export const inviteInput = z.object({ emails: z.array(email).min(1, 'Enter an email address').max(100, 'At most 100 addresses at once') }).strict()
export const gatewayGenerateInput = z
  .object({
    label: text('Label', { min: 1, max: 256 }),
    expirationDays: z.number({ message: 'Expiration must be a number of days' }).int('Expiration must be a whole number of days').min(1, 'Expiration must be at least 1 day').max(3650, 'Expiration must be at most 3650 days')
  })
  .strict()

export const userSettingsMethods = {
  'preferences.get': method<Cached<PreferencesState>>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  /** Only the changed preferences are sent, each under its own dot-path: every other preference stays as it is. */
  'preferences.set': method<Cached<PreferencesState>>()(z.object({ changes: preferencesInput }).strict(), { topics: ['preferences'] }),
  /** This console's own preference (the web app keeps it in its browser). */
  'preferences.setLocal': method<{ disableHidpi: boolean }>()(z.object({ disableHidpi: flag }).strict(), { topics: ['preferences'] }),
  /** The self-hosted server's telemetry opt-in (a global setting). */
  'preferences.reportStats': method<{ enabled: boolean }>()(z.object({ enabled: flag }).strict(), { mutates: true, topics: ['preferences'] }),

  'cloudAccess.list': method<CloudAccessEntry[]>()(z.object({}).strict()),
  'cloudAccess.save': method<CloudAccessEntry>()(cloudAccessInput, { topics: ['cloudAccess'] }),
  'cloudAccess.remove': method<{ removed: number }>()(z.object({ id: idInput }).strict(), { topics: ['cloudAccess'] }),

  'storage.get': method<Cached<StorageSettings>>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  /** Saves the providers given (others untouched); an omitted secret keeps the stored one of the same entry. */
  'storage.set': method<Cached<StorageSettings>>()(storageSettingsInput, { mutates: true, topics: ['storage'] }),
  'storage.reset': method<Cached<StorageSettings>>()(z.object({ keys: z.array(z.enum(['aws', 'google', 'azure'])).min(1).max(3) }).strict(), { mutates: true, topics: ['storage'] }),

  'credentials.list': method<Cached<CredentialsState>>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  /** The new key with its secret and snippets: the only time the secret leaves the core. */
  'credentials.create': method<NewCredential>()(credentialCreateInput, { mutates: true, topics: ['credentials'] }),
  'credentials.editLabel': method<{ updated: number }>()(z.object({ accessKey, label: plain('Label', 256).nullable() }).strict(), { mutates: true, topics: ['credentials'] }),
  'credentials.revoke': method<{ revoked: number }>()(z.object({ accessKey }).strict(), { mutates: true, topics: ['credentials'] }),

  'gateway.tokens': method<Cached<{ tokens: GatewayToken[]; maxExpirationSec: number | null }>>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  /** The new token: shown once (the renderer copies it to the clipboard); never stored. */
  'gateway.generate': method<{ token: string }>()(gatewayGenerateInput, { mutates: true, topics: ['gateway'] }),
  'gateway.revoke': method<{ revoked: number }>()(z.object({ ids: z.array(idInput).min(1).max(100) }).strict(), { mutates: true, topics: ['gateway'] }),

  'workspace.list': method<Cached<Workspace[]>>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  'workspace.rename': method<{ updated: number }>()(z.object({ name: text('Workspace name', { min: 1, max: 256 }) }).strict(), { mutates: true, topics: ['workspace'] }),
  /** The web app's active workspace preference (users.activeWorkspace). */
  'workspace.switch': method<{ switched: boolean }>()(z.object({ id: idInput }).strict(), { topics: ['workspace', 'preferences'] }),
  /** Invite by email → the invitation link to send. */
  'workspace.invite': method<{ added: number; link: string }>()(inviteInput, { mutates: true, topics: ['workspace'] }),
  /** Leave a workspace (never your own): access and your keys there are lost. */
  'workspace.leave': method<{ left: boolean }>()(z.object({ id: idInput }).strict(), { mutates: true, topics: ['workspace', 'credentials'] })
}
