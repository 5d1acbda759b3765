import { describe, expect, it } from 'vitest'
import { effectiveConfig, type ConfigObject, type Source } from '../../shared/domain/effective-config.ts'
import type { VaultInfo } from '../../shared/domain/vaults.ts'
import type { ConfigFormat } from '../../shared/config/types.ts'

/** 1-based line/column of the first occurrence of `needle` in `text` (the test's way of naming a position). */
function at(text: string, needle: string, from = 0): { line: number; column: number } {
  const i = text.indexOf(needle, from)
  if (i < 0) throw new Error(`not found: ${needle}`)
  const before = text.slice(0, i).split('\n')
  return { line: before.length, column: before[before.length - 1].length + 1 }
}

function vault(id: string, data: string, over: Partial<VaultInfo> = {}): VaultInfo {
  return {
    id,
    description: `vault ${id}`,
    scope: 'organization',
    group: null,
    user: null,
    type: 'config',
    format: 'hocon' as ConfigFormat,
    enabled: true,
    data,
    groupName: null,
    lastUpdate: null,
    editable: true,
    version: null,
    ...over
  }
}

function get(v: ConfigObject, path: string): unknown {
  let cur: unknown = v
  for (const s of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || !(s in cur)) return undefined
    cur = (cur as Record<string, unknown>)[s]
  }
  return cur
}

const CONF = `# ~/clearml.conf written by clearml-init
api {
    web_server: "https://app.clear.example.com"
    api_server: "https://api.clear.example.com"
    files_server: "https://files.clear.example.com"
    credentials {
        "access_key" = "ACCESSKEYBASE01"
        "secret_key" = "base-secret-key"
    }
}
sdk {
    aws {
        s3 {
            key: "base-key"
            secret: "base-secret"
            region: "us-east-1"
            credentials: [
                { bucket: "team-a", key: "ka", secret: "sa" }
            ]
        }
    }
    development { default_output_uri: "s3://team-a/output" }
}
agent {
    worker_name: "gpu-box-01"
    git_user: "ci-bot"
    default_python: "3.10"
}
`
const base = { text: CONF, format: 'hocon' as ConfigFormat, name: '~/clearml.conf' }

const ORG = `# organization defaults
sdk.aws.s3.key: "org-key"
api.files_server: "https://files-org.clear.example.com"
`
const ML = `sdk {
  aws {
    s3 {
      key: "ml-key"
      credentials: [
        { bucket: "ml-data", key: "mk", secret: "ms" }
        { bucket: "ml-models", key: "mk2", secret: "ms2" }
      ]
    }
  }
}
`
const ALICE = `{
  "agent": {
    "git_user": "alice",
    "worker_name": "alice-laptop"
  }
}
`
const alice = { id: 'u-alice', groups: ['g-ml'] }

const orgVault = vault('v-org', ORG, { description: 'Company defaults' })
const mlVault = vault('v-ml', ML, { description: 'ML team S3', scope: 'group', group: 'g-ml', groupName: 'ML team' })
const aliceVault = vault('v-alice', ALICE, { description: 'Alice personal', scope: 'user', user: 'u-alice', format: 'json' })

