// Fails fast, with a clear message, when Node.js is older than package.json's "engines.node".
// Run first by every npm entry point (`node scripts/check-node.cjs && …`) and by preinstall, because
// on an older Node the native SQLite module (better-sqlite3) ends in a silent segmentation fault.
//
// Deliberately CommonJS in plain ES5 (no `const`, arrow functions, optional chaining, ESM…) so that it
// parses and runs on any Node version someone might still have, which is the whole point.
//
// For tests: CONSOLE_CHECK_NODE_VERSION=20.20.2 pretends to be that Node version.
/* global require, module, __dirname, process */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose (see above) */
'use strict'

var fs = require('fs')
var path = require('path')

var FALLBACK_REQUIRED = '22.12.0'

/** [major, minor, patch] of '22.12.0', 'v22.12', '>=22.12' …; null if there is no version. */
function parseVersion(text) {
  var m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(String(text))
  if (!m) return null
  return [Number(m[1]), Number(m[2] || 0), Number(m[3] || 0)]
}

function compare(a, b) {
  for (var i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1
  return 0
}

/** The minimum from package.json ("engines": { "node": ">=22.12" }); only the ">=x.y.z" form is read. */
function requiredVersion() {
  try {
    var pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'))
    var range = pkg.engines && pkg.engines.node
    if (typeof range === 'string' && /^\s*>=\s*v?\d+(\.\d+){0,2}\s*$/.test(range)) return range.replace(/[>=\sv]/g, '')
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- ES5 has no `catch {}`
  } catch (e) {
    // Unreadable package.json: fall back to the known minimum.
  }
  return FALLBACK_REQUIRED
}

/** The message to print when `current` is too old for `required`, or null when it is fine. */
function problem(current, required, platform, arch) {
  var have = parseVersion(current)
  var need = parseVersion(required)
  if (have && need && compare(have, need) >= 0) return null
  var major = need ? need[0] : 22
  var lines = [
    'ClearML Admin Console needs Node.js >= ' + required + ', but this is Node.js ' + current + '.',
    'On an older Node its SQLite cache (better-sqlite3) crashes with a segmentation fault, so this command stops here.',
    ''
  ]
  if (platform === 'linux' && (arch === 'x64' || arch === 'arm64')) {
    lines.push(
      'Get Node ' + major + ' from the npm registry and put it first on PATH, then run the command again:',
      '',
      '  npm install --prefix "$HOME/.cache/node' + major + '" node-linux-' + arch + '@' + major,
      '  export PATH="$HOME/.cache/node' + major + '/node_modules/node-linux-' + arch + '/bin:$PATH"',
      '',
      'or install Node ' + major + ' with nvm, fnm, Volta or from https://nodejs.org. See "Node 22" in README.md.'
    )
  } else {
    lines.push('Install Node ' + major + ' (https://nodejs.org, or nvm, fnm, Volta), then run the command again. See "Node 22" in README.md.')
  }
  return lines.join('\n') + '\n'
}

function currentVersion() {
  return process.env.CONSOLE_CHECK_NODE_VERSION || process.versions.node
}

module.exports = { parseVersion: parseVersion, requiredVersion: requiredVersion, problem: problem }

if (require.main === module) {
  var message = problem(currentVersion(), requiredVersion(), process.platform, process.arch)
  if (message) {
    process.stderr.write('\n' + message + '\n')
    process.exit(1)
  }
}
