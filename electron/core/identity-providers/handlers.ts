// identityProviders.*: the sso.* endpoints (clearml-enterprise-api.md §1.6). The list is read cache-first (it holds no
// secret); templates, discovery and Test Provider are live. Secrets (client secret, SAML private key) pass through to
// the server on save/test and are neither cached, returned nor logged. Certificate/key checks run here (node:crypto).
import { inflateRawSync } from 'node:zlib'
import { ApiError, type HandlersOf } from '../../../shared/api'
import type {
  SsoConfigurationSummary,
  SsoProtocol,
  SsoProvider,
  SsoTemplate,
  SsoTemplateField,
  SsoTestResult
} from '../../../shared/domain/identity-providers'
import type { identityProvidersMethods } from '../../../shared/api/methods/identity-providers'
import { ClearmlError } from '../clearml'
import type { CoreContext } from '../context'
import type { Session } from '../session'
import { checkMetadata, checkPki } from './pki'

interface ProviderData {
  id: string
  display_name: string
  category: SsoProtocol
}
interface ConfigurationData {
  id: string
  provider: string
  display_name: string
  category: SsoProtocol
  active: boolean
  last_update?: string | null
  readonly?: boolean
}
interface TemplateFieldData {
  name: string
  type: SsoTemplateField['type']
  label: string
  required?: boolean
  required_if?: { field: string; value: unknown } | null
  secret?: boolean
  readonly?: boolean
  help?: string | null
  options?: Array<{ value: string; label: string }> | null
  default?: unknown
  value?: unknown
  set?: boolean
}
interface TemplateData {
  config_template: { provider: ProviderData; id: string | null; sections: Array<{ name: string; label: string; fields: TemplateFieldData[] }> }
  error?: string | null
}
interface TestCallbackData {
  mapped_user_data: {
    user_id: string | null
    email: string | null
    email_verified: boolean | null
    name: string | null
    given_name: string | null
    family_name: string | null
    avatar: string | null
    groups?: string[]
  } | null
  user_data: Record<string, unknown> | null
  configuration_info?: Record<string, unknown>
  error_msg: string | null
}

/** The AssertionConsumerServiceURL of a SAMLRequest (HTTP-Redirect binding: base64 of the raw-deflated AuthnRequest). */
function acsUrlOf(samlRequest: string): string {
  let xml: string
  try {
    xml = inflateRawSync(Buffer.from(samlRequest, 'base64'), { maxOutputLength: 256 * 1024 }).toString('utf8')
  } catch {
    throw new ApiError('server', 'The server answered with a SAML request that cannot be read')
  }
  const acs = /\bAssertionConsumerServiceURL="([^"]*)"/.exec(xml)?.[1]
  if (!acs) throw new ApiError('server', 'The SAML request names no AssertionConsumerServiceURL (ACS URL)')
  return acs.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!)
}

const providerOf = (p: ProviderData): SsoProvider => ({ id: p.id, displayName: p.display_name, protocol: p.category })

/** Writes and live reads need the server: refused offline with the session's reason. */
function requireOnline(session: Session, what: string): void {
  if (!session.connection) throw new ApiError('no_connection', 'No active connection. Add or activate one under Connections.')
  if (session.state !== 'online') {
    throw new ApiError('offline', `${what} needs the server, which cannot be reached now: ${session.reason ?? 'offline'}. Nothing was changed.`)
  }
}

/**
 * The server names a refused field as `error for field 'configuration.<name>'. <why>`: turned into an invalid_input
 * error whose details.field is the form field, so the form shows it at the field.
 */
function fieldError(err: unknown): never {
  if (err instanceof ClearmlError && err.kind === 'validation') {
    const text = err.serverMessage ?? err.message
    const m = /error for field '(?:configuration\.)?([\w.]+)'\.\s*(.*)$/s.exec(text)
    if (m) {
      const field = m[1].split('.')[0]
      throw new ApiError('invalid_input', m[2] || text, { field, issues: [{ path: [field], message: m[2] || text }] })
    }
  }
  throw err
}