describe('effectiveConfig: merge order and sources', () => {
  const r = effectiveConfig({ base, vaults: [orgVault, mlVault, aliceVault], user: alice })

  it('applies the vaults in server order, later ones overriding earlier ones and the file', () => {
    expect(r.applied.map((v) => v.id)).toEqual(['v-org', 'v-ml', 'v-alice'])
    expect(r.skipped).toEqual([])
    expect(get(r.value, 'sdk.aws.s3.key')).toBe('ml-key') // file < org < ml
    expect(get(r.value, 'api.files_server')).toBe('https://files-org.clear.example.com')
    expect(get(r.value, 'agent.git_user')).toBe('alice')
  })

  it('gives the vault, scope and line/column of every winning value', () => {
    expect(r.sources.get('sdk.aws.s3.key')).toEqual<Source>({
      kind: 'vault',
      vaultId: 'v-ml',
      description: 'ML team S3',
      scope: 'group',
      ...at(ML, '"ml-key"')
    })
    expect(r.sources.get('api.files_server')).toEqual<Source>({
      kind: 'vault',
      vaultId: 'v-org',
      description: 'Company defaults',
      scope: 'organization',
      ...at(ORG, '"https://files-org')
    })
    // a JSON vault: positions come from the JSON parser
    expect(r.sources.get('agent.git_user')).toEqual<Source>({
      kind: 'vault',
      vaultId: 'v-alice',
      description: 'Alice personal',
      scope: 'user',
      ...at(ALICE, '"alice"')
    })
  })

  it('gives the file and line/column of values no vault touched', () => {
    expect(r.sources.get('sdk.aws.s3.region')).toEqual<Source>({ kind: 'file', name: '~/clearml.conf', ...at(CONF, '"us-east-1"') })
    expect(r.sources.get('api.credentials.access_key')).toEqual<Source>({ kind: 'file', name: '~/clearml.conf', ...at(CONF, '"ACCESSKEYBASE01"') })
    expect(r.sources.get('sdk.development.default_output_uri')).toEqual<Source>({ kind: 'file', name: '~/clearml.conf', ...at(CONF, '"s3://team-a/output"') })
  })

  it('has a source for exactly the leaves of the value', () => {
    const leaves: string[] = []
    const walk = (v: unknown, p: string[]) => {
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0) {
        for (const [k, x] of Object.entries(v)) walk(x, [...p, k])
      } else leaves.push(p.join('.'))
    }
    walk(r.value, [])
    expect([...r.sources.keys()].sort()).toEqual(leaves.sort())
  })

  it('merges nested objects key by key', () => {
    // s3.key came from a vault, its siblings stay from the file
    expect(get(r.value, 'sdk.aws.s3')).toMatchObject({ key: 'ml-key', secret: 'base-secret', region: 'us-east-1' })
    expect(r.sources.get('sdk.aws.s3.secret')).toMatchObject({ kind: 'file' })
    expect(get(r.value, 'api')).toEqual({
      web_server: 'https://app.clear.example.com',
      api_server: 'https://api.clear.example.com',
      files_server: 'https://files-org.clear.example.com',
      credentials: { access_key: 'ACCESSKEYBASE01', secret_key: 'base-secret-key' }
    })
    expect(get(r.value, 'agent')).toEqual({ worker_name: 'alice-laptop', git_user: 'alice', default_python: '3.10' })
  })

  it('replaces lists as a whole (pyhocon merge_configs), with the list as one leaf', () => {
    expect(get(r.value, 'sdk.aws.s3.credentials')).toEqual([
      { bucket: 'ml-data', key: 'mk', secret: 'ms' },
      { bucket: 'ml-models', key: 'mk2', secret: 'ms2' }
    ])
    expect(r.sources.get('sdk.aws.s3.credentials')).toMatchObject({ kind: 'vault', vaultId: 'v-ml', ...at(ML, '[') })
    expect(r.sources.has('sdk.aws.s3.credentials.0.bucket')).toBe(false)
  })

  it('follows the server order, not the scope: a user vault listed first loses to a later organization vault', () => {
    const personal = vault('v-me', 'sdk.aws.s3.key: "my-key"\n', { scope: 'user', user: 'u-alice' })
    const out = effectiveConfig({ base, vaults: [personal, orgVault], user: alice })
    expect(out.applied.map((v) => v.id)).toEqual(['v-me', 'v-org'])
    expect(get(out.value, 'sdk.aws.s3.key')).toBe('org-key')
    expect(out.sources.get('sdk.aws.s3.key')).toMatchObject({ vaultId: 'v-org', ...at(ORG, '"org-key"') })
  })

  it('lets a later null or scalar replace an object, and a later object replace a scalar', () => {
    const a = vault('a', 'sdk.development: null\napi.credentials: "none"\n')
    const b = vault('b', 'api.credentials { access_key: "K2" }\n')
    const out = effectiveConfig({ base, vaults: [a, b] })
    expect(get(out.value, 'sdk.development')).toBeNull()
    expect(get(out.value, 'api.credentials')).toEqual({ access_key: 'K2' })
    expect(out.sources.get('sdk.development')).toMatchObject({ vaultId: 'a' })
    expect(out.sources.has('api.credentials.secret_key')).toBe(false)
  })

  it('does not modify its inputs', () => {
    const before = JSON.stringify([orgVault, mlVault, aliceVault])
    const out = effectiveConfig({ base, vaults: [orgVault, mlVault, aliceVault], user: alice, agent: true })
    ;(out.value.sdk as Record<string, unknown>).aws = 'x'
    expect(JSON.stringify([orgVault, mlVault, aliceVault])).toBe(before)
    expect(get(effectiveConfig({ base, vaults: [orgVault] }).value, 'sdk.aws.s3.key')).toBe('org-key')
  })
})

