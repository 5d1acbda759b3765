import { AccountStore } from './account-store'
import { API_VERSION } from './endpoint'
import { type ConfigDoc, type LinkDoc, ResourceStore } from './resources-store'
import { recordVaultOperation } from './services/vaults'
import { joinCompany } from './services/workspaces'
import { type Store, USERS_GROUP_ID, type VaultRow, newId } from './store'

export interface SeedUser { id: string; name: string; accessKey: string; secretKey: string }

export interface SeedInfo {
  companyId: string
  companyName: string
  admin: SeedUser
  /** Every demo user, admin included, in creation order. */
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

/**
 * Seeds the demo company only into an empty database. The demo secrets are kept in the meta table
 * (plain text, demo only) so the seed info can be reprinted after a restart. A data dir seeded before groups and
 * vaults were part of the demo gets them once (ML Team, the two vaults), keeping its users and keys.
 */
export function seedDemo(store: Store): void {
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
    const info: SeedInfo = {
      companyId: company.id, companyName: company.name, admin: strip(admin), users, member: strip(alice), outsider: strip(bob),
      ...groupsAndVaults, resources: seedResources(store, company.id, admin.id, groupsAndVaults.groups.mlTeam, alice.id, bob.id),
      ...seedWorkspaces(store, company.id, admin)
    }
    store.setMeta(SEED_KEY, JSON.stringify(info))
  })
}

/** Adds what a data dir demo-seeded by an older server lacks (see seedDemo). */
function upgradeDemoSeed(store: Store): void {
  const raw = store.getMeta(SEED_KEY)
  if (!raw) return
  const info = JSON.parse(raw) as Partial<SeedInfo> & Pick<SeedInfo, 'companyId' | 'admin' | 'users'>
  if (info.groups && info.vaults && info.member && info.outsider && info.resources && info.workspaces && info.pendingInvites) return
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
