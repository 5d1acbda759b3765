// resources.*: the provisioned resource configuration with its live figures (through the data layer, so it
// opens offline with its age), the server's saved edits (Save, Validate, Reset Configuration), the resource
// management toggle, and resource policies (published endpoints, applied at once: they are not drafted).
import { ApiError, RESOURCE_CONFIGURATION_ID, resourceFingerprint, type HandlersOf, type PolicyDetails, type PolicyInfo, type ResourceDoc, type ResourceState } from '../../../shared/api'
import type { resourcesMethods } from '../../../shared/api/methods/resources'
import { ClearmlError } from '../clearml'
import { cacheGet, type Db } from '../db'
import type { Session } from '../session'
import type { CoreContext } from '../context'
import { validateSaved, withLayout, type ResourceLocal } from './provisioner'
import { toLive, toResourceDoc, toWire, type WireConfiguration, type WirePool, type WireProfile } from './wire'

interface WirePolicy {
  id: string
  name: string
  description?: string | null
  reservation?: number
  limit?: number
  usage?: number
  user_group?: string
  user_group_name?: string
  missing_profile_connections?: boolean
}

interface WirePolicyData extends WirePolicy {
  profile_links?: Array<{ profile?: WireProfile; queue?: { id: string; name: string; display_name?: string | null } }>
  tasks?: Array<{ id: string; name?: string; status?: string; type?: string; started?: string | null; cost?: number; project?: { id: string; name: string } | null; user?: { id: string; name: string } | null }>
}

function toPolicy(p: WirePolicy): PolicyInfo {
  return {
    id: p.id,
    name: p.name,
    description: p.description ?? '',
    reservation: p.reservation ?? 0,
    limit: p.limit ?? 0,
    usage: p.usage ?? 0,
    userGroup: p.user_group ?? '',
    userGroupName: p.user_group_name ?? p.user_group ?? '',
    missingProfileConnections: p.missing_profile_connections === true
  }
}

/** The provisioned configuration as last read, for opening a draft offline. */
export function cachedConfig(db: Db, session: Session): ResourceDoc | null {
  const c = session.connection
  if (!c) return null
  return cacheGet<ResourceState>(db, c.id, 'resources', 'state')?.value.config ?? null
}

/** A server refusal of a policy write, at the field it is about (so the form shows it there). */
function atField(e: unknown, fields: Record<string, RegExp>): never {
  if (e instanceof ClearmlError && e.kind === 'validation') {
    const msg = e.serverMessage ?? e.message
    for (const [field, re] of Object.entries(fields)) {
      if (re.test(msg)) throw new ApiError('invalid_input', msg, { field, issues: [{ path: field, message: msg }] })
    }
  }
  throw e
}

