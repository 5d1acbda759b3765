// The secrets of User Settings go in (or come out once) and are never kept in plain text: cloud access keys,
// storage cleanup secrets, a new credential's secret key and a new gateway token never appear in the SQLite files
// (raw bytes of console.db and its WAL/backup), in the log output (every level), or in any later answer.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addLogSink, setLogLevel, setStderrLogging, type LogRecord } from '../../electron/core/log'
import { api, connect, startEnv, stopEnv, type Env } from './user-settings.fixture'

let env: Env | undefined
const lines: string[] = []
let off: (() => void) | undefined
beforeEach(() => {
  lines.length = 0
  setStderrLogging(false)
  setLogLevel('debug')
  off = addLogSink((r: LogRecord) => lines.push(r.line))
})
afterEach(async () => {
  off?.()
  setLogLevel('info')
  setStderrLogging(true)
  await stopEnv(env)
  env = undefined
})

/** Every console.db* file of the core's data folder, as raw bytes (latin1 keeps every byte one character). */
const dbBytes = (e: Env) =>
  readdirSync(join(e.dir, 'core'))
    .filter((f) => f.startsWith('console.db'))
    .map((f) => readFileSync(join(e.dir, 'core', f)).toString('latin1'))
    .join('\n')

describe('user settings secrets', () => {
  it('never sit in SQLite, the log or a later answer', async () => {
    env = await startEnv()
    await connect(env)
    const secrets: string[] = ['CLOUD-SECRET-7f3a9c', 'CLOUD-TOKEN-2b8e41', 'STORAGE-AWS-SECRET-91d0', 'STORAGE-BUCKET-SECRET-5c2e', 'STORAGE-BUCKET-TOKEN-a04f', 'STORAGE-AZURE-KEY-6e1b', 'STORAGE-GCS-PRIVATE-3d9a']

    const cloud = await env.core.invoke('cloudAccess.save', { bucket: 'b', key: 'AKIA-PUBLIC', secret: secrets[0], token: secrets[1], endpoint: 'minio.local:9000' })
    const storage = await env.core.invoke('storage.set', {
      aws: {
        key: 'AKIA-S',
        secret: secrets[2],
        region: '',
        useCredentialsChain: false,
        buckets: [{ ref: null, bucket: 'bk', host: '', key: 'K', secret: secrets[3], token: secrets[4], region: '', secure: true, verify: true, useCredentialsChain: false }]
      },
      azure: { containers: [{ ref: null, accountName: 'acct', accountKey: secrets[5], containerName: '' }] },
      google: { project: 'p', credentialsJson: JSON.stringify({ private_key: secrets[6] }), buckets: [] }
    })
    // saved again with the secrets left out (kept from the server): still nothing of them here
    await env.core.invoke('storage.set', { aws: { key: 'AKIA-S', region: 'r', useCredentialsChain: false, buckets: storage.value.aws.buckets.map(({ hasSecret: _s, hasToken: _t, ...b }) => b) } })
    const cred = await env.core.invoke('credentials.create', { label: 'secret test' })
    secrets.push(cred.secretKey)
    const { token } = await env.core.invoke('gateway.generate', { label: 'secret test', expirationDays: 7 })
    secrets.push(token)
    // a failing write (the server errs) logs nothing secret either
    env.server.failNext('storage.set_user_settings', 'error', 'before')
    const failed = await env.core.dispatch('storage.set', { azure: { containers: [{ ref: null, accountName: 'x', accountKey: 'STORAGE-FAILED-KEY-0c1d', containerName: '' }] } })
    expect(failed.ok).toBe(false)
    secrets.push('STORAGE-FAILED-KEY-0c1d')

    // the server did get them (so the test is not vacuous)
    const wire = await api<{ aws: { secret: string; buckets: Array<{ secret: string }> } }>(env, 'storage.get_user_settings')
    expect(wire.aws.secret).toBe(secrets[2])
    expect(wire.aws.buckets[0].secret).toBe(secrets[3])

    // every later answer
    const answers = JSON.stringify([
      cloud,
      storage,
      await env.core.invoke('cloudAccess.list', {}),
      await env.core.invoke('storage.get', { refresh: true }),
      await env.core.invoke('credentials.list', { refresh: true }),
      await env.core.invoke('gateway.tokens', { refresh: true }),
      await env.core.invoke('preferences.get', { refresh: true }),
      await env.core.invoke('workspace.list', { refresh: true })
    ])
    expect(answers).toContain('"hasSecret":true')
    const stillOpen = dbBytes(env)
    await env.core.close()
    const closed = dbBytes(env)
    expect(closed.length).toBeGreaterThan(0)

    const log = lines.join('\n')
    expect(lines.length).toBeGreaterThan(0)
    for (const s of secrets) {
      expect(answers, 'answers').not.toContain(s)
      expect(stillOpen, 'database (open)').not.toContain(s)
      expect(closed, 'database (closed)').not.toContain(s)
      expect(log, 'log').not.toContain(s)
    }
    // the gateway token is not even kept by its last characters
    expect(stillOpen + closed).not.toContain(token.slice(-8))
  })
})
