// Drafts → plan → apply, the one mechanism, with the vault provisioner against the real reference server:
// autosave that survives a restart (sealed on disk), offline drafts applied after reconnecting, conflicts
// never overwritten, failures mid-way that lose no draft, and the provisioning history.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApplyProgress, VaultDoc } from '../../shared/api'
import { createCore, type Core } from '../../electron/core'
import { startServer, type RunningServer } from '../../server/src/index'
import { call } from '../server/helpers'
import { until } from './helpers'

let dir: string
let server: RunningServer
let core: Core
const opts = () => ({ dataDir: join(dir, 'core'), retryMinMs: 100, retryMaxMs: 300, heartbeatMs: 200, requestTimeoutMs: 2000 })

const vault = (over: Partial<VaultDoc> = {}): VaultDoc => ({
  description: 'Team storage',
  scope: 'user',
  group: null,
  user: null,
  type: 'config',
  format: 'hocon',
  enabled: true,
  data: 'sdk.aws.s3.key: "AKIA-TEAM"\nsdk.aws.s3.secret: "very-secret-value-123"\n',
  ...over
})

async function connect() {
  const admin = server.seed!.admin
  await core.invoke('connections.create', { name: 'Demo', apiUrl: server.url, accessKey: admin.accessKey, secretKey: admin.secretKey })
  await until(() => core.status().state, (s) => s === 'online')
}
/** The admin's own view of the vaults, straight from the server. */
async function serverVaults(): Promise<Array<{ id: string; description: string; data: string; enabled: boolean }>> {
  const admin = server.seed!.admin
  const r = await call(server.url, '/users.get_vaults', { body: {}, basic: admin })
  return r.body.data.vaults
}
async function serverWrite(vaultBody: Record<string, unknown>) {
  const admin = server.seed!.admin
  const r = await call(server.url, '/users.add_or_update_vault', { body: { vault: vaultBody }, basic: admin })
  expect(r.status).toBe(200)
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-drafts-'))
  server = await startServer({ port: 0, dataDir: join(dir, 'server'), seed: 'demo', featureSet: 'enterprise', quiet: true })
  core = await createCore(opts())
})
afterEach(async () => {
  await core.close().catch(() => {})
  await server.close().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
})

describe('capabilities', () => {
  it('come from users.get_current_user {get_supported_features}: an enterprise server lists config_vault', async () => {
    await connect()
    expect(core.status().capabilities?.features).toContain('config_vault')
  })
})

