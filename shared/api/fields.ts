// Field schemas shared by the contract's methods. Each refuses input that would be stored differently from
// what was typed (lone surrogates), that hides or reorders text (NUL, control and bidi-override characters),
// or that cannot work (a port above 65535), with a message that names the field and the reason.
import { z } from 'zod'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/
/** Zero-width characters with no place in a name or a key (joiners are allowed inside visible text). */
const ZERO_WIDTH = /[\u200B\u2060\uFEFF]/
const JOINERS = /[\u200C\u200D]/g

/** Why a single-line text is refused, or null. */
export function textProblem(v: string): string | null {
  if (LONE_SURROGATE.test(v)) return 'contains an invalid character (a lone UTF-16 surrogate)'
  if (v.includes('\u0000')) return 'contains a NUL character'
  if (CONTROL.test(v)) return 'contains a control character (such as a line break or an escape code)'
  if (BIDI.test(v)) return 'contains an invisible text-direction character'
  if (ZERO_WIDTH.test(v)) return 'contains an invisible zero-width character'
  if (v && !v.replace(JOINERS, '').trim()) return 'contains only invisible characters'
  return null
}

/** Keys and secrets: printable text only (no joiners either: a key is never shaped text). */
function keyProblem(v: string): string | null {
  return textProblem(v) ?? (/[\u200C\u200D]/.test(v) ? 'contains an invisible zero-width character' : null)
}

/** A single line of text: trimmed, with length limits and the checks of textProblem. */
export function text(label: string, opts: { min?: number; max: number; trim?: boolean }) {
  let s = z.string({ message: `${label} must be text` })
  if (opts.trim !== false) s = s.trim()
  if (opts.min) s = s.min(opts.min, opts.min === 1 ? `${label} is required` : `${label} must be at least ${opts.min} characters`)
  return s.max(opts.max, `${label} must be at most ${opts.max} characters`).superRefine((v, ctx) => {
    const p = textProblem(v)
    if (p) ctx.addIssue({ code: 'custom', message: `${label} ${p}` })
  })
}

function hostProblem(host: string): string | null {
  if (host.startsWith('[')) {
    const ip = host.slice(1, -1)
    const groups = ip.split(':')
    const ok =
      host.endsWith(']') &&
      /^[0-9a-f:.]+$/i.test(ip) &&
      !ip.includes(':::') &&
      ip.split('::').length <= 2 &&
      groups.length >= 3 &&
      groups.length <= 8 &&
      groups.every((g) => g.length <= 4 || (g.includes('.') && g === groups[groups.length - 1]))
    return ok ? null : `has an invalid IPv6 address “${host}”`
  }
  if (/^[\d.]+$/.test(host)) {
    const parts = host.split('.')
    const ok = parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)
    return ok ? null : `has an invalid IPv4 address “${host}”`
  }
  const labels = host.replace(/\.$/, '').split('.')
  const label = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u
  return labels.every((l) => label.test(l)) ? null : `has an invalid host name “${host}”`
}

/** Why an http(s) URL is refused, or null. */
export function urlProblem(v: string): string | null {
  const m = /^https?:\/\/([^\s/?#@]+?)(?::(\d{1,5}))?([/?#][^\s]*)?$/i.exec(v)
  if (!m) return 'must be an http:// or https:// URL'
  const tp = textProblem(v)
  if (tp) return tp
  const [, host, port] = m
  const hp = hostProblem(host)
  if (hp) return hp
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `has port ${port}; a port is 1 to 65535`
  return null
}

export function httpUrl(label: string) {
  return z
    .string({ message: `${label} must be text` })
    .trim()
    .max(2048, `${label} must be at most 2048 characters`)
    .superRefine((v, ctx) => {
      const p = urlProblem(v)
      if (p) ctx.addIssue({ code: 'custom', message: `${label} ${p}` })
    })
}

export function optionalUrl(label: string) {
  return z.union([z.literal(''), httpUrl(label)]).default('')
}

/** A key or secret: no trimming (a secret is used exactly as typed), but no invisible or lossy characters. */
export function secret(label: string, max: number) {
  return z
    .string({ message: `${label} must be text` })
    .min(1, `${label} is required`)
    .max(max, `${label} must be at most ${max} characters`)
    .superRefine((v, ctx) => {
      const p = keyProblem(v)
      if (p) ctx.addIssue({ code: 'custom', message: `${label} ${p}` })
      else if (/^\s|\s$/.test(v)) ctx.addIssue({ code: 'custom', message: `${label} starts or ends with a space` })
    })
}

/** An absolute file path (a relative one would be read against wherever the console was started). */
export function absolutePath(label: string) {
  return z
    .string({ message: `${label} must be text` })
    .trim()
    .max(4096, `${label} must be at most 4096 characters`)
    .superRefine((v, ctx) => {
      const p = !v ? 'is empty (leave it out instead)' : (textProblem(v) ?? (/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(v) ? null : 'must be an absolute path'))
      if (p) ctx.addIssue({ code: 'custom', message: `${label} ${p}` })
    })
}

/** Size of a text as it crosses the transports: the UTF-8 bytes of its JSON string form, counted without allocating. */
export function wireLength(v: string): number {
  let n = 2
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    if (c === 0x22 || c === 0x5c || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x08 || c === 0x0c) n += 2
    else if (c < 0x20) n += 6
    else if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < v.length) {
      n += 4
      i++
    } else n += 3
  }
  return n
}