export function identityProvidersHandlers(ctx: CoreContext): HandlersOf<typeof identityProvidersMethods> {
  const { session, data } = ctx

  const providers = async (signal?: AbortSignal): Promise<SsoProvider[]> => {
    const r = await session.call<{ providers?: ProviderData[] }>('sso.get_supported_providers', {}, { signal })
    return (r.providers ?? []).map(providerOf)
  }

  return {
    'identityProviders.list': async ({ refresh }) =>
      data.read({
        topic: 'identityProviders',
        key: 'configurations',
        what: 'identity provider list',
        refresh,
        fetch: async (signal): Promise<SsoConfigurationSummary[]> => {
          const [r, known] = await Promise.all([
            session.call<{ configurations?: ConfigurationData[] }>('sso.get_provider_configurations', {}, { signal }),
            providers(signal).catch(() => [] as SsoProvider[])
          ])
          // only the summary fields are kept: the cache never holds a configuration's values
          return (r.configurations ?? []).map((c) => ({
            id: c.id,
            provider: c.provider,
            providerName: known.find((p) => p.id === c.provider)?.displayName ?? c.provider,
            displayName: c.display_name,
            protocol: c.category,
            active: c.active === true,
            lastUpdate: c.last_update ?? null,
            readonly: c.readonly === true
          }))
        }
      }),
    'identityProviders.providers': async ({ refresh }) =>
      data.read({ topic: 'identityProviders', key: 'providers', what: 'provider list', refresh, fetch: (signal) => providers(signal) }),
    'identityProviders.template': async ({ provider, id }) => {
      requireOnline(session, 'The connection form')
      const r = await session.call<TemplateData>('sso.get_provider_configuration_template', { ...(id ? { id } : { provider }) }).catch(fieldError)
      const t = r.config_template
      const template: SsoTemplate = {
        provider: providerOf(t.provider),
        id: t.id ?? null,
        error: r.error ?? null,
        sections: t.sections.map((s) => ({
          name: s.name,
          label: s.label,
          fields: s.fields.map((f) => ({
            name: f.name,
            type: f.type,
            label: f.label,
            required: f.required === true,
            requiredIf: f.required_if ?? null,
            secret: f.secret === true,
            readonly: f.readonly === true,
            help: f.help ?? null,
            options: f.options ?? null,
            default: f.secret ? null : (f.default ?? null),
            // a secret never crosses to the renderer, even if a server sent one
            ...(f.secret ? { set: f.set === true } : { value: f.value })
          }))
        }))
      }
      return template
    },
    'identityProviders.discover': async ({ url }) => {
      requireOnline(session, 'Reading the well-known URL')
      const r = await session.call<Record<string, string | null>>('sso.get_oidc_provider_data_from_well_known_url', { url }).catch((e: unknown) => {
        if (e instanceof ClearmlError && e.kind === 'validation') {
          const msg = (e.serverMessage ?? e.message).replace(/^error for field 'url'\.\s*/, '')
          throw new ApiError('invalid_input', msg, { field: 'well_known_url' })
        }
        throw e
      })
      const keys = ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'revocation_endpoint', 'end_session_endpoint', 'jwks_uri']
      return Object.fromEntries(keys.map((k) => [k, typeof r[k] === 'string' ? r[k] : null]))
    },
    'identityProviders.save': async ({ provider, configuration }) => {
      requireOnline(session, 'Saving the connection')
      const r = await session.call<{ id: string }>('sso.save_provider_configuration', { provider, configuration }).catch(fieldError)
      return { id: r.id }
    },
    'identityProviders.setActive': async ({ ids, active }) => {
      requireOnline(session, active ? 'Activating the connection' : 'Deactivating the connection')
      const r = await session.call<{ updated?: number }>('sso.set_provider_configurations_active', { ids, active })
      return { updated: r.updated ?? 0 }
    },
    'identityProviders.delete': async ({ ids }) => {
      requireOnline(session, 'Deleting the connection')
      const r = await session.call<{ deleted?: number }>('sso.delete_provider_configurations', { ids })
      return { deleted: r.deleted ?? 0 }
    },
    'identityProviders.checkPki': async (input) => checkPki(input),
    'identityProviders.checkMetadata': async ({ xml }) => checkMetadata(xml),
    'identityProviders.startTest': async ({ provider, configuration }) => {
      requireOnline(session, 'Test Provider')
      const r = await session.call<{ redirect_url: string }>('sso.test_provider_configuration', { provider, configuration }).catch(fieldError)
      let redirect: URL
      try {
        redirect = new URL(r.redirect_url)
      } catch {
        throw new ApiError('server', 'The server answered with a redirect URL that is not a URL')
      }
      // OIDC: the redirect_uri parameter; SAML: the AuthnRequest's AssertionConsumerServiceURL (the ACS URL)
      const samlRequest = redirect.searchParams.get('SAMLRequest')
      const callbackUrl = samlRequest !== null ? acsUrlOf(samlRequest) : (redirect.searchParams.get('redirect_uri') ?? '')
      return { redirectUrl: r.redirect_url, callbackUrl }
    },
    'identityProviders.finishTest': async ({ provider, callbackUrl }) => {
      requireOnline(session, 'Test Provider')
      const url = new URL(callbackUrl)
      const args: Record<string, string> = {}
      for (const [k, v] of url.searchParams) if (Object.keys(args).length < 50) args[k] = v
      // a SAML IdP POSTs its answer (SAMLResponse, RelayState) to the ACS URL: the callback page hands the fields over
      // as the URL's query; the server gets them as args and the ACS URL itself as callback_url
      const callback = args.SAMLResponse !== undefined ? `${url.origin}${url.pathname}` : callbackUrl
      const r = await session.call<TestCallbackData>('login.test_sso_callback', { provider, args, callback_url: callback })
      const m = r.mapped_user_data
      const result: SsoTestResult = {
        mapped: m && {
          userId: m.user_id ?? null,
          email: m.email ?? null,
          emailVerified: m.email_verified ?? null,
          name: m.name ?? null,
          givenName: m.given_name ?? null,
          familyName: m.family_name ?? null,
          avatar: m.avatar ?? null,
          groups: m.groups ?? []
        },
        claims: r.user_data ?? null,
        info: r.configuration_info ?? {},
        error: r.error_msg ?? null
      }
      return result
    }
  }
}
