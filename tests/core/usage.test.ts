// usage.* against the reference server (demo seed: deterministic daily usage for the demo company): the report for a
// period and the period before it, totals that add up, the label breakdown, a custom range checked at the field,
// offline answers from the cache with their age, a non-admin, and an open-source server explained as unsupported.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../shared/api'
import { addDays, breakdown, previousRange, utcDate, type UsageReport } from '../../shared/domain/usage'
import { createCore, type Core } from '../../electron/core'
import { startServer, type RunningServer, type StartOptions } from '../../server/src/index'
import { until } from './helpers'

let dir: string
let server: RunningServer
let core: Core

async function setup(opts: StartOptions = {}, who: 'admin' | 'member' = 'admin'): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'console-usage-'))
  server = await startServer({ port: 0, dataDir: join(dir, 'server'), seed: 'demo', featureSet: 'enterprise', quiet: true, ...opts })
  core = await createCore({ dataDir: join(dir, 'core'), retryMinMs: 100, retryMaxMs: 300, heartbeatMs: 200, requestTimeoutMs: 3000 })
  const user = server.seed![who]
  await core.invoke('connections.create', { name: 'Demo', apiUrl: server.url, accessKey: user.accessKey, secretKey: user.secretKey })
  await until(() => core.status().state, (s) => s === 'online')
}
afterEach(async () => {
  await core.close().catch(() => {})
  await server.close().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
})

