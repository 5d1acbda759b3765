import { serializeConfig } from '../../shared/config/convert'
import { parseConfig } from '../../shared/config/parse'
import type { ConfigFormat, ConfigValue } from '../../shared/config/types'

/** What replaces every leaf string of a vault in a preview: the web app's redaction, 16 asterisks. */
export const PREVIEW_MASK = '*'.repeat(16)

const FORMATS: readonly string[] = ['hocon', 'json', 'yaml']

function mask(v: ConfigValue): ConfigValue {
  if (typeof v === 'string') return PREVIEW_MASK
  if (Array.isArray(v)) return v.map(mask)
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)]))
  return v
}

/**
 * `preview_data: true` (users.get_vaults / get_organization_vaults): the vault's data parsed in its own format
 * (hocon, json or yaml, with the console's parser in shared/config; HOCON substitutions see an empty environment),
 * every leaf string replaced by PREVIEW_MASK (keys, numbers, booleans and nulls are kept), and written back in the
 * same format. Comments and the original layout are not kept. Data that does not parse, or a format other than
 * the three, previews as "" (nothing is shown rather than risk showing a secret); empty data stays "".
 */
export function previewData(data: string, format: string): string {
  const fmt = format.toLowerCase()
  if (!data.trim() || !FORMATS.includes(fmt)) return ''
  try {
    const parsed = parseConfig(data, fmt as ConfigFormat)
    if (parsed.value === undefined) return ''
    return serializeConfig(mask(parsed.value), fmt as ConfigFormat)
  } catch {
    return ''
  }
}
