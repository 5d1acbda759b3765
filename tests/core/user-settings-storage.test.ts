// User settings › Storage Cleanup against the reference server: the personal storage credentials read without a
// secret (has* flags and a ref per entry), saved per provider with omitted secrets kept from the same entry,
// refused at the field when that entry is no longer the same, reset per provider; cached, offline and basic.
import { afterEach, describe, expect, it } from 'vitest'
import type { MethodInput } from '../../shared/api'
import { api, connect, failure, goOffline, startEnv, stopEnv, type Env } from './user-settings.fixture'

let env: Env | undefined
afterEach(async () => {
  await stopEnv(env)
  env = undefined
})

type Wire = Record<string, Record<string, unknown> & { buckets?: Array<Record<string, unknown>>; containers?: Array<Record<string, unknown>> }>
const wire = (e: Env) => api<Wire>(e, 'storage.get_user_settings')

const GOOGLE_JSON = JSON.stringify({ type: 'service_account', private_key: 'google-private-key-1' })

const full: MethodInput<'storage.set'> = {
  aws: {
    key: 'AKIA-DEFAULT',
    secret: 'aws-default-secret',
    token: 'aws-default-token',
    region: 'us-east-1',
    useCredentialsChain: false,
    buckets: [
      { ref: null, bucket: 'models', host: '', key: 'AKIA-B0', secret: 'bucket0-secret', region: 'us-east-2', secure: true, verify: true, useCredentialsChain: false },
      { ref: null, bucket: 'artifacts', host: 'minio.local:9000', key: 'AKIA-B1', secret: 'bucket1-secret', token: 'bucket1-token', region: '', secure: false, verify: false, useCredentialsChain: false }
    ]
  },
  google: { project: 'proj', credentialsJson: GOOGLE_JSON, buckets: [{ ref: null, bucket: 'gcs-b', project: 'proj', credentialsJson: GOOGLE_JSON }] },
  azure: { containers: [{ ref: null, accountName: 'acct', accountKey: 'azure-account-key-1', containerName: 'c1' }] }
}