describe('effectiveConfig: which vaults apply', () => {
  const otherGroup = vault('v-cv', 'sdk.aws.s3.key: "cv-key"\n', { scope: 'group', group: 'g-cv', groupName: 'Vision team' })
  const bob = vault('v-bob', '{"agent": {"git_user": "bob"}}', { scope: 'user', user: 'u-bob', format: 'json' })
  const disabled = vault('v-off', 'api.files_server: "https://old-files.example.com"\n', { enabled: false })
  const ssh = vault('v-ssh', '{"ssh_host_rsa_key": "-----BEGIN…", "ssh_host_rsa_key__pub": "ssh-rsa AAAA"}', { type: 'remote_session_ssh_server', format: 'json' })
  const storage = vault('v-ui', '{}', { type: 'ui_storage_credentials', format: 'json' })
  const all = [orgVault, otherGroup, mlVault, bob, disabled, ssh, storage, aliceVault]

  it('applies group vaults only to members of the group', () => {
    const inMl = effectiveConfig({ base, vaults: all, user: alice })
    expect(inMl.applied.map((v) => v.id)).toEqual(['v-org', 'v-ml', 'v-alice'])
    expect(inMl.skipped.find((s) => s.vault.id === 'v-cv')).toMatchObject({ code: 'other-group', reason: expect.stringContaining('Vision team') })

    const inCv = effectiveConfig({ base, vaults: all, user: { id: 'u-alice', groups: ['g-cv'] } })
    expect(inCv.applied.map((v) => v.id)).toEqual(['v-org', 'v-cv', 'v-alice'])
    expect(get(inCv.value, 'sdk.aws.s3.key')).toBe('cv-key')
    expect(inCv.skipped.find((s) => s.vault.id === 'v-ml')).toMatchObject({ code: 'other-group' })

    const none = effectiveConfig({ base, vaults: all, user: { id: 'u-carol', groups: [] } })
    expect(none.applied.map((v) => v.id)).toEqual(['v-org'])
  })

  it('skips disabled vaults and vaults that are not client configuration, with reasons', () => {
    const r = effectiveConfig({ base, vaults: all, user: alice })
    const reason = (id: string) => r.skipped.find((s) => s.vault.id === id)
    expect(reason('v-off')).toMatchObject({ code: 'disabled', reason: expect.stringMatching(/disabled/i) })
    expect(reason('v-ssh')).toMatchObject({ code: 'not-config', reason: expect.stringContaining('remote_session_ssh_server') })
    expect(reason('v-ui')).toMatchObject({ code: 'not-config' })
    expect(get(r.value, 'api.files_server')).toBe('https://files-org.clear.example.com')
    expect(r.value).not.toHaveProperty('ssh_host_rsa_key')
  })

  it("skips another user's personal vault and applies the user's own", () => {
    const r = effectiveConfig({ base, vaults: all, user: alice })
    expect(r.skipped.find((s) => s.vault.id === 'v-bob')).toMatchObject({ code: 'other-user', reason: expect.stringContaining('u-bob') })
    expect(get(r.value, 'agent.git_user')).toBe('alice')
    const asBob = effectiveConfig({ base, vaults: all, user: { id: 'u-bob', groups: [] } })
    expect(get(asBob.value, 'agent.git_user')).toBe('bob')
    expect(asBob.skipped.find((s) => s.vault.id === 'v-alice')).toMatchObject({ code: 'other-user' })
  })

  it('without a user, takes the list as users.get_vaults returned it (no scope check)', () => {
    const r = effectiveConfig({ base, vaults: all })
    expect(r.applied.map((v) => v.id)).toEqual(['v-org', 'v-cv', 'v-ml', 'v-bob', 'v-alice'])
    expect(r.skipped.map((s) => s.code).sort()).toEqual(['disabled', 'not-config', 'not-config'])
  })

  it('skips empty vaults and vaults whose top level is not an object', () => {
    const r = effectiveConfig({
      base: null,
      vaults: [vault('e1', ''), vault('e2', '# nothing yet\n'), vault('e3', '[1, 2]', { format: 'json' }), vault('ok', 'sdk.aws.s3.region: "eu-west-1"')]
    })
    expect(r.skipped.map((s) => [s.vault.id, s.code])).toEqual([
      ['e1', 'empty'],
      ['e2', 'empty'],
      ['e3', 'not-object']
    ])
    expect(r.value).toEqual({ sdk: { aws: { s3: { region: 'eu-west-1' } } } })
  })
})

