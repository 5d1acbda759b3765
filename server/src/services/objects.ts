import { z } from 'zod'
import { AdminStore, type ObjectKind, type ObjectRow } from '../admin-store'
import { endpoint, requireIdentity, stringList } from '../endpoint'
import { namePattern, onlyFields, pageFields, scrollFields, scrollItems, sortItems } from '../listing'
import type { Store } from '../store'

/**
 * Minimal read endpoints for the objects access rules point at (the "specific object" pickers of the Access Rules
 * dialog), under their published names: projects.get_all_ex, tasks.get_all_ex, models.get_all_ex, datasets.get_all_ex
 * (enterprise catalog) and queues.get_all (open-source catalog; registered on both feature sets). Every request field
 * of the catalog is accepted; the ones this server implements are `id`, `name` (a Python regex, search semantics),
 * `search_text` (case-insensitive substring of the name or the id), `tags` (any of), the kind's own filters (below),
 * `order_by`, `page`/`page_size`, `size`/`scroll_id`/`refresh_scroll` and `only_fields` (`project.name` and `user.name`
 * turn `project` / `user` into `{id, name}` objects, as the web app asks for them). The others are ignored.
 */

type Json = Record<string, unknown>
const ignored = z.unknown().optional()
const bool = z.boolean().optional()
const patternData = z.object({ fields: stringList.optional(), pattern: z.string().optional(), datetime: z.string().optional() }).optional()

const common = {
  id: stringList.optional(), name: z.string().optional(), search_text: z.string().max(1000).optional(), tags: stringList.optional(),
  system_tags: stringList.optional(), ...pageFields, ...scrollFields
}

interface ListRequest {
  id?: string[]; name?: string; search_text?: string; tags?: string[]; only_fields?: string[]; order_by?: string[]
  page?: number; page_size?: number; size?: number; scroll_id?: string; refresh_scroll?: boolean
}

/** The projects under the given ones (themselves included), at any depth. */
function withSubprojects(store: Store, company: string, ids: readonly string[]): Set<string> {
  const children = new Map<string, string[]>()
  for (const p of new AdminStore(store).objects(company, 'project')) {
    if (p.project) children.set(p.project, [...(children.get(p.project) ?? []), p.id])
  }
  const out = new Set<string>()
  const stack = [...ids]
  while (stack.length) {
    const id = stack.pop()!
    if (out.has(id)) continue
    out.add(id)
    stack.push(...(children.get(id) ?? []))
  }
  return out
}

/** Filters, sorts, pages and shapes one kind's objects. */
function list(store: Store, company: string, kind: ObjectKind, req: ListRequest, extra: (o: ObjectRow) => boolean, view: (o: ObjectRow) => Json) {
  const matches = namePattern(req.name)
  const ids = req.id?.length ? new Set(req.id) : undefined
  const text = req.search_text?.toLowerCase()
  const tags = req.tags?.length ? new Set(req.tags) : undefined
  const rows = new AdminStore(store).objects(company, kind).filter((o) =>
    matches(o.name) && (!ids || ids.has(o.id)) && (!text || o.name.toLowerCase().includes(text) || o.id.includes(text)) &&
    (!tags || (JSON.parse(o.tags) as string[]).some((t) => tags.has(t))) && extra(o))
  const items = sortItems(rows.map(view), req.order_by)
  const { items: slice, scroll_id } = scrollItems(items, req)
  // project.name / user.name: the references become {id, name}
  const projects = req.only_fields?.some((f) => f.startsWith('project.')) ? new AdminStore(store).objectNames(company, 'project') : undefined
  const users = req.only_fields?.some((f) => f.startsWith('user.')) ? new Map(store.usersOfCompany(company).map((u) => [u.id, u.name])) : undefined
  const shaped = slice.map((item) => {
    const out = { ...item }
    if (projects && typeof out.project === 'string') out.project = { id: out.project, name: projects.get(out.project)?.name ?? null }
    if (users && typeof out.user === 'string') out.user = { id: out.user, name: users.get(out.user) ?? store.user(out.user)?.name ?? null }
    return onlyFields(out, req.only_fields)
  })
  return { items: shaped, scroll_id }
}

const tagsOf = (o: ObjectRow) => JSON.parse(o.tags) as string[]

