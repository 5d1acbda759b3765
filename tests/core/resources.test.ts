// The resource configuration through drafts → plan → apply against the reference server: a draft starts from
// the provisioned configuration (or the server's saved edits), provisioning is Save + Publish in a fixed number
// of requests, a server that moved or holds someone else's edits makes it refuse, a lost answer is checked
// so the result says which configuration the server runs, and everything opens offline from the cache.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RESOURCE_CONFIGURATION_ID, commands, applyChanges, resourceFingerprint, type ResourceDoc, type Draft } from '../../shared/api'
import { createCore, type Core } from '../../electron/core'
import { toResourceDoc, type WireConfiguration } from '../../electron/core/resources/wire'
import { startServer, type RunningServer } from '../../server/src/index'
import { call } from '../server/helpers'
import { countingProxy, until } from './helpers'

let dir: string
let server: RunningServer
let core: Core
const opts = () => ({ dataDir: join(dir, 'core'), retryMinMs: 100, retryMaxMs: 300, heartbeatMs: 200, requestTimeoutMs: 1500 })

async function connect(url = server.url) {
  const admin = server.seed!.admin
  await core.invoke('connections.create', { name: 'Demo', apiUrl: url, accessKey: admin.accessKey, secretKey: admin.secretKey })
  await until(() => core.status().state, (s) => s === 'online')
}
async function api<T = Record<string, unknown>>(endpoint: string, body: Record<string, unknown> = {}): Promise<T> {
  const r = await call(server.url, `/${endpoint}`, { body, basic: server.seed!.admin })
  if (r.status !== 200) throw new Error(`${endpoint}: ${r.status} ${r.body.meta.result_msg}`)
  return r.body.data as T
}
async function published(): Promise<ResourceDoc> {
  return toResourceDoc((await api<{ configuration: WireConfiguration }>('resources.get_resource_configuration', { edit: false })).configuration)
}
async function openDraft(): Promise<Draft<'resources'>> {
  return (await core.invoke('drafts.open', { kind: 'resources', serverId: RESOURCE_CONFIGURATION_ID })) as Draft<'resources'>
}
async function saveDraft(d: Draft<'resources'>, content: ResourceDoc) {
  await core.invoke('drafts.save', { id: d.id, draft: { kind: 'resources', content } })
}
async function provision(id: string) {
  const plan = await core.invoke('drafts.plan', { ids: [id], preview: true })
  const outcome = await core.invoke('drafts.apply', { ids: [id], expected: Object.fromEntries(plan.items.map((i) => [i.draftId, i.serverHash])) })
  return { plan, outcome }
}
/** A pool and a profile linked to it, added to `doc` through the editor's commands. */
function withNewPool(doc: ResourceDoc, n = 1): ResourceDoc {
  let out = doc
  for (let i = 0; i < n; i++) {
    out = applyChanges(out, commands.addPool(out, { id: `pool-new-${i}`, name: `New pool ${i}`, description: '', resources: 8 }, { x: 5000 + i * 300, y: 0 }).changes)
    out = applyChanges(out, commands.addProfile(out, { id: `prof-new-${i}`, name: `New profile ${i}`, description: '', allotment: 0.5, costField: null }).changes)
    out = applyChanges(out, commands.connect(out, `prof-new-${i}`, `pool-new-${i}`, { id: `link-new-${i}`, name: `New link ${i}` }).changes)
  }
  return out
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-resources-'))
  server = await startServer({ port: 0, dataDir: join(dir, 'server'), seed: 'demo', featureSet: 'enterprise', quiet: true })
  core = await createCore(opts())
})
afterEach(async () => {
  await core.close().catch(() => {})
  await server.close().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
})