describe('effectiveConfig: vaults that do not parse', () => {
  it('skips a HOCON vault with a syntax error and reports its diagnostic', () => {
    const broken = 'sdk {\n  aws.s3 {\n    key: "k"\n    secret = = "s"\n  }\n}\n'
    const r = effectiveConfig({ base, vaults: [orgVault, vault('v-bad', broken, { description: 'Broken' })] })
    expect(r.applied.map((v) => v.id)).toEqual(['v-org'])
    const s = r.skipped[0]
    expect(s).toMatchObject({ code: 'unparsable', vault: { id: 'v-bad' } })
    const d = r.diagnostics.find((x) => x.origin.kind === 'vault' && x.origin.vaultId === 'v-bad' && x.severity === 'error')
    expect(d).toBeDefined()
    expect(d!.line).toBe(4)
    expect(s.reason).toContain('line 4')
    expect(get(r.value, 'sdk.aws.s3.key')).toBe('org-key') // nothing of the broken vault
  })

  it('skips a JSON vault that is neither JSON nor HOCON, with the JSON diagnostic', () => {
    const r = effectiveConfig({ base: null, vaults: [vault('j', '{"sdk": {"aws": }', { format: 'json' })] })
    expect(r.skipped[0]).toMatchObject({ code: 'unparsable', reason: expect.stringContaining('JSON') })
    expect(r.diagnostics.some((d) => d.severity === 'error' && d.origin.kind === 'vault')).toBe(true)
    expect(r.value).toEqual({})
  })

  it('skips a vault whose substitution cannot be resolved (vaults are parsed on their own)', () => {
    const r = effectiveConfig({ base, vaults: [vault('s', 'sdk.aws.s3.key: ${api.credentials.access_key}\n')] })
    expect(r.skipped[0]).toMatchObject({ code: 'unparsable' })
  })

  it('reads a JSON vault as the SDK does (HOCON): duplicate objects merge', () => {
    const dup = '{"sdk": {"aws": {"s3": {"key": "k1"}}}, "sdk": {"aws": {"s3": {"secret": "s1"}}}}'
    const r = effectiveConfig({ base: null, vaults: [vault('d', dup, { format: 'json' })] })
    expect(r.value).toEqual({ sdk: { aws: { s3: { key: 'k1', secret: 's1' } } } })
    expect(r.diagnostics.some((d) => d.code === 'effective.json-read-as-hocon')).toBe(true)
  })

  it('accepts a "JSON" vault with comments, as the SDK does, with a warning', () => {
    const r = effectiveConfig({ base: null, vaults: [vault('c', '{\n  // team bucket\n  "sdk": {"aws": {"s3": {"region": "eu-west-1"}}}\n}', { format: 'json' })] })
    expect(r.applied).toHaveLength(1)
    expect(get(r.value, 'sdk.aws.s3.region')).toBe('eu-west-1')
    expect(r.diagnostics.find((d) => d.code === 'effective.json-read-as-hocon')?.severity).toBe('warning')
  })
})

