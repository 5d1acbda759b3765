import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_PATTERN_LENGTH, PatternError, compilePattern } from '../../server/src/pattern'

/** The linear-time matcher behind users.get_all {name}: Python `re` search semantics on a safe subset. */

const m = (pattern: string, text: string) => compilePattern(pattern)(text)

describe('name pattern matcher', () => {
  it('matches with search semantics, like re.search / MongoDB $regex', () => {
    const cases: Array<[string, string, boolean]> = [
      ['Smith', 'Alice Smith', true], ['^Smith', 'Alice Smith', false], ['^Alice', 'Alice Smith', true],
      ['Smith|User', 'Admin User', true], ['smith', 'Alice Smith', false], ['(?i)smith', 'Alice Smith', true],
      ['(?i:ALICE) Smith', 'alice Smith', true], ['(?i:ALICE) SMITH', 'alice Smith', false],
      ['^a.c$', 'abc', true], ['^a.c$', 'a\nc', false], ['(?s)^a.c$', 'a\nc', true],
      ['abc$', 'abc\n', true], ['abc\\Z', 'abc\n', false], ['\\Aabc', 'abc', true], ['(?m)^b$', 'a\nb\nc', true], ['^b$', 'a\nb\nc', false],
      ['\\bSmith\\b', 'Alice Smith', true], ['\\bmith', 'Alice Smith', false], ['\\Bmith', 'Alice Smith', true],
      ['^[A-Z][a-z]+ [A-Z]', 'Bob Jones', true], ['[^a-z ]', 'bob jones', false], ['[]x]', ']', true], ['[a\\-z]', '-', true],
      ['^\\d{3}-\\d{2,}$', '123-45', true], ['^\\d{3}-\\d{2,}$', '123-4', false], ['^x{,2}$', 'xx', true], ['^x{,2}$', 'xxx', false],
      ['^\\w+$', 'Ünïcødé_1', true], ['\\s', 'a\tb', true], ['^\\S+$', 'a b', false], ['\\x41\\u00e9', 'Aé', true],
      ['a{', 'a{', true], ['^a{2}$', 'aa', true], ['^(?:ab)+$', 'ababab', true], ['^(?P<first>ab)+?$', 'abab', true],
      ['(?#a comment)Bob', 'Bob', true], ['\\.', 'a.b', true], ['\\.', 'ab', false], ['', 'anything', true],
      ['^(a+)+$', 'a'.repeat(30) + '!', false], ['^(a+)+!$', 'a'.repeat(30) + '!', true], ['^(a|aa)*$', 'a'.repeat(5000), true],
      ['^(a*)*$', 'a'.repeat(100) + 'b', false], ['[\\d]', '٣', true], ['\\101', 'A', true], ['😀.', 'x😀y', true]
    ]
    for (const [pattern, text, expected] of cases) expect(m(pattern, text), `${pattern} ~ ${JSON.stringify(text)}`).toBe(expected)
  })

  it('refuses what it cannot run in linear time, and syntax errors, with a PatternError that does not echo the pattern', () => {
    for (const pattern of [
      '(a)\\1', '(?P<x>a)(?P=x)', '(?=a)', '(?!a)', '(?<=a)b', '(?<!a)b', '(?(1)a|b)', '(?>a)', 'a*+', 'a++',
      '(', ')', 'a)', '[a-', '[z-a]', '[\\d-z]', 'a**', 'a{2}{3}', '*a', '+', '^*', '\\b+', 'a{3,2}', 'a{1001}',
      '\\', '\\q', '\\x4', '(?x)a', 'a(?i)b', '(?P<1>a)', '(?Q)', '(?i', '\\N{DIGIT ONE}',
      '('.repeat(60) + ')'.repeat(60), '(a{1000}){10}', 'x'.repeat(MAX_PATTERN_LENGTH + 1)
    ]) {
      let err: unknown
      try {
        compilePattern(pattern)
      } catch (e) {
        err = e
      }
      expect(err, pattern).toBeInstanceOf(PatternError)
      expect((err as Error).message.length, pattern).toBeLessThan(120)
    }
  })

  it('takes time linear in the input, whatever the pattern', () => {
    const name = 'a'.repeat(256) + '!'
    for (const pattern of ['^(a+)+$', '^(a|a)*$', '^(a|aa)*$', '(.*){50}x', '^(\\w+\\s?)*$', 'a*'.repeat(100) + 'b', '((((a*)*)*)*)*$b']) {
      const t0 = performance.now()
      m(pattern, name)
      expect(performance.now() - t0, pattern).toBeLessThan(250)
    }
  })

  it('agrees with a backtracking engine on random patterns of the common syntax (differential)', () => {
    // the subset where JavaScript and Python syntax and semantics coincide (no newlines in the input)
    const { re } = fc.letrec<{ re: string; atom: string; piece: string; seq: string }>((tie) => ({
      atom: fc.oneof(
        { maxDepth: 3, depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\w', '\\d', 'c'),
        tie('re').map((r) => `(?:${r})`),
        tie('re').map((r) => `(${r})`)
      ),
      piece: fc.tuple(tie('atom'), fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '{0,}', '*?', '+?')).map(([a, q]) => a + q),
      seq: fc.array(tie('piece'), { minLength: 1, maxLength: 4 }).map((ps) => ps.join('')),
      re: fc.tuple(
        fc.constantFrom('', '', '^'),
        fc.array(tie('seq'), { minLength: 1, maxLength: 3 }).map((ss) => ss.join('|')),
        fc.constantFrom('', '', '$')
      ).map(([s, body, e]) => s + body + e)
    }))
    fc.assert(
      fc.property(re.filter((p) => p.length <= 40), fc.array(fc.constantFrom('a', 'b', 'c', '1', ' '), { maxLength: 8 }).map((cs) => cs.join('')), fc.boolean(), (pattern, text, ci) => {
        const expected = new RegExp(pattern, ci ? 'iu' : 'u').test(text)
        expect(m(ci ? `(?i)${pattern}` : pattern, text)).toBe(expected)
      }),
      { numRuns: 1000, seed: 20240601 }
    )
  })
})
