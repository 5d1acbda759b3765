import { API_VERSION } from './endpoint'
import { type Store, newId } from './store'

export interface SeedInfo {
  companyId: string
  companyName: string
  admin: { id: string; name: string; accessKey: string; secretKey: string }
  users: Array<{ id: string; name: string; accessKey: string; secretKey: string; role: string }>
}

const SEED_KEY = 'seed_info'

const DEMO_USERS = [
  { name: 'Admin User', given: 'Admin', family: 'User', role: 'admin', email: 'admin@demo.example' },
  { name: 'Alice Smith', given: 'Alice', family: 'Smith', role: 'user', email: 'alice@demo.example' },
  { name: 'Bob Jones', given: 'Bob', family: 'Jones', role: 'user', email: 'bob@demo.example' }
]

const ADMIN_PREFERENCES = { version: 1, views: { theme: 'dark', autoRefresh: true }, rootProjects: { showHidden: false } }

/**
 * Seeds the demo company only into an empty database. The demo secrets are kept in the meta table
 * (plain text, demo only) so the seed info can be reprinted after a restart.
 */
export function seedDemo(store: Store): void {
  if (!store.isEmpty()) return
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
    const [admin] = users
    const info: SeedInfo = {
      companyId: company.id, companyName: company.name,
      admin: { id: admin.id, name: admin.name, accessKey: admin.accessKey, secretKey: admin.secretKey }, users
    }
    store.setMeta(SEED_KEY, JSON.stringify(info))
  })
}

/** The stored seed info, with current user/company names; undefined if this data dir was never demo-seeded. */
export function loadSeedInfo(store: Store): SeedInfo | undefined {
  const raw = store.getMeta(SEED_KEY)
  if (!raw) return undefined
  const info = JSON.parse(raw) as SeedInfo
  const nameOf = (id: string, fallback: string) => store.user(id)?.name ?? fallback
  return {
    ...info,
    companyName: store.company(info.companyId)?.name ?? info.companyName,
    admin: { ...info.admin, name: nameOf(info.admin.id, info.admin.name) },
    users: info.users.map((u) => ({ ...u, name: nameOf(u.id, u.name) }))
  }
}
