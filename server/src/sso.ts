import { createHash, createPublicKey, randomBytes, verify as verifySignature, type JsonWebKey } from 'node:crypto'
import { deflateRawSync } from 'node:zlib'
import { errors } from './errors'
import type { Store } from './store'

/**
 * Identity providers (clearml-enterprise-api.md §1.6; spec/settings-page.md "Identity Providers"): the supported
 * providers, the server-driven configuration form (template), configuration validation, and the OIDC client side of
 * the Test Provider flow (discovery, authorization URL with PKCE, token exchange with the client secret, ID-token
 * signature check against the provider's JWKS, userinfo, claim mapping). SAML: the form, SP metadata, the
 * authorization redirect (AuthnRequest, HTTP-Redirect) and the evaluation of the IdP's answer (SAMLResponse,
 * HTTP-POST) with samlify's service provider side (evaluateSamlResponse).
 */

export type Category = 'oidc' | 'saml'
export interface ProviderInfo { id: string; display_name: string; category: Category; icon: string | null }

/** sso.get_supported_providers. `icon` is null: this server has no icons to serve. */
export const PROVIDERS: readonly ProviderInfo[] = [
  { id: 'auth0', display_name: 'Auth0', category: 'oidc' },
  { id: 'cognito', display_name: 'AWS Cognito', category: 'oidc' },
  { id: 'google', display_name: 'Google', category: 'oidc' },
  { id: 'keycloak', display_name: 'Keycloak', category: 'oidc' },
  { id: 'microsoft_ad', display_name: 'Microsoft AD', category: 'oidc' },
  { id: 'azure', display_name: 'Microsoft Azure', category: 'oidc' },
  { id: 'okta', display_name: 'Okta', category: 'oidc' },
  { id: 'ping', display_name: 'Ping', category: 'oidc' },
  { id: 'oidc', display_name: 'Custom', category: 'oidc' },
  { id: 'duo', display_name: 'Duo', category: 'saml' },
  { id: 'google_saml', display_name: 'Google', category: 'saml' },
  { id: 'jumpcloudsaml', display_name: 'Jumpcloud', category: 'saml' },
  { id: 'microsoft_ad_saml', display_name: 'Microsoft AD', category: 'saml' },
  { id: 'saml', display_name: 'Custom', category: 'saml' }
].map((p) => ({ ...p, category: p.category as Category, icon: null }))

export function providerInfo(id: string): ProviderInfo {
  const p = PROVIDERS.find((x) => x.id === id)
  if (!p) throw errors.validation(`error for field 'provider'. Unknown provider ${JSON.stringify(id.slice(0, 100))}`, { providers: PROVIDERS.map((x) => x.id) })
  return p
}

// --- the form template ------------------------------------------------------------------------------------------------

export type FieldType = 'string' | 'url' | 'secret' | 'text' | 'boolean' | 'select' | 'key_value' | 'group_mapping'

/** One form field. Every key is always present (null when it does not apply). */
export interface TemplateField {
  /** The key of the field in the `configuration` object (flat). */
  name: string
  type: FieldType
  label: string
  required: boolean
  /** Required only while another field has a value: `{field, value}`. */
  required_if: { field: string; value: unknown } | null
  /** A secret is never sent back: the field carries `set` (a value is stored) instead of `value`. */
  secret: boolean
  /** Computed by the server (e.g. the callback URL): shown, not edited; a value sent for it is ignored. */
  readonly: boolean
  help: string | null
  /** `select`: the choices; `group_mapping`: the ClearML groups a provider group can map to. */
  options: Array<{ value: string; label: string }> | null
  default: unknown
}

export interface TemplateSection { name: string; label: string; fields: TemplateField[] }

const f = (name: string, type: FieldType, label: string, extra: Partial<TemplateField> = {}): TemplateField => ({
  name, type, label, required: false, required_if: null, secret: type === 'secret', readonly: false, help: null, options: null,
  default: type === 'boolean' ? false : type === 'key_value' ? {} : type === 'group_mapping' ? [] : null, ...extra
})

/** Provider-specific defaults and help for the OIDC endpoints. */
const OIDC_HINTS: Record<string, { well_known_url?: string; help?: string }> = {
  google: { well_known_url: 'https://accounts.google.com/.well-known/openid-configuration' },
  keycloak: { help: 'https://<keycloak host>/realms/<realm>/.well-known/openid-configuration' },
  azure: { help: 'https://login.microsoftonline.com/<tenant id>/v2.0/.well-known/openid-configuration' },
  microsoft_ad: { help: 'https://<AD FS host>/adfs/.well-known/openid-configuration' },
  okta: { help: 'https://<your org>.okta.com/.well-known/openid-configuration' },
  auth0: { help: 'https://<your tenant>.auth0.com/.well-known/openid-configuration' },
  cognito: { help: 'https://cognito-idp.<region>.amazonaws.com/<user pool id>/.well-known/openid-configuration' },
  ping: { help: 'https://auth.pingone.com/<environment id>/as/.well-known/openid-configuration' }
}

