import { createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { type FaultOptions, type TargetedFaultKind, type TargetedFaultPhase, clientErrorResponse, createApp } from './app'
import { identityOf } from './auth'
import {
  API_VERSION, type CredentialPolicy, ENTERPRISE_FEATURES, type Endpoint, type Identity, MAX_EXPIRATION_SEC, SERVER_BUILD, SERVER_VERSION,
  type ServerContext
} from './endpoint'
import { setPermissionsEnabled } from './access'
import { groupFlags } from './groups'
import { AdminStore } from './admin-store'
import { signJwt } from './jwt'
import { type RunningOidcProvider, startOidcProvider } from './oidc-provider'
import { type RunningSamlIdp, startSamlIdp } from './saml-idp'
import { mergeConfiguration, providerInfo, templateSections } from './sso'
import { ResourceStore, type ResourceTaskRow } from './resources-store'
import { DEMO_OIDC_CLIENT_ID, DEMO_OIDC_USERS, type SeedInfo, demoOidcEndpoints, loadSeedInfo, seedDemo } from './seed'
import { Store, newId } from './store'
import { accessRuleEndpoints } from './services/access-rules'
import { adminUserEndpoints } from './services/admin-users'
import { authEndpoints, enterpriseAuthEndpoints } from './services/auth'
import { objectEndpoints, queueEndpoints } from './services/objects'
import { ssoEndpoints } from './services/sso'
import { usageEndpoints } from './services/usage'
import { groupEndpoints } from './services/groups'
import { basicStatsEndpoints, enterpriseStatsEndpoints, miscEndpoints } from './services/misc'
import { resourceEndpoints } from './services/resources'
import { basicStorageEndpoints, enterpriseStorageEndpoints } from './services/storage'
import { userEndpoints } from './services/users'
import { vaultEndpoints } from './services/vaults'
import { workspaceEndpoints } from './services/workspaces'

export type { FaultOptions, TargetedFaultKind, TargetedFaultPhase } from './app'
export type { SeedCounts, SeedInfo, SeedOrganisation, SeedResources, SeedServiceAccount, SeedUser, SeedWorkspace } from './seed'
export { DEMO_OIDC_USERS, LARGE_SEED } from './seed'
export { type OidcTestClient, type OidcTestUser, type RunningOidcProvider, type StartOidcProviderOptions, startOidcProvider } from './oidc-provider'
export { type RunningSamlIdp, type SamlIdpMisbehaviour, type SamlTestUser, type StartSamlIdpOptions, startSamlIdp } from './saml-idp'
export { API_VERSION, ENTERPRISE_FEATURES, MAX_EXPIRATION_SEC, SERVER_VERSION } from './endpoint'
export { RUNTIME_CONFIG_PATH } from './app'
export { USERS_GROUP_ID } from './store'
export { PREVIEW_MASK } from './preview'

export interface StartOptions {
  port?: number
  host?: string
  dataDir?: string
  /** 'demo' (default), 'large' (the demo plus bulk data for benchmarks: LARGE_SEED), 'none'. Only an empty data dir is seeded. */
  seed?: 'demo' | 'large' | 'none'
  featureSet?: 'basic' | 'enterprise'
  tokenTtlSec?: number
  faults?: FaultOptions
  quiet?: boolean
  /** The server's clock (ms since epoch): tests pass one they can move instead of waiting. Default Date.now. */
  now?: () => number
  /** users.get_current_user's supported_features on the enterprise feature set. Default ENTERPRISE_FEATURES. */
  supportedFeatures?: readonly string[]
  /**
   * Enterprise: the longest `expiration_sec` a non-admin may give auth.create_credentials (seconds). 0 or null = no cap.
   * Default 7776000 (90 days). With a cap, non-admins cannot create keys that never expire.
   */
  credentialsMaxExpirationSec?: number | null
  /**
   * Enterprise: the expiry of a non-admin's new key when `expiration_sec` is absent (seconds). 0 or null = never
   * expires, only allowed without a cap. Default: the cap. Admins' keys never expire unless they ask.
   */
  credentialsDefaultExpirationSec?: number | null
  /** Enterprise: how many keys one user may hold in one workspace (auth.get_credentials max_credentials). Default 10. */
  maxCredentials?: number
  /** Enterprise: the longest (and default) expiry of an App Gateway router token (seconds). Default 31536000 (1 year). */
  routerTokenMaxExpirationSec?: number
  /**
   * The web app runtime configuration's `blockUserScript` (GET /configuration.json): the "Block running user's
   * scripts" preference is enforced by the administrator. Default false.
   */
  blockUserScript?: boolean
  /**
   * Enterprise service accounts (users.get_service_users): how many a company may have (null = no limit, the default)
   * and whether they may be admins (default false: the enterprise server's allow_service_user_admins).
   */
  allowedServiceUsers?: number | null
  allowServiceUserAdmins?: boolean
  /**
   * Permissions (RBAC) on or off for every company, written to each company's setting at start (it persists). Default:
   * leave the stored settings (new companies and the seeded ones: on).
   */
  permissionsEnabled?: boolean
  /**
   * Also run a loopback OpenID provider (oidc-provider.ts) for the demo: its users are DEMO_OIDC_USERS, its client the
   * demo configuration's ("Demo OIDC (loopback)", whose endpoints and web app URL are pointed at it and at this server
   * at start). `true` = a free port; `{port}` to choose one. Closed by close().
   */
  oidc?: boolean | { port?: number }
  /**
   * Also run a loopback SAML 2.0 IdP (saml-idp.ts) for the demo: its users are DEMO_OIDC_USERS (NameID = sub), its key
   * and certificate fresh at every start. The seeded company gets (or keeps) a "Demo SAML (loopback)" connection
   * (provider `saml`, entity ID DEMO_SAML_ENTITY_ID) whose IdP metadata, web app URL and ACS URL are pointed at it and
   * at this server at start: the seed cannot hold it, as neither the IdP's URL nor its certificate exists before.
   * `true` = a free port; `{port}` to choose one. Closed by close().
   */
  saml?: boolean | { port?: number }
}

/** The service provider entity ID of the "Demo SAML (loopback)" connection (StartOptions.saml). */
export const DEMO_SAML_ENTITY_ID = 'clearml-demo-sp'
export const DEMO_SAML_DISPLAY_NAME = 'Demo SAML (loopback)'

export interface RunningServer {
  url: string
  port: number
  seed?: SeedInfo
  setFaults(f: FaultOptions): void
  /**
   * Test hook: a one-shot fault for the next call of `endpointName` that reaches `when`. 'before': the handler does not
   * run and the call fails; 'after': the handler runs (and commits), then the call fails. 'error' answers 500/0
   * `General error (injected fault …)`, 'reset' destroys the socket, 'hang' never answers (the client must give up;
   * close() still works). One fault per endpoint (arming again replaces it); calls that stop earlier (auth,
   * validation, or a handler error for 'after') leave it armed. Throws for an unknown endpoint, kind or phase.
   */
  failNext(endpointName: string, kind: TargetedFaultKind, when: TargetedFaultPhase): void
  close(): Promise<void>
  issueToken(userId: string, ttlSec: number): string
  /** The loopback OpenID provider started with StartOptions.oidc, and its demo client. */
  oidc?: { issuer: string; discoveryUrl: string; clientId: string; clientSecret: string; configurationId?: string }
  /** The loopback SAML IdP started with StartOptions.saml, and the demo connection pointed at it (with a seed). */
  saml?: { url: string; entityId: string; ssoUrl: string; metadataUrl: string; metadata: string; certificate: string; configurationId?: string }
  /** Test hook: permissions (RBAC) on or off for a company (default: the demo company). */
  setPermissionsEnabled(enabled: boolean, companyId?: string): void
  /**
   * Test hook: marks a vault as holding encrypted data the server cannot decrypt (`editable: false` in listings;
   * its data, format, type and target can no longer change), or clears the mark. Throws for an unknown id.
   */
  setVaultEditable(vaultId: string, editable: boolean): void
  /**
   * Test hook: puts a task on a policy queue (resources.*): `queued` by default, or `in_progress` in `pool` (its cost
   * then counts in the pool's usage and the policy's usage). Defaults: cost 1, type "training", a generated name,
   * no user or project. Returns the task id. Throws for an unknown queue or bad values.
   */
  addResourceTask(task: ResourceTaskInput): string
  /** Test hook: a task of the policy queues (also a dequeued one: status `created`, queue null), or undefined. */
  resourceTask(taskId: string): ResourceTaskInfo | undefined
}

export interface ResourceTaskInput {
  queue: string; status?: 'queued' | 'in_progress'; pool?: string; cost?: number; user?: string; name?: string; type?: string
  project?: { id: string; name: string }
}
export type ResourceTaskInfo = Pick<ResourceTaskRow, 'id' | 'name' | 'status' | 'type' | 'started' | 'cost' | 'queue' | 'pool'> & {
  user: string | null; project: string | null
}

const DEFAULT_TTL_SEC = 30 * 24 * 3600
const DAY_SEC = 24 * 3600

/** The credential policy from the start options; throws RangeError for inconsistent values. */
function credentialPolicy(opts: StartOptions): CredentialPolicy {
  const seconds = (name: string, v: number | null | undefined, dflt: number | null): number | null => {
    if (v === undefined) return dflt
    if (v === null || v === 0) return null
    if (!(Number.isSafeInteger(v) && v > 0 && v <= MAX_EXPIRATION_SEC)) throw new RangeError(`${name} must be 0, null or a whole number of seconds in 1..${MAX_EXPIRATION_SEC}, got ${v}`)
    return v
  }
  const maxExpirationSec = seconds('credentialsMaxExpirationSec', opts.credentialsMaxExpirationSec, 90 * DAY_SEC)
  const defaultExpirationSec = seconds('credentialsDefaultExpirationSec', opts.credentialsDefaultExpirationSec, maxExpirationSec)
  if (maxExpirationSec !== null && (defaultExpirationSec === null || defaultExpirationSec > maxExpirationSec)) {
    throw new RangeError(`credentialsDefaultExpirationSec must be set and at most credentialsMaxExpirationSec (${maxExpirationSec}) while there is a cap, got ${defaultExpirationSec}`)
  }
  const maxCredentials = opts.maxCredentials ?? 10
  if (!(Number.isSafeInteger(maxCredentials) && maxCredentials >= 1)) throw new RangeError(`maxCredentials must be a whole number >= 1, got ${maxCredentials}`)
  const routerTokenMaxExpirationSec = opts.routerTokenMaxExpirationSec ?? 365 * DAY_SEC
  if (!(Number.isSafeInteger(routerTokenMaxExpirationSec) && routerTokenMaxExpirationSec > 0 && routerTokenMaxExpirationSec <= MAX_EXPIRATION_SEC)) {
    throw new RangeError(`routerTokenMaxExpirationSec must be a whole number of seconds in 1..${MAX_EXPIRATION_SEC}, got ${routerTokenMaxExpirationSec}`)
  }
  return { maxExpirationSec, defaultExpirationSec, maxCredentials, routerTokenMaxExpirationSec }
}

function checkFaults(f: FaultOptions): FaultOptions {
  for (const k of ['errorRate', 'resetRate'] as const) {
    const v = f[k]
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new RangeError(`faults.${k} must be within 0..1, got ${v}`)
  }
  if (f.latencyMs !== undefined && !(f.latencyMs >= 0)) throw new RangeError(`faults.latencyMs must be >= 0, got ${f.latencyMs}`)
  // no prototype: an unset option can never be read from a (polluted) Object.prototype
  const own: FaultOptions = Object.create(null)
  for (const k of ['latencyMs', 'errorRate', 'resetRate'] as const) if (Object.hasOwn(f, k)) own[k] = f[k]
  return own
}

/**
 * Every endpoint the server registers for a feature set (the endpoint registry; tests enumerate it). The enterprise
 * set adds its own endpoints and replaces the open-source variants of the same name (credentials, storage settings,
 * report_stats_option) with the published Enterprise shapes.
 */
export function endpointRegistry(featureSet: 'basic' | 'enterprise'): Endpoint[] {
  const basic = [...miscEndpoints, ...authEndpoints, ...userEndpoints, ...basicStatsEndpoints, ...basicStorageEndpoints, ...queueEndpoints]
  if (featureSet !== 'enterprise') return basic
  const enterprise = [
    ...resourceEndpoints, ...vaultEndpoints, ...groupEndpoints, ...enterpriseAuthEndpoints, ...workspaceEndpoints,
    ...enterpriseStorageEndpoints, ...enterpriseStatsEndpoints, ...adminUserEndpoints, ...accessRuleEndpoints, ...objectEndpoints,
    ...ssoEndpoints, ...usageEndpoints
  ]
  const replaced = new Set(enterprise.map((e) => e.name))
  return [...basic.filter((e) => !replaced.has(e.name)), ...enterprise]
}

/**
 * Starts the ClearML-compatible reference server (demo/test only). Defaults: random port on 127.0.0.1,
 * a temporary data dir (deleted on close), seed 'demo', feature set 'basic', tokens valid 30 days.
 */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const tokenTtlSec = opts.tokenTtlSec ?? DEFAULT_TTL_SEC
  if (!(tokenTtlSec > 360)) throw new RangeError(`tokenTtlSec must be > 360 (clients re-login when fewer remain), got ${tokenTtlSec}`)
  let faults = checkFaults(opts.faults ?? {})
  const policy = credentialPolicy(opts)
  const featureSet = opts.featureSet ?? 'basic'
  const host = opts.host ?? '127.0.0.1'
  const tempDir = opts.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'clearml-ref-'))
  const dataDir = opts.dataDir ?? tempDir!
  mkdirSync(dataDir, { recursive: true })

  const store = new Store(dataDir, opts.now ?? Date.now)
  const cleanup = () => {
    store.close()
    if (tempDir) rmSync(tempDir, { recursive: true, force: true })
  }
  const log = opts.quiet ? undefined : (line: string) => process.stderr.write(`[clearml-ref] ${line}\n`)
  const seedKind = opts.seed ?? 'demo'
  if (seedKind !== 'demo' && seedKind !== 'large' && seedKind !== 'none') throw new RangeError(`seed must be demo, large or none, got ${String(seedKind)}`)
  const allowedServiceUsers = opts.allowedServiceUsers ?? null
  if (allowedServiceUsers !== null && !(Number.isSafeInteger(allowedServiceUsers) && allowedServiceUsers >= 0)) {
    throw new RangeError(`allowedServiceUsers must be null or a whole number >= 0, got ${allowedServiceUsers}`)
  }
  try {
    if (seedKind !== 'none') seedDemo(store, seedKind)
    if (opts.permissionsEnabled !== undefined) {
      const enabled = opts.permissionsEnabled
      store.tx(() => {
        for (const { id } of store.db.prepare('SELECT id FROM companies').all() as Array<{ id: string }>) setPermissionsEnabled(store, id, enabled)
      })
    }
  } catch (e) {
    cleanup()
    throw e
  }
  const tokenSecret = store.tokenSecret()

  const ctx: ServerContext = {
    store, featureSet, tokenTtlSec, credentialPolicy: policy, supportedFeatures: [...(opts.supportedFeatures ?? ENTERPRISE_FEATURES)],
    serviceUsers: { allowed: allowedServiceUsers, allowAdmins: opts.allowServiceUserAdmins === true },
    issueToken(identity: Identity, ttlSec: number) {
      const iat = Math.floor(store.clock() / 1000)
      return signJwt({
        identity, iat, exp: iat + ttlSec, session_id: randomUUID().replaceAll('-', ''), env: 'reference',
        api_version: API_VERSION, server_version: SERVER_VERSION, server_build: SERVER_BUILD, feature_set: featureSet
      }, tokenSecret)
    }
  }

  const endpoints = endpointRegistry(featureSet)
  const armed = new Map<string, { kind: TargetedFaultKind; when: TargetedFaultPhase }>()
  const takeFault = (name: string, phase: TargetedFaultPhase): TargetedFaultKind | undefined => {
    const f = armed.get(name)
    if (!f || f.when !== phase) return undefined
    armed.delete(name)
    return f.kind
  }
  const runtimeConfig = { blockUserScript: opts.blockUserScript === true, enterpriseServer: featureSet === 'enterprise' }
  const handle = createApp({ ctx, endpoints, faults: () => faults, takeFault, tokenSecret, log, runtimeConfig })

  const sockets = new Set<Socket>()
  const server = createServer((req, res) => void handle(req, res))
  // requests Node's HTTP parser rejects never reach the app: answer them with the envelope too
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy()
      return
    }
    socket.end(clientErrorResponse(err))
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(opts.port ?? 0, host, () => resolve())
    })
  } catch (e) {
    cleanup()
    throw e
  }
  const port = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${urlHost}:${port}`
  const seedInfo = loadSeedInfo(store)

  // the demo identity provider: a real OpenID provider on loopback, and the demo configuration pointed at it
  let oidcProvider: RunningOidcProvider | undefined
  let oidcInfo: RunningServer['oidc']
  if (opts.oidc) {
    const demo = seedInfo?.organisation?.oidc
    const clientSecret = demo?.clientSecret ?? randomUUID().replaceAll('-', '')
    try {
      oidcProvider = await startOidcProvider({
        port: typeof opts.oidc === 'object' ? opts.oidc.port : undefined, host: '127.0.0.1',
        clients: [{ client_id: DEMO_OIDC_CLIENT_ID, client_secret: clientSecret, redirect_uris: [`${url}/callback_oidc`] }],
        users: DEMO_OIDC_USERS
      })
    } catch (e) {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      cleanup()
      throw e
    }
    const admin = new AdminStore(store)
    const row = demo && seedInfo ? admin.ssoConfiguration(seedInfo.companyId, demo.configurationId) : undefined
    if (row) {
      const config = { ...JSON.parse(row.config), ...demoOidcEndpoints(oidcProvider.issuer), webapp_url: url, callback_url: `${url}/callback_oidc` }
      admin.putSsoConfiguration({ ...row, config: JSON.stringify(config), last_update: store.nowIso() })
    }
    oidcInfo = { issuer: oidcProvider.issuer, discoveryUrl: oidcProvider.discoveryUrl, clientId: DEMO_OIDC_CLIENT_ID, clientSecret, ...(row && { configurationId: row.id }) }
  }

  // the demo SAML IdP: a real SAML 2.0 IdP on loopback, and the demo SAML connection pointed at it
  let samlIdp: RunningSamlIdp | undefined
  let samlInfo: RunningServer['saml']
  if (opts.saml) {
    try {
      samlIdp = await startSamlIdp({
        port: typeof opts.saml === 'object' ? opts.saml.port : undefined, host: '127.0.0.1',
        users: DEMO_OIDC_USERS.map((u) => ({ nameId: u.sub, email: u.email, givenName: u.given_name, familyName: u.family_name, displayName: u.name, groups: u.groups }))
      })
    } catch (e) {
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), oidcProvider?.close()])
      cleanup()
      throw e
    }
    let configurationId: string | undefined
    if (seedInfo) {
      const company = seedInfo.companyId
      const admin = new AdminStore(store)
      const row = admin.ssoConfigurations(company).find((c) => c.provider === 'saml' && c.display_name === DEMO_SAML_DISPLAY_NAME)
      const provider = providerInfo('saml')
      const mapping = [{ idp_group: 'ml-team', clearml_groups: [seedInfo.groups.mlTeam] }, { idp_group: 'platform', clearml_groups: [seedInfo.organisation.groups.platform] }]
      const groupIds = new Set(store.userGroupsOfCompany(company).filter((g) => groupFlags(g).assignable).map((g) => g.id))
      const fresh = { display_name: DEMO_SAML_DISPLAY_NAME, entity_id: DEMO_SAML_ENTITY_ID, group_sync: true, group_mapping: mapping, create_new_users: false }
      const merge = (base: Record<string, unknown>) => mergeConfiguration(templateSections(provider, []), provider,
        { ...base, display_name: DEMO_SAML_DISPLAY_NAME, webapp_url: url, idp_metadata: samlIdp!.metadata }, undefined, { webapp_url: url }, groupIds, true)
      let config: Record<string, unknown>
      try {
        // a kept connection keeps its settings (an admin may have changed them); only the IdP and the URLs follow this run
        config = merge(row ? { ...fresh, ...JSON.parse(row.config) } : fresh)
      } catch {
        config = merge(fresh)
      }
      const now = store.nowIso()
      configurationId = row?.id ?? newId()
      admin.putSsoConfiguration({
        id: configurationId, company, provider: 'saml', category: 'saml', display_name: DEMO_SAML_DISPLAY_NAME, active: row?.active ?? 1, readonly: 0,
        config: JSON.stringify(config), created: row?.created ?? now, last_update: now
      })
    }
    samlInfo = {
      url: samlIdp.url, entityId: samlIdp.entityId, ssoUrl: samlIdp.ssoUrl, metadataUrl: samlIdp.metadataUrl, metadata: samlIdp.metadata,
      certificate: samlIdp.certificate, ...(configurationId && { configurationId })
    }
  }

  let closing: Promise<void> | undefined
  return {
    url,
    port,
    seed: seedInfo,
    ...(oidcInfo && { oidc: oidcInfo }),
    ...(samlInfo && { saml: samlInfo }),
    setPermissionsEnabled(enabled, companyId) {
      const company = companyId ?? seedInfo?.companyId
      if (!company || !store.company(company)) throw new Error(`unknown company ${company}`)
      setPermissionsEnabled(store, company, enabled)
    },
    setFaults(f) {
      faults = checkFaults(f)
    },
    failNext(endpointName, kind, when) {
      if (!endpoints.some((e) => e.name === endpointName)) throw new Error(`unknown endpoint ${endpointName} (feature set ${featureSet})`)
      if (!['error', 'reset', 'hang'].includes(kind)) throw new RangeError(`failNext kind must be error, reset or hang, got ${kind}`)
      if (!['before', 'after'].includes(when)) throw new RangeError(`failNext when must be before or after, got ${when}`)
      armed.set(endpointName, { kind, when })
    },
    issueToken(userId, ttlSec) {
      const identity = identityOf(store, userId)
      if (!identity) throw new Error(`unknown user ${userId}`)
      return ctx.issueToken(identity, ttlSec)
    },
    setVaultEditable(vaultId, editable) {
      if (!store.setVaultEditable(vaultId, editable)) throw new Error(`unknown vault ${vaultId}`)
    },
    addResourceTask(task) {
      const rs = new ResourceStore(store)
      const queue = rs.findQueue(task.queue)
      if (!queue) throw new Error(`unknown policy queue ${task.queue}`)
      const status = task.status ?? 'queued'
      if (status !== 'queued' && status !== 'in_progress') throw new RangeError(`status must be queued or in_progress, got ${status}`)
      const cost = task.cost ?? 1
      if (!(Number.isFinite(cost) && cost > 0)) throw new RangeError(`cost must be > 0, got ${cost}`)
      if (task.user !== undefined && !store.userInCompany(task.user, queue.company)) throw new Error(`unknown user ${task.user}`)
      const id = randomUUID().replaceAll('-', '')
      rs.insertTask({
        id, company: queue.company, name: task.name ?? `task ${id.slice(0, 8)}`, status, type: task.type ?? 'training',
        started: status === 'in_progress' ? store.nowIso() : null, cost, project_id: task.project?.id ?? null,
        project_name: task.project?.name ?? null, user_id: task.user ?? null, queue: queue.id, pool: status === 'in_progress' ? task.pool ?? null : null
      })
      return id
    },
    resourceTask(taskId) {
      const t = new ResourceStore(store).findTask(taskId)
      if (!t) return undefined
      return { id: t.id, name: t.name, status: t.status, type: t.type, started: t.started, cost: t.cost, queue: t.queue, pool: t.pool, user: t.user_id, project: t.project_id }
    },
    close() {
      closing ??= Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          for (const s of sockets) s.destroy()
        }),
        oidcProvider?.close(),
        samlIdp?.close()
      ]).then(cleanup)
      return closing
    }
  }
}
