// The two structured vault targets besides client configuration. Their data is JSON:
// - SSH server (type remote_session_ssh_server, clearml-api.md §3.1): keys `ssh_host_<kind>_key` (a private
//   key, PEM or OpenSSH) and `ssh_host_<kind>_key__pub` (its public key, `<algorithm> <base64> [comment]`),
//   read by clearml-session;
// - UI storage credentials (its type string and data shape are not published, clearml-api.md §3.1/§6.2): the
//   web app's own bucket-credential shape, `{ "bucketCredentials": [{ Bucket, Endpoint, Key, Secret, Token,
//   Region }] }`, kept behind this one adapter so it can be corrected against a live server.
// Pure: structure and format checks here; the core also checks each key pair matches (node:crypto).

export interface FieldProblem {
  field: string
  message: string
}

// ---------------------------------------------------------------- SSH server keys

export const SSH_KEY_KINDS = ['rsa', 'ecdsa', 'ed25519'] as const
export type SshKeyKind = (typeof SSH_KEY_KINDS)[number]
export interface SshKeyPair {
  kind: string
  privateKey: string
  publicKey: string
}

const SSH_NAME = /^ssh_host_([a-z0-9]+)_key(__pub)?$/
const PRIVATE_PEM = /^-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----\r?\n[\s\S]+\r?\n-----END \1-----\s*$/
const PUBLIC_LINE = /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)|ssh-dss) ([A-Za-z0-9+/]+={0,2})(?: .*)?$/

export function parseSshVault(data: string): { pairs: SshKeyPair[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = []
  let obj: unknown
  try {
    obj = data.trim() ? JSON.parse(data) : {}
  } catch (e) {
    return { pairs: [], problems: [{ field: 'data', message: `The SSH server vault is not valid JSON: ${(e as Error).message}` }] }
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { pairs: [], problems: [{ field: 'data', message: 'The SSH server vault must be a JSON object of ssh_host_*_key entries' }] }
  const priv = new Map<string, string>()
  const pub = new Map<string, string>()
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const m = SSH_NAME.exec(k)
    if (!m) {
      problems.push({ field: k, message: `“${k}” is not an SSH host key name (ssh_host_<type>_key or ssh_host_<type>_key__pub)` })
      continue
    }
    if (typeof v !== 'string') {
      problems.push({ field: k, message: `${k} must be text` })
      continue
    }
    ;(m[2] ? pub : priv).set(m[1], v)
  }
  const pairs: SshKeyPair[] = []
  for (const kind of new Set([...priv.keys(), ...pub.keys()])) {
    const p = priv.get(kind)
    const q = pub.get(kind)
    const name = `ssh_host_${kind}_key`
    if (p === undefined) problems.push({ field: `${name}__pub`, message: `${name}__pub has no private key ${name}` })
    if (q === undefined) problems.push({ field: name, message: `${name} has no public key ${name}__pub` })
    if (p !== undefined && !PRIVATE_PEM.test(p.trim())) problems.push({ field: name, message: `${name} is not a private key in PEM or OpenSSH format (-----BEGIN … PRIVATE KEY-----)` })
    if (p !== undefined && /ENCRYPTED|Proc-Type: 4,ENCRYPTED/.test(p)) problems.push({ field: name, message: `${name} is encrypted with a passphrase; the SSH server cannot use it` })
    if (q !== undefined && !PUBLIC_LINE.test(q.trim())) problems.push({ field: `${name}__pub`, message: `${name}__pub is not an OpenSSH public key (“ssh-ed25519 AAAA…”)` })
    if (p !== undefined && q !== undefined) pairs.push({ kind, privateKey: p, publicKey: q })
  }
  if (!priv.size && !pub.size && !problems.length) problems.push({ field: 'data', message: 'Add at least one SSH host key pair' })
  return { pairs, problems }
}

export function sshVaultText(pairs: readonly SshKeyPair[]): string {
  const out: Record<string, string> = {}
  for (const p of pairs) {
    out[`ssh_host_${p.kind}_key`] = p.privateKey
    out[`ssh_host_${p.kind}_key__pub`] = p.publicKey
  }
  return JSON.stringify(out, null, 2)
}

// ---------------------------------------------------------------- UI storage credentials

export interface StorageCredential {
  Bucket: string
  Endpoint: string
  Key: string
  Secret: string
  Token: string
  Region: string
}
export const STORAGE_FIELDS: readonly (keyof StorageCredential)[] = ['Bucket', 'Key', 'Secret', 'Token', 'Region', 'Endpoint']

/** The web app's normalisation of a host: no scheme becomes http(s)://, https when it ends in 443. */
export function normaliseEndpoint(v: string): string {
  const t = v.trim()
  if (!t) return ''
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return t
  return `${/:443\/?$/.test(t) ? 'https' : 'http'}://${t}`
}

export function parseStorageVault(data: string): { credentials: StorageCredential[]; problems: FieldProblem[] } {
  let obj: unknown
  try {
    obj = data.trim() ? JSON.parse(data) : { bucketCredentials: [] }
  } catch (e) {
    return { credentials: [], problems: [{ field: 'data', message: `The storage credentials vault is not valid JSON: ${(e as Error).message}` }] }
  }
  const list = (obj as { bucketCredentials?: unknown })?.bucketCredentials
  if (!Array.isArray(list)) return { credentials: [], problems: [{ field: 'data', message: 'Expected { "bucketCredentials": [ … ] }' }] }
  const problems: FieldProblem[] = []
  const credentials = list.map((raw, i) => {
    const r = (raw ?? {}) as Record<string, unknown>
    const c: StorageCredential = { Bucket: '', Endpoint: '', Key: '', Secret: '', Token: '', Region: '' }
    for (const f of STORAGE_FIELDS) c[f] = typeof r[f] === 'string' ? (r[f] as string) : ''
    if (!c.Bucket.trim()) problems.push({ field: `bucketCredentials.${i}.Bucket`, message: `Entry ${i + 1}: Bucket is required` })
    if (!c.Key.trim() && !c.Token.trim()) problems.push({ field: `bucketCredentials.${i}.Key`, message: `Entry ${i + 1}: a Key (or a Token) is required` })
    if (c.Endpoint && !/^https?:\/\/[^\s/]+/.test(normaliseEndpoint(c.Endpoint))) problems.push({ field: `bucketCredentials.${i}.Endpoint`, message: `Entry ${i + 1}: Host must be a host name, with an optional port` })
    return c
  })
  const seen = new Set<string>()
  credentials.forEach((c, i) => {
    const k = `${c.Bucket}@${normaliseEndpoint(c.Endpoint)}`
    if (c.Bucket && seen.has(k)) problems.push({ field: `bucketCredentials.${i}.Bucket`, message: `Entry ${i + 1}: bucket ${c.Bucket} is listed twice` })
    seen.add(k)
  })
  return { credentials, problems }
}

export function storageVaultText(credentials: readonly StorageCredential[]): string {
  return JSON.stringify({ bucketCredentials: credentials.map((c) => ({ ...c, Endpoint: normaliseEndpoint(c.Endpoint) })) }, null, 2)
}
