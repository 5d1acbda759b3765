// The pure period maths of Usage & Billing (shared/domain/usage.ts): report periods, the previous period they are
// compared with, trends, totals, the label breakdown, custom-range checks and the hosted-server test.
import { describe, expect, it } from 'vitest'
import {
  addDays,
  breakdown,
  costByMetric,
  datesOf,
  formatCost,
  formatQuantity,
  isHostedApiUrl,
  isWholeMonth,
  peak,
  periodTotal,
  presetRange,
  previousRange,
  rangeLength,
  rangeProblems,
  trend,
  unrecordedLeadingDays,
  type UsageSeries
} from '../../shared/domain/usage'

function series(over: Partial<UsageSeries> = {}): UsageSeries {
  return {
    name: 'storage',
    displayName: 'Storage',
    type: 'storage',
    unit: 'GB',
    countStrategy: 'max',
    totalType: 'latest',
    dates: ['2026-03-01', '2026-03-02'],
    usages: [10, 12],
    costs: [1, 1.2],
    totalUsage: 12,
    totalCost: 2.2,
    free: null,
    labels: [],
    ...over
  }
}

describe('report periods', () => {
  it('rolling presets end today and count their days', () => {
    expect(presetRange('7d', '2026-12-02')).toEqual({ from: '2026-11-26', to: '2026-12-02' })
    expect(rangeLength(presetRange('30d', '2026-12-02'))).toBe(30)
    expect(rangeLength(presetRange('90d', '2026-03-01'))).toBe(90)
    expect(presetRange('90d', '2026-03-01').from).toBe('2025-12-02')
  })

  it('this month runs from the 1st to today; last month is the whole previous month, across a year', () => {
    expect(presetRange('month', '2026-12-02')).toEqual({ from: '2026-12-01', to: '2026-12-02' })
    expect(presetRange('last-month', '2026-12-02')).toEqual({ from: '2026-11-01', to: '2026-11-30' })
    expect(presetRange('last-month', '2026-01-15')).toEqual({ from: '2025-12-01', to: '2025-12-31' })
    expect(presetRange('last-month', '2024-03-31')).toEqual({ from: '2024-02-01', to: '2024-02-29' })
    expect(presetRange('custom', '2026-12-02', { from: '2026-01-05', to: '2026-01-09' })).toEqual({ from: '2026-01-05', to: '2026-01-09' })
  })

  it('the previous period: the same number of days just before', () => {
    expect(previousRange({ from: '2026-11-26', to: '2026-12-02' })).toEqual({ from: '2026-11-19', to: '2026-11-25' })
    expect(previousRange({ from: '2026-01-05', to: '2026-01-05' })).toEqual({ from: '2026-01-04', to: '2026-01-04' })
    const r = { from: '2026-02-10', to: '2026-03-20' }
    const p = previousRange(r)
    expect(rangeLength(p)).toBe(rangeLength(r))
    expect(addDays(p.to, 1)).toBe(r.from)
  })

  it('the previous period of a whole month is the previous month, of a month to date the same days of the previous month', () => {
    expect(isWholeMonth({ from: '2026-02-01', to: '2026-02-28' })).toBe(true)
    expect(isWholeMonth({ from: '2026-02-01', to: '2026-02-27' })).toBe(false)
    expect(previousRange({ from: '2026-03-01', to: '2026-03-31' })).toEqual({ from: '2026-02-01', to: '2026-02-28' })
    expect(previousRange({ from: '2026-01-01', to: '2026-01-31' })).toEqual({ from: '2025-12-01', to: '2025-12-31' })
    expect(previousRange({ from: '2026-12-01', to: '2026-12-02' })).toEqual({ from: '2026-11-01', to: '2026-11-02' })
    // the 1st to the 30th of March against February: clamped to its 28 days
    expect(previousRange({ from: '2026-03-01', to: '2026-03-30' })).toEqual({ from: '2026-02-01', to: '2026-02-28' })
    expect(previousRange({ from: '2026-01-01', to: '2026-01-10' })).toEqual({ from: '2025-12-01', to: '2025-12-10' })
    expect(previousRange({ from: '2026-01-01', to: '2026-01-01' })).toEqual({ from: '2025-12-01', to: '2025-12-01' })
  })

  it('lists the dates of a range', () => {
    expect(datesOf({ from: '2026-02-27', to: '2026-03-02' })).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02'])
  })

  it('checks a custom range at the field: both dates, order, not after today, at most 366 days', () => {
    const today = '2026-12-02'
    expect(rangeProblems({ from: '2026-11-01', to: '2026-11-30' }, today)).toEqual([])
    expect(rangeProblems({ from: '2026-11-01' }, today)).toEqual([{ path: 'to', message: 'Choose the last day of the period' }])
    expect(rangeProblems({ from: '2026-02-30', to: '2026-03-01' }, today)[0].path).toBe('from')
    expect(rangeProblems({ from: '2026-11-10', to: '2026-11-01' }, today)).toEqual([{ path: 'to', message: 'The last day is before the first day' }])
    expect(rangeProblems({ from: '2026-11-10', to: '2026-12-03' }, today)[0]).toMatchObject({ path: 'to', message: expect.stringContaining('after today') })
    expect(rangeProblems({ from: '2026-12-05', to: '2026-12-06' }, today)[0]).toMatchObject({ path: 'from', message: 'The period cannot start in the future' })
    expect(rangeProblems({ from: '2025-11-30', to: '2026-12-01' }, today)[0]).toMatchObject({ path: 'to', message: 'A period can span at most 366 days' })
    expect(rangeProblems({ from: '2025-12-02', to: '2026-12-02' }, today)).toEqual([])
  })
})

