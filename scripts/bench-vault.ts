// Vault editor benches, in Debian's Chromium against the real web host, core and reference server:
//  - vault.editor.keystroke_to_markers.p95: a 5,000-line vault; from a keystroke to the editor's markers for
//    the text that includes it (ConfigEditor marks 'config-editor:markers'); plus the longest main-thread task
//    seen while typing (validation runs in a Web Worker: the main thread must never be blocked by it);
//  - drafts.autosave.p95: from the last keystroke of a burst to the draft committed in SQLite (the core
//    announces the 'drafts' topic once the save's transaction is done).
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'
import { createCore } from '../electron/core/index.ts'
import { startWebHost } from '../electron/web-host/server.ts'
import { startServer } from '../server/src/index.ts'

interface Rec {
  name: string
  value: number
  unit: string
  goal: string
}

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]
}
const round = (x: number) => Math.round(x * 10) / 10

function vaultText(lines: number): string {
  const out: string[] = ['# a large administrator vault']
  for (let i = 0; out.length < lines - 1; i++) {
    out.push(`sdk.aws.s3.credentials.${i} { bucket: "bucket-${i}", key: "AKIA${i}", secret: "s-${i}", region: "eu-west-1" }`)
  }
  out.push('api.files_server: "https://files.example.com"')
  return out.join('\n') + '\n'
}

export async function benchVaultEditor(): Promise<Rec[]> {
  const staticDir = resolve(import.meta.dirname, '../out/renderer')
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error('out/renderer is missing: run npm run build:renderer first')
  const dir = mkdtempSync(join(tmpdir(), 'console-bench-'))
  const server = await startServer({ port: 0, dataDir: join(dir, 'server'), seed: 'demo', featureSet: 'enterprise', quiet: true })
  const core = await createCore({ dataDir: join(dir, 'core') })
  const host = await startWebHost({ core, staticDir })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
  })
  try {
    const admin = server.seed!.admin
    await core.invoke('connections.create', { name: 'Bench', apiUrl: server.url, accessKey: admin.accessKey, secretKey: admin.secretKey })
    const data = vaultText(5000)
    const draft = await core.invoke('drafts.create', {
      name: 'Large vault',
      draft: { kind: 'vault', content: { description: 'Large vault', scope: 'organization', group: null, user: null, type: 'config', format: 'hocon', enabled: false, data } }
    })
    const commits: number[] = []
    core.on('data.changed', (e) => {
      if (e.topics.includes('drafts')) commits.push(Date.now())
    })

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`${host.openUrl}#/admin-vaults/draft/${draft.id}`)
    await page.getByTestId('vault-editor').locator('.monaco-editor').waitFor()
    await page.waitForFunction(() => performance.getEntriesByName('config-editor:markers').length > 0, null, { timeout: 30000 })
    await page.evaluate(() => {
      const w = window as unknown as { __keys: number[]; __keysEpoch: number[]; __long: number[] }
      w.__keys = []
      w.__keysEpoch = []
      w.__long = []
      document.addEventListener(
        'keydown',
        () => {
          w.__keys.push(performance.now())
          w.__keysEpoch.push(performance.timeOrigin + performance.now())
        },
        true
      )
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) w.__long.push(e.duration)
      }).observe({ type: 'longtask', buffered: false })
    })
    // Type at the end of line 2, like an admin editing a big vault: 12 bursts of 5 keys, 90 ms apart, 900 ms pauses.
    await page.getByTestId('vault-editor').locator('.view-line').nth(1).click()
    await page.keyboard.press('End')
    const burstEnds: number[] = []
    for (let b = 0; b < 12; b++) {
      for (const k of 'abcde') {
        await page.keyboard.press(k)
        await page.waitForTimeout(90)
      }
      burstEnds.push(await page.evaluate(() => (window as unknown as { __keysEpoch: number[] }).__keysEpoch.at(-1)!))
      await page.waitForTimeout(900)
    }
    const { keys, marks, long } = await page.evaluate(() => {
      const w = window as unknown as { __keys: number[]; __long: number[] }
      return { keys: w.__keys, marks: performance.getEntriesByName('config-editor:markers').map((m) => m.startTime), long: w.__long }
    })
    const latencies = keys.map((t) => {
      const after = marks.find((m) => m > t)
      return after === undefined ? Number.POSITIVE_INFINITY : after - t
    })
    const saves = burstEnds.map((t) => {
      const c = commits.find((x) => x > t)
      return c === undefined ? Number.POSITIVE_INFINITY : c - t
    })
    return [
      { name: 'vault.editor.keystroke_to_markers.p95', value: round(p95(latencies)), unit: 'ms', goal: '< 50 ms (5,000-line vault, Chromium)' },
      { name: 'vault.editor.main_thread.longest_task', value: round(Math.max(0, ...long)), unit: 'ms', goal: 'validation never blocks the main thread (< 50 ms tasks)' },
      { name: 'drafts.autosave.p95', value: round(p95(saves)), unit: 'ms', goal: '< 500 ms from the last keystroke to the draft committed in SQLite' }
    ]
  } finally {
    await browser.close()
    await host.close()
    await core.close()
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