async function rejects(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (e) {
    return e as ApiError
  }
  throw new Error('expected a rejection')
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
const series = (r: UsageReport, name: string) => r.current.series.find((s) => s.name === name)!

describe('usage', () => {
  it('reports the last 30 days and the 30 before, with totals, costs and the label breakdown', async () => {
    await setup()
    const r = await core.invoke('usage.report', { period: '30d', refresh: true })
    expect(r.source).toBe('server')
    const today = utcDate(Date.now())
    const rep = r.value
    expect(rep.current.range).toEqual({ from: addDays(today, -29), to: today })
    expect(rep.previous.range).toEqual({ from: addDays(today, -59), to: addDays(today, -30) })
    expect(rep.events.map((e) => e.displayName)).toEqual(['Cluster Compute', 'Storage', 'Users', 'Service Accounts', 'API Calls'])
    expect(rep.current.series.map((s) => s.name)).toEqual(['cluster_compute', 'storage', 'users', 'service_accounts', 'api_calls'])
    expect(rep.priced).toBe(true)
    expect(rep.current.currency).toBe('USD')

    const compute = series(rep, 'cluster_compute')
    expect(compute).toMatchObject({ unit: 'GPU hours', countStrategy: 'sum', totalType: 'total' })
    expect(compute.dates).toHaveLength(30)
    expect(compute.dates[0]).toBe(addDays(today, -29))
    expect(compute.usages.every((u) => u > 0)).toBe(true)
    expect(compute.totalUsage).toBeCloseTo(sum(compute.usages), 1)
    // storage counts the latest day, not the sum
    const storage = series(rep, 'storage')
    expect(storage.totalType).toBe('latest')
    expect(storage.totalUsage).toBe(storage.usages.at(-1))
    // the estimated cost is the metrics' costs added up
    expect(rep.current.totalCost).toBeCloseTo(sum(rep.current.series.map((s) => s.totalCost ?? 0)), 1)

    // per label: display names from the configuration, values that add up to the metric
    const b = breakdown(storage)
    expect(b.label).toBe('Bucket')
    expect(b.rows.map((x) => x.label)).toEqual(['s3://demo-bucket', 'gs://research-data'])
    expect(sum(b.rows.map((x) => x.usage))).toBeCloseTo(storage.totalUsage, 0)
    expect(breakdown(series(rep, 'users')).label).toBeNull()

    // the figures are the server's deterministic series: the previous period of this report is the same days asked directly
    const direct = await core.invoke('usage.report', { period: 'custom', ...previousRange(rep.current.range), categories: ['cluster_compute'], refresh: true })
    expect(series(direct.value, 'cluster_compute').usages).toEqual(rep.previous.series.find((s) => s.name === 'cluster_compute')!.usages)
    expect(direct.value.current.series.map((s) => s.name)).toEqual(['cluster_compute'])
    expect(direct.value.events.map((e) => e.name)).toEqual(['cluster_compute'])
  })

  it('changes the figures with the period', async () => {
    await setup()
    const week = (await core.invoke('usage.report', { period: '7d', refresh: true })).value
    const quarter = (await core.invoke('usage.report', { period: '90d', refresh: true })).value
    expect(series(week, 'cluster_compute').usages).toHaveLength(7)
    expect(series(quarter, 'cluster_compute').usages).toHaveLength(90)
    expect(series(quarter, 'api_calls').totalUsage).toBeGreaterThan(series(week, 'api_calls').totalUsage * 5)
    const lastMonth = (await core.invoke('usage.report', { period: 'last-month', refresh: true })).value
    expect(lastMonth.current.range.from.endsWith('-01')).toBe(true)
    expect(lastMonth.previous.range.from.endsWith('-01')).toBe(true)
  })

  it('checks a custom range at the field', async () => {
    await setup()
    const today = utcDate(Date.now())
    const reversed = await rejects(core.invoke('usage.report', { period: 'custom', from: '2026-03-10', to: '2026-03-01' }))
    expect(reversed.code).toBe('invalid_input')
    expect(JSON.stringify(reversed.details)).toContain('before the first day')
    const future = await rejects(core.invoke('usage.report', { period: 'custom', from: today, to: addDays(today, 3) }))
    expect(future.code).toBe('invalid_input')
    expect(future.message).toContain('cannot end after today')
    const missing = await rejects(core.invoke('usage.report', { period: 'custom', from: today }))
    expect(missing.code).toBe('invalid_input')
    const long = await rejects(core.invoke('usage.report', { period: 'custom', from: addDays(today, -400), to: today }))
    expect(long.message).toContain('at most 366 days')
  })

  it('answers offline with the last figures fetched for that period, with their age; an unfetched period is explained', async () => {
    await setup()
    const online = await core.invoke('usage.report', { period: '30d', refresh: true })
    await server.close()
    await until(() => core.status().state, (s) => s === 'offline')
    const cached = await core.invoke('usage.report', { period: '30d' })
    expect(cached.source).toBe('cache')
    expect(cached.fetchedAt).toBe(online.fetchedAt)
    expect(cached.value).toEqual(online.value)
    const none = await rejects(core.invoke('usage.report', { period: '90d' }))
    expect(none.code).toBe('offline')
    expect(none.message).toContain('No cached usage report for this period')
  })

  it('lets a non-admin read the figures (the endpoints are open to every role)', async () => {
    await setup({}, 'member')
    const r = await core.invoke('usage.report', { period: '7d', refresh: true })
    expect(r.value.current.series.length).toBe(5)
  })

  it('a workspace the server meters without recorded usage: every metric present, every figure 0', async () => {
    await setup()
    await core.close()
    const owner = server.seed!.workspaces.researchLab.owner
    core = await createCore({ dataDir: join(dir, 'core2'), retryMinMs: 100, retryMaxMs: 300, heartbeatMs: 200, requestTimeoutMs: 3000 })
    await core.invoke('connections.create', { name: 'Lab', apiUrl: server.url, accessKey: owner.accessKey, secretKey: owner.secretKey })
    await until(() => core.status().state, (s) => s === 'online')
    const r = (await core.invoke('usage.report', { period: '30d', refresh: true })).value
    expect(r.current.series).toHaveLength(5)
    expect(r.current.series.every((s) => s.usages.every((u) => u === 0))).toBe(true)
    expect(r.current.totalCost).toBe(0)
  })

  it('explains that an open-source server has no metering, and that billing is hosted-only', async () => {
    await setup({ featureSet: 'basic' })
    const e = await rejects(core.invoke('usage.report', { period: '30d', refresh: true }))
    expect(e.code).toBe('unsupported')
    expect(e.message).toContain('open-source ClearML server')
    const billing = await core.invoke('usage.billing', {})
    expect(billing.hosted).toBe(false)
    expect(billing.reason).toContain('self-hosted')
  })
})
