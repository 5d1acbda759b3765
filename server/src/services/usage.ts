import { createHash } from 'node:crypto'
import { z } from 'zod'
import { AccountStore } from '../account-store'
import { empty, endpoint, requireIdentity, stringList } from '../endpoint'
import { errors } from '../errors'
import type { Store } from '../store'

/**
 * Usage analytics (the Enterprise Admin Dashboard's Analytics tab; spec/newer-docs-notes.md §9):
 * organization.get_usage_configuration and organization.get_tenant_usages, as published (roles: all). The metered
 * series are synthetic but deterministic: a company seeded with usage (the demo seed; company setting `usage_demo`)
 * has daily figures for the last USAGE_DAYS days up to today (server clock): a date's value depends on the company and
 * the date only, so figures stay put between calls and the previous period can be compared. Other companies, and
 * dates outside the window, have 0.
 */

export const USAGE_DAYS = 120
export const USAGE_SETTING = 'usage_demo'
const CURRENCY = 'USD'
const DAY_MS = 24 * 3600 * 1000

interface Category {
  display_name: string
  type: 'compute' | 'storage' | 'model_tokens' | 'users' | 'service_accounts'
  unit_name: string
  count_strategy: 'sum' | 'max'
  /** label name → display name */
  labels: Record<string, string>
  /** price per unit and day (count_strategy max) or per unit (sum), in CURRENCY */
  price: number
  /** the free amount per period, in units (informational) */
  free: number
  /** label name → value → share of the day's usage */
  split?: { label: string; shares: Record<string, number> }
}

/**
 * The metered categories. `api_calls` has type `compute`: the published type enum (compute, storage, model_tokens,
 * users, service_accounts) has no API-call type (inferred).
 */
export const USAGE_CATEGORIES: Record<string, Category> = {
  cluster_compute: {
    display_name: 'Cluster Compute', type: 'compute', unit_name: 'GPU hours', count_strategy: 'sum', labels: { resource: 'Resource' }, price: 2.5, free: 0,
    split: { label: 'resource', shares: { 'gpu-a100': 0.55, 'gpu-t4': 0.3, cpu: 0.15 } }
  },
  storage: {
    display_name: 'Storage', type: 'storage', unit_name: 'GB', count_strategy: 'max', labels: { bucket: 'Bucket' }, price: 0.023 / 30, free: 100,
    split: { label: 'bucket', shares: { 's3://demo-bucket': 0.7, 'gs://research-data': 0.3 } }
  },
  users: { display_name: 'Users', type: 'users', unit_name: 'users', count_strategy: 'max', labels: {}, price: 15 / 30, free: 5 },
  service_accounts: { display_name: 'Service Accounts', type: 'service_accounts', unit_name: 'accounts', count_strategy: 'max', labels: {}, price: 5 / 30, free: 1 },
  api_calls: {
    display_name: 'API Calls', type: 'compute', unit_name: 'calls', count_strategy: 'sum', labels: { client: 'Client' }, price: 0.4 / 100_000, free: 1_000_000,
    split: { label: 'client', shares: { sdk: 0.6, 'clearml-agent': 0.3, web: 0.1 } }
  }
}

