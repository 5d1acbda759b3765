// "What will this user's SDK / agent actually get?" — the configuration a ClearML client ends up with after
// it reads its clearml.conf and then the configuration vaults the server returns, with the file/vault and
// position behind every final value. Pure TypeScript (no Node, no DOM).
//
// Rules, and where they come from (../shared/clearml-api.md unless said otherwise):
// - Layers, later wins (§3.2): the configuration file (`base`), then each vault's data in the order the server
//   lists it (§3.2 step 3, §8 "Order is precedence": the SDK merges in response order, the last one wins).
//   The order of `vaults` is kept as given; nothing is re-sorted by scope.
// - Merge (§3.2: pyhocon merge_configs): objects merge key by key, at any depth; a scalar, a list or null
//   replaces whatever was there (lists are never concatenated or merged element by element); an object
//   replaces a scalar. This is shared/config's mergeLayers.
// - Which vaults (§3.1, §8; clearml-enterprise-api.md §1.5): the clients ask for `enabled=true&types=config`,
//   so only enabled vaults of type 'config' apply (§8 warns that the SDK itself does not look at `enabled`: the
//   server must filter). With `user`: organization scope applies to everyone, group scope to members of the
//   vault's group, user scope to the user whose personal vault it is. Without `user`, `vaults` is taken to be
//   what users.get_vaults returned to that user (already filtered by the server), so scope is not checked.
// - Reading a vault (§8, and the clients' `load_vaults`): the SDK and agent ignore `format` and parse `data` as
//   HOCON; a vault whose data is empty, does not parse, or whose top level is not an object is dropped (with only
//   a warning in the client's log). An object with no keys has no effect (and is dropped too).
//   * JSON vaults are parsed with the JSON parser (its diagnostics and positions) and cross-checked with the HOCON
//     parser, because that is what the SDK runs. JSON is HOCON, so normally both agree; where they differ (e.g.
//     duplicate object keys, which HOCON merges and JSON replaces; or text that is not strict JSON but is HOCON),
//     the HOCON reading is used, with a warning.
//   * YAML vaults — decision: by default a YAML vault is reported in `skipped` (code 'yaml-not-hocon'), unless its
//     text happens to read the same as HOCON (e.g. flow style). §8 observed the SDK misreading YAML (a YAML vault
//     turned the whole `sdk` section into a string), and neither the server nor the reference server converts it
//     (§7, server/README.md), so "as stored" the SDK does not get what the YAML says. `yamlVaults: 'convert'`
//     previews a vault the way the console provisions it (converted to HOCON, i.e. its YAML value), for drafts.
// - Agent machine keys (§3.2 "Agent"; the keys are shared/config's AGENT_RESTORED_KEYS, the six keys the lint
//   forbids in admin vaults): after loading vaults the agent puts back its own pre-vault value of each key
//   (clearml-agent worker.py `_apply_extra_configuration`). Its pre-vault value is the file's value when the
//   file sets the key; otherwise the agent fills five of them itself at start-up (worker_id from its packaged
//   default "", worker_name = host name, default_python = its Python, cuda/cudnn versions = detected), so a
//   vault's value is dropped and the key's source is `{ kind: 'default' }` (it then has no entry in `value`:
//   only the machine knows it). `agent.debug` is the exception: the agent restores it only when it had a value
//   before the vaults (the file, or `--debug`, which is not modelled), so with no value in the file a vault's
//   `agent.debug` takes effect, and a diagnostic says so. The SDK restores nothing (§3.2 "The SDK blocks no keys").
// - Not modelled: command-line arguments and environment variables (CLEARML_*, CLEARML_AGENT__*), which rank above
//   vaults (§3.2); the `environment`/`files` sections being applied to the machine; the newest agent's
//   `monitoring` vault (a non-config type, reported as skipped).
// - Packaged defaults: shared/config holds only the key tree generated from ClearML's default files, not their
//   text, so there is no `packagedDefaults()` here; `base` is the user's file (or null) and keys nobody set are
//   simply absent.
import type { ConfigFormat, ConfigValue, Diagnostic, Range, SourceMap } from '../config/types.ts'
import { pathKey } from '../config/types.ts'
import { AGENT_RESTORED_KEYS, mergeLayers, parseConfig, parseHocon } from '../config/index.ts'
import type { VaultInfo, VaultScope } from './vaults.ts'

export type ConfigObject = { [key: string]: ConfigValue }

