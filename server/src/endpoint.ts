import type { IncomingHttpHeaders } from 'node:http'
import { z } from 'zod'
import type { Store } from './store'

/** The endpoint table's types; each service module exports a list of endpoints. */

export const API_VERSION = '2.33'
export const SERVER_VERSION = '2.2.0'
export const SERVER_BUILD = 'reference'
export const SERVER_COMMIT = 'reference'
export const MAX_TOKEN_TTL_SEC = 365 * 24 * 3600

export interface Identity { user: string; company: string; role: string; user_name: string; company_name: string }

export type AuthInfo =
  | { kind: 'basic'; accessKey: string }
  | { kind: 'bearer'; sessionId: string | null; exp: number | null }

export interface ServerContext {
  store: Store
  featureSet: 'basic' | 'enterprise'
  tokenTtlSec: number
  /** Signs a session token for the identity; ttlSec may be negative (tests). */
  issueToken(identity: Identity, ttlSec: number): string
}

export interface CallContext<T> {
  data: T
  /** Present on 'required' endpoints; on 'optional' ones only if the caller authenticated. */
  identity: Identity | undefined
  auth: AuthInfo | undefined
  server: ServerContext
  headers: IncomingHttpHeaders
  setCookie(cookie: string): void
}

export interface Endpoint<S extends z.ZodType = z.ZodType> {
  name: string
  minVersion: string
  /** 'none': never authenticates; 'optional': authenticates if credentials are sent, ignores failures. */
  auth: 'required' | 'optional' | 'none'
  /** Roles allowed; undefined = any authenticated caller. */
  roles?: readonly string[]
  schema: S
  handler(ctx: CallContext<z.output<S>>): unknown
}

export function endpoint<S extends z.ZodType>(e: Endpoint<S>): Endpoint {
  return e as unknown as Endpoint
}

/** Context for handlers that require authentication. */
export function requireIdentity(ctx: CallContext<unknown>): Identity {
  if (!ctx.identity) throw new Error(`endpoint requires auth but no identity`)
  return ctx.identity
}

// Shared schema helpers -------------------------------------------------------------------------
/** A list that may arrive as a single value (one query-string key). */
export const stringList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]))
export const empty = z.object({})
