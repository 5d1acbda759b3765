/** Server-supplied text must not reach the log raw: control characters and bidi overrides are escaped. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addLogSink, createLogger, escapeControlChars, setLogFile, setStderrLogging, type LogRecord } from '../../electron/core/log'

setStderrLogging(false)

// C0 (incl. tab, CR, LF), DEL, C1, bidi embeddings/overrides/isolates, Unicode line/paragraph separators
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/

describe('log escaping', () => {
  let dir: string
  const records: LogRecord[] = []
  let off: () => void
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'core-log-escape-'))
    records.length = 0
    off = addLogSink((r) => records.push(r))
  })
  afterEach(() => {
    off()
    setLogFile(null)
    rmSync(dir, { recursive: true, force: true })
  })

  it('a message with ANSI escapes and a newline becomes one readable line without raw ESC', () => {
    const file = join(dir, 'core.log')
    setLogFile(file)
    createLogger('test').warn('user \x1b[31mEvil\x1b[0m logged in\nFAKE 2026-01-01 INFO [core] all good')
    const text = readFileSync(file, 'utf8')
    expect(text.endsWith('\n')).toBe(true)
    expect(text.slice(0, -1)).not.toMatch(UNSAFE)
    expect(text.split('\n')).toHaveLength(2)
    expect(text).toContain('user \\x1b[31mEvil\\x1b[0m logged in\\nFAKE')
    expect(records[0].line).toBe(text.slice(0, -1))
    expect(records[0].message).not.toMatch(UNSAFE)
  })

  it('escapes every field value and key, nested too, keeping the details valid JSON', () => {
    const details = {
      name: '\x1b]0;pwned\x07Ada\r',
      nested: { list: ['\u202eevil.exe', 'csi \x9b2J', 'del \x7f', 'iso \u2066x\u2069', 'ls \u2028'], deeper: [{ tab: 'a\tb' }] },
      'key\x1b[1m': 'v'
    }
    createLogger('test').info('user', details)
    const line = records[0].line
    expect(line).not.toMatch(UNSAFE)
    const json = line.slice(line.indexOf('{'))
    // parses back to the original strings: nothing lost, just escaped on the line
    expect(JSON.parse(json)).toEqual(details)
    // sinks get escaped details as well
    expect(JSON.stringify(records[0].details)).not.toMatch(UNSAFE)
    expect(records[0].details).toMatchObject({ name: '\\x1b]0;pwned\\x07Ada\\r', nested: { list: ['\\u202eevil.exe', 'csi \\x9b2J', 'del \\x7f', 'iso \\u2066x\\u2069', 'ls \\u2028'] } })
  })

  it('escapes string details, Error messages and values JSON cannot serialise', () => {
    const log = createLogger('test')
    log.info('a', 'raw \x1b[2J details')
    log.error('b', new Error('bad \x1b[31m\u202e'))
    log.warn('c', { big: 10n, s: '\x1b[5m' })
    for (const r of records) expect(r.line).not.toMatch(UNSAFE)
    expect(records[0].line).toContain('raw \\x1b[2J details')
    expect(records[1].line).toContain('bad \\u001b[31m\\u202e')
  })

  it('escapeControlChars leaves ordinary text alone', () => {
    expect(escapeControlChars('Zoë — ok ✓ 日本 \\ "q"')).toBe('Zoë — ok ✓ 日本 \\ "q"')
    expect(escapeControlChars('\x00\x1b\n\r\t\x7f\x85\u202a\u2069')).toBe('\\x00\\x1b\\n\\r\\t\\x7f\\x85\\u202a\\u2069')
  })
})
