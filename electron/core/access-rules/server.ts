// What the Access Rules screen asks the server (clearml-enterprise-api.md §1.3, §1.2): the rules, the people, service
// accounts and groups they can be given to, the objects they can point at (the server's own lists), and the facts the
// explainer needs (a person's groups, a resource's project chain). Wire shapes are turned into the domain's here.
import { ApiError } from '../../../shared/api'
import type { AssigneeOption, ObjectOption } from '../../../shared/api/methods/access-rules'
import { ENTITY_TYPES, NOT_ADMIN_MESSAGE, type AccessRule, type EntityType, type ExplainResource, type ResourceType } from '../../../shared/domain/access-rules'
import { isUsersGroup } from '../../../shared/domain/admin-users'
import { ClearmlError } from '../clearml'
import type { Session } from '../session'

export interface WireRule {
  id: string
  name?: string | null
  description?: string | null
  entity_type?: string | null
  entity_id?: string | null
  entity_name?: string | null
  entity_display_name?: string | null
  access_permission?: string | null
  groups?: Array<{ id: string; name?: string | null }> | null
  users?: Array<{ id: string; name?: string | null; email?: string | null }> | null
  autocreated?: boolean | null
}

/** A refusal because the caller is no administrator, or a server without access rules, explained. */
export function explain(e: unknown): never {
  if (e instanceof ClearmlError && e.kind === 'forbidden') throw new ApiError('forbidden', NOT_ADMIN_MESSAGE, { reason: e.message })
  if (e instanceof ClearmlError && e.kind === 'not_found' && /permissions\./.test(e.endpoint)) {
    throw new ApiError('unsupported', 'This server has no access rules (permissions.get_access_rules): they need ClearML Enterprise.')
  }
  throw e
}

export function ruleFromWire(r: WireRule): AccessRule {
  const type = (ENTITY_TYPES as readonly string[]).includes(r.entity_type ?? '') ? (r.entity_type as EntityType) : 'project'
  return {
    id: r.id,
    name: r.name ?? '',
    description: r.description ?? '',
    entityType: type,
    entityId: r.entity_id ?? null,
    entityName: r.entity_display_name || r.entity_name || null,
    access: r.access_permission === 'read_write' ? 'read_write' : 'read',
    groups: (r.groups ?? []).map((g) => ({ id: g.id, name: g.name ?? g.id })),
    users: (r.users ?? []).map((u) => ({ id: u.id, name: u.name ?? u.id, email: u.email ?? null })),
    autocreated: !!r.autocreated
  }
}

export async function fetchRules(session: Session, signal?: AbortSignal): Promise<AccessRule[]> {
  const r = await session.call<{ rules?: WireRule[] }>('permissions.get_access_rules', {}, { signal }).catch(explain)
  return (r.rules ?? []).map(ruleFromWire)
}

export interface Directory {
  users: Array<{ id: string; name: string; email: string | null; role: string | null; service: boolean }>
  groups: Array<{ id: string; name: string; description: string; everyone: boolean }>
}

type WireGroup = { id: string; name: string; description?: string | null; system?: boolean; assignable?: boolean }

/**
 * The people (permissions.get_company_users), which of them are service accounts, and the groups. The groups come
 * from `known` when given (the Users & Groups screen's cached list): permissions.get_user_groups lists every member of
 * every group, which takes seconds on a large organisation.
 */
export async function fetchDirectory(session: Session, signal?: AbortSignal, known?: WireGroup[]): Promise<Directory> {
  const [users, services, groups] = await Promise.all([
    session.call<{ users?: Array<{ id: string; name?: string; email?: string | null; role?: string }> }>('permissions.get_company_users', {}, { signal }).catch(explain),
    session
      .call<{ users?: Array<{ id: string }> }>('users.get_service_users', {}, { signal })
      .catch((e: unknown) => (e instanceof ClearmlError && (e.kind === 'not_found' || e.kind === 'forbidden') ? { users: [] } : Promise.reject(e))),
    known ? { groups: known } : session.call<{ groups?: WireGroup[] }>('permissions.get_user_groups', {}, { signal }).catch(explain)
  ])
  const service = new Set((services.users ?? []).map((u) => u.id))
  return {
    users: (users.users ?? []).map((u) => ({ id: u.id, name: u.name ?? u.id, email: u.email ?? null, role: u.role ?? null, service: service.has(u.id) })),
    groups: (groups.groups ?? []).map((g) => ({
      id: g.id,
      name: g.name,
      description: g.description ?? '',
      everyone: isUsersGroup({ name: g.name, system: !!g.system, assignable: g.assignable ?? !g.system })
    }))
  }
}

