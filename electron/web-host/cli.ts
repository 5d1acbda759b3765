// `npm run serve`: the console in a browser, through the web host on 127.0.0.1.
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createCore } from '../core'
import { startWebHost } from './server'

export function defaultDataDir(): string {
  return process.env.CLEARML_CONSOLE_DATA ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'clearml-admin-console')
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      data: { type: 'string' },
      token: { type: 'string' },
      static: { type: 'string' }
    }
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number (0-65535), got "${values.port}"`)
    process.exit(2)
  }
  const dataDir = resolve(values.data ?? defaultDataDir())
  const core = await createCore({ dataDir })
  const host = await startWebHost({ core, port, token: values.token, staticDir: values.static ?? resolve(import.meta.dirname, '../../out/renderer') })
  console.log(`ClearML admin console (web host), data in ${dataDir}`)
  console.log(`Open: ${host.openUrl}`)
  const stop = async () => {
    await host.close()
    await core.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  })
}
