import { setPermissionsEnabled } from './access'
import { AccountStore } from './account-store'
import { type AccessRuleRow, AdminStore, type ObjectRow } from './admin-store'
import { API_VERSION } from './endpoint'
import { restoreDefaultRules } from './services/access-rules'
import { insertServiceUser } from './services/admin-users'
import { USAGE_SETTING } from './services/usage'
import { type ConfigDoc, type LinkDoc, ResourceStore } from './resources-store'
import { recordVaultOperation } from './services/vaults'
import { joinCompany } from './services/workspaces'
import { type Store, USERS_GROUP_ID, type VaultRow, newId } from './store'

export interface SeedUser { id: string; name: string; accessKey: string; secretKey: string }

export interface SeedInfo {
  /** Which seed built the data dir: 'demo', or 'large' (the demo plus the bulk data for benchmarks). */
  kind: 'demo' | 'large'
  companyId: string
  companyName: string
  admin: SeedUser
  /**
   * The three original demo users (Admin User, Alice Smith, Bob Jones), admin included, in creation order. Demo Company
   * has more: see `organisation`.
   */
  users: Array<SeedUser & { role: string }>
  /** A non-admin member of the custom group "ML Team" (Alice Smith). */
  member: SeedUser
  /** A non-admin who is in no custom group (Bob Jones). */
  outsider: SeedUser
  /** Group ids: the built-ins and the custom "ML Team". */
  groups: { users: string; admins: string; queueAdmins: string; mlTeam: string }
  /** The seeded vaults: one organization vault and one group vault for ML Team (both HOCON, enabled). */
  vaults: { organization: string; mlTeam: string }
  /** The resource configuration and policies (enterprise resources.*): the Example Workflow of the settings page. */
  resources: SeedResources
  /** Other workspaces (companies) the demo admin is a member of (enterprise workspaces, auth.get_credentials). */
  workspaces: { researchLab: SeedWorkspace }
  /** Emails invited to Demo Company (login.add_whitelist_entries) that have not joined: pending in login.get_settings. */
  pendingInvites: string[]
  /** The administration data of Demo Company (users, service accounts, objects, access rules, identity provider). */
  organisation: SeedOrganisation
  /** What Demo Company holds after seeding (users counts people and service accounts; groups the built-ins too). */
  counts: SeedCounts
}

export interface SeedCounts {
  users: number; serviceAccounts: number; groups: number; accessRules: number; projects: number; tasks: number; models: number
  queues: number; datasets: number
}

/** A service account and its key (auth.create_service_user). */
export interface SeedServiceAccount { id: string; name: string; accessKey: string; secretKey: string; expire: string | null }

/** See README "Demo seed" → "Administration". */
export interface SeedOrganisation {
  /** Dana Lee (user, Platform Team, last login through the demo OIDC provider), Evan Park (user, Platform Team), Fiona Green (consumer). */
  people: { dana: SeedUser; evan: SeedUser; fiona: SeedUser }
  /** The custom group "Platform Team" (Dana, Evan). */
  groups: { platform: string }
  /**
   * "CI Pipeline" (key label "ci", expires in 60 days, last used from worker ci-runner-3) and "GPU Agent" (may run tasks as
   * their owners; key label "agent-gpu-01", expires in 5 days, last used from worker agent-gpu-01).
   */
  serviceAccounts: { ci: SeedServiceAccount; gpuAgent: SeedServiceAccount }
  projects: { dev: string; devVision: string; research: string; researchNlp: string; shared: string; platform: string }
  /** Three tasks named "train resnet50" (Dev Experiments, Dev Experiments/Vision, Research Experiments) and three more. */
  tasks: { resnetDev: string; resnetVision: string; resnetResearch: string; bert: string; dataPrep: string; nightlyEval: string }
  models: { resnet: string; bert: string }
  queues: { default: string; gpu: string; cpu: string; services: string }
  datasets: { coco: string; imagenet: string; reviews: string }
  /** The custom rules (the Admins group's default rules come on top; the Users group has none: RBAC is on). */
  accessRules: {
    everyoneReadsProjects: string; everyoneUsesDefaultQueue: string; everyoneReadsDatasets: string; mlTeamDev: string; platformQueues: string
    bobResearch: string; ciGpuQueue: string; danaDataPrep: string
  }
  /** The identity provider configuration "Demo OIDC (loopback)" (provider `oidc`, active) and its client. */
  oidc: { configurationId: string; clientId: string; clientSecret: string }
}

/**
 * "Research Lab": a second company, owned by its own admin, which the demo admin joined (role `user` there) through an
 * accepted email invite; the demo admin holds one key for it (label "research").
 */
export interface SeedWorkspace {
  companyId: string
  companyName: string
  /** Riley Chen, the company's own admin (one key, label "demo"). */
  owner: SeedUser
  /** The demo admin's key for this workspace. */
  adminKey: { accessKey: string; secretKey: string }
}

