import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REDACTED, addLogSink, createLogger, redact, redactString, setLogFile, setStderrLogging, type LogRecord } from '../../electron/core/log'

setStderrLogging(false)

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZGVudGl0eSI6eyJ1c2VyIjoiYWRtaW4ifX0.c2lnbmF0dXJlLXNpZ25hdHVyZQ'

describe('redact', () => {
  it('replaces values under secret-looking keys, deeply, without mutating', () => {
    const input = {
      accessKey: 'AKIAPUBLIC',
      secretKey: 'hunter2',
      nested: { password: 'p', Authorization: 'Bearer abc', list: [{ token: 't' }, { private_key: 'k' }], credentials: { a: 1 } },
      empty: { secret: '' }
    }
    const out = redact(input)
    expect(out).toEqual({
      accessKey: 'AKIAPUBLIC',
      secretKey: REDACTED,
      nested: { password: REDACTED, Authorization: REDACTED, list: [{ token: REDACTED }, { private_key: REDACTED }], credentials: REDACTED },
      empty: { secret: '' }
    })
    expect(input.secretKey).toBe('hunter2')
  })

  it('redacts bearer/basic credentials, JWTs and URL passwords inside strings', () => {
    expect(redactString(`Authorization: Bearer ${JWT}`)).toBe(`Authorization: Bearer ${REDACTED}`)
    expect(redactString('header Basic QUtJQTpzZWNyZXQ= sent')).toBe(`header Basic ${REDACTED} sent`)
    expect(redactString(`token was ${JWT}.`)).not.toContain('eyJ')
    expect(redactString('https://user:pa55@host/x')).toBe(`https://user:${REDACTED}@host/x`)
    expect(redactString('plain message with version 2.34 and a.b.c')).toBe('plain message with version 2.34 and a.b.c')
  })

  it('handles errors (dropping axios config), cycles and buffers', () => {
    const err = Object.assign(new Error(`failed with ${JWT}`), { config: { headers: { Authorization: 'Basic xyz' } }, code: 'E1' })
    const out = redact(err) as unknown as Record<string, unknown>
    expect(JSON.stringify(out)).not.toContain('xyz')
    expect(JSON.stringify(out)).not.toContain('eyJ')
    expect(out.code).toBe('E1')
    const cyc: Record<string, unknown> = { a: 1 }
    cyc.self = cyc
    expect(redact(cyc)).toEqual({ a: 1, self: '[circular]' })
    expect(redact({ b: Buffer.from('secret bytes') })).toEqual({ b: '[12 bytes]' })
  })
})

describe('logger', () => {
  let dir: string
  const lines: LogRecord[] = []
  let off: () => void
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'core-log-'))
    lines.length = 0
    off = addLogSink((r) => lines.push(r))
  })
  afterEach(() => {
    off()
    setLogFile(null)
    rmSync(dir, { recursive: true, force: true })
  })

  it('writes one redacted line per entry, also to the file sink', () => {
    const file = join(dir, 'logs', 'core.log')
    setLogFile(file)
    const log = createLogger('test')
    log.info(`login ok with ${JWT}`, { secretKey: 'hunter2', user: 'ada' })
    log.warn('multi\nline')
    log.error('boom', new Error('Basic QUtJQTpzZWNyZXQ='))
    expect(lines.map((l) => l.level)).toEqual(['info', 'warn', 'error'])
    expect(lines[0].line).toMatch(/INFO +\[test\] login ok with \[redacted\] \{"secretKey":"\[redacted\]","user":"ada"\}/)
    expect(lines[1].line).not.toContain('\n')
    const text = readFileSync(file, 'utf8')
    expect(text.trim().split('\n')).toHaveLength(3)
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('QUtJQTpzZWNyZXQ=')
    expect(text).not.toContain('eyJ')
  })
})
