// Access Rules (RBAC) handlers. The rules are read cache-first (the `data` layer, with their age) and kept in memory per
// connection, so the View / target / assignee filters, search, sort and paging of 20,000 rules are local. Writes go
// to the server (online only, refused offline with the reason), then the rules are read again. The explainer reads
// the rules, the person's groups and the resource's project chain, applies shared/domain/access-rules.ts, and asks the
// server's own check (permissions.check_entity_access acting as that person) to compare.
import { ApiError, type HandlersOf, type ListQuery } from '../../../shared/api'
import type { accessRulesMethods, ExplainResult, FacetOption } from '../../../shared/api/methods/access-rules'
import {
  NOT_ADMIN_MESSAGE,
  defaultRuleName,
  disagreement,
  explainAccess,
  matchesFilter,
  ruleOrderValue,
  ruleSearchText,
  targetLabel,
  typesClosedToEveryone,
  type AccessRule,
  type EntityType,
  type RuleFilter,
  type Verdict
} from '../../../shared/domain/access-rules'
import { ClearmlError } from '../clearml'
import type { CoreContext } from '../context'
import { cacheGet } from '../db'
import { adminGuard } from '../admin-guard'
import type { StoredConnection } from '../connections/repo'
import { explain, fetchDirectory, fetchObjects, fetchRules, resolveResource, searchDirectory, subjectOf, type Directory } from './server'

interface Memo<T> {
  connectionId: string
  value: T
  source: 'server' | 'cache'
  fetchedAt: number
}

/** How long the people and groups read for the pickers are used before they are read again. */
const DIRECTORY_TTL_MS = 60_000
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })

/** Filter, search, sort and page the rules in memory; sort keys are computed once per rule (20,000 rules sort in ms). */
export function pageRules(all: readonly AccessRule[], filter: RuleFilter, q: ListQuery): { items: AccessRule[]; total: number } {
  const needle = q.search.trim().toLowerCase()
  const hits = all.filter((x) => matchesFilter(x, filter) && (!needle || ruleSearchText(x).some((f) => f.toLowerCase().includes(needle))))
  const keyed = hits.map((x, i) => ({ x, i, k: ruleOrderValue(x, q.orderBy) }))
  const dir = q.descending ? -1 : 1
  keyed.sort((a, b) => {
    const c = typeof a.k === 'number' && typeof b.k === 'number' ? a.k - b.k : collator.compare(String(a.k), String(b.k))
    return c ? c * dir : a.i - b.i
  })
  return { items: keyed.slice(q.page * q.pageSize, (q.page + 1) * q.pageSize).map((e) => e.x), total: hits.length }
}

