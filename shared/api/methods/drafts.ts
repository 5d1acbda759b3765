// drafts.*: the one family of methods for every kind of draft (vaults, the resource configuration, scratch): open, save (autosave), discard, plan against the server, apply, resolve a conflict, history.
import { z } from 'zod'
import { VAULT_TYPES } from '../../domain/vaults'
import type { ApplyOutcome, Draft, DraftSummary, HistoryRun, Plan } from '../../domain/drafts'
import { text } from '../fields'
import { idInput, method } from '../method'

const configFormat = z.enum(['hocon', 'json', 'yaml'], { message: 'Format must be hocon, json or yaml' })
const MAX_DOC = 5_000_000

export const vaultDocInput = z
  .object({
    description: text('Name', { min: 1, max: 200 }),
    scope: z.enum(['organization', 'group', 'user'], { message: 'Target must be organization, group or user' }),
    group: z.string().min(1).max(200).nullable(),
    user: z.string().min(1).max(200).nullable(),
    type: z.enum(VAULT_TYPES as [string, ...string[]], { message: 'Unknown vault type' }),
    format: configFormat,
    enabled: z.boolean(),
    data: z.string().max(MAX_DOC, 'The vault must be at most 5 MB')
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.scope === 'group' && !v.group) ctx.addIssue({ code: 'custom', path: ['group'], message: 'Choose the group this vault applies to' })
  })

export const scratchDocInput = z.object({ text: z.string().max(MAX_DOC, 'Text must be at most 5 MB'), format: configFormat, adminVault: z.boolean() }).strict()

const entityId = z.string().min(1).max(200)
const finite = z.number().finite()
const position = z.object({ x: finite, y: finite }).strict()

/**
 * The resource configuration as drafted. The shape only: the rules (unique names, positive resources, links
 * to existing pools…) are `resourceProblems` in shared/domain/resources.ts, shown at the field while editing
 * and checked before provisioning, so a draft that breaks them can still be saved and fixed later.
 */
export const resourceDocInput = z
  .object({
    pools: z
      .array(z.object({ id: entityId, name: z.string().max(200), description: z.string().max(4000), resources: finite, priority: z.array(entityId).max(10_000) }).strict())
      .max(5_000, 'At most 5,000 pools'),
    profiles: z
      .array(
        z
          .object({
            id: entityId,
            name: z.string().max(200),
            description: z.string().max(4000),
            allotment: finite,
            costField: z.string().max(400).nullable(),
            links: z.array(z.object({ id: entityId, name: z.string().max(200), pool: entityId, queueName: z.string().max(400).nullable() }).strict()).max(5_000),
            policyOrder: z.array(entityId).max(1_000)
          })
          .strict()
      )
      .max(10_000, 'At most 10,000 profiles'),
    layout: z.record(entityId, position)
  })
  .strict()

/** A draft's content, by kind. */
export const draftContentInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('vault'), content: vaultDocInput }).strict(),
  z.object({ kind: z.literal('resources'), content: resourceDocInput }).strict(),
  z.object({ kind: z.literal('scratch'), content: scratchDocInput }).strict()
])

const draftKind = z.enum(['vault', 'resources', 'scratch'])
const ids = z.array(idInput).max(1000)

export const draftsMethods = {
  'drafts.list': method<DraftSummary[]>()(z.object({ kind: draftKind.optional() }).strict()),
  'drafts.get': method<Draft>()(z.object({ id: idInput }).strict()),
  /** The draft of a server object: the existing one, or a new one whose base is the server's current state. */
  'drafts.open': method<Draft>()(z.object({ kind: draftKind, serverId: idInput }).strict(), { topics: ['drafts'] }),
  /** A draft for a new server object (or the scratch text). */
  'drafts.create': method<Draft>()(z.object({ name: text('Name', { min: 1, max: 200 }), draft: draftContentInput }).strict(), { topics: ['drafts'] }),
  /** Autosave: the content as it is now. */
  'drafts.save': method<{ id: string; updatedAt: number }>()(
    z.object({ id: idInput, name: text('Name', { min: 1, max: 200 }).optional(), draft: draftContentInput }).strict(),
    { topics: ['drafts'] }
  ),
  /** A draft that deletes a server object. */
  'drafts.remove': method<Draft>()(z.object({ kind: draftKind, serverId: idInput }).strict(), { topics: ['drafts'] }),
  'drafts.discard': method<{ discarded: number }>()(z.object({ ids }).strict(), { topics: ['drafts'] }),
  /** Compare drafts with the server's current state: create / update / delete / unchanged / conflict. */
  'drafts.plan': method<Plan>()(
    z
      .object({
        ids: ids.optional(),
        kind: draftKind.optional(),
        /**
         * Also ask the server for its own dry run of each change (the review before Provision). For the resource
         * configuration this saves the draft as the server's unprovisioned edits first (the spec's Save).
         */
        preview: z.boolean().default(false)
      })
      .strict()
  ),
  /**
   * Send the drafts. `expected` is each draft's server fingerprint from the plan: a moved server is skipped.
   * Its topics name what an apply of any kind changes (add a kind's topic here with its provisioner).
   */
  'drafts.apply': method<ApplyOutcome>()(
    z.object({ ids: ids.min(1, 'Choose at least one draft'), expected: z.record(z.string(), z.string().nullable()) }).strict(),
    { mutates: true, topics: ['drafts', 'vaults', 'resources', 'history'] }
  ),
  /** A conflict: rebase (the server's version becomes the base, my edits stay) or overwrite (mine wins). */
  'drafts.resolve': method<Draft>()(z.object({ id: idInput, choice: z.enum(['rebase', 'overwrite']) }).strict(), { topics: ['drafts'] }),
  'history.list': method<HistoryRun[]>()(z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict())
}