describe('effectiveConfig: YAML vaults', () => {
  const YAML = 'sdk:\n  aws:\n    s3:\n      key: yaml-key\n      secret: yaml-secret\n'
  const yamlVault = vault('v-yaml', YAML, { format: 'yaml', description: 'YAML team vault' })

  it('skips a YAML vault by default: the SDK parses vault data as HOCON', () => {
    const r = effectiveConfig({ base, vaults: [orgVault, yamlVault] })
    expect(r.applied.map((v) => v.id)).toEqual(['v-org'])
    expect(r.skipped[0]).toMatchObject({ code: 'yaml-not-hocon', reason: expect.stringContaining('YAML is not readable by the SDK') })
    expect(r.diagnostics.find((d) => d.code === 'effective.yaml-not-hocon')).toMatchObject({ severity: 'warning', origin: { vaultId: 'v-yaml' } })
    expect(get(r.value, 'sdk.aws.s3.key')).toBe('org-key')
  })

  it('merges it as provisioning converts it when asked, with YAML positions', () => {
    const r = effectiveConfig({ base, vaults: [orgVault, yamlVault], yamlVaults: 'convert' })
    expect(r.applied.map((v) => v.id)).toEqual(['v-org', 'v-yaml'])
    expect(get(r.value, 'sdk.aws.s3.key')).toBe('yaml-key')
    expect(r.sources.get('sdk.aws.s3.secret')).toEqual<Source>({ kind: 'vault', vaultId: 'v-yaml', description: 'YAML team vault', scope: 'organization', ...at(YAML, 'yaml-secret') })
  })

  it('applies YAML text that HOCON reads the same way (flow style)', () => {
    const flow = vault('v-flow', '{sdk: {aws: {s3: {key: flow-key}}}}\n', { format: 'yaml' })
    const r = effectiveConfig({ base, vaults: [flow] })
    expect(r.applied.map((v) => v.id)).toEqual(['v-flow'])
    expect(get(r.value, 'sdk.aws.s3.key')).toBe('flow-key')
  })

  it('reports a YAML syntax error as unparsable', () => {
    const r = effectiveConfig({ base: null, vaults: [vault('y', 'sdk:\n  aws: [unclosed\n', { format: 'yaml' })] })
    expect(r.skipped[0]).toMatchObject({ code: 'unparsable', reason: expect.stringContaining('YAML') })
  })
})

