import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseJson } from '../../shared/config/json.ts'
import { parseYaml } from '../../shared/config/yaml.ts'
import { lintClearml, describeClearmlKey, editDistance } from '../../shared/config/lint.ts'
import type { Diagnostic } from '../../shared/config/types.ts'
import { AGENT_RESTORED_KEYS } from '../../shared/config/clearml-schema.ts'
import { CORPUS, HAS_HOCON, REAL_CLIENT_FILES, applyFixes, read } from './helpers.ts'

const lintJson = (v: unknown, adminVault = false): Diagnostic[] => {
  const text = JSON.stringify(v, null, 2)
  return lintClearml(parseJson(text), text, { format: 'json', adminVault })
}
const codes = (d: Diagnostic[], code: string) => d.filter((x) => x.code === code)

describe('lintClearml: key tree from the reference files (values of real/*.expected.json)', () => {
  it.each(REAL_CLIENT_FILES)('$file has no unknown-key or type warnings', ({ file, section }) => {
    let v = JSON.parse(readFileSync(resolve(CORPUS, file.replace(/\.conf$/, '.expected.json')), 'utf8'))
    if (section) v = { [section]: v }
    // "True" in the expected JSON is the spec's reading of an unquoted True, which pyhocon reads as a boolean
    const d = lintJson(v).filter((x) => !(x.code === 'clearml.type' && x.path === 'api.verify_certificate'))
    expect(codes(d, 'clearml.unknown-key')).toEqual([])
    expect(d).toEqual([])
  })

  it('knows documented keys the files only show in comments or not at all', () => {
    const d = lintJson({
      api: { host: 'http://x', http: { default_method: 'put', retries: { total: 3, status_forcelist: [500] } } },
      sdk: { apply_environment: true, apply_files: false, metrics: { plot_max_num_digits: 5 }, aws: { s3: { extra_args: { ACL: 'x' } } } },
      agent: { git_user: 'u', git_pass: 'p', cuda_version: 11.1, docker_apply_environment_from_vault: true, package_manager: { pip_version: ['<21'] } },
      environment: { ANY_NAME: 'v', OTHER: 1 },
      files: { cfg: { contents: { a: 1 }, path: '/x', target_format: 'json', mode: '0o600', user_extra: 1 } },
      logging: { handlers: { anything: {} } }
    })
    expect(d).toEqual([])
  })

  it('catches typos with the right suggestion, at the key', () => {
    const d = lintJson({
      api: { web_sever: 'x', credentials: { acces_key: 'k' } },
      sdk: { development: { default_ouput_uri: 's3://b' } },
      agent: { package_manger: { type: 'pip' }, docker_force_pul: true },
      apii: {}
    })
    const unknown = codes(d, 'clearml.unknown-key').map((x) => [x.path, x.message.match(/Did you mean '([^']+)'/)?.[1], x.line, x.column])
    expect(unknown).toEqual([
      ['api.web_sever', 'web_server', 3, 5],
      ['api.credentials.acces_key', 'access_key', 5, 7],
      ['sdk.development.default_ouput_uri', 'default_output_uri', 10, 7],
      ['agent.package_manger', 'package_manager', 14, 5],
      ['agent.docker_force_pul', 'docker_force_pull', 17, 5],
      ['apii', 'api', 19, 3]
    ])
    expect(d.find((x) => x.path === 'api.web_sever')!.fix).toEqual({ title: "Rename to 'web_server'", replacement: '"web_server"' })
  })

  it('suggests the right section for a key in the wrong place', () => {
    const d = lintJson({ api: { access_key: 'k' } })
    expect(d[0].message).toMatch(/Did you mean 'api\.credentials\.access_key'/)
  })

  it('does not warn inside open maps (environment, files.<name>, s3 credentials, logging)', () => {
    const d = lintJson({
      environment: { WHATEVER: 'x' },
      files: { a: { b: 1 } },
      logging: { root: { level: 'DEBUG' } },
      sdk: { aws: { s3: { credentials: [{ bucket: 'b', host: 'h', verify: false, acl: 'private' }] } }, google: { storage: { credentials: [{ bucket: 'b', anything: 1 }] } } },
      agent: { default_docker: { arguments: ['--ipc=host'] } }
    })
    expect(d).toEqual([])
  })

  it('warns about wrong value types, tolerating number/string conversions', () => {
    const d = lintJson({
      api: { verify_certificate: 'false', http: { max_req_size: '100', pool_maxsize: 'lots' } },
      sdk: { development: { task_reuse_time_window_in_hours: true, worker: { log_stdout: 1 } } },
      agent: { package_manager: 'pip', force_git_ssh_port: '22', extra_docker_arguments: ['--x'] }
    })
    expect(codes(d, 'clearml.type').map((x) => x.path)).toEqual([
      'api.verify_certificate',
      'api.http.pool_maxsize',
      'sdk.development.task_reuse_time_window_in_hours',
      'sdk.development.worker.log_stdout',
      'agent.package_manager'
    ])
    expect(d[0].message).toMatch(/expects a boolean.*non-empty string/)
  })

  it('accepts sizes with units where a number is expected', () => {
    expect(lintJson({ sdk: { storage: { cache: { size: { max_used_bytes: '5GB', min_free_bytes: '10 GiB' } } } } })).toEqual([])
  })

  it('accepts null for any key', () => {
    expect(lintJson({ api: { web_server: null, credentials: null }, agent: { default_docker: null } })).toEqual([])
  })
})

describe('lintClearml: administrator vaults', () => {
  it.each(AGENT_RESTORED_KEYS)('%s is an error in an admin vault, pointing at the key', (key) => {
    const leaf = key.split('.')[1]
    const text = `{\n  "agent": {\n    "package_manager": {"type": "pip"},\n    "${leaf}": "x"\n  }\n}`
    const d = lintClearml(parseJson(text), text, { format: 'json', adminVault: true })
    const e = codes(d, 'clearml.vault-restricted-key')
    expect(e).toHaveLength(1)
    expect(e[0]).toMatchObject({ severity: 'error', line: 4, column: 5, endColumn: 7 + leaf.length, path: key })
    expect(lintClearml(parseJson(text), text, { format: 'json' }).filter((x) => x.severity === 'error')).toEqual([])
  })
})

describe('lintClearml: YAML vaults', () => {
  it('warns that ClearML reads vaults as HOCON only', () => {
    const text = 'api:\n  web_server: "http://x"\n  web_sevrer: 1\n'
    const d = lintClearml(parseYaml(text), text, { format: 'yaml' })
    expect(d[0]).toMatchObject({ code: 'clearml.yaml-vault', severity: 'warning', line: 1 })
    expect(d[1]).toMatchObject({ code: 'clearml.unknown-key', line: 3, column: 3 })
  })
})

describe('helpers', () => {
  it('editDistance counts transpositions as one edit', () => {
    expect(editDistance('web_sever', 'web_server')).toBe(1)
    expect(editDistance('pakcage', 'package')).toBe(1)
  })
  it('describeClearmlKey gives the one-line description', () => {
    expect(describeClearmlKey(['api', 'verify_certificate'])).toMatchObject({ type: ['boolean'], doc: expect.stringMatching(/ssl certificate/) })
    expect(describeClearmlKey(['environment', 'FOO'])).toBeDefined()
    expect(describeClearmlKey(['api', 'nope'])).toBeUndefined()
  })
})

describe.skipIf(!HAS_HOCON)('lintClearml on the real HOCON files (needs the HOCON parser)', () => {
  it.each(REAL_CLIENT_FILES)('$file: no unknown-key warnings', async ({ file, section }) => {
    const { parseConfig } = await import('../../shared/config/parse.ts')
    const raw = read(file)
    const text = section ? `${section} ${raw}` : raw
    const r = parseConfig(text, 'hocon')
    expect(r.diagnostics.filter((x) => x.severity === 'error')).toEqual([])
    const d = lintClearml(r, text, { format: 'hocon' })
    expect(codes(d, 'clearml.unknown-key')).toEqual([])
    expect(codes(d, 'clearml.type')).toEqual([])
  })

  it.each(['clearml-agent/docs/clearml.conf', 'clearml-agent/docs/trains.conf'])(
    'real-nonconforming %s: after the offered fixes it parses and lints clean',
    async (f) => {
      const { parseConfig } = await import('../../shared/config/parse.ts')
      const raw = read('real-nonconforming/' + f)
      const first = lintClearml(parseConfig(raw, 'hocon'), raw, { format: 'hocon' })
      expect(codes(first, 'pyhocon.url-comment').map((x) => x.line)).toEqual([3, 4, 5])
      const fixed = applyFixes(raw, first.filter((x) => x.code === 'pyhocon.url-comment'))
      const r = parseConfig(fixed, 'hocon')
      expect(r.diagnostics.filter((x) => x.severity === 'error')).toEqual([])
      const d = lintClearml(r, fixed, { format: 'hocon' })
      expect(codes(d, 'clearml.unknown-key')).toEqual([])
    }
  )

  it('typo in a HOCON file: warning at the key with a fix', async () => {
    const { parseConfig } = await import('../../shared/config/parse.ts')
    const text = 'api {\n  web_sever: "http://x"\n}\nsdk.development.default_ouput_uri: "s3://b"\n'
    const d = lintClearml(parseConfig(text, 'hocon'), text, { format: 'hocon' })
    expect(d.map((x) => [x.code, x.line, x.column, x.fix?.replacement])).toEqual([
      ['clearml.unknown-key', 2, 3, 'web_server'],
      ['clearml.unknown-key', 4, 17, 'default_output_uri']
    ])
  })
})
