import { parseArgs } from 'node:util'
import { type StartOptions, startServer } from './index'

/**
 * npm run server -- --port N --data DIR [--seed demo|large|none] [--feature-set basic|enterprise]
 *                   [--latency MS] [--error-rate P] [--reset-rate P] [--host H] [--token-ttl SEC] [--quiet]
 *                   [--credentials-max-expiration SEC] [--credentials-default-expiration SEC] [--max-credentials N]
 *                   [--router-token-max-expiration SEC] [--block-user-script]
 *                   [--oidc] [--oidc-port N] [--permissions on|off] [--allowed-service-users N] [--allow-service-user-admins]
 */

const USAGE = `Usage: npm run server -- [--port N] [--data DIR] [--seed demo|large|none] [--feature-set basic|enterprise]
                         [--latency MS] [--error-rate P] [--reset-rate P] [--host H] [--token-ttl SEC] [--quiet]
                         [--credentials-max-expiration SEC] [--credentials-default-expiration SEC] [--max-credentials N]
                         [--router-token-max-expiration SEC] [--block-user-script]
                         [--oidc] [--oidc-port N] [--permissions on|off] [--allowed-service-users N] [--allow-service-user-admins]`

function fail(msg: string): never {
  process.stderr.write(`${msg}\n${USAGE}\n`)
  process.exit(2)
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n)) fail(`--${name} expects a number, got "${v}"`)
  return n
}

/** The "LOCAL PYTHON" snippet of the web app (clearml-api.md §4); no web/files server here, so web_server = api_server. */
export function credentialsSnippet(url: string, accessKey: string, secretKey: string): string {
  return [
    'api {',
    `  web_server: ${url}`,
    `  api_server: ${url}`,
    '  credentials {',
    `    "access_key" = "${accessKey}"`,
    `    "secret_key" = "${secretKey}"`,
    '  }',
    '}'
  ].join('\n')
}

async function main(): Promise<void> {
  let values
  try {
    ;({ values } = parseArgs({
      options: {
        port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, seed: { type: 'string' },
        'feature-set': { type: 'string' }, latency: { type: 'string' }, 'error-rate': { type: 'string' },
        'reset-rate': { type: 'string' }, 'token-ttl': { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        'credentials-max-expiration': { type: 'string' }, 'credentials-default-expiration': { type: 'string' },
        'max-credentials': { type: 'string' }, 'router-token-max-expiration': { type: 'string' }, 'block-user-script': { type: 'boolean' },
        oidc: { type: 'boolean' }, 'oidc-port': { type: 'string' }, permissions: { type: 'string' }, 'allowed-service-users': { type: 'string' },
        'allow-service-user-admins': { type: 'boolean' }
      },
      strict: true
    }))
  } catch (e) {
    fail((e as Error).message)
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const seed = values.seed ?? 'none'
  if (seed !== 'demo' && seed !== 'large' && seed !== 'none') fail(`--seed must be demo, large or none`)
  const permissions = values.permissions
  if (permissions !== undefined && permissions !== 'on' && permissions !== 'off') fail(`--permissions must be on or off`)
  const oidcPort = num('oidc-port', values['oidc-port'])
  const featureSet = values['feature-set'] ?? 'basic'
  if (featureSet !== 'basic' && featureSet !== 'enterprise') fail(`--feature-set must be basic or enterprise`)
  const opts: StartOptions = {
    port: num('port', values.port) ?? 8008,
    host: values.host,
    dataDir: values.data,
    seed,
    featureSet,
    tokenTtlSec: num('token-ttl', values['token-ttl']),
    faults: { latencyMs: num('latency', values.latency), errorRate: num('error-rate', values['error-rate']), resetRate: num('reset-rate', values['reset-rate']) },
    quiet: values.quiet,
    credentialsMaxExpirationSec: num('credentials-max-expiration', values['credentials-max-expiration']),
    credentialsDefaultExpirationSec: num('credentials-default-expiration', values['credentials-default-expiration']),
    maxCredentials: num('max-credentials', values['max-credentials']),
    routerTokenMaxExpirationSec: num('router-token-max-expiration', values['router-token-max-expiration']),
    blockUserScript: values['block-user-script'],
    oidc: values.oidc || oidcPort !== undefined ? { port: oidcPort } : undefined,
    permissionsEnabled: permissions === undefined ? undefined : permissions === 'on',
    allowedServiceUsers: num('allowed-service-users', values['allowed-service-users']),
    allowServiceUserAdmins: values['allow-service-user-admins']
  }
  let server
  try {
    server = await startServer(opts)
  } catch (e) {
    fail(`cannot start: ${(e as Error).message}`)
  }
  const out: string[] = [`ClearML reference server listening on ${server.url}`]
  if (!values.data) out.push('(no --data given: using a temporary data dir, deleted on exit)')
  if (featureSet === 'enterprise') {
    out.push('feature set: enterprise (configuration vaults, vault operations log, user groups, resource configuration and policies, ' +
      'credential expiry, workspaces, router tokens, personal storage credentials, users and service accounts, access rules, identity providers ' +
      'and usage enabled)')
  }
  if (server.oidc) {
    out.push(`Loopback OpenID provider: ${server.oidc.issuer} (discovery ${server.oidc.discoveryUrl}); client ${server.oidc.clientId}` +
      (server.oidc.configurationId ? `, used by the demo connection "Demo OIDC (loopback)"` : `, secret ${server.oidc.clientSecret}`))
  }
  if (seed === 'large' && server.seed) {
    const c = server.seed.counts
    out.push(`large seed: ${c.users} users, ${c.groups} groups, ${c.accessRules} access rules, ${c.projects} projects, ${c.tasks} tasks`)
  }
  if (seed !== 'none' && server.seed) {
    const { admin, member, outsider } = server.seed
    out.push('', `Demo admin "${admin.name}":`, `  access key: ${admin.accessKey}`, `  secret key: ${admin.secretKey}`, '',
      'clearml.conf snippet:', credentialsSnippet(server.url, admin.accessKey, admin.secretKey), '')
    if (featureSet === 'enterprise') {
      for (const [what, u] of [['member of "ML Team"', member], ['in no custom group', outsider]] as const) {
        out.push(`Demo user "${u.name}" (${what}): access key ${u.accessKey}, secret key ${u.secretKey}`)
      }
      const lab = server.seed.workspaces?.researchLab
      if (lab) out.push(`Workspace "${lab.companyName}": the demo admin's key there: access key ${lab.adminKey.accessKey}, secret key ${lab.adminKey.secretKey}`)
      for (const svc of Object.values(server.seed.organisation?.serviceAccounts ?? {})) {
        out.push(`Service account "${svc.name}": access key ${svc.accessKey}, secret key ${svc.secretKey} (expires ${svc.expire ?? 'never'})`)
      }
      out.push('')
    }
  }
  process.stdout.write(out.join('\n') + '\n')

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    process.stderr.write(`received ${signal}, shutting down\n`)
    server.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

void main()
