// What the User Settings screens (Configuration, Storage Cleanup, Workspace) share: why a change cannot be
// sent right now, why a read failed (in words for the panel), and a server refusal's field errors.
import { computed } from 'vue'
import { ApiError, type InputIssue } from '@shared/api'
import { useStatusStore } from '../../stores/status'

/** Why a change to the server cannot be sent now (offline, sign-in refused, no connection), or null. */
export function useWriteBlocked() {
  const status = useStatusStore()
  return computed<string | null>(() => {
    const s = status.status
    if (!s || s.state === 'online') return null
    if (s.state === 'none') return 'No active connection: add or activate one under Connections.'
    const why = s.reason ? ` (${s.reason.replace(/\.$/, '')})` : ''
    if (s.state === 'auth_failed') return `The server refused this connection’s credentials${why}: changes cannot be sent until you sign in again.`
    if (s.state === 'connecting') return 'The console is still connecting to the server: changes can be sent once it is online.'
    return `The server cannot be reached${why}: changes cannot be sent until it is back online. What you see is cached.`
  })
}

/** The reason a feature is not offered by the server (an `unsupported` answer), or null. */
export function unsupportedReason(e: ApiError | null | undefined): string | null {
  return e && e.code === 'unsupported' ? e.message : null
}

/** Why a read failed, for a panel that has nothing to show. */
export function readFailure(e: ApiError, what: string): string {
  switch (e.code) {
    case 'offline':
      return `The server cannot be reached and ${what} ${/s$/.test(what) ? 'are' : 'is'} not cached on this computer yet.`
    case 'forbidden':
      return `The server refused to show ${what}: ${e.message}`
    case 'auth':
      return `The server refused this connection’s credentials: ${e.message}`
    case 'no_connection':
      return 'No active connection: add or activate one under Connections.'
    default:
      return `Could not load ${what}: ${e.message}`
  }
}

/**
 * A server refusal's field errors, keyed by dot-path without `prefix` ("aws." → "buckets.0.host"); null when
 * the error is not about fields. `details.field` (a single field) is honoured as well as `details.issues`.
 */
export function fieldIssues(e: unknown, prefix = ''): Record<string, string> | null {
  const err = ApiError.from(e)
  if (err.code !== 'invalid_input' && err.code !== 'conflict') return null
  const d = (err.details ?? {}) as { issues?: InputIssue[]; field?: string }
  const out: Record<string, string> = {}
  const strip = (p: string) => (prefix && p.startsWith(prefix) ? p.slice(prefix.length) : p)
  if (Array.isArray(d.issues)) for (const i of d.issues) out[strip(i.path)] ??= i.message
  if (typeof d.field === 'string' && !Object.keys(out).length) out[strip(d.field)] = err.message
  return Object.keys(out).length ? out : null
}

/** "1 key", "3 keys". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}
