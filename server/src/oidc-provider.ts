import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { escapeHtml, htmlPage, readForm } from './loopback-page'

/**
 * A real, standards-compliant OpenID Provider on loopback, for tests and the demo: the maintained `oidc-provider`
 * library (panva/node-oidc-provider, v9), not an imitation. It serves discovery
 * (`<issuer>/.well-known/openid-configuration`), the authorization, token, userinfo and JWKS endpoints, signs ID tokens
 * with a fresh RS256 key, authenticates clients with `client_secret_basic`, and supports PKCE (S256).
 *
 * Login is non-interactive-friendly: the authorization request's interaction page (`/interaction/<uid>`) is a plain
 * HTML form listing the configured users (a POST of `sub` to `/interaction/<uid>/login` logs one in), and when the
 * authorization request carries `login_hint` equal to a user's `sub` or `email` that user is logged in at once.
 * Consent is granted automatically (first-party clients). So a test can follow the redirects with plain HTTP (keeping
 * cookies), and a person in a browser just picks a user. Scopes: openid, email, profile and `groups` (claim `groups`).
 * Profile and email claims are also put into the ID token (`conformIdTokenClaims: false`).
 *
 * Demo/test only: the data lives in memory and goes away with close().
 */

export interface OidcTestClient { client_id: string; client_secret: string; redirect_uris: string[] }
export interface OidcTestUser {
  sub: string; email?: string; email_verified?: boolean; name?: string; given_name?: string; family_name?: string; picture?: string
  groups?: string[]
}
export interface StartOidcProviderOptions {
  /** Default 0 (a free port). */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  clients: OidcTestClient[]
  users: OidcTestUser[]
}
export interface RunningOidcProvider {
  /** `http://127.0.0.1:<port>` */
  issuer: string
  port: number
  /** `<issuer>/.well-known/openid-configuration` */
  discoveryUrl: string
  close(): Promise<void>
}


const page = (res: ServerResponse, status: number, html: string): void => htmlPage(res, status, 'Loopback OpenID Provider', html)

/** The provider's storage (sessions, grants, codes, tokens), in memory and per instance. */
function memoryAdapter() {
  const items = new Map<string, { payload: Record<string, unknown>; expires: number | null }>()
  const live = (key: string) => {
    const item = items.get(key)
    if (item && item.expires !== null && item.expires < Date.now()) {
      items.delete(key)
      return undefined
    }
    return item
  }
  return class MemoryAdapter {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`
    }
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      items.set(this.key(id), { payload: { ...payload }, expires: expiresIn ? Date.now() + expiresIn * 1000 : null })
    }
    async find(id: string) {
      return live(this.key(id))?.payload
    }
    async findByUid(uid: string) {
      for (const [k, v] of items) if (k.startsWith(`${this.model}:`) && v.payload.uid === uid) return live(k)?.payload
      return undefined
    }
    async findByUserCode(userCode: string) {
      for (const [k, v] of items) if (k.startsWith(`${this.model}:`) && v.payload.userCode === userCode) return live(k)?.payload
      return undefined
    }
    async consume(id: string) {
      const item = live(this.key(id))
      if (item) item.payload.consumed = Math.floor(Date.now() / 1000)
    }
    async destroy(id: string) {
      items.delete(this.key(id))
    }
    async revokeByGrantId(grantId: string) {
      for (const [k, v] of items) if (v.payload.grantId === grantId) items.delete(k)
    }
  }
}

export async function startOidcProvider(opts: StartOidcProviderOptions): Promise<RunningOidcProvider> {
  // loaded on demand: the reference server only needs the library when a provider is started
  const { default: Provider } = await import('oidc-provider')
  const host = opts.host ?? '127.0.0.1'
  const users = new Map(opts.users.map((u) => [u.sub, u]))
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
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })
  const claimsOf = (u: OidcTestUser) => Object.fromEntries(Object.entries({
    sub: u.sub, email: u.email, email_verified: u.email === undefined ? undefined : u.email_verified ?? true, name: u.name, given_name: u.given_name,
    family_name: u.family_name, picture: u.picture, groups: u.groups
  }).filter(([, v]) => v !== undefined))

  const provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    clients: opts.clients.map((c) => ({
      client_id: c.client_id, client_secret: c.client_secret, redirect_uris: c.redirect_uris, grant_types: ['authorization_code'],
      response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic'
    })),
    jwks: { keys: [{ ...key, kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'picture'], groups: ['groups'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: false } },
    ttl: { AccessToken: 3600, AuthorizationCode: 120, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    async findAccount(_ctx: unknown, sub: string) {
      const u = users.get(sub)
      return u && { accountId: sub, claims: async () => claimsOf(u) }
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // first-party clients: consent is granted at once, for every scope
    async loadExistingGrant(ctx: { oidc: { result?: { consent?: { grantId?: string } }; session: { accountId: string; grantIdFor(c: string): string | undefined }; client: { clientId: string }; provider: { Grant: { new(o: object): { addOIDCScope(s: string): void; save(): Promise<string> }; find(id: string): Promise<unknown> } } } }) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId)
      if (grantId) return ctx.oidc.provider.Grant.find(grantId)
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId })
      grant.addOIDCScope('openid email profile groups')
      await grant.save()
      return grant
    },
    clientBasedCORS: () => true,
    async renderError(ctx: { type: string; body: string }, out: Record<string, string>) {
      ctx.type = 'html'
      ctx.body = `<!doctype html><html><body><h1>${escapeHtml(out.error ?? 'error')}</h1><p>${escapeHtml(out.error_description ?? '')}</p></body></html>`
    }
  })
  const callback = provider.callback()

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res)
    if (details.uid !== uid) return page(res, 400, '<p>Unknown interaction.</p>')
    if (details.prompt.name !== 'login') {
      // consent is granted by loadExistingGrant; anything else simply continues
      return provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true })
    }
    let sub: string | undefined
    if (action === 'login' && req.method === 'POST') sub = (await readForm(req)).get('sub') ?? undefined
    else if (typeof details.params.login_hint === 'string') {
      const hint = details.params.login_hint
      sub = users.has(hint) ? hint : [...users.values()].find((u) => u.email?.toLowerCase() === hint.toLowerCase())?.sub
    }
    if (sub !== undefined) {
      if (!users.has(sub)) return page(res, 400, '<p>Unknown user.</p>')
      return provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false })
    }
    const buttons = [...users.values()].map((u) =>
      `<button name="sub" value="${escapeHtml(u.sub)}">${escapeHtml(u.name ?? u.sub)}${u.email ? ` &lt;${escapeHtml(u.email)}&gt;` : ''}</button>`).join('')
    page(res, 200, `<h1>Sign in</h1><p>Loopback OpenID Provider (demo/test). Pick a user:</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">${buttons}</form>`)
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/.exec(path)
    if (!m) return callback(req, res)
    interaction(req, res, m[1], m[2]).catch((e: unknown) => {
      if (!res.headersSent) page(res, 400, `<p>${escapeHtml(String((e as Error)?.message ?? e))}</p>`)
      else res.end()
    })
  })

  let closing: Promise<void> | undefined
  return {
    issuer, port, discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
      return closing
    }
  }
}
