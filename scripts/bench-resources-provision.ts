// resources.provision.1000_entities: one click of Provision for a configuration of 300 pools, 1,000 profiles
// and 3,000 links, on loopback against the reference server (drafts.apply: the plan check, Save, Publish),
// with the number of requests it made, which must equal the count for a single entity.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, request } from 'node:http'
import { RESOURCE_CONFIGURATION_ID, type Draft } from '../shared/api/index.ts'
import { createCore } from '../electron/core/index.ts'
import { startServer } from '../server/src/index.ts'
import { largeResourceDoc } from './resources-fixture.ts'

export async function benchResourceProvision() {
  const dir = mkdtempSync(join(tmpdir(), 'console-bench-res-'))
  const server = await startServer({ port: 0, dataDir: join(dir, 'server'), seed: 'demo', featureSet: 'enterprise', quiet: true })
  // count requests through a loopback proxy
  const paths: string[] = []
  const to = new URL(server.url)
  const proxy = createServer((req, res) => {
    paths.push(req.url ?? '')
    const up = request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers)
      r.pipe(res)
    })
    up.on('error', () => res.destroy())
    req.pipe(up)
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()))
  const core = await createCore({ dataDir: join(dir, 'core') })
  try {
    const admin = server.seed!.admin
    await core.invoke('connections.create', { name: 'Bench', apiUrl: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`, accessKey: admin.accessKey, secretKey: admin.secretKey })
    for (let i = 0; i < 100 && core.status().state !== 'online'; i++) await new Promise((r) => setTimeout(r, 50))
    const run = async (doc: ReturnType<typeof largeResourceDoc>) => {
      const d = (await core.invoke('drafts.open', { kind: 'resources', serverId: RESOURCE_CONFIGURATION_ID })) as Draft<'resources'>
      await core.invoke('drafts.save', { id: d.id, draft: { kind: 'resources', content: doc } })
      const plan = await core.invoke('drafts.plan', { ids: [d.id] })
      const before = paths.length
      const t = performance.now()
      const outcome = await core.invoke('drafts.apply', { ids: [d.id], expected: { [d.id]: plan.items[0].serverHash } })
      const ms = performance.now() - t
      if (outcome.applied !== 1) throw new Error(`provisioning failed: ${outcome.items[0]?.message}`)
      return { ms, requests: paths.length - before }
    }
    const one = await run(largeResourceDoc(1, 1, 1, 'one'))
    const times: number[] = []
    let requests = 0
    for (let i = 0; i < 5; i++) {
      const r = await run(largeResourceDoc(300, 1000, 3000, `big${i}`))
      times.push(r.ms)
      requests = r.requests
    }
    times.sort((a, b) => a - b)
    return {
      name: 'resources.provision.1000_entities',
      value: Math.round(times[Math.floor(times.length / 2)]),
      unit: 'ms',
      goal: '< 500',
      requests,
      requests_for_1_entity: one.requests
    }
  } finally {
    await core.close().catch(() => {})
    proxy.closeAllConnections()
    proxy.close()
    await server.close().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}
