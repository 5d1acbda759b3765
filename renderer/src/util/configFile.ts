// Reading a configuration file the user picked (Open file…, Import file…): one size limit, the format from
// the file name or the text, and a message on failure. Used by every screen that opens a config file.
import type { ConfigFormat } from '@shared/config'
import { detectFormat, formatFromName } from '../editor/formats'
import { errorMessage, ui } from '../ui'

export const MAX_CONFIG_FILE_BYTES = 5_000_000

/**
 * The file chosen in an <input type="file"> change event (the input is reset so the same file can be picked
 * again), read as text with its format; null when nothing usable was picked (the user was told why).
 */
export async function readPickedConfigFile(e: Event, fallback: ConfigFormat): Promise<{ name: string; text: string; format: ConfigFormat } | null> {
  const input = e.target as HTMLInputElement
  const file = input.files?.[0]
  input.value = ''
  if (!file) return null
  if (file.size > MAX_CONFIG_FILE_BYTES) {
    ui.message?.error(`${file.name} is larger than 5 MB`)
    return null
  }
  try {
    const text = await file.text()
    return { name: file.name, text, format: formatFromName(file.name) ?? detectFormat(text) ?? fallback }
  } catch (err) {
    ui.message?.error(`Could not read ${file.name}: ${errorMessage(err)}`)
    return null
  }
}
