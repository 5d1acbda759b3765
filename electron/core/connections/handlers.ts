// connections.*: the saved connection profiles (local data) and testing a server.
import { pageOf, type ConnectionInfo, type HandlersOf, type TestConnectionResult } from '../../../shared/api'
import type { connectionsMethods } from '../../../shared/api/methods/connections'
import { ClearmlClient, ClearmlError } from '../clearml'
import type { CoreContext } from '../context'
import { publicInfo } from './repo'

const failed = (failedStep: 'ping' | 'login', message: string, latencyMs: number | null = null): TestConnectionResult => ({
  ok: false,
  latencyMs,
  serverVersion: null,
  apiVersion: null,
  featureSet: null,
  user: null,
  failedStep,
  message
})

/** Ping, then log in: which step failed, and the server's own words. */
async function testServer(opts: { apiUrl: string; accessKey: string; secretKey: string; verifyTls: boolean; caFile: string | null }): Promise<TestConnectionResult> {
  const client = new ClearmlClient({ ...opts, caFile: opts.caFile ?? undefined, retries: 0, timeoutMs: 8000 })
  try {
    const r = await client.testConnection()
    return {
      ok: true,
      latencyMs: r.latencyMs,
      serverVersion: r.serverVersion,
      apiVersion: r.apiVersion,
      featureSet: r.featureSet,
      user: { name: r.identity.user_name, role: r.identity.role, company: r.identity.company_name },
      failedStep: null,
      message: `Connected in ${r.latencyMs} ms`
    }
  } catch (err) {
    const unreachable = err instanceof ClearmlError && (err.kind === 'network' || err.kind === 'timeout' || (err.kind === 'not_found' && err.endpoint === 'debug.ping'))
    return failed(unreachable ? 'ping' : 'login', (err as Error).message)
  } finally {
    client.close()
  }
}

const searchFields = (c: ConnectionInfo) => [c.name, c.apiUrl, c.webUrl, c.accessKey]
const orderField = (c: ConnectionInfo, key: string) => (key === 'updatedAt' ? c.updatedAt : key === 'apiUrl' ? c.apiUrl : c.name)

export function connectionsHandlers(ctx: CoreContext): HandlersOf<typeof connectionsMethods> {
  const { connections: repo, session } = ctx
  return {
    'connections.list': async (q) => ({
      ...pageOf(repo.list().map(publicInfo), q, { search: searchFields, order: orderField }),
      source: 'local',
      fetchedAt: Date.now()
    }),
    'connections.create': async ({ activate, ...input }) => {
      const created = repo.create(input)
      if (activate || !repo.activeId()) {
        repo.setActive(created.id)
        session.activate(created.id)
      }
      return publicInfo(repo.require(created.id))
    },
    'connections.update': async ({ id, patch }) => {
      const updated = repo.update(id, patch)
      if (session.connection?.id === id) session.activate(id)
      return publicInfo(updated)
    },
    'connections.delete': async ({ id }) => {
      repo.require(id)
      const wasActive = session.connection?.id === id
      const deleted = repo.delete(id)
      if (wasActive) {
        repo.setActive(null)
        session.activate(null)
      }
      return { deleted }
    },
    'connections.activate': async ({ id }) => {
      repo.require(id)
      repo.setActive(id)
      session.activate(id)
      await session.connect()
      return ctx.status()
    },
    'connections.test': async (input) => {
      if ('id' in input) {
        const c = repo.require(input.id)
        const secretKey = repo.secretOf(c)
        if (!secretKey) return failed('login', 'The stored secret key cannot be read on this machine; enter it again.')
        return testServer({ apiUrl: c.apiUrl, accessKey: c.accessKey, secretKey, verifyTls: c.verifyTls, caFile: c.caFile })
      }
      const d = input.draft
      if (!d.secretKey) return failed('login', 'Enter the secret key to test.')
      return testServer({ apiUrl: d.apiUrl.replace(/\/+$/, ''), accessKey: d.accessKey, secretKey: d.secretKey, verifyTls: d.verifyTls, caFile: d.caFile })
    }
  }
}
