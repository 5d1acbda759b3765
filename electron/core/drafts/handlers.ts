// drafts.* and history.*: the one family of draft methods, for every kind.
import { ApiError, type Draft, type DraftKind, type HandlersOf } from '../../../shared/api'
import type { draftsMethods } from '../../../shared/api/methods/drafts'
import type { CoreContext } from '../context'

export function draftsHandlers(ctx: CoreContext): HandlersOf<typeof draftsMethods> {
  const { drafts, engine, session } = ctx
  /** Scratch drafts belong to no connection; every other kind to the active one. */
  const connectionFor = (kind: DraftKind): string | null => {
    if (kind === 'scratch') return null
    const c = session.connection
    if (!c) throw new ApiError('no_connection', 'No active connection. Add or activate one under Connections.')
    return c.id
  }
  const activeId = () => connectionFor('vault')!
  const mineOnly = (d: Draft) => {
    if (d.kind !== 'scratch' && d.connectionId !== session.connection?.id) {
      throw new ApiError('not_found', `The draft “${d.name}” belongs to another connection; activate it to work on this draft.`, { field: 'id' })
    }
    return d
  }

  return {
    'drafts.list': async ({ kind }) => {
      const out = kind === 'scratch' ? [] : session.connection ? drafts.list(session.connection.id, kind) : []
      if (!kind || kind === 'scratch') out.push(...drafts.list(null, 'scratch'))
      return out
    },
    'drafts.get': async ({ id }) => mineOnly(drafts.require(id)),
    'drafts.open': async ({ kind, serverId }) => engine.open(activeId(), kind, serverId),
    'drafts.create': async ({ name, draft }) =>
      drafts.create({ kind: draft.kind, connectionId: connectionFor(draft.kind), serverId: null, name, op: 'upsert', content: draft.content as never, base: null, baseHash: null }),
    'drafts.save': async ({ id, name, draft }) => {
      const d = mineOnly(drafts.require(id))
      if (d.kind !== draft.kind) throw new ApiError('invalid_input', `draft.kind: This draft is a ${d.kind}, not a ${draft.kind}`, { issues: [{ path: 'draft.kind', message: `This draft is a ${d.kind}` }] })
      const derived = draft.kind === 'vault' ? (name ?? draft.content.description) : name
      return { id, updatedAt: drafts.save(id, { content: draft.content, name: derived }) }
    },
    'drafts.remove': async ({ kind, serverId }) => engine.remove(activeId(), kind, serverId),
    'drafts.discard': async ({ ids }) => {
      for (const id of ids) mineOnly(drafts.require(id))
      return { discarded: drafts.discard(ids) }
    },
    'drafts.plan': async ({ ids, kind, preview }) => {
      const connectionId = activeId()
      const chosen = ids ? ids.map((id) => mineOnly(drafts.require(id))) : drafts.list(connectionId, kind).map((s) => drafts.require(s.id))
      return engine.plan(connectionId, chosen, { preview })
    },
    'drafts.apply': async ({ ids, expected }) => engine.apply(activeId(), ids, expected),
    'drafts.resolve': async ({ id, choice }) => engine.resolve(activeId(), id, choice),
    'history.list': async ({ limit }) => engine.history(session.connection?.id ?? null, limit)
  }
}
