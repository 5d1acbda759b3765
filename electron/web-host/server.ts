// The web host: serves the built renderer and the same API as the Electron shell over loopback HTTP.
// Binds 127.0.0.1 only; every API request needs the per-run token and a same-origin (or no) Origin.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { eventNames } from '../../shared/api'
import { dispatch, type Core } from '../core'
import { createLogger } from '../core/log'

const log = createLogger('web-host')

export interface WebHostOptions {
  core: Core
  /** 0 = random free port. */
  port?: number
  /** Default: a fresh random token. */
  token?: string
  /** The built renderer (out/renderer). */
  staticDir: string
}

export interface WebHost {
  url: string
  /** The URL to open in a browser, with the token. */
  openUrl: string
  port: number
  token: string
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json'
}

// The renderer needs inline styles (Naive UI injects them) and blob/data workers (Monaco); nothing remote.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'"
].join('; ')

const STATUS_OF: Record<string, number> = {
  invalid_input: 400,
  unknown_method: 404,
  not_found: 404,
  conflict: 409,
  internal: 500
}

const MAX_BODY = 8 * 1024 * 1024

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const tokenBuf = Buffer.from(token)
  const staticRoot = resolve(opts.staticDir)
  const clients = new Set<ServerResponse>()
  let port = 0

  const tokenOk = (given: string | null | undefined) => {
    if (!given) return false
    const b = Buffer.from(given)
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf)
  }
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`])

  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
    res.end(text)
  }

  const unsubscribers = eventNames.map((name) =>
    opts.core.on(name, (payload) => {
      const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`
      for (const c of clients) c.write(frame)
    })
  )

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
      // DNS-rebinding and cross-site guards: only our own host name, only our own origin.
      if (!allowedHosts().has(req.headers.host ?? '')) return json(res, 403, { ok: false, error: { code: 'forbidden', message: 'Host not allowed' } })
      const origin = req.headers.origin
      if (origin && !allowedHosts().has(origin.replace(/^http:\/\//, ''))) {
        return json(res, 403, { ok: false, error: { code: 'forbidden', message: 'Cross-origin requests are refused' } })
      }
      if (url.pathname.startsWith('/api/')) {
        const given = (req.headers['x-console-token'] as string | undefined) ?? url.searchParams.get('token')
        if (!tokenOk(given)) return json(res, 401, { ok: false, error: { code: 'unauthorized', message: 'Missing or wrong console token' } })
        if (url.pathname === '/api/events' && req.method === 'GET') return openEvents(res)
        if (req.method !== 'POST') return json(res, 405, { ok: false, error: { code: 'method_not_allowed', message: 'Use POST' } })
        const method = decodeURIComponent(url.pathname.slice('/api/'.length))
        let input: unknown = {}
        try {
          const body = await readBody(req)
          input = body.length ? JSON.parse(body) : {}
        } catch (e) {
          return json(res, 400, { ok: false, error: { code: 'invalid_input', message: `Request body is not valid JSON: ${(e as Error).message}` } })
        }
        const out = await dispatch(opts.core.handlers, method, input)
        return json(res, out.ok ? 200 : (STATUS_OF[out.error.code] ?? 422), out)
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { ok: false, error: { code: 'method_not_allowed', message: 'Not allowed' } })
      return serveStatic(url.pathname, res)
    } catch (e) {
      log.error('request failed', { message: (e as Error).message })
      if (!res.headersSent) json(res, 500, { ok: false, error: { code: 'internal', message: 'Internal error' } })
      else res.end()
    }
  })

  function openEvents(res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
    res.write(`retry: 1000\n\nevent: status\ndata: ${JSON.stringify(opts.core.status())}\n\n`)
    clients.add(res)
    const ping = setInterval(() => res.write(': keep-alive\n\n'), 15000)
    res.on('close', () => {
      clearInterval(ping)
      clients.delete(res)
    })
  }

  function serveStatic(pathname: string, res: ServerResponse) {
    let rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '')
    if (!rel || rel.endsWith(sep)) rel = 'index.html'
    let file = join(staticRoot, rel)
    if (!file.startsWith(staticRoot + sep) && file !== staticRoot) return json(res, 403, { ok: false, error: { code: 'forbidden', message: 'Path not allowed' } })
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (extname(rel)) return json(res, 404, { ok: false, error: { code: 'not_found', message: 'Not found' } })
      file = join(staticRoot, 'index.html') // client-side routes
    }
    if (!existsSync(file)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
      return res.end('The renderer is not built. Run `npm run build:renderer` (npm run serve does it for you).')
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=3600'
    })
    createReadStream(file).pipe(res)
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok())
  })
  port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    openUrl: `${url}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    async close() {
      for (const u of unsubscribers) u()
      for (const c of clients) c.end()
      clients.clear()
      server.closeAllConnections?.()
      await new Promise<void>((ok) => server.close(() => ok()))
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        fail(new Error('body too large'))
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')))
    req.on('error', fail)
  })
}
