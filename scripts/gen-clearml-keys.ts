// Generates shared/config/clearml-keys.generated.ts: the clearml.conf key tree used by lintClearml.
//
// Sources (public reference files, see ../shared/clearml-api.md §5 and conformance/hocon/SOURCES.md):
//  - conformance/hocon/real/*.expected.json: parsed values of the real clearml / clearml-agent files
//    (docs/clearml.conf etc. are full files; packaged default/*.conf are section bodies named after the file);
//  - the .conf texts themselves (also real-nonconforming/clearml-agent/docs/*.conf, which only pyhocon reads):
//    scanned for keys, commented-out example keys (`# key: value`), and the comment just above a key, which
//    becomes its one-line description;
//  - a short list of documented keys and open maps that the files do not show (clearml-api.md §3.2, §5).
//
// Usage: npx tsx scripts/gen-clearml-keys.ts [conformance/hocon dir]
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ClearmlKey, ClearmlValueKind } from '../shared/config/clearml-schema.ts'

const corpus = resolve(process.argv[2] ?? resolve(import.meta.dirname, '../../shared/conformance/hocon'))
const out = resolve(import.meta.dirname, '../shared/config/clearml-keys.generated.ts')

interface Source {
  conf: string
  json?: string
  /** top-level key the file body belongs to (packaged defaults), or undefined for full files */
  section?: string
}

const real = (name: string, section?: string): Source => ({
  conf: join(corpus, 'real', `${name}.conf`),
  json: join(corpus, 'real', `${name}.expected.json`),
  section
})

const SOURCES: Source[] = [
  real('clearml__docs__clearml'),
  real('clearml__docs__trains'),
  real('clearml-agent__docker__k8s-glue__build-resources__clearml'),
  real('clearml__clearml__backend_api__config__default__api', 'api'),
  real('clearml__clearml__backend_api__config__default__logging', 'logging'),
  real('clearml__clearml__config__default__sdk', 'sdk'),
  real('clearml__clearml__config__default__logging', 'logging'),
  real('clearml-agent__clearml_agent__backend_api__config__default__agent', 'agent'),
  real('clearml-agent__clearml_agent__backend_api__config__default__api', 'api'),
  real('clearml-agent__clearml_agent__backend_api__config__default__sdk', 'sdk'),
  real('clearml-agent__clearml_agent__backend_api__config__default__logging', 'logging'),
  { conf: join(corpus, 'real-nonconforming/clearml-agent/docs/clearml.conf') },
  { conf: join(corpus, 'real-nonconforming/clearml-agent/docs/trains.conf') }
]

const TOP = ['api', 'sdk', 'agent', 'environment', 'files', 'logging']

// ---------------------------------------------------------------------------------------------- tree

function node(): ClearmlKey {
  return { type: [] }
}

function addType(n: ClearmlKey, t: ClearmlValueKind): void {
  if (!n.type.includes(t)) n.type.push(t)
}

function child(n: ClearmlKey, key: string): ClearmlKey {
  n.children ??= {}
  if (!Object.prototype.hasOwnProperty.call(n.children, key)) n.children[key] = node()
  addType(n, 'object')
  return n.children[key]
}

function kindOf(v: unknown): ClearmlValueKind | 'null' {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'object') return 'object'
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return 'boolean' // `True` read by pyhocon as a bool
  return typeof v as ClearmlValueKind
}

function addValue(n: ClearmlKey, v: unknown, inArray = false): void {
  const k = kindOf(v)
  if (k === 'null') {
    addType(n, 'any')
    return
  }
  addType(n, k)
  if (v === '') n.loose = true
  if (k === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
    if (entries.length === 0 || inArray) n.open = true
    for (const [key, x] of entries) addValue(child(n, key), x)
  } else if (k === 'array') {
    const arr = v as unknown[]
    n.items ??= node()
    for (const x of arr) addValue(n.items, x, true)
  }
}

function at(root: ClearmlKey, path: string[]): ClearmlKey {
  let n = root
  for (const seg of path) {
    if (seg === '*') {
      addType(n, 'array')
      n.items ??= node()
      n = n.items
      addType(n, 'object')
      n.open = true
    } else n = child(n, seg)
  }
  return n
}

