import { describe, expect, it } from 'vitest'
import { pyhoconChecks } from '../../shared/config/pyhocon-checks.ts'
import { applyFixes, read } from './helpers.ts'

const NC = 'real-nonconforming/'

describe('pyhocon-vs-spec checks on the real non-conforming files', () => {
  it.each(['clearml-agent/docs/clearml.conf', 'clearml-agent/docs/trains.conf'])('%s: unquoted URLs explained and quoted by the fix', (f) => {
    const text = read(NC + f)
    const d = pyhoconChecks(text).filter((x) => x.code === 'pyhocon.url-comment')
    expect(d.map((x) => [x.line, x.column])).toEqual([
      [3, 17],
      [4, 17],
      [5, 19]
    ])
    expect(d[0].message).toMatch(/'\/\/' starts a comment/)
    expect(d[0].fix!.replacement).toBe('"https://demoapi.demo.clear.ml"')
    const fixed = applyFixes(text, d)
    expect(fixed.split('\n')[2]).toBe('    api_server: "https://demoapi.demo.clear.ml"')
    expect(pyhoconChecks(fixed).filter((x) => x.code === 'pyhocon.url-comment')).toEqual([])
  })

  it('meta.conf: \\d is not a JSON escape', () => {
    const d = pyhoconChecks(read(NC + 'clearml-server/apiserver/schema/meta/meta.conf'))
    expect(d.length).toBeGreaterThan(0)
    expect(d.every((x) => x.code === 'pyhocon.invalid-escape' && x.line === 36)).toBe(true)
    expect(d[0]).toMatchObject({ column: 15, endColumn: 17, fix: { replacement: '\\\\d' } })
    expect(d[0].message).toMatch(/not a valid escape.*pyhocon/)
  })

  it.each([
    ['models.conf', 338],
    ['reports.conf', 449],
    ['tasks.conf', 280]
  ])('%s: \\> and \\< escapes at line %i', (f, line) => {
    const d = pyhoconChecks(read(NC + 'clearml-server/apiserver/schema/services/' + f))
    expect(d[0]).toMatchObject({ code: 'pyhocon.invalid-escape', line })
    expect(d.every((x) => x.code === 'pyhocon.invalid-escape')).toBe(true)
  })

  it('_common.conf: capitalised True is a boolean to pyhocon, a string to the spec', () => {
    const d = pyhoconChecks(read(NC + 'clearml-server/apiserver/schema/services/_common.conf'))
    expect(d).toMatchObject([{ code: 'pyhocon.capitalized-literal', line: 156, fix: { replacement: 'true' } }])
  })
})

describe('pyhocon checks on small inputs', () => {
  it('ignores comments, quoted strings and real // comments', () => {
    const text = '# api_server: https://x\na: "https://ok" // trailing comment\nb: "True"\nc: "C:\\\\dir"\nd: foo // c\n'
    expect(pyhoconChecks(text)).toEqual([])
  })
  it('flags capitalised literals only as whole values', () => {
    const d = pyhoconChecks('a: True\nb: [FALSE, x]\nc: True story\nd = NULL\ne: true\n')
    expect(d.map((x) => [x.line, x.column, x.fix!.replacement])).toEqual([
      [1, 4, 'true'],
      [2, 5, 'false'],
      [4, 5, 'null']
    ])
  })
  it('handles triple-quoted strings and URLs in arrays', () => {
    const d = pyhoconChecks('a: """x\\q // y"""\nb: [s3://bucket/x, "gs://ok"]\n')
    expect(d).toMatchObject([{ code: 'pyhocon.url-comment', line: 2, column: 5, endColumn: 18, fix: { replacement: '"s3://bucket/x"' } }])
  })
})
