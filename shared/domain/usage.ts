// Usage & Billing (the Enterprise Analytics view): report periods, the previous period they are compared with, trends,
// totals and label breakdowns of the metered events (organization.get_tenant_usages). Pure: shared by the renderer
// (period selector, charts, text alternatives) and the core (which period to fetch, how to cache it).
import { z } from 'zod'

/** Dates are calendar days in UTC, written YYYY-MM-DD (the server's format). */
export type IsoDate = string

export interface DateRange {
  /** First day, inclusive. */
  from: IsoDate
  /** Last day, inclusive. */
  to: IsoDate
}

export const periodPresets = ['7d', '30d', '90d', 'month', 'last-month', 'custom'] as const
export type PeriodPreset = (typeof periodPresets)[number]

export const PERIOD_LABELS: Record<PeriodPreset, string> = {
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  month: 'This month',
  'last-month': 'Last month',
  custom: 'Custom range'
}

/** A report period as a screen holds it: a preset, or `custom` with both dates. */
export interface PeriodChoice {
  period: PeriodPreset
  from?: IsoDate
  to?: IsoDate
}

/** The longest range the server answers at once (organization.get_tenant_usages: at most 366 days). */
export const MAX_RANGE_DAYS = 366

const DAY_MS = 24 * 3600 * 1000

export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const t = Date.parse(`${s}T00:00:00Z`)
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(s)
}

/** Days since the epoch of a date. */
export function dayNumber(d: IsoDate): number {
  return Math.round(Date.parse(`${d}T00:00:00Z`) / DAY_MS)
}

export function fromDayNumber(n: number): IsoDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10)
}

/** The UTC date of a moment (ms since the epoch). */
export function utcDate(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10)
}

export function addDays(d: IsoDate, n: number): IsoDate {
  return fromDayNumber(dayNumber(d) + n)
}

/** Days in a range, both ends included. */
export function rangeLength(r: DateRange): number {
  return dayNumber(r.to) - dayNumber(r.from) + 1
}

/** Every date of a range, in order. */
export function datesOf(r: DateRange): IsoDate[] {
  const a = dayNumber(r.from)
  return Array.from({ length: Math.max(0, rangeLength(r)) }, (_, i) => fromDayNumber(a + i))
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate()
}

function parts(d: IsoDate): { y: number; m: number; day: number } {
  return { y: Number(d.slice(0, 4)), m: Number(d.slice(5, 7)) - 1, day: Number(d.slice(8, 10)) }
}

function isoOf(y: number, m0: number, day: number): IsoDate {
  return new Date(Date.UTC(y, m0, day)).toISOString().slice(0, 10)
}

/** A whole calendar month (the 1st to its last day). */
export function isWholeMonth(r: DateRange): boolean {
  const a = parts(r.from)
  const b = parts(r.to)
  return a.day === 1 && a.y === b.y && a.m === b.m && b.day === daysInMonth(b.y, b.m)
}

/**
 * The range a preset names, ending today (UTC) for the rolling ones. `custom` needs `custom` (already checked).
 */
export function presetRange(preset: PeriodPreset, today: IsoDate, custom?: DateRange): DateRange {
  switch (preset) {
    case '7d':
      return { from: addDays(today, -6), to: today }
    case '30d':
      return { from: addDays(today, -29), to: today }
    case '90d':
      return { from: addDays(today, -89), to: today }
    case 'month': {
      const t = parts(today)
      return { from: isoOf(t.y, t.m, 1), to: today }
    }
    case 'last-month': {
      const t = parts(today)
      return { from: isoOf(t.y, t.m - 1, 1), to: isoOf(t.y, t.m, 0) }
    }
    case 'custom':
      if (!custom) throw new Error('a custom period needs its dates')
      return { from: custom.from, to: custom.to }
  }
}

