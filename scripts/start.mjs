// `npm start`: the desktop app. Where the Electron binary cannot be obtained (offline or locked-down
// machines), say so and open the console through the web host instead.
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function electronBinary() {
  // Electron downloads its binary on first use; here that fails fast when there is no network.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('electron')))"], {
    cwd: process.cwd(),
    encoding: 'utf8',
    timeout: 60_000
  })
  if (probe.status === 0 && probe.stdout && !probe.stdout.includes('Error')) return probe.stdout.trim()
  return null
}

function run(cmd, args) {
  const child = spawn(cmd, args, { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
}

let bin
try {
  require.resolve('electron')
  bin = electronBinary()
} catch {
  bin = null
}

if (bin) {
  const build = spawnSync(npm, ['run', 'build'], { stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
  run(bin, ['.'])
} else {
  console.log('The Electron binary is not available on this machine (it could not be downloaded).')
  console.log('Opening the console through the web host instead: open the URL printed below in your browser.\n')
  run(npm, ['run', 'serve', '--', ...process.argv.slice(2)])
}
