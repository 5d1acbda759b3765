// resources.*: the resource configuration (provisioned view with live figures, the server's saved edits,
// Validate, Reset, the resource management toggle) and resource policies. Editing and provisioning the
// configuration itself goes through drafts.* (kind `resources`), like every other server object.
import { z } from 'zod'
import type { PolicyDetails, PolicyInfo, ResourceState, ResourceValidation } from '../../domain/resources'
import { text } from '../fields'
import { idInput, method } from '../method'
import type { Cached } from '../types'

const amount = (label: string) =>
  z
    .number({ message: `${label} must be a number` })
    .finite(`${label} must be a number`)
    .min(0, `${label} must not be negative`)
    .max(1_000_000, `${label} must be at most 1,000,000`)

export const policyFields = z
  .object({
    name: text('Name', { min: 1, max: 200 }),
    description: z.string().max(4000, 'The description must be at most 4000 characters').default(''),
    reservation: amount('Reservation'),
    limit: amount('Limit').refine((n) => n > 0, 'Limit must be greater than 0')
  })
  .strict()

export const policyCreateInput = policyFields
  .extend({ userGroup: idInput })
  .strict()
  .superRefine((v, ctx) => {
    if (v.reservation > v.limit) ctx.addIssue({ code: 'custom', path: ['reservation'], message: 'The reservation cannot exceed the limit' })
  })

export const policyUpdateInput = policyFields
  .partial()
  .extend({ id: idInput })
  .strict()
  .superRefine((v, ctx) => {
    if (v.reservation !== undefined && v.limit !== undefined && v.reservation > v.limit) {
      ctx.addIssue({ code: 'custom', path: ['reservation'], message: 'The reservation cannot exceed the limit' })
    }
  })

export const policyConnectInput = z
  .object({
    policy: idInput,
    profile: idInput,
    queueName: text('Queue name', { min: 1, max: 200 }),
    displayName: text('Display name', { min: 1, max: 200 }).optional()
  })
  .strict()

export const resourcesMethods = {
  /** The provisioned configuration, live figures, the toggle and whether saved edits wait on the server. */
  'resources.get': method<Cached<ResourceState>>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  /** Save: the draft becomes the server's saved (unprovisioned) configuration. Nothing is applied. */
  'resources.save': method<{ saved: true }>()(z.object({ draftId: idInput }).strict(), { topics: ['resources'] }),
  /** Validate the server's saved configuration (the dry run of provisioning it); applies nothing. */
  'resources.validate': method<ResourceValidation>()(z.object({}).strict()),
  /** Reset Configuration: drop every unprovisioned change, saved on the server or in the local draft. */
  'resources.reset': method<{ reset: true }>()(z.object({}).strict(), { mutates: true, topics: ['resources', 'drafts'] }),
  /** The "Enable resource management" toggle. */
  'resources.enableManager': method<{ enabled: boolean }>()(z.object({ enable: z.boolean() }).strict(), { mutates: true, topics: ['resources'] }),
  'resources.policies': method<Cached<PolicyInfo[]>>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  'resources.policy': method<Cached<PolicyDetails>>()(z.object({ id: idInput, refresh: z.boolean().default(false) }).strict()),
  'resources.createPolicy': method<{ id: string }>()(policyCreateInput, { mutates: true, topics: ['resources'] }),
  'resources.updatePolicy': method<{ updated: number }>()(policyUpdateInput, { mutates: true, topics: ['resources'] }),
  /** What moving a policy to another group would dequeue (nothing is changed). */
  'resources.checkMovePolicy': method<{ tasksToDequeue: number }>()(z.object({ id: idInput, userGroup: idInput }).strict()),
  'resources.movePolicy': method<{ dequeuedTasks: number }>()(z.object({ id: idInput, userGroup: idInput }).strict(), { mutates: true, topics: ['resources'] }),
  'resources.deletePolicy': method<{ deletedQueues: number }>()(z.object({ id: idInput }).strict(), { mutates: true, topics: ['resources'] }),
  'resources.connectPolicy': method<{ queueId: string }>()(policyConnectInput, { mutates: true, topics: ['resources'] }),
  'resources.disconnectPolicy': method<{ deleted: number }>()(z.object({ queue: idInput }).strict(), { mutates: true, topics: ['resources'] })
}