/**
 * The period a range is compared with: the previous calendar month for a whole month; the same days of the
 * previous month for a month to date (1st to the 10th → the 1st to the 10th, clamped to that month's length);
 * otherwise the same number of days just before.
 */
export function previousRange(r: DateRange): DateRange {
  if (isWholeMonth(r)) {
    const a = parts(r.from)
    return { from: isoOf(a.y, a.m - 1, 1), to: isoOf(a.y, a.m, 0) }
  }
  const a = parts(r.from)
  const b = parts(r.to)
  if (a.day === 1 && a.y === b.y && a.m === b.m) {
    const len = parts(isoOf(a.y, a.m, 0)).day
    return { from: isoOf(a.y, a.m - 1, 1), to: isoOf(a.y, a.m - 1, Math.min(b.day, len)) }
  }
  const n = rangeLength(r)
  return { from: addDays(r.from, -n), to: addDays(r.from, -1) }
}

/** "Nov 3 – Dec 2, 2026" (years shown when they differ or are not this year's). */
export function formatRange(r: DateRange, locale?: string): string {
  const f = (d: IsoDate, year: boolean) =>
    new Date(`${d}T00:00:00Z`).toLocaleDateString(locale, { month: 'short', day: 'numeric', year: year ? 'numeric' : undefined, timeZone: 'UTC' })
  const sameYear = r.from.slice(0, 4) === r.to.slice(0, 4)
  if (r.from === r.to) return f(r.from, true)
  return `${f(r.from, !sameYear)} – ${f(r.to, true)}`
}

/** "Dec 2" (for axis labels and table rows). */
export function formatDay(d: IsoDate, locale?: string): string {
  return new Date(`${d}T00:00:00Z`).toLocaleDateString(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' })
}

const dateField = z
  .string()
  .min(1, 'is required')
  .max(10)
  .refine(isIsoDate, 'must be a date written YYYY-MM-DD')

/** Checks of a custom range against today: order, length and not in the future. Messages name the field. */
export function rangeProblems(r: Partial<DateRange>, today: IsoDate): Array<{ path: 'from' | 'to'; message: string }> {
  const out: Array<{ path: 'from' | 'to'; message: string }> = []
  if (!r.from || !isIsoDate(r.from)) out.push({ path: 'from', message: 'Choose the first day of the period' })
  if (!r.to || !isIsoDate(r.to)) out.push({ path: 'to', message: 'Choose the last day of the period' })
  if (out.length) return out
  const range = r as DateRange
  if (range.from > today) out.push({ path: 'from', message: 'The period cannot start in the future' })
  else if (range.to > today) out.push({ path: 'to', message: `The period cannot end after today (${today})` })
  if (range.to < range.from) out.push({ path: 'to', message: 'The last day is before the first day' })
  else if (rangeLength(range) > MAX_RANGE_DAYS) out.push({ path: 'to', message: `A period can span at most ${MAX_RANGE_DAYS} days` })
  return out
}

/** The report period a screen asks for: a preset, or a custom range (its dates checked by `checkPeriod`). */
export const periodShape = {
  period: z.enum(periodPresets).default('30d'),
  from: dateField.optional(),
  to: dateField.optional()
}

/** Zod refinement of a period: a custom range needs both dates, in order, at most MAX_RANGE_DAYS long. */
export function checkPeriod(o: { period: PeriodPreset; from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (o.period !== 'custom') return
  // "today" is checked by the core (its clock); here only what needs no clock
  for (const p of rangeProblems(o, '9999-12-31')) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message })
}

/** How the period totals of a metric count: summed over the days, or the latest day's figure (e.g. users, storage). */
export type CountStrategy = 'sum' | 'max'

export interface UsageLabelValue {
  value: string
  usages: number[]
  costs: number[] | null
  totalUsage: number
  totalCost: number | null
}

export interface UsageLabel {
  /** The label's name (e.g. `bucket`) and how the server configuration names it for people (e.g. Bucket). */
  name: string
  displayName: string
  values: UsageLabelValue[]
}

