// Certificate and key checks with node:crypto: the renderer never parses keys itself. Messages name the problem,
// never the key material.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto'
import { derBase64ToPem, parseIdpMetadata, pemKind, type FieldCheck, type MetadataCheck, type PkiCheck } from '../../../shared/domain/identity-providers'

type CertCheck = FieldCheck & { subject?: string; validTo?: string }

function checkCertificate(pem: string, now = Date.now()): { check: CertCheck; cert: X509Certificate | null } {
  const kind = pemKind(pem)
  if (kind === null) return { check: { ok: false, message: 'Not a PEM certificate: expected a "-----BEGIN CERTIFICATE-----" block' }, cert: null }
  if (kind !== 'certificate') return { check: { ok: false, message: 'This PEM block is not a certificate (it looks like a key): paste the certificate here' }, cert: null }
  let cert: X509Certificate
  try {
    cert = new X509Certificate(pem)
  } catch {
    return { check: { ok: false, message: 'Malformed PEM certificate: it cannot be parsed (check that it was copied whole)' }, cert: null }
  }
  const subject = cert.subject.replace(/\n/g, ', ')
  if (Date.parse(cert.validTo) < now) return { check: { ok: false, message: `The certificate expired on ${cert.validTo}`, subject, validTo: cert.validTo }, cert }
  if (Date.parse(cert.validFrom) > now) return { check: { ok: false, message: `The certificate is not valid before ${cert.validFrom}`, subject, validTo: cert.validTo }, cert }
  return { check: { ok: true, message: `Valid certificate: ${subject}, until ${cert.validTo}`, subject, validTo: cert.validTo }, cert }
}

function checkKey(pem: string): { check: FieldCheck; key: KeyObject | null } {
  const kind = pemKind(pem)
  if (kind === null) return { check: { ok: false, message: 'Not a PEM private key: expected a "-----BEGIN PRIVATE KEY-----" block' }, key: null }
  if (kind !== 'private_key') return { check: { ok: false, message: 'This PEM block is not a private key: paste the private key here' }, key: null }
  try {
    const key = createPrivateKey(pem)
    return { check: { ok: true, message: `Valid ${key.asymmetricKeyType?.toUpperCase() ?? ''} private key`.replace('  ', ' ') }, key }
  } catch (e) {
    const encrypted = /encrypted|passphrase/i.test((e as Error).message) || /ENCRYPTED/.test(pem)
    return { check: { ok: false, message: encrypted ? 'The private key is encrypted: paste it without a passphrase' : 'Malformed PEM private key: it cannot be parsed (check that it was copied whole)' }, key: null }
  }
}

export function checkPki(input: { certificate?: string; privateKey?: string }, now = Date.now()): PkiCheck {
  const c = input.certificate?.trim() ? checkCertificate(input.certificate.trim(), now) : null
  const k = input.privateKey?.trim() ? checkKey(input.privateKey.trim()) : null
  let pair: FieldCheck | null = null
  if (c?.cert && k?.key) {
    let matches: boolean
    try {
      matches = c.cert.checkPrivateKey(k.key)
    } catch {
      matches = false
    }
    pair = matches
      ? { ok: true, message: 'The private key matches the certificate' }
      : { ok: false, message: 'The private key does not match the certificate (they are not a pair)' }
  }
  return { certificate: c?.check ?? null, privateKey: k?.check ?? null, pair }
}

export function checkMetadata(xml: string, now = Date.now()): MetadataCheck {
  const parsed = parseIdpMetadata(xml)
  let certificate: CertCheck | null = null
  if (parsed.signingCertificate) {
    certificate = checkCertificate(derBase64ToPem(parsed.signingCertificate), now).check
    if (!certificate.ok) parsed.problems.push(`Signing certificate: ${certificate.message}`)
  }
  return { ok: parsed.problems.length === 0, entityId: parsed.entityId, ssoUrl: parsed.ssoUrl, certificate, problems: parsed.problems }
}
