import { request } from 'node:http'

/** Raw HTTP helper: unlike fetch, it can send a body with GET (as the ClearML SDK does). */

export interface Envelope<T = Record<string, unknown>> {
  meta: {
    id: string
    trx: string
    endpoint: { name: string; requested_version: string; actual_version: string | null }
    result_code: number
    result_subcode: number
    result_msg: string
    error_stack: null
    error_data: Record<string, unknown>
  }
  data: T
}

export interface CallResult<T> {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Envelope<T>
  raw: string
}

export interface CallOptions {
  method?: string
  body?: unknown
  /** raw body text (sent as-is) */
  rawBody?: string
  headers?: Record<string, string>
  basic?: { accessKey: string; secretKey: string }
  token?: string
}

export function basicHeader(accessKey: string, secretKey: string): string {
  return 'Basic ' + Buffer.from(`${accessKey}:${secretKey}`).toString('base64')
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function call<T = any>(baseUrl: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.basic) headers.authorization = basicHeader(opts.basic.accessKey, opts.basic.secretKey)
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  const payload = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body))
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload))
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { method: opts.method ?? 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        let body: Envelope<T>
        try {
          body = raw ? JSON.parse(raw) : (undefined as unknown as Envelope<T>)
        } catch {
          body = undefined as unknown as Envelope<T>
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, raw })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    if (payload !== undefined) req.write(payload)
    req.end()
  })
}

/** Asserts the ClearML envelope and returns the result for chaining. */
export function expectCode<T>(r: CallResult<T>, code: number, subcode: number): CallResult<T> {
  const got = `${r.status} ${r.body?.meta?.result_code}/${r.body?.meta?.result_subcode} ${r.body?.meta?.result_msg}`
  if (r.status !== code || r.body?.meta?.result_code !== code || r.body?.meta?.result_subcode !== subcode) {
    throw new Error(`expected ${code}/${subcode}, got ${got}`)
  }
  return r
}

export function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'))
}
