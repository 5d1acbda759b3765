// The config-format engine run by the core: the same code the editor's Web Worker runs.
import { z } from 'zod'
import type { ConfigFormat, Diagnostic } from '../../config/types'
import { wireLength } from '../fields'
import { method } from '../method'

const configFormat = z.enum(['hocon', 'json', 'yaml'], { message: 'Format must be hocon, json or yaml' }) satisfies z.ZodType<ConfigFormat>
/** 5 MB as it crosses the transports (UTF-8 JSON), so any accepted text fits the web host's 8 MB body limit. */
export const MAX_CONFIG_TEXT_BYTES = 5_000_000
const configText = z.string().refine((v) => v.length <= MAX_CONFIG_TEXT_BYTES && wireLength(v) <= MAX_CONFIG_TEXT_BYTES, 'Text must be at most 5 MB')

export const configMethods = {
  'config.validate': method<{ diagnostics: Diagnostic[]; errors: number; warnings: number }>()(
    z.object({ text: configText, format: configFormat, adminVault: z.boolean().default(false) }).strict()
  ),
  'config.convert': method<{ text: string | null; diagnostics: Diagnostic[]; lostComments: boolean }>()(
    z.object({ text: configText, from: configFormat, to: configFormat }).strict()
  )
}
