// Usage & Billing: the metered usage of the workspace (organization.get_usage_configuration and
// organization.get_tenant_usages, both role "all"), for a report period and the period before it. Reads are
// cache-first per period choice, so offline the last fetched figures answer with their age. A server without metering
// (open-source, or Enterprise without the event metering service) answers `unsupported` with the reason; a 403 is
// explained. Billing (Upgrade, invoices) has no published API: `usage.billing` says why it is unavailable.
import { ApiError, type HandlersOf } from '../../../shared/api'
import type { usageMethods } from '../../../shared/api/methods/usage'
import {
  NO_METERING_REASON,
  billingUnavailableReason,
  isHostedApiUrl,
  periodTotal,
  presetRange,
  previousRange,
  rangeProblems,
  utcDate,
  type DateRange,
  type PeriodPreset,
  type UsageLabel,
  type UsagePeriodData,
  type UsageReport,
  type UsageSeries
} from '../../../shared/domain/usage'
import { ClearmlError } from '../clearml'
import type { CoreContext } from '../context'
import type { Session } from '../session'

interface WireEvent {
  display_name?: string
  type?: string
  unit_name?: string
  count_strategy?: string
  labels?: Record<string, string> | null
}
interface WireConfiguration {
  events?: Record<string, WireEvent> | null
  pricing?: { currency?: string | null } | null
}
interface WireLabelValue {
  usages?: number[]
  costs?: number[] | null
  total_usage?: number
  total_cost?: number | null
}
interface WireCategory {
  display_name?: string
  type?: string
  unit_name?: string
  count_strategy?: string
  total_usage_type?: string
  dates?: string[]
  usages?: number[]
  costs?: number[] | null
  total_usage?: number
  total_cost?: number | null
  free?: number | null
  labels?: Record<string, Record<string, WireLabelValue>> | null
}
interface WireUsages {
  categories?: Record<string, WireCategory> | null
  currency?: string | null
  total_cost?: number | null
}

const FORBIDDEN_MESSAGE =
  'The server does not let your account read the usage figures (it answered 403). On ClearML Enterprise the Analytics view is usually for administrators: ask one to grant access.'

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const nums = (v: unknown): number[] => (Array.isArray(v) ? v.map(num) : [])
const costsOf = (v: unknown, n: number): number[] | null => (Array.isArray(v) && v.length === n ? v.map(num) : null)

/** Turn a server error into the screen's reason: no metering → unsupported, 403 → explained, bad dates → at the field. */
function explain(e: unknown): never {
  if (e instanceof ClearmlError) {
    if (e.kind === 'not_found') throw new ApiError('unsupported', `This server does not meter usage (${e.endpoint} is not available). ${NO_METERING_REASON}`, { endpoint: e.endpoint })
    if (e.kind === 'forbidden') throw new ApiError('forbidden', FORBIDDEN_MESSAGE, { endpoint: e.endpoint, reason: e.serverMessage ?? e.message })
    if (e.kind === 'validation') {
      const msg = e.serverMessage ?? e.message
      if (/not (supported|configured|enabled)/i.test(msg)) throw new ApiError('unsupported', `Usage metering is not available on this server: ${msg}`, { endpoint: e.endpoint })
      const field = /to_date/.test(msg) ? 'to' : /from_date/.test(msg) ? 'from' : 'categories'
      throw new ApiError('invalid_input', msg, { field, issues: [{ path: field, message: msg }] })
    }
  }
  throw e
}

function seriesOf(name: string, c: WireCategory, config: WireEvent | undefined): UsageSeries {
  const dates = Array.isArray(c.dates) ? c.dates.map(String) : []
  const usages = nums(c.usages)
  const costs = costsOf(c.costs, usages.length)
  const totalType = c.total_usage_type === 'latest' || c.total_usage_type === 'total' ? c.total_usage_type : c.count_strategy === 'max' ? 'latest' : 'total'
  const labelNames = config?.labels ?? {}
  const labels: UsageLabel[] = Object.entries(c.labels ?? {}).map(([label, values]) => ({
    name: label,
    displayName: labelNames[label] ?? label,
    values: Object.entries(values ?? {}).map(([value, v]) => {
      const u = nums(v.usages)
      const k = costsOf(v.costs, u.length)
      return {
        value,
        usages: u,
        costs: k,
        totalUsage: typeof v.total_usage === 'number' ? v.total_usage : periodTotal(u, totalType),
        totalCost: typeof v.total_cost === 'number' ? v.total_cost : k ? periodTotal(k, 'total') : null
      }
    })
  }))
  return {
    name,
    displayName: c.display_name ?? config?.display_name ?? name,
    type: c.type ?? config?.type ?? '',
    unit: c.unit_name ?? config?.unit_name ?? '',
    countStrategy: (c.count_strategy ?? config?.count_strategy) === 'max' ? 'max' : 'sum',
    totalType,
    dates,
    usages,
    costs,
    totalUsage: typeof c.total_usage === 'number' ? c.total_usage : periodTotal(usages, totalType),
    totalCost: typeof c.total_cost === 'number' ? c.total_cost : costs ? periodTotal(costs, 'total') : null,
    free: typeof c.free === 'number' ? c.free : null,
    labels
  }
}