export const objectEndpoints = [
  endpoint({
    name: 'projects.get_all_ex', minVersion: '2.15', auth: 'required',
    schema: z.object({
      ...common, _all_: patternData, _any_: patternData, active_users: stringList.optional(), allow_public: bool, basename: z.string().optional(),
      check_own_contents: bool, children_tags: ignored, children_tags_filter: ignored, children_type: ignored, description: z.string().optional(),
      filters: ignored, include_dataset_stats: bool, include_stats: bool, include_stats_filter: ignored, non_public: bool,
      permission_roots_only: bool, search_hidden: bool, shallow_search: bool, stats_for_state: ignored, stats_with_children: bool
    }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const admin = new AdminStore(store)
      const d = ctx.data
      const all = admin.objects(identity.company, 'project')
      const contents = [...admin.objects(identity.company, 'task'), ...admin.objects(identity.company, 'model')]
      const activeUsers = d.active_users?.length ? new Set(d.active_users) : undefined
      const activeProjects = activeUsers && new Set(contents.filter((o) => o.user_id && activeUsers.has(o.user_id)).map((o) => o.project))
      const basename = (o: ObjectRow) => o.name.split('/').at(-1)!
      const { items, scroll_id } = list(store, identity.company, 'project', d,
        (o) => (d.basename === undefined || basename(o) === d.basename) && (!d.shallow_search || o.project === null) && (!activeProjects || activeProjects.has(o.id)),
        (o) => ({
          id: o.id, name: o.name, basename: basename(o), company: o.company, created: o.created, description: o.description, last_update: o.last_update,
          user: o.user_id, tags: tagsOf(o), system_tags: [], default_output_destination: null,
          sub_projects: all.filter((p) => p.project === o.id).map((p) => ({ id: p.id, name: p.name })),
          ...(d.check_own_contents === true && {
            own_tasks: contents.filter((c) => c.kind === 'task' && c.project === o.id).length,
            own_models: contents.filter((c) => c.kind === 'model' && c.project === o.id).length
          })
        }))
      return { projects: items, scroll_id }
    }
  }),
  endpoint({
    name: 'tasks.get_all_ex', minVersion: '2.15', auth: 'required',
    schema: z.object({
      ...common, _all_: patternData, _any_: patternData, allow_public: bool, filters: ignored, include_hidden_projects: bool, include_subprojects: bool,
      'input.view.entries.dataset': ignored, 'input.view.entries.version': ignored, parent: z.string().optional(), project: stringList.optional(),
      search_hidden: bool, status: stringList.optional(), status_changed: ignored, type: stringList.optional(), user: stringList.optional()
    }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const d = ctx.data
      const projects = d.project?.length ? (d.include_subprojects ? withSubprojects(store, identity.company, d.project) : new Set(d.project)) : undefined
      const { items, scroll_id } = list(store, identity.company, 'task', d,
        (o) => (!projects || (o.project !== null && projects.has(o.project))) && (!d.status?.length || d.status.includes(o.status ?? '')) &&
          (!d.type?.length || d.type.includes(o.type ?? '')) && (!d.user?.length || d.user.includes(o.user_id ?? '')),
        (o) => ({
          id: o.id, name: o.name, company: o.company, project: o.project, user: o.user_id, status: o.status, type: o.type, created: o.created,
          last_update: o.last_update, comment: o.description, tags: tagsOf(o), system_tags: [], execution: { queue: o.queue }
        }))
      return { tasks: items, scroll_id }
    }
  }),
  endpoint({
    name: 'models.get_all_ex', minVersion: '2.15', auth: 'required',
    schema: z.object({
      ...common, _all_: patternData, _any_: patternData, allow_public: bool, filters: ignored, framework: stringList.optional(), include_stats: bool,
      include_subprojects: bool, last_update: ignored, project: stringList.optional(), ready: bool, task: stringList.optional(), uri: ignored,
      user: stringList.optional()
    }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const d = ctx.data
      const projects = d.project?.length ? (d.include_subprojects ? withSubprojects(store, identity.company, d.project) : new Set(d.project)) : undefined
      const { items, scroll_id } = list(store, identity.company, 'model', d,
        (o) => (!projects || (o.project !== null && projects.has(o.project))) && (!d.framework?.length || d.framework.includes(o.framework ?? '')) &&
          (d.ready === undefined || (o.status === 'published') === d.ready) && (!d.task?.length || d.task.includes(o.task ?? '')) &&
          (!d.user?.length || d.user.includes(o.user_id ?? '')),
        (o) => ({
          id: o.id, name: o.name, company: o.company, project: o.project, task: o.task, user: o.user_id, framework: o.framework,
          ready: o.status === 'published', created: o.created, last_update: o.last_update, comment: o.description, tags: tagsOf(o), system_tags: [],
          uri: `s3://demo-bucket/models/${o.id}/model.bin`
        }))
      return { models: items, scroll_id }
    }
  }),
  endpoint({
    name: 'datasets.get_all_ex', minVersion: '2.15', auth: 'required',
    schema: z.object({
      ...common, _all_: patternData, _any_: patternData, allow_public: bool, filters: ignored, include_subprojects: bool, resolve_head: bool
    }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { items, scroll_id } = list(ctx.server.store, identity.company, 'dataset', ctx.data, () => true, (o) => ({
        id: o.id, name: o.name, company: o.company, project: o.project, user: o.user_id, created: o.created, last_update: o.last_update,
        comment: o.description, tags: tagsOf(o), system_tags: [], metadata: {}
      }))
      return { datasets: items, scroll_id }
    }
  })
]

