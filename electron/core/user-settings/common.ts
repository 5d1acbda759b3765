// What the user-settings handlers share: the online guard for writes, the enterprise guard, errors placed at a
// form field, and the mapping of "this server has no such endpoint" to `unsupported` with a reason.
import { ApiError } from '../../../shared/api'
import { ClearmlError } from '../clearml'
import type { Session } from '../session'
import type { StoredConnection } from '../connections/repo'

/** The active connection, or the typed error. Local features (cloud access, local settings) need nothing more. */
export function activeConnection(session: Session): StoredConnection {
  const c = session.connection
  if (!c) throw new ApiError('no_connection', 'No active connection. Add or activate one under Connections.')
  return c
}

/** A write needs the server: refuse with the reason when it cannot be reached (nothing is sent, nothing is lost). */
export function requireOnline(session: Session, what: string): StoredConnection {
  const c = activeConnection(session)
  if (session.state !== 'online') {
    throw new ApiError('offline', `The server is needed to ${what}, and it cannot be reached: ${session.reason ?? 'offline'}. Nothing was changed; your entries are kept.`)
  }
  return c
}

/** Refuse at once when the server is known to be an open-source one (its capabilities say `basic`). */
export function requireEnterprise(session: Session, reason: string): void {
  const caps = session.capabilities
  if (caps && !caps.enterprise) throw new ApiError('unsupported', reason, { featureSet: caps.featureSet })
}

/** Run a server call; "no such endpoint" (404 → ClearmlError kind not_found) becomes `unsupported` with `reason`. */
export async function orUnsupported<T>(reason: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof ClearmlError && e.kind === 'not_found') throw new ApiError('unsupported', reason, { endpoint: e.endpoint })
    throw e
  }
}

/** An input error the form shows at `field` (a dot path such as "aws.buckets.2.secret"). */
export function fieldError(field: string, message: string): ApiError {
  return new ApiError('invalid_input', message, { field, issues: [{ path: field, message }] })
}

/** A server refusal of a write (4xx validation), placed at the field it is about. */
export function refusalAt(e: unknown, field: string): never {
  if (e instanceof ClearmlError && e.kind === 'validation') throw fieldError(field, e.serverMessage ?? e.message)
  throw e
}

export function isAdmin(session: Session): boolean {
  const role = session.identity?.role ?? ''
  return role === 'admin' || role === 'root' || role === 'system'
}

/** "2.33" ≥ "2.9" compares numerically, part by part. */
export function versionAtLeast(version: string | undefined | null, min: string): boolean {
  if (!version) return false
  const a = version.split('.').map((n) => Number.parseInt(n, 10) || 0)
  const b = min.split('.').map((n) => Number.parseInt(n, 10) || 0)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d) return d > 0
  }
  return true
}

export type Json = Record<string, unknown>
export const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v)
export const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v))
export const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null)
export const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
/** A user reference as the server gives it: an id, or {id, name}. */
export const userName = (v: unknown): string | null => (isObject(v) ? strOrNull(v.name) ?? strOrNull(v.id) : strOrNull(v))
