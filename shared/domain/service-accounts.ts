// Service accounts (Users & Groups › Service accounts): ClearML users for agents and automations, with API access
// but no UI. Pure: shared by the renderer (table, forms, banner) and the core (list, create, keys made as the
// account). Keys close to expiry that an agent depends on (last used from a worker) are flagged before it fails.
import { z } from 'zod'
import { expiryState, type CredentialInfo, type CredentialsState, type GatewayToken, type NewCredential } from './user-settings'

export interface ServiceAccountKeyAtRisk {
  accountId: string
  accountName: string
  accessKey: string
  label: string | null
  expire: string
  /** The worker that last used the key (an agent depends on it). */
  worker: string
}

/** One row of the Service accounts table. */
export interface ServiceAccount {
  id: string
  name: string
  role: string
  /** An administrator account (only where the server allows admin service accounts). */
  admin: boolean
  /** Allow impersonation: tasks run as their owner (`allow_running_as_owner`). */
  allowImpersonation: boolean
  groups: Array<{ id: string; name: string }>
  /** How many credentials the account has. */
  credentials: number
  lastActive: string | null
  /** Its keys that expire within 7 days and were last used from a worker. */
  atRisk: ServiceAccountKeyAtRisk[]
  /** The workers its keys were last used from (the agents that depend on it). */
  workers: string[]
}

/** What the server says about service accounts as a whole (users.get_service_users). */
export interface ServiceAccountLimits {
  /** The most service accounts this server allows; null = no limit given. */
  allowedServiceUsers: number | null
  /** Service accounts may be administrators (allow_service_user_admins). */
  allowAdmins: boolean
  defaultExpirationSec: number | null
  maxExpirationSec: number | null
}

export interface ServiceAccountsState extends ServiceAccountLimits {
  accounts: ServiceAccount[]
}

/** A page of the table plus the limits and every key at risk (the banner covers all accounts, not the page). */
export interface ServiceAccountsPage extends ServiceAccountLimits {
  items: ServiceAccount[]
  total: number
  /** Every service account, unfiltered (for the limit and the duplicate-name check). */
  count: number
  names: Array<{ id: string; name: string }>
  atRisk: ServiceAccountKeyAtRisk[]
  source: 'server' | 'cache' | 'local'
  fetchedAt: number
}

/** A vault as it applies to the account, read-only (the leaf strings are hidden by the server's preview). */
export interface AppliedVault {
  id: string
  description: string
  scope: 'organization' | 'group'
  groupName: string | null
  format: string
  preview: string
}

export interface ServiceAccountDetails {
  account: ServiceAccount
  /** Its keys, as auth.get_credentials answers when made as the account (no secrets). */
  credentials: CredentialsState
  /** Its AI Application Gateway tokens, or why they are not available. */
  gateway: { tokens: GatewayToken[]; maxExpirationSec: number | null } | null
  gatewayUnavailable: string | null
  /** The administrator vaults that apply to it (enabled organization and group vaults of its groups). */
  adminVaults: AppliedVault[]
  /** Its own configuration vault's id (user scope), or null when it has none. */
  vaultId: string | null
  vaultEnabled: boolean | null
}

export interface NewServiceAccount {
  id: string
  name: string
  /** The initial credentials, shown once. */
  credential: NewCredential
  /** Something that did not work although the account exists (e.g. making it an administrator). */
  warning: string | null
}

export const serviceAccountOrder = ['name', 'id', 'credentials', 'lastActive'] as const
export type ServiceAccountOrder = (typeof serviceAccountOrder)[number]

export const serviceAccountNameField = z
  .string({ message: 'Enter a name' })
  .trim()
  .min(1, 'Enter a name for the service account')
  .max(256, 'A name is at most 256 characters')

export const sameAccountName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase()

export const NOT_ADMIN_SERVICE_ACCOUNTS = 'Only administrators can see and manage service accounts: they hold API keys that agents and automations use.'

export const DELETE_SERVICE_ACCOUNT_WARNING =
  'Deleting a service account revokes its credentials: agents and automations using them will fail. Tasks and artifacts it logged stay in the workspace.'

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/
/** An address the key was used from (IPv4 or IPv6), as opposed to a worker's name. */
export function isIpAddress(s: string): boolean {
  const v = s.trim()
  return IPV4.test(v) || (v.includes(':') && /^[\da-f:.]+$/i.test(v))
}

/** The worker a key was last used from (an agent depends on it), or null (an address, or unknown). */
export function workerOf(c: Pick<CredentialInfo, 'lastUsedFrom'>): string | null {
  const from = c.lastUsedFrom?.trim()
  return from && !isIpAddress(from) ? from : null
}

/** A key an agent depends on that expires within 7 days (not yet expired). */
export function keyAtRisk(c: CredentialInfo, now = Date.now()): boolean {
  return !!workerOf(c) && expiryState(c.expire, now) === 'soon'
}

export function keysAtRisk(account: { id: string; name: string }, creds: readonly CredentialInfo[], now = Date.now()): ServiceAccountKeyAtRisk[] {
  return creds
    .filter((c) => keyAtRisk(c, now))
    .map((c) => ({ accountId: account.id, accountName: account.name, accessKey: c.accessKey, label: c.label, expire: c.expire!, worker: workerOf(c)! }))
    .sort((a, b) => Date.parse(a.expire) - Date.parse(b.expire))
}
