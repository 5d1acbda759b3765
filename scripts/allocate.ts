// Allocation preview from the command line: where each queued job of a resource scenario would run now, and why.
// Usage: npm run -s allocate -- <scenario.json>   (`-` reads standard input)
// Prints { "placements": [...] } as JSON (2-space indented) on stdout, nothing else; exit 0.
// Exit 2, with `allocate: <message>` on stderr: no or unreadable file, invalid JSON, or a scenario the schema
// refuses (each problem names its field, e.g. `profiles[0].links[1].pool: no pool named "H200"`).
// The scenario format and the rules are described at the top of shared/domain/allocation.ts and in README.md.
import { readFileSync } from 'node:fs'
import { allocate, parseScenario } from '../shared/domain/allocation.ts'

const USAGE = `usage: npm run -s allocate -- <scenario.json>
  Previews where each queued job would run now (pools, profiles, policies and jobs in one JSON file;
  see examples/resources/ and "Allocation preview (headless)" in README.md). '-' reads standard input.
exit status: 0 printed the placements, 2 bad arguments, unreadable file or invalid scenario`

function fail(message: string, withUsage = false): never {
  const lines = message.split('\n').map((l) => `allocate: ${l}\n`)
  process.stderr.write(lines.join('') + (withUsage ? USAGE + '\n' : ''))
  process.exit(2)
}

const args = process.argv.slice(2)
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(USAGE + '\n')
  process.exit(0)
}
const unknown = args.find((a) => a.startsWith('-') && a !== '-')
if (unknown) fail(`unknown option '${unknown}'`, true)
if (args.length === 0) fail('missing <scenario.json>', true)
if (args.length > 1) fail(`one scenario at a time (got ${args.map((a) => `'${a}'`).join(', ')})`, true)
const file = args[0]

let text: string
try {
  text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8')
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code
  fail(`cannot read '${file}': ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`, true)
}

let json: unknown
try {
  json = JSON.parse(text.replace(/^\uFEFF/, ''))
} catch (e) {
  fail(`'${file}' is not valid JSON: ${(e as Error).message}`)
}

const parsed = parseScenario(json)
if ('error' in parsed) fail(parsed.error)
process.stdout.write(JSON.stringify(allocate(parsed.scenario), null, 2) + '\n')
