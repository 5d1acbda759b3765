import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { authenticate, clearmlHeader, clientIp, impersonate, touchUiAccess } from './auth'
import { API_VERSION, type CallContext, type Endpoint, type Identity, RawResponse, type ServerContext } from './endpoint'
import { ServerError, errors } from './errors'
import { checkRequestData, compareVersions, mergeParams, parseBody, parsePath, parseQuery, splitTarget } from './request'

/** Request pipeline: faults -> path -> data -> endpoint/version -> auth -> role -> validation -> handler. */

export interface FaultOptions { latencyMs?: number; errorRate?: number; resetRate?: number }

/** A one-shot fault aimed at one endpoint (RunningServer.failNext). */
export type TargetedFaultKind = 'error' | 'reset' | 'hang'
/** before: instead of running the handler; after: once the handler has run (and committed), instead of the answer. */
export type TargetedFaultPhase = 'before' | 'after'

export interface AppOptions {
  ctx: ServerContext
  endpoints: Endpoint[]
  faults: () => FaultOptions
  /** Takes (disarms) the targeted fault armed for this endpoint and phase, if any. */
  takeFault?: (endpoint: string, phase: TargetedFaultPhase) => TargetedFaultKind | undefined
  tokenSecret: string
  log?: (line: string) => void
  /**
   * The web app's runtime configuration, served as plain JSON (no envelope) at `GET /configuration.json` — the file
   * the ClearML web app loads from its origin. Not an API endpoint: no service.action, no authentication.
   */
  runtimeConfig?: Record<string, unknown>
}

/** The web app's runtime configuration file (see AppOptions.runtimeConfig). */
export const RUNTIME_CONFIG_PATH = '/configuration.json'

interface Meta { name: string; requested: string; actual: string | null }

/**
 * The identity provider's redirect target of an SSO login or Test Provider run: `<server>/callback_<provider id>` (the
 * web app's callback route; this server plays the web app). Not an API endpoint: a small HTML page that shows the
 * callback arguments and hands the URL to the window that opened it (`postMessage({type: 'clearml-sso-callback', url,
 * args})`), so a console can pass them on to login.test_sso_callback. OIDC providers redirect here (GET, arguments in
 * the query); SAML IdPs POST a form here (HTTP-POST binding: `SAMLResponse`, `RelayState`): the posted fields become
 * the query of the URL handed over (`<callback URL>?SAMLResponse=…&RelayState=…`), which the page also shows for
 * pasting, so both bindings reach the console the same way.
 */
export const SSO_CALLBACK_PATH = /^\/callback_[A-Za-z0-9_-]{1,100}$/
/** Largest form a SAML IdP may POST to the callback route (bytes). */
const MAX_CALLBACK_FORM = 1024 * 1024

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
/** JSON safe inside an inline <script> (no `</script>`, no `<!--`, no line separators). */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

function ssoCallbackPage(query: string, posted: boolean): string {
  const args: string[] = []
  const fields: Record<string, string> = {}
  for (const part of query.split('&').filter(Boolean).slice(0, 50)) {
    const [k, ...v] = part.split('=')
    let key = k
    let value = v.join('=')
    try {
      key = decodeURIComponent(k.replace(/\+/g, ' '))
      value = decodeURIComponent(value.replace(/\+/g, ' '))
    } catch {
      // shown as sent
    }
    if (!Object.hasOwn(fields, key)) fields[key] = value
    args.push(`<tr><th>${escapeHtml(key.slice(0, 200))}</th><td>${escapeHtml(value.length > 400 ? `${value.slice(0, 400)}… (${value.length} characters)` : value)}</td></tr>`)
  }
  // GET: the page's own URL carries the arguments; POST: they are put into the URL's query
  const handOver = (posted
    ? `var q=${scriptJson(new URLSearchParams(fields).toString())};var url=location.origin+location.pathname+(q?'?'+q:'');`
    : 'var url=location.href;') + `var t=document.getElementById('url');if(t)t.value=url;`
  const paste = `<p>If the console did not receive them, paste this callback URL into its Test Provider panel:</p>
<textarea id="url" readonly rows="4" style="width:100%;font-family:monospace" aria-label="Callback URL with the arguments"></textarea>`
  return `<!doctype html><html><head><meta charset="utf-8"><title>ClearML identity provider callback</title>
<style>body{font-family:sans-serif;margin:2em}th{text-align:left;padding-right:1em}td{font-family:monospace;word-break:break-all}</style></head>
<body><h1>Identity provider callback</h1><p>The provider sent the browser back to the ClearML server with these arguments${posted ? ' (posted form)' : ''}.
Return to the console: it passes them to <code>login.test_sso_callback</code>.</p><table>${args.join('')}</table>${paste}
<script>try{${handOver}if(window.opener)window.opener.postMessage({type:'clearml-sso-callback',url:url,args:${scriptJson(fields)}},'*')}catch(e){}</script></body></html>`
}

