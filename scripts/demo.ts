// `npm run demo`: the reference server with demo data plus the web host, already connected.
// A newcomer tries the product in a browser with one command.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createCore } from '../electron/core'
import { startWebHost } from '../electron/web-host/server'
import { startServer } from '../server/src/index'

const root = resolve(import.meta.dirname, '..')
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(root, '.data', 'demo') },
    port: { type: 'string', default: '0' },
    'server-port': { type: 'string', default: '0' },
    'feature-set': { type: 'string', default: 'enterprise' }
  }
})
const dataDir = resolve(values.data!)
mkdirSync(dataDir, { recursive: true })
const featureSet = values['feature-set'] === 'basic' ? 'basic' : 'enterprise'

// Enterprise demos also run a loopback OpenID provider (the seed's "Demo OIDC" configuration points at it) and a
// loopback SAML 2.0 IdP (startServer keeps a "Demo SAML (loopback)" connection pointed at it: its URL and certificate
// are new at every run, so the seed cannot hold them).
const enterprise = featureSet === 'enterprise'
const server = await startServer({ port: Number(values['server-port']), dataDir: join(dataDir, 'server'), seed: 'demo', featureSet, quiet: true, oidc: enterprise, saml: enterprise })
const core = await createCore({ dataDir: join(dataDir, 'console') })
const admin = server.seed!.admin
// Point the demo connection at this run's server (its port may change between runs).
const existing = (await core.invoke('connections.list', { search: 'Demo server' })).items.find((c) => c.name === 'Demo server')
if (existing) {
  await core.invoke('connections.update', { id: existing.id, patch: { apiUrl: server.url, webUrl: '', filesUrl: '', accessKey: admin.accessKey, secretKey: admin.secretKey } })
  await core.invoke('connections.activate', { id: existing.id })
} else {
  await core.invoke('connections.create', { name: 'Demo server', apiUrl: server.url, accessKey: admin.accessKey, secretKey: admin.secretKey })
}
const host = await startWebHost({ core, port: Number(values.port), staticDir: join(root, 'out', 'renderer') })

console.log(`Reference ClearML server (${featureSet}): ${server.url}  (demo admin: ${admin.name})`)
if (server.oidc) console.log(`Loopback OpenID provider: ${server.oidc.issuer}`)
if (server.saml) console.log(`Loopback SAML IdP: ${server.saml.url}  (metadata: ${server.saml.metadataUrl})`)
console.log(`Console data: ${dataDir}`)
console.log(`\nOpen the console: ${host.openUrl}\n`)
console.log('Press Ctrl+C to stop.')

const stop = async () => {
  await host.close()
  await core.close()
  await server.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
