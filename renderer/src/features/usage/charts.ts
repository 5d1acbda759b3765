// ECharts for Usage & Billing, tree-shaken: only the line and bar charts, grid, tooltip and legend, on the canvas
// renderer. Imported by the Usage screen only, so it is loaded with that screen and not in the app's first bundle.
// The options follow the app theme (Naive UI's theme variables), so light and dark both read well.
import { use, type ComposeOption } from 'echarts/core'
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import { formatCost, formatDay, formatQuantity, type UsageSeries } from '@shared/domain/usage'

use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer])

export { default as VChart } from 'vue-echarts'

export type ChartOption = ComposeOption<LineSeriesOption | BarSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption>

/** The colours a chart takes from the app theme. */
export interface ChartTheme {
  text: string
  muted: string
  grid: string
  primary: string
  previous: string
  tooltipBg: string
  /** Colours of the label breakdown's stacks. */
  palette: string[]
}

export function chartTheme(v: { textColor2: string; textColor3: string; dividerColor: string; primaryColor: string; popoverColor: string }, dark: boolean): ChartTheme {
  return {
    text: v.textColor2,
    muted: v.textColor3,
    grid: v.dividerColor,
    primary: v.primaryColor,
    previous: dark ? '#8b93a3' : '#8a8f99',
    tooltipBg: v.popoverColor,
    palette: dark ? ['#4fb3a9', '#e0a458', '#7aa2f7', '#c678dd', '#e06c75', '#98c379'] : ['#14877c', '#c27c1a', '#3b6fd6', '#9b4dca', '#c9414f', '#5c9a2c']
  }
}

/** Usage or cost. */
export type Measure = 'usage' | 'cost'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function compact(n: number): string {
  return new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n)
}

function axisBase(t: ChartTheme) {
  return {
    axisLine: { lineStyle: { color: t.grid } },
    axisTick: { lineStyle: { color: t.grid } },
    axisLabel: { color: t.muted, fontSize: 11 },
    splitLine: { lineStyle: { color: t.grid, opacity: 0.6 } }
  }
}

function tooltipBase(t: ChartTheme) {
  return {
    trigger: 'axis' as const,
    confine: true,
    backgroundColor: t.tooltipBg,
    borderColor: t.grid,
    textStyle: { color: t.text, fontSize: 12 },
    axisPointer: { type: 'line' as const, lineStyle: { color: t.muted } }
  }
}

/** The figure of one day, written with its unit or currency. */
export function valueText(n: number, measure: Measure, unit: string, currency: string | null): string {
  return measure === 'cost' ? formatCost(n, currency) : formatQuantity(n, unit)
}

/**
 * One metric over the report period (solid, shaded) against the previous period (dashed), day by day: the previous
 * period's first day sits under this period's first day.
 */
export function comparisonOption(cur: UsageSeries, prev: UsageSeries | undefined, measure: Measure, currency: string | null, t: ChartTheme): ChartOption {
  const now = measure === 'cost' ? (cur.costs ?? []) : cur.usages
  const before = (measure === 'cost' ? prev?.costs : prev?.usages) ?? []
  const prevDates = prev?.dates ?? []
  const unitName = measure === 'cost' ? (currency ?? 'cost') : cur.unit
  const fmt = (n: number) => valueText(n, measure, cur.unit, currency)
  return {
    backgroundColor: 'transparent',
    animationDuration: 300,
    grid: { left: 8, right: 16, top: 36, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    legend: {
      top: 0,
      right: 0,
      itemWidth: 18,
      itemHeight: 8,
      textStyle: { color: t.text, fontSize: 11 },
      data: ['This period', 'Previous period']
    },
    tooltip: {
      ...tooltipBase(t),
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as Array<{ dataIndex: number; seriesName: string; marker: string; value: number }>
        const i = list[0]?.dataIndex ?? 0
        const rows = list.map((p) => {
          const date = p.seriesName === 'This period' ? cur.dates[i] : prevDates[i]
          return `${p.marker}${esc(p.seriesName)} (${date ? esc(formatDay(date)) : '—'}): <b>${esc(fmt(p.value))}</b>`
        })
        return rows.join('<br>')
      }
    },
    xAxis: {
      type: 'category',
      boundaryGap: false,
      data: cur.dates.map((d) => formatDay(d)),
      ...axisBase(t),
      splitLine: { show: false }
    },
    yAxis: {
      type: 'value',
      name: unitName,
      nameTextStyle: { color: t.muted, fontSize: 11, align: 'left' },
      ...axisBase(t),
      axisLabel: { color: t.muted, fontSize: 11, formatter: (v: number) => (measure === 'cost' ? formatCost(v, currency).replace(/\.00$/, '') : compact(v)) }
    },
    series: [
      {
        name: 'This period',
        type: 'line',
        data: now,
        showSymbol: now.length <= 1,
        symbolSize: 5,
        color: t.primary,
        lineStyle: { width: 2 },
        areaStyle: { opacity: 0.12 },
        z: 3
      },
      {
        name: 'Previous period',
        type: 'line',
        data: before.slice(0, now.length),
        showSymbol: false,
        color: t.previous,
        lineStyle: { width: 1.5, type: 'dashed' },
        z: 2
      }
    ]
  }
}

/** One metric's days stacked by its label's values (or one bar per day without labels). */
export function breakdownOption(s: UsageSeries, measure: Measure, currency: string | null, t: ChartTheme): ChartOption {
  const label = s.labels.find((l) => l.values.length)
  const stacks = label
    ? label.values.map((v) => ({ name: v.value, data: (measure === 'cost' ? v.costs : v.usages) ?? [] }))
    : [{ name: s.displayName, data: (measure === 'cost' ? s.costs : s.usages) ?? [] }]
  const fmt = (n: number) => valueText(n, measure, s.unit, currency)
  return {
    backgroundColor: 'transparent',
    animationDuration: 300,
    color: t.palette,
    grid: { left: 8, right: 16, top: 36, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 8, textStyle: { color: t.text, fontSize: 11 } },
    tooltip: {
      ...tooltipBase(t),
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as Array<{ dataIndex: number; seriesName: string; marker: string; value: number }>
        const i = list[0]?.dataIndex ?? 0
        const total = list.reduce((a, p) => a + (Number(p.value) || 0), 0)
        const head = `${esc(formatDay(s.dates[i] ?? ''))}${list.length > 1 ? ` — total <b>${esc(fmt(total))}</b>` : ''}`
        return [head, ...list.map((p) => `${p.marker}${esc(p.seriesName)}: <b>${esc(fmt(p.value))}</b>`)].join('<br>')
      }
    },
    xAxis: { type: 'category', data: s.dates.map((d) => formatDay(d)), ...axisBase(t), splitLine: { show: false } },
    yAxis: {
      type: 'value',
      name: measure === 'cost' ? (currency ?? 'cost') : s.unit,
      nameTextStyle: { color: t.muted, fontSize: 11, align: 'left' },
      ...axisBase(t),
      axisLabel: { color: t.muted, fontSize: 11, formatter: (v: number) => (measure === 'cost' ? formatCost(v, currency).replace(/\.00$/, '') : compact(v)) }
    },
    series: stacks.map((x) => ({ name: x.name, type: 'bar' as const, stack: 'total', data: x.data, barMaxWidth: 24, emphasis: { focus: 'series' as const } }))
  }
}