/** A configuration text and the name it is shown under (e.g. "~/clearml.conf"). */
export interface ConfigText {
  text: string
  format: ConfigFormat
  name: string
}

/** Who set a final value: the file, a vault, or (agent machine keys only) the agent itself. Positions are 1-based. */
export type Source =
  | { kind: 'file'; name: string; line: number; column: number }
  | { kind: 'vault'; vaultId: string; description: string; scope: VaultScope; line: number; column: number }
  | { kind: 'default' }

/** Why a vault does not take part. */
export type SkipCode =
  | 'not-config'
  | 'disabled'
  | 'other-group'
  | 'other-user'
  | 'empty'
  | 'unparsable'
  | 'not-object'
  | 'yaml-not-hocon'

export interface SkippedVault {
  vault: VaultInfo
  code: SkipCode
  /** One sentence for the user. */
  reason: string
}

export type DiagnosticOrigin = { kind: 'file'; name: string } | { kind: 'vault'; vaultId: string; description: string }

/** A diagnostic about one of the inputs; its line/column are in that input's text. */
export interface EffectiveDiagnostic extends Diagnostic {
  origin: DiagnosticOrigin
}

export interface EffectiveConfigInput {
  /** The client's configuration file; null when it has none. */
  base: ConfigText | null
  /** The vaults, in the order the server lists them (that order is the precedence: last wins). */
  vaults: readonly VaultInfo[]
  /** The user whose configuration this is. Without it, `vaults` is taken as already filtered for that user. */
  user?: { id: string; groups: readonly string[] }
  /** Model clearml-agent (restores its machine keys) instead of the SDK. */
  agent?: boolean
  /** YAML vaults: 'skip' (default: as stored, the SDK cannot read them) or 'convert' (as provisioning converts them). */
  yamlVaults?: 'skip' | 'convert'
  /** Environment for HOCON `${VAR}` substitutions (default: none). */
  env?: Record<string, string | undefined>
}

export interface EffectiveConfig {
  value: ConfigObject
  /** pathKey of every leaf of `value` (lists and empty objects are leaves) -> who set it; plus 'default' agent keys. */
  sources: Map<string, Source>
  /** The vaults that take effect, in merge order. */
  applied: VaultInfo[]
  skipped: SkippedVault[]
  /** Agent machine keys that applied vaults set and the agent put back to its own value (empty for the SDK). */
  restoredMachineKeys: string[]
  diagnostics: EffectiveDiagnostic[]
}

/** The agent restores these only when it held a value before the vaults (clearml_agent/session.py fills the others). */
const RESTORED_ONLY_WHEN_SET = new Set<string>(['agent.debug'])

const FIRST: Range = { line: 1, column: 1, endLine: 1, endColumn: 2 }
const BASE = 'base' // mergeLayers' name for the base layer
const layerName = (i: number): string => `vault#${i}`

interface Reading {
  value: ConfigObject
  sourceMap: SourceMap
}

function isObject(v: ConfigValue | undefined): v is ConfigObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function setOwn(obj: ConfigObject, key: string, value: ConfigValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  else obj[key] = value
}

function clone(v: ConfigValue): ConfigValue {
  if (Array.isArray(v)) return v.map(clone)
  if (isObject(v)) {
    const o: ConfigObject = {}
    for (const [k, x] of Object.entries(v)) setOwn(o, k, clone(x))
    return o
  }
  return v
}

function deepEqual(a: ConfigValue | undefined, b: ConfigValue | undefined): boolean {
  if (a === b) return true
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
  if (isObject(a)) {
    if (!isObject(b)) return false
    const ka = Object.keys(a)
    if (ka.length !== Object.keys(b).length) return false
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]))
  }
  return false
}

function getPath(v: ConfigValue | undefined, segs: readonly string[]): ConfigValue | undefined {
  let cur = v
  for (const s of segs) {
    if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, s)) return undefined
    cur = cur[s]
  }
  return cur
}

function kindOf(v: ConfigValue): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'list'
  return typeof v === 'object' ? 'object' : typeof v
}

/** Start of the value at segs in a source map, or of its nearest recorded ancestor. */
function positionIn(sm: SourceMap | undefined, segs: readonly (string | number)[]): { line: number; column: number } {
  if (sm) {
    for (let i = segs.length; i > 0; i--) {
      const e = sm.get(pathKey(segs.slice(0, i)))
      if (e) return { line: e.value.line, column: e.value.column }
    }
  }
  return { line: 1, column: 1 }
}

function pointAt(p: { line: number; column: number }): Range {
  return { line: p.line, column: p.column, endLine: p.line, endColumn: p.column + 1 }
}