function periodOf(range: DateRange, w: WireUsages, config: WireConfiguration, order: string[]): UsagePeriodData {
  const cats = w.categories ?? {}
  const names = [...order.filter((n) => Object.hasOwn(cats, n)), ...Object.keys(cats).filter((n) => !order.includes(n))]
  const series = names.map((n) => seriesOf(n, cats[n], config.events?.[n] ?? undefined))
  const priced = series.some((s) => s.costs !== null)
  return {
    range,
    currency: w.currency ?? config.pricing?.currency ?? null,
    totalCost: typeof w.total_cost === 'number' ? w.total_cost : priced ? series.reduce((a, s) => a + (s.totalCost ?? 0), 0) : null,
    series
  }
}

/** Refuse at once on a server known not to meter usage (its capabilities say so). */
function requireMetering(session: Session): void {
  const caps = session.capabilities
  if (!caps) return
  if (!caps.enterprise) {
    throw new ApiError('unsupported', `This is an open-source ClearML server (feature set “${caps.featureSet || 'basic'}”): it has no usage metering. ${NO_METERING_REASON}`, {
      featureSet: caps.featureSet
    })
  }
  if (caps.features && !caps.features.includes('tenant_usages')) {
    throw new ApiError(
      'unsupported',
      'Usage metering is not enabled on this ClearML Enterprise server: it does not list the “tenant_usages” feature, so the event metering service is not configured. Ask the server’s operator to configure it.',
      { featureSet: caps.featureSet }
    )
  }
}

export function usageHandlers(ctx: CoreContext): HandlersOf<typeof usageMethods> {
  const { session, data } = ctx

  function connection() {
    const c = session.connection
    if (!c) throw new ApiError('no_connection', 'No active connection. Add or activate one under Connections.')
    return c
  }

  return {
    'usage.report': async ({ period, from, to, categories, refresh }) => {
      connection()
      const today = utcDate(Date.now())
      if (period === 'custom') {
        const problems = rangeProblems({ from, to }, today)
        if (problems.length) throw new ApiError('invalid_input', problems[0].message, { field: problems[0].path, issues: problems })
      }
      requireMetering(session)
      const preset = period as PeriodPreset
      const custom = period === 'custom' ? { from: from!, to: to! } : undefined
      const only = categories?.length ? [...new Set(categories)].sort() : null
      // a rolling preset is cached under its name: offline, it answers with the figures of the day they were fetched
      const key = `report:${period}${custom ? `:${custom.from}:${custom.to}` : ''}${only ? `:${only.join(',')}` : ''}`
      const r = await data.read<UsageReport>({
        topic: 'usage',
        key,
        what: 'usage report for this period',
        refresh,
        fetch: async (signal) => {
          const current = presetRange(preset, today, custom)
          const previous = previousRange(current)
          const body = (range: DateRange) => ({ from_date: range.from, to_date: range.to, include_labels: true, ...(only && { categories: only }) })
          const [config, now, before] = await Promise.all([
            session.call<WireConfiguration>('organization.get_usage_configuration', {}, { signal }),
            session.call<WireUsages>('organization.get_tenant_usages', body(current), { signal }),
            session.call<WireUsages>('organization.get_tenant_usages', body(previous), { signal })
          ]).catch(explain)
          const order = Object.keys(config.events ?? {})
          if (!order.length && !Object.keys(now.categories ?? {}).length) {
            throw new ApiError('unsupported', 'Usage metering is configured on this server with no metered events, so there are no figures to show.')
          }
          const cur = periodOf(current, now, config, order)
          return {
            preset,
            current: cur,
            previous: periodOf(previous, before, config, order),
            events: order
              .filter((n) => !only || only.includes(n))
              .map((n) => ({ name: n, displayName: config.events?.[n]?.display_name ?? n, unit: config.events?.[n]?.unit_name ?? '' })),
            priced: cur.series.some((s) => s.costs !== null)
          }
        }
      })
      return r
    },

    'usage.billing': async () => {
      const c = connection()
      const hosted = isHostedApiUrl(c.apiUrl)
      return { hosted, reason: billingUnavailableReason(hosted), webUrl: c.webUrl }
    }
  }
}