export function resourcesHandlers(ctx: CoreContext, local: ResourceLocal): HandlersOf<typeof resourcesMethods> {
  const { session, data, drafts } = ctx
  /** Writes need the server; `draft` says whether a local draft is involved (then it is kept). */
  const online = (what: string, draft = false) => {
    if (!session.connection) throw new ApiError('no_connection', 'No active connection. Add or activate one under Connections.')
    if (session.state !== 'online') {
      throw new ApiError('offline', `The server is needed to ${what}, and it cannot be reached: ${session.reason ?? 'offline'}. Nothing was changed${draft ? '; your draft is kept' : ''}.`)
    }
    return session.connection.id
  }

  return {
    'resources.get': async ({ refresh }) =>
      data.read({
        topic: 'resources',
        key: 'state',
        what: 'resource configuration',
        refresh,
        fetch: async (signal): Promise<ResourceState> => {
          const r = await session.call<{ configuration?: WireConfiguration; policy_manager?: { enabled?: boolean } }>('resources.get_resource_configuration', { edit: false }, { signal })
          const [pools, profiles, pending] = await Promise.all([
            session.call<{ pools?: WirePool[] }>('resources.get_resource_pools', {}, { signal }),
            session.call<{ profiles?: WireProfile[] }>('resources.get_resource_profiles', {}, { signal }),
            session.call<{ exists?: boolean }>('resources.check_edit_configuration', {}, { signal })
          ])
          const configuration = r.configuration ?? {}
          return {
            config: withLayout(toResourceDoc(configuration), local.layout(session.connection?.id ?? '')),
            live: toLive(configuration, pools.pools, profiles.profiles),
            managerEnabled: r.policy_manager?.enabled !== false,
            pendingEdits: pending.exists === true
          }
        }
      }),
    'resources.save': async ({ draftId }) => {
      const connectionId = online('save the configuration', true)
      const d = drafts.require(draftId)
      if (d.kind !== 'resources' || d.connectionId !== connectionId) throw new ApiError('invalid_input', 'This draft is not the resource configuration of the active connection.', { field: 'draftId' })
      const doc = d.content as ResourceDoc
      await session.call('resources.set_resource_configuration', toWire(doc))
      local.setSaved(connectionId, resourceFingerprint(doc))
      local.setLayout(connectionId, doc.layout)
      return { saved: true }
    },
    'resources.validate': async () => {
      online('validate the saved configuration', true)
      return validateSaved(session)
    },
    'resources.reset': async () => {
      const connectionId = online('reset the configuration', true)
      await session.call('resources.reset_resource_configuration', {})
      local.setSaved(connectionId, null)
      const mine = drafts.forObject(connectionId, 'resources', RESOURCE_CONFIGURATION_ID)
      if (mine) drafts.discard([mine.id])
      return { reset: true }
    },
    'resources.enableManager': async ({ enable }) => {
      online(enable ? 'enable resource management' : 'disable resource management')
      await session.call('resources.enable_policy_manager', { enable })
      return { enabled: enable }
    },
    'resources.policies': async ({ refresh }) =>
      data.read({
        topic: 'resources',
        key: 'policies',
        what: 'resource policies',
        refresh,
        fetch: async (signal) => ((await session.call<{ policies?: WirePolicy[] }>('resources.get_policies', {}, { signal })).policies ?? []).map(toPolicy)
      }),
    'resources.policy': async ({ id, refresh }) =>
      data.read({
        topic: 'resources',
        key: `policy:${id}`,
        what: 'resource policy',
        refresh,
        fetch: async (signal): Promise<PolicyDetails> => {
          const p = await session.call<WirePolicyData>('resources.get_policy_data', { id }, { signal })
          let members: PolicyDetails['members'] = []
          if (p.user_group) {
            try {
              const g = await session.call<{ groups?: Array<{ id: string; users?: Array<{ id: string; name?: string; email?: string }> }> }>('permissions.get_user_groups', { groups: [p.user_group] }, { signal })
              members = (g.groups?.[0]?.users ?? []).map((u) => ({ id: u.id, name: u.name ?? u.email ?? u.id }))
            } catch (e) {
              // Members are for admins (and Enterprise servers); the policy itself still shows.
              if (!(e instanceof ClearmlError && (e.kind === 'forbidden' || e.kind === 'not_found'))) throw e
            }
          }
          const poolNames = new Map<string, string>()
          const state = cacheGet<ResourceState>(ctx.db, session.connection?.id ?? '', 'resources', 'state')?.value
          for (const pool of state?.config.pools ?? []) poolNames.set(pool.id, pool.name)
          return {
            ...toPolicy(p),
            profiles: (p.profile_links ?? [])
              .filter((l) => l.profile && l.queue)
              .map((l) => ({
                profileId: l.profile!.id,
                profileName: l.profile!.name,
                allotment: l.profile!.profile_cost ?? 0,
                costField: l.profile!.cost_field ?? null,
                queued: l.profile!.queued_jobs ?? 0,
                running: l.profile!.running_jobs ?? 0,
                pools: (l.profile!.pool_links ?? []).map((x) => poolNames.get(x.pool) ?? x.name),
                queue: { id: l.queue!.id, name: l.queue!.name, displayName: l.queue!.display_name ?? null }
              })),
            tasks: (p.tasks ?? []).map((t) => ({
              id: t.id,
              name: t.name ?? t.id,
              status: t.status ?? 'unknown',
              type: t.type ?? '',
              started: t.started ?? null,
              cost: t.cost ?? 0,
              project: t.project ?? null,
              user: t.user ?? null
            })),
            members
          }
        }
      }),
    'resources.createPolicy': async ({ name, description, reservation, limit, userGroup }) => {
      online('create the policy')
      try {
        return await session.call<{ id: string }>('resources.create_policy', { name, description, reservation, limit, user_group: userGroup })
      } catch (e) {
        return atField(e, { name: /name/i, userGroup: /group/i, reservation: /reservation/i, limit: /limit/i })
      }
    },
    'resources.updatePolicy': async ({ id, ...fields }) => {
      online('update the policy')
      try {
        const r = await session.call<{ updated?: number }>('resources.update_policy', { id, ...fields })
        return { updated: r.updated ?? 0 }
      } catch (e) {
        return atField(e, { name: /name/i, reservation: /reservation/i, limit: /limit/i })
      }
    },
    'resources.checkMovePolicy': async ({ id, userGroup }) => {
      online('check the move')
      const r = await session.call<{ tasks_to_dequeue?: number }>('resources.validate_move_policy', { id, user_group: userGroup })
      return { tasksToDequeue: r.tasks_to_dequeue ?? 0 }
    },
    'resources.movePolicy': async ({ id, userGroup }) => {
      online('move the policy')
      const r = await session.call<{ dequeued_tasks?: number }>('resources.move_policy', { id, user_group: userGroup })
      return { dequeuedTasks: r.dequeued_tasks ?? 0 }
    },
    'resources.deletePolicy': async ({ id }) => {
      online('delete the policy')
      const r = await session.call<{ deleted_queues?: number }>('resources.delete_policy', { id })
      return { deletedQueues: r.deleted_queues ?? 0 }
    },
    'resources.connectPolicy': async ({ policy, profile, queueName, displayName }) => {
      online('connect the profile')
      try {
        const r = await session.call<{ id: string }>('resources.connect_policy_profile', { policy, profile, queue_name: queueName, ...(displayName && { display_name: displayName }) })
        return { queueId: r.id }
      } catch (e) {
        return atField(e, { queueName: /queue|display/i, profile: /profile|cost|limit/i })
      }
    },
    'resources.disconnectPolicy': async ({ queue }) => {
      online('disconnect the profile')
      const r = await session.call<{ deleted?: number }>('resources.disconnect_policy_profile', { queue })
      return { deleted: r.deleted ?? 0 }
    }
  }
}

