import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { AdminStore, type SsoConfigurationRow } from '../admin-store'
import { type CallContext, type Identity, RawResponse, empty, endpoint, requireIdentity, stringList } from '../endpoint'
import { errors } from '../errors'
import { ADMIN_ROLES, groupFlags } from '../groups'
import {
  type Config, DISCOVERY_FIELDS, type MappedUserData, PROVIDERS, type ProviderInfo, decodeJwt, discover, evaluateSamlResponse, fetchJson, mapClaims, mergeConfiguration,
  oidcAuthorizationUrl, providerInfo, samlAuthorizationUrl, samlSpMetadata, templateSections, templateWithValues, verifyJwtSignature
} from '../sso'
import { type Store, newId } from '../store'

/**
 * sso.* and login.test_sso_callback (clearml-enterprise-api.md §1.6), enterprise feature set, admin roles. The form is
 * server-driven (sso.ts `templateSections`); configurations are stored whole, secrets included, and secrets (the OIDC
 * client secret, the SAML private key) are never returned: a template field that is secret carries `set` instead of
 * `value`. The Test Provider flow: sso.test_provider_configuration stores a test session and returns the provider's
 * authorization URL (callback `<webapp_url>/callback_<provider>`, OAuth `state` = `<session id>[.<client state>]`);
 * the provider sends the browser to the callback with `code` and `state`; login.test_sso_callback exchanges the code
 * (token endpoint, client secret), checks the ID token (JWKS signature, issuer, audience, expiry, nonce), reads the
 * userinfo endpoint and maps the claims. SAML: the AuthnRequest goes to the IdP's HTTP-Redirect endpoint with
 * `RelayState` = the state; the IdP POSTs `SAMLResponse` and `RelayState` to the ACS URL (`/callback_<provider>`), and
 * login.test_sso_callback evaluates the response (signature, audience, recipient, InResponseTo, time) and maps the
 * claims (NameID and attributes). Provider errors come back in `error_msg`.
 */

const TEST_TTL_MS = 10 * 60 * 1000

/** "Can be specified by system users only": another company is 403/20 for anyone else. */
function targetCompany(identity: Identity, company: string | undefined): string {
  if (company !== undefined && company !== identity.company) {
    if (identity.role !== 'system') throw errors.roleNotAllowed('only system users may name another company', { company: company.slice(0, 100) })
    return company
  }
  return identity.company
}

/** This server as the web app's URL (the callback URL's default base): the Host the caller used. */
function origin(ctx: CallContext<unknown>): string {
  const host = ctx.headers.host
  return `http://${host && /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host) ? host : '127.0.0.1'}`
}

function assignableGroups(store: Store, company: string) {
  return store.userGroupsOfCompany(company).filter((g) => groupFlags(g).assignable).map((g) => ({ value: g.id, label: g.name }))
}

function configurationView(r: SsoConfigurationRow) {
  return { id: r.id, provider: r.provider, display_name: r.display_name, category: r.category, active: r.active === 1, last_update: r.last_update, readonly: r.readonly === 1 }
}

const configurationObject = z.record(z.string(), z.unknown())

/** Validates and merges a configuration sent by the client; a known `configuration.id` supplies the stored values (secrets). */
function resolveConfiguration(ctx: CallContext<unknown>, company: string, provider: ProviderInfo, incoming: Config, complete: boolean) {
  const { store } = ctx.server
  const admin = new AdminStore(store)
  const id = typeof incoming.id === 'string' && incoming.id ? incoming.id : undefined
  if (incoming.id !== undefined && incoming.id !== null && id === undefined) throw errors.validation(`error for field 'configuration.id'. Expected a non-empty string`)
  const stored = id === undefined ? undefined : admin.ssoConfiguration(company, id)
  if (stored?.readonly === 1) throw errors.validation('this configuration is read-only', { id: stored.id })
  const groups = assignableGroups(store, company)
  const sections = templateSections(provider, groups)
  const config = mergeConfiguration(sections, provider, incoming, stored && JSON.parse(stored.config), { webapp_url: origin(ctx) },
    new Set(groups.map((g) => g.value)), complete)
  return { id, stored, config, sections }
}

