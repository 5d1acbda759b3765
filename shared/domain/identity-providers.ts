// Identity providers (sso.*): the server-driven connection form's model, and the pure checks the form runs before
// anything reaches the server: callback URL joining, required fields, unique display names, IdP metadata parsing.
// Certificate and key checks need node:crypto and live in the core (electron/core/identity-providers/pki.ts).

export type SsoProtocol = 'oidc' | 'saml'

export interface SsoProvider {
  id: string
  displayName: string
  protocol: SsoProtocol
}

/** One row of the Identity providers table. */
export interface SsoConfigurationSummary {
  id: string
  provider: string
  providerName: string
  displayName: string
  protocol: SsoProtocol
  active: boolean
  lastUpdate: string | null
  readonly: boolean
}

export type SsoFieldType = 'string' | 'url' | 'secret' | 'text' | 'boolean' | 'select' | 'key_value' | 'group_mapping'

/** One field of the server's form template (sso.get_provider_configuration_template). */
export interface SsoTemplateField {
  name: string
  type: SsoFieldType
  label: string
  required: boolean
  requiredIf: { field: string; value: unknown } | null
  secret: boolean
  readonly: boolean
  help: string | null
  options: Array<{ value: string; label: string }> | null
  default: unknown
  /** Non-secret fields: the stored value (existing configuration) or the default. */
  value?: unknown
  /** Secret fields: whether a value is stored on the server (never the value itself). */
  set?: boolean
}

export interface SsoTemplateSection {
  name: string
  label: string
  fields: SsoTemplateField[]
}

export interface SsoTemplate {
  provider: SsoProvider
  /** The configuration's id when editing an existing one. */
  id: string | null
  sections: SsoTemplateSection[]
  /** A discovery failure reported with the template (the template is still usable). */
  error: string | null
}

export interface GroupMapping {
  idp_group: string
  clearml_groups: string[]
}

export type SsoConfigValues = Record<string, unknown>

/** The result of one Test Provider run (login.test_sso_callback). */
export interface SsoTestResult {
  mapped: {
    userId: string | null
    email: string | null
    emailVerified: boolean | null
    name: string | null
    givenName: string | null
    familyName: string | null
    avatar: string | null
    groups: string[]
  } | null
  /** The raw claims (ID token + userinfo). */
  claims: Record<string, unknown> | null
  info: Record<string, unknown>
  error: string | null
}

/** A field-level verdict: `ok` false carries the reason shown at the field. */
export interface FieldCheck {
  ok: boolean
  message: string
}

export interface PkiCheck {
  certificate: (FieldCheck & { subject?: string; validTo?: string }) | null
  privateKey: FieldCheck | null
  /** Whether the key belongs to the certificate (only when both parse). */
  pair: FieldCheck | null
}

export interface MetadataCheck {
  ok: boolean
  entityId: string | null
  ssoUrl: string | null
  certificate: (FieldCheck & { subject?: string; validTo?: string }) | null
  problems: string[]
}

export const SECRET_FIELD_TYPES: readonly SsoFieldType[] = ['secret']

