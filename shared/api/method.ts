// The building blocks of the contract: a method is an input schema, an output type, and what it touches.
import { z } from 'zod'
import type { Topic } from './events'

/** A method: its input schema, and (as a phantom type) its output. */
export interface MethodDef<I extends z.ZodType, O> {
  input: I
  /**
   * Changes data on the ClearML server. On a connection marked production the core refuses such a call
   * unless the caller confirmed it (the renderer's API client asks once, in one place).
   */
  mutates?: boolean
  /** The data topics a successful call changes: the core announces them in one `data.changed` event. */
  topics?: readonly Topic[]
  readonly __output?: O
}

export interface MethodOptions {
  mutates?: boolean
  topics?: readonly Topic[]
}

export function method<O>() {
  return <I extends z.ZodType>(input: I, opts: MethodOptions = {}): MethodDef<I, O> => ({ input, ...opts })
}

/** One feature's part of the contract table. */
export type Fragment = Record<string, MethodDef<z.ZodType, unknown>>

/** The handler table for a fragment: one function per method, typed by its schema and output. */
export type HandlersOf<F extends Fragment> = {
  [M in keyof F]: (input: z.output<F[M]['input']>) => Promise<NonNullable<F[M]['__output']>>
}

export const emptyInput = z.object({}).strict()
export const idInput = z.string().min(1, 'is required').max(200)