/** One metered event over one period. */
export interface UsageSeries {
  name: string
  displayName: string
  type: string
  unit: string
  countStrategy: CountStrategy
  /** `total`: the period figure is the sum; `latest`: the last day's figure. */
  totalType: 'total' | 'latest'
  dates: IsoDate[]
  usages: number[]
  /** null when the server gives no prices. */
  costs: number[] | null
  totalUsage: number
  totalCost: number | null
  /** The free amount per period, in units, when the server names one. */
  free: number | null
  labels: UsageLabel[]
}

export interface UsagePeriodData {
  range: DateRange
  currency: string | null
  /** The estimated cost of the whole period; null without prices. */
  totalCost: number | null
  series: UsageSeries[]
}

export interface UsageReport {
  preset: PeriodPreset
  current: UsagePeriodData
  previous: UsagePeriodData
  /** The metered events the server's configuration lists (name → display name), in its order. */
  events: Array<{ name: string; displayName: string; unit: string }>
  /** The server gives prices (costs can be shown). */
  priced: boolean
}

/** The period figure of a daily series: the sum, or the latest day's figure. */
export function periodTotal(values: readonly number[], totalType: 'total' | 'latest'): number {
  if (!values.length) return 0
  return totalType === 'latest' ? values[values.length - 1] : round(values.reduce((a, b) => a + b, 0), 4)
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

export interface Trend {
  direction: 'up' | 'down' | 'flat' | 'new' | 'none'
  /** Relative change in percent (rounded to 0.1), null when the previous figure was 0. */
  pct: number | null
  /** "↑ 12.5%", "↓ 3%", "→ 0%", "↑ new", "—". */
  text: string
  /** The same in words, for screen readers and text alternatives. */
  words: string
}

/** The change from the previous period's figure to this one's. */
export function trend(current: number, previous: number): Trend {
  if (!Number.isFinite(current) || !Number.isFinite(previous)) return { direction: 'none', pct: null, text: '—', words: 'no comparison' }
  if (previous === 0) {
    if (current === 0) return { direction: 'flat', pct: 0, text: '→ 0%', words: 'unchanged (none in either period)' }
    return { direction: 'new', pct: null, text: '↑ new', words: 'up from none in the previous period' }
  }
  const pct = ((current - previous) / Math.abs(previous)) * 100
  const shown = Math.abs(pct) >= 10 ? Math.round(Math.abs(pct)) : round(Math.abs(pct), 1)
  if (shown === 0) return { direction: 'flat', pct: 0, text: '→ 0%', words: 'unchanged from the previous period' }
  const up = pct > 0
  return {
    direction: up ? 'up' : 'down',
    pct: up ? shown : -shown,
    text: `${up ? '↑' : '↓'} ${shown}%`,
    words: `${up ? 'up' : 'down'} ${shown}% on the previous period`
  }
}

/** The highest day of a series (first one on ties), or null for an empty series. */
export function peak(dates: readonly IsoDate[], values: readonly number[]): { date: IsoDate; value: number } | null {
  let best: { date: IsoDate; value: number } | null = null
  values.forEach((v, i) => {
    if (!best || v > best.value) best = { date: dates[i], value: v }
  })
  return best
}

/**
 * Days at the start of a period on which no metric has any figure (metering had not started yet, e.g. a previous
 * period reaching before the first recorded day): a comparison with such a period overstates the change.
 */
export function unrecordedLeadingDays(p: Pick<UsagePeriodData, 'series'>): number {
  const n = Math.max(0, ...p.series.map((s) => s.usages.length))
  if (!p.series.length) return 0
  let i = 0
  while (i < n && p.series.every((s) => !s.usages[i])) i++
  return i
}

/** Whether a series has any non-zero day. */
export function hasUsage(s: Pick<UsageSeries, 'usages'> | undefined): boolean {
  return !!s && s.usages.some((v) => v !== 0)
}

export interface BreakdownRow {
  label: string
  usage: number
  cost: number | null
  /** Share of the metric's figure (0..1); null when the total is 0. */
  share: number | null
}

export interface Breakdown {
  /** The label the rows are split by (e.g. Bucket), or null when the metric has no labels. */
  label: string | null
  rows: BreakdownRow[]
  total: { usage: number; cost: number | null }
}

/**
 * A metric's period split by its first label (largest first), with the totals. Without labels: one row for the
 * whole metric. Labels the server configures but the period does not use are left out.
 */
export function breakdown(s: UsageSeries): Breakdown {
  const total = { usage: s.totalUsage, cost: s.totalCost }
  const label = s.labels.find((l) => l.values.length)
  if (!label) return { label: null, rows: [{ label: s.displayName, usage: s.totalUsage, cost: s.totalCost, share: s.totalUsage ? 1 : null }], total }
  const rows = label.values
    .map((v) => ({ label: v.value, usage: v.totalUsage, cost: v.totalCost, share: s.totalUsage ? v.totalUsage / s.totalUsage : null }))
    .sort((a, b) => b.usage - a.usage || a.label.localeCompare(b.label))
  return { label: label.displayName, rows, total }
}

/** Each metric's share of the period's estimated cost, largest first (the Estimated Cost card). */
export function costByMetric(p: UsagePeriodData): Array<{ name: string; displayName: string; cost: number; share: number | null }> {
  const total = p.totalCost ?? 0
  return p.series
    .filter((s) => s.totalCost !== null)
    .map((s) => ({ name: s.name, displayName: s.displayName, cost: s.totalCost ?? 0, share: total ? (s.totalCost ?? 0) / total : null }))
    .sort((a, b) => b.cost - a.cost || a.displayName.localeCompare(b.displayName))
}

/** "1,234.5 GB", "12 users" (at most 2 decimals; large figures compact: "1.2M calls"). */
export function formatQuantity(n: number, unit: string, locale?: string): string {
  const abs = Math.abs(n)
  const num =
    abs >= 1_000_000
      ? new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 2 }).format(n)
      : new Intl.NumberFormat(locale, { maximumFractionDigits: abs >= 100 ? 1 : 2 }).format(n)
  return unit ? `${num} ${unit}` : num
}

