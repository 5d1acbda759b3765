// Connection profiles: the ClearML servers this console knows. Local data: nothing here changes a server.
import { z } from 'zod'
import { absolutePath, httpUrl, optionalUrl, secret, text } from '../fields'
import { listQuery, type Page } from '../list'
import { idInput, method } from '../method'
import type { AppStatus, ConnectionInfo, TestConnectionResult } from '../types'

/** The fields without defaults: a patch names only what it changes (defaults would reset the rest). */
const connectionFields = {
  name: text('Name', { min: 1, max: 100 }),
  apiUrl: httpUrl('API server URL'),
  webUrl: z.union([z.literal(''), httpUrl('Web server URL')]),
  filesUrl: z.union([z.literal(''), httpUrl('Files server URL')]),
  accessKey: secret('Access key', 200),
  /** Omit on update to keep the stored secret. */
  secretKey: secret('Secret key', 500),
  production: z.boolean(),
  verifyTls: z.boolean(),
  caFile: absolutePath('CA file').nullable()
}

export const connectionInput = z
  .object({
    ...connectionFields,
    webUrl: optionalUrl('Web server URL'),
    filesUrl: optionalUrl('Files server URL'),
    secretKey: connectionFields.secretKey.optional(),
    production: connectionFields.production.default(false),
    verifyTls: connectionFields.verifyTls.default(true),
    caFile: connectionFields.caFile.default(null)
  })
  .strict()
export const connectionPatch = z.object(connectionFields).partial().strict()
export type ConnectionInput = z.input<typeof connectionInput>
/** The input after validation and defaults, as the core receives it. */
export type ConnectionFields = z.output<typeof connectionInput>

export const connectionOrder = ['name', 'apiUrl', 'updatedAt'] as const
export type ConnectionOrder = (typeof connectionOrder)[number]

const byId = z.object({ id: idInput }).strict()
const local = { topics: ['connections'] } as const

export const connectionsMethods = {
  'connections.list': method<Page<ConnectionInfo>>()(listQuery(connectionOrder, 'name')),
  'connections.create': method<ConnectionInfo>()(connectionInput.extend({ activate: z.boolean().default(true) }), local),
  'connections.update': method<ConnectionInfo>()(z.object({ id: idInput, patch: connectionPatch }).strict(), local),
  'connections.delete': method<{ deleted: boolean }>()(byId, local),
  'connections.activate': method<AppStatus>()(byId, local),
  /** Test a saved connection (by id) or an unsaved form (draft, which must carry its secret). */
  'connections.test': method<TestConnectionResult>()(z.union([byId, z.object({ draft: connectionInput }).strict()]))
}
