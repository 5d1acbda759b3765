// sso.* identity providers: the server-driven connection form, activation, Test Provider.
// Secrets (client secret, SAML private key) travel renderer → core → server on save/test only: no output carries
// them, and nothing here is cached except the configuration list (which holds none).
import { z } from 'zod'
import type {
  MetadataCheck,
  PkiCheck,
  SsoConfigurationSummary,
  SsoProvider,
  SsoTemplate,
  SsoTestResult
} from '../../domain/identity-providers'
import { method } from '../method'
import type { Cached } from '../types'

const providerId = z.string().min(1, 'is required').max(100).regex(/^[A-Za-z0-9_.-]+$/, 'is not a provider id')
const configId = z.string().min(1).max(200)
/** The configuration object of the form (flat, field name → value); the server validates each field. */
const configuration = z.record(z.string().max(200), z.unknown()).refine((o) => Object.keys(o).length <= 200, 'has too many fields')
const pem = z.string().max(256 * 1024)

export const identityProvidersMethods = {
  'identityProviders.list': method<Cached<SsoConfigurationSummary[]>>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  'identityProviders.providers': method<Cached<SsoProvider[]>>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  /** The form for a new configuration of `provider`, or for the existing configuration `id` (live, never cached). */
  'identityProviders.template': method<SsoTemplate>()(
    z.object({ provider: providerId.optional(), id: configId.optional() }).strict().refine((o) => !!o.provider || !!o.id, 'name a provider or a configuration id')
  ),
  /** An OpenID discovery document's endpoints. */
  'identityProviders.discover': method<Record<string, string | null>>()(z.object({ url: z.string().url('must be a URL').max(4096) }).strict()),
  'identityProviders.save': method<{ id: string }>()(z.object({ provider: providerId, configuration }).strict(), {
    mutates: true,
    topics: ['identityProviders']
  }),
  'identityProviders.setActive': method<{ updated: number }>()(
    z.object({ ids: z.array(configId).min(1).max(100), active: z.boolean() }).strict(),
    { mutates: true, topics: ['identityProviders'] }
  ),
  'identityProviders.delete': method<{ deleted: number }>()(z.object({ ids: z.array(configId).min(1).max(100) }).strict(), {
    mutates: true,
    topics: ['identityProviders']
  }),
  /** PEM checks with node:crypto (certificate, private key, and that they are a pair); the form calls it on blur. */
  'identityProviders.checkPki': method<PkiCheck>()(
    z.object({ certificate: pem.optional(), privateKey: pem.optional() }).strict()
  ),
  /** A SAML IdP metadata document: entity id, SSO URL, and a present and valid signing certificate. */
  'identityProviders.checkMetadata': method<MetadataCheck>()(z.object({ xml: z.string().max(1024 * 1024) }).strict()),
  /** Starts a Test Provider run: the URL to open (the provider's sign-in page). */
  'identityProviders.startTest': method<{ redirectUrl: string; callbackUrl: string }>()(z.object({ provider: providerId, configuration }).strict()),
  /** Finishes a run with the URL the provider sent the browser back to: the mapped user data or the provider's error. */
  'identityProviders.finishTest': method<SsoTestResult>()(
    z.object({ provider: providerId, callbackUrl: z.string().url('must be the full callback URL').max(16 * 1024) }).strict()
  )
}
