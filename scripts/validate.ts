// Validates a ClearML configuration / vault file: syntax (HOCON, JSON or YAML) and ClearML lint.
// Usage: npm run validate -- <file> [--format hocon|json|yaml] [--admin-vault]
// Prints `file:line:col: severity: message` per diagnostic; exit 1 on errors, 2 on bad usage or an unreadable file.
import { readFileSync } from 'node:fs'
import type { ConfigFormat } from '../shared/config/types.ts'
import { formatFromFilename } from '../shared/config/parse.ts'
import { handleValidateRequest } from '../shared/config/worker-protocol.ts'

const USAGE = `usage: npm run validate -- <file> [--format hocon|json|yaml] [--admin-vault]
  Checks a ClearML configuration or vault file (syntax + ClearML lint).
  --format       hocon, json or yaml (default: from the extension: .conf/.hocon, .json, .yaml/.yml)
  --admin-vault  the text is an administrator vault (the agent's restored keys are errors)
exit status: 0 no errors, 1 errors found, 2 bad arguments or unreadable file`

function usage(problem: string): never {
  process.stderr.write(`validate: ${problem}\n${USAGE}\n`)
  process.exit(2)
}

const args = process.argv.slice(2)
let file: string | undefined
let format: ConfigFormat | undefined
let adminVault = false
for (let i = 0; i < args.length; i++) {
  const a = args[i]
  if (a === '--help' || a === '-h') {
    process.stdout.write(USAGE + '\n')
    process.exit(0)
  } else if (a === '--admin-vault') adminVault = true
  else if (a === '--format' || a.startsWith('--format=')) {
    const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i]
    if (v !== 'hocon' && v !== 'json' && v !== 'yaml') usage(`--format needs hocon, json or yaml${v === undefined ? '' : `, not '${v}'`}`)
    format = v
  } else if (a.startsWith('-') && a !== '-') usage(`unknown option '${a}'`)
  else if (file === undefined) file = a
  else usage(`only one file can be validated at a time (got '${file}' and '${a}')`)
}
if (file === undefined) usage('missing <file>')
format ??= formatFromFilename(file)
if (!format) usage(`cannot tell the format of '${file}' from its extension; pass --format hocon|json|yaml`)

let text: string
try {
  text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8')
} catch (e) {
  process.stderr.write(`validate: cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`)
  process.exit(2)
}

const { diagnostics } = handleValidateRequest({ id: 0, text, format, adminVault })
for (const d of diagnostics) {
  process.stdout.write(`${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${d.code ? ` [${d.code}]` : ''}\n`)
}
const errors = diagnostics.filter((d) => d.severity === 'error').length
const warnings = diagnostics.filter((d) => d.severity === 'warning').length
process.stderr.write(`${file}: ${errors} error(s), ${warnings} warning(s)\n`)
process.exit(errors > 0 ? 1 : 0)