/** Ids of the demo resource configuration (see README "Demo seed"). */
export interface SeedResources {
  /** Bare Metal Low END GPUs, H100 Half a Superpod (16 resources, 8 in use each), AWS Autoscaler (32, all in use). */
  pools: { bareMetal: string; h100: string; aws: string }
  /** 0.5xGPU, 2xGPU, 4xGPU, 8xGPU (allotments 0.5, 2, 4, 8). */
  profiles: { halfGpu: string; gpu2: string; gpu4: string; gpu8: string }
  /** 4xGPU's two links: "4 GPU Low End" (Bare Metal, first) and "4 GPU H100". */
  links: { gpu4LowEnd: string; gpu4H100: string }
  /** Dev Team (group ML Team) and Research Team (group Users): reservation 8, limit 16, usage 0. */
  policies: { dev: string; research: string }
  /** Their connections (queues) to 4xGPU, Dev first in 4xGPU's policy priority. */
  queues: { dev: string; research: string }
  /** Four queued 4-resource tasks each: Dev Team's by Alice, Research Team's by Bob. */
  tasks: { dev: string[]; research: string[] }
}

const SEED_KEY = 'seed_info'

const DEMO_USERS = [
  { name: 'Admin User', given: 'Admin', family: 'User', role: 'admin', email: 'admin@demo.example' },
  { name: 'Alice Smith', given: 'Alice', family: 'Smith', role: 'user', email: 'alice@demo.example' },
  { name: 'Bob Jones', given: 'Bob', family: 'Jones', role: 'user', email: 'bob@demo.example' }
]

const ADMIN_PREFERENCES = { version: 1, views: { theme: 'dark', autoRefresh: true }, rootProjects: { showHidden: false } }

export const DEMO_ORGANIZATION_VAULT = `# Applies to every user of Demo Company
sdk {
  development {
    default_output_uri: "s3://demo-bucket/artifacts"
  }
}
agent {
  git_user: "demo-bot"
}
`
export const DEMO_ML_TEAM_VAULT = `# ML Team storage credentials (demo values)
sdk {
  aws {
    s3 {
      key: "DEMO-ML-TEAM-ACCESS-KEY"
      secret: "demo-ml-team-secret"
      region: "us-east-1"
    }
  }
}
`

/** The ML Team group, Alice in it, and the two vaults (recorded in the operations log as the admin's creates). */
function seedGroupsAndVaults(store: Store, companyId: string, admin: { id: string; name: string }, member: string): Pick<SeedInfo, 'groups' | 'vaults'> {
  const created = store.nowIso()
  const builtins = store.userGroupsOfCompany(companyId)
  const idOf = (kind: string) => builtins.find((g) => g.kind === kind)!.id
  const mlTeam = newId()
  store.insertUserGroup({ company: companyId, id: mlTeam, name: 'ML Team', description: 'Machine-learning team', kind: 'custom', created })
  store.setGroupMembers(companyId, mlTeam, [member])
  const origin = { ip: '127.0.0.1', originator: 'web', originator_version: null }
  const vault = (fields: Pick<VaultRow, 'scope' | 'grp' | 'description' | 'data'>): string => {
    const row: VaultRow = {
      id: newId(), company: companyId, user_id: null, type: 'config', format: 'hocon', enabled: 1, created, last_update: created,
      version: store.nextSeq(`vault.${companyId}`), editable: 1, ...fields
    }
    store.insertVault(row)
    recordVaultOperation(store, row, 'create', admin, origin)
    return row.id
  }
  return {
    groups: { users: USERS_GROUP_ID, admins: idOf('admins'), queueAdmins: idOf('queue_admins'), mlTeam },
    vaults: {
      organization: vault({ scope: 'organization', grp: null, description: 'Organization defaults', data: DEMO_ORGANIZATION_VAULT }),
      mlTeam: vault({ scope: 'group', grp: mlTeam, description: 'ML Team storage', data: DEMO_ML_TEAM_VAULT })
    }
  }
}

/**
 * The settings page's Example Workflow (spec/settings-page.md "Resource Configuration"). Pools (execution priority
 * in brackets): Bare Metal Low END GPUs 16/8 in use [4xGPU, 8xGPU], H100 Half a Superpod 16/8 [2xGPU, 4xGPU, 8xGPU,
 * 0.5xGPU], AWS Autoscaler 32/32 [0.5xGPU, 2xGPU]; the in-use figures are baseline (non-policy) usage. Profiles with
 * their pool precedence: 0.5xGPU [H100, AWS], 2xGPU [H100, AWS], 4xGPU [Bare Metal "4 GPU Low End", H100
 * "4 GPU H100"], 8xGPU [H100, Bare Metal]. Policies Dev Team (ML Team) and Research Team (Users), both 8/16 and
 * connected to 4xGPU (Dev first), each with four queued 4-resource tasks.
 */
