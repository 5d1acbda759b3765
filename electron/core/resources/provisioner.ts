// How the resource configuration is read from and provisioned to a ClearML Enterprise server: the whole
// configuration is one object (server id `configuration`). Provisioning is Save + Publish — two requests
// whatever the size — and the server publishes atomically; when the answer to Publish is lost, the console
// reads the provisioned configuration back and says which one the server runs.
import { RESOURCE_CONFIGURATION_ID, mergeResources, resourceFingerprint, resourceProblems, validationMessages, type ResourceDoc, type ResourceValidation } from '../../../shared/api'
import { ClearmlError } from '../clearml'
import { cacheGet, cachePut, type Db } from '../db'
import type { Provisioner, ServerCopy } from '../drafts/provisioner'
import type { Session } from '../session'
import { autoLayout } from '../../../shared/api'
import { toResourceDoc, toWire, type WireConfiguration } from './wire'

/** The stored card positions, and automatic ones for cards that have none yet. */
export function withLayout(doc: ResourceDoc, stored: ResourceDoc['layout']): ResourceDoc {
  const ids = new Set([...doc.pools.map((p) => p.id), ...doc.profiles.map((p) => p.id)])
  const kept = Object.fromEntries(Object.entries({ ...doc.layout, ...stored }).filter(([id]) => ids.has(id)))
  const missing = [...ids].some((id) => !kept[id])
  return { ...doc, layout: missing ? { ...autoLayout(doc), ...kept } : kept }
}

/** Per-connection records the console keeps for the resource configuration (cache table, kind below). */
const LOCAL = 'resources-local'

export interface ResourceLocal {
  /** Card positions of the last configuration edited or provisioned here (never sent to the server). */
  layout(connectionId: string): ResourceDoc['layout']
  setLayout(connectionId: string, layout: ResourceDoc['layout']): void
  /** Fingerprint of the configuration this console last saved as the server's edits (so they are not "someone else's"). */
  saved(connectionId: string): string | null
  setSaved(connectionId: string, fingerprint: string | null): void
}

export function resourceLocal(db: Db): ResourceLocal {
  return {
    layout: (id) => (cacheGet<ResourceDoc['layout']>(db, id, LOCAL, 'layout')?.value ?? {}),
    setLayout: (id, layout) => void cachePut(db, id, LOCAL, 'layout', layout),
    saved: (id) => cacheGet<string | null>(db, id, LOCAL, 'saved')?.value ?? null,
    setSaved: (id, fp) => void cachePut(db, id, LOCAL, 'saved', fp)
  }
}

export async function fetchPublished(session: Session, signal?: AbortSignal): Promise<WireConfiguration> {
  const r = await session.call<{ configuration?: WireConfiguration }>('resources.get_resource_configuration', { edit: false }, { signal })
  return r.configuration ?? {}
}

/** The server's saved (unprovisioned) edits, or null when there are none. */
export async function fetchPendingEdits(session: Session, signal?: AbortSignal): Promise<WireConfiguration | null> {
  const check = await session.call<{ exists?: boolean }>('resources.check_edit_configuration', {}, { signal })
  if (!check.exists) return null
  const r = await session.call<{ configuration?: WireConfiguration }>('resources.get_resource_configuration', { edit: true }, { signal })
  return r.configuration ?? {}
}

export async function validateSaved(session: Session, signal?: AbortSignal): Promise<ResourceValidation> {
  const r = await session.call<{
    affected_policies?: Array<{ id: string; name: string; queues_to_delete?: Array<{ id: string; name: string; display_name?: string | null; tasks?: number }> }>
    not_linked_profiles?: Array<{ id: string; name: string }>
  }>('resources.test_configuration_publishing', {}, { signal })
  const saved = (await fetchPendingEdits(session, signal)) ?? (await fetchPublished(session, signal))
  return {
    affectedPolicies: (r.affected_policies ?? []).map((a) => ({
      id: a.id,
      name: a.name,
      queuesToDelete: (a.queues_to_delete ?? []).map((q) => ({ id: q.id, name: q.name, displayName: q.display_name ?? null, tasks: q.tasks ?? 0 }))
    })),
    notLinkedProfiles: (r.not_linked_profiles ?? []).map((p) => ({ id: p.id, name: p.name })),
    problems: resourceProblems(toResourceDoc(saved))
  }
}

