// Generic binding of the contract: one function for every method, used by both transports.
import { ApiError, isMethodName, validateInput, type Handlers, type MethodName } from '../../shared/api'
import { toApiError } from './errors'
import { createLogger } from './log'

const log = createLogger('api')

export type Envelope = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }

/** Validate the input against the contract, run the handler, and wrap the outcome. Never throws. */
export async function dispatch(handlers: Handlers, method: string, input: unknown): Promise<Envelope> {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'unknown_method', message: `Unknown method: ${method}` } }
  }
  const parsed = validateInput(method, input)
  if (!parsed.ok) return { ok: false, error: parsed.error }
  try {
    const handler = handlers[method] as (i: unknown) => Promise<unknown>
    const result = await handler(parsed.value)
    return { ok: true, result }
  } catch (err) {
    const e = toApiError(err)
    if (e.code === 'internal') log.error(`${method as MethodName} failed`, { message: e.message, stack: (err as Error)?.stack })
    return { ok: false, error: (e as ApiError).toJSON() as Envelope extends { ok: false; error: infer E } ? E : never }
  }
}
