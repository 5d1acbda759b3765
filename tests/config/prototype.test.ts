// No path segment reaches an object's prototype in the console's own config engine either: keys named
// __proto__, constructor or prototype are ordinary keys, kept as own properties, through parse, merge,
// convert and the effective configuration.
import { afterEach, describe, expect, it } from 'vitest'
import { convertConfig, mergeLayers, parseHocon, parseJson, parseYaml } from '../../shared/config'
import { effectiveConfig } from '../../shared/domain/effective-config'

const probe = () => ({}) as Record<string, unknown>
afterEach(() => {
  for (const k of ['polluted', 'pj', 'py', 'pm', 'pe']) expect(probe()[k], k).toBeUndefined()
})

describe('prototype keys in configuration text', () => {
  it('HOCON, JSON and YAML keep them as own keys', () => {
    const h = parseHocon('__proto__ { polluted: 1 }\na.__proto__.polluted: 2\nconstructor.prototype.polluted: 3\n')
    expect(Object.keys(h.value as object)).toEqual(['__proto__', 'a', 'constructor'])
    expect(Object.getPrototypeOf((h.value as Record<string, unknown>).a)).not.toHaveProperty('polluted')
    expect(Object.keys(parseJson('{"__proto__": {"pj": 1}}').value as object)).toEqual(['__proto__'])
    expect(Object.keys(parseYaml('__proto__:\n  py: 1\n').value as object)).toEqual(['__proto__'])
  })

  it('merge, conversion and the effective configuration do not follow them', () => {
    const layer = parseHocon('__proto__ { pm: 1 }\nconstructor { prototype { pm: 2 } }\n').value!
    const merged = mergeLayers(parseHocon('a: 1').value!, [{ name: 'v', value: layer }])
    expect(Object.keys(merged.value as object)).toEqual(['a', '__proto__', 'constructor'])
    expect(convertConfig('__proto__ { pe: 1 }', 'hocon', 'json').text).toContain('"__proto__"')
    const eff = effectiveConfig({
      base: null,
      vaults: [{ id: 'v', description: 'v', scope: 'organization', group: null, groupName: null, user: null, type: 'config', format: 'hocon', enabled: true, data: '__proto__.pe: 1', lastUpdate: null, editable: true, version: null }]
    })
    expect(Object.keys(eff.value)).toEqual(['__proto__'])
  })
})