function lost(e: unknown): boolean {
  return e instanceof ClearmlError && (e.kind === 'network' || e.kind === 'timeout' || e.kind === 'aborted' || e.kind === 'server')
}

/**
 * `cached` is the provisioned configuration as last read (the screen's cache), for starting a draft offline.
 */
export function resourcesProvisioner(session: Session, local: ResourceLocal, cached: () => ResourceDoc | null): Provisioner<'resources'> {
  const connectionId = () => session.connection?.id ?? ''
  const save = async (doc: ResourceDoc) => {
    await session.call('resources.set_resource_configuration', toWire(doc))
    local.setSaved(connectionId(), resourceFingerprint(doc))
  }
  return {
    kind: 'resources',
    async fetchAll(signal) {
      const published = withLayout(toResourceDoc(await fetchPublished(session, signal)), local.layout(connectionId()))
      const pendingWire = await fetchPendingEdits(session, signal)
      const copy: ServerCopy<'resources'> = { doc: published, version: null }
      if (pendingWire) copy.pending = withLayout(toResourceDoc(pendingWire), published.layout)
      return new Map([[RESOURCE_CONFIGURATION_ID, copy]])
    },
    fingerprint: resourceFingerprint,
    merge: mergeResources,
    nameOf: () => 'Resource configuration',
    invalid(doc) {
      const p = resourceProblems(doc)
      if (!p.length) return null
      return `${p.length} problem${p.length === 1 ? '' : 's'}: ${p
        .slice(0, 3)
        .map((x) => x.message)
        .join('; ')}${p.length > 3 ? '; …' : ''}`
    },
    notes: () => ['Saved as the server’s edits, then provisioned in one step (the server publishes atomically). Card positions stay on this desktop.'],
    blocked(mine, copy) {
      const pending = copy.pending
      if (!pending) return null
      const fp = resourceFingerprint(pending)
      if (fp === resourceFingerprint(mine) || fp === local.saved(connectionId())) return null
      return 'Someone has saved unprovisioned edits on the server since'
    },
    acknowledge(copy) {
      local.setSaved(connectionId(), copy.pending ? resourceFingerprint(copy.pending) : null)
    },
    async preview(doc, signal) {
      await save(doc)
      return validationMessages(await validateSaved(session, signal))
    },
    offline(serverId) {
      const doc = serverId === RESOURCE_CONFIGURATION_ID ? cached() : null
      return doc ? { doc: withLayout(doc, local.layout(connectionId())), version: null } : null
    },
    async create(doc) {
      await this.update(RESOURCE_CONFIGURATION_ID, doc)
      return RESOURCE_CONFIGURATION_ID
    },
    async update(_serverId, doc) {
      try {
        await save(doc)
      } catch (e) {
        throw new Error(`Not provisioned — the server still runs the previous configuration (saving the edits failed: ${(e as Error).message})`, { cause: e })
      }
      let said: string | undefined
      try {
        await session.call('resources.publish_resource_configuration', {})
      } catch (e) {
        if (!lost(e)) throw new Error(`Not provisioned — the server still runs the previous configuration: ${(e as Error).message}`, { cause: e })
        // The answer was lost: the server publishes atomically, so it runs either the old or the new configuration.
        let now: ResourceDoc
        try {
          now = toResourceDoc(await fetchPublished(session))
        } catch {
          throw new Error(`Unknown whether it was provisioned: the server did not answer (${(e as Error).message}). Open the configuration again once it is back.`, { cause: e })
        }
        if (resourceFingerprint(now) !== resourceFingerprint(doc)) {
          throw new Error(`Not provisioned — the server still runs the previous configuration (checked after the request failed: ${(e as Error).message})`, { cause: e })
        }
        said = `Provisioned — the server’s answer was lost (${(e as Error).message}), and reading it back shows it runs the new configuration`
      }
      local.setLayout(connectionId(), doc.layout)
      local.setSaved(connectionId(), null)
      return said ?? 'Provisioned: the server runs the new configuration'
    },
    async remove() {
      throw new Error('The resource configuration cannot be deleted; reset it or provision an empty one.')
    }
  }
}
