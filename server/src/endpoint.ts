import type { IncomingHttpHeaders } from 'node:http'
import { z } from 'zod'
import type { Store } from './store'

/** The endpoint table's types; each service module exports a list of endpoints. */

export const API_VERSION = '2.33'
export const SERVER_VERSION = '2.2.0'
export const SERVER_BUILD = 'reference'
export const SERVER_COMMIT = 'reference'
export const MAX_TOKEN_TTL_SEC = 365 * 24 * 3600

/**
 * users.get_current_user's `supported_features` on the enterprise feature set (values of the published
 * users.features_enum). Basic (open-source) servers send no such field. StartOptions.supportedFeatures overrides it.
 */
export const ENTERPRISE_FEATURES: readonly string[] = [
  'user_management', 'permissions', 'config_vault', 'service_users', 'sso_management', 'resource_policy',
  'experiments', 'queues', 'pipelines', 'reports', 'show_dashboard', 'show_model_view', 'show_projects', 'show_datasets', 'tenant_usages'
]

export interface Identity { user: string; company: string; role: string; user_name: string; company_name: string }

export type AuthInfo =
  | { kind: 'basic'; accessKey: string }
  | { kind: 'bearer'; sessionId: string | null; exp: number | null; /** the token came from the web cookie */ cookie?: boolean }

/**
 * Credential and token limits (enterprise feature set; clearml-enterprise-api.md §1.9). null = no cap / no default.
 * Set from StartOptions in index.ts.
 */
export interface CredentialPolicy {
  /** The longest expiration_sec a non-admin may ask for on auth.create_credentials; null = no cap. */
  maxExpirationSec: number | null
  /** What a non-admin's key gets when expiration_sec is absent; null = never expires (only without a cap). */
  defaultExpirationSec: number | null
  /** Keys one user may hold in one workspace. */
  maxCredentials: number
  /** The longest expiration_sec of an App Gateway router token (also its default). */
  routerTokenMaxExpirationSec: number
}

/** The longest expiration_sec anyone (admins included) may ask for: 100 years keeps every expiry a valid date. */
export const MAX_EXPIRATION_SEC = 100 * 365 * 24 * 3600

/** Service accounts (users.get_service_users): the company's limit and whether they may be admins. */
export interface ServiceUserPolicy {
  /** How many service accounts a company may have; null = no limit. */
  allowed: number | null
  /** Whether a service account may get an admin role (users.set_role). */
  allowAdmins: boolean
}

export interface ServerContext {
  store: Store
  featureSet: 'basic' | 'enterprise'
  tokenTtlSec: number
  credentialPolicy: CredentialPolicy
  serviceUsers: ServiceUserPolicy
  /** users.get_current_user {get_supported_features: true} (enterprise only). */
  supportedFeatures: readonly string[]
  /** Signs a session token for the identity; ttlSec may be negative (tests). */
  issueToken(identity: Identity, ttlSec: number): string
}

export interface CallContext<T> {
  data: T
  /**
   * Present on 'required' endpoints; on 'optional' ones only if the caller authenticated. With an impersonation
   * header (X-Clearml-Impersonate-As / X-Clearml-Act-As) it is the impersonated user's identity.
   */
  identity: Identity | undefined
  /** The authenticated caller when an impersonation header changed `identity`; undefined otherwise. */
  impersonator?: Identity
  auth: AuthInfo | undefined
  server: ServerContext
  headers: IncomingHttpHeaders
  /** The caller's address: X-Real-IP, else the first X-Forwarded-For entry, else the peer address. */
  ip: string | null
  setCookie(cookie: string): void
}

export interface Endpoint<S extends z.ZodType = z.ZodType> {
  name: string
  minVersion: string
  /** 'none': never authenticates; 'optional': authenticates if credentials are sent, ignores failures. */
  auth: 'required' | 'optional' | 'none'
  /** Roles allowed; undefined = any authenticated caller. */
  roles?: readonly string[]
  schema: S
  handler(ctx: CallContext<z.output<S>>): unknown
}

export function endpoint<S extends z.ZodType>(e: Endpoint<S>): Endpoint {
  return e as unknown as Endpoint
}

/** Context for handlers that require authentication. */
export function requireIdentity(ctx: CallContext<unknown>): Identity {
  if (!ctx.identity) throw new Error(`endpoint requires auth but no identity`)
  return ctx.identity
}

// Shared schema helpers -------------------------------------------------------------------------
/** A list that may arrive as a single value (one query-string key). */
export const stringList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]))
export const empty = z.object({})

/**
 * A handler result sent as is, without the envelope (downloads such as sso.download_saml_sp_metadata). Errors still
 * get the envelope.
 */
export class RawResponse {
  constructor(readonly body: string, readonly contentType: string, readonly filename?: string) {}
}