// ----------------------------------------------------------------------------------- text harvesting

interface Harvested {
  path: string[]
  doc?: string
  literal?: string
  commented?: boolean
}

function literalKind(lit: string): ClearmlValueKind | undefined {
  const s = lit.trim().replace(/,$/, '').trim()
  if (!s) return undefined
  if (/^(true|false)$/i.test(s)) return 'boolean'
  if (/^null$/i.test(s)) return 'any'
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s)) return 'number'
  if (s.startsWith('[')) return 'array'
  if (s.startsWith('{')) return 'object'
  if (s.startsWith('${')) return 'any'
  return 'string'
}

function splitKey(raw: string): string[] {
  const segs: string[] = []
  const re = /"((?:[^"\\]|\\.)*)"|([^."]+)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(raw))) segs.push(m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[2].trim())
  return segs.filter((s) => s.length > 0)
}

function oneLine(doc: string[]): string | undefined {
  const lines = doc
    .map((l) => l.trim())
    .filter((l) => l && !/^https?:\/\/\S+$/.test(l) && !/^[-=*#]+$/.test(l))
  if (lines.length === 0) return undefined
  let s = lines.join(' ').replace(/\s+/g, ' ')
  const stop = s.search(/[.!?](\s|$)/)
  if (stop > 20) s = s.slice(0, stop + 1)
  if (s.length > 160) s = s.slice(0, s.lastIndexOf(' ', 157)) + '…'
  return s
}

const KEY_RE = /^([A-Za-z_][\w.-]*|"[^"]+")\s*(\{.*|\[.*|[:=]\s*(.*)|\+=\s*(.*))$/
const VALUE_RE = /^("([^"\\]|\\.)*"|'[^']*'|-?\d[\d.]*([eE][+-]?\d+)?|true|false|null|\[.*|\{.*|\$\{.*\}|[^\s"#]+)\s*,?\s*(#.*|\/\/.*)?$/i

/** Scans HOCON text for keys (real and commented-out examples) with their paths and the comment above them. */
function harvest(text: string, prefix: string[]): Harvested[] {
  const found: Harvested[] = []
  type Frame = { kind: 'obj' | 'arr'; path: string[] }
  const stack: Frame[] = [{ kind: 'obj', path: prefix }]
  let expectKey = true
  let pendingDoc: string[] = []
  let cstack: Array<{ key: string; kind: 'obj' | 'arr' }> = []
  let lineHadCode = false
  let pos = 0
  const n = text.length
  const top = (): Frame => stack[stack.length - 1]

  const onComment = (body: string): void => {
    const b = body.replace(/^(?:#|\/\/|\s)+/, '').trim()
    if (top().kind !== 'obj' || lineHadCode) return
    const cpath = (): string[] => {
      const p: string[] = []
      for (const f of cstack) p.push(f.key)
      return p
    }
    const m = KEY_RE.exec(b)
    if (m) {
      const keySegs = splitKey(m[1])
      const rest = m[2]
      const isObj = rest.startsWith('{') || /^[:=]\s*\{/.test(rest)
      const isArrOpen = /^([:=]\s*)?\[/.test(rest) && !/\]\s*,?\s*(#.*)?$/.test(rest)
      const value = m[3] ?? m[4] ?? rest
      if (isObj || isArrOpen || (VALUE_RE.test(value.trim()) && !value.trim().startsWith('//'))) {
        const path = [...top().path, ...cpath(), ...keySegs]
        found.push({ path, doc: oneLine(pendingDoc), literal: isObj && !/\}\s*,?\s*$/.test(rest) ? '{' : value, commented: true })
        if (isObj && !/\}\s*,?\s*$/.test(rest)) cstack.push({ key: keySegs.join('.'), kind: 'obj' })
        else if (isArrOpen) cstack.push({ key: keySegs.join('.'), kind: 'arr' })
        if (cstack.length) pendingDoc = []
        return
      }
    }
    if (/^[}\]],?$/.test(b)) {
      cstack.pop()
      return
    }
    if (/^\{,?$/.test(b) && cstack.length && cstack[cstack.length - 1].kind === 'arr') {
      cstack.push({ key: '*', kind: 'obj' })
      return
    }
    if (b === '' ) return
    if (cstack.length === 0) pendingDoc.push(b)
  }

  const skipInline = (): void => {
    while (pos < n && (text[pos] === ' ' || text[pos] === '\t' || text[pos] === '\r')) pos++
  }

  const readQuoted = (): string => {
    if (text.startsWith('"""', pos)) {
      const close = text.indexOf('"""', pos + 3)
      const s = text.slice(pos + 3, close < 0 ? n : close)
      pos = close < 0 ? n : close + 3
      return s
    }
    const start = pos
    pos++
    while (pos < n && text[pos] !== '"' && text[pos] !== '\n') pos += text[pos] === '\\' ? 2 : 1
    pos++
    return text.slice(start, pos)
  }

  /** Skips a scalar value (to end of line, ',' '}' ']' or a comment), returning its text. */
  const readScalar = (): string => {
    const start = pos
    while (pos < n) {
      const c = text[pos]
      if (c === '\n' || c === ',' || c === '}' || c === ']' || c === '#') break
      if (c === '/' && text[pos + 1] === '/') {
        if (/[A-Za-z][A-Za-z0-9+.-]*:$/.test(text.slice(start, pos))) {
          pos += 2
          continue
        }
        break
      }
      if (c === '"') {
        readQuoted()
        continue
      }
      pos++
    }
    return text.slice(start, pos).trim()
  }

  let pendingKey: string[] | undefined
  const startValue = (): void => {
    skipInline()
    const c = text[pos]
    const path = pendingKey ? [...top().path, ...pendingKey] : [...top().path, '*']
    if (pendingKey) found.push({ path, doc: oneLine(pendingDoc), literal: c === '{' ? '{' : c === '[' ? '[' : undefined })
    if (c === '{') {
      pos++
      stack.push({ kind: 'obj', path })
      expectKey = true
    } else if (c === '[') {
      pos++
      stack.push({ kind: 'arr', path })
    } else {
      const lit = readScalar()
      if (pendingKey) found[found.length - 1].literal = lit
      expectKey = true
    }
    pendingKey = undefined
    pendingDoc = []
  }

  while (pos < n) {
    const c = text[pos]
    if (c === '\n') {
      if (!lineHadCode && /^\s*$/.test(text.slice(text.lastIndexOf('\n', pos - 1) + 1, pos))) {
        // blank line: a description does not carry over it
        pendingDoc = []
        cstack = []
      }
      lineHadCode = false
      pos++
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
      pos++
      continue
    }
    if (c === '#' || (c === '/' && text[pos + 1] === '/')) {
      const e = text.indexOf('\n', pos)
      onComment(text.slice(pos, e < 0 ? n : e))
      pos = e < 0 ? n : e
      continue
    }
    if (!lineHadCode) cstack = []
    lineHadCode = true
    if (c === '}' || c === ']') {
      if (stack.length > 1) stack.pop()
      pos++
      expectKey = top().kind === 'obj'
      continue
    }
    if (c === ',') {
      pos++
      continue
    }
    if (top().kind === 'arr') {
      pendingKey = undefined
      if (c === '{' || c === '[') startValue()
      else {
        readScalar()
      }
      continue
    }
    // object: key
    if (c === '{') {
      // root brace of a section body / whole file
      pos++
      continue
    }
    if (expectKey) {
      let raw: string
      if (c === '"') raw = readQuoted()
      else {
        const start = pos
        while (pos < n && !/[\s{}[\]:=,#"]/.test(text[pos]) && !(text[pos] === '+' && text[pos + 1] === '=')) pos++
        if (text[pos] === '"') {
          // key like a."b c"
          while (pos < n && !/[\s{}[\]:=,#]/.test(text[pos])) pos += text[pos] === '"' ? readQuoted().length : 1
        }
        raw = text.slice(start, pos)
        if (raw === 'include') {
          readScalar()
          continue
        }
      }
      if (!raw) {
        pos++
        continue
      }
      pendingKey = splitKey(raw)
      skipInline()
      if (text[pos] === ':' || text[pos] === '=') pos++
      else if (text[pos] === '+' && text[pos + 1] === '=') pos += 2
      startValue()
      continue
    }
    pos++
  }
  return found
}

// -------------------------------------------------------------------------------------- supplements

interface Extra {
  path: string
  type: ClearmlValueKind[]
  doc: string
  open?: boolean
}

/** Documented keys the reference files do not show (clearml-api.md §3.2, §5). */
const EXTRAS: Extra[] = [
  { path: 'api', type: ['object'], doc: 'ClearML server connection (api/web/files server addresses, credentials, HTTP settings).' },
  { path: 'api.host', type: ['string'], doc: 'Legacy name of api.api_server; the SDK falls back to it.' },
  { path: 'api.version', type: ['number', 'string'], doc: 'Legacy API version.' },
  { path: 'api.default_version', type: ['number', 'string'], doc: 'Legacy default API version.' },
  { path: 'api.http.default_method', type: ['string'], doc: 'HTTP method used for API requests (CLEARML_API_DEFAULT_REQ_METHOD).' },
  { path: 'api.http.retries', type: ['object'], doc: 'urllib3 Retry settings for API calls.', open: true },
  { path: 'sdk', type: ['object'], doc: 'ClearML SDK settings.' },
  { path: 'sdk.apply_environment', type: ['boolean'], doc: 'Apply the top-level environment section to os.environ (SDK).' },
  { path: 'sdk.apply_files', type: ['boolean'], doc: 'Write the files listed in the top-level files section (SDK).' },
  { path: 'sdk.aws.s3.extra_args', type: ['object'], doc: 'Additional ExtraArgs passed to boto3 when uploading files.', open: true },
  { path: 'agent', type: ['object'], doc: 'clearml-agent settings.' },
  { path: 'agent.cuda_version', type: ['string', 'number'], doc: 'CUDA version the agent reports (restored by the agent after vaults).' },
  { path: 'agent.cudnn_version', type: ['string', 'number'], doc: 'cuDNN version the agent reports (restored by the agent after vaults).' },
  { path: 'agent.default_python', type: ['string', 'number'], doc: 'Default python version of the agent (restored by the agent after vaults).' },
  { path: 'agent.worker_id', type: ['string'], doc: 'Unique name of this worker (restored by the agent after vaults).' },
  { path: 'agent.worker_name', type: ['string'], doc: 'Worker name replacing the hostname (restored by the agent after vaults).' },
  { path: 'agent.debug', type: ['boolean'], doc: 'Agent debug mode (restored by the agent after vaults).' },
  { path: 'agent.apply_environment', type: ['boolean'], doc: 'Apply the top-level environment section (agent).' },
  { path: 'agent.apply_files', type: ['boolean'], doc: 'Write the files listed in the top-level files section (agent).' },
  { path: 'agent.docker_apply_environment_from_vault', type: ['boolean', 'string'], doc: "Inject the task owner's vault environment section as docker -e arguments." },
  { path: 'agent.default_docker.arguments', type: ['any'], doc: 'Extra docker arguments for the default docker image.' },
  { path: 'environment', type: ['object'], doc: 'Environment variables applied when sdk.apply_environment / agent.apply_environment is true.', open: true },
  { path: 'files', type: ['object'], doc: 'Files written to disk when sdk.apply_files / agent.apply_files is true.', open: true },
  { path: 'logging', type: ['object'], doc: 'Python logging configuration (dictConfig).', open: true }
]

const FILE_ENTRY: ClearmlKey = {
  type: ['object'],
  doc: 'A file to write: contents, path, format, target_format, overwrite, mode.',
  open: true,
  children: {
    contents: { type: ['any'], doc: 'File contents (text, or an object/list serialized by target_format).' },
    path: { type: ['string'], doc: 'Target path of the file.' },
    format: { type: ['string'], doc: 'Encoding of contents ("base64" to decode first).' },
    target_format: { type: ['string'], doc: 'Serialize contents as json, yaml, yml or bytes.' },
    overwrite: { type: ['boolean'], doc: 'Overwrite an existing file.' },
    mode: { type: ['string', 'number'], doc: 'File mode, e.g. "0o600".' }
  }
}

// ---------------------------------------------------------------------------------------------- main

const root: ClearmlKey = { type: ['object'], children: {} }
for (const t of TOP) child(root, t)

let files = 0
let textKeys = 0
for (const src of SOURCES) {
  if (!existsSync(src.conf)) throw new Error(`missing reference file ${src.conf}`)
  files++
  const prefix = src.section ? [src.section] : []
  if (src.json) {
    const value = JSON.parse(readFileSync(src.json, 'utf8'))
    addValue(at(root, prefix), value)
  }
  for (const h of harvest(readFileSync(src.conf, 'utf8'), prefix)) {
    // The commented `environment {}` / `files {}` examples are top-level sections even inside a section body.
    if (h.commented && prefix.length && (h.path[1] === 'environment' || h.path[1] === 'files')) h.path = h.path.slice(1)
    if (!TOP.includes(h.path[0])) continue
    const n = at(root, h.path)
    textKeys++
    if (h.doc && !n.doc) n.doc = h.doc
    if (n.type.length === 0 && h.literal !== undefined) {
      const k = literalKind(h.literal)
      if (k) addType(n, k)
      if (/^""\s*,?$/.test(h.literal.trim())) n.loose = true
    }
  }
}

for (const e of EXTRAS) {
  const n = at(root, e.path.split('.'))
  for (const t of e.type) addType(n, t)
  n.doc = n.doc ?? e.doc
  if (e.path.split('.').length === 1) n.doc = e.doc
  if (e.open) n.open = true
}
const filesNode = at(root, ['files'])
filesNode.entry = FILE_ENTRY
// The example entries of the open maps (key_a, myfile1, ...) are not keys of their own.
delete filesNode.children
delete at(root, ['environment']).children
at(root, ['environment']).entry = { type: ['any'], doc: 'An environment variable (name: value).' }
// Objects inside lists (s3/gs/azure credentials, path_substitution, match_rules) are open records.

/** Final pass: untyped nodes accept anything; leaves with an unknown kind are 'any'. */
function finish(n: ClearmlKey): ClearmlKey {
  if (n.type.length === 0) n.type = ['any']
  if (n.type.includes('any')) n.type = ['any']
  if (n.children) {
    const sorted: Record<string, ClearmlKey> = {}
    for (const k of Object.keys(n.children).sort()) sorted[k] = finish(n.children[k])
    n.children = sorted
  }
  if (n.items) n.items = finish(n.items)
  if (n.entry) n.entry = finish(n.entry)
  const ordered: ClearmlKey = { type: n.type.sort() }
  if (n.doc) ordered.doc = n.doc
  if (n.loose) ordered.loose = true
  if (n.open) ordered.open = true
  if (n.entry) ordered.entry = n.entry
  if (n.items) ordered.items = n.items
  if (n.children) ordered.children = n.children
  return ordered
}
finish(root)

let count = 0
const countKeys = (n: ClearmlKey): void => {
  for (const c of Object.values(n.children ?? {})) {
    count++
    countKeys(c)
  }
  if (n.items) countKeys(n.items)
}
countKeys(root)

const body =
  `// GENERATED by scripts/gen-clearml-keys.ts from the public ClearML reference files in\n` +
  `// ../shared/conformance/hocon (real/*.expected.json and the .conf texts). Do not edit by hand.\n` +
  `// ${count} keys from ${files} files.\n` +
  `import type { ClearmlKey } from './clearml-schema.ts'\n\n` +
  `export const CLEARML_KEYS: ClearmlKey = ${JSON.stringify(finish(root), null, 1)}\n`
writeFileSync(out, body)
console.log(`wrote ${out}: ${count} keys from ${files} files (${textKeys} key occurrences in the texts)`)