describe('storage cleanup credentials', () => {
  it('reads empty settings, saves them, and reads them back without a secret', async () => {
    env = await startEnv()
    await connect(env)
    const empty = await env.core.invoke('storage.get', { refresh: true })
    expect(empty.value).toEqual({
      aws: { key: '', hasSecret: false, hasToken: false, region: '', useCredentialsChain: false, buckets: [] },
      google: { project: '', hasCredentialsJson: false, buckets: [] },
      azure: { containers: [] },
      lastUpdate: null
    })
    const saved = await env.core.invoke('storage.set', full)
    expect(saved.source).toBe('server')
    expect(saved.value.aws).toMatchObject({ key: 'AKIA-DEFAULT', hasSecret: true, hasToken: true, region: 'us-east-1' })
    expect(saved.value.aws.buckets).toEqual([
      { ref: 'aws.buckets.0', bucket: 'models', subdir: '', host: '', key: 'AKIA-B0', hasSecret: true, hasToken: false, multipart: true, acl: '', secure: true, region: 'us-east-2', verify: true, useCredentialsChain: false },
      { ref: 'aws.buckets.1', bucket: 'artifacts', subdir: '', host: 'minio.local:9000', key: 'AKIA-B1', hasSecret: true, hasToken: true, multipart: true, acl: '', secure: false, region: '', verify: false, useCredentialsChain: false }
    ])
    expect(saved.value.google).toEqual({ project: 'proj', hasCredentialsJson: true, buckets: [{ ref: 'google.buckets.0', bucket: 'gcs-b', project: 'proj', subdir: '', hasCredentialsJson: true }] })
    expect(saved.value.azure).toEqual({ containers: [{ ref: 'azure.containers.0', accountName: 'acct', hasAccountKey: true, containerName: 'c1' }] })
    expect(saved.value.lastUpdate).not.toBeNull()
    const text = JSON.stringify(await env.core.invoke('storage.get', { refresh: true }))
    for (const s of ['aws-default-secret', 'aws-default-token', 'bucket0-secret', 'bucket1-secret', 'bucket1-token', 'google-private-key-1', 'azure-account-key-1']) expect(text).not.toContain(s)
    // what the server holds
    const w = await wire(env)
    expect(w.aws.secret).toBe('aws-default-secret')
    expect(w.aws.buckets![1]).toMatchObject({ bucket: 'artifacts', secret: 'bucket1-secret', token: 'bucket1-token' })
  })

  it('an omitted secret keeps the stored one of the same entry, also when the list is reordered; "" clears it', async () => {
    env = await startEnv()
    await connect(env)
    const read = (await env.core.invoke('storage.set', full)).value
    const [b0, b1] = read.aws.buckets
    // reordered, one key changed, secrets left out; the default secret cleared, its token kept
    await env.core.invoke('storage.set', {
      aws: {
        key: 'AKIA-DEFAULT',
        secret: '',
        region: 'us-east-1',
        useCredentialsChain: false,
        buckets: [
          { ...b1, key: 'AKIA-B1-NEW' },
          { ...b0, region: 'eu-west-1' }
        ].map(({ hasSecret: _s, hasToken: _t, ...b }) => b)
      }
    })
    const w = await wire(env)
    expect(w.aws).toMatchObject({ secret: '', token: 'aws-default-token' })
    expect(w.aws.buckets).toMatchObject([
      { bucket: 'artifacts', key: 'AKIA-B1-NEW', secret: 'bucket1-secret', token: 'bucket1-token' },
      { bucket: 'models', region: 'eu-west-1', secret: 'bucket0-secret', token: '' }
    ])
    // google and azure were not given: untouched
    expect(w.azure.containers![0]).toMatchObject({ account_name: 'acct', account_key: 'azure-account-key-1' })
    expect(w.google).toMatchObject({ credentials_json: GOOGLE_JSON })

    // a typed secret replaces the stored one
    await env.core.invoke('storage.set', { azure: { containers: [{ ref: 'azure.containers.0', accountName: 'acct', accountKey: 'azure-account-key-2', containerName: 'c2' }] } })
    expect((await wire(env)).azure.containers![0]).toMatchObject({ account_key: 'azure-account-key-2', container_name: 'c2' })
  })

  it('refuses, at the field, to carry a secret over to an entry that is no longer the one it was read as', async () => {
    env = await startEnv()
    await connect(env)
    const read = (await env.core.invoke('storage.set', full)).value
    const strip = ({ hasSecret: _s, hasToken: _t, ...b }: (typeof read.aws.buckets)[number]) => b
    // the bucket was renamed in the form: its secret must be typed again
    const renamed = await failure(env, 'storage.set', {
      aws: { key: 'AKIA-DEFAULT', region: 'us-east-1', useCredentialsChain: false, buckets: [strip(read.aws.buckets[0]), { ...strip(read.aws.buckets[1]), bucket: 'renamed' }] }
    })
    expect(renamed.code).toBe('invalid_input')
    expect(renamed.details?.field).toBe('aws.buckets.1.secret')
    expect(renamed.details?.issues?.[0].path).toBe('aws.buckets.1.secret')
    // or it changed on the server since it was read (someone else saved in between)
    await api(env, 'storage.set_user_settings', { azure: { containers: [{ account_name: 'other', account_key: 'k', container_name: '' }] } })
    const moved = await failure(env, 'storage.set', { azure: { containers: [{ ref: 'azure.containers.0', accountName: 'acct', containerName: 'c1' }] } })
    expect(moved.details?.field).toBe('azure.containers.0.accountKey')
    // a ref to an entry that no longer exists
    const gone = await failure(env, 'storage.set', { google: { project: 'p', buckets: [{ ref: 'google.buckets.7', bucket: 'gcs-b', project: 'p' }] } })
    expect(gone.details?.field).toBe('google.buckets.0.credentialsJson')
    // nothing was written by the refused calls
    expect((await wire(env)).aws.buckets).toHaveLength(2)
    expect((await wire(env)).azure.containers![0].account_name).toBe('other')
  })

  it('resets a provider to its defaults, keeping the others', async () => {
    env = await startEnv()
    await connect(env)
    await env.core.invoke('storage.set', full)
    const r = await env.core.invoke('storage.reset', { keys: ['aws'] })
    expect(r.value.aws).toEqual({ key: '', hasSecret: false, hasToken: false, region: '', useCredentialsChain: false, buckets: [] })
    expect(r.value.azure.containers).toHaveLength(1)
    expect((await wire(env)).aws.buckets).toEqual([])
  })

  it('offline: the settings from the cache (which holds no secret), writes refused with the reason', async () => {
    env = await startEnv()
    await connect(env)
    const saved = await env.core.invoke('storage.set', full)
    await goOffline(env)
    const cached = await env.core.invoke('storage.get', { refresh: true })
    expect(cached.source).toBe('cache')
    expect(cached.value).toEqual(saved.value)
    const e = await failure(env, 'storage.set', { azure: { containers: [] } })
    expect(e.code).toBe('offline')
    expect(e.message).toMatch(/cannot be reached/)
    expect((await failure(env, 'storage.reset', { keys: ['azure'] })).code).toBe('offline')
  })

  it('an open-source server: unsupported, with the reason', async () => {
    env = await startEnv('basic')
    await connect(env)
    for (const [m, input] of [
      ['storage.get', { refresh: true }],
      ['storage.set', { azure: { containers: [] } }],
      ['storage.reset', { keys: ['aws'] }]
    ] as const) {
      const e = await failure(env, m, input as never)
      expect(e.code, m).toBe('unsupported')
      expect(e.message).toMatch(/Storage cleanup credentials need ClearML Enterprise/)
    }
  })
})
