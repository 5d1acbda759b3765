// Service accounts against the reference server (enterprise): the table with groups, limits and the keys an agent
// depends on that expire within 7 days; create (the initial key signs in), keys and gateway tokens made for the
// account, its own vault, rename / impersonation / admin, delete (its keys stop working), a non-administrator
// refused with the explanation, offline answers from the cache with every change refused, and secrets that never
// reach SQLite or a later answer.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { VaultDoc } from '../../shared/api'
import { NOT_ADMIN_SERVICE_ACCOUNTS } from '../../shared/domain/service-accounts'
import { createCore } from '../../electron/core'
import { startServer } from '../../server/src/index'
import { call } from '../server/helpers'
import { api, connect, failure, goOffline, startEnv, stopEnv, type Env } from './user-settings.fixture'

let env: Env | undefined
afterEach(async () => {
  await stopEnv(env)
  env = undefined
})

const DAY = 86_400
const q = { search: '', orderBy: 'name' as const, descending: false, page: 0, pageSize: 100 }

/** Signs in with a key pair (auth.login, Basic auth) as an agent would: true when the server accepts it. */
async function signsIn(e: Env, accessKey: string, secretKey: string, worker?: string): Promise<boolean> {
  const r = await call(e.server.url, '/auth.login', { body: {}, basic: { accessKey, secretKey }, ...(worker && { headers: { 'x-clearml-worker': worker } }) })
  return r.status === 200
}

const dbBytes = (e: Env) =>
  readdirSync(join(e.dir, 'core'))
    .filter((f) => f.startsWith('console.db'))
    .map((f) => readFileSync(join(e.dir, 'core', f)).toString('latin1'))
    .join('\n')

