import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClearmlClient, ClearmlError } from '../../electron/core/clearml/index'
import { setStderrLogging } from '../../electron/core/log'

setStderrLogging(false)

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** An HTTPS ClearML look-alike with a self-signed certificate for 127.0.0.1, answering debug.ping. */
describe.skipIf(!haveOpenssl())('ClearmlClient TLS options', () => {
  let dir: string
  let server: Server
  let url: string
  let certFile: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'core-tls-'))
    certFile = join(dir, 'cert.pem')
    const keyFile = join(dir, 'key.pem')
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
    server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ meta: { result_code: 200, result_subcode: 0, result_msg: 'OK' }, data: { msg: 'ClearML server' } }))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((r) => server.close(() => r()))
    rmSync(dir, { recursive: true, force: true })
  })

  const make = (o: { verifyTls?: boolean; caFile?: string }) => new ClearmlClient({ apiUrl: url, accessKey: 'a', secretKey: 'b', retries: 3, ...o })

  it('rejects a self-signed certificate by default, without retrying, with a hint', async () => {
    const c = make({})
    const started = Date.now()
    const e = await c.ping().catch((x: unknown) => x)
    c.close()
    expect(e).toBeInstanceOf(ClearmlError)
    expect((e as ClearmlError).kind).toBe('network')
    expect((e as ClearmlError).retriable).toBe(false)
    expect((e as ClearmlError).message).toMatch(/^TLS error talking to https:\/\/127\.0\.0\.1:\d+: .*self-signed/)
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('accepts it with verifyTls: false', async () => {
    const c = make({ verifyTls: false })
    expect((await c.ping()).msg).toBe('ClearML server')
    c.close()
  })

  it('accepts it when its CA file is given', async () => {
    const c = make({ caFile: certFile })
    expect((await c.ping()).msg).toBe('ClearML server')
    c.close()
  })
})
