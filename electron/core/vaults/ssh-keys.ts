// Checks that each SSH host private key of an SSH server vault matches its public key (node:crypto for PEM
// keys; the public key stored in the header of an OpenSSH private key otherwise). Never logs a key.
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { parseSshVault, type FieldProblem } from '../../../shared/api'

const str = (b: Buffer) => Buffer.concat([u32(b.length), b])
const u32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}
/** An SSH mpint: big-endian, with a leading zero when the top bit is set. */
const mpint = (b: Buffer) => {
  let v = b
  while (v.length > 1 && v[0] === 0) v = v.subarray(1)
  if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v])
  return str(v)
}
const b64u = (s: string) => Buffer.from(s, 'base64url')

/** The OpenSSH wire form of the public key that belongs to a PEM private key. */
function blobFromPem(pem: string): Buffer {
  const jwk = createPublicKey(createPrivateKey(pem)).export({ format: 'jwk' }) as Record<string, string>
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(b64u(jwk.x))])
  if (jwk.kty === 'RSA') return Buffer.concat([str(Buffer.from('ssh-rsa')), mpint(b64u(jwk.e)), mpint(b64u(jwk.n))])
  if (jwk.kty === 'EC') {
    const curve = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' }[jwk.crv]
    if (!curve) throw new Error(`unsupported curve ${jwk.crv}`)
    const point = Buffer.concat([Buffer.from([4]), b64u(jwk.x), b64u(jwk.y)])
    return Buffer.concat([str(Buffer.from(`ecdsa-sha2-${curve}`)), str(Buffer.from(curve)), str(point)])
  }
  throw new Error(`unsupported key type ${jwk.kty}`)
}

/** The public key an OpenSSH private key carries in its (unencrypted) header. */
function blobFromOpenssh(text: string): Buffer {
  const body = Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  const magic = 'openssh-key-v1\0'
  if (body.subarray(0, magic.length).toString('latin1') !== magic) throw new Error('not an OpenSSH private key')
  let at = magic.length
  const next = () => {
    const n = body.readUInt32BE(at)
    const v = body.subarray(at + 4, at + 4 + n)
    at += 4 + n
    return v
  }
  const cipher = next().toString()
  next() // kdf name
  next() // kdf options
  const count = body.readUInt32BE(at)
  at += 4
  if (count < 1) throw new Error('no key in the file')
  if (cipher !== 'none') throw new Error('it is encrypted with a passphrase')
  return next()
}

/** Problems with an SSH server vault's data: its structure, then whether each pair matches. */
export function sshVaultProblems(data: string): FieldProblem[] {
  const { pairs, problems } = parseSshVault(data)
  if (problems.length) return problems
  for (const p of pairs) {
    const name = `ssh_host_${p.kind}_key`
    let mine: Buffer
    try {
      mine = /BEGIN OPENSSH PRIVATE KEY/.test(p.privateKey) ? blobFromOpenssh(p.privateKey) : blobFromPem(p.privateKey)
    } catch (e) {
      problems.push({ field: name, message: `${name} cannot be read: ${(e as Error).message.replace(/\s+/g, ' ').slice(0, 120)}` })
      continue
    }
    const theirs = Buffer.from(p.publicKey.trim().split(/\s+/)[1] ?? '', 'base64')
    if (!mine.equals(theirs)) problems.push({ field: `${name}__pub`, message: `${name}__pub is not the public key of ${name}` })
  }
  return problems
}