export function searchDirectory(dir: Directory, q: { search: string; kinds: Array<'user' | 'service' | 'group'>; ids?: string[]; limit: number }): AssigneeOption[] {
  const needle = q.search.trim().toLowerCase()
  const ids = q.ids ? new Set(q.ids) : undefined
  const out: AssigneeOption[] = []
  const hit = (...fields: Array<string | null>) => !needle || fields.some((f) => f?.toLowerCase().includes(needle))
  for (const g of dir.groups) {
    if (!q.kinds.includes('group') || (ids && !ids.has(g.id)) || !hit(g.name, g.description, g.id)) continue
    out.push({ kind: 'group', id: g.id, name: g.name, detail: g.everyone ? 'Everyone (built-in group)' : g.description })
  }
  for (const u of dir.users) {
    const kind = u.service ? 'service' : 'user'
    if (!q.kinds.includes(kind) || (ids && !ids.has(u.id)) || !hit(u.name, u.email, u.id)) continue
    out.push({ kind, id: u.id, name: u.name, detail: u.service ? `service account${u.role === 'admin' ? ' · admin' : ''}` : [u.email, u.role].filter(Boolean).join(' · ') })
    if (out.length >= q.limit * 4) break
  }
  const rank = (o: AssigneeOption) => (needle && o.name.toLowerCase().startsWith(needle) ? 0 : 1)
  return out.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, undefined, { sensitivity: 'base' })).slice(0, q.limit)
}

// ------------------------------------------------------------------ the objects pickers

type Json = Record<string, unknown>
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null)
const nameOf = (v: unknown): string | null => (v && typeof v === 'object' ? str((v as Json).name) : null)
const day = (v: unknown) => (typeof v === 'string' && v ? v.slice(0, 10) : null)
const join = (...parts: Array<string | null | undefined>) => parts.filter(Boolean).join(' · ')

/** Objects of one type from the server's own list, searched by name or id (tasks with project, status, type, owner, date). */
export async function fetchObjects(session: Session, type: ResourceType, search: string, limit: number, knownCategories: string[]): Promise<ObjectOption[]> {
  const text = search.trim()
  const common = { ...(text && { search_text: text }), page: 0, page_size: limit }
  try {
    switch (type) {
      case 'project': {
        const r = await session.call<{ projects?: Json[] }>('projects.get_all_ex', { ...common, only_fields: ['id', 'name', 'description', 'last_update'], order_by: ['name'] })
        return (r.projects ?? []).map((p) => ({ id: String(p.id), name: str(p.name) ?? String(p.id), detail: join(str(p.description), `id ${String(p.id).slice(0, 8)}`) }))
      }
      case 'task': {
        const r = await session.call<{ tasks?: Json[] }>('tasks.get_all_ex', {
          ...common,
          only_fields: ['id', 'name', 'project.name', 'status', 'type', 'user.name', 'last_update'],
          order_by: ['-last_update']
        })
        return (r.tasks ?? []).map((t) => ({
          id: String(t.id),
          name: str(t.name) ?? String(t.id),
          detail: join(nameOf(t.project) ?? 'no project', str(t.status), str(t.type), nameOf(t.user), day(t.last_update) && `updated ${day(t.last_update)}`, `id ${String(t.id).slice(0, 8)}`)
        }))
      }
      case 'model': {
        const r = await session.call<{ models?: Json[] }>('models.get_all_ex', {
          ...common,
          only_fields: ['id', 'name', 'project.name', 'framework', 'ready', 'user.name', 'last_update'],
          order_by: ['-last_update']
        })
        return (r.models ?? []).map((m) => ({
          id: String(m.id),
          name: str(m.name) ?? String(m.id),
          detail: join(nameOf(m.project) ?? 'no project', str(m.framework), m.ready ? 'published' : 'draft', nameOf(m.user), `id ${String(m.id).slice(0, 8)}`)
        }))
      }
      case 'dataset': {
        const r = await session.call<{ datasets?: Json[] }>('datasets.get_all_ex', { ...common, only_fields: ['id', 'name', 'project.name', 'last_update'], order_by: ['name'] })
        return (r.datasets ?? []).map((d) => ({ id: String(d.id), name: str(d.name) ?? String(d.id), detail: join(nameOf(d.project), `id ${String(d.id).slice(0, 8)}`) }))
      }
      case 'queue': {
        // the queue list filters by display name too (v3.25)
        const r = await session.call<{ queues?: Json[] }>('queues.get_all', { ...common, only_fields: ['id', 'name', 'display_name'], order_by: ['name'] })
        return (r.queues ?? []).map((q) => {
          const display = str(q.display_name)
          const name = str(q.name) ?? String(q.id)
          return { id: String(q.id), name: display ?? name, detail: join(display && display !== name ? name : null, `id ${String(q.id).slice(0, 8)}`) }
        })
      }
      case 'dataview':
        throw new ApiError('unsupported', 'This server publishes no list of dataviews: choose “All dataviews”, or paste the dataview id.')
      case 'app_category': {
        let categories = knownCategories
        try {
          const r = await session.call<{ categories?: string[] }>('apps.get_categories', {})
          categories = [...new Set([...(r.categories ?? []), ...knownCategories])]
        } catch (e) {
          if (!(e instanceof ClearmlError && e.kind === 'not_found')) throw e
        }
        const needle = text.toLowerCase()
        return categories
          .filter((c) => !needle || c.toLowerCase().includes(needle))
          .sort()
          .slice(0, limit)
          .map((c) => ({ id: c, name: c, detail: 'application category' }))
      }
    }
  } catch (e) {
    if (e instanceof ClearmlError && e.kind === 'not_found') throw new ApiError('unsupported', `This server has no list of ${type}s (${e.endpoint}).`)
    throw e
  }
}