describe('trends and totals', () => {
  it('the trend against the previous period, with arrows and words', () => {
    expect(trend(110, 100)).toMatchObject({ direction: 'up', pct: 10, text: '↑ 10%', words: 'up 10% on the previous period' })
    expect(trend(95, 100)).toMatchObject({ direction: 'down', pct: -5, text: '↓ 5%' })
    expect(trend(101.23, 100)).toMatchObject({ direction: 'up', text: '↑ 1.2%' })
    expect(trend(100.01, 100)).toMatchObject({ direction: 'flat', text: '→ 0%' })
    expect(trend(5, 0)).toMatchObject({ direction: 'new', pct: null, text: '↑ new' })
    expect(trend(0, 0)).toMatchObject({ direction: 'flat', pct: 0 })
    expect(trend(0, 20)).toMatchObject({ direction: 'down', text: '↓ 100%' })
    expect(trend(Number.NaN, 1).direction).toBe('none')
  })

  it('a period total is the sum, or the latest day for metrics counted at their latest figure', () => {
    expect(periodTotal([1, 2, 3.5], 'total')).toBe(6.5)
    expect(periodTotal([0.1, 0.2], 'total')).toBe(0.3)
    expect(periodTotal([4, 9, 7], 'latest')).toBe(7)
    expect(periodTotal([], 'latest')).toBe(0)
    expect(peak(['a', 'b', 'c'], [3, 9, 9])).toEqual({ date: 'b', value: 9 })
    expect(peak([], [])).toBeNull()
  })

  it('counts the days at the start of a period with no figure for any metric', () => {
    expect(unrecordedLeadingDays({ series: [series({ usages: [0, 0, 3, 0] }), series({ usages: [0, 1, 2, 0] })] })).toBe(1)
    expect(unrecordedLeadingDays({ series: [series({ usages: [0, 0] }), series({ usages: [0, 0] })] })).toBe(2)
    expect(unrecordedLeadingDays({ series: [series({ usages: [5, 0] })] })).toBe(0)
    expect(unrecordedLeadingDays({ series: [] })).toBe(0)
  })

  it('breaks a metric down by its first label, largest first, with the totals and shares', () => {
    const s = series({
      totalUsage: 100,
      totalCost: 10,
      labels: [
        {
          name: 'bucket',
          displayName: 'Bucket',
          values: [
            { value: 'gs://b', usages: [30], costs: [3], totalUsage: 30, totalCost: 3 },
            { value: 's3://a', usages: [70], costs: [7], totalUsage: 70, totalCost: 7 }
          ]
        }
      ]
    })
    const b = breakdown(s)
    expect(b.label).toBe('Bucket')
    expect(b.rows.map((r) => [r.label, r.usage, r.cost, r.share])).toEqual([
      ['s3://a', 70, 7, 0.7],
      ['gs://b', 30, 3, 0.3]
    ])
    expect(b.total).toEqual({ usage: 100, cost: 10 })
    // without labels: the metric itself
    expect(breakdown(series()).rows).toEqual([{ label: 'Storage', usage: 12, cost: 2.2, share: 1 }])
    expect(breakdown(series({ totalUsage: 0, costs: null, totalCost: null })).rows[0].share).toBeNull()
  })

  it('splits the estimated cost by metric, leaving out unpriced metrics', () => {
    const rows = costByMetric({
      range: { from: '2026-03-01', to: '2026-03-02' },
      currency: 'USD',
      totalCost: 10,
      series: [series({ name: 'a', displayName: 'A', totalCost: 2 }), series({ name: 'b', displayName: 'B', totalCost: 8 }), series({ name: 'c', costs: null, totalCost: null })]
    })
    expect(rows.map((r) => [r.name, r.cost, r.share])).toEqual([
      ['b', 8, 0.8],
      ['a', 2, 0.2]
    ])
  })

  it('writes figures with their unit or currency', () => {
    expect(formatQuantity(1234.56, 'GB', 'en-US')).toBe('1,234.6 GB')
    expect(formatQuantity(3.14159, 'GPU hours', 'en-US')).toBe('3.14 GPU hours')
    expect(formatQuantity(3_456_789, 'calls', 'en-US')).toBe('3.46M calls')
    expect(formatCost(4376.489, 'USD', 'en-US')).toBe('$4,376.49')
    expect(formatCost(12, 'XQQ', 'en-US')).toMatch(/12\.00/)
    expect(formatCost(12, null, 'en-US')).toBe('12.00')
  })

  it('tells a Hosted Service server by its address', () => {
    expect(isHostedApiUrl('https://api.clear.ml')).toBe(true)
    expect(isHostedApiUrl('https://API.Clear.ML/')).toBe(true)
    expect(isHostedApiUrl('https://clearml.example.com:8008')).toBe(false)
    expect(isHostedApiUrl('https://notclear.ml')).toBe(false)
    expect(isHostedApiUrl('http://127.0.0.1:8008')).toBe(false)
    expect(isHostedApiUrl('not a url')).toBe(false)
  })
})