const claimFields = (userIdDefault: string): TemplateField[] => [
  f('claim_user_id', 'string', 'User ID claim', { default: userIdDefault, required: true, help: "The user's unique ID" }),
  f('claim_email', 'string', 'Email claim', { default: 'email' }),
  f('claim_name', 'string', 'Name claim', { default: 'name', help: "The user's full name" }),
  f('claim_given_name', 'string', 'Given name claim', { default: 'given_name', help: 'Optional if the name is mapped' }),
  f('claim_family_name', 'string', 'Family name claim', { default: 'family_name', help: 'Optional if the name is mapped' }),
  f('claim_avatar', 'string', 'Picture claim', { default: 'picture', help: "The user's avatar or picture URL" }),
  f('claim_groups', 'string', 'Groups claim', { default: 'groups', help: 'The claim listing the groups the user is a member of (group synchronisation)' })
]

const groupFields = (groups: Array<{ value: string; label: string }>): TemplateField[] => [
  f('group_sync', 'boolean', 'Synchronise user groups', {
    help: 'Match each provider group to ClearML groups and keep the ClearML memberships in step (a revoked membership is removed)'
  }),
  f('group_mapping', 'group_mapping', 'Group mapping', {
    options: groups, help: 'A list of {idp_group, clearml_groups: [group ids]}: one provider group can map to several ClearML groups. ' +
      'Provider groups without a mapping are matched to a ClearML group of the same name (case, "-", "_" and spaces aside)'
  })
]

/** The form for a provider; `groups` are the company's assignable groups (group mapping targets). */
export function templateSections(provider: ProviderInfo, groups: Array<{ value: string; label: string }>): TemplateSection[] {
  const webapp = [
    f('webapp_url', 'url', 'ClearML WebApp URL', { help: 'The external URL of the ClearML web app, used to build the callback URL (default: this server)' })
  ]
  if (provider.category === 'oidc') {
    const hint = OIDC_HINTS[provider.id] ?? {}
    return [
      {
        name: 'connection', label: 'Connection', fields: [
          ...webapp,
          f('callback_url', 'url', 'Callback URL', { readonly: true, help: "Copy this into the Callback (Redirect) URL of your provider's ClearML app" }),
          f('display_name', 'string', 'Display name', { required: true, help: 'Unique; shown on the ClearML login page' }),
          f('client_id', 'string', 'Client ID', { required: true }),
          f('client_secret', 'secret', 'Client secret', { required: true })
        ]
      },
      {
        name: 'endpoints', label: 'Provider endpoints', fields: [
          f('well_known_url', 'url', 'Discovery (well-known) URL', { default: hint.well_known_url ?? null, help: hint.help ?? 'The OpenID discovery document: fills in the endpoints below' }),
          f('authorization_endpoint', 'url', 'Authorization endpoint', { required: true }),
          f('token_endpoint', 'url', 'Access token endpoint', { required: true }),
          f('revocation_endpoint', 'url', 'Revocation endpoint'),
          f('end_session_endpoint', 'url', 'End session (logout) endpoint'),
          f('user_info_from_id_token', 'boolean', 'Obtain user information from the identity token'),
          f('userinfo_endpoint', 'url', 'User info endpoint', { required_if: { field: 'user_info_from_id_token', value: false } }),
          f('verify_token_signature', 'boolean', 'Verify token signature', { default: true }),
          f('jwks_uri', 'url', 'JWKS URI', { required_if: { field: 'verify_token_signature', value: true } })
        ]
      },
      {
        name: 'login', label: 'Login', fields: [
          f('email_verification', 'boolean', 'Email verification', { help: 'Only users whose provider returns email_verified: true may log in' }),
          f('create_new_users', 'boolean', 'Create new users on first login', { default: true })
        ]
      },
      {
        name: 'additional', label: 'Additional settings', fields: [
          f('code_challenge_method', 'select', 'Code challenge method', {
            default: 'S256', options: [{ value: 'none', label: 'None' }, { value: 'plain', label: 'Plain' }, { value: 'S256', label: 'S256' }]
          }),
          f('scopes', 'string', 'Standard userinfo scopes', { default: 'openid,email,profile', help: 'Comma-separated' }),
          f('additional_scopes', 'string', 'Additional scopes', { default: '', help: 'Comma-separated, e.g. groups' }),
          f('custom_authorization_params', 'key_value', 'Custom authorization parameters', { help: 'Extra query parameters of the authorization request (string values)' })
        ]
      },
      { name: 'claims', label: 'Claims mapping', fields: claimFields('sub') },
      { name: 'groups', label: 'User groups synchronisation', fields: groupFields(groups) }
    ]
  }
  return [
    {
      name: 'connection', label: 'Connection', fields: [
        ...webapp,
        f('acs_url', 'url', 'Reply / ACS URL', { readonly: true, help: "Copy this into the Assertion Consumer Service URL of your provider's ClearML app" }),
        f('display_name', 'string', 'Display name', { required: true, help: 'Unique; shown on the ClearML login page' }),
        f('entity_id', 'string', 'Entity ID', { required: true, help: "The entity ID of your provider's ClearML app" }),
        f('idp_metadata', 'text', 'IdP metadata file', { required: true, help: 'The content of the metadata XML file your provider offers for download' })
      ]
    },
    {
      name: 'security', label: 'Security settings', fields: [
        f('require_signed_assertions', 'boolean', 'Require signed assertions', { default: true }),
        f('sign_requests', 'boolean', 'Sign client requests'),
        f('sp_certificate', 'text', 'Public key (certificate, PEM)', { required_if: { field: 'sign_requests', value: true } }),
        f('sp_private_key', 'secret', 'Private key (PEM)', { required_if: { field: 'sign_requests', value: true } })
      ]
    },
    { name: 'login', label: 'Login', fields: [f('create_new_users', 'boolean', 'Create new users on first login', { default: true })] },
    { name: 'claims', label: 'Claims mapping', fields: claimFields('NameID') },
    { name: 'groups', label: 'User groups synchronisation', fields: groupFields(groups) }
  ]
}

