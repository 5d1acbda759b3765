import { describe, expect, it } from 'vitest'
import { HAS_HOCON } from './helpers.ts'

describe.skipIf(!HAS_HOCON)('worker entry (handleValidateRequest / handleWorkerMessage)', () => {
  it('returns syntax and lint diagnostics, sorted, with the request id', async () => {
    const { handleValidateRequest } = await import('../../shared/config/worker-protocol.ts')
    const text = 'api {\n  api_server: https://api.example.com\n}\nagent {\n  worker_name: w\n  debg: true\n}\n'
    const res = handleValidateRequest({ id: 7, text, format: 'hocon', adminVault: true })
    expect(res.id).toBe(7)
    const lines = res.diagnostics.map((d) => d.line)
    expect(lines).toEqual([...lines].sort((a, b) => a - b))
    expect(res.diagnostics.some((d) => d.code === 'pyhocon.url-comment' && d.line === 2)).toBe(true)
    expect(res.diagnostics.some((d) => d.severity === 'error' && d.line === 2)).toBe(true) // the spec parser rejects the URL
  })

  it('lints a vault that parses: restricted keys and typos', async () => {
    const { handleValidateRequest } = await import('../../shared/config/worker-protocol.ts')
    const text = 'agent {\n  worker_name: w\n  debg: true\n}\n'
    const res = handleValidateRequest({ id: 1, text, format: 'hocon', adminVault: true })
    expect(res.diagnostics.map((d) => [d.severity, d.code, d.line, d.column])).toEqual([
      ['error', 'clearml.vault-restricted-key', 2, 3],
      ['warning', 'clearml.unknown-key', 3, 3]
    ])
    expect(res.diagnostics[1].message).toMatch(/Did you mean 'debug'/)
  })

  it('handles JSON and YAML the same way', async () => {
    const { handleValidateRequest } = await import('../../shared/config/worker-protocol.ts')
    expect(handleValidateRequest({ id: 2, text: '{"api": {"web_server": 1,}}', format: 'json' }).diagnostics[0]).toMatchObject({ severity: 'error', line: 1, column: 25 })
    const y = handleValidateRequest({ id: 3, text: 'sdk:\n  apply_files: "yes"\n', format: 'yaml' }).diagnostics
    expect(y.map((d) => d.code)).toEqual(['clearml.yaml-vault', 'clearml.type'])
  })

  it('handleWorkerMessage wraps the response (and never throws)', async () => {
    const { handleWorkerMessage } = await import('../../shared/config/worker-protocol.ts')
    expect(handleWorkerMessage({ type: 'validate', request: { id: 4, text: '{}', format: 'json' } })).toEqual({ type: 'validated', response: { id: 4, diagnostics: [] } })
    const bad = handleWorkerMessage({ type: 'validate', request: { id: 5, text: '{}', format: 'toml' as never } })
    expect(bad).toMatchObject({ type: 'failed', failure: { id: 5, error: expect.stringMatching(/unknown config format/) } })
  })
})
