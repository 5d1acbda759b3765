import { type KeyObject, X509Certificate, generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto'
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { escapeHtml, htmlPage, readForm } from './loopback-page'
import { SAML_BINDING, loadSamlify, withoutSamlifyWarnings } from './sso'

/**
 * A real SAML 2.0 identity provider on loopback, for tests and the demo, built on the maintained `samlify` library
 * (IdP entity, metadata, AuthnRequest parsing, XML-DSig signing through xml-crypto): not an imitation.
 *
 * - `GET /metadata`: the IdP metadata (entityID, an HTTP-Redirect SingleSignOnService `<url>/sso`, the signing
 *   certificate). The key (RSA 2048) and a self-signed X.509 certificate are made fresh at every start: node:crypto
 *   makes the key, `pkijs` (PeculiarVentures, maintained; a WebCrypto-based X.509 library) builds and signs the
 *   certificate, and node:crypto's X509Certificate checks it before use.
 * - `GET /sso?SAMLRequest=…&RelayState=…` (HTTP-Redirect binding): samlify parses the AuthnRequest. The user is logged in
 *   at once when the SSO URL carries `login_hint` (a user's NameID or email; a metadata Location may include it) or a
 *   `defaultUser` is configured; otherwise a tiny login page lists the users (a POST of `user` to `/sso/login`).
 * - The answer is an auto-submitting HTTP-POST form to the AuthnRequest's AssertionConsumerServiceURL carrying a
 *   SAMLResponse whose assertion is signed (RSA-SHA256, exclusive c14n), with InResponseTo, Destination, Recipient,
 *   Audience (the request's Issuer), a 5-minute validity window and the attributes `email`, `given_name`,
 *   `family_name`, `name` (display name) and `groups` (one AttributeValue per group), and the RelayState.
 *
 * For error tests, `misbehave` (or setMisbehaviour) makes it sign with another key than its certificate's
 * (`wrong-signing-key`) or address the assertion to another audience (`wrong-audience`).
 *
 * `serviceProviders`, when given, limits the service providers it answers (entity ID and ACS URL, as a real IdP's
 * registrations do); otherwise any http(s) ACS URL is accepted (a loopback test tool). Demo/test only: the state lives in
 * memory and goes away with close().
 */

export interface SamlTestUser {
  /** The NameID (format unspecified). */
  nameId: string
  email?: string
  givenName?: string
  familyName?: string
  displayName?: string
  groups?: string[]
}
export type SamlIdpMisbehaviour = 'wrong-signing-key' | 'wrong-audience' | null
export interface StartSamlIdpOptions {
  /** Default 0 (a free port). */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  users: SamlTestUser[]
  /** A user's NameID or email: logged in at once, without the login page. */
  defaultUser?: string
  /** Default `<url>/metadata`. */
  entityId?: string
  serviceProviders?: Array<{ entityId: string; acsUrl: string }>
  misbehave?: SamlIdpMisbehaviour
}
export interface RunningSamlIdp {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  entityId: string
  /** `<url>/sso` (HTTP-Redirect) */
  ssoUrl: string
  /** `<url>/metadata` */
  metadataUrl: string
  /** The metadata XML (also served at metadataUrl). */
  metadata: string
  /** The signing certificate (PEM). */
  certificate: string
  setMisbehaviour(m: SamlIdpMisbehaviour): void
  close(): Promise<void>
}

const NAMEID_UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified'
const ATTR_BASIC = 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic'
const PENDING_TTL_MS = 10 * 60 * 1000
const VALIDITY_MS = 5 * 60 * 1000

const pemOf = (label: string, der: Buffer) => `-----BEGIN ${label}-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`

/** A self-signed X.509 v3 certificate for `key` (pkijs builds and signs it; node:crypto checks it). */
async function selfSignedCertificate(keys: { publicKey: KeyObject; privateKey: KeyObject }, commonName: string): Promise<string> {
  const [pkijs, asn1js] = await Promise.all([import('pkijs'), import('asn1js')])
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  const subtle = webcrypto.subtle
  const publicKey = await subtle.importKey('spki', keys.publicKey.export({ type: 'spki', format: 'der' }), algorithm, true, ['verify'])
  const privateKey = await subtle.importKey('pkcs8', keys.privateKey.export({ type: 'pkcs8', format: 'der' }), algorithm, false, ['sign'])
  const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto })
  const cert = new pkijs.Certificate()
  cert.version = 2
  const serial = randomBytes(16)
  // a positive INTEGER in minimal DER: the first byte below 0x80 (no sign bit) and not 0 (no leading zero byte,
  // which node:crypto rejects as illegal padding)
  serial[0] = (serial[0] & 0x7f) | 0x01
  cert.serialNumber = new asn1js.Integer({ valueHex: serial })
  const name = () => [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: commonName }) })]
  cert.subject.typesAndValues.push(...name())
  cert.issuer.typesAndValues.push(...name())
  const now = Date.now()
  cert.notBefore.value = new Date(now - 60_000)
  cert.notAfter.value = new Date(now + 365 * 24 * 3600 * 1000)
  cert.extensions = [
    new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: new pkijs.BasicConstraints({ cA: false }).toSchema().toBER(false) })
  ]
  await cert.subjectPublicKeyInfo.importKey(publicKey, engine)
  await cert.sign(privateKey, 'SHA-256', engine)
  const pem = pemOf('CERTIFICATE', Buffer.from(cert.toSchema(true).toBER(false)))
  // node:crypto reads it back and checks the signature and the key pair
  const x509 = new X509Certificate(pem)
  if (!x509.verify(keys.publicKey) || !x509.checkPrivateKey(keys.privateKey)) throw new Error('the generated IdP certificate does not verify')
  return pem
}

