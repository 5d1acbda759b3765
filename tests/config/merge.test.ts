import { describe, expect, it } from 'vitest'
import { mergeLayers } from '../../shared/config/merge.ts'

describe('mergeLayers', () => {
  const base = {
    api: { api_server: 'http://a', credentials: { access_key: 'A', secret_key: 'S' } },
    sdk: { aws: { s3: { credentials: [{ bucket: 'b1' }] } } },
    agent: { worker_id: 'w1', cuda_version: '11.1', package_manager: { type: 'pip' } }
  }

  it('merges objects deeply, replaces scalars and lists, later layers win', () => {
    const { value, provenance } = mergeLayers(base, [
      { name: 'vault:1', value: { api: { credentials: { secret_key: 'S1' } }, sdk: { aws: { s3: { credentials: [{ bucket: 'b2' }, { bucket: 'b3' }] } } } } },
      { name: 'vault:2', value: { api: { credentials: { secret_key: 'S2' }, files_server: 'http://f' } } }
    ])
    expect(value).toEqual({
      api: { api_server: 'http://a', credentials: { access_key: 'A', secret_key: 'S2' }, files_server: 'http://f' },
      sdk: { aws: { s3: { credentials: [{ bucket: 'b2' }, { bucket: 'b3' }] } } },
      agent: { worker_id: 'w1', cuda_version: '11.1', package_manager: { type: 'pip' } }
    })
    expect(Object.fromEntries(provenance)).toEqual({
      'api.api_server': 'base',
      'api.credentials.access_key': 'base',
      'api.credentials.secret_key': 'vault:2',
      'api.files_server': 'vault:2',
      'sdk.aws.s3.credentials': 'vault:1',
      'agent.worker_id': 'base',
      'agent.cuda_version': 'base',
      'agent.package_manager.type': 'base'
    })
    // inputs are not mutated
    expect(base.api.credentials.secret_key).toBe('S')
  })

  it('a scalar replaces an object and an object replaces a scalar', () => {
    const { value, provenance } = mergeLayers({ a: { b: 1, c: 2 }, d: 1 }, [{ name: 'L', value: { a: 'x', d: { e: null } } }])
    expect(value).toEqual({ a: 'x', d: { e: null } })
    expect(Object.fromEntries(provenance)).toEqual({ a: 'L', 'd.e': 'L' })
  })

  it('restores the six agent keys from the base when asked', () => {
    const vault = { agent: { worker_id: 'evil', cuda_version: '12', debug: true, default_python: '3.9', package_manager: { type: 'uv' } } }
    const plain = mergeLayers(base, [{ name: 'vault', value: vault }])
    expect((plain.value as { agent: Record<string, unknown> }).agent.worker_id).toBe('evil')
    const { value, provenance } = mergeLayers(base, [{ name: 'vault', value: vault }], { restoreAgentKeys: true })
    expect((value as { agent: unknown }).agent).toEqual({ worker_id: 'w1', cuda_version: '11.1', package_manager: { type: 'uv' } })
    expect(provenance.get('agent.worker_id')).toBe('base')
    expect(provenance.get('agent.package_manager.type')).toBe('vault')
    expect(provenance.has('agent.debug')).toBe(false)
  })

  it('quotes path segments in provenance keys', () => {
    const { provenance } = mergeLayers({}, [{ name: 'v', value: { environment: { 'MY.VAR': '1' }, files: { f: {} } } }])
    expect(Object.fromEntries(provenance)).toEqual({ 'environment."MY.VAR"': 'v', 'files.f': 'v' })
  })
})