export const ssoEndpoints = [
  endpoint({
    name: 'sso.get_supported_providers', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES, schema: empty,
    handler: () => ({ providers: PROVIDERS.map((p) => ({ ...p })) })
  }),
  endpoint({
    name: 'sso.get_provider_configurations', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ company: z.string().min(1).optional() }),
    handler: (ctx) => {
      const company = targetCompany(requireIdentity(ctx), ctx.data.company)
      return { configurations: new AdminStore(ctx.server.store).ssoConfigurations(company).map(configurationView) }
    }
  }),
  endpoint({
    name: 'sso.get_provider_configuration_template', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ company: z.string().min(1).optional(), id: z.string().min(1).optional(), provider: z.string().min(1).optional(), well_known_url: z.string().min(1).max(4096).optional() }),
    handler: async (ctx) => {
      const company = targetCompany(requireIdentity(ctx), ctx.data.company)
      const { store } = ctx.server
      let stored: SsoConfigurationRow | undefined
      if (ctx.data.id !== undefined) {
        stored = new AdminStore(store).ssoConfiguration(company, ctx.data.id)
        if (!stored) throw errors.invalidId('configuration not found', { id: ctx.data.id })
        if (stored.readonly === 1) throw errors.validation('this configuration is read-only: it cannot be viewed or edited', { id: stored.id })
      }
      const providerId = stored?.provider ?? ctx.data.provider
      if (providerId === undefined) throw errors.validation(`error for field 'provider'. A provider is needed for a new configuration`)
      const provider = providerInfo(providerId)
      const groups = assignableGroups(store, company)
      const sections = templateSections(provider, groups)
      let error: string | null = null
      const prefill: Config = {}
      if (ctx.data.well_known_url !== undefined) {
        if (provider.category !== 'oidc') error = 'well_known_url applies to OIDC providers only'
        else {
          try {
            const found = await discover(ctx.data.well_known_url)
            prefill.well_known_url = ctx.data.well_known_url
            for (const k of DISCOVERY_FIELDS) if (found[k]) prefill[k] = found[k]
          } catch (e) {
            error = `The well-known URL could not be read: ${(e as Error).message}`
          }
        }
      }
      const config = mergeConfiguration(sections, provider, prefill, stored && JSON.parse(stored.config), { webapp_url: origin(ctx) }, new Set(groups.map((g) => g.value)), false)
      return {
        config_template: { provider: { id: provider.id, display_name: provider.display_name, category: provider.category }, id: stored?.id ?? null, sections: templateWithValues(sections, config) },
        error
      }
    }
  }),
  endpoint({
    name: 'sso.get_oidc_provider_data_from_well_known_url', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ url: z.string().min(1).max(4096) }),
    handler: async (ctx) => {
      try {
        const found = await discover(ctx.data.url)
        return Object.fromEntries(DISCOVERY_FIELDS.map((k) => [k, found[k]]))
      } catch (e) {
        throw errors.validation(`error for field 'url'. The well-known URL could not be read: ${(e as Error).message}`)
      }
    }
  }),
  endpoint({
    name: 'sso.save_provider_configuration', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ company: z.string().min(1).optional(), configuration: configurationObject, provider: z.string().min(1), support_provider: z.boolean().optional() }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const company = targetCompany(identity, ctx.data.company)
      if (ctx.data.support_provider === true && identity.role !== 'system') throw errors.roleNotAllowed('only system users may set support_provider')
      const provider = providerInfo(ctx.data.provider)
      const { store } = ctx.server
      const admin = new AdminStore(store)
      return store.tx(() => {
        const { id, stored, config } = resolveConfiguration(ctx, company, provider, ctx.data.configuration, true)
        const name = String(config.display_name)
        const rowId = stored?.id ?? id ?? newId()
        const clash = admin.ssoConfigurations(company).find((c) => c.id !== rowId && c.display_name.trim().toLowerCase() === name.trim().toLowerCase())
        if (clash) throw errors.validation(`error for field 'configuration.display_name'. Another connection has this display name`, { id: clash.id })
        const now = store.nowIso()
        admin.putSsoConfiguration({
          id: rowId, company, provider: provider.id, category: provider.category, display_name: name, active: stored?.active ?? 1, readonly: 0,
          config: JSON.stringify(config), created: stored?.created ?? now, last_update: now
        })
        return { id: rowId }
      })
    }
  }),
  endpoint({
    name: 'sso.set_provider_configurations_active', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ active: z.boolean().default(true), company: z.string().min(1).optional(), ids: stringList.optional() }),
    handler: (ctx) => {
      const company = targetCompany(requireIdentity(ctx), ctx.data.company)
      const { store } = ctx.server
      const admin = new AdminStore(store)
      return store.tx(() => ({ updated: [...new Set(ctx.data.ids ?? [])].reduce((n, id) => n + admin.setSsoActive(company, id, ctx.data.active, store.nowIso()), 0) }))
    }
  }),
  endpoint({
    name: 'sso.delete_provider_configurations', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ company: z.string().min(1).optional(), ids: stringList.optional() }),
    handler: (ctx) => {
      const company = targetCompany(requireIdentity(ctx), ctx.data.company)
      const { store } = ctx.server
      const admin = new AdminStore(store)
      return store.tx(() => ({ deleted: [...new Set(ctx.data.ids ?? [])].reduce((n, id) => n + admin.deleteSsoConfiguration(company, id), 0) }))
    }
  }),
  endpoint({
    name: 'sso.download_saml_sp_metadata', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ configuration: configurationObject, provider: z.string().min(1) }),
    handler: (ctx) => {
      const provider = providerInfo(ctx.data.provider)
      if (provider.category !== 'saml') throw errors.validation(`error for field 'provider'. SP metadata exists for SAML providers only`)
      const { config } = resolveConfiguration(ctx, requireIdentity(ctx).company, provider, ctx.data.configuration, false)
      if (!config.entity_id) throw errors.validation(`error for field 'configuration.entity_id'. A value is required`)
      return new RawResponse(samlSpMetadata(config, provider), 'application/samlmetadata+xml; charset=utf-8', `${provider.id}-sp-metadata.xml`)
    }
  }),
  endpoint({
    name: 'sso.test_provider_configuration', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ configuration: configurationObject, provider: z.string().min(1), state: z.string().max(2048).regex(/^[A-Za-z0-9+/=_-]*$/, 'expected ASCII base64').optional() }),
    handler: async (ctx) => {
      const identity = requireIdentity(ctx)
      const provider = providerInfo(ctx.data.provider)
      let { config } = resolveConfiguration(ctx, identity.company, provider, ctx.data.configuration, false)
      // a discovery URL fills in endpoints that were left empty
      if (provider.category === 'oidc' && config.well_known_url && DISCOVERY_FIELDS.some((k) => !config[k])) {
        try {
          const found = await discover(String(config.well_known_url))
          for (const k of DISCOVERY_FIELDS) if (!config[k] && found[k]) config = { ...config, [k]: found[k] }
        } catch (e) {
          throw errors.validation(`error for field 'configuration.well_known_url'. The well-known URL could not be read: ${(e as Error).message}`)
        }
      }
      const groups = assignableGroups(ctx.server.store, identity.company)
      config = mergeConfiguration(templateSections(provider, groups), provider, {}, config, { webapp_url: origin(ctx) }, new Set(groups.map((g) => g.value)), true)
      const sid = randomBytes(16).toString('hex')
      const state = ctx.data.state ? `${sid}.${ctx.data.state}` : sid
      const { store } = ctx.server
      let redirect: string
      let codeVerifier: string | null = null
      let nonce: string
      if (provider.category === 'oidc') ({ url: redirect, codeVerifier, nonce } = oidcAuthorizationUrl(config, provider, state))
      // SAML: the nonce column keeps the AuthnRequest ID (the response must answer it: InResponseTo)
      else ({ url: redirect, requestId: nonce } = samlAuthorizationUrl(config, provider, state, store))
      new AdminStore(store).insertTestSession({
        id: sid, company: identity.company, user_id: identity.user, provider: provider.id, config: JSON.stringify(config),
        redirect_uri: String(config.callback_url ?? config.acs_url), code_verifier: codeVerifier, nonce, app_state: ctx.data.state ?? null,
        created: store.nowIso(), expires: new Date(store.clock() + TEST_TTL_MS).toISOString()
      })
      return { redirect_url: redirect }
    }
  }),
  endpoint({
    // no Security table is published: this server requires an admin (the Test Provider flow is admin-only)
    name: 'login.test_sso_callback', minVersion: '2.15', auth: 'required', roles: ADMIN_ROLES,
    schema: z.object({ args: z.record(z.string(), z.string()), callback_url: z.string().max(8192), provider: z.string().min(1) }),
    handler: async (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const admin = new AdminStore(store)
      const args = ctx.data.args
      const state = args.state ?? args.RelayState
      const session = state ? admin.testSession(state.split('.')[0]) : undefined
      if (!session || session.company !== identity.company || session.provider !== ctx.data.provider || Date.parse(session.expires) <= store.clock()) {
        throw errors.invalidId('no such Test Provider run (unknown or expired state)', { provider: ctx.data.provider.slice(0, 100) })
      }
      admin.deleteTestSession(session.id) // a code is used once
      const provider = providerInfo(session.provider)
      const config = JSON.parse(session.config) as Config
      return testCallback(ctx, provider, config, session.redirect_uri, session.code_verifier, session.nonce, args)
    }
  })
]

