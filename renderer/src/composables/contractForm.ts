// A form driven by a contract schema: its fields, their defaults, length limits and messages all come from
// the zod schema the core validates with, so no rule is copied into a component. Server-side field errors
// (ApiError invalid_input with details.issues) land under the same fields.
import { computed, reactive, ref, shallowRef, type ComputedRef } from 'vue'
import { z } from 'zod'
import { ApiError, methods, type InputIssue, type MethodName } from '@shared/api'

type Shape = Record<string, z.ZodType>
type Values<S extends Shape> = { [K in keyof S]: z.input<S[K]> }

/** The object schema a contract method takes as input (for forms over a whole method). */
export function inputSchemaOf<M extends MethodName>(method: M): (typeof methods)[M]['input'] {
  return methods[method].input
}

/** The value a field takes when left out: its `.default()`, or undefined. */
export function defaultOf(field: z.ZodType): unknown {
  const r = field.safeParse(undefined)
  return r.success ? r.data : undefined
}

/** The field's maximum length when the schema states one (for the input's maxlength hint). */
export function maxLengthOf(field: z.ZodType): number | undefined {
  let f: unknown = field
  for (let i = 0; i < 5 && f; i++) {
    const max = (f as { maxLength?: number | null }).maxLength
    if (typeof max === 'number') return max
    f = (f as { def?: { innerType?: unknown } }).def?.innerType
  }
  return undefined
}

export interface ContractFormOptions<S extends Shape> {
  /** Starting values; fields left out take the schema's defaults. */
  initial?: Partial<Values<S>>
  /** Leading path segments the server puts before field names (e.g. "patch." or "draft."). */
  serverPrefix?: RegExp
}

export function useContractForm<S extends Shape>(schema: z.ZodObject<S>, opts: ContractFormOptions<S> = {}) {
  type K = keyof S & string
  const keys = Object.keys(schema.shape) as K[]
  const start = () => {
    const v = {} as Values<S>
    for (const k of keys) v[k] = (opts.initial && k in opts.initial ? opts.initial[k] : defaultOf(schema.shape[k])) as Values<S>[K]
    return v
  }
  let initial = start()
  const values = reactive({ ...initial }) as Values<S>
  const touched = reactive(new Set<string>())
  const submitted = ref(false)
  const submitting = ref(false)
  const serverErrors = shallowRef<Partial<Record<K, string>>>({})
  const formError = ref<string | null>(null)

  const parsed = computed(() => schema.safeParse(values))
  const errors: ComputedRef<Partial<Record<K, string>>> = computed(() => {
    const out: Partial<Record<K, string>> = {}
    if (parsed.value.success) return out
    for (const i of parsed.value.error.issues) {
      const k = String(i.path[0] ?? '') as K
      if (k && !out[k]) out[k] = i.message
    }
    return out
  })
  const valid = computed(() => parsed.value.success)
  const dirty = computed(() => keys.some((k) => JSON.stringify(values[k]) !== JSON.stringify(initial[k])))

  function fieldError(k: K): string | undefined {
    if (serverErrors.value[k]) return serverErrors.value[k]
    if (submitted.value || touched.has(k)) return errors.value[k]
    return undefined
  }
  function touch(k: K): void {
    touched.add(k)
  }
  function set<F extends K>(k: F, v: Values<S>[F]): void {
    values[k] = v
    if (serverErrors.value[k]) serverErrors.value = { ...serverErrors.value, [k]: undefined }
    formError.value = null
  }
  /** :value, @update:value and @blur for a Naive UI input. */
  function bind<F extends K>(k: F) {
    return {
      value: values[k],
      'onUpdate:value': (v: Values<S>[F]) => set(k, v),
      onBlur: () => touch(k)
    }
  }
  const maxLength = (k: K) => maxLengthOf(schema.shape[k])

  /** Put the core's field errors under their fields. False when the error is not about fields. */
  function applyServerError(e: unknown): boolean {
    const err = ApiError.from(e)
    const issues = (err.details as { issues?: InputIssue[] } | undefined)?.issues
    if ((err.code !== 'invalid_input' && err.code !== 'conflict') || !Array.isArray(issues)) return false
    const next: Partial<Record<K, string>> = {}
    const rest: string[] = []
    for (const i of issues) {
      const k = (opts.serverPrefix ? i.path.replace(opts.serverPrefix, '') : i.path).split('.')[0] as K
      if (keys.includes(k)) next[k] ??= i.message
      else rest.push(i.path ? `${i.path}: ${i.message}` : i.message)
    }
    serverErrors.value = next
    formError.value = rest.length ? rest.join('; ') : null
    return true
  }

  /**
   * Validate and run. Field errors show under their fields; any other error is `formError`.
   * Resolves to the run's result, or undefined when invalid or failed.
   */
  async function submit<R>(run: (input: z.output<z.ZodObject<S>>) => Promise<R>): Promise<R | undefined> {
    submitted.value = true
    const r = parsed.value
    if (!r.success || submitting.value) return undefined
    submitting.value = true
    formError.value = null
    try {
      return await run(r.data)
    } catch (e) {
      if (!applyServerError(e)) formError.value = ApiError.from(e).message
      return undefined
    } finally {
      submitting.value = false
    }
  }

  /** Start over from new initial values (or the schema's defaults). */
  function reset(next?: Partial<Values<S>>): void {
    if (next) opts.initial = next
    initial = start()
    Object.assign(values, initial)
    touched.clear()
    submitted.value = false
    serverErrors.value = {}
    formError.value = null
  }

  return { values, errors, valid, dirty, touched, submitted, submitting, formError, serverErrors, fieldError, touch, set, bind, maxLength, applyServerError, submit, reset }
}