// ------------------------------------------------------------------ the explainer's facts

/** Escape a literal for the server's (Python) regular expression. */
const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')

/** The resource, its name and the projects that contain it (nearest first; ClearML names subprojects by their path). */
export async function resolveResource(session: Session, type: ResourceType, id: string): Promise<ExplainResource> {
  const notFound = () => new ApiError('not_found', `The server has no such ${type}: ${id}`, { field: 'entityId', issues: [{ path: 'entityId', message: `No ${type} with this id` }] })
  const listOne = async (endpoint: string, key: string, fields: string[]): Promise<Json | null> => {
    const r = await session.call<Record<string, Json[] | undefined>>(endpoint, { id: [id], only_fields: fields })
    return r[key]?.find((o) => o.id === id) ?? null
  }
  const chainOf = async (projectId: string | null): Promise<ExplainResource['projects']> => {
    if (!projectId) return []
    const own = await session.call<{ projects?: Json[] }>('projects.get_all_ex', { id: [projectId], only_fields: ['id', 'name'] })
    const p = own.projects?.[0]
    const name = str(p?.name)
    if (!p || !name) return [{ id: projectId, name: projectId }]
    const parts = name.split('/')
    const prefixes = parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'))
    if (!prefixes.length) return [{ id: projectId, name }]
    const parents = await session.call<{ projects?: Json[] }>('projects.get_all_ex', {
      name: `^(?:${prefixes.map(reEscape).join('|')})$`,
      only_fields: ['id', 'name']
    })
    const byName = new Map((parents.projects ?? []).map((x) => [String(x.name), String(x.id)]))
    const chain = [{ id: projectId, name }]
    for (const pre of prefixes.reverse()) {
      const pid = byName.get(pre)
      if (pid) chain.push({ id: pid, name: pre })
    }
    return chain
  }
  switch (type) {
    case 'project': {
      const projects = await chainOf(id)
      if (!projects.length || projects[0].name === id) {
        const check = await listOne('projects.get_all_ex', 'projects', ['id', 'name'])
        if (!check) throw notFound()
      }
      return { type, id, name: projects[0]?.name ?? null, projects, topLevel: projects.length <= 1 }
    }
    case 'task':
    case 'model':
    case 'dataset': {
      const o = await listOne(`${type}s.get_all_ex`, `${type}s`, ['id', 'name', 'project'])
      if (!o) throw notFound()
      const project = str(o.project) ?? (o.project && typeof o.project === 'object' ? str((o.project as Json).id) : null)
      const projects = await chainOf(project)
      return { type, id, name: str(o.name), projects, topLevel: project === null }
    }
    case 'queue': {
      const o = await listOne('queues.get_all', 'queues', ['id', 'name', 'display_name'])
      if (!o) throw notFound()
      return { type, id, name: str(o.display_name) ?? str(o.name), projects: [], topLevel: true }
    }
    default:
      return { type, id, name: type === 'app_category' ? id : null, projects: [], topLevel: true }
  }
}

/** A person's role and groups, as the server sees them (users.get_current_user asked as that person). */
export async function subjectOf(session: Session, dir: Directory, userId: string): Promise<{ name: string; role: string | null; groups: Array<{ id: string; name: string }>; service: boolean }> {
  const known = dir.users.find((u) => u.id === userId)
  if (!known) throw new ApiError('not_found', 'No such user or service account in this workspace.', { field: 'user', issues: [{ path: 'user', message: 'Not a user of this workspace' }] })
  const everyone = dir.groups.filter((g) => g.everyone).map((g) => ({ id: g.id, name: g.name }))
  let groups: Array<{ id: string; name: string }> = []
  let role = known.role
  try {
    const r = await session.call<{ user?: { role?: string }; sec_groups?: Array<{ id: string; name?: string }> }>('users.get_current_user', {}, { impersonate: userId })
    groups = (r.sec_groups ?? []).map((g) => ({ id: g.id, name: g.name ?? dir.groups.find((x) => x.id === g.id)?.name ?? g.id }))
    role = r.user?.role ?? role
  } catch {
    // impersonation refused: the groups that list the person are unknown here; everyone's group still applies
  }
  for (const g of everyone) if (!groups.some((x) => x.id === g.id)) groups.push(g)
  return { name: known.name, role, groups, service: known.service }
}
