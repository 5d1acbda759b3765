// The structured vault targets: SSH server keys (format and pair checks against keys made by ssh-keygen) and
// UI storage credentials (shape, required fields, endpoint normalisation).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { normaliseEndpoint, parseStorageVault, sshVaultText, storageVaultText } from '../../shared/api'
import { sshVaultProblems } from '../../electron/core/vaults/ssh-keys'

const fx = (f: string) => readFileSync(join(import.meta.dirname, '../fixtures/ssh', f), 'utf8')
const pair = (kind: string, file: string) => ({ kind, privateKey: fx(file), publicKey: fx(`${file}.pub`).trim() })

describe('SSH server vault', () => {
  it('accepts matching pairs in OpenSSH (ed25519, ecdsa) and PEM (rsa) formats', () => {
    const text = sshVaultText([pair('ed25519', 'ed25519'), pair('ecdsa', 'ecdsa'), pair('rsa', 'rsa_pem')])
    expect(sshVaultProblems(text)).toEqual([])
  })

  it('names the key whose public half belongs to another private key', () => {
    const text = sshVaultText([{ kind: 'ed25519', privateKey: fx('ed25519'), publicKey: fx('ecdsa.pub').trim() }, { ...pair('rsa', 'rsa_pem'), publicKey: fx('ed25519.pub').trim() }])
    const problems = sshVaultProblems(text).map((p) => p.message)
    expect(problems).toContain('ssh_host_ed25519_key__pub is not the public key of ssh_host_ed25519_key')
    expect(problems).toContain('ssh_host_rsa_key__pub is not the public key of ssh_host_rsa_key')
  })

  it('refuses a missing half, a non-key, unknown names and bad JSON, naming the field', () => {
    const only = JSON.stringify({ ssh_host_ed25519_key: fx('ed25519') })
    expect(sshVaultProblems(only)).toEqual([{ field: 'ssh_host_ed25519_key', message: 'ssh_host_ed25519_key has no public key ssh_host_ed25519_key__pub' }])
    const junk = JSON.stringify({ ssh_host_rsa_key: 'not a key', ssh_host_rsa_key__pub: 'ssh-rsa !!!', other: 'x' })
    const fields = sshVaultProblems(junk).map((p) => p.field)
    expect(fields).toEqual(expect.arrayContaining(['other', 'ssh_host_rsa_key', 'ssh_host_rsa_key__pub']))
    expect(sshVaultProblems('{ nope')[0].message).toMatch(/not valid JSON/)
  })
})

describe('UI storage credentials vault', () => {
  it('normalises the host as the web app does and round-trips the shape', () => {
    expect(normaliseEndpoint('minio.local:9000')).toBe('http://minio.local:9000')
    expect(normaliseEndpoint('s3.example.com:443')).toBe('https://s3.example.com:443')
    expect(normaliseEndpoint('https://x')).toBe('https://x')
    const text = storageVaultText([{ Bucket: 'data', Endpoint: 'minio.local:9000', Key: 'K', Secret: 'S', Token: '', Region: 'eu-west-1' }])
    expect(parseStorageVault(text)).toEqual({ credentials: [{ Bucket: 'data', Endpoint: 'http://minio.local:9000', Key: 'K', Secret: 'S', Token: '', Region: 'eu-west-1' }], problems: [] })
  })

  it('requires a bucket and a key or token, and refuses a bucket listed twice', () => {
    const text = JSON.stringify({ bucketCredentials: [{ Bucket: '', Key: 'k' }, { Bucket: 'b' }, { Bucket: 'c', Key: 'k' }, { Bucket: 'c', Key: 'k2' }] })
    expect(parseStorageVault(text).problems.map((p) => p.message)).toEqual([
      'Entry 1: Bucket is required',
      'Entry 2: a Key (or a Token) is required',
      'Entry 4: bucket c is listed twice'
    ])
  })
})