/** A deterministic number in [0, 1) for (company, category, day). */
function noise(company: string, category: string, day: number): number {
  return createHash('sha256').update(`${company}/${category}/${day}`).digest().readUInt32BE(0) / 2 ** 32
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

/** One day's usage. `day` is days since the epoch; `age` is days before today (0 = today). */
function dailyUsage(store: Store, company: string, category: string, day: number, age: number): number {
  const n = noise(company, category, day)
  const weekday = new Date(day * DAY_MS).getUTCDay()
  const workday = weekday === 0 || weekday === 6 ? 0.45 : 1
  const trend = day - 20454 // days since 2026-01-01: slow growth
  switch (category) {
    case 'cluster_compute': return round(Math.max(0, (40 + trend * 0.05) * workday + n * 18), 1)
    case 'storage': return round(800 + trend * 3.5 + n * 12, 1)
    case 'api_calls': return Math.round((110_000 + trend * 120) * workday + n * 25_000)
    case 'users': {
      const now = store.usersOfCompany(company).filter((u) => u.service !== 1).length
      return Math.max(1, now - Math.floor(age / 30))
    }
    case 'service_accounts': {
      const now = store.usersOfCompany(company).filter((u) => u.service === 1).length
      return Math.max(0, now - (age > 60 ? 1 : 0))
    }
  }
  return 0
}

const dateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a valid date')

export const usageEndpoints = [
  endpoint({
    name: 'organization.get_usage_configuration', minVersion: '2.15', auth: 'required', schema: empty,
    handler: () => ({
      events: Object.fromEntries(Object.entries(USAGE_CATEGORIES).map(([name, c]) => [name, {
        display_name: c.display_name, type: c.type, unit_name: c.unit_name, count_strategy: c.count_strategy, labels: { ...c.labels }, read_only: true
      }])),
      pricing: { currency: CURRENCY, read_only: true }
    })
  }),
  endpoint({
    name: 'organization.get_tenant_usages', minVersion: '2.15', auth: 'required',
    schema: z.object({ categories: stringList.optional(), from_date: dateString, to_date: dateString, include_labels: z.boolean().default(true) }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const from = Date.parse(`${ctx.data.from_date}T00:00:00Z`) / DAY_MS
      const to = Date.parse(`${ctx.data.to_date}T00:00:00Z`) / DAY_MS
      if (to < from) throw errors.validation(`error for field 'to_date'. to_date is before from_date`)
      if (to - from >= 366) throw errors.validation(`error for field 'to_date'. At most 366 days at once`)
      const names = ctx.data.categories?.length ? [...new Set(ctx.data.categories)] : Object.keys(USAGE_CATEGORIES)
      const unknown = names.find((n) => !Object.hasOwn(USAGE_CATEGORIES, n))
      if (unknown !== undefined) throw errors.validation(`error for field 'categories'. Unknown category ${JSON.stringify(unknown.slice(0, 100))}`, { categories: Object.keys(USAGE_CATEGORIES) })
      const seeded = new AccountStore(store).companySetting(identity.company, USAGE_SETTING) === '1'
      const today = Math.floor(store.clock() / DAY_MS)
      const days = Array.from({ length: to - from + 1 }, (_, i) => from + i)
      const dates = days.map((d) => new Date(d * DAY_MS).toISOString().slice(0, 10))
      let total = 0
      const categories: Record<string, unknown> = {}
      for (const name of names) {
        const c = USAGE_CATEGORIES[name]
        const usages = days.map((d) => (seeded && d <= today && today - d < USAGE_DAYS ? dailyUsage(store, identity.company, name, d, today - d) : 0))
        const costs = usages.map((u) => round(u * c.price, 4))
        const totalUsage = c.count_strategy === 'sum' ? round(usages.reduce((a, b) => a + b, 0), 1) : usages.at(-1) ?? 0
        const totalCost = round(costs.reduce((a, b) => a + b, 0))
        total += totalCost
        const labels: Record<string, Record<string, unknown>> = {}
        if (ctx.data.include_labels && c.split) {
          labels[c.split.label] = Object.fromEntries(Object.entries(c.split.shares).map(([value, share]) => {
            const u = usages.map((x) => round(x * share, 1))
            const k = costs.map((x) => round(x * share, 4))
            return [value, {
              usages: u, costs: k, total_usage: c.count_strategy === 'sum' ? round(u.reduce((a, b) => a + b, 0), 1) : u.at(-1) ?? 0,
              total_cost: round(k.reduce((a, b) => a + b, 0))
            }]
          }))
        }
        categories[name] = {
          display_name: c.display_name, type: c.type, unit_name: c.unit_name, count_strategy: c.count_strategy,
          total_usage_type: c.count_strategy === 'sum' ? 'total' : 'latest', dates, usages, costs, total_usage: totalUsage, total_cost: totalCost,
          free: c.free, labels
        }
      }
      return { categories, currency: CURRENCY, total_cost: round(total) }
    }
  })
]