export const allFields = (sections: TemplateSection[]) => sections.flatMap((s) => s.fields)

export type Config = Record<string, unknown>

const joinUrl = (base: string, path: string) => `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`

/** The callback (OIDC) / ACS (SAML) URL of a configuration: `<webapp_url>/callback_<provider>`, never with `//`. */
export function callbackUrl(config: Config, provider: ProviderInfo): string {
  return joinUrl(String(config.webapp_url), `callback_${provider.id}`)
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s)
    return u.protocol === 'http:' || u.protocol === 'https:'
  } catch {
    return false
  }
}

/**
 * Validates `incoming` against the provider's form and merges it over `base` (the stored configuration when updating,
 * else the defaults). Absent fields keep their value; null resets a field to its default (a secret: clears it);
 * secrets absent on update keep the stored value; `<field>_set` markers and `id` are ignored; readonly fields are
 * computed. Unknown fields, wrong types and bad URLs are 400/12 naming `configuration.<field>` (never its value).
 * `complete`: also check the required fields (save and test do).
 */
export function mergeConfiguration(sections: TemplateSection[], provider: ProviderInfo, incoming: Config, base: Config | undefined,
  defaults: { webapp_url: string }, groupIds: ReadonlySet<string>, complete: boolean): Config {
  const fields = allFields(sections)
  const byName = new Map(fields.map((x) => [x.name, x]))
  const bad = (name: string, why: string) => errors.validation(`error for field 'configuration.${name}'. ${why}`)
  const config: Config = {}
  for (const x of fields) config[x.name] = base && Object.hasOwn(base, x.name) ? base[x.name] : x.default
  if (!base) config.webapp_url = defaults.webapp_url
  for (const [key, value] of Object.entries(incoming)) {
    if (key === 'id' || key.endsWith('_set')) continue
    const field = byName.get(key)
    if (!field) throw bad(key.slice(0, 100), 'Unknown field for this provider')
    if (field.readonly) continue
    if (value === null) {
      config[key] = key === 'webapp_url' ? defaults.webapp_url : field.default
      continue
    }
    switch (field.type) {
      case 'string': case 'url': case 'secret': case 'text': {
        if (typeof value !== 'string') throw bad(key, 'Expected a string')
        if (value.length > (field.type === 'text' || field.type === 'secret' ? 256 * 1024 : 4096)) throw bad(key, 'Too long')
        const v = field.type === 'secret' || field.type === 'text' ? value : value.trim()
        if (field.type === 'url' && v && !isHttpUrl(v)) throw bad(key, 'Expected an http(s) URL')
        config[key] = v === '' && field.type !== 'string' ? null : v
        break
      }
      case 'boolean':
        if (typeof value !== 'boolean') throw bad(key, 'Expected a boolean')
        config[key] = value
        break
      case 'select':
        if (!field.options!.some((o) => o.value === value)) throw bad(key, `Expected one of ${field.options!.map((o) => o.value).join(', ')}`)
        config[key] = value
        break
      case 'key_value': {
        if (typeof value !== 'object' || Array.isArray(value)) throw bad(key, 'Expected an object of strings')
        const entries = Object.entries(value as Config)
        if (entries.length > 50 || entries.some(([k, v]) => typeof v !== 'string' || !k || k.length > 256 || v.length > 4096)) throw bad(key, 'Expected at most 50 string values')
        config[key] = Object.fromEntries(entries)
        break
      }
      case 'group_mapping': {
        if (!Array.isArray(value) || value.length > 500) throw bad(key, 'Expected a list of {idp_group, clearml_groups}')
        config[key] = value.map((m, i) => {
          const idp = (m as Config)?.idp_group
          const groups = (m as Config)?.clearml_groups
          if (typeof idp !== 'string' || !idp.trim() || !Array.isArray(groups) || groups.some((g) => typeof g !== 'string')) {
            throw bad(`${key}.${i}`, 'Expected {idp_group: string, clearml_groups: [group ids]}')
          }
          const unknown = (groups as string[]).find((g) => !groupIds.has(g))
          if (unknown !== undefined) throw bad(`${key}.${i}.clearml_groups`, 'Not an assignable group of this company')
          return { idp_group: idp.trim(), clearml_groups: [...new Set(groups as string[])] }
        })
        break
      }
    }
  }
  if (!config.webapp_url) config.webapp_url = defaults.webapp_url
  for (const x of fields.filter((x) => x.readonly)) config[x.name] = callbackUrl(config, provider)
  if (complete) {
    for (const x of fields) {
      const needed = x.required || (x.required_if !== null && config[x.required_if.field] === x.required_if.value)
      const v = config[x.name]
      if (needed && (v === null || v === undefined || v === '')) throw bad(x.name, 'A value is required')
    }
  }
  return config
}