interface TestResult { mapped_user_data: MappedUserData | null; user_data: Config | null; configuration_info: Config; error_msg: string | null }

async function testCallback(ctx: CallContext<{ callback_url: string }>, provider: ProviderInfo, config: Config, redirectUri: string,
  codeVerifier: string | null, nonce: string, args: Record<string, string>): Promise<TestResult> {
  const info: Config = {
    provider: provider.id, provider_display_name: provider.display_name, category: provider.category, display_name: config.display_name ?? null,
    redirect_uri: redirectUri
  }
  const fail = (msg: string, userData: Config | null = null): TestResult => ({ mapped_user_data: null, user_data: userData, configuration_info: info, error_msg: msg })
  if (provider.category === 'saml') return samlTestCallback(ctx, config, redirectUri, nonce, args, info)
  Object.assign(info, {
    client_id: config.client_id, authorization_endpoint: config.authorization_endpoint, token_endpoint: config.token_endpoint,
    userinfo_endpoint: config.userinfo_endpoint, jwks_uri: config.jwks_uri, code_challenge_method: config.code_challenge_method,
    user_info_source: config.user_info_from_id_token === true ? 'id_token' : 'userinfo_endpoint', id_token_signature: 'not_checked'
  })
  if (args.error) return fail(`${args.error}${args.error_description ? `: ${args.error_description}` : ''}`)
  if (ctx.data.callback_url.split('?')[0] !== redirectUri) return fail(`the callback URL does not match the test's redirect URI (${redirectUri})`)
  if (!args.code) return fail('the provider sent no authorization code')

  // the code for tokens, authenticating with the client secret (client_secret_basic)
  const basic = Buffer.from(`${encodeURIComponent(String(config.client_id))}:${encodeURIComponent(String(config.client_secret))}`).toString('base64')
  let tokens: Config
  try {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: args.code, redirect_uri: redirectUri, ...(codeVerifier && { code_verifier: codeVerifier }) })
    const { status, body } = await fetchJson(String(config.token_endpoint), {
      method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form
    })
    const b = (body ?? {}) as Config
    if (status !== 200) return fail(`token endpoint answered HTTP ${status}: ${typeof b.error === 'string' ? b.error : 'error'}${typeof b.error_description === 'string' ? `: ${b.error_description}` : ''}`)
    tokens = b
  } catch (e) {
    return fail(`the token endpoint could not be reached: ${(e as Error).message}`)
  }

  let idClaims: Config = {}
  if (typeof tokens.id_token === 'string') {
    try {
      const { header, payload } = decodeJwt(tokens.id_token)
      info.id_token_alg = header.alg ?? null
      idClaims = payload
      if (config.verify_token_signature === true) {
        await verifyJwtSignature(tokens.id_token, String(config.jwks_uri))
        info.id_token_signature = 'verified'
      }
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
      if (!aud.includes(config.client_id)) return fail('the ID token is not for this client (aud)', idClaims)
      if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now()) return fail('the ID token has expired', idClaims)
      if (payload.nonce !== nonce) return fail('the ID token nonce does not match the test request', idClaims)
      info.issuer = payload.iss ?? null
    } catch (e) {
      return fail(`ID token: ${(e as Error).message}`, idClaims)
    }
  } else if (config.user_info_from_id_token === true) return fail('the provider returned no ID token')

  let userinfo: Config = {}
  if (config.user_info_from_id_token !== true) {
    try {
      const { status, body } = await fetchJson(String(config.userinfo_endpoint), { headers: { authorization: `Bearer ${String(tokens.access_token)}`, accept: 'application/json' } })
      if (status !== 200 || !body || typeof body !== 'object') return fail(`userinfo endpoint answered HTTP ${status}`, idClaims)
      userinfo = body as Config
      if (idClaims.sub !== undefined && userinfo.sub !== idClaims.sub) return fail('the userinfo subject differs from the ID token\'s', { ...idClaims, ...userinfo })
    } catch (e) {
      return fail(`the userinfo endpoint could not be reached: ${(e as Error).message}`, idClaims)
    }
  }
  const userData: Config = { ...idClaims, ...userinfo }
  const mapped = mapClaims(config, userData)
  info.group_sync = groupSync(ctx.server.store, requireIdentity(ctx).company, config, mapped.groups)
  let error: string | null = null
  if (!mapped.user_id) error = `the user ID claim "${String(config.claim_user_id)}" is missing`
  else if (config.email_verification === true && mapped.email_verified !== true) error = 'the provider did not confirm the email address (email_verified), required by Email verification'
  return { mapped_user_data: mapped, user_data: userData, configuration_info: info, error_msg: error }
}

