// Generic binding of the contract: one function for every method, used by every transport.
// It validates the input, enforces the production confirmation, runs the handler, announces the
// topics the method declares, and wraps the outcome. Never throws.
import { ApiError, isMethodName, methodInfo, validateInput, type ApiErrorShape, type DataChanged, type Handlers, type Topic } from '../../shared/api'
import { toApiError } from './errors'
import { createLogger } from './log'

const log = createLogger('api')

export type Envelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape }

/** What a transport may say about a call besides its input. */
export interface CallMeta {
  /** The user confirmed a change to a connection marked production. */
  confirmed?: boolean
}

export interface DispatchContext {
  handlers: Handlers
  /** The active connection: whether it is marked production, and its id and name. */
  active(): { id: string; name: string; production: boolean } | null
  announce(e: DataChanged): void
}

export type Dispatch = (method: string, input: unknown, meta?: CallMeta) => Promise<Envelope>

export function createDispatch(ctx: DispatchContext): Dispatch {
  return async (method, input, meta = {}) => {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `Unknown method: ${method.slice(0, 100)}` } }
    }
    const parsed = validateInput(method, input)
    if (!parsed.ok) return { ok: false, error: parsed.error }
    const info = methodInfo(method)
    const active = ctx.active()
    if (info.mutates && active?.production && !meta.confirmed) {
      return {
        ok: false,
        error: new ApiError('confirmation_required', `“${active.name}” is marked production: confirm this change before it is sent.`, { method }).toJSON()
      }
    }
    try {
      const handler = ctx.handlers[method] as (i: unknown) => Promise<unknown>
      const result = await handler(parsed.value)
      if (info.topics.length) ctx.announce({ connectionId: ctx.active()?.id ?? null, topics: [...info.topics] as Topic[] })
      return { ok: true, result }
    } catch (err) {
      const e = toApiError(err)
      if (e.code === 'internal') log.error(`${method} failed`, { message: e.message, stack: (err as Error)?.stack })
      return { ok: false, error: e.toJSON() }
    }
  }
}