const page = (res: ServerResponse, status: number, html: string): void => htmlPage(res, status, 'Loopback SAML IdP', html)

interface PendingRequest { requestId: string; spEntityId: string; acsUrl: string; relayState: string | null; expires: number }

export async function startSamlIdp(opts: StartSamlIdpOptions): Promise<RunningSamlIdp> {
  const samlify = await loadSamlify()
  const host = opts.host ?? '127.0.0.1'
  const users = opts.users
  const findUser = (hint: string) => users.find((u) => u.nameId === hint) ?? users.find((u) => u.email?.toLowerCase() === hint.toLowerCase())
  let misbehave: SamlIdpMisbehaviour = opts.misbehave ?? null

  const server = createServer()
  const sockets = new Set<Socket>()
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  const entityId = opts.entityId ?? `${url}/metadata`
  const ssoUrl = `${url}/sso`

  let idp: ReturnType<typeof samlify.IdentityProvider>
  let wrongKeyIdp: ReturnType<typeof samlify.IdentityProvider>
  let certificate: string
  try {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
    certificate = await selfSignedCertificate(keys, `Loopback SAML IdP ${port}`)
    const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    const settings = {
      entityID: entityId, signingCert: certificate, wantAuthnRequestsSigned: false, nameIDFormat: [NAMEID_UNSPECIFIED],
      singleSignOnService: [{ Binding: SAML_BINDING.redirect, Location: ssoUrl }], requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
    }
    idp = withoutSamlifyWarnings(() => samlify.IdentityProvider({ ...settings, privateKey }))
    // signs with a key that is not the published certificate's (which it still names in KeyInfo)
    wrongKeyIdp = withoutSamlifyWarnings(() => samlify.IdentityProvider({ ...settings, privateKey: otherKey }))
  } catch (e) {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    throw e
  }
  const metadata = idp.getMetadata()
  const pending = new Map<string, PendingRequest>()

  /** The signed SAMLResponse for a user, as an auto-submitting HTTP-POST form to the ACS URL. */
  async function answer(res: ServerResponse, p: PendingRequest, user: SamlTestUser): Promise<void> {
    const sp = samlify.ServiceProvider({
      entityID: p.spEntityId, wantAssertionsSigned: true,
      assertionConsumerService: [{ Binding: SAML_BINDING.post, Location: p.acsUrl }]
    })
    const signer = misbehave === 'wrong-signing-key' ? wrongKeyIdp : idp
    const now = new Date()
    const until = new Date(now.getTime() + VALIDITY_MS).toISOString()
    const responseId = `_${randomBytes(16).toString('hex')}`
    const { SamlLib } = samlify
    // one <Attribute> per claim, one <AttributeValue> per value; samlify's replaceTagsByValue escapes every value
    const attribute = (name: string, values: Array<string | undefined>) => {
      const present = values.filter((v): v is string => typeof v === 'string')
      if (!present.length) return ''
      const valueXml = present.map((v) => SamlLib.replaceTagsByValue('<saml:AttributeValue xsi:type="xs:string">{Value}</saml:AttributeValue>', { Value: v })).join('')
      return `${SamlLib.replaceTagsByValue('<saml:Attribute Name="{Name}" NameFormat="{NameFormat}">', { Name: name, NameFormat: ATTR_BASIC })}${valueXml}</saml:Attribute>`
    }
    const attributes = [
      attribute('email', [user.email]), attribute('given_name', [user.givenName]), attribute('family_name', [user.familyName]),
      attribute('name', [user.displayName]), attribute('groups', user.groups ?? [])
    ].join('')
    const authn = SamlLib.replaceTagsByValue(
      '<saml:AuthnStatement AuthnInstant="{AuthnInstant}" SessionIndex="{SessionIndex}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>',
      { AuthnInstant: now.toISOString(), SessionIndex: `_${randomBytes(8).toString('hex')}` }
    )
    const context = await signer.createLoginResponse(sp, { extract: { request: { id: p.requestId } } }, 'post', { email: user.email }, {
      relayState: p.relayState ?? undefined,
      customTagReplacement: (template: string) => {
        const xml = SamlLib.replaceTagsByValue(template, {
          ID: responseId, AssertionID: `_${randomBytes(16).toString('hex')}`, Destination: p.acsUrl, Audience: misbehave === 'wrong-audience' ? 'urn:loopback-saml-idp:another-service-provider' : p.spEntityId,
          SubjectRecipient: p.acsUrl, Issuer: entityId, IssueInstant: now.toISOString(), StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
          ConditionsNotBefore: now.toISOString(), ConditionsNotOnOrAfter: until, SubjectConfirmationDataNotOnOrAfter: until,
          NameIDFormat: NAMEID_UNSPECIFIED, NameID: user.nameId, InResponseTo: p.requestId
        })
        return { id: responseId, context: xml.replace('{AuthnStatement}', authn).replace('{AttributeStatement}', attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') }
      }
    })
    page(res, 200, `<p>Signing in as ${escapeHtml(user.displayName ?? user.nameId)}…</p>
<form method="post" action="${escapeHtml(p.acsUrl)}">
<input type="hidden" name="SAMLResponse" value="${escapeHtml(context.context)}">${p.relayState !== null ? `<input type="hidden" name="RelayState" value="${escapeHtml(p.relayState)}">` : ''}
<noscript><button type="submit">Continue</button></noscript></form>
<script>document.forms[0].submit()</script>`)
  }

  /** GET /sso: the AuthnRequest (HTTP-Redirect binding). */
  async function sso(req: IncomingMessage, res: ServerResponse, target: URL): Promise<void> {
    const query = Object.fromEntries(target.searchParams)
    if (!query.SAMLRequest) return page(res, 400, '<p>No SAMLRequest: start the sign-in at the service provider.</p>')
    // the request's Issuer is only known once parsed: any service provider entity can parse an unsigned request
    const anySp = samlify.ServiceProvider({ entityID: 'urn:loopback-saml-idp:parser' })
    const octetString = target.search.slice(1).split('&').filter((kv) => /^(SAMLRequest|RelayState|SigAlg)=/.test(kv)).join('&')
    let parsed: Awaited<ReturnType<typeof idp.parseLoginRequest>>
    try {
      parsed = await idp.parseLoginRequest(anySp, 'redirect', { query, octetString })
    } catch (e) {
      return page(res, 400, `<h1>Bad AuthnRequest</h1><p>${escapeHtml(String((e as Error)?.message ?? e))}</p>`)
    }
    const request = (parsed.extract.request ?? {}) as Record<string, string>
    const spEntityId = typeof parsed.extract.issuer === 'string' ? parsed.extract.issuer : ''
    const acsUrl = request.assertionConsumerServiceUrl ?? ''
    if (!request.id || !spEntityId) return page(res, 400, '<p>The AuthnRequest has no ID or Issuer.</p>')
    if (!/^https?:\/\//.test(acsUrl)) return page(res, 400, '<p>The AuthnRequest names no http(s) AssertionConsumerServiceURL.</p>')
    if (opts.serviceProviders && !opts.serviceProviders.some((s) => s.entityId === spEntityId && s.acsUrl === acsUrl)) {
      return page(res, 403, `<p>Unknown service provider ${escapeHtml(spEntityId)} (or ACS URL ${escapeHtml(acsUrl)}).</p>`)
    }
    const p: PendingRequest = { requestId: request.id, spEntityId, acsUrl, relayState: query.RelayState ?? null, expires: Date.now() + PENDING_TTL_MS }
    const hint = query.login_hint ?? opts.defaultUser
    if (hint !== undefined) {
      const user = findUser(hint)
      if (!user) return page(res, 400, `<p>Unknown user ${escapeHtml(hint)}.</p>`)
      return answer(res, p, user)
    }
    for (const [k, v] of pending) if (v.expires < Date.now()) pending.delete(k)
    const key = randomBytes(16).toString('hex')
    pending.set(key, p)
    const buttons = users.map((u) =>
      `<button name="user" value="${escapeHtml(u.nameId)}">${escapeHtml(u.displayName ?? u.nameId)}${u.email ? ` &lt;${escapeHtml(u.email)}&gt;` : ''}</button>`).join('')
    page(res, 200, `<h1>Sign in</h1><p>Loopback SAML IdP (demo/test) for ${escapeHtml(spEntityId)}. Pick a user:</p>
<form method="post" action="/sso/login"><input type="hidden" name="request" value="${key}">${buttons}</form>`)
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req)
    const key = form.get('request') ?? ''
    const p = pending.get(key)
    pending.delete(key)
    if (!p || p.expires < Date.now()) return page(res, 400, '<p>Unknown or expired sign-in request: start again at the service provider.</p>')
    const user = findUser(form.get('user') ?? '')
    if (!user) return page(res, 400, '<p>Unknown user.</p>')
    return answer(res, p, user)
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const target = new URL(req.url ?? '/', url)
    const route = `${req.method} ${target.pathname}`
    const run = route === 'GET /metadata'
      ? Promise.resolve().then(() => {
        res.writeHead(200, { 'content-type': 'application/samlmetadata+xml; charset=utf-8', 'cache-control': 'no-store' })
        res.end(metadata)
      })
      : route === 'GET /sso' ? sso(req, res, target)
        : route === 'POST /sso/login' ? login(req, res)
          : Promise.resolve(page(res, 404, '<p>Not found.</p>'))
    run.catch((e: unknown) => {
      if (!res.headersSent) page(res, 500, `<p>${escapeHtml(String((e as Error)?.message ?? e))}</p>`)
      else res.end()
    })
  })

  let closing: Promise<void> | undefined
  return {
    url, port, entityId, ssoUrl, metadataUrl: `${url}/metadata`, metadata, certificate,
    setMisbehaviour(m) {
      misbehave = m
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
      return closing
    }
  }
}
