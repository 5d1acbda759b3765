// The one API contract between renderer and core: each feature's fragment (./methods/<feature>.ts) spread
// into one table. Both transports (Electron IPC and the web host) bind it generically and validate every
// input against its schema before the core runs.
import type { z } from 'zod'
import type { MethodDef } from './method'
import { appMethods } from './methods/app'
import { configMethods } from './methods/config'
import { connectionsMethods } from './methods/connections'
import { draftsMethods } from './methods/drafts'
import { profileMethods } from './methods/profile'
import { resourcesMethods } from './methods/resources'
import { userSettingsMethods } from './methods/user-settings'
import { adminUsersMethods } from './methods/admin-users'
import { identityProvidersMethods } from './methods/identity-providers'
import { serviceAccountsMethods } from './methods/service-accounts'
import { accessRulesMethods } from './methods/access-rules'
import { usageMethods } from './methods/usage'
import { vaultsMethods } from './methods/vaults'

export const methods = {
  ...appMethods,
  ...connectionsMethods,
  ...configMethods,
  ...profileMethods,
  ...draftsMethods,
  ...vaultsMethods,
  ...resourcesMethods,
  ...userSettingsMethods,
  ...adminUsersMethods,
  ...identityProvidersMethods,
  ...serviceAccountsMethods,
  ...accessRulesMethods,
  ...usageMethods
} satisfies Record<string, MethodDef<z.ZodType, unknown>>

export type Methods = typeof methods
export type MethodName = keyof Methods
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>
export type MethodOutput<M extends MethodName> = NonNullable<Methods[M]['__output']>

export const methodNames = Object.keys(methods) as MethodName[]

/** The handler table the core implements: one function per method. */
export type Handlers = { [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> }

export interface InputIssue {
  path: string
  message: string
}

/** Validate an input against the contract. Returns the parsed input or a typed error naming each field. */
export function validateInput<M extends MethodName>(
  name: M,
  input: unknown
): { ok: true; value: MethodParsedInput<M> } | { ok: false; error: { code: 'invalid_input'; message: string; details: { issues: InputIssue[] } } } {
  const def = methods[name] as MethodDef<z.ZodType, unknown>
  // No input means {} (every method's fields have defaults or are required); null is not an input.
  const r = def.input.safeParse(input === undefined ? {} : input)
  if (r.success) return { ok: true, value: r.data as MethodParsedInput<M> }
  const issues = r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
  const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
  return { ok: false, error: { code: 'invalid_input', message: `Invalid input for ${name}: ${message}`, details: { issues } } }
}

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name)
}

/** What the contract says about a method besides its schema. */
export function methodInfo(name: MethodName): { mutates: boolean; topics: readonly string[] } {
  const def = methods[name] as MethodDef<z.ZodType, unknown>
  return { mutates: !!def.mutates, topics: def.topics ?? [] }
}