function firstError(diags: readonly Diagnostic[]): string {
  const e = diags.find((d) => d.severity === 'error')
  return e ? `${e.message} (line ${e.line}, column ${e.column})` : 'it does not parse'
}

/** Scope and type filtering: why the vault does not reach this user, or undefined when it does. */
function filterVault(v: VaultInfo, user: EffectiveConfigInput['user']): Omit<SkippedVault, 'vault'> | undefined {
  if (v.type !== 'config') {
    return { code: 'not-config', reason: `Its type is '${v.type}', not client configuration: the SDK and agent ask only for type 'config'.` }
  }
  if (!v.enabled) return { code: 'disabled', reason: 'It is disabled: the server leaves it out of users.get_vaults(enabled=true).' }
  if (!user) return undefined
  if (v.scope === 'group') {
    if (v.group === null) return { code: 'other-group', reason: 'It is a group vault that names no group.' }
    if (!user.groups.includes(v.group)) {
      return { code: 'other-group', reason: `It applies to the members of group ${v.groupName ?? v.group}, and the user is not one.` }
    }
  } else if (v.scope === 'user') {
    if (v.user !== user.id) {
      return { code: 'other-user', reason: v.user === null ? 'It is a personal vault whose owner is not known.' : `It is the personal vault of another user (${v.user}).` }
    }
  }
  return undefined
}

/** Reads a vault as the client would; pushes its diagnostics. Returns the reading or why it is skipped. */
function readVault(
  v: VaultInfo,
  opts: { yamlVaults: 'skip' | 'convert'; env: Record<string, string | undefined> },
  diagnostics: EffectiveDiagnostic[]
): Reading | Omit<SkippedVault, 'vault'> {
  const origin: DiagnosticOrigin = { kind: 'vault', vaultId: v.id, description: v.description }
  const push = (ds: readonly Diagnostic[]) => {
    for (const d of ds) diagnostics.push({ ...d, origin })
  }
  const note = (severity: Diagnostic['severity'], code: string, message: string) =>
    diagnostics.push({ ...FIRST, severity, code, message, origin })

  if (v.data.trim() === '') return { code: 'empty', reason: 'It has no data.' }

  const native = parseConfig(v.data, v.format, { env: opts.env })
  const sdk = v.format === 'hocon' ? native : parseHocon(v.data, { env: opts.env })
  let reading: { value: ConfigValue; sourceMap: SourceMap }

  if (v.format === 'hocon') {
    push(native.diagnostics)
    if (native.value === undefined) return { code: 'unparsable', reason: `It does not parse as HOCON: ${firstError(native.diagnostics)}.` }
    reading = { value: native.value, sourceMap: native.sourceMap }
  } else if (v.format === 'json') {
    if (sdk.value === undefined) {
      push(native.value === undefined ? native.diagnostics : sdk.diagnostics)
      return native.value === undefined
        ? { code: 'unparsable', reason: `It does not parse as JSON: ${firstError(native.diagnostics)}.` }
        : { code: 'unparsable', reason: `It is JSON, but the SDK's HOCON parser rejects it: ${firstError(sdk.diagnostics)}.` }
    }
    if (native.value !== undefined && deepEqual(native.value, sdk.value)) {
      push(native.diagnostics)
      reading = { value: native.value, sourceMap: native.sourceMap }
    } else {
      if (native.value === undefined) {
        note('warning', 'effective.json-read-as-hocon', `Not valid JSON (${firstError(native.diagnostics)}), but the SDK parses vault data as HOCON, which accepts it.`)
      } else {
        push(native.diagnostics.filter((d) => d.severity !== 'error'))
        note('warning', 'effective.json-read-as-hocon', 'The SDK parses vault data as HOCON, which reads this JSON differently (duplicate object keys merge in HOCON); the HOCON reading is used.')
      }
      push(sdk.diagnostics)
      reading = { value: sdk.value, sourceMap: sdk.sourceMap }
    }
  } else {
    push(native.diagnostics)
    if (native.value === undefined) return { code: 'unparsable', reason: `It does not parse as YAML: ${firstError(native.diagnostics)}.` }
    if (sdk.value !== undefined && deepEqual(native.value, sdk.value)) {
      reading = { value: native.value, sourceMap: native.sourceMap }
    } else if (opts.yamlVaults === 'convert') {
      note('info', 'effective.yaml-converted', 'YAML is not readable by the SDK: shown as provisioning converts it to HOCON.')
      reading = { value: native.value, sourceMap: native.sourceMap }
    } else {
      const how = sdk.value === undefined ? `its HOCON parser rejects it: ${firstError(sdk.diagnostics)}` : 'it reads it as HOCON, with other values than the YAML means'
      note('warning', 'effective.yaml-not-hocon', `The SDK parses vault data as HOCON and ${how}. Provisioning converts YAML to HOCON.`)
      return { code: 'yaml-not-hocon', reason: 'YAML is not readable by the SDK (it parses vault data as HOCON); provisioning converts it.' }
    }
  }

  if (!isObject(reading.value)) {
    return { code: 'not-object', reason: `Its top level is ${kindOf(reading.value) === 'object' ? 'an object' : `a ${kindOf(reading.value)}`}, not an object: the SDK ignores it.` }
  }
  if (Object.keys(reading.value).length === 0) return { code: 'empty', reason: 'It sets no keys.' }
  return { value: reading.value, sourceMap: reading.sourceMap }
}

