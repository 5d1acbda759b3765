// Domain types that cross the API boundary. Secrets never appear here: a stored secret is only `hasSecret`.

export interface ConnectionInfo {
  id: string
  name: string
  apiUrl: string
  webUrl: string
  filesUrl: string
  accessKey: string
  hasSecret: boolean
  production: boolean
  verifyTls: boolean
  caFile: string | null
  active: boolean
  createdAt: number
  updatedAt: number
}

export type ConnectionState = 'none' | 'connecting' | 'online' | 'offline' | 'auth_failed'

export interface Capabilities {
  apiVersion: string
  serverVersion: string
  featureSet: string
  enterprise: boolean
  /**
   * What the server says it supports (users.get_current_user {get_supported_features}: config_vault,
   * user_management, …); null when it does not say (an open-source server).
   */
  features: string[] | null
}

export interface Identity {
  userId: string
  userName: string
  companyId: string
  companyName: string
  role: string
}

export interface AppStatus {
  clientVersion: string
  activeConnectionId: string | null
  activeConnectionName: string | null
  production: boolean
  state: ConnectionState
  /** Why the state is not online, in words a person understands. */
  reason: string | null
  /** When the state last changed (ms since epoch). */
  since: number
  /** When the next automatic reconnect attempt is due (ms since epoch), while offline. */
  nextRetryAt: number | null
  capabilities: Capabilities | null
  identity: Identity | null
  secretStore: { method: string; available: boolean; description: string }
  /** Set when the local cache was found damaged at start and recovered. */
  databaseRecovered: { reason: string; movedTo: string | null } | null
}

export interface TestConnectionResult {
  ok: boolean
  latencyMs: number | null
  serverVersion: string | null
  apiVersion: string | null
  featureSet: string | null
  user: { name: string; role: string; company: string } | null
  /** Which step failed: 'ping' (server unreachable) or 'login' (credentials). */
  failedStep: 'ping' | 'login' | null
  message: string
}

export interface UserProfile {
  id: string
  name: string
  givenName: string | null
  familyName: string | null
  companyId: string
  companyName: string
  role: string
  created: string | null
}

/** A value read through the cache: where it came from and how old it is. */
export interface Cached<T> {
  value: T
  source: 'server' | 'cache'
  fetchedAt: number
}
