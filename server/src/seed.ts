import { API_VERSION } from './endpoint'
import { recordVaultOperation } from './services/vaults'
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
    const info: SeedInfo = {
      companyId: company.id, companyName: company.name, admin: strip(admin), users, member: strip(alice), outsider: strip(bob),
      ...seedGroupsAndVaults(store, company.id, admin, alice.id)
    }
    store.setMeta(SEED_KEY, JSON.stringify(info))
  })
}

/** Adds what a data dir demo-seeded by an older server lacks (see seedDemo). */
function upgradeDemoSeed(store: Store): void {
  const raw = store.getMeta(SEED_KEY)
  if (!raw) return
  const info = JSON.parse(raw) as Partial<SeedInfo> & Pick<SeedInfo, 'companyId' | 'admin' | 'users'>
  if (info.groups && info.vaults && info.member && info.outsider) return
  const [, alice, bob] = info.users
  if (!alice || !bob || !store.user(alice.id) || !store.user(bob.id) || !store.company(info.companyId)) return
  store.tx(() => {
    const strip = ({ id, name, accessKey, secretKey }: SeedUser): SeedUser => ({ id, name, accessKey, secretKey })
    const upgraded: SeedInfo = {
      ...info, member: strip(alice), outsider: strip(bob),
      ...seedGroupsAndVaults(store, info.companyId, { id: info.admin.id, name: store.user(info.admin.id)?.name ?? info.admin.name }, alice.id)
    } as SeedInfo
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
    ...(info.outsider && { outsider: renamed(info.outsider) })
  }
}
