// The one API contract between renderer and core. Both transports (Electron IPC and the web host)
// bind this table generically and validate every input against its schema before the core runs.
import { z } from 'zod'
import type { ConfigFormat, Diagnostic } from '../config/types'
import type { AppStatus, Cached, ConnectionInfo, TestConnectionResult, UserProfile } from './types'

/** A method: its input schema, and (as a phantom type) its output. */
export interface MethodDef<I extends z.ZodType, O> {
  input: I
  /** Marks calls that change data on a server, so the UI can guard them on production connections. */
  mutates?: boolean
  readonly __output?: O
}
function method<O>() {
  return <I extends z.ZodType>(input: I, opts: { mutates?: boolean } = {}): MethodDef<I, O> => ({ input, ...opts })
}

const empty = z.object({}).strict()
const id = z.string().min(1, 'is required').max(200)

const httpUrl = (label: string) =>
  z
    .string()
    .trim()
    .max(2048)
    .refine((v) => /^https?:\/\/[^\s/?#@]+(:\d{1,5})?([/?#][^\s]*)?$/i.test(v), `${label} must be an http:// or https:// URL`)

const optionalUrl = (label: string) => z.union([z.literal(''), httpUrl(label)]).default('')

const configFormat = z.enum(['hocon', 'json', 'yaml'], { message: 'Format must be hocon, json or yaml' }) satisfies z.ZodType<ConfigFormat>

export const connectionInput = z
  .object({
    name: z.string().trim().min(1, 'Name is required').max(100, 'Name must be at most 100 characters'),
    apiUrl: httpUrl('API server URL'),
    webUrl: optionalUrl('Web server URL'),
    filesUrl: optionalUrl('Files server URL'),
    accessKey: z.string().trim().min(1, 'Access key is required').max(200),
    /** Omit on update to keep the stored secret. */
    secretKey: z.string().min(1, 'Secret key is required').max(500).optional(),
    production: z.boolean().default(false),
    verifyTls: z.boolean().default(true),
    caFile: z.string().trim().max(4096).nullable().default(null)
  })
  .strict()
export type ConnectionInput = z.input<typeof connectionInput>
/** The input after validation and defaults, as the core receives it. */
export type ConnectionFields = z.output<typeof connectionInput>

export const methods = {
  'app.status': method<AppStatus>()(empty),
  'app.reconnect': method<AppStatus>()(empty),

  'connections.list': method<ConnectionInfo[]>()(empty),
  'connections.create': method<ConnectionInfo>()(connectionInput.extend({ activate: z.boolean().default(true) })),
  'connections.update': method<ConnectionInfo>()(z.object({ id, patch: connectionInput.partial() }).strict()),
  'connections.delete': method<{ deleted: boolean }>()(z.object({ id }).strict()),
  'connections.activate': method<AppStatus>()(z.object({ id }).strict()),
  /** Test a saved connection (by id) or an unsaved form (draft, which must carry its secret). */
  'connections.test': method<TestConnectionResult>()(
    z.union([z.object({ id }).strict(), z.object({ draft: connectionInput }).strict()])
  ),

  /** The config-format engine run by the core: the same code the editor's Web Worker runs. */
  'config.validate': method<{ diagnostics: Diagnostic[]; errors: number; warnings: number }>()(
    z
      .object({
        text: z.string().max(5_000_000, 'Text must be at most 5 MB'),
        format: configFormat,
        adminVault: z.boolean().default(false)
      })
      .strict()
  ),
  'config.convert': method<{ text: string | null; diagnostics: Diagnostic[]; lostComments: boolean }>()(
    z.object({ text: z.string().max(5_000_000, 'Text must be at most 5 MB'), from: configFormat, to: configFormat }).strict()
  ),

  'profile.get': method<Cached<UserProfile>>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  'profile.rename': method<Cached<UserProfile>>()(
    z
      .object({
        name: z
          .string()
          .trim()
          .min(1, 'Name cannot be empty')
          .max(256, 'Name must be at most 256 characters')
      })
      .strict(),
    { mutates: true }
  )
} satisfies Record<string, MethodDef<z.ZodType, unknown>>

export type Methods = typeof methods
export type MethodName = keyof Methods
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>
export type MethodOutput<M extends MethodName> = NonNullable<Methods[M]['__output']>

export type { Events, EventName } from './events'
export { eventNames } from './events'

export const methodNames = Object.keys(methods) as MethodName[]

/** The handler table the core implements: one function per method. */
export type Handlers = { [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> }

/** Validate an input against the contract. Returns the parsed input or a typed error naming each field. */
export function validateInput<M extends MethodName>(
  name: M,
  input: unknown
): { ok: true; value: MethodParsedInput<M> } | { ok: false; error: { code: 'invalid_input'; message: string; details: { issues: { path: string; message: string }[] } } } {
  const def = methods[name] as MethodDef<z.ZodType, unknown>
  const r = def.input.safeParse(input ?? {})
  if (r.success) return { ok: true, value: r.data as MethodParsedInput<M> }
  const issues = r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
  const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
  return { ok: false, error: { code: 'invalid_input', message: `Invalid input for ${name}: ${message}`, details: { issues } } }
}

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name)
}
