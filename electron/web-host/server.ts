// The web host: serves the built renderer and the same API as the Electron shell over loopback HTTP.
// Binds 127.0.0.1 only; every API request needs the per-run token and a same-origin (or no) Origin.
// Whatever a client sends (bad %-encoding, oversized or non-JSON bodies, unparsable HTTP), the answer is a
// typed 4xx envelope { ok: false, error: { code, message } } logged at debug; only real faults are 5xx/ERROR.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { STATUS_CODES, createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { pipeline, type Duplex } from 'node:stream'
import { eventNames, type ApiErrorCode } from '../../shared/api'
import type { Core } from '../core'
import { CONSOLE_CSP, contentTypeOf } from '../renderer-assets'
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


const STATUS_OF: Record<string, number> = {
  invalid_input: 400,
  unknown_method: 404,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  confirmation_required: 428,
  busy: 503,
  internal: 500
}

/** Largest request body read; a bigger one is refused with 413. */
const MAX_BODY = 8 * 1024 * 1024
/** After refusing a request, how much more of its body is read and dropped, and for how long, before closing. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024
const LINGER_MS = 2000

/** The web host's own refusals besides the contract's codes: a missing/wrong token, a wrong HTTP method. */
export type HostErrorCode = ApiErrorCode | 'unauthorized' | 'method_not_allowed'