/** "$1,234.56"; a currency the runtime does not know is written after the figure. */
export function formatCost(n: number, currency: string | null, locale?: string): string {
  if (!currency) return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)
  } catch {
    return `${new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)} ${currency}`
  }
}

/** What the period figure of a metric means: "total" over the days, or the "latest" day's figure. */
export function totalWord(s: Pick<UsageSeries, 'totalType'>): string {
  return s.totalType === 'latest' ? 'latest' : 'total'
}

/** Why the screen cannot show usage on a server without metering (open-source, or metering not configured). */
export const NO_METERING_REASON =
  'Usage figures come from the event metering service of ClearML Enterprise (the Analytics view of the Admin Dashboard) and from the ClearML Hosted Service. An open-source ClearML server records no usage or costs.'

/** Why Upgrade, billing information and invoices are unavailable here. */
export function billingUnavailableReason(hosted: boolean): string {
  return hosted
    ? 'Upgrading, billing information and invoices are handled in the ClearML web app (Settings → Billing & Usage): the Hosted Service publishes no API for them, so this console cannot show them.'
    : 'Upgrade, billing information and invoices belong to the ClearML Hosted Service (app.clear.ml). This server is self-hosted, so there is no plan to upgrade and no invoice from ClearML here.'
}

/** A server of the ClearML Hosted Service (its API is served under clear.ml). */
export function isHostedApiUrl(apiUrl: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?([^/:?#]+)/i.exec(apiUrl.trim())
  if (!m) return false
  const host = m[1].toLowerCase().replace(/\.$/, '')
  return host === 'clear.ml' || host.endsWith('.clear.ml')
}