describe('resource configuration', () => {
  it('reads the provisioned configuration with live figures, and a draft starts from it', async () => {
    await connect()
    const state = await core.invoke('resources.get', { refresh: true })
    const names = state.value.config.pools.map((p) => p.name)
    expect(names).toEqual(expect.arrayContaining(['Bare Metal Low END GPUs', 'H100 Half a Superpod']))
    const bare = state.value.config.pools.find((p) => p.name === 'Bare Metal Low END GPUs')!
    expect(state.value.live.pools[bare.id].usage).toBe(8)
    const four = state.value.config.profiles.find((p) => p.name === '4xGPU')!
    expect(four.links.map((l) => l.name)).toEqual(['4 GPU Low End', '4 GPU H100'])
    expect(state.value.live.profiles[four.id].queued).toBe(8)
    // every card has a position (automatic until someone moves it)
    for (const p of [...state.value.config.pools, ...state.value.config.profiles]) expect(state.value.config.layout[p.id]).toBeDefined()
    const d = await openDraft()
    expect(resourceFingerprint(d.content)).toBe(resourceFingerprint(state.value.config))
  })

  it('provisions a draft: the plan lists the changes and the server’s dry run, and the server then runs the draft', async () => {
    await connect()
    const d = await openDraft()
    const four = d.content.profiles.find((p) => p.name === '4xGPU')!
    // delete 4xGPU: its two policy queues go, and their 8 pending jobs return to draft
    let mine = applyChanges(d.content, commands.removeProfile(d.content, four.id).changes)
    mine = withNewPool(mine)
    await saveDraft(d, mine)
    const { plan, outcome } = await provision(d.id)
    expect(plan.items[0].action).toBe('update')
    expect(plan.items[0].consequences?.join('\n')).toMatch(/pending job/)
    expect(outcome.applied).toBe(1)
    expect(outcome.items[0].message).toMatch(/Provisioned/)
    expect(resourceFingerprint(await published())).toBe(resourceFingerprint(mine))
    // the draft is done; the card positions stay on this desktop
    expect(await core.invoke('drafts.list', { kind: 'resources' })).toEqual([])
    const again = await core.invoke('resources.get', { refresh: true })
    expect(again.value.config.layout['pool-new-0']).toEqual(mine.layout['pool-new-0'])
  })

  it('takes the same number of requests for 1 object as for 1,000', async () => {
    const proxy = await countingProxy(server.url)
    try {
      await connect(proxy.url)
      const count = async (n: number) => {
        const d = await openDraft()
        await saveDraft(d, withNewPool(d.content, n))
        const plan = await core.invoke('drafts.plan', { ids: [d.id] })
        const before = proxy.paths.length
        const outcome = await core.invoke('drafts.apply', { ids: [d.id], expected: { [d.id]: plan.items[0].serverHash } })
        expect(outcome.applied).toBe(1)
        return proxy.paths.slice(before).filter((p) => p.includes('resources.')).length
      }
      const one = await count(1)
      // remove what the first run added, so the second starts from the seed again and adds 1,000 of each
      await api('resources.reset_resource_configuration')
      const thousand = await count(1000)
      expect(thousand).toBe(one)
      expect(one).toBeLessThanOrEqual(6)
    } finally {
      await proxy.close()
    }
  })

  it('refuses when the server’s configuration moved since the draft started, with the difference', async () => {
    await connect()
    const d = await openDraft()
    await saveDraft(d, withNewPool(d.content))
    // someone else provisions a change meanwhile
    const wire = (await api<{ configuration: WireConfiguration }>('resources.get_resource_configuration', { edit: false })).configuration
    wire.pools![0].name = 'Renamed elsewhere'
    await api('resources.set_resource_configuration', { pools: wire.pools, profiles: wire.profiles })
    await api('resources.publish_resource_configuration')
    const plan = await core.invoke('drafts.plan', { ids: [d.id] })
    expect(plan.items[0].action).toBe('conflict')
    expect((plan.items[0].server as ResourceDoc).pools[0].name).toBe('Renamed elsewhere')
    const outcome = await core.invoke('drafts.apply', { ids: [d.id], expected: { [d.id]: plan.items[0].serverHash } })
    expect(outcome.skipped).toBe(1)
    expect((await published()).pools[0].name).toBe('Renamed elsewhere')
    // rebase keeps my change on top of theirs
    await core.invoke('drafts.resolve', { id: d.id, choice: 'rebase' })
    const after = await provision(d.id)
    expect(after.outcome.applied).toBe(1)
    const now = await published()
    expect(now.pools.map((p) => p.name)).toEqual(expect.arrayContaining(['Renamed elsewhere', 'New pool 0']))
  })

  it('refuses while someone else has saved unprovisioned edits; the console’s own Save does not block it', async () => {
    await connect()
    const d = await openDraft()
    const mine = withNewPool(d.content)
    await saveDraft(d, mine)
    await core.invoke('resources.save', { draftId: d.id })
    // my own saved edits: no conflict
    expect((await core.invoke('drafts.plan', { ids: [d.id] })).items[0].action).toBe('update')
    // now someone else saves different edits on the server
    const wire = (await api<{ configuration: WireConfiguration }>('resources.get_resource_configuration', { edit: false })).configuration
    wire.pools![0].resources = 99
    await api('resources.set_resource_configuration', { pools: wire.pools, profiles: wire.profiles })
    const plan = await core.invoke('drafts.plan', { ids: [d.id] })
    expect(plan.items[0].action).toBe('conflict')
    expect(plan.items[0].reason).toMatch(/saved unprovisioned edits/)
    expect((plan.items[0].server as ResourceDoc).pools[0].resources).toBe(99)
    // overwriting is a decision: afterwards mine goes through
    await core.invoke('drafts.resolve', { id: d.id, choice: 'overwrite' })
    expect((await provision(d.id)).outcome.applied).toBe(1)
    expect(resourceFingerprint(await published())).toBe(resourceFingerprint(mine))
  })

  it('a new draft starts from the server’s saved edits (the editor left off there)', async () => {
    await connect()
    const wire = (await api<{ configuration: WireConfiguration }>('resources.get_resource_configuration', { edit: false })).configuration
    wire.pools![0].resources = 42
    await api('resources.set_resource_configuration', { pools: wire.pools, profiles: wire.profiles })
    const d = await openDraft()
    expect(d.content.pools[0].resources).toBe(42)
    expect((d.base as ResourceDoc).pools[0].resources).not.toBe(42)
    expect((await core.invoke('drafts.plan', { ids: [d.id] })).items[0].action).toBe('update')
  })

  it('Save, Validate and Reset Configuration', async () => {
    await connect()
    const d = await openDraft()
    const four = d.content.profiles.find((p) => p.name === '4xGPU')!
    let mine = applyChanges(d.content, commands.removeProfile(d.content, four.id).changes)
    mine = applyChanges(mine, commands.addProfile(mine, { id: 'lonely', name: 'Lonely', description: '', allotment: 1, costField: null }).changes)
    await saveDraft(d, mine)
    await core.invoke('resources.save', { draftId: d.id })
    expect((await core.invoke('resources.get', { refresh: true })).value.pendingEdits).toBe(true)
    const v = await core.invoke('resources.validate', {})
    expect(v.notLinkedProfiles.map((p) => p.name)).toEqual(['Lonely'])
    expect(v.affectedPolicies.flatMap((a) => a.queuesToDelete).reduce((n, q) => n + q.tasks, 0)).toBe(8)
    await core.invoke('resources.reset', {})
    expect((await core.invoke('resources.get', { refresh: true })).value.pendingEdits).toBe(false)
    expect(await core.invoke('drafts.list', { kind: 'resources' })).toEqual([])
    const back = await openDraft()
    expect(back.content.profiles.some((p) => p.name === '4xGPU')).toBe(true)
  })

  it('opens offline from the cache: the provisioned view and a new or existing draft', async () => {
    await connect()
    const state = await core.invoke('resources.get', { refresh: true })
    await server.close()
    await until(() => core.status().state, (s) => s === 'offline')
    const cached = await core.invoke('resources.get', {})
    expect(cached.source).toBe('cache')
    const d = await openDraft()
    expect(resourceFingerprint(d.content)).toBe(resourceFingerprint(state.value.config))
    await saveDraft(d, withNewPool(d.content))
    expect((await openDraft()).content.pools.some((p) => p.id === 'pool-new-0')).toBe(true)
    await expect(core.invoke('resources.save', { draftId: d.id })).rejects.toMatchObject({ code: 'offline' })
  })
})