/** A request refused for what it is (not a failure of the host): answered with a typed 4xx, logged at debug. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: HostErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: unknown
  ) {
    super(message)
  }
}

const tooLarge = () =>
  new Refusal(413, 'too_large', `The request body is larger than ${MAX_BODY / 1024 / 1024} MB`, { connection: 'close' }, { limitBytes: MAX_BODY })

function envelopeOf(code: HostErrorCode, message: string, details?: unknown) {
  return { ok: false as const, error: details === undefined ? { code, message } : { code, message, details } }
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const tokenBuf = Buffer.from(token)
  const staticRoot = resolve(opts.staticDir)
  const clients = new Set<ServerResponse>()
  /** The request being answered on each socket: a protocol error found in its body is answered through it. */
  const current = new WeakMap<Socket | Duplex, ServerResponse>()
  /** Requests that sent "Expect: 100-continue" and have not been told to send their body yet. */
  const awaitingContinue = new WeakSet<IncomingMessage>()
  let port = 0

  const tokenOk = (given: string | null | undefined) => {
    if (!given) return false
    const b = Buffer.from(given)
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf)
  }
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`])

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers
    })
    res.end(text)
  }

  const unsubscribers = eventNames.map((name) =>
    opts.core.on(name, (payload) => {
      const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`
      for (const c of clients) if (!c.writableEnded && !c.destroyed) c.write(frame)
    })
  )

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const socket = req.socket
    current.set(socket, res)
    res.once('close', () => current.get(socket) === res && current.delete(socket))
    try {
      await route(req, res)
    } catch (e) {
      if (e instanceof Refusal) refuse(req, res, e)
      else {
        log.error('request failed', { method: req.method, message: (e as Error).message })
        if (!res.headersSent) json(res, 500, envelopeOf('internal', 'Internal error'))
        else if (!res.writableEnded) res.destroy()
      }
    }
  }

  function refuse(req: IncomingMessage, res: ServerResponse, e: Refusal) {
    log.debug('request refused', { method: req.method, status: e.status, code: e.code, message: e.message.slice(0, 200) })
    if (res.headersSent) {
      if (!res.writableEnded) res.destroy()
      return
    }
    // A client that asked "Expect: 100-continue" and got no 100 will not send the body it announced, so
    // the connection cannot carry another request: close it.
    const headers = req.headers.expect !== undefined && !req.complete ? { ...e.headers, connection: 'close' } : e.headers
    // A request whose body we will not read: drop the rest of it and close once the client has the answer.
    if (headers.connection === 'close') drainAndClose(req)
    json(res, e.status, envelopeOf(e.code, e.message, e.details), headers)
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    // DNS-rebinding and cross-site guards: only our own host name, only our own origin.
    if (!allowedHosts().has(req.headers.host ?? '')) throw new Refusal(403, 'forbidden', 'Host not allowed')
    const origin = req.headers.origin
    if (origin && !allowedHosts().has(origin.replace(/^http:\/\//, ''))) throw new Refusal(403, 'forbidden', 'Cross-origin requests are refused')
    const url = parseTarget(req.url ?? '/')
    if (url.pathname.startsWith('/api/')) {
      const given = (req.headers['x-console-token'] as string | undefined) ?? url.searchParams.get('token')
      if (!tokenOk(given)) throw new Refusal(401, 'unauthorized', 'Missing or wrong console token')
      const method = decodePath(url.pathname.slice('/api/'.length))
      if (method === 'events') {
        if (req.method !== 'GET') throw new Refusal(405, 'method_not_allowed', 'Use GET for the event stream', { allow: 'GET' })
        return openEvents(res)
      }
      if (req.method !== 'POST') throw new Refusal(405, 'method_not_allowed', 'Use POST', { allow: 'POST' })
      checkBodyHeaders(req)
      if (declaredLength(req) > MAX_BODY) throw tooLarge()
      if (awaitingContinue.delete(req)) res.writeContinue()
      const input = await readJsonObject(req)
      const confirmed = req.headers['x-console-confirmed'] === '1'
      const out = await opts.core.dispatch(method, input, { confirmed })
      return json(res, out.ok ? 200 : (STATUS_OF[out.error.code] ?? 422), out)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new Refusal(405, 'method_not_allowed', 'Not allowed', { allow: 'GET, HEAD' })
    return serveStatic(url.pathname, res)
  }

  const server = createServer((req, res) => void handle(req, res))

  // With a listener here Node no longer answers "100 Continue" by itself: the route asks for the body only
  // once the request passed every other check, and never for an announced body over the limit.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    awaitingContinue.add(req)
    void handle(req, res)
  })
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    drainAndClose(req)
    json(res, 417, envelopeOf('invalid_input', 'Unsupported Expect header'), { connection: 'close' })
  })
  // CONNECT has no meaning here; without this Node would drop the socket without an answer.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    answerRaw(socket, 405, envelopeOf('method_not_allowed', 'CONNECT is not supported'), { allow: 'GET, HEAD, POST' })
  })
  // Requests Node cannot parse (huge headers, broken request line or chunking, timeouts): a typed answer
  // instead of Node's bare one, unless a response is already under way on that socket.
  const failedSockets = new WeakSet<Duplex>()
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (failedSockets.has(socket)) return
    failedSockets.add(socket)
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable) {
      socket.destroy()
      return
    }
    const [status, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request headers are too large']
        : err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
          ? [413, 'The chunk extensions are too large']
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'The request was not received in time']
            : [400, 'Malformed HTTP request']
    log.debug('malformed request refused', { status, code: err.code })
    const pending = current.get(socket)
    if (!pending) return answerRaw(socket, status, envelopeOf('invalid_input', message))
    if (!pending.req.complete) {
      // The body of the request being answered is malformed (e.g. broken chunking): answer that request.
      if (pending.headersSent) socket.destroy()
      else refuse(pending.req, pending, new Refusal(status, 'invalid_input', message, { connection: 'close' }))
      return
    }
    // A later pipelined request is malformed: answer it once the response in progress is out.
    if (pending.writableFinished) answerRaw(socket, status, envelopeOf('invalid_input', message))
    else pending.once('finish', () => answerRaw(socket, status, envelopeOf('invalid_input', message)))
  })

  /** Writes a whole response on a socket Node's HTTP layer has given up on, then closes it gently. */
  function answerRaw(socket: Duplex, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body)
    const head = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(text)}`,
      'Cache-Control: no-store',
      'X-Content-Type-Options: nosniff',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      'Connection: close'
    ].join('\r\n')
    socket.on('error', () => {})
    socket.end(`${head}\r\n\r\n${text}`)
    linger(socket)
  }

  /**
   * Closing a socket while the client is still sending makes the kernel answer with a reset, which can
   * destroy our response before the client reads it. So after the response: keep reading and dropping what
   * still arrives (up to a limit), and close when the client has finished or after LINGER_MS.
   */
  function linger(socket: Duplex) {
    let dropped = 0
    const timer = setTimeout(() => socket.destroy(), LINGER_MS)
    timer.unref()
    socket.once('close', () => clearTimeout(timer))
    socket.on('data', (c: Buffer) => {
      dropped += c.length
      if (dropped > DRAIN_MAX_BYTES) socket.destroy()
    })
    socket.resume()
  }

  /**
   * For a request refused before its body was read, answered with "Connection: close". Node ends such a
   * socket as soon as the response is written (socket.destroySoon), with the body possibly still arriving;
   * here the rest of the body is read and dropped, and the socket lingers (see linger) instead.
   */
  function drainAndClose(req: IncomingMessage) {
    const socket = req.socket as Socket & { destroySoon?: () => void }
    let dropped = 0
    req.on('data', (c: Buffer) => {
      dropped += c.length
      if (dropped > DRAIN_MAX_BYTES) socket.destroy()
    })
    req.on('error', () => {})
    req.resume()
    if (typeof socket.destroySoon === 'function') {
      socket.destroySoon = () => {
        socket.end()
        const timer = setTimeout(() => socket.destroy(), LINGER_MS)
        timer.unref()
        socket.once('close', () => clearTimeout(timer))
      }
    }
  }

  function openEvents(res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
    res.write(`retry: 1000\n\nevent: status\ndata: ${JSON.stringify(opts.core.status())}\n\n`)
    clients.add(res)
    res.on('error', () => {})
    const ping = setInterval(() => res.write(': keep-alive\n\n'), 15000)
    res.on('close', () => {
      clearInterval(ping)
      clients.delete(res)
    })
  }

  function serveStatic(pathname: string, res: ServerResponse) {
    const decoded = decodePath(pathname)
    if (decoded.includes('\0')) throw new Refusal(400, 'invalid_input', 'The request path contains a NUL character')
    let rel = normalize(decoded).replace(/^([/\\])+/, '')
    if (!rel || rel.endsWith(sep)) rel = 'index.html'
    let file = join(staticRoot, rel)
    if (!file.startsWith(staticRoot + sep) && file !== staticRoot) throw new Refusal(403, 'forbidden', 'Path not allowed')
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (extname(rel)) throw new Refusal(404, 'not_found', 'Not found')
      file = join(staticRoot, 'index.html') // client-side routes
    }
    if (!existsSync(file)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
      return res.end('The renderer is not built. Run `npm run build:renderer` (npm run serve does it for you).')
    }
    // Headers go out only once the file is open, so a file that vanished or cannot be read gets a typed
    // answer; a failure mid-way aborts the response. Either way the error never escapes as an uncaught one.
    const stream = createReadStream(file)
    const failed = (err: Error) => {
      log.error('static file could not be read', { file: rel, message: err.message })
      if (!res.headersSent) json(res, 500, envelopeOf('internal', 'The file could not be read'))
    }
    stream.once('error', failed)
    stream.once('ready', () => {
      stream.off('error', failed)
      res.writeHead(200, {
        'content-type': contentTypeOf(file),
        'content-security-policy': CONSOLE_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=3600'
      })
      pipeline(stream, res, (err) => {
        if (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') log.error('static file could not be sent', { file: rel, message: err.message })
      })
    })
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

/** Only origin-form targets ("/path?query"); anything else (absolute URLs, "*", unparsable) is refused. */
function parseTarget(target: string): URL {
  if (!target.startsWith('/')) throw new Refusal(400, 'invalid_input', 'The request target must be a path')
  try {
    // Prefixing a fixed origin keeps "//host:port/..." a path instead of an authority.
    return new URL(`http://127.0.0.1${target}`)
  } catch {
    throw new Refusal(400, 'invalid_input', 'The request target is not a valid path')
  }
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    throw new Refusal(400, 'invalid_input', 'The request path has malformed %-encoding')
  }
}