/** The template with the configuration's values: secrets carry `set` instead of `value`. */
export function templateWithValues(sections: TemplateSection[], config: Config) {
  return sections.map((s) => ({
    ...s,
    fields: s.fields.map((x) => (x.secret
      ? { ...x, set: config[x.name] !== null && config[x.name] !== undefined && config[x.name] !== '' }
      : { ...x, value: config[x.name] ?? x.default }))
  }))
}

// --- OIDC client ------------------------------------------------------------------------------------------------------

const FETCH_TIMEOUT_MS = 5000
const MAX_DOCUMENT = 1024 * 1024

/** A JSON document from the provider (GET, or POST with a form); errors name the URL's origin and the reason. */
export async function fetchJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  if (!isHttpUrl(url)) throw new Error('not an http(s) URL')
  const res = await fetch(url, { ...init, redirect: 'follow', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })
  const text = await res.text()
  if (text.length > MAX_DOCUMENT) throw new Error('response too large')
  let body: unknown
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    throw new Error(`${new URL(url).origin} answered HTTP ${res.status} without JSON`)
  }
  return { status: res.status, body }
}

export const DISCOVERY_FIELDS = ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'revocation_endpoint', 'end_session_endpoint', 'jwks_uri'] as const

/** The endpoints of an OpenID discovery document (null when absent) and its issuer. */
export async function discover(url: string): Promise<Record<(typeof DISCOVERY_FIELDS)[number], string | null> & { issuer: string | null }> {
  const { status, body } = await fetchJson(url)
  if (status !== 200 || !body || typeof body !== 'object') throw new Error(`the discovery document could not be read (HTTP ${status})`)
  const doc = body as Config
  const str = (k: string) => (typeof doc[k] === 'string' && isHttpUrl(doc[k] as string) ? (doc[k] as string) : null)
  return {
    issuer: typeof doc.issuer === 'string' ? doc.issuer : null,
    ...(Object.fromEntries(DISCOVERY_FIELDS.map((k) => [k, str(k)])) as Record<(typeof DISCOVERY_FIELDS)[number], string | null>)
  }
}

const scopeList = (config: Config) => {
  const split = (v: unknown) => String(v ?? '').split(/[,\s]+/).map((s) => s.trim()).filter(Boolean)
  const scopes = [...new Set(['openid', ...split(config.scopes), ...split(config.additional_scopes)])]
  return scopes
}

/** The authorization URL of a Test Provider run (OIDC), with the PKCE verifier and nonce to keep. */
export function oidcAuthorizationUrl(config: Config, provider: ProviderInfo, state: string): { url: string; codeVerifier: string | null; nonce: string } {
  const nonce = randomBytes(16).toString('base64url')
  const method = String(config.code_challenge_method ?? 'S256')
  const codeVerifier = method === 'none' ? null : randomBytes(32).toString('base64url')
  const url = new URL(String(config.authorization_endpoint))
  const params: Record<string, string> = {
    ...(config.custom_authorization_params as Record<string, string> | null ?? {}),
    response_type: 'code', client_id: String(config.client_id), redirect_uri: callbackUrl(config, provider), scope: scopeList(config).join(' '),
    state, nonce
  }
  if (codeVerifier) {
    params.code_challenge = method === 'S256' ? createHash('sha256').update(codeVerifier).digest('base64url') : codeVerifier
    params.code_challenge_method = method
  }
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  return { url: url.href, codeVerifier, nonce }
}

const JWS_ALGS: Record<string, { hash: string | null; padding?: 'pss'; ec?: boolean }> = {
  RS256: { hash: 'sha256' }, RS384: { hash: 'sha384' }, RS512: { hash: 'sha512' },
  PS256: { hash: 'sha256', padding: 'pss' }, PS384: { hash: 'sha384', padding: 'pss' }, PS512: { hash: 'sha512', padding: 'pss' },
  ES256: { hash: 'sha256', ec: true }, ES384: { hash: 'sha384', ec: true }, ES512: { hash: 'sha512', ec: true }, EdDSA: { hash: null }
}