describe('drafts', () => {
  it('autosave survives a restart, and the vault text never sits on disk in plain text', async () => {
    await connect()
    const d = await core.invoke('drafts.create', { name: 'Team storage', draft: { kind: 'vault', content: vault() } })
    await core.invoke('drafts.save', { id: d.id, draft: { kind: 'vault', content: vault({ data: 'sdk.aws.s3.secret: "typed-later-456"\n' }) } })
    await core.close()
    const bytes = readdirSync(join(dir, 'core'))
      .filter((f) => f.startsWith('console.db'))
      .map((f) => readFileSync(join(dir, 'core', f)).toString('latin1'))
      .join('')
    expect(bytes).not.toContain('typed-later-456')
    expect(bytes).not.toContain('very-secret-value-123')
    core = await createCore(opts())
    const back = await core.invoke('drafts.get', { id: d.id })
    expect(back.content).toMatchObject({ data: 'sdk.aws.s3.secret: "typed-later-456"\n' })
    expect((await core.invoke('drafts.list', { kind: 'vault' })).map((x) => x.id)).toEqual([d.id])
  })

  it('a draft made offline is provisioned after reconnecting, and the history records it', async () => {
    await connect()
    const port = server.port
    await server.close()
    await until(() => core.status().state, (s) => s === 'offline')
    const d = await core.invoke('drafts.create', { name: 'Team storage', draft: { kind: 'vault', content: vault() } })
    const offline = await core.dispatch('drafts.plan', {})
    expect(offline.ok ? null : offline.error.code).toBe('offline')

    server = await startServer({ port, dataDir: join(dir, 'server'), seed: 'demo', featureSet: 'enterprise', quiet: true })
    await until(() => core.status().state, (s) => s === 'online', 15000)
    const plan = await core.invoke('drafts.plan', {})
    expect(plan.items.map((i) => [i.name, i.action])).toEqual([['Team storage', 'create']])
    const progress: ApplyProgress[] = []
    core.on('drafts.progress', (p) => progress.push(p))
    const out = await core.invoke('drafts.apply', { ids: [d.id], expected: { [d.id]: null } })
    expect(out.items.map((i) => i.message)).toEqual(['Applied'])
    expect(out).toMatchObject({ applied: 1, failed: 0, skipped: 0 })
    expect(progress.map((p) => [p.done, p.total])).toEqual([[1, 1]])
    expect((await serverVaults()).find((v) => v.description === 'Team storage')?.data).toContain('AKIA-TEAM')
    expect(await core.invoke('drafts.list', { kind: 'vault' })).toEqual([])
    const [run] = await core.invoke('history.list', {})
    expect(run).toMatchObject({ applied: 1, connectionName: 'Demo', appliedBy: 'Admin User' })
    expect(run.changes[0]).toMatchObject({ action: 'create', result: 'applied', before: null })
    expect(run.changes[0].after).toMatchObject({ description: 'Team storage' })
  })

  it('a change made on the server meanwhile is a conflict: skipped, never overwritten; rebase keeps my edits', async () => {
    await connect()
    const created = await core.invoke('drafts.create', { name: 'Shared', draft: { kind: 'vault', content: vault({ description: 'Shared' }) } })
    await core.invoke('drafts.apply', { ids: [created.id], expected: { [created.id]: null } })
    const serverId = (await serverVaults()).find((v) => v.description === 'Shared')!.id

    const mine = await core.invoke('drafts.open', { kind: 'vault', serverId })
    await core.invoke('drafts.save', { id: mine.id, draft: { kind: 'vault', content: { ...(mine.content as VaultDoc), data: 'sdk.aws.s3.key: "MINE"\n' } } })
    // A colleague disables it on the server.
    await serverWrite({ id: serverId, enabled: false })

    const plan = await core.invoke('drafts.plan', { ids: [mine.id] })
    expect(plan.items[0]).toMatchObject({ action: 'conflict', reason: expect.stringMatching(/Changed on the server/) })
    const skipped = await core.invoke('drafts.apply', { ids: [mine.id], expected: { [mine.id]: plan.items[0].serverHash } })
    expect(skipped).toMatchObject({ applied: 0, skipped: 1 })
    expect((await serverVaults()).find((v) => v.id === serverId)).toMatchObject({ enabled: false, data: expect.stringContaining('AKIA-TEAM') })

    const rebased = await core.invoke('drafts.resolve', { id: mine.id, choice: 'rebase' })
    expect(rebased.content).toMatchObject({ enabled: false, data: 'sdk.aws.s3.key: "MINE"\n' })
    const again = await core.invoke('drafts.plan', { ids: [mine.id] })
    expect(again.items[0].action).toBe('update')
    await core.invoke('drafts.apply', { ids: [mine.id], expected: { [mine.id]: again.items[0].serverHash } })
    expect((await serverVaults()).find((v) => v.id === serverId)).toMatchObject({ enabled: false, data: 'sdk.aws.s3.key: "MINE"\n' })
  })

  it('uses the server version when it gives one: a write that leaves the content as it was still counts', async () => {
    await connect()
    const created = await core.invoke('drafts.create', { name: 'Versioned', draft: { kind: 'vault', content: vault({ description: 'Versioned' }) } })
    await core.invoke('drafts.apply', { ids: [created.id], expected: { [created.id]: null } })
    const serverId = (await serverVaults()).find((v) => v.description === 'Versioned')!.id
    const d = await core.invoke('drafts.open', { kind: 'vault', serverId })
    expect(d.baseHash).toMatch(/@v\d+$/)
    await core.invoke('drafts.save', { id: d.id, draft: { kind: 'vault', content: { ...(d.content as VaultDoc), data: 'mine: 1\n' } } })
    // Someone writes the same content back: the fingerprint is the same, the server's version is not.
    const same = (await serverVaults()).find((v) => v.id === serverId)!
    await serverWrite({ id: serverId, data: same.data, description: 'Versioned (renamed)' })
    await serverWrite({ id: serverId, description: 'Versioned' })
    const plan = await core.invoke('drafts.plan', { ids: [d.id] })
    expect(plan.items[0]).toMatchObject({ action: 'conflict' })
  })

  it('a server that moves after the plan was reviewed is skipped', async () => {
    await connect()
    const created = await core.invoke('drafts.create', { name: 'Moving', draft: { kind: 'vault', content: vault({ description: 'Moving' }) } })
    await core.invoke('drafts.apply', { ids: [created.id], expected: { [created.id]: null } })
    const serverId = (await serverVaults()).find((v) => v.description === 'Moving')!.id
    const d = await core.invoke('drafts.open', { kind: 'vault', serverId })
    await core.invoke('drafts.save', { id: d.id, draft: { kind: 'vault', content: { ...(d.content as VaultDoc), data: 'a: 1\n' } } })
    const plan = await core.invoke('drafts.plan', { ids: [d.id] })
    expect(plan.items[0].action).toBe('update')
    const out = await core.invoke('drafts.apply', { ids: [d.id], expected: { [d.id]: 'not-what-the-server-has' } })
    expect(out.items[0]).toMatchObject({ result: 'skipped', message: expect.stringMatching(/changed after you reviewed/) })
    expect((await core.invoke('drafts.list', { kind: 'vault' })).map((x) => x.id)).toEqual([d.id])
  })

  for (const [fault, faults] of [
    ['errors', { errorRate: 1 }],
    ['reset connections', { resetRate: 1 }],
    ['a server that stops answering', { latencyMs: 60_000 }]
  ] as const) {
    it(`failures mid-way (${fault}) lose no draft, and a retry completes them`, async () => {
      await connect()
      const ids: string[] = []
      for (const n of ['one', 'two', 'three']) ids.push((await core.invoke('drafts.create', { name: n, draft: { kind: 'vault', content: vault({ description: n }) } })).id)
      const expected = Object.fromEntries(ids.map((id) => [id, null]))
      // The fault starts once the first vault is applied: a failure in the middle of the change set.
      const off = core.on('drafts.progress', (p) => {
        if (p.done === 1) server.setFaults(faults)
      })
      const out = await core.invoke('drafts.apply', { ids, expected })
      off()
      server.setFaults({})
      expect(out).toMatchObject({ applied: 1, failed: 2 })
      expect(out.items.filter((i) => i.result === 'failed').every((i) => i.message.length > 0)).toBe(true)
      expect((await core.invoke('drafts.list', { kind: 'vault' })).length).toBe(2)
      const [run] = await core.invoke('history.list', {})
      expect(run).toMatchObject({ applied: 1, failed: 2 })
      await until(() => core.status().state, (s) => s === 'online', 15000)
      // The retry reviews what is left, as the review dialog does.
      const left = (await core.invoke('drafts.list', { kind: 'vault' })).map((d) => d.id)
      const plan = await core.invoke('drafts.plan', { ids: left })
      const retry = await core.invoke('drafts.apply', { ids: left, expected: Object.fromEntries(plan.items.map((i) => [i.draftId, i.serverHash])) })
      expect(retry).toMatchObject({ applied: 2, failed: 0 })
      expect((await serverVaults()).filter((v) => ['one', 'two', 'three'].includes(v.description)).length).toBe(3)
      expect(await core.invoke('drafts.list', { kind: 'vault' })).toEqual([])
    })
  }

  it('an invalid vault cannot be enabled: it fails at the plan, with the position', async () => {
    await connect()
    const d = await core.invoke('drafts.create', { name: 'Broken', draft: { kind: 'vault', content: vault({ description: 'Broken', data: 'sdk {\n  aws {\n' }) } })
    const plan = await core.invoke('drafts.plan', { ids: [d.id] })
    expect(plan.items[0]).toMatchObject({ action: 'invalid', reason: expect.stringMatching(/cannot be enabled.*line \d+, column \d+/) })
    const out = await core.invoke('drafts.apply', { ids: [d.id], expected: { [d.id]: null } })
    expect(out).toMatchObject({ failed: 1, applied: 0 })
    // Disabled, it may be provisioned (to be fixed later).
    await core.invoke('drafts.save', { id: d.id, draft: { kind: 'vault', content: vault({ description: 'Broken', data: 'sdk {\n  aws {\n', enabled: false }) } })
    expect((await core.invoke('drafts.plan', { ids: [d.id] })).items[0].action).toBe('create')
  })
})
