// The packaged app's Electron fuses (electron-builder.yml): set as required, and every key one that
// electron-builder's own schema knows (a misspelt key would make the packaging fail, or be ignored).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { load } from 'js-yaml'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const config = load(readFileSync(resolve(root, 'electron-builder.yml'), 'utf8')) as { electronFuses?: Record<string, boolean> }

describe('electron-builder.yml fuses', () => {
  it('turns off the Node escape hatches and pins the app to its asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false
    })
  })

  it("uses only keys of electron-builder's FuseOptionsV1", () => {
    const require = createRequire(import.meta.url)
    const scheme = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } }
    }
    const known = Object.keys(scheme.definitions.FuseOptionsV1.properties)
    for (const key of Object.keys(config.electronFuses ?? {})) expect(known, key).toContain(key)
  })
})
