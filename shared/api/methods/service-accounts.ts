// serviceAccounts.*: the workspace's service accounts (auth.create_service_user, users.get_service_users,
// users.update_service_user, auth.delete_user), their keys (the auth.* credential calls made as the account), their
// AI Application Gateway tokens (auth.*_router_token(s) with `user`) and the vaults that apply to them. A new key's
// secret and a new token are in the create answer only: never cached, logged or returned again.
import { z } from 'zod'
import {
  serviceAccountNameField,
  serviceAccountOrder,
  type NewServiceAccount,
  type ServiceAccountDetails,
  type ServiceAccountsPage
} from '../../domain/service-accounts'
import type { NewCredential } from '../../domain/user-settings'
import { listQuery } from '../list'
import { idInput, method } from '../method'
import type { Cached } from '../types'
import { credentialCreateInput, gatewayGenerateInput } from './user-settings'

const user = idInput
const accessKey = z.string().min(1, 'Access key is required').max(200)

export const serviceAccountCreateInput = z
  .object({
    name: serviceAccountNameField,
    allowImpersonation: z.boolean().default(false),
    /** Set as admin: only where the server allows admin service accounts. */
    admin: z.boolean().default(false),
    /** Expiry of the initial credentials in seconds; null = never; absent = the server's default. */
    expirationSec: credentialCreateInput.shape.expirationSec
  })
  .strict()

export const serviceAccountUpdateInput = z
  .object({
    id: user,
    name: serviceAccountNameField.optional(),
    allowImpersonation: z.boolean().optional(),
    admin: z.boolean().optional()
  })
  .strict()
  .refine((v) => v.name !== undefined || v.allowImpersonation !== undefined || v.admin !== undefined, 'Change at least one setting')

const topics = ['serviceAccounts', 'users', 'groups'] as const

export const serviceAccountsMethods = {
  /** The table (cache first, with its age offline), searched by name or id, plus the server's limits and keys at risk. */
  'serviceAccounts.list': method<ServiceAccountsPage>()(listQuery(serviceAccountOrder, 'name').extend({ refresh: z.boolean().default(false) })),
  /** One account's panel: its keys, gateway tokens and the vaults that apply to it (cache first). */
  'serviceAccounts.details': method<Cached<ServiceAccountDetails>>()(z.object({ id: user, refresh: z.boolean().default(false) }).strict()),
  /** Create an account; its initial credentials (with the snippets) are in this answer only. */
  'serviceAccounts.create': method<NewServiceAccount>()(serviceAccountCreateInput, { mutates: true, topics: [...topics] }),
  /** Rename, Allow impersonation, Admin (users.update_service_user, users.set_role). */
  'serviceAccounts.update': method<{ updated: number }>()(serviceAccountUpdateInput, { mutates: true, topics: [...topics] }),
  /** Delete the account (auth.delete_user): its keys are revoked, agents using them fail. */
  'serviceAccounts.delete': method<{ deleted: number }>()(z.object({ id: user }).strict(), { mutates: true, topics: [...topics, 'vaults'] }),
  /** New credentials for the account (made as the account): the secret is in this answer only. */
  'serviceAccounts.credentials.create': method<NewCredential>()(credentialCreateInput.extend({ user }).strict(), { mutates: true, topics: ['serviceAccounts'] }),
  'serviceAccounts.credentials.revoke': method<{ revoked: number }>()(z.object({ user, accessKey }).strict(), { mutates: true, topics: ['serviceAccounts'] }),
  /** A gateway token for the account: shown once, never stored. */
  'serviceAccounts.gateway.generate': method<{ token: string }>()(gatewayGenerateInput.extend({ user }).strict(), { mutates: true, topics: ['serviceAccounts'] }),
  'serviceAccounts.gateway.revoke': method<{ revoked: number }>()(z.object({ user, ids: z.array(idInput).min(1).max(100) }).strict(), { mutates: true, topics: ['serviceAccounts'] })
}