/** Decodes a JWT without checking it. */
export function decodeJwt(token: string): { header: Config; payload: Config; signingInput: string; signature: Buffer } {
  const parts = token.split('.')
  if (parts.length !== 3) throw new Error('the ID token is not a JWS')
  const json = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Config
  return { header: json(parts[0]), payload: json(parts[1]), signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') }
}

/** Checks a JWS signature against the provider's JWKS (node:crypto, keys imported as JWK). Returns the algorithm. */
export async function verifyJwtSignature(token: string, jwksUri: string): Promise<string> {
  const { header, signingInput, signature } = decodeJwt(token)
  const alg = String(header.alg)
  const spec = JWS_ALGS[alg]
  if (!spec) throw new Error(`unsupported ID token signature algorithm ${alg.slice(0, 20)}`)
  const { status, body } = await fetchJson(jwksUri)
  const keys = status === 200 && body && typeof body === 'object' && Array.isArray((body as Config).keys) ? ((body as Config).keys as JsonWebKey[]) : undefined
  if (!keys) throw new Error(`the JWKS could not be read (HTTP ${status})`)
  const candidates = keys.filter((k) => (header.kid === undefined || k.kid === header.kid) && (k.use === undefined || k.use === 'sig'))
  if (!candidates.length) throw new Error('no key of the provider\'s JWKS matches the ID token')
  for (const jwk of candidates) {
    try {
      const key = createPublicKey({ key: jwk, format: 'jwk' })
      const ok = verifySignature(spec.hash, Buffer.from(signingInput), {
        key, ...(spec.padding === 'pss' && { padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: Number(spec.hash!.slice(3)) / 8 }),
        ...(spec.ec && { dsaEncoding: 'ieee-p1363' as const })
      }, signature)
      if (ok) return alg
    } catch {
      // try the next key
    }
  }
  throw new Error('the ID token signature does not verify against the provider\'s JWKS')
}

export interface MappedUserData {
  user_id: string | null; email: string | null; email_verified: boolean | null; name: string | null; given_name: string | null
  family_name: string | null; avatar: string | null; groups: string[]
}

/** Maps the provider's claims per the configuration's claim mapping. */
export function mapClaims(config: Config, claims: Config): MappedUserData {
  const pick = (field: string): unknown => {
    const claim = config[field]
    return typeof claim === 'string' && claim ? claims[claim] : undefined
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null)
  const given = str(pick('claim_given_name'))
  const family = str(pick('claim_family_name'))
  const rawGroups = pick('claim_groups')
  return {
    user_id: str(pick('claim_user_id')), email: str(pick('claim_email')),
    email_verified: typeof claims.email_verified === 'boolean' ? claims.email_verified : null,
    name: str(pick('claim_name')) ?? ([given, family].filter(Boolean).join(' ') || null), given_name: given, family_name: family,
    avatar: str(pick('claim_avatar')),
    groups: Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : typeof rawGroups === 'string' ? [rawGroups] : []
  }
}

// --- SAML -------------------------------------------------------------------------------------------------------------

export const SAML_BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'
} as const
const SAML_PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol'
const SAML_ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion'
const SAML_MESSAGES = new Set(['AuthnRequest', 'Response', 'LogoutRequest', 'LogoutResponse'])
/** The largest SAML message accepted (decoded XML). */
export const MAX_SAML_XML = 512 * 1024
/** Tolerated clock difference between the IdP and this server. */
const SAML_CLOCK_SKEW_MS = 60_000

type Samlify = typeof import('samlify')
type XmlDom = typeof import('@xmldom/xmldom')
let samlifyLoaded: Promise<Samlify> | undefined
let xmlDom: XmlDom | undefined

/**
 * `samlify` (loaded on demand: the server needs it only for SAML tests) with this server's schema validator installed.
 * samlify refuses to parse any message until a validator is set (setSchemaValidator). No XSD validator is used (the
 * usual ones need Java or native libxml); checkSamlMessage does the structural checks that matter here instead.
 */
export function loadSamlify(): Promise<Samlify> {
  samlifyLoaded ??= (async () => {
    const [mod, dom] = await Promise.all([import('samlify'), import('@xmldom/xmldom')])
    const samlify = ((mod as { default?: Samlify }).default ?? mod) as Samlify
    const xmldom = ((dom as { default?: XmlDom }).default ?? dom) as XmlDom
    xmlDom = xmldom
    samlify.setSchemaValidator({ validate: async (xml: string) => checkSamlMessage(xml, xmldom) })
    return samlify
  })()
  return samlifyLoaded
}

/**
 * Runs a samlify constructor without its console warnings: metadata without a SingleLogoutService (legitimate: this
 * server does no single logout) makes samlify warn on every IdP entity it builds, which would flood the server log.
 */