/**
 * The SAML half of login.test_sso_callback: the IdP POSTed `SAMLResponse` (and `RelayState`) to the ACS URL; the
 * response is evaluated as the connection's service provider (sso.ts evaluateSamlResponse: signature against the
 * IdP metadata's certificate, audience = entity ID, recipient/destination = ACS URL, InResponseTo = the run's
 * AuthnRequest ID, time conditions) and the claims (NameID and attributes) are mapped like OIDC claims.
 */
async function samlTestCallback(ctx: CallContext<{ callback_url: string }>, config: Config, acsUrl: string, requestId: string,
  args: Record<string, string>, info: Config): Promise<TestResult> {
  Object.assign(info, { entity_id: config.entity_id ?? null, acs_url: acsUrl, require_signed_assertions: config.require_signed_assertions !== false })
  const fail = (msg: string, userData: Config | null = null): TestResult => ({ mapped_user_data: null, user_data: userData, configuration_info: info, error_msg: msg })
  if (ctx.data.callback_url.split('?')[0] !== acsUrl) return fail(`the callback URL does not match the test's ACS URL (${acsUrl})`)
  if (!args.SAMLResponse) return fail('the IdP sent no SAMLResponse')
  const evaluation = await evaluateSamlResponse({ config, acsUrl, requestId, samlResponse: args.SAMLResponse, now: ctx.server.store.clock() })
  Object.assign(info, evaluation.info)
  if (evaluation.error || !evaluation.claims) return fail(evaluation.error ?? 'the response carries no claims', evaluation.claims)
  const mapped = mapClaims(config, evaluation.claims)
  info.group_sync = groupSync(ctx.server.store, requireIdentity(ctx).company, config, mapped.groups)
  const error = mapped.user_id ? null : `the user ID claim "${String(config.claim_user_id)}" is missing`
  return { mapped_user_data: mapped, user_data: evaluation.claims, configuration_info: info, error_msg: error }
}

/** Group names match case-insensitively, with '-', '_' and spaces alike ("ml-team" is "ML Team"). */
const sameGroupName = (a: string, b: string) => a.trim().toLowerCase().replace(/[-_\s]+/g, ' ') === b.trim().toLowerCase().replace(/[-_\s]+/g, ' ')

/** What group synchronisation would do with the provider groups: the mapping's targets, else a group of the same name. */
function groupSync(store: Store, company: string, config: Config, idpGroups: string[]) {
  const groups = store.userGroupsOfCompany(company).filter((g) => groupFlags(g).assignable)
  const byId = new Map(groups.map((g) => [g.id, g]))
  const mapping = (config.group_mapping as Array<{ idp_group: string; clearml_groups: string[] }> | null) ?? []
  return {
    enabled: config.group_sync === true,
    matches: idpGroups.map((idp) => {
      const mapped = mapping.filter((m) => m.idp_group === idp).flatMap((m) => m.clearml_groups).filter((id) => byId.has(id))
      const targets = mapped.length ? mapped : groups.filter((g) => sameGroupName(g.name, idp)).map((g) => g.id)
      return { idp_group: idp, clearml_groups: [...new Set(targets)].map((id) => ({ id, name: byId.get(id)!.name })) }
    })
  }
}
