import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { authenticate, clearmlHeader } from './auth'
import { API_VERSION, type CallContext, type Endpoint, type ServerCore } from './endpoint'
import { ApiError, errors } from './errors'
import { compareVersions, mergeParams, parseBody, parsePath } from './request'

/** Request pipeline: faults -> path -> data -> endpoint/version -> auth -> role -> validation -> handler. */

export interface FaultOptions { latencyMs?: number; errorRate?: number; resetRate?: number }

export interface AppOptions {
  core: ServerCore
  endpoints: Endpoint[]
  faults: () => FaultOptions
  tokenSecret: string
  log?: (line: string) => void
}

interface Meta { name: string; requested: string; actual: string | null }

const MAX_BODY = 16 * 1024 * 1024

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) reject(errors.badRequest('request body too large'))
      else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Maps zod issues to 400/11 (a required field is absent) or 400/12. */
function validationError(issues: z.core.$ZodIssue[], data: unknown): ApiError {
  const valueAt = (path: PropertyKey[]) =>
    path.reduce<unknown>((cur, k) => (cur && typeof cur === 'object' ? (cur as Record<PropertyKey, unknown>)[k] : undefined), data)
  const missing = issues.filter((i) => i.code === 'invalid_type' && valueAt(i.path) === undefined)
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
      const envelope = {
        meta: {
          id: callId, trx,
          endpoint: { name: meta.name, requested_version: meta.requested, actual_version: meta.actual },
          result_code: code, result_subcode: sub, result_msg: msg, error_stack: null, error_data: errorData
        },
        data
      }
      send(res, code, JSON.stringify(envelope), { ...corsHeaders(req), ...(cookies.length && { 'set-cookie': cookies }) })
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

      const url = new URL(req.url ?? '/', 'http://localhost')
      const path = parsePath(url.pathname)
      meta.name = path.name
      meta.requested = path.version ?? API_VERSION
      const raw = await readBody(req)
      if (req.headers['content-encoding']) throw errors.unsupportedMediaType('Content-Encoding is not supported')
      const data = parseBody(raw, req.headers['content-type'])
      mergeParams(data, url.searchParams)

      const ep = resolveEndpoint(table, path.name, meta.requested)
      meta.actual = ep.minVersion

      let auth: ReturnType<typeof authenticate>
      if (ep.auth === 'required') {
        auth = authenticate(opts.core.store, opts.tokenSecret, req.headers, req.socket.remoteAddress)
        if (!auth) throw errors.noCredentials()
        if (ep.roles && !ep.roles.includes(auth.identity.role)) throw errors.roleNotAllowed(undefined, { role: auth.identity.role, endpoint: ep.name })
      } else if (ep.auth === 'optional') {
        try {
          auth = authenticate(opts.core.store, opts.tokenSecret, req.headers, req.socket.remoteAddress)
        } catch {
          auth = undefined
        }
      }

      const parsed = ep.schema.safeParse(data)
      if (!parsed.success) throw validationError(parsed.error.issues, data)

      const ctx: CallContext<unknown> = {
        data: parsed.data, identity: auth?.identity, auth: auth?.auth, core: opts.core, headers: req.headers,
        setCookie: (c) => cookies.push(c)
      }
      const result = await ep.handler(ctx)
      respond(200, 0, 'OK', result ?? {})
    } catch (e) {
      if (e instanceof ApiError) respond(e.code, e.subcode, e.message, {}, e.errorData)
      else {
        opts.log?.(`internal error on ${meta.name || req.url}: ${(e as Error)?.stack ?? e}`)
        const err = errors.general((e as Error)?.message)
        respond(err.code, err.subcode, err.message, {})
      }
    } finally {
      opts.log?.(`${req.method} ${req.url} -> ${status}/${subcode} ${Date.now() - started}ms`)
    }
  }
}