describe('service accounts', () => {
  it('lists the accounts with groups and limits, and flags the key an agent uses that expires within 7 days', async () => {
    env = await startEnv()
    await connect(env)
    const seed = env.server.seed!
    const page = await env.core.invoke('serviceAccounts.list', q)
    expect(page.source).toBe('server')
    expect(page.items.map((a) => a.name)).toEqual(['CI Pipeline', 'GPU Agent'])
    const gpu = page.items.find((a) => a.name === 'GPU Agent')!
    expect(gpu).toMatchObject({ id: seed.organisation.serviceAccounts.gpuAgent.id, allowImpersonation: true, credentials: 1, admin: false })
    expect(gpu.groups.map((g) => g.name)).toContain('Users')
    expect(gpu.lastActive).toBeTruthy()
    expect(gpu.atRisk).toEqual([expect.objectContaining({ accountName: 'GPU Agent', worker: 'agent-gpu-01', label: 'agent-gpu-01' })])
    expect(page.items.find((a) => a.name === 'CI Pipeline')!.atRisk).toEqual([])
    // the agents that depend on each account (named in the delete warning)
    expect(page.items.find((a) => a.name === 'CI Pipeline')!.workers).toEqual(['ci-runner-3'])
    expect(gpu.workers).toEqual(['agent-gpu-01'])
    expect(page.atRisk.map((k) => k.accountName)).toEqual(['GPU Agent'])
    expect(page).toMatchObject({ allowAdmins: false, count: 2 })

    // search by name or id
    expect((await env.core.invoke('serviceAccounts.list', { ...q, search: 'gpu' })).items.map((a) => a.name)).toEqual(['GPU Agent'])
    expect((await env.core.invoke('serviceAccounts.list', { ...q, search: gpu.id })).items.map((a) => a.name)).toEqual(['GPU Agent'])
  })

  it('creates an account whose initial key signs in; keys made for it are its own; delete revokes them', async () => {
    env = await startEnv()
    await connect(env)
    const made = await env.core.invoke('serviceAccounts.create', { name: 'Nightly builds', allowImpersonation: true, admin: false, expirationSec: 30 * DAY })
    expect(made.credential.snippets.python).toContain(made.credential.accessKey)
    expect(made.credential.snippets.python).toContain(made.credential.secretKey)
    expect(made.credential.snippets.python).toContain(`api_server: ${env.server.url}`)
    expect(Date.parse(made.credential.expire!) - Date.now()).toBeGreaterThan(29 * DAY * 1000)
    expect(await signsIn(env, made.credential.accessKey, made.credential.secretKey)).toBe(true)

    // a key made for the account belongs to the account
    const key = await env.core.invoke('serviceAccounts.credentials.create', { user: made.id, label: 'agent-7', expirationSec: 10 * DAY })
    const owner = await api<{ user: string; label: string }>(env, 'auth.locate_credentials', { access_key: key.accessKey })
    expect(owner).toMatchObject({ user: made.id, label: 'agent-7' })
    const details = await env.core.invoke('serviceAccounts.details', { id: made.id })
    expect(details.value.credentials.credentials.map((c) => c.label).sort()).toEqual([null, 'agent-7'].sort())
    expect(details.value.account).toMatchObject({ name: 'Nightly builds', allowImpersonation: true, credentials: 2 })

    // revoke one of its keys
    await env.core.invoke('serviceAccounts.credentials.revoke', { user: made.id, accessKey: key.accessKey })
    expect(await signsIn(env, key.accessKey, key.secretKey)).toBe(false)

    // delete: its keys stop working, and the admin's session is untouched
    await env.core.invoke('serviceAccounts.delete', { id: made.id })
    expect(await signsIn(env, made.credential.accessKey, made.credential.secretKey)).toBe(false)
    expect((await env.core.invoke('serviceAccounts.list', q)).items.map((a) => a.name)).toEqual(['CI Pipeline', 'GPU Agent'])
    expect(env.core.status().state).toBe('online')
  })

  it('flags a new key that expires within 7 days once a worker has used it', async () => {
    env = await startEnv()
    await connect(env)
    const made = await env.core.invoke('serviceAccounts.create', { name: 'Edge agent', allowImpersonation: false, admin: false, expirationSec: 3 * DAY })
    let row = (await env.core.invoke('serviceAccounts.list', { ...q, search: 'Edge' })).items[0]
    expect(row.atRisk).toEqual([]) // expiring, but no agent depends on it yet
    // used from an address: still not an agent
    expect(await signsIn(env, made.credential.accessKey, made.credential.secretKey)).toBe(true)
    row = (await env.core.invoke('serviceAccounts.list', { ...q, search: 'Edge', refresh: true })).items[0]
    expect(row.atRisk).toEqual([])
    expect(await signsIn(env, made.credential.accessKey, made.credential.secretKey, 'edge-worker-1')).toBe(true)
    const page = await env.core.invoke('serviceAccounts.list', { ...q, refresh: true })
    expect(page.items.find((a) => a.id === made.id)!.atRisk).toEqual([expect.objectContaining({ accessKey: made.credential.accessKey, worker: 'edge-worker-1' })])
    expect(page.atRisk.map((k) => k.accountName).sort()).toEqual(['Edge agent', 'GPU Agent'])
  })

  it('refuses a blank or duplicate name, and an expiry above the cap, at the field', async () => {
    env = await startEnv()
    await connect(env)
    const blank = await failure(env, 'serviceAccounts.create', { name: '   ', allowImpersonation: false, admin: false })
    expect(blank.code).toBe('invalid_input')
    expect(blank.details?.issues?.[0]).toMatchObject({ path: 'name', message: expect.stringMatching(/Enter a name/) })
    const dup = await failure(env, 'serviceAccounts.create', { name: 'gpu agent', allowImpersonation: false, admin: false })
    expect(dup.details?.field).toBe('name')
    expect(dup.message).toMatch(/already exists/)
    const long = await failure(env, 'serviceAccounts.create', { name: 'Long', allowImpersonation: false, admin: false, expirationSec: 400 * DAY })
    expect(long.details?.field).toBe('expirationSec')
    const admin = await failure(env, 'serviceAccounts.create', { name: 'Boss', allowImpersonation: false, admin: true })
    expect(admin.details?.field).toBe('admin')
    expect((await env.core.invoke('serviceAccounts.list', q)).count).toBe(2)
  })

  it('renames and toggles impersonation; makes an account admin where the server allows it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-sa-'))
    const server = await startServer({ port: 0, dataDir: join(dir, 'server'), seed: 'demo', featureSet: 'enterprise', quiet: true, allowServiceUserAdmins: true, allowedServiceUsers: 3 })
    const core = await createCore({ dataDir: join(dir, 'core'), retryMinMs: 100, retryMaxMs: 300, heartbeatMs: 200, requestTimeoutMs: 1500 })
    env = { dir, server, core, featureSet: 'enterprise' }
    await connect(env)
    const ci = (await core.invoke('serviceAccounts.list', q)).items.find((a) => a.name === 'CI Pipeline')!
    await core.invoke('serviceAccounts.update', { id: ci.id, name: 'CI', allowImpersonation: true })
    const dup = await failure(env, 'serviceAccounts.update', { id: ci.id, name: 'GPU AGENT' })
    expect(dup.details?.field).toBe('name')
    await core.invoke('serviceAccounts.update', { id: ci.id, admin: true })
    const page = await core.invoke('serviceAccounts.list', q)
    expect(page).toMatchObject({ allowAdmins: true, allowedServiceUsers: 3 })
    expect(page.items.find((a) => a.id === ci.id)).toMatchObject({ name: 'CI', allowImpersonation: true, admin: true })

    const boss = await core.invoke('serviceAccounts.create', { name: 'Boss', allowImpersonation: false, admin: true })
    expect(boss.warning).toBeNull()
    expect((await core.invoke('serviceAccounts.list', q)).items.find((a) => a.id === boss.id)?.admin).toBe(true)
    // the limit (3) is reached
    const full = await failure(env, 'serviceAccounts.create', { name: 'One more', allowImpersonation: false, admin: false })
    expect(full.message).toMatch(/at most 3 service accounts/)
  })

  it('edits the account’s own vault through a draft, lists the admin vaults that apply, and makes gateway tokens for it', async () => {
    env = await startEnv()
    await connect(env)
    const gpu = (await env.core.invoke('serviceAccounts.list', q)).items.find((a) => a.name === 'GPU Agent')!
    let d = await env.core.invoke('serviceAccounts.details', { id: gpu.id })
    expect(d.value.vaultId).toBeNull()
    expect(d.value.adminVaults.length).toBeGreaterThan(0)
    expect(d.value.adminVaults.every((v) => v.scope === 'organization' || v.scope === 'group')).toBe(true)

    const content: VaultDoc = { description: 'GPU Agent vault', scope: 'user', group: null, user: gpu.id, type: 'config', format: 'hocon', enabled: true, data: 'agent.docker_force_pull: true\n' }
    const draft = await env.core.invoke('drafts.create', { name: 'GPU Agent vault', draft: { kind: 'vault', content } })
    const out = await env.core.invoke('drafts.apply', { ids: [draft.id], expected: { [draft.id]: null } })
    expect(out).toMatchObject({ applied: 1, failed: 0 })
    d = await env.core.invoke('serviceAccounts.details', { id: gpu.id })
    expect(d.value.vaultId).toBeTruthy()
    expect(d.value.vaultEnabled).toBe(true)
    // the vault is the account's, not the admin's
    expect((await env.core.invoke('vaults.list', { search: '', orderBy: 'description', descending: false, page: 0, pageSize: 100, personal: true, refresh: true })).items.map((v) => v.description)).not.toContain('GPU Agent vault')
    // and it opens again as a draft of the server's copy
    const again = await env.core.invoke('drafts.open', { kind: 'vault', serverId: d.value.vaultId! })
    expect((again.content as VaultDoc).data).toContain('docker_force_pull')

    const { token } = await env.core.invoke('serviceAccounts.gateway.generate', { user: gpu.id, label: 'inference', expirationDays: 7 })
    expect(token).toBeTruthy()
    d = await env.core.invoke('serviceAccounts.details', { id: gpu.id })
    const t = d.value.gateway!.tokens.find((x) => x.label === 'inference')!
    expect(t).toBeTruthy()
    expect(JSON.stringify(d)).not.toContain(token)
    await env.core.invoke('serviceAccounts.gateway.revoke', { user: gpu.id, ids: [t.id] })
    d = await env.core.invoke('serviceAccounts.details', { id: gpu.id })
    expect(d.value.gateway!.tokens.filter((x) => !x.revoked).map((x) => x.label)).not.toContain('inference')
  })

  it('keeps secrets out of SQLite and later answers', async () => {
    env = await startEnv()
    await connect(env)
    const made = await env.core.invoke('serviceAccounts.create', { name: 'Secretive', allowImpersonation: false, admin: false })
    const key = await env.core.invoke('serviceAccounts.credentials.create', { user: made.id, label: 'second' })
    const { token } = await env.core.invoke('serviceAccounts.gateway.generate', { user: made.id, label: 'tok', expirationDays: 3 })
    const later = JSON.stringify([
      await env.core.invoke('serviceAccounts.list', q),
      await env.core.invoke('serviceAccounts.details', { id: made.id })
    ])
    const bytes = dbBytes(env)
    for (const s of [made.credential.secretKey, key.secretKey, token]) {
      expect(later).not.toContain(s)
      expect(bytes).not.toContain(s)
    }
    expect(later).toContain(made.credential.accessKey)
  })

  it('refuses a non-administrator with the explanation', async () => {
    env = await startEnv()
    await connect(env, { user: env.server.seed!.member })
    const e = await failure(env, 'serviceAccounts.list', q)
    expect(e.code).toBe('forbidden')
    expect(e.message).toBe(NOT_ADMIN_SERVICE_ACCOUNTS)
  })

  it('offline: the table and the panel answer from the cache with their age; every change is refused with the reason', async () => {
    env = await startEnv()
    await connect(env)
    const page = await env.core.invoke('serviceAccounts.list', q)
    const gpu = page.items.find((a) => a.name === 'GPU Agent')!
    await env.core.invoke('serviceAccounts.details', { id: gpu.id })
    await goOffline(env)
    const cached = await env.core.invoke('serviceAccounts.list', q)
    expect(cached.source).toBe('cache')
    expect(cached.fetchedAt).toBe(page.fetchedAt)
    expect(cached.atRisk.map((k) => k.accountName)).toEqual(['GPU Agent'])
    const panel = await env.core.invoke('serviceAccounts.details', { id: gpu.id })
    expect(panel.source).toBe('cache')
    for (const [m, input] of [
      ['serviceAccounts.create', { name: 'Later', allowImpersonation: false, admin: false }],
      ['serviceAccounts.update', { id: gpu.id, name: 'Renamed' }],
      ['serviceAccounts.delete', { id: gpu.id }],
      ['serviceAccounts.credentials.create', { user: gpu.id }],
      ['serviceAccounts.credentials.revoke', { user: gpu.id, accessKey: 'x' }],
      ['serviceAccounts.gateway.generate', { user: gpu.id, label: 'x', expirationDays: 1 }]
    ] as const) {
      const e = await failure(env, m, input as never)
      expect(e.code, m).toBe('offline')
      expect(e.message, m).toMatch(/cannot be reached.*Nothing was changed/)
    }
  })
})
