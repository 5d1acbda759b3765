// User settings › Workspace against the reference server: the workspaces the user belongs to (own, current),
// rename (admins), switch (the web app's active-workspace preference), invite by email (with the link to send) and
// leave (never the own one, nor the one this console works in); cached, offline and on an open-source server.
import { afterEach, describe, expect, it } from 'vitest'
import { api, connect, failure, goOffline, startEnv, stopEnv, type Env } from './user-settings.fixture'

let env: Env | undefined
afterEach(async () => {
  await stopEnv(env)
  env = undefined
})

describe('workspaces', () => {
  it('lists the own workspace (the current one) and the ones joined', async () => {
    env = await startEnv()
    await connect(env)
    const seed = env.server.seed!
    const r = await env.core.invoke('workspace.list', { refresh: true })
    expect(r.source).toBe('server')
    expect(r.value).toEqual([
      { id: seed.companyId, name: 'Demo Company', own: true, current: true },
      { id: seed.workspaces.researchLab.companyId, name: 'Research Lab', own: false, current: false }
    ])
  })

  it('signed in with a key of another workspace: that one is current, the own one is still the own one', async () => {
    env = await startEnv()
    const lab = env.server.seed!.workspaces.researchLab
    await connect(env, { user: { ...env.server.seed!.admin, ...lab.adminKey } })
    const r = await env.core.invoke('workspace.list', { refresh: true })
    expect(r.value.map((w) => [w.name, w.own, w.current])).toEqual([
      ['Demo Company', true, false],
      ['Research Lab', false, true]
    ])
    // leaving it would revoke the key this console signs in with
    const e = await failure(env, 'workspace.leave', { id: lab.companyId })
    expect(e.code).toBe('invalid_input')
    expect(e.details?.field).toBe('id')
    expect(e.message).toMatch(/signs in with/)
  })

  it('renames the workspace (admins only)', async () => {
    env = await startEnv()
    await connect(env)
    expect(await env.core.invoke('workspace.rename', { name: 'Demo Org' })).toEqual({ updated: 1 })
    const r = await env.core.invoke('workspace.list', { refresh: true })
    expect(r.value.find((w) => w.current)?.name).toBe('Demo Org')

    await connect(env, { user: env.server.seed!.member, name: 'Alice' })
    const e = await failure(env, 'workspace.rename', { name: 'Mine now' })
    expect(e.code).toBe('forbidden')
    expect(e.message).toMatch(/administrator/)
    expect((await failure(env, 'workspace.invite', { emails: ['x@example.com'] })).code).toBe('forbidden')
  })

  it('switches the active workspace (the web app’s preference), only to one of the user’s', async () => {
    env = await startEnv()
    await connect(env)
    const lab = env.server.seed!.workspaces.researchLab
    const before = (await api<{ preferences: Record<string, Record<string, unknown>> }>(env, 'users.get_preferences')).preferences
    expect(await env.core.invoke('workspace.switch', { id: lab.companyId })).toEqual({ switched: true })
    const after = (await api<{ preferences: Record<string, Record<string, unknown>> }>(env, 'users.get_preferences')).preferences
    expect(after).toEqual({ ...before, users: { ...(before.users ?? {}), activeWorkspace: lab.companyId } })
    expect((await failure(env, 'workspace.switch', { id: 'not-a-workspace' })).code).toBe('not_found')
  })

  it('invites by email and gives the link to send', async () => {
    env = await startEnv()
    await connect(env, { webUrl: 'https://app.example.com' })
    const r = await env.core.invoke('workspace.invite', { emails: ['dana@example.com', 'eve@example.com'] })
    expect(r.added).toBe(2)
    // the web app's invite link (server/README.md "Invite links"): the id of organization.create_invite, which
    // login.join_company accepts
    const m = /^https:\/\/app\.example\.com\/\?invite=([A-Za-z0-9_-]+)$/.exec(r.link)
    expect(m, r.link).not.toBeNull()
    const riley = env.server.seed!.workspaces.researchLab.owner
    const joined = await api<{ company_name: string }>(env, 'login.join_company', { invite_id: m![1] }, riley)
    expect(joined.company_name).toBe('Demo Company')
    const settings = await api<{ whitelist_entries: Array<{ email: string; status: string }> }>(env, 'login.get_settings')
    expect(settings.whitelist_entries.filter((e) => e.status === 'pending').map((e) => e.email)).toEqual(expect.arrayContaining(['dana@example.com', 'eve@example.com']))
    // inviting a pending address again renews its invite
    const again = await env.core.invoke('workspace.invite', { emails: ['dana@example.com'] })
    expect(again.added).toBe(1) // a pending invite is renewed
  })

  it('leaves a joined workspace (its keys go), never the own one', async () => {
    env = await startEnv()
    await connect(env)
    const seed = env.server.seed!
    const own = await failure(env, 'workspace.leave', { id: seed.companyId })
    expect(own.code).toBe('invalid_input')
    expect(own.details?.field).toBe('id')
    expect(own.message).toMatch(/own workspace/)

    const lab = seed.workspaces.researchLab
    expect(Object.keys((await env.core.invoke('credentials.list', { refresh: true })).value.otherWorkspaces)).toEqual([lab.companyId])
    expect(await env.core.invoke('workspace.leave', { id: lab.companyId })).toEqual({ left: true })
    expect((await env.core.invoke('workspace.list', { refresh: true })).value.map((w) => w.name)).toEqual(['Demo Company'])
    expect((await env.core.invoke('credentials.list', { refresh: true })).value.otherWorkspaces).toEqual({})
    expect((await failure(env, 'workspace.leave', { id: lab.companyId })).code).toBe('not_found')
    expect(env.core.status().state).toBe('online')
  })

  it('offline: the list from the cache, every write refused with the reason', async () => {
    env = await startEnv()
    await connect(env)
    const fresh = await env.core.invoke('workspace.list', { refresh: true })
    await goOffline(env)
    expect(await env.core.invoke('workspace.list', { refresh: true })).toEqual({ ...fresh, source: 'cache' })
    for (const [m, input] of [
      ['workspace.rename', { name: 'x' }],
      ['workspace.switch', { id: 'x' }],
      ['workspace.invite', { emails: ['a@example.com'] }],
      ['workspace.leave', { id: 'x' }]
    ] as const) {
      const e = await failure(env, m, input as never)
      expect(e.code, m).toBe('offline')
      expect(e.message).toMatch(/cannot be reached/)
    }
  })

  it('an open-source server has one workspace and no such endpoints: unsupported, with the reason', async () => {
    env = await startEnv('basic')
    await connect(env)
    for (const [m, input] of [
      ['workspace.list', { refresh: true }],
      ['workspace.rename', { name: 'x' }],
      ['workspace.switch', { id: 'x' }],
      ['workspace.invite', { emails: ['a@example.com'] }],
      ['workspace.leave', { id: 'x' }]
    ] as const) {
      const e = await failure(env, m, input as never)
      expect(e.code, m).toBe('unsupported')
      expect(e.message, m).toMatch(/ClearML Enterprise/)
    }
  })
})