describe('effectiveConfig: agent machine keys', () => {
  const MACHINE = `agent {
  worker_name: "shared-name"
  worker_id: "shared:0"
  cuda_version: "12.1"
  git_user: "vault-bot"
}
`
  const machineVault = vault('v-machine', MACHINE, { description: 'Sets machine keys' })

  it('the agent keeps the file value of a machine key a vault sets', () => {
    const r = effectiveConfig({ base, vaults: [machineVault], agent: true })
    expect(get(r.value, 'agent.worker_name')).toBe('gpu-box-01')
    expect(r.sources.get('agent.worker_name')).toEqual<Source>({ kind: 'file', name: '~/clearml.conf', ...at(CONF, '"gpu-box-01"') })
    // other agent keys from the vault still apply
    expect(get(r.value, 'agent.git_user')).toBe('vault-bot')
    expect(r.sources.get('agent.git_user')).toMatchObject({ kind: 'vault', vaultId: 'v-machine' })
    expect(r.restoredMachineKeys).toEqual(['agent.cuda_version', 'agent.worker_id', 'agent.worker_name'])
    const d = r.diagnostics.find((x) => x.code === 'effective.machine-key-restored' && x.path === 'agent.worker_name')
    expect(d).toMatchObject({ severity: 'warning', origin: { kind: 'vault', vaultId: 'v-machine' }, ...at(MACHINE, '"shared-name"') })
  })

  it("drops a vault's machine key the file does not set: the agent's own (default or detected) value wins", () => {
    const r = effectiveConfig({ base, vaults: [machineVault], agent: true })
    expect(get(r.value, 'agent.cuda_version')).toBeUndefined()
    expect(get(r.value, 'agent.worker_id')).toBeUndefined()
    expect(r.sources.get('agent.cuda_version')).toEqual<Source>({ kind: 'default' })
    expect(r.sources.get('agent.cudnn_version')).toEqual<Source>({ kind: 'default' })
    // default_python is in the file
    expect(r.sources.get('agent.default_python')).toMatchObject({ kind: 'file' })
  })

  it('the SDK takes every key from the vault (it blocks none)', () => {
    const r = effectiveConfig({ base, vaults: [machineVault] })
    expect(get(r.value, 'agent.worker_name')).toBe('shared-name')
    expect(get(r.value, 'agent.cuda_version')).toBe('12.1')
    expect(r.sources.get('agent.worker_name')).toMatchObject({ kind: 'vault', vaultId: 'v-machine', ...at(MACHINE, '"shared-name"') })
    expect(r.restoredMachineKeys).toEqual([])
    expect([...r.sources.values()].some((s) => s.kind === 'default')).toBe(false)
  })

  it('restores keys a later vault set, after all vaults, and the personal vault too', () => {
    const r = effectiveConfig({ base, vaults: [orgVault, mlVault, aliceVault], user: alice, agent: true })
    expect(get(r.value, 'agent.worker_name')).toBe('gpu-box-01')
    expect(get(r.value, 'agent.git_user')).toBe('alice')
    expect(r.restoredMachineKeys).toEqual(['agent.worker_name'])
  })

  it("agent.debug from a vault takes effect when the file does not set it, and is restored when it does", () => {
    const dbg = vault('v-dbg', 'agent.debug: true\n')
    const unset = effectiveConfig({ base, vaults: [dbg], agent: true })
    expect(get(unset.value, 'agent.debug')).toBe(true)
    expect(unset.restoredMachineKeys).toEqual([])
    expect(unset.diagnostics.find((d) => d.code === 'effective.machine-key-kept')).toMatchObject({ severity: 'info', path: 'agent.debug' })

    const withDebug = { ...base, text: CONF.replace('git_user: "ci-bot"', 'git_user: "ci-bot"\n    debug: false') }
    const set = effectiveConfig({ base: withDebug, vaults: [dbg], agent: true })
    expect(get(set.value, 'agent.debug')).toBe(false)
    expect(set.restoredMachineKeys).toEqual(['agent.debug'])
  })

  it('restores machine keys when a vault replaced the whole agent section, and flags the vault', () => {
    const r = effectiveConfig({ base, vaults: [vault('v-agent', 'agent: null\n')], agent: true })
    expect(get(r.value, 'agent')).toEqual({ worker_name: 'gpu-box-01', default_python: '3.10' })
    expect(r.restoredMachineKeys).toEqual(['agent.default_python', 'agent.worker_name'])
    expect(r.sources.has('agent')).toBe(false)
    // …but the real agent raises there (it calls config["agent"].get): an error on the vault
    expect(r.diagnostics.find((d) => d.code === 'effective.agent-section-replaced')).toMatchObject({ severity: 'error', origin: { vaultId: 'v-agent' }, line: 1, column: 8 })
    expect(effectiveConfig({ base, vaults: [vault('v-agent', 'agent: null\n')] }).diagnostics).toEqual([])
  })

  it('with no file, the agent keeps its own values and an emptied section disappears', () => {
    const r = effectiveConfig({ base: null, vaults: [vault('v', 'agent { worker_name: "x" }\nsdk.aws.s3.key: "k"\n')], agent: true })
    expect(r.value).toEqual({ sdk: { aws: { s3: { key: 'k' } } } })
    expect(r.restoredMachineKeys).toEqual(['agent.worker_name'])
    expect(r.sources.get('agent.worker_name')).toEqual({ kind: 'default' })
  })
})

describe('effectiveConfig: the file', () => {
  it('works without a file', () => {
    const r = effectiveConfig({ base: null, vaults: [orgVault] })
    expect(r.value).toEqual({ sdk: { aws: { s3: { key: 'org-key' } } }, api: { files_server: 'https://files-org.clear.example.com' } })
    expect(r.diagnostics).toEqual([])
  })

  it('reports a file that does not parse and leaves it out', () => {
    const r = effectiveConfig({ base: { text: 'api {\n  api_server: \n', format: 'hocon', name: 'broken.conf' }, vaults: [orgVault] })
    expect(r.diagnostics.some((d) => d.code === 'effective.base-unreadable' && d.origin.kind === 'file' && d.origin.name === 'broken.conf')).toBe(true)
    expect(get(r.value, 'sdk.aws.s3.key')).toBe('org-key')
  })

  it('resolves substitutions in the file from env', () => {
    const text = 'sdk.aws.s3 { key: ${AWS_ACCESS_KEY_ID}, region: "us-east-2" }\n'
    const r = effectiveConfig({ base: { text, format: 'hocon', name: 'c.conf' }, vaults: [], env: { AWS_ACCESS_KEY_ID: 'AKIAENV' } })
    expect(get(r.value, 'sdk.aws.s3.key')).toBe('AKIAENV')
    expect(r.sources.get('sdk.aws.s3.key')).toMatchObject({ kind: 'file', line: 1 })
  })
})