export function accessRulesHandlers(ctx: CoreContext): HandlersOf<typeof accessRulesMethods> {
  const { session, data, db } = ctx
  let rulesMemo: Memo<AccessRule[]> | null = null
  let dirMemo: Memo<Directory> | null = null

  const { connection, online, refuseNonAdmin } = adminGuard(session, NOT_ADMIN_MESSAGE)

  async function rules(refresh: boolean): Promise<Memo<AccessRule[]>> {
    const conn = connection()
    const fresh = rulesMemo?.connectionId === conn.id && rulesMemo.source === 'server'
    // the rules in memory answer filters and pages; a refresh (or a cached copy while online) asks again
    if (rulesMemo?.connectionId === conn.id && !refresh && (fresh || session.state !== 'online')) return rulesMemo
    const r = await data.read({ topic: 'accessRules', key: 'rules', what: 'access rules', refresh, fetch: (signal) => fetchRules(session, signal) })
    rulesMemo = { connectionId: conn.id, value: r.value, source: r.source, fetchedAt: r.fetchedAt }
    return rulesMemo
  }

  /** The people and groups for the pickers; one read at a time (concurrent callers share it), kept for a minute. */
  let dirPending: { connectionId: string; p: Promise<Memo<Directory>> } | null = null
  function directory(): Promise<Memo<Directory>> {
    const conn = connection()
    const fresh = dirMemo?.connectionId === conn.id && (dirMemo.source === 'server' ? Date.now() - dirMemo.fetchedAt < DIRECTORY_TTL_MS : session.state !== 'online')
    if (fresh && dirMemo) return Promise.resolve(dirMemo)
    if (dirPending?.connectionId === conn.id) return dirPending.p
    const p = (async () => {
      // the group list Users & Groups keeps (names only matter here), else the server's
      const known = cacheGet<Array<{ id: string; name: string; description?: string; system?: boolean; assignable?: boolean }>>(db, conn.id, 'groups', 'list')?.value
      const r = await data.read({ topic: 'accessRules', key: 'directory', what: 'users and groups', refresh: false, fetch: (signal) => fetchDirectory(session, signal, known) })
      dirMemo = { connectionId: conn.id, value: r.value, source: r.source, fetchedAt: r.fetchedAt }
      return dirMemo
    })().finally(() => {
      if (dirPending?.p === p) dirPending = null
    })
    dirPending = { connectionId: conn.id, p }
    return p
  }

  /** After a write: read the rules again (the server names the objects and assignees). */
  async function reread(conn: StoredConnection): Promise<void> {
    const value = await fetchRules(session)
    const fetchedAt = data.store(conn.id, 'accessRules', 'rules', value, { announce: false })
    rulesMemo = { connectionId: conn.id, value, source: 'server', fetchedAt }
  }

  /** Rules read from the server before it went away are a cached copy now: say so, with their age. */
  const sourceOf = (m: Memo<unknown>): 'server' | 'cache' => (session.state === 'online' || session.state === 'connecting' ? m.source : 'cache')

  function fieldError(e: unknown): never {
    if (e instanceof ClearmlError && e.kind === 'validation') {
      const msg = e.serverMessage ?? e.message
      const field = /entity_id|not found|entity/i.test(msg) ? 'entityId' : /assignee|group|user/i.test(msg) ? 'assignees' : /name/i.test(msg) ? 'name' : 'entityType'
      throw new ApiError('invalid_input', msg, { field, issues: [{ path: field, message: msg }] })
    }
    explain(e)
  }

  return {
    'accessRules.list': async ({ refresh, type, target, assignee, ...q }) => {
      const r = await rules(refresh)
      refuseNonAdmin()
      return { ...pageRules(r.value, { type, target, assignee }, q), source: sourceOf(r), fetchedAt: r.fetchedAt }
    },

    'accessRules.summary': async ({ refresh }) => {
      const r = await rules(refresh)
      refuseNonAdmin()
      // the pickers' people and groups take a while on a large organisation: read them now, before the dialog opens
      if (session.state === 'online' && dirMemo?.connectionId !== r.connectionId) void directory().catch(() => undefined)
      const byType: Partial<Record<EntityType, number>> = {}
      for (const x of r.value) byType[x.entityType] = (byType[x.entityType] ?? 0) + 1
      // the built-in Users group (everyone): from the groups when read, else as the rules name it
      const fromDir = dirMemo?.connectionId === r.connectionId ? dirMemo.value.groups.find((g) => g.everyone) : undefined
      const fromRules = r.value.flatMap((x) => x.groups).find((g) => g.name.trim().toLowerCase() === 'users')
      const everyone = fromDir ? { id: fromDir.id, name: fromDir.name } : (fromRules ?? null)
      const closed = everyone ? typesClosedToEveryone(r.value, everyone.id) : typesClosedToEveryone([], 'users')
      return { total: r.value.length, byType, everyoneGroup: everyone, closedToEveryone: closed, source: sourceOf(r), fetchedAt: r.fetchedAt }
    },

    'accessRules.facets': async ({ kind, type, search }) => {
      const r = await rules(false)
      refuseNonAdmin()
      const needle = search.trim().toLowerCase()
      const services = new Set(dirMemo?.connectionId === r.connectionId ? dirMemo.value.users.filter((u) => u.service).map((u) => u.id) : [])
      const counts = new Map<string, FacetOption>()
      const add = (value: string, label: string, k: FacetOption['kind']) => {
        const o = counts.get(value)
        if (o) o.count++
        else counts.set(value, { value, label, kind: k, count: 1 })
      }
      for (const x of r.value) {
        if (type !== 'all' && x.entityType !== type) continue
        if (kind === 'target') add(x.entityId ?? '(top)', `${type === 'all' ? `${x.entityType.replace('_', ' ')}: ` : ''}${targetLabel(x)}`, 'target')
        else {
          for (const u of x.users) add(u.id, u.email ? `${u.name} (${u.email})` : u.name, services.has(u.id) ? 'service' : 'user')
          for (const g of x.groups) add(g.id, g.name, 'group')
        }
      }
      return [...counts.values()]
        .filter((o) => !needle || o.label.toLowerCase().includes(needle) || o.value.toLowerCase().includes(needle))
        .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label))
        .slice(0, 100)
    },

    'accessRules.assignees': async (q) => {
      const d = await directory()
      refuseNonAdmin()
      return searchDirectory(d.value, q)
    },

    'accessRules.objects': async ({ type, search, limit }) => {
      online(`list the ${type === 'app_category' ? 'application categories' : `${type}s`}`)
      const known = rulesMemo?.value.filter((r) => r.entityType === 'app_category' && r.entityId && r.entityId !== '*').map((r) => r.entityId!) ?? []
      return fetchObjects(session, type, search, limit, [...new Set(known)])
    },

    'accessRules.save': async (input) => {
      const conn = online('save the access rule')
      const existing = input.id ? rulesMemo?.value.find((r) => r.id === input.id) : undefined
      if (existing?.autocreated) {
        throw new ApiError('invalid_input', 'A default rule cannot be edited: delete it, or restore the defaults.', { field: 'entityType' })
      }
      const entityName = input.entityName ?? (existing && existing.entityId === input.entityId ? existing.entityName : null)
      const body: Record<string, unknown> = {
        ...(input.id && { id: input.id }),
        name: input.name || defaultRuleName(input.entityType, input.entityId, entityName),
        description: input.description,
        entity_type: input.entityType,
        entity_id: input.entityId,
        // application categories: always read & modify (the choice has no effect)
        access_permission: input.entityType === 'app_category' ? 'read_write' : input.access,
        groups: [...new Set(input.groups)],
        users: [...new Set(input.users)]
      }
      let r: { id?: string; name?: string }
      try {
        r = await session.call<{ id?: string; name?: string }>('permissions.add_or_update_access_rule', body)
      } catch (e) {
        fieldError(e)
      }
      await reread(conn)
      return { id: r.id ?? input.id ?? '', name: r.name ?? String(body.name) }
    },

    'accessRules.delete': async ({ ids }) => {
      const conn = online('delete access rules')
      let r: { deleted?: number }
      try {
        r = await session.call<{ deleted?: number }>('permissions.delete_access_rules', { rules: [...new Set(ids)] })
      } catch (e) {
        fieldError(e)
      }
      await reread(conn)
      return { deleted: r.deleted ?? 0 }
    },

    'accessRules.restoreDefaults': async () => {
      const conn = online('restore the default access rules')
      let r: { restored?: number }
      try {
        r = await session.call<{ restored?: number }>('permissions.restore_default_access_rules', {})
      } catch (e) {
        fieldError(e)
      }
      await reread(conn)
      return { restored: r.restored ?? 0 }
    },

    'accessRules.explain': async ({ user, entityType, entityId, access }) => {
      online('explain the effective access (it reads the person’s groups and the resource’s projects)')
      const [rs, dir] = await Promise.all([rules(false), directory()])
      refuseNonAdmin()
      const [subject, resource] = await Promise.all([subjectOf(session, dir.value, user), resolveResource(session, entityType, entityId)])
      // the server's own check, acting as that person
      let server: ExplainResult['server']
      let permissionsEnabled: boolean | null = null
      try {
        const r = await session.call<{ allowed?: boolean; access_permission?: string | null; reason?: string }>(
          'permissions.check_entity_access',
          { entity_type: entityType, entity_id: entityId, access_permission: access },
          { impersonate: user }
        )
        const verdict: Verdict | null =
          r.reason === 'admin' || r.reason === 'permissions_disabled'
            ? 'read_write'
            : r.access_permission === 'read_write' || r.access_permission === 'read'
              ? r.access_permission
              : r.access_permission === null
                ? 'none'
                : null
        server = { allowed: r.allowed !== false, verdict, reason: r.reason ?? null, error: null }
        if (r.reason === 'permissions_disabled') permissionsEnabled = false
        else if (r.reason === 'rule' || r.reason === 'no_rule' || r.reason === 'insufficient') permissionsEnabled = true
      } catch (e) {
        const err = ApiError.from(e)
        server = { allowed: false, verdict: null, reason: null, error: e instanceof ClearmlError ? (e.serverMessage ?? e.message) : err.message }
      }
      const local = explainAccess({
        rules: rs.value,
        subject: { id: user, name: subject.name, role: subject.role, groups: subject.groups, serviceAccount: subject.service },
        resource,
        requested: access,
        permissionsEnabled: permissionsEnabled ?? true
      })
      return {
        subject: { id: user, name: subject.name, role: subject.role, groups: subject.groups, serviceAccount: subject.service },
        resource,
        requested: access,
        local,
        server,
        disagreement: server && !server.error ? disagreement(local, server) : null,
        permissionsEnabled,
        rulesFetchedAt: rs.fetchedAt,
        rulesSource: rs.source
      }
    }
  }
}