/** A form POSTed to the callback route (application/x-www-form-urlencoded), as a query string; else undefined. */
function readCallbackForm(req: IncomingMessage): Promise<string | undefined> {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  return new Promise((resolve) => {
    if (type !== 'application/x-www-form-urlencoded' || Number(req.headers['content-length']) > MAX_CALLBACK_FORM) {
      req.resume()
      resolve(undefined)
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_CALLBACK_FORM) chunks.push(c)
    })
    req.on('end', () => resolve(size <= MAX_CALLBACK_FORM ? Buffer.concat(chunks).toString('utf8') : undefined))
    req.on('error', () => resolve(undefined))
  })
}

/** Largest accepted request body (bytes); a bigger one is answered 413/0. */
export const MAX_BODY = 8 * 1024 * 1024
/**
 * An oversized body is still read (and discarded) up to this many bytes before the 413 is sent: most clients
 * read the answer only after sending the whole body, and closing a socket that still has unread data makes
 * the kernel send a TCP reset, which can destroy the 413 before the client reads it. Past this, or when
 * Content-Length announces more, the 413 is sent at once and the connection is dropped after it.
 */
const MAX_DRAIN = 64 * 1024 * 1024

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => errors.payloadTooLarge(`request body exceeds ${MAX_BODY} bytes`)
    const declared = Number(req.headers['content-length'])
    if (declared > MAX_DRAIN) {
      req.resume()
      reject(tooLarge())
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let discarding = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (discarding) {
        if (size > MAX_DRAIN) reject(tooLarge())
      } else if (size > MAX_BODY) {
        discarding = true
        chunks.length = 0
      } else chunks.push(c)
    })
    req.on('end', () => (discarding ? reject(tooLarge()) : resolve(Buffer.concat(chunks))))
    req.on('error', reject)
    req.on('close', () => {
      if (!req.complete) reject(errors.badRequest('request aborted'))
    })
  })
}

interface EnvelopeMeta { id: string; trx: string; name: string; requested: string; actual: string | null }

/** The ClearML response envelope (clearml-api.md §1.3). */
function envelope(m: EnvelopeMeta, code: number, sub: number, msg: string, data: unknown, errorData: Record<string, unknown> = {}): string {
  return JSON.stringify({
    meta: {
      id: m.id, trx: m.trx,
      endpoint: { name: m.name, requested_version: m.requested, actual_version: m.actual },
      result_code: code, result_subcode: sub, result_msg: msg, error_stack: null, error_data: errorData
    },
    data
  })
}

/**
 * A complete raw HTTP response for a request Node's HTTP parser rejected before it reached the app
 * (server 'clientError': bad request line, header overflow, timeout), so even those get the envelope.
 */