/** Merges the file and the vaults as the ClearML SDK (or, with `agent`, clearml-agent) does. */
export function effectiveConfig(input: EffectiveConfigInput): EffectiveConfig {
  const env = input.env ?? {}
  const diagnostics: EffectiveDiagnostic[] = []
  const skipped: SkippedVault[] = []

  // 1. The file.
  let baseValue: ConfigObject = {}
  let baseMap: SourceMap | undefined
  const base = input.base
  if (base) {
    const origin: DiagnosticOrigin = { kind: 'file', name: base.name }
    const r = parseConfig(base.text, base.format, { env, filename: base.name })
    for (const d of r.diagnostics) diagnostics.push({ ...d, origin })
    if (r.value === undefined) {
      diagnostics.push({ ...FIRST, severity: 'error', code: 'effective.base-unreadable', message: `${base.name} does not parse: the SDK and agent stop when they read it. It is left out here.`, origin })
    } else if (!isObject(r.value)) {
      diagnostics.push({ ...FIRST, severity: 'error', code: 'effective.base-not-object', message: `${base.name} is a ${kindOf(r.value)} at the top level, not an object. It is left out here.`, origin })
    } else {
      baseValue = r.value
      baseMap = r.sourceMap
    }
  }

  // 2. The vaults that reach this user, read as the client reads them.
  const applied: VaultInfo[] = []
  const readings: Reading[] = []
  for (const v of input.vaults) {
    const why = filterVault(v, input.user) ?? readVault(v, { yamlVaults: input.yamlVaults ?? 'skip', env }, diagnostics)
    if ('code' in why) skipped.push({ vault: v, ...why })
    else {
      applied.push(v)
      readings.push(why)
    }
  }

  // 3. Merge, later wins.
  const merged = mergeLayers(baseValue, readings.map((r, i) => ({ name: layerName(i), value: r.value })))
  const value: ConfigObject = isObject(merged.value) ? merged.value : {}
  const prov = merged.provenance

  const vaultIndex = (layer: string): number => (layer.startsWith('vault#') ? Number(layer.slice(6)) : -1)
  const sourceOf = (layer: string, segs: readonly (string | number)[]): Source | undefined => {
    if (layer === BASE) return base ? { kind: 'file', name: base.name, ...positionIn(baseMap, segs) } : undefined
    const i = vaultIndex(layer)
    const v = applied[i]
    if (!v) return undefined
    return { kind: 'vault', vaultId: v.id, description: v.description, scope: v.scope, ...positionIn(readings[i].sourceMap, segs) }
  }

  // 4. The agent puts its machine keys back.
  const restoredMachineKeys: string[] = []
  const defaults: string[] = []
  if (input.agent) {
    const section = prov.get('agent')
    if (section !== undefined && section !== BASE && !isObject(value.agent)) {
      // worker.py reads config["agent"].get(...) to restore the keys: with anything but an object it raises
      const i = vaultIndex(section)
      const pos = positionIn(readings[i].sourceMap, ['agent'])
      diagnostics.push({
        ...pointAt(pos),
        severity: 'error',
        code: 'effective.agent-section-replaced',
        path: 'agent',
        message: `This vault replaces the whole agent section with ${value.agent === null ? 'null' : `a ${kindOf(value.agent)}`}: clearml-agent fails when it restores its machine keys. (Shown here as if it restored them.)`,
        origin: { kind: 'vault', vaultId: applied[i].id, description: applied[i].description }
      })
    }
    for (const key of AGENT_RESTORED_KEYS) {
      const segs = key.split('.')
      const own = getPath(baseValue, segs)
      const cur = getPath(value, segs)
      // the layer that set the key (or replaced one of its parents), before restoring
      let setter: { layer: string; segs: string[] } | undefined
      for (let n = segs.length; n > 0 && !setter; n--) {
        const layer = prov.get(pathKey(segs.slice(0, n)))
        if (layer !== undefined) setter = { layer, segs: segs.slice(0, n) }
      }
      if (!setter) {
        for (const [k, layer] of prov) if (k.startsWith(key + '.')) setter = { layer, segs }
      }
      const fromVault = setter !== undefined && setter.layer !== BASE
      const vaultDiag = (message: string, severity: Diagnostic['severity'], code: string) => {
        if (!setter || !fromVault) return
        const i = vaultIndex(setter.layer)
        const v = applied[i]
        const pos = positionIn(readings[i].sourceMap, setter.segs)
        diagnostics.push({ ...pointAt(pos), severity, code, path: key, message, origin: { kind: 'vault', vaultId: v.id, description: v.description } })
      }

      if (own !== undefined) {
        if (deepEqual(cur, own)) continue
        putPath(value, segs, clone(own))
        for (let n = 1; n < segs.length; n++) prov.delete(pathKey(segs.slice(0, n))) // parents are objects again
        dropUnder(prov, key)
        recordLeaves(own, segs, BASE, prov)
        restoredMachineKeys.push(key)
        vaultDiag(`The agent ignores ${key} from this vault and keeps its own value, from ${base?.name ?? 'its configuration'}.`, 'warning', 'effective.machine-key-restored')
      } else if (!RESTORED_ONLY_WHEN_SET.has(key)) {
        if (cur !== undefined) {
          deletePath(value, segs)
          dropUnder(prov, key)
          restoredMachineKeys.push(key)
          vaultDiag(`The agent ignores ${key} from this vault and keeps the value it sets itself at start-up (its default, or what it detects on the machine).`, 'warning', 'effective.machine-key-restored')
        }
        defaults.push(key)
      } else if (cur !== undefined) {
        vaultDiag(`${key} from this vault takes effect on the agent: it restores its own value only when its configuration file sets one (or it runs with --debug).`, 'info', 'effective.machine-key-kept')
      }
    }
  }

  // 5. Where every leaf comes from.
  const sources = new Map<string, Source>()
  const walk = (v: ConfigValue, segs: string[]): void => {
    if (isObject(v) && Object.keys(v).length > 0) {
      for (const [k, x] of Object.entries(v)) walk(x, [...segs, k])
      return
    }
    if (segs.length === 0) return
    const key = pathKey(segs)
    const layer = prov.get(key)
    const s = layer === undefined ? undefined : sourceOf(layer, segs)
    if (s) sources.set(key, s)
  }
  walk(value, [])
  for (const key of defaults) if (!sources.has(key)) sources.set(key, { kind: 'default' })

  return { value, sources, applied, skipped, restoredMachineKeys, diagnostics }
}

