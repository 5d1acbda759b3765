import { createHmac, timingSafeEqual } from 'node:crypto'
import { errors } from './errors'

/** Minimal HS256 JWT (RFC 7519), enough for ClearML's session tokens. */

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString('base64url')
const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))

function sign(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest()
}

export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const body = `${HEADER}.${b64url(JSON.stringify(payload))}`
  return `${body}.${b64url(sign(body, secret))}`
}

/** Verifies signature and `exp`; throws 401/30 with a PyJWT-like reason otherwise. */
export function verifyJwt(token: string, secret: string, nowSec = Date.now() / 1000): Record<string, unknown> {
  const parts = token.split('.')
  if (parts.length !== 3) throw errors.invalidToken('Not enough segments')
  const [h, p, s] = parts
  let header: unknown
  let payload: unknown
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
  } catch {
    throw errors.invalidToken('Invalid token encoding')
  }
  if (!header || typeof header !== 'object' || (header as { alg?: unknown }).alg !== 'HS256') {
    throw errors.invalidToken('The specified alg value is not allowed')
  }
  const expected = sign(`${h}.${p}`, secret)
  const given = Buffer.from(s, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw errors.invalidToken('Signature verification failed')
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw errors.invalidToken('Invalid payload')
  const exp = (payload as { exp?: unknown }).exp
  if (exp !== undefined && (typeof exp !== 'number' || exp <= nowSec)) throw errors.invalidToken('Signature has expired')
  return payload as Record<string, unknown>
}
