// usage.*: Usage & Billing. The metered usage and estimated cost of the workspace for a report period, compared with
// the previous period (organization.get_usage_configuration + organization.get_tenant_usages), read cache-first so
// the last fetched figures stay available offline with their age; and what the screen can say about billing.
import { z } from 'zod'
import { checkPeriod, periodShape, type UsageReport } from '../../domain/usage'
import { method } from '../method'
import type { Cached } from '../types'

/** A metric name as the server's usage configuration writes it. */
const categoryName = z.string().min(1).max(200)

export const usageReportInput = z
  .object({
    ...periodShape,
    /** Only these metrics (View Period Details asks for one); absent = every configured metric. */
    categories: z.array(categoryName).max(100).optional(),
    refresh: z.boolean().default(false)
  })
  .strict()
  .superRefine(checkPeriod)

export interface UsageBilling {
  /** The active server belongs to the ClearML Hosted Service. */
  hosted: boolean
  /** Why Upgrade, billing info and invoices are not available in the console. */
  reason: string
  /** The server's web app, where the hosted billing pages live ('' when unknown). */
  webUrl: string
}

export const usageMethods = {
  /**
   * The usage report for a period and the one before it. Offline: the last report fetched for the same period
   * choice (a rolling preset answers with the figures of the day it was fetched), with its age.
   */
  'usage.report': method<Cached<UsageReport>>()(usageReportInput),
  /** Whether the hosted billing parts (Upgrade, My billing info, My invoices) apply, and why they are unavailable. */
  'usage.billing': method<UsageBilling>()(z.object({}).strict())
}