function putPath(root: ConfigObject, segs: readonly string[], v: ConfigValue): void {
  let parent = root
  for (const s of segs.slice(0, -1)) {
    const next = Object.prototype.hasOwnProperty.call(parent, s) ? parent[s] : undefined
    if (!isObject(next)) setOwn(parent, s, {})
    parent = parent[s] as ConfigObject
  }
  setOwn(parent, segs[segs.length - 1], v)
}

/** Deletes the key and then any parent objects left empty by it. */
function deletePath(root: ConfigObject, segs: readonly string[]): void {
  const chain: ConfigObject[] = [root]
  for (const s of segs.slice(0, -1)) {
    const next = chain[chain.length - 1][s]
    if (!isObject(next)) return
    chain.push(next)
  }
  delete chain[chain.length - 1][segs[segs.length - 1]]
  for (let i = chain.length - 1; i > 0 && Object.keys(chain[i]).length === 0; i--) delete chain[i - 1][segs[i - 1]]
}

function dropUnder(prov: Map<string, string>, key: string): void {
  for (const k of [...prov.keys()]) if (k === key || k.startsWith(key + '.')) prov.delete(k)
}

function recordLeaves(v: ConfigValue, segs: string[], layer: string, prov: Map<string, string>): void {
  if (isObject(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) recordLeaves(x, [...segs, k], layer, prov)
  } else if (segs.length > 0) prov.set(pathKey(segs), layer)
}