export function clientErrorResponse(err: NodeJS.ErrnoException): string {
  const [code, reason, msg] =
    err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'Bad request (request headers too large)']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'Bad request (request timeout)']
        : [400, 'Bad Request', 'Bad request (malformed HTTP request)']
  const id = randomUUID().replaceAll('-', '')
  const body = envelope({ id, trx: id, name: '', requested: API_VERSION, actual: null }, code, 0, msg, {})
  return `HTTP/1.1 ${code} ${reason}\r\nserver: clearml\r\ncontent-type: application/json; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
}

/** Maps zod issues to 400/11 (a required field is absent) or 400/12. */
function validationError(issues: z.core.$ZodIssue[], data: unknown): ServerError {
  const valueAt = (path: PropertyKey[]) =>
    path.reduce<unknown>((cur, k) => (cur && typeof cur === 'object' ? (cur as Record<PropertyKey, unknown>)[k] : undefined), data)
  // an absent field is "missing" whatever the schema wanted there (a type, a union, an enum value)
  const missing = issues.filter((i) => (i.code === 'invalid_type' || i.code === 'invalid_union' || i.code === 'invalid_value') && valueAt(i.path) === undefined)
  if (missing.length === issues.length) {
    return errors.missingRequiredFields(undefined, { fields: missing.map((i) => i.path.join('.')) })
  }
  const first = issues[0]
  return errors.validation(`error for field '${first.path.join('.') || '<root>'}'. ${first.message}`)
}

function resolveEndpoint(table: Map<string, Endpoint[]>, name: string, requested: string): Endpoint {
  const candidates = table.get(name) ?? []
  const match = candidates.find((e) => compareVersions(e.minVersion, requested) <= 0)
  if (!match) throw errors.endpointNotFound(name, requested)
  return match
}

export function createApp(opts: AppOptions) {
  const table = new Map<string, Endpoint[]>()
  for (const e of opts.endpoints) table.set(e.name, [...(table.get(e.name) ?? []), e])
  for (const list of table.values()) list.sort((a, b) => compareVersions(b.minVersion, a.minVersion)) // newest first

  function send(res: ServerResponse, status: number, body: string | null, headers: Record<string, string | string[]> = {}) {
    if (res.destroyed) return
    res.writeHead(status, { server: 'clearml', ...headers, ...(body !== null && { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) }) })
    res.end(body ?? undefined)
  }

  function corsHeaders(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin
    return origin ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' } : {}
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now()
    const callId = randomUUID().replaceAll('-', '')
    const trx = clearmlHeader(req.headers, 'trx') ?? callId
    const meta: Meta = { name: '', requested: API_VERSION, actual: null }
    const cookies: string[] = []
    let status = 200
    let subcode = 0

    const respond = (code: number, sub: number, msg: string, data: unknown, errorData: Record<string, unknown> = {}) => {
      status = code
      subcode = sub
      const body = envelope({ id: callId, trx, ...meta }, code, sub, msg, data, errorData)
      send(res, code, body, {
        ...corsHeaders(req), ...(cookies.length && { 'set-cookie': cookies }),
        // after a 413 the rest of the body may still be in flight: do not reuse the connection
        ...(code === 413 && { connection: 'close' })
      })
    }

    /**
     * A targeted fault armed for this endpoint and phase: 'error' throws (500/0 envelope), 'reset' destroys the
     * socket, 'hang' never answers (until the client gives up or the server closes, which destroys the socket).
     * Returns true when the request is over (no answer is to be sent).
     */
    const injectFault = async (name: string, phase: TargetedFaultPhase): Promise<boolean> => {
      const kind = opts.takeFault?.(name, phase)
      if (!kind) return false
      if (kind === 'error') throw errors.general(`injected fault (${phase} the handler)`)
      status = 0
      if (kind === 'reset') req.socket.destroy()
      else await new Promise<void>((resolve) => (req.socket.destroyed ? resolve() : req.socket.once('close', () => resolve())))
      return true
    }

    try {
      const faults = opts.faults()
      if (faults.latencyMs && faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs))
      if (faults.resetRate && Math.random() < faults.resetRate) {
        status = 0
        req.socket.destroy()
        return
      }
      if (faults.errorRate && Math.random() < faults.errorRate) {
        throw Math.random() < 0.5 ? errors.general('injected fault') : errors.unavailable('injected fault')
      }

      if (req.method === 'OPTIONS') {
        const reqHeaders = req.headers['access-control-request-headers']
        send(res, 200, null, {
          ...corsHeaders(req), 'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
          ...(reqHeaders && { 'access-control-allow-headers': String(reqHeaders) }), 'content-length': '0'
        })
        return
      }

      const target = splitTarget(req.url ?? '/')
      if (opts.runtimeConfig && target.pathname === RUNTIME_CONFIG_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
        req.resume() // a body, if any, is ignored
        const body = JSON.stringify(opts.runtimeConfig)
        status = 200
        if (!res.destroyed) {
          res.writeHead(200, {
            server: 'clearml', ...corsHeaders(req), 'cache-control': 'no-store',
            'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body))
          })
          res.end(req.method === 'HEAD' ? undefined : body)
        }
        return
      }
      if (SSO_CALLBACK_PATH.test(target.pathname) && (req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST')) {
        let query = target.query
        if (req.method === 'POST') {
          const form = await readCallbackForm(req)
          if (form === undefined) {
            status = 415
            const text = 'The callback accepts a form (application/x-www-form-urlencoded, at most 1 MiB): the SAML HTTP-POST binding'
            if (!res.destroyed) {
              res.writeHead(415, { server: 'clearml', 'cache-control': 'no-store', 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) })
              res.end(text)
            }
            return
          }
          query = form
        } else req.resume()
        const body = ssoCallbackPage(query, req.method === 'POST')
        status = 200
        if (!res.destroyed) {
          res.writeHead(200, {
            server: 'clearml', 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(body)),
            'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"
          })
          res.end(req.method === 'HEAD' ? undefined : body)
        }
        return
      }
      const path = parsePath(target.pathname)
      meta.name = path.name
      meta.requested = path.version ?? API_VERSION
      const query = parseQuery(target.query)
      const raw = await readBody(req)
      if (req.headers['content-encoding']) throw errors.unsupportedMediaType('Content-Encoding is not supported')
      const data = parseBody(raw, req.headers['content-type'])
      mergeParams(data, query)
      // before auth and validation: no reserved key names, bounded depth (later code may recurse)
      checkRequestData(data)

      const ep = resolveEndpoint(table, path.name, meta.requested)
      meta.actual = ep.minVersion

      let auth: ReturnType<typeof authenticate>
      let impersonator: Identity | undefined
      if (ep.auth === 'required') {
        auth = authenticate(opts.ctx.store, opts.tokenSecret, req.headers, req.socket.remoteAddress)
        if (!auth) throw errors.noCredentials()
        // the impersonation headers change whom the call acts as; the role check is the effective identity's
        const acting = impersonate(opts.ctx.store, auth.identity, req.headers)
        if (acting.impersonator) {
          impersonator = acting.impersonator
          auth = { ...auth, identity: acting.identity }
        }
        const roles = Object.hasOwn(ep, 'roles') ? ep.roles : undefined // never an inherited value
        if (roles && !roles.includes(auth.identity.role)) throw errors.roleNotAllowed(undefined, { role: auth.identity.role, endpoint: ep.name })
      } else if (ep.auth === 'optional') {
        try {
          auth = authenticate(opts.ctx.store, opts.tokenSecret, req.headers, req.socket.remoteAddress)
        } catch {
          auth = undefined
        }
      }
      // the web UI's activity (a cookie session, or the web app's client header): users.get_all_ex activity
      if (auth && (auth.auth.kind === 'bearer' && auth.auth.cookie || clearmlHeader(req.headers, 'client')?.startsWith('Webapp'))) {
        touchUiAccess(opts.ctx.store, (impersonator ?? auth.identity).user)
      }

      const parsed = ep.schema.safeParse(data)
      if (!parsed.success) throw validationError(parsed.error.issues, data)

      const ctx: CallContext<unknown> = {
        data: parsed.data, identity: auth?.identity, auth: auth?.auth, server: opts.ctx, headers: req.headers, impersonator,
        ip: clientIp(req.headers, req.socket.remoteAddress), setCookie: (c) => cookies.push(c)
      }
      if (await injectFault(ep.name, 'before')) return
      const result = await ep.handler(ctx)
      if (await injectFault(ep.name, 'after')) return
      if (result instanceof RawResponse) {
        status = 200
        if (!res.destroyed) {
          res.writeHead(200, {
            server: 'clearml', ...corsHeaders(req), ...(cookies.length && { 'set-cookie': cookies }), 'cache-control': 'no-store',
            'content-type': result.contentType, 'content-length': String(Buffer.byteLength(result.body)),
            ...(result.filename && { 'content-disposition': `attachment; filename="${result.filename.replace(/[^\w.-]/g, '_')}"` })
          })
          res.end(result.body)
        }
        return
      }
      respond(200, 0, 'OK', result ?? {})
    } catch (e) {
      if (e instanceof ServerError) respond(e.code, e.subcode, e.message, {}, e.errorData)
      else {
        opts.log?.(`internal error on ${meta.name || req.url}: ${(e as Error)?.stack ?? e}`)
        const err = errors.general((e as Error)?.message)
        respond(err.code, err.subcode, err.message, {})
      }
    } finally {
      // SSO calls may carry client secrets and private keys in the query string: those are logged without it
      const logged = /sso[._]/.test(meta.name) ? (req.url ?? '').split('?')[0] : req.url
      opts.log?.(`${req.method} ${logged} -> ${status}/${subcode} ${Date.now() - started}ms`)
    }
  }
}
