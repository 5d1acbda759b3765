import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { ConfigFormat, ConfigValue } from '../../shared/config/types.ts'
import { HAS_HOCON, read } from './helpers.ts'

const FORMATS: ConfigFormat[] = ['hocon', 'json', 'yaml']

// Keys: anything, including dots, quotes, spaces, unicode and reserved words.
const key = fc.oneof(
  fc.constantFrom('api', 'web_server', 'a.b', 'with space', 'true', 'null', 'include', '', '"q"', '#x', '//', 'key-1', '1', '__proto__x', 'ünï', 'a$b', '${x}'),
  fc.string({ maxLength: 8 })
)
const str = fc.oneof(
  fc.constantFrom('', 'true', 'True', 'null', '42', '1.5', '-0', 'https://demoapi.demo.clear.ml', 'C:\\dir', 'a\nb', '${VAR}', ' lead', 'trail ', 'yes', 'no', '~', '#', '- x', 'a: b', '"q"', "'s'", 'include'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 })
)
const num = fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).filter((x) => !Object.is(x, -0)))
const scalar = fc.oneof(str, num, fc.boolean(), fc.constant(null))
const { value: valueArb } = fc.letrec<{ value: ConfigValue; obj: ConfigValue; arr: ConfigValue }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('obj'), tie('arr')),
  obj: fc.dictionary(key, tie('value'), { maxKeys: 5 }) as fc.Arbitrary<ConfigValue>,
  arr: fc.array(tie('value'), { maxLength: 4 }) as fc.Arbitrary<ConfigValue>
}))
const rootArb = fc.dictionary(key, valueArb, { maxKeys: 6 }) as fc.Arbitrary<ConfigValue>

describe.skipIf(!HAS_HOCON)('convertConfig (needs the HOCON parser)', () => {
  it('round-trips any value through each format: value -> format -> parse -> same value', async () => {
    const { serializeConfig } = await import('../../shared/config/convert.ts')
    const { parseConfig } = await import('../../shared/config/parse.ts')
    fc.assert(
      fc.property(rootArb, (v) => {
        for (const f of FORMATS) {
          const text = serializeConfig(v, f)
          const r = parseConfig(text, f)
          expect(r.diagnostics.filter((d) => d.severity === 'error'), `${f}:\n${text}`).toEqual([])
          expect(r.value, `${f}:\n${text}`).toEqual(v)
        }
      }),
      { numRuns: 300 }
    )
  })

  it('converts the real docs/clearml.conf among all formats, keeping the value', async () => {
    const { convertConfig } = await import('../../shared/config/convert.ts')
    const { parseConfig } = await import('../../shared/config/parse.ts')
    const src = read('real/clearml__docs__clearml.conf')
    const expected = JSON.parse(read('real/clearml__docs__clearml.expected.json'))
    for (const to of FORMATS) {
      const r = convertConfig(src, 'hocon', to)
      expect(r.lostComments).toBe(true)
      expect(r.diagnostics).toMatchObject([{ severity: 'info', code: 'convert.comments-lost' }])
      expect(parseConfig(r.text!, to).value).toEqual(expected)
      for (const back of FORMATS) {
        const again = convertConfig(r.text!, to, back)
        expect(parseConfig(again.text!, back).value).toEqual(expected)
        expect(again.lostComments).toBe(false)
      }
    }
  })

  it('writes readable HOCON: blocks, quotes only where needed', async () => {
    const { convertConfig } = await import('../../shared/config/convert.ts')
    const r = convertConfig('{"api": {"web_server": "https://x", "credentials": {"access_key": "AK"}, "verify_certificate": true}, "environment": {"MY.VAR": "True"}, "sdk": {"list": [1, "two", null]}}', 'json', 'hocon')
    expect(r.text).toBe(
      'api {\n  web_server: "https://x"\n  credentials {\n    access_key: AK\n  }\n  verify_certificate: true\n}\n' +
        'environment {\n  "MY.VAR": "True"\n}\nsdk {\n  list: [1, two, null]\n}\n'
    )
    expect(r.lostComments).toBe(false)
    expect(r.diagnostics).toEqual([])
  })

  it('reports YAML comments as lost and returns parse errors without text', async () => {
    const { convertConfig } = await import('../../shared/config/convert.ts')
    const y = convertConfig('# top\napi:\n  web_server: x # inline\n', 'yaml', 'hocon')
    expect(y).toMatchObject({ text: 'api {\n  web_server: x\n}\n', lostComments: true })
    const bad = convertConfig('{"a": }', 'json', 'yaml')
    expect(bad.text).toBeUndefined()
    expect(bad.diagnostics[0]).toMatchObject({ severity: 'error', line: 1, column: 7 })
  })
})