function seedResources(store: Store, companyId: string, adminId: string, mlTeam: string, alice: string, bob: string): SeedResources {
  const rs = new ResourceStore(store)
  const stamp = { updated: store.nowIso(), updated_by: adminId }
  const ids = { bareMetal: newId(), h100: newId(), aws: newId(), halfGpu: newId(), gpu2: newId(), gpu4: newId(), gpu8: newId() }
  const link = (name: string, pool: string): LinkDoc => ({ id: newId(), name, pool, queue_name: newId() })
  const l = {
    halfH100: link('0.5 GPU H100', ids.h100), halfAws: link('0.5 GPU AWS', ids.aws),
    gpu2H100: link('2 GPU H100', ids.h100), gpu2Aws: link('2 GPU AWS', ids.aws),
    gpu4LowEnd: link('4 GPU Low End', ids.bareMetal), gpu4H100: link('4 GPU H100', ids.h100),
    gpu8H100: link('8 GPU H100', ids.h100), gpu8LowEnd: link('8 GPU Low End', ids.bareMetal)
  }
  const doc: ConfigDoc = {
    pools: [
      { id: ids.bareMetal, name: 'Bare Metal Low END GPUs', description: 'On-premises servers with older GPUs', resources: 16, baseline: 8,
        links: [l.gpu4LowEnd.id, l.gpu8LowEnd.id], ...stamp },
      { id: ids.h100, name: 'H100 Half a Superpod', description: 'Half of an H100 SuperPOD', resources: 16, baseline: 8,
        links: [l.gpu2H100.id, l.gpu4H100.id, l.gpu8H100.id, l.halfH100.id], ...stamp },
      { id: ids.aws, name: 'AWS Autoscaler', description: 'GPU instances managed by the AWS autoscaler', resources: 32, baseline: 32,
        links: [l.halfAws.id, l.gpu2Aws.id], ...stamp }
    ],
    profiles: [
      { id: ids.halfGpu, name: '0.5xGPU', description: 'Half a GPU', profile_cost: 0.5, cost_field: null, pool_links: [l.halfH100, l.halfAws], ...stamp },
      { id: ids.gpu2, name: '2xGPU', description: 'Two GPUs', profile_cost: 2, cost_field: null, pool_links: [l.gpu2H100, l.gpu2Aws], ...stamp },
      { id: ids.gpu4, name: '4xGPU', description: 'Four GPUs', profile_cost: 4, cost_field: null, pool_links: [l.gpu4LowEnd, l.gpu4H100], ...stamp },
      { id: ids.gpu8, name: '8xGPU', description: 'Eight GPUs', profile_cost: 8, cost_field: null, pool_links: [l.gpu8H100, l.gpu8LowEnd], ...stamp }
    ]
  }
  rs.setPublished(companyId, doc)
  rs.setPolicyManager(companyId, true)

  const created = store.nowIso()
  const team = (name: string, desc: string, group: string, user: string, queueName: string, rank: number, project: string) => {
    const policy = newId()
    rs.insertPolicy({ id: policy, company: companyId, name, description: desc, reservation: 8, limit: 16, user_group: group, created })
    const queue = newId()
    rs.insertQueue({ id: queue, company: companyId, name: queueName, display_name: `${name} 4xGPU`, policy, profile: ids.gpu4, rank, created })
    const projectId = newId()
    const tasks = [1, 2, 3, 4].map((i) => {
      const id = newId()
      rs.insertTask({
        id, company: companyId, name: `${queueName} training ${i}`, status: 'queued', type: 'training', started: null, cost: 4,
        project_id: projectId, project_name: project, user_id: user, queue, pool: null
      })
      return id
    })
    return { policy, queue, tasks }
  }
  const dev = team('Dev Team', 'Development team', mlTeam, alice, 'dev_team_4xgpu', 0, 'Dev Experiments')
  const research = team('Research Team', 'Research team', USERS_GROUP_ID, bob, 'research_team_4xgpu', 1, 'Research Experiments')
  return {
    pools: { bareMetal: ids.bareMetal, h100: ids.h100, aws: ids.aws },
    profiles: { halfGpu: ids.halfGpu, gpu2: ids.gpu2, gpu4: ids.gpu4, gpu8: ids.gpu8 },
    links: { gpu4LowEnd: l.gpu4LowEnd.id, gpu4H100: l.gpu4H100.id },
    policies: { dev: dev.policy, research: research.policy },
    queues: { dev: dev.queue, research: research.queue },
    tasks: { dev: dev.tasks, research: research.tasks }
  }
}

const RESEARCH_OWNER = { name: 'Riley Chen', given: 'Riley', family: 'Chen', email: 'riley@research.example' }
const PENDING_INVITES = ['carol@demo.example']

/** Research Lab with its owner, the demo admin as a member with a key there, and Demo Company's pending invite. */
function seedWorkspaces(store: Store, demoCompany: string, admin: { id: string }): Pick<SeedInfo, 'workspaces' | 'pendingInvites'> {
  const accounts = new AccountStore(store)
  const created = store.nowIso()
  const lab = { id: newId(), name: 'Research Lab', created }
  store.insertCompany(lab)
  const ownerId = newId()
  store.insertUser({
    id: ownerId, company: lab.id, name: RESEARCH_OWNER.name, given_name: RESEARCH_OWNER.given, family_name: RESEARCH_OWNER.family,
    avatar: null, role: 'admin', email: RESEARCH_OWNER.email, created, created_in_version: API_VERSION
  })
  const ownerKey = store.createCredentials(ownerId, 'demo')
  // a fresh company: RBAC on with the default rules (the Admins and Users groups may use everything)
  restoreDefaultRules(store, lab.id)
  const adminEmail = store.user(admin.id)?.email
  if (adminEmail) {
    accounts.putWhitelistEntry({ company: lab.id, email: adminEmail.trim().toLowerCase(), role: 'user', added: created, added_by: ownerId, accepted: null, user_id: null })
  }
  joinCompany(store, admin.id, lab.id, 'user')
  const adminKey = store.createCredentials(admin.id, 'research', undefined, { company: lab.id })
  for (const email of PENDING_INVITES) {
    accounts.putWhitelistEntry({ company: demoCompany, email, role: 'user', added: created, added_by: admin.id, accepted: null, user_id: null })
  }
  return {
    workspaces: {
      researchLab: {
        companyId: lab.id, companyName: lab.name, owner: { id: ownerId, name: RESEARCH_OWNER.name, accessKey: ownerKey.access_key, secretKey: ownerKey.secret_key },
        adminKey: { accessKey: adminKey.access_key, secretKey: adminKey.secret_key }
      }
    },
    pendingInvites: [...PENDING_INVITES]
  }
}

