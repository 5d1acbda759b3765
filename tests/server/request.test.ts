import { describe, expect, it } from 'vitest'
import { convertScalar, mergeParams, parsePath } from '../../server/src/request'

describe('request parsing', () => {
  it('parses endpoint paths with optional version and slashes', () => {
    expect(parsePath('/users.get_all')).toEqual({ name: 'users.get_all', version: null })
    expect(parsePath('/v2.23/users.get_all/')).toEqual({ name: 'users.get_all', version: '2.23' })
    expect(parsePath('//v999.0/debug.ping')).toEqual({ name: 'debug.ping', version: '999.0' })
    expect(() => parsePath('/v2/users.get_all')).toThrow()
    expect(() => parsePath('/users')).toThrow()
  })

  it('converts scalars like the server', () => {
    expect(convertScalar('12')).toBe(12)
    expect(convertScalar('-1.5')).toBe(-1.5)
    expect(convertScalar('true')).toBe(true)
    expect(convertScalar('False')).toBe(false)
    expect(convertScalar('config')).toBe('config')
    expect(convertScalar('12345678901234567890')).toBe('12345678901234567890')
  })

  it('merges query args: repeats and [] make lists, dots nest', () => {
    const data: Record<string, unknown> = { keep: 1 }
    mergeParams(data, new URLSearchParams('enabled=true&types=config&types=config&ids[]=a&a.b.c=3&n=7'))
    expect(data).toEqual({ keep: 1, enabled: true, types: ['config', 'config'], ids: ['a'], a: { b: { c: 3 } }, n: 7 })
  })
})