/** queues.get_all (open source): the company's queues, the resource policies' queues included (with profile_connection). */
export const queueEndpoints = [
  endpoint({
    name: 'queues.get_all', minVersion: '2.4', auth: 'required',
    schema: z.object({ ...common, max_task_entries: z.number().int().min(0).optional(), search_hidden: bool }),
    handler: (ctx) => {
      const identity = requireIdentity(ctx)
      const { store } = ctx.server
      const d = ctx.data
      const admin = new AdminStore(store)
      const tasks = admin.objects(identity.company, 'task')
      const policyQueues = store.db.prepare(`SELECT q.*, p.name AS policy_name, p.user_group FROM resource_queues q JOIN resource_policies p ON p.id = q.policy
        WHERE q.company = ? ORDER BY q.rowid`).all(identity.company) as Array<{ id: string; name: string; display_name: string | null; policy: string;
          policy_name: string; profile: string; user_group: string; created: string }>
      const policyTasks = store.db.prepare(`SELECT id, queue FROM resource_tasks WHERE company = ? AND status = 'queued' ORDER BY rowid`).all(identity.company) as
        Array<{ id: string; queue: string }>
      const entries = (queue: string, ids: string[]) => ids.slice(0, d.max_task_entries ?? ids.length).map((task) => ({ task, added: null }))
      const matches = namePattern(d.name)
      const ids = d.id?.length ? new Set(d.id) : undefined
      const text = d.search_text?.toLowerCase()
      const tags = d.tags?.length ? new Set(d.tags) : undefined
      const all: Json[] = [
        ...admin.objects(identity.company, 'queue').map((o) => ({
          id: o.id, name: o.name, display_name: o.display_name, company: o.company, created: o.created, last_update: o.last_update, user: o.user_id,
          tags: tagsOf(o), system_tags: [], metadata: {},
          entries: entries(o.id, tasks.filter((t) => t.status === 'queued' && t.queue === o.id).map((t) => t.id))
        })),
        ...policyQueues.map((q) => ({
          id: q.id, name: q.name, display_name: q.display_name, company: identity.company, created: q.created, last_update: q.created, user: null,
          tags: [], system_tags: [], metadata: {}, entries: entries(q.id, policyTasks.filter((t) => t.queue === q.id).map((t) => t.id)),
          profile_connection: { policy: q.policy, policy_name: q.policy_name, profile: q.profile, user_group: q.user_group }
        }))
      ].filter((q) => {
        const name = String(q.name)
        const display = q.display_name ? String(q.display_name) : ''
        return (matches(name) || (!!display && matches(display))) && (!ids || ids.has(String(q.id))) &&
          (!text || name.toLowerCase().includes(text) || display.toLowerCase().includes(text) || String(q.id).includes(text)) &&
          (!tags || (q.tags as string[]).some((t) => tags.has(t)))
      })
      const { items, scroll_id } = scrollItems(sortItems(all, d.order_by), d)
      return { queues: items.map((q) => onlyFields(q, d.only_fields)), scroll_id }
    }
  })
]