/** Joins a base URL and a path with exactly one `/` between them (no `//` in the path). */
export function joinUrl(base: string, path: string): string {
  return `${base.trim().replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}

/** `<webapp_url>/callback_<provider>`: the OIDC callback URL or the SAML ACS URL, as the server computes it. */
export function callbackUrl(webappUrl: string, providerId: string): string {
  return joinUrl(webappUrl, `callback_${providerId}`)
}

/** An absolute http(s) URL with a host (shared/ has no URL class: a structural check; the server re-checks). */
export function isHttpUrl(s: string): boolean {
  return /^https?:\/\/(\[[0-9A-Fa-f:.]+\]|[^\s/?#@:[\]]+)(:\d{1,5})?([/?#]\S*)?$/i.test(s)
}

const empty = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '')

/** Whether a field needs a value given the other values (required, or required while another field has a value). */
export function isRequired(field: SsoTemplateField, values: SsoConfigValues): boolean {
  if (field.required) return true
  if (!field.requiredIf) return false
  const other = values[field.requiredIf.field]
  return other === field.requiredIf.value
}

export interface FieldContext {
  values: SsoConfigValues
  /** Display names of the other configurations (for uniqueness). */
  otherNames: readonly string[]
  /** Secret fields already stored on the server (an empty input keeps them). */
  storedSecrets: ReadonlySet<string>
}

/** The reason a field's value is refused, or null. Runs in the renderer at the field and in the core before save. */
export function fieldProblem(field: SsoTemplateField, ctx: FieldContext): string | null {
  if (field.readonly) return null
  const v = ctx.values[field.name]
  if (isRequired(field, ctx.values) && empty(v) && !(field.secret && ctx.storedSecrets.has(field.name))) {
    return `${field.label} is required`
  }
  if (empty(v)) return null
  if (field.type === 'url' && typeof v === 'string' && !isHttpUrl(v.trim())) return `${field.label} must be an http(s) URL`
  if (field.name === 'display_name' && typeof v === 'string') {
    const name = v.trim().toLowerCase()
    if (ctx.otherNames.some((n) => n.trim().toLowerCase() === name)) return 'Another connection has this display name: display names must be unique'
  }
  if (field.type === 'group_mapping' && Array.isArray(v)) {
    const bad = (v as GroupMapping[]).findIndex((m) => !m.idp_group?.trim() || !m.clearml_groups?.length)
    if (bad >= 0) return `Mapping ${bad + 1}: name the provider group and at least one ClearML group`
  }
  if (field.type === 'key_value' && v && typeof v === 'object') {
    if (Object.keys(v).some((k) => !k.trim())) return 'Every parameter needs a name'
  }
  return null
}

export function allFields(t: { sections: SsoTemplateSection[] }): SsoTemplateField[] {
  return t.sections.flatMap((s) => s.fields)
}

/** The initial form values from a template (secrets start empty: an empty secret keeps the stored one). */
export function initialValues(t: { sections: SsoTemplateSection[] }): SsoConfigValues {
  const out: SsoConfigValues = {}
  for (const f of allFields(t)) {
    if (f.secret) out[f.name] = ''
    else {
      const v = f.value !== undefined ? f.value : f.default
      out[f.name] = f.type === 'key_value' ? { ...((v as Record<string, string> | null) ?? {}) } : f.type === 'group_mapping' ? ((v as GroupMapping[] | null) ?? []).map((m) => ({ idp_group: m.idp_group, clearml_groups: [...m.clearml_groups] })) : (v ?? (f.type === 'boolean' ? false : ''))
    }
  }
  return out
}

/**
 * The configuration object sent to the server: readonly fields dropped (the server computes them), empty secrets
 * dropped (the stored value is kept), empty optional strings sent as null (reset to default).
 */
export function configurationToSend(t: { sections: SsoTemplateSection[]; id: string | null }, values: SsoConfigValues): SsoConfigValues {
  const out: SsoConfigValues = {}
  if (t.id) out.id = t.id
  for (const f of allFields(t)) {
    if (f.readonly) continue
    const v = values[f.name]
    if (f.secret) {
      if (typeof v === 'string' && v !== '') out[f.name] = v
      continue
    }
    if (f.type === 'key_value') {
      out[f.name] = Object.fromEntries(Object.entries((v as Record<string, string>) ?? {}).filter(([k]) => k.trim()).map(([k, x]) => [k.trim(), String(x ?? '')]))
      continue
    }
    out[f.name] = typeof v === 'string' && v.trim() === '' && f.type !== 'string' ? null : v
  }
  return out
}

// ------------------------------------------------------------------------------------------ SAML IdP metadata

const decodeXml = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')

/**
 * Reads a SAML IdP metadata document (structure only: the certificate itself is checked in the core). Returns the
 * entity id, the SSO URL (HTTP-Redirect binding preferred) and the signing certificate (base64 DER) or the problems.
 */
export function parseIdpMetadata(xml: string): { entityId: string | null; ssoUrl: string | null; signingCertificate: string | null; problems: string[] } {
  const problems: string[] = []
  const text = xml.trim()
  if (!text.startsWith('<')) return { entityId: null, ssoUrl: null, signingCertificate: null, problems: ['The metadata is not an XML document'] }
  const root = /<(?:[\w-]+:)?EntityDescriptor\b([^>]*)>/.exec(text)
  if (!root) problems.push('The metadata has no EntityDescriptor element')
  const entityId = root ? (/\bentityID\s*=\s*"([^"]*)"/.exec(root[1])?.[1] ?? null) : null
  if (root && !entityId) problems.push('The EntityDescriptor has no entityID')
  if (!/<(?:[\w-]+:)?IDPSSODescriptor\b/.test(text)) problems.push('The metadata has no IDPSSODescriptor: it does not describe an identity provider')
  let ssoUrl: string | null = null
  let fallback: string | null = null
  for (const m of text.matchAll(/<(?:[\w-]+:)?SingleSignOnService\b([^>]*)>/g)) {
    const loc = /\bLocation\s*=\s*"([^"]*)"/.exec(m[1])?.[1]
    if (!loc) continue
    const url = decodeXml(loc)
    if (/urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-Redirect/.test(m[1])) ssoUrl ??= url
    else fallback ??= url
  }
  ssoUrl ??= fallback
  if (!ssoUrl) problems.push('The metadata names no SingleSignOnService location')
  else if (!isHttpUrl(ssoUrl)) problems.push('The SingleSignOnService location is not an http(s) URL')
  // the signing certificate: a KeyDescriptor with use="signing" (or without use) holding an X509Certificate
  let signingCertificate: string | null = null
  for (const m of text.matchAll(/<(?:[\w-]+:)?KeyDescriptor\b([^>]*)>([\s\S]*?)<\/(?:[\w-]+:)?KeyDescriptor>/g)) {
    const use = /\buse\s*=\s*"([^"]*)"/.exec(m[1])?.[1]
    if (use && use !== 'signing') continue
    const cert = /<(?:[\w-]+:)?X509Certificate\b[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?X509Certificate>/.exec(m[2])?.[1]
    if (cert) {
      signingCertificate = cert.replace(/\s+/g, '')
      break
    }
  }
  if (!signingCertificate) problems.push('The metadata has no signing certificate (KeyDescriptor use="signing" with an X509Certificate)')
  return { entityId, ssoUrl, signingCertificate, problems }
}

/** base64 DER → PEM. */
export function derBase64ToPem(b64: string): string {
  const body = b64.replace(/\s+/g, '').match(/.{1,64}/g)?.join('\n') ?? ''
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`
}

/** Quick structural PEM test (the core does the real parse): one BEGIN/END block of the expected kind. */
export function pemKind(pem: string): 'certificate' | 'private_key' | 'other' | null {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)
  if (!m) return null
  if (m[1] === 'CERTIFICATE') return 'certificate'
  if (/PRIVATE KEY$/.test(m[1])) return 'private_key'
  return 'other'
}
