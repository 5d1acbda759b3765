// parseHocon's contract: values, source map, diagnostics, env, includes.
import { describe, expect, it } from 'vitest'
import { parseHocon } from '../../shared/config'
import type { HoconOptions } from '../../shared/config'

const value = (text: string, options?: HoconOptions) => {
  const r = parseHocon(text, options)
  expect(r.diagnostics).toEqual([])
  return r.value
}
const errors = (text: string, options?: HoconOptions) => {
  const r = parseHocon(text, options)
  expect(r.value).toBeUndefined()
  return r.diagnostics.map((d) => `${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.message}`)
}

describe('parseHocon values', () => {
  it('parses the spec features', () => {
    expect(
      value(`
        // comment
        a.b.c = 1          # path key
        a { d : true, e = null }
        s = unquoted string here
        q = "quoted \\n" " and more"
        t = """raw "text" \\n"""
        n = [1, 2.5, -3e2, 0.1]
        arr = [1] [2]
        obj = { x = 1 } { y = 2 }
        ref = \${a.b.c}
        str = "v=" \${a.b.c}
        opt = \${?NOPE}
        arr += 3
        yes = yes
      `)
    ).toEqual({
      a: { b: { c: 1 }, d: true, e: null },
      s: 'unquoted string here',
      q: 'quoted \n  and more', // the whitespace between concatenated values is kept
      t: 'raw "text" \\n',
      n: [1, 2.5, -300, 0.1],
      arr: [1, 2, 3],
      obj: { x: 1, y: 2 },
      ref: 1,
      str: 'v= 1',
      yes: 'yes'
    })
  })

  it('looks up ${?X} and ${X} in env only when the path is not in the config', () => {
    const env = { HOME: '/home/me', a: 'from-env' }
    expect(value('home = ${HOME}, a = 1, b = ${a}, c = ${?MISSING}', { env })).toEqual({ home: '/home/me', a: 1, b: 1 })
    expect(errors('home = ${HOME}')).toEqual(['1:8-1:15 substitution ${HOME} is undefined'])
  })

  it('handles self-references and keeps a previous value when ${?X} is undefined', () => {
    expect(value('path = /bin, path = ${path}":/usr/bin", x = 1, x = ${?NOPE}')).toEqual({ path: '/bin:/usr/bin', x: 1 })
    expect(value('a { list = [1] }, a { list += 2 }, a.list += 3')).toEqual({ a: { list: [1, 2, 3] } })
  })

  it('never lets a key reach the prototype', () => {
    const v = value('"__proto__" { polluted = 1 }, constructor = 2, toString = x') as Record<string, unknown>
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
    expect(Object.keys(v).sort()).toEqual(['__proto__', 'constructor', 'toString'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('parses a root array', () => {
    expect(value('[1, {a: 2}]')).toEqual([1, { a: 2 }])
  })
})

describe('parseHocon source map', () => {
  it('maps every key path, prefix and array element to its last definition', () => {
    const text = 'a.b = 1\nlist = [\n  x,\n  { y = 2 }\n]\na.b = 22\n"q k" { z = "s" }\n'
    const sm = parseHocon(text).sourceMap
    expect([...sm.keys()].sort()).toEqual(['"q k"', '"q k".z', 'a', 'a.b', 'list', 'list.0', 'list.1', 'list.1.y'].sort())
    expect(sm.get('a.b')).toEqual({
      key: { line: 6, column: 3, endLine: 6, endColumn: 4 },
      value: { line: 6, column: 7, endLine: 6, endColumn: 9 }
    })
    expect(sm.get('a')?.key).toEqual({ line: 6, column: 1, endLine: 6, endColumn: 2 })
    expect(sm.get('list')?.value).toEqual({ line: 2, column: 8, endLine: 5, endColumn: 2 })
    expect(sm.get('list.0')?.value).toEqual({ line: 3, column: 3, endLine: 3, endColumn: 4 })
    expect(sm.get('list.1.y')?.key).toEqual({ line: 4, column: 5, endLine: 4, endColumn: 6 })
    expect(sm.get('"q k"')?.key).toEqual({ line: 7, column: 1, endLine: 7, endColumn: 6 })
    expect(sm.get('"q k".z')?.value).toEqual({ line: 7, column: 13, endLine: 7, endColumn: 16 })
    expect(sm.size).toBe(8)
    expect(new Map(sm).get('a.b')).toEqual(sm.get('a.b'))
  })
})

describe('parseHocon diagnostics', () => {
  it('explains syntax errors at their position', () => {
    expect(errors('a [1]')).toEqual([`1:3-1:4 expected ':' or '=' after key "a", found '['`])
    expect(errors('a b')).toEqual([`1:4-1:5 expected ':' or '=' after key "a b" (a field needs a value)`])
    expect(errors('a = "abc\nb = 1')).toEqual(['1:5-1:9 unclosed string (a quoted string cannot contain a newline; use \\n or """...""")'])
    expect(errors('a = "abc')).toEqual(['1:5-1:6 unclosed string'])
    expect(errors('a = [1, 2')).toEqual(["1:5-1:6 unclosed '[' (opened at line 1, column 5)"])
    expect(errors('a = 1,,')).toEqual(["1:7-1:8 unexpected ','; two commas in a row"])
    expect(errors('a = x & y')).toEqual([`1:7-1:8 reserved character '&' is not allowed outside quotes; put the value of "a" in double quotes`])
    expect(errors('url = https://example.com')).toEqual([
      `1:12-1:13 '//' starts a comment, so this unquoted URL is cut at ':'; put the value of "url" in double quotes`
    ])
    expect(errors('a..b = 1')[0]).toMatch(/^1:3-1:4 empty element in key/)
  })

  it('reports undefined substitutions and cycles once each', () => {
    expect(errors('x = ${a.b}')).toEqual(['1:5-1:11 substitution ${a.b} is undefined'])
    expect(errors('a = ${b}\nb = ${a}')).toEqual(['2:5-2:9 cycle in substitutions: a -> b -> a'])
    expect(errors('a = [1], b = ${a} x')).toEqual(['1:14-1:20 cannot concatenate an array with a string: objects and arrays only concatenate with their own kind'])
  })

  it('never throws and reports deep nesting as an error', () => {
    expect(errors('a = ' + '['.repeat(100000))[0]).toMatch(/nesting is too deep/)
    for (const text of ['', '\uFEFF', '}', ']', '${', '"""', '\\', 'include', 'a = ${?}']) {
      expect(() => parseHocon(text)).not.toThrow()
    }
    expect(value('')).toEqual({})
  })
})

describe('parseHocon includes', () => {
  const files: Record<string, string> = {
    '/c/main.conf': 'include "sub.conf"\nnested { include file("sub.conf") }\nlocal = 5',
    '/c/sub.conf': 'x = 1\ny = ${x}\nz = ${local}',
    '/c/bad.conf': 'oops = [',
    '/c/self.conf': 'include "self.conf"'
  }
  const requests: unknown[] = []
  const resolveInclude: HoconOptions['resolveInclude'] = (req) => {
    requests.push(req)
    if (req.kind === 'url' || req.kind === 'classpath') return undefined
    const name = req.name.startsWith('/') ? req.name : '/c/' + req.name
    return files[name] === undefined ? undefined : { text: files[name], filename: name }
  }

  it('merges included files in place and fixes up their substitutions', () => {
    expect(value(files['/c/main.conf'], { filename: '/c/main.conf', resolveInclude })).toEqual({
      x: 1,
      y: 1,
      z: 5,
      nested: { x: 1, y: 1, z: 5 },
      local: 5
    })
    expect(requests[0]).toEqual({ kind: 'plain', name: 'sub.conf', from: '/c/main.conf', required: false })
    expect(requests[1]).toEqual({ kind: 'file', name: 'sub.conf', from: '/c/main.conf', required: false })
  })

  it('ignores missing optional includes and rejects missing required ones', () => {
    expect(value('include url("http://x/y.conf")\ninclude classpath("a.conf")\ninclude "none.conf"\na = 1', { resolveInclude })).toEqual({ a: 1 })
    expect(errors('include required(file("none.conf"))', { resolveInclude })).toEqual(['1:1-1:36 required include "none.conf" was not found'])
    expect(errors('include required("none.conf")')).toEqual(['1:1-1:30 required include "none.conf" was not found'])
  })

  it('reports errors inside included files and include cycles at the include', () => {
    expect(errors('a = 1\ninclude "bad.conf"', { resolveInclude })).toEqual([
      `2:1-2:19 in included file "/c/bad.conf" at line 1, column 8: unclosed '[' (opened at line 1, column 8)`
    ])
    expect(errors('include "self.conf"', { resolveInclude, filename: '/c/x.conf' })[0]).toMatch(/include cycle/)
  })
})

describe('parseHocon source map of substituted values', () => {
  it('maps key paths that came from a substitution to the field that holds it', () => {
    const text = 'base { x = 1, y { z = 2 } }\ncopy = ${base} { w = 3 }\n'
    const sm = parseHocon(text).sourceMap
    const copy = sm.get('copy')
    expect(copy?.value).toEqual({ line: 2, column: 8, endLine: 2, endColumn: 25 })
    expect(sm.get('copy.x')).toBe(copy)
    expect(sm.get('copy.y.z')).toBe(copy)
    expect(sm.get('copy.w')?.key).toEqual({ line: 2, column: 18, endLine: 2, endColumn: 19 })
    expect(sm.get('base.y.z')?.key).toEqual({ line: 1, column: 19, endLine: 1, endColumn: 20 })
  })
})

describe('parseHocon source map laziness', () => {
  it('is a Map whose entries exist once read, so a copy or a clone after reading is complete', () => {
    const r = parseHocon('a.b = 1\nc = [x]')
    expect(r.sourceMap).toBeInstanceOf(Map)
    const copy = new Map(r.sourceMap)
    expect([...copy.keys()].sort()).toEqual(['a', 'a.b', 'c', 'c.0'])
    expect(structuredClone(r.sourceMap).get('a.b')).toEqual(r.sourceMap.get('a.b'))
  })
})