export function withoutSamlifyWarnings<T>(build: () => T): T {
  const warn = console.warn
  console.warn = (...args: unknown[]) => {
    if (!/SingleLogoutService/.test(String(args[0]))) warn(...args)
  }
  try {
    return build()
  } finally {
    console.warn = warn
  }
}

/**
 * The checks run on every SAML message samlify parses (its schema-validator hook); a failure names the reason. Not a
 * full XSD validation: a size bound; no DTD or entity declaration (XXE, entity expansion); well-formed XML (a fatal
 * parse error refuses); a SAML 2.0 protocol message at the root (AuthnRequest, Response, LogoutRequest or
 * LogoutResponse in the protocol namespace) with Version="2.0", an ID and an IssueInstant; every Assertion in the
 * assertion namespace with Version="2.0", an ID and an Issuer; and no two elements sharing an ID (signature wrapping
 * relies on duplicates).
 */
export function checkSamlMessage(xml: string, xmldom: XmlDom): string {
  if (typeof xml !== 'string' || !xml.trim()) throw new Error('the SAML message is empty')
  if (xml.length > MAX_SAML_XML) throw new Error(`the SAML message is larger than ${MAX_SAML_XML} bytes`)
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('the SAML message has a DTD or entity declaration, which SAML does not allow')
  const fail = (msg: string) => {
    throw new Error(`the SAML message is not well-formed XML: ${String(msg).split('\n')[0].slice(0, 200)}`)
  }
  const doc = new xmldom.DOMParser({ errorHandler: { warning: () => {}, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml')
  const root = doc.documentElement
  if (!root) throw new Error('the SAML message has no root element')
  if (root.namespaceURI !== SAML_PROTOCOL_NS || !SAML_MESSAGES.has(root.localName ?? '')) {
    throw new Error(`the SAML message is not a SAML 2.0 protocol message (root element ${String(root.localName ?? root.nodeName).slice(0, 60)})`)
  }
  if (root.getAttribute('Version') !== '2.0') throw new Error('the SAML message is not SAML version 2.0')
  if (!root.getAttribute('ID') || !root.getAttribute('IssueInstant')) throw new Error(`the ${root.localName} has no ID or IssueInstant`)
  const ids = new Set<string>()
  const all = doc.getElementsByTagName('*')
  for (let i = 0; i < all.length; i++) {
    const el = all.item(i)!
    const id = el.getAttribute('ID')
    if (id) {
      if (ids.has(id)) throw new Error('two elements of the SAML message share one ID')
      ids.add(id)
    }
    if (el.localName === 'Assertion') {
      if (el.namespaceURI !== SAML_ASSERTION_NS) throw new Error('an Assertion is not in the SAML 2.0 assertion namespace')
      if (el.getAttribute('Version') !== '2.0' || !id) throw new Error('an Assertion has no ID or is not version 2.0')
      const issuer = Array.from({ length: el.childNodes.length }, (_, j) => el.childNodes.item(j)).find((n) => (n as { localName?: string }).localName === 'Issuer')
      if (!issuer) throw new Error('an Assertion has no Issuer')
    }
  }
  return 'ok'
}

/** The IdP's single sign-on URL (HTTP-Redirect binding) from its metadata. */
export function samlSsoUrl(metadata: string): string | null {
  for (const m of metadata.matchAll(/<(?:[\w-]+:)?SingleSignOnService\b([^>]*)>/g)) {
    const attrs = m[1]
    if (/Binding="urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-Redirect"/.test(attrs)) {
      const loc = /Location="([^"]+)"/.exec(attrs)?.[1]
      if (loc && isHttpUrl(loc.replace(/&amp;/g, '&'))) return loc.replace(/&amp;/g, '&')
    }
  }
  return null
}

const xmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)

/**
 * The SAML authorization redirect (AuthnRequest, HTTP-Redirect binding) of a Test Provider run, and the request's ID
 * (the response must answer it: InResponseTo).
 */