const DAY_MS = 24 * 3600 * 1000

/** The demo identity provider's users (server/src/oidc-provider.ts; `--oidc`): they match demo users by email. */
export const DEMO_OIDC_USERS = [
  { sub: 'alice', email: 'alice@demo.example', name: 'Alice Smith', given_name: 'Alice', family_name: 'Smith', groups: ['ml-team'] },
  { sub: 'bob', email: 'bob@demo.example', name: 'Bob Jones', given_name: 'Bob', family_name: 'Jones', groups: ['research'] },
  { sub: 'dana', email: 'dana@demo.example', name: 'Dana Lee', given_name: 'Dana', family_name: 'Lee', groups: ['platform', 'ml-team'] }
]
export const DEMO_OIDC_CLIENT_ID = 'clearml-demo'
/** Where the demo configuration points until a provider is started (`--oidc` rewrites the endpoints to the live one). */
const DEMO_OIDC_PLACEHOLDER = 'http://127.0.0.1:9400'

/** The demo OIDC configuration's endpoints for an issuer (oidc-provider's paths). */
export function demoOidcEndpoints(issuer: string) {
  return {
    well_known_url: `${issuer}/.well-known/openid-configuration`, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/me`, jwks_uri: `${issuer}/jwks`, revocation_endpoint: null, end_session_endpoint: null
  }
}

/**
 * Demo Company's administration data: three more people, Platform Team, two service accounts with keys, the objects
 * access rules point at (reusing the resource tasks' project ids for Dev/Research Experiments), access rules (RBAC on;
 * the Admins group's default rules and eight custom ones), an OIDC provider configuration, user activity and usage.
 */
function seedOrganisation(store: Store, company: string, ids: { admin: string; alice: string; bob: string; mlTeam: string }): SeedOrganisation {
  const admin = new AdminStore(store)
  const now = store.clock()
  const ago = (days: number) => new Date(now - days * DAY_MS).toISOString()
  const person = (name: string, given: string, family: string, role: string, email: string, createdDaysAgo: number): SeedUser => {
    const id = newId()
    store.insertUser({ id, company, name, given_name: given, family_name: family, avatar: null, role, email, created: ago(createdDaysAgo), created_in_version: API_VERSION })
    const cred = store.createCredentials(id, 'demo')
    return { id, name, accessKey: cred.access_key, secretKey: cred.secret_key }
  }
  const dana = person('Dana Lee', 'Dana', 'Lee', 'user', 'dana@demo.example', 40)
  const evan = person('Evan Park', 'Evan', 'Park', 'user', 'evan@demo.example', 25)
  const fiona = person('Fiona Green', 'Fiona', 'Green', 'consumer', 'fiona@demo.example', 3)
  const platform = newId()
  store.insertUserGroup({ company, id: platform, name: 'Platform Team', description: 'Runs the infrastructure: queues, agents, autoscalers', kind: 'custom', created: store.nowIso() })
  store.setGroupMembers(company, platform, [dana.id, evan.id])

  // activity (users.get_all_ex include_activity)
  store.updateUser(ids.admin, { last_ui_access: ago(0.1), last_credentials_login: ago(0.5) })
  store.updateUser(ids.alice, { last_ui_access: ago(1), last_credentials_login: ago(0.2) })
  store.updateUser(ids.bob, { last_credentials_login: ago(6) })
  store.updateUser(dana.id, { last_ui_access: ago(0.8), last_provider: 'oidc', last_provider_name: 'Demo OIDC (loopback)', last_provider_login: ago(0.8) })
  store.updateUser(evan.id, { last_ui_access: ago(12) })

  // service accounts, each with one key
  const service = (name: string, allow: boolean, label: string, expiresInDays: number, usedFrom: string, usedDaysAgo: number): SeedServiceAccount => {
    const id = insertServiceUser(store, company, name, allow)
    const expire = new Date(now + expiresInDays * DAY_MS).toISOString()
    const cred = store.createCredentials(id, label, undefined, { company, expire })
    store.db.prepare('UPDATE credentials SET last_used = ?, last_used_from = ? WHERE access_key = ?').run(ago(usedDaysAgo), usedFrom, cred.access_key)
    return { id, name, accessKey: cred.access_key, secretKey: cred.secret_key, expire }
  }
  const ci = service('CI Pipeline', false, 'ci', 60, 'ci-runner-3', 1 / 24)
  const gpuAgent = service('GPU Agent', true, 'agent-gpu-01', 5, 'agent-gpu-01', 10 / 1440)

  // objects: the resource tasks' projects are reused for Dev / Research Experiments
  const resourceProjects = new Map((store.db.prepare('SELECT DISTINCT project_name, project_id FROM resource_tasks WHERE company = ? AND project_id IS NOT NULL')
    .all(company) as Array<{ project_name: string; project_id: string }>).map((r) => [r.project_name, r.project_id]))
  const obj = (kind: ObjectRow['kind'], name: string, fields: Partial<ObjectRow> = {}, daysAgo = 30): string => {
    const { id: given, ...rest } = fields
    const id = given ?? newId()
    admin.insertObject({
      kind, id, company, name, display_name: null, project: null, status: null, type: null, queue: null, task: null, framework: null, user_id: ids.admin,
      description: null, tags: '[]', created: ago(daysAgo), last_update: ago(Math.max(0, daysAgo - 1)), ...rest
    })
    return id
  }
  const projects = {
    dev: obj('project', 'Dev Experiments', { id: resourceProjects.get('Dev Experiments'), description: "The Dev team's experiments", user_id: ids.alice }, 90),
    devVision: '', research: obj('project', 'Research Experiments', { id: resourceProjects.get('Research Experiments'), description: "The Research team's experiments", user_id: ids.bob }, 88),
    researchNlp: '', shared: obj('project', 'Shared Datasets', { description: 'Datasets everyone uses' }, 80),
    platform: obj('project', 'Platform', { description: 'Infrastructure jobs', user_id: dana.id }, 70)
  }
  projects.devVision = obj('project', 'Dev Experiments/Vision', { project: projects.dev, user_id: ids.alice }, 60)
  projects.researchNlp = obj('project', 'Research Experiments/NLP', { project: projects.research, user_id: ids.bob }, 55)
  const queues = {
    default: obj('queue', 'default', { display_name: null }, 100),
    gpu: obj('queue', 'gpu_queue', { display_name: 'GPU queue', user_id: dana.id }, 95),
    cpu: obj('queue', 'cpu_queue', { display_name: 'CPU queue', user_id: dana.id }, 95),
    services: obj('queue', 'services', { display_name: null }, 100)
  }
  const task = (name: string, project: string, status: string, user: string, daysAgo: number, extra: Partial<ObjectRow> = {}) =>
    obj('task', name, { project, status, type: 'training', user_id: user, ...extra }, daysAgo)
  const tasks = {
    resnetDev: task('train resnet50', projects.dev, 'completed', ids.alice, 20),
    resnetVision: task('train resnet50', projects.devVision, 'failed', ids.alice, 12),
    resnetResearch: task('train resnet50', projects.research, 'in_progress', ids.bob, 2),
    bert: task('bert finetune', projects.researchNlp, 'queued', ids.bob, 1, { queue: queues.gpu }),
    dataPrep: task('data prep', projects.shared, 'completed', dana.id, 30, { type: 'data_processing' }),
    nightlyEval: task('nightly eval', projects.platform, 'created', ci.id, 0.5, { type: 'testing' })
  }
  const models = {
    resnet: obj('model', 'resnet50-best', { project: projects.dev, task: tasks.resnetDev, status: 'published', framework: 'PyTorch', user_id: ids.alice }, 19),
    bert: obj('model', 'bert-base-finetuned', { project: projects.researchNlp, task: tasks.bert, status: 'created', framework: 'PyTorch', user_id: ids.bob }, 1)
  }
  const datasets = {
    coco: obj('dataset', 'COCO 2017', { project: projects.shared, user_id: dana.id, description: 'Object detection' }, 75),
    imagenet: obj('dataset', 'ImageNet subset', { project: projects.shared, user_id: dana.id }, 74),
    reviews: obj('dataset', 'Customer reviews', { project: projects.researchNlp, user_id: ids.bob }, 50)
  }

  // access rules: the Admins' defaults, and custom rules (the Users group has no default rules here)
  restoreDefaultRules(store, company, ['admins'])
  const rule = (name: string, description: string, entity_type: AccessRuleRow['entity_type'], entity_id: string | null, access_permission: AccessRuleRow['access_permission'],
    groups: string[], users: string[]): string => {
    const id = newId()
    admin.putRule({
      company, id, name, description, entity_type, entity_id, access_permission, groups: JSON.stringify(groups), users: JSON.stringify(users),
      autocreated: 0, metadata: '{}', created: store.nowIso(), last_update: store.nowIso()
    })
    return id
  }
  const accessRules = {
    everyoneReadsProjects: rule('Everyone reads all projects', 'Read-only access to every project and its contents', 'project', '*', 'read', [USERS_GROUP_ID], []),
    everyoneUsesDefaultQueue: rule('Everyone uses the default queue', 'Enqueue to the default queue', 'queue', queues.default, 'read_write', [USERS_GROUP_ID], []),
    everyoneReadsDatasets: rule('Everyone reads datasets', 'Read-only access to every dataset', 'dataset', '*', 'read', [USERS_GROUP_ID], []),
    mlTeamDev: rule('ML Team owns Dev Experiments', 'Read & modify Dev Experiments and its subprojects', 'project', projects.dev, 'read_write', [ids.mlTeam], []),
    platformQueues: rule('Platform Team manages queues', 'Read & modify every queue', 'queue', '*', 'read_write', [platform], []),
    bobResearch: rule('Bob edits Research Experiments', 'Read & modify Research Experiments', 'project', projects.research, 'read_write', [], [ids.bob]),
    ciGpuQueue: rule('CI uses the GPU queue', 'The CI service account enqueues to the GPU queue', 'queue', queues.gpu, 'read_write', [], [ci.id, gpuAgent.id]),
    danaDataPrep: rule('Dana edits the data prep task', 'One task only', 'task', tasks.dataPrep, 'read_write', [], [dana.id])
  }
  setPermissionsEnabled(store, company, true)

  // the identity provider configuration (its endpoints follow a provider started with --oidc)
  const clientSecret = `demo-oidc-${newId()}`
  const configurationId = newId()
  const config = {
    webapp_url: 'http://127.0.0.1:8008', callback_url: 'http://127.0.0.1:8008/callback_oidc', display_name: 'Demo OIDC (loopback)',
    client_id: DEMO_OIDC_CLIENT_ID, client_secret: clientSecret, ...demoOidcEndpoints(DEMO_OIDC_PLACEHOLDER), user_info_from_id_token: false,
    verify_token_signature: true, email_verification: true, create_new_users: false, code_challenge_method: 'S256', scopes: 'openid,email,profile',
    additional_scopes: 'groups', custom_authorization_params: {}, claim_user_id: 'sub', claim_email: 'email', claim_name: 'name',
    claim_given_name: 'given_name', claim_family_name: 'family_name', claim_avatar: 'picture', claim_groups: 'groups', group_sync: true,
    group_mapping: [{ idp_group: 'ml-team', clearml_groups: [ids.mlTeam] }, { idp_group: 'platform', clearml_groups: [platform] }]
  }
  admin.putSsoConfiguration({
    id: configurationId, company, provider: 'oidc', category: 'oidc', display_name: config.display_name, active: 1, readonly: 0,
    config: JSON.stringify(config), created: store.nowIso(), last_update: store.nowIso()
  })
  new AccountStore(store).setCompanySetting(company, USAGE_SETTING, '1')

  return {
    people: { dana, evan, fiona }, groups: { platform }, serviceAccounts: { ci, gpuAgent }, projects, tasks, models, queues, datasets, accessRules,
    oidc: { configurationId, clientId: DEMO_OIDC_CLIENT_ID, clientSecret }
  }
}

/** What a company holds (SeedInfo.counts). */
export function companyCounts(store: Store, company: string): SeedCounts {
  const users = store.usersOfCompany(company)
  const objects = (kind: string) => (store.db.prepare('SELECT count(*) AS n FROM objects WHERE company = ? AND kind = ?').get(company, kind) as { n: number }).n
  const policyQueues = (store.db.prepare('SELECT count(*) AS n FROM resource_queues WHERE company = ?').get(company) as { n: number }).n
  return {
    users: users.length, serviceAccounts: users.filter((u) => u.service === 1).length, groups: store.userGroupsOfCompany(company).length,
    accessRules: new AdminStore(store).ruleCount(company), projects: objects('project'), tasks: objects('task'), models: objects('model'),
    queues: objects('queue') + policyQueues, datasets: objects('dataset')
  }
}

/** --seed large: the sizes of the bulk data added to Demo Company. */
export const LARGE_SEED = { users: 50_000, accessRules: 20_000, groups: 200, projects: 2_000, tasks: 10_000, queues: 100 }

const FIRST = ['Ava', 'Ben', 'Chloe', 'David', 'Ella', 'Finn', 'Grace', 'Hugo', 'Isla', 'Jack', 'Kira', 'Liam', 'Mia', 'Noah', 'Olivia', 'Paul', 'Quinn', 'Ruby', 'Sam', 'Tara']
const LAST = ['Adams', 'Brown', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jensen', 'Kim', 'Lopez', 'Meyer', 'Novak', 'Okafor', 'Patel', 'Rossi', 'Silva', 'Tanaka', 'Weber']

/**
 * Bulk data for benchmarks (`--seed large`), in one transaction with prepared statements: LARGE_SEED.users users
 * (no keys), LARGE_SEED.groups groups (every user in one or two), projects (a fifth of them subprojects), tasks,
 * queues, and LARGE_SEED.accessRules rules on those objects, each for one to three groups and up to two users.
 * Deterministic names (user00001@large.example …); ids are random.
 */
function seedLarge(store: Store, company: string): void {
  const now = store.nowIso()
  // ids: a random 20-hex prefix per run and a 12-hex counter, so the bulk inserts append to the indexes in order
  const prefix = newId().slice(0, 20)
  let counter = 0
  const bulkId = () => prefix + (counter++).toString(16).padStart(12, '0')
  const insertUser = store.db.prepare(`INSERT INTO users (id, company, name, given_name, family_name, avatar, role, email, created, created_in_version, preferences)
    VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, '{}')`)
  const userIds: string[] = []
  for (let i = 1; i <= LARGE_SEED.users; i++) {
    const id = bulkId()
    const given = FIRST[i % FIRST.length]
    const family = LAST[Math.floor(i / FIRST.length) % LAST.length]
    insertUser.run(id, company, `${given} ${family} ${i}`, given, family, i % 97 === 0 ? 'admin' : 'user', `user${String(i).padStart(5, '0')}@large.example`, now, API_VERSION)
    userIds.push(id)
  }
  const insertGroup = store.db.prepare(`INSERT INTO user_groups (company, id, name, description, kind, created) VALUES (?, ?, ?, ?, 'custom', ?)`)
  const groupIds: string[] = []
  for (let g = 1; g <= LARGE_SEED.groups; g++) {
    const id = bulkId()
    insertGroup.run(company, id, `Team ${String(g).padStart(3, '0')}`, `Bulk group ${g}`, now)
    groupIds.push(id)
  }
  // memberships in key order (group, user): appends to the primary key
  const memberships = groupIds.map(() => [] as string[])
  userIds.forEach((u, i) => {
    const first = i % groupIds.length
    memberships[first].push(u)
    const second = (i * 7 + 3) % groupIds.length
    if (i % 2 === 0 && second !== first) memberships[second].push(u)
  })
  const member = store.db.prepare('INSERT INTO user_group_members (company, grp, user_id) VALUES (?, ?, ?)')
  groupIds.forEach((g, gi) => {
    for (const u of memberships[gi].sort()) member.run(company, g, u)
  })
  const admin = new AdminStore(store)
  const insertRule = store.db.prepare(`INSERT INTO access_rules (company, id, name, description, entity_type, entity_id, access_permission, groups, users,
    autocreated, metadata, created, last_update) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '{}', ?, ?)`)
  const object = (kind: ObjectRow['kind'], name: string, project: string | null, extra: Partial<ObjectRow> = {}) => {
    const id = bulkId()
    admin.insertObject({
      kind, id, company, name, display_name: null, project, status: null, type: null, queue: null, task: null, framework: null,
      user_id: userIds[name.length % userIds.length], description: null, tags: '[]', created: now, last_update: now, ...extra
    })
    return id
  }
  const projectIds: string[] = []
  for (let p = 1; p <= LARGE_SEED.projects; p++) {
    const parent = p % 5 === 0 ? projectIds[p - 2] : null
    projectIds.push(object('project', parent ? `Bulk project ${p - 1}/Sub ${p}` : `Bulk project ${p}`, parent))
  }
  const statuses = ['created', 'queued', 'in_progress', 'completed', 'failed']
  const taskIds: string[] = []
  for (let t = 1; t <= LARGE_SEED.tasks; t++) {
    taskIds.push(object('task', `bulk task ${t % 1000}`, projectIds[t % projectIds.length], { status: statuses[t % statuses.length], type: 'training', user_id: userIds[t % userIds.length] }))
  }
  const queueIds: string[] = []
  for (let q = 1; q <= LARGE_SEED.queues; q++) queueIds.push(object('queue', `bulk_queue_${q}`, null, { display_name: `Bulk queue ${q}` }))
  for (let r = 0; r < LARGE_SEED.accessRules; r++) {
    const kind = r % 10 < 6 ? 'project' : r % 10 < 9 ? 'task' : 'queue'
    const pool = kind === 'project' ? projectIds : kind === 'task' ? taskIds : queueIds
    const entity = r % 101 === 0 ? '*' : pool[(r * 31) % pool.length]
    const groups = [groupIds[r % groupIds.length], ...(r % 3 === 0 ? [groupIds[(r * 13) % groupIds.length]] : [])]
    const users = r % 4 === 0 ? [userIds[(r * 17) % userIds.length]] : []
    insertRule.run(company, bulkId(), `Bulk rule ${r + 1}`, `Generated ${kind} rule`, kind, entity, r % 2 ? 'read' : 'read_write',
      JSON.stringify([...new Set(groups)]), JSON.stringify(users), now, now)
  }
}

/**
 * Seeds the demo company only into an empty database. The demo secrets are kept in the meta table
 * (plain text, demo only) so the seed info can be reprinted after a restart. A data dir seeded before groups and
 * vaults were part of the demo gets them once (ML Team, the two vaults), keeping its users and keys.
 */
export function seedDemo(store: Store, kind: 'demo' | 'large' = 'demo'): void {
  if (!store.isEmpty()) {
    upgradeDemoSeed(store)
    return
  }
  store.tx(() => {
    const created = store.nowIso()
    const company = { id: newId(), name: 'Demo Company', created }
    store.insertCompany(company)
    const users: SeedInfo['users'] = []
    for (const u of DEMO_USERS) {
      const id = newId()
      store.insertUser({
        id, company: company.id, name: u.name, given_name: u.given, family_name: u.family, avatar: null, role: u.role,
        email: u.email, created, created_in_version: API_VERSION,
        preferences: JSON.stringify(u.role === 'admin' ? ADMIN_PREFERENCES : {})
      })
      const cred = store.createCredentials(id, 'demo')
      users.push({ id, name: u.name, accessKey: cred.access_key, secretKey: cred.secret_key, role: u.role })
    }
    const [admin, alice, bob] = users
    const strip = ({ id, name, accessKey, secretKey }: SeedUser): SeedUser => ({ id, name, accessKey, secretKey })
    const groupsAndVaults = seedGroupsAndVaults(store, company.id, admin, alice.id)
    const resources = seedResources(store, company.id, admin.id, groupsAndVaults.groups.mlTeam, alice.id, bob.id)
    const workspaces = seedWorkspaces(store, company.id, admin)
    const organisation = seedOrganisation(store, company.id, { admin: admin.id, alice: alice.id, bob: bob.id, mlTeam: groupsAndVaults.groups.mlTeam })
    const info: SeedInfo = {
      kind, companyId: company.id, companyName: company.name, admin: strip(admin), users, member: strip(alice), outsider: strip(bob),
      ...groupsAndVaults, resources, ...workspaces, organisation, counts: companyCounts(store, company.id)
    }
    store.setMeta(SEED_KEY, JSON.stringify(info))
  })
  if (kind === 'large') {
    const info = JSON.parse(store.getMeta(SEED_KEY)!) as SeedInfo
    // bulk inserts of rows that reference each other correctly by construction: without per-row foreign-key checks
    store.db.pragma('foreign_keys = OFF')
    try {
      store.tx(() => {
        seedLarge(store, info.companyId)
        store.setMeta(SEED_KEY, JSON.stringify({ ...info, counts: companyCounts(store, info.companyId) }))
      })
    } finally {
      store.db.pragma('foreign_keys = ON')
    }
  }
}

/** Adds what a data dir demo-seeded by an older server lacks (see seedDemo). */
function upgradeDemoSeed(store: Store): void {
  const raw = store.getMeta(SEED_KEY)
  if (!raw) return
  const info = JSON.parse(raw) as Partial<SeedInfo> & Pick<SeedInfo, 'companyId' | 'admin' | 'users'>
  if (info.groups && info.vaults && info.member && info.outsider && info.resources && info.workspaces && info.pendingInvites && info.organisation) return
  const [, alice, bob] = info.users
  if (!alice || !bob || !store.user(alice.id) || !store.user(bob.id) || !store.company(info.companyId)) return
  store.tx(() => {
    const strip = ({ id, name, accessKey, secretKey }: SeedUser): SeedUser => ({ id, name, accessKey, secretKey })
    let upgraded = info
    if (!(info.groups && info.vaults && info.member && info.outsider)) {
      upgraded = {
        ...upgraded, member: strip(alice), outsider: strip(bob),
        ...seedGroupsAndVaults(store, info.companyId, { id: info.admin.id, name: store.user(info.admin.id)?.name ?? info.admin.name }, alice.id)
      }
    }
    // resources: only into a company that has none yet (never over an admin's own configuration)
    const rs = new ResourceStore(store)
    if (!upgraded.resources && upgraded.groups && !rs.hasState(info.companyId) && !rs.policies(info.companyId).length &&
        store.userGroup(info.companyId, upgraded.groups.mlTeam)) {
      upgraded = { ...upgraded, resources: seedResources(store, info.companyId, info.admin.id, upgraded.groups.mlTeam, alice.id, bob.id) }
    }
    // workspaces: only when the admin has joined no other company yet
    if (!(upgraded.workspaces && upgraded.pendingInvites) && store.user(info.admin.id) && !store.membershipsOf(info.admin.id).length) {
      upgraded = { ...upgraded, ...seedWorkspaces(store, info.companyId, info.admin) }
    }
    // administration: only into a company without access rules, service accounts or a Platform Team yet
    if (!upgraded.organisation && upgraded.groups && store.userGroup(info.companyId, upgraded.groups.mlTeam) &&
        !new AdminStore(store).ruleCount(info.companyId) && !store.userGroupsOfCompany(info.companyId).some((g) => g.name === 'Platform Team') &&
        !store.usersOfCompany(info.companyId).some((u) => u.service === 1)) {
      upgraded = {
        ...upgraded, kind: upgraded.kind ?? 'demo',
        organisation: seedOrganisation(store, info.companyId, { admin: info.admin.id, alice: alice.id, bob: bob.id, mlTeam: upgraded.groups.mlTeam })
      }
      upgraded.counts = companyCounts(store, info.companyId)
    }
    store.setMeta(SEED_KEY, JSON.stringify(upgraded))
  })
}

/** The stored seed info, with current user/company names; undefined if this data dir was never demo-seeded. */
export function loadSeedInfo(store: Store): SeedInfo | undefined {
  const raw = store.getMeta(SEED_KEY)
  if (!raw) return undefined
  const info = JSON.parse(raw) as SeedInfo
  const nameOf = (id: string, fallback: string) => store.user(id)?.name ?? fallback
  const renamed = <T extends SeedUser>(u: T): T => ({ ...u, name: nameOf(u.id, u.name) })
  return {
    ...info,
    kind: info.kind ?? 'demo',
    counts: info.counts ?? companyCounts(store, info.companyId),
    companyName: store.company(info.companyId)?.name ?? info.companyName,
    admin: renamed(info.admin),
    users: info.users.map(renamed),
    ...(info.member && { member: renamed(info.member) }),
    ...(info.outsider && { outsider: renamed(info.outsider) }),
    ...(info.workspaces && {
      workspaces: {
        researchLab: {
          ...info.workspaces.researchLab,
          companyName: store.company(info.workspaces.researchLab.companyId)?.name ?? info.workspaces.researchLab.companyName,
          owner: renamed(info.workspaces.researchLab.owner)
        }
      }
    })
  }
}