describe('provisioning with faults: the server runs fully the old or fully the new configuration, and the result says which', () => {
  const cases = [
    ['error', 'before'],
    ['reset', 'before'],
    ['hang', 'before'],
    ['error', 'after'],
    ['reset', 'after'],
    ['hang', 'after']
  ] as const
  for (const [kind, when] of cases) {
    it(`${kind} ${when} publishing`, async () => {
      await connect()
      const old = await published()
      const d = await openDraft()
      const mine = withNewPool(d.content)
      await saveDraft(d, mine)
      const plan = await core.invoke('drafts.plan', { ids: [d.id] })
      server.failNext('resources.publish_resource_configuration', kind, when)
      const outcome = await core.invoke('drafts.apply', { ids: [d.id], expected: { [d.id]: plan.items[0].serverHash } })
      await until(() => core.status().state, (s) => s === 'online')
      const now = resourceFingerprint(await published())
      expect([resourceFingerprint(old), resourceFingerprint(mine)]).toContain(now)
      const item = outcome.items[0]
      if (now === resourceFingerprint(mine)) {
        expect(item.result).toBe('applied')
        expect(item.message).toMatch(/Provisioned/)
      } else {
        expect(item.result).toBe('failed')
        expect(item.message).toMatch(/Not provisioned — the server still runs the previous configuration/)
        // the draft is kept for a retry
        expect((await core.invoke('drafts.list', { kind: 'resources' })).length).toBe(1)
      }
      if (when === 'after') expect(now).toBe(resourceFingerprint(mine))
      else if (kind === 'error') expect(now).toBe(resourceFingerprint(old))
    }, 30_000)
  }
})