export function samlAuthorizationUrl(config: Config, provider: ProviderInfo, state: string, store: Store): { url: string; requestId: string } {
  const sso = samlSsoUrl(String(config.idp_metadata ?? ''))
  if (!sso) throw errors.validation(`error for field 'configuration.idp_metadata'. The metadata names no HTTP-Redirect SingleSignOnService`)
  const requestId = `_${randomBytes(16).toString('hex')}`
  const request = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ` +
    `ID="${requestId}" Version="2.0" IssueInstant="${store.nowIso()}" Destination="${xmlEscape(sso)}" ` +
    `AssertionConsumerServiceURL="${xmlEscape(callbackUrl(config, provider))}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">` +
    `<saml:Issuer>${xmlEscape(String(config.entity_id))}</saml:Issuer></samlp:AuthnRequest>`
  const url = new URL(sso)
  url.searchParams.set('SAMLRequest', deflateRawSync(Buffer.from(request)).toString('base64'))
  url.searchParams.set('RelayState', state)
  return { url: url.href, requestId }
}

/** samlify's refusals, in words (the first match wins). */
const SAML_REFUSALS: Array<[RegExp, string]> = [
  [/ERROR_UNMATCH_CERTIFICATE_DECLARATION_IN_METADATA/, 'the assertion signature does not match the IdP certificate: the response is signed with a certificate the IdP metadata does not name'],
  [/FAILED_TO_VERIFY_SIGNATURE|invalid signature|signature.*(incorrect|invalid)|digest/i, 'the assertion signature does not match the IdP certificate (idp_metadata)'],
  [/NO_SELECTED_CERTIFICATE/, 'the IdP metadata has no signing certificate, so the assertion signature cannot be checked'],
  [/ERR_POTENTIAL_WRAPPING_ATTACK/, 'the response hides an assertion or signature inside SubjectConfirmationData (a signature wrapping attempt)'],
  [/ERR_UNMATCH_ISSUER/, 'the assertion was issued by another entity than the IdP of the metadata (Issuer)'],
  [/ERR_SUBJECT_UNCONFIRMED/, 'the assertion is outside its validity period (Conditions NotBefore / NotOnOrAfter)'],
  [/ERR_EXPIRED_SESSION/, 'the IdP session of the assertion has expired (SessionNotOnOrAfter)'],
  [/ERR_FAILED_STATUS/, 'the IdP refused the sign-in'],
  [/ERR_UNDEFINED_STATUS/, 'the response has no status'],
  [/ERR_EMPTY_ASSERTION|ERR_ZERO_SIGNATURE/, 'the response carries no signed assertion']
]

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [])

export interface SamlEvaluation { error: string | null; claims: Config | null; info: Config }

/**
 * Evaluates a SAMLResponse (HTTP-POST binding) of a Test Provider run as the connection's service provider. A signed
 * response goes through samlify's SP side: the status, the XML signature (of the response or of the assertion, as
 * "Require signed assertions" allows either) against the signing certificate of the connection's IdP metadata, wrapping
 * attacks refused, the Issuer. An unsigned one is accepted only with "Require signed assertions" off (then samlify's
 * extractor reads it: one assertion, the status, the Issuer). Then here, on the (verified) assertion: the audience (the
 * connection's entity ID), the recipient and destination (the ACS URL), InResponseTo (the run's AuthnRequest ID) and
 * the time conditions (this server's clock, one minute of skew). The claims are the NameID and the attributes.
 */
export async function evaluateSamlResponse(opts: { config: Config; acsUrl: string; requestId: string; samlResponse: string; now: number }): Promise<SamlEvaluation> {
  const { config, acsUrl, requestId } = opts
  const info: Config = { entity_id: config.entity_id ?? null, acs_url: acsUrl, request_id: requestId, assertion_signature: 'not_checked' }
  const fail = (error: string, claims: Config | null = null): SamlEvaluation => ({ error, claims, info })
  if (opts.samlResponse.length > (MAX_SAML_XML * 4) / 3 + 4) return fail('the SAMLResponse is too large')
  const samlify = await loadSamlify()
  const xml = Buffer.from(opts.samlResponse, 'base64').toString('utf8')
  try {
    checkSamlMessage(xml, xmlDom!)
  } catch (e) {
    return fail((e as Error).message)
  }
  let idp: ReturnType<Samlify['IdentityProvider']>
  try {
    idp = withoutSamlifyWarnings(() => samlify.IdentityProvider({ metadata: String(config.idp_metadata ?? '') }))
    info.idp_entity_id = idp.entityMeta.getEntityID()
  } catch (e) {
    return fail(`the IdP metadata could not be read: ${String((e as Error)?.message ?? e).slice(0, 200)}`)
  }
  const refusal = (e: unknown) => {
    const msg = String((e as Error)?.message ?? e)
    const known = SAML_REFUSALS.find(([re]) => re.test(msg))
    if (known && /ERR_FAILED_STATUS/.test(msg)) return fail(`${known[1]} (${msg.replace(/^.*?with top tier code:\s*/, '').slice(0, 300)})`)
    return fail(known ? known[1] : `the SAML response was refused: ${msg.slice(0, 300)}`)
  }
  type Extracted = {
    nameID?: string; issuer?: unknown; audience?: unknown; attributes?: Record<string, unknown>; response?: Record<string, string>
    conditions?: Record<string, string>
  }
  let ext: Extracted
  let assertion: string
  if (/<(?:[\w-]+:)?Signature[\s>]/.test(xml)) {
    if (!asList(idp.entityMeta.getX509Certificate('signing')).some((c) => c.trim())) {
      return fail('the IdP metadata has no signing certificate, so the assertion signature cannot be checked')
    }
    const sp = samlify.ServiceProvider({
      entityID: String(config.entity_id), wantAssertionsSigned: true, clockDrifts: [-SAML_CLOCK_SKEW_MS, SAML_CLOCK_SKEW_MS],
      assertionConsumerService: [{ Binding: SAML_BINDING.post, Location: acsUrl }]
    })
    let parsed: { samlContent: string; extract: Record<string, unknown> }
    try {
      parsed = await sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: opts.samlResponse } })
    } catch (e) {
      return refusal(e)
    }
    // the assertion the signature covers: every check below reads it, never the unsigned envelope alone
    const [verified, signedAssertion] = samlify.SamlLib.verifySignature(parsed.samlContent, { metadata: idp.entityMeta })
    if (!verified || !signedAssertion) return fail('the response carries no signed assertion')
    info.assertion_signature = 'verified'
    ext = parsed.extract as Extracted
    assertion = signedAssertion
  } else {
    if (config.require_signed_assertions !== false) {
      return fail('the response is not signed (neither the response nor its assertion carries a signature), and Require signed assertions is on')
    }
    // Require signed assertions is off: samlify's extractor reads the unsigned response
    info.assertion_signature = 'not_signed'
    const { Extractor } = samlify
    const found = Extractor.extract(xml, [{ key: 'assertion', localPath: ['Response', 'Assertion'], attributes: [], context: true }]).assertion
    if (typeof found !== 'string') return fail('the response must carry exactly one assertion')
    const status = Extractor.extract(xml, Extractor.loginResponseStatusFields) as { top?: string; second?: string }
    if (status.top !== 'urn:oasis:names:tc:SAML:2.0:status:Success') {
      return status.top ? refusal(new Error(`ERR_FAILED_STATUS with top tier code: ${status.top}, second tier code: ${status.second}`)) : refusal(new Error('ERR_UNDEFINED_STATUS'))
    }
    ext = Extractor.extract(xml, Extractor.loginResponseFields(found)) as Extracted
    if (ext.issuer !== info.idp_entity_id) return refusal(new Error('ERR_UNMATCH_ISSUER'))
    assertion = found
  }
  const confirmation = (samlify.Extractor.extract(assertion, [
    { key: 'confirmation', localPath: ['Assertion', 'Subject', 'SubjectConfirmation', 'SubjectConfirmationData'], attributes: ['Recipient', 'InResponseTo', 'NotBefore', 'NotOnOrAfter'] }
  ]) as { confirmation?: Record<string, string> }).confirmation ?? {}
  const claims: Config = { NameID: typeof ext.nameID === 'string' ? ext.nameID : null }
  for (const [k, v] of Object.entries(ext.attributes ?? {})) if (k !== 'NameID' && k !== '__proto__') claims[k] = v
  info.issuer = ext.issuer ?? null
  const audiences = asList(ext.audience)
  if (!audiences.includes(String(config.entity_id))) {
    return fail(`the assertion is for another service provider: its audience is ${JSON.stringify(audiences.join(', ').slice(0, 200))}, this connection's entity ID is ${JSON.stringify(String(config.entity_id))}`)
  }
  const recipient = confirmation.recipient
  if (recipient !== acsUrl) return fail(`the assertion is for another ACS URL (Recipient ${JSON.stringify(String(recipient ?? '').slice(0, 200))}), not ${acsUrl}`)
  const destination = ext.response?.destination
  if (destination !== undefined && destination !== acsUrl) return fail(`the response was sent to another ACS URL (Destination ${JSON.stringify(String(destination).slice(0, 200))}), not ${acsUrl}`)
  const inResponseTo = [confirmation.inResponseTo, ext.response?.inResponseTo].filter((v) => v !== undefined)
  if (!inResponseTo.length || inResponseTo.some((v) => v !== requestId)) {
    return fail('the response does not answer this test\'s sign-in request (InResponseTo differs from the AuthnRequest ID)')
  }
  const at = (v: string | undefined) => (v === undefined ? undefined : Date.parse(v))
  const notBefore = at(ext.conditions?.notBefore)
  const notOnOrAfter = [at(ext.conditions?.notOnOrAfter), at(confirmation.notOnOrAfter)].filter((v): v is number => v !== undefined)
  if ((notBefore !== undefined && (Number.isNaN(notBefore) || notBefore - SAML_CLOCK_SKEW_MS > opts.now)) ||
    notOnOrAfter.some((t) => Number.isNaN(t) || opts.now >= t + SAML_CLOCK_SKEW_MS)) {
    return fail('the assertion is outside its validity period (Conditions NotBefore / NotOnOrAfter)', claims)
  }
  return { error: null, claims, info }
}

/** The service provider's metadata (sso.download_saml_sp_metadata). */
export function samlSpMetadata(config: Config, provider: ProviderInfo): string {
  const cert = String(config.sp_certificate ?? '').replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')
  const keyDescriptor = config.sign_requests === true && cert
    ? `\n    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${xmlEscape(cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`
    : ''
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${xmlEscape(String(config.entity_id))}">
  <md:SPSSODescriptor AuthnRequestsSigned="${config.sign_requests === true}" WantAssertionsSigned="${config.require_signed_assertions !== false}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keyDescriptor}
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${xmlEscape(callbackUrl(config, provider))}" index="0" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
`
}
