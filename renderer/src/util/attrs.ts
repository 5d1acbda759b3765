import type { InputHTMLAttributes } from 'vue'

/** Attributes for the native <input>/<textarea> inside a Naive input (data-testid is not in Vue's typing). */
export function inputAttrs(testid: string, extra: Record<string, unknown> = {}): InputHTMLAttributes {
  return { 'data-testid': testid, ...extra } as InputHTMLAttributes
}