function declaredLength(req: IncomingMessage): number {
  const v = req.headers['content-length']
  return v === undefined ? 0 : Number(v)
}

/** The body must be JSON in UTF-8: no other media type, charset or content coding. A missing type is accepted. */
function checkBodyHeaders(req: IncomingMessage) {
  const type = req.headers['content-type']
  if (type !== undefined) {
    const [media, ...params] = type.split(';').map((p) => p.trim())
    if (media.toLowerCase() !== 'application/json') {
      throw new Refusal(415, 'invalid_input', `The request body must be application/json, not ${JSON.stringify(media.slice(0, 100))}`)
    }
    for (const p of params) {
      const eq = p.indexOf('=')
      const key = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase()
      const value = eq < 0 ? '' : p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase()
      if (key === 'charset' && value !== 'utf-8' && value !== 'utf8') throw new Refusal(415, 'invalid_input', 'The request body must be UTF-8')
    }
  }
  const coding = req.headers['content-encoding']
  if (coding !== undefined && coding.trim().toLowerCase() !== 'identity') throw new Refusal(415, 'invalid_input', 'Compressed request bodies are not accepted')
}

/** Reads the body (at most MAX_BODY bytes) as one JSON object; an empty body is `{}`. */
async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (declaredLength(req) > MAX_BODY) throw tooLarge()
  const raw = await readBody(req)
  if (raw.length === 0) return {}
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw)
  } catch {
    throw new Refusal(400, 'invalid_input', 'The request body is not valid UTF-8')
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new Refusal(400, 'invalid_input', `Request body is not valid JSON: ${(e as Error).message.slice(0, 200)}`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
    throw new Refusal(400, 'invalid_input', `The request body must be a JSON object, not ${kind}`)
  }
  return value as Record<string, unknown>
}

/** Collects the body; past MAX_BODY it stops collecting and rejects with a 413 refusal (the caller drains). */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        cleanup()
        chunks.length = 0
        fail(tooLarge())
        return
      }
      chunks.push(c)
    }
    const onEnd = () => {
      cleanup()
      ok(Buffer.concat(chunks))
    }
    const onError = (e: Error) => {
      cleanup()
      fail(new Refusal(400, 'invalid_input', `The request body could not be read: ${e.message}`))
    }
    const cleanup = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  })
}
