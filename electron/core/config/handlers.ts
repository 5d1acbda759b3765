// config.*: the config-format engine (shared/config), the same code the editor's Web Worker runs.
import type { HandlersOf } from '../../../shared/api'
import type { configMethods } from '../../../shared/api/methods/config'
import { convertConfig, handleValidateRequest } from '../../../shared/config'

export function configHandlers(): HandlersOf<typeof configMethods> {
  return {
    'config.validate': async ({ text, format, adminVault }) => {
      const { diagnostics } = handleValidateRequest({ id: 0, text, format, adminVault })
      return {
        diagnostics,
        errors: diagnostics.filter((d) => d.severity === 'error').length,
        warnings: diagnostics.filter((d) => d.severity === 'warning').length
      }
    },
    'config.convert': async ({ text, from, to }) => {
      const r = convertConfig(text, from, to)
      return { text: r.text ?? null, diagnostics: r.diagnostics, lostComments: r.lostComments }
    }
  }
}
