// The shell's security decisions (electron/main/security.ts), without Electron: fake frames, fake
// WebContents and fake sessions stand in for Electron's objects.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE_CSP } from '../../electron/renderer-assets'
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  checkExternalUrl,
  createAppProtocolHandler,
  guardWebContents,
  isTrustedSender,
  lockDownSession,
  originOf,
  rendererEntry,
  resolveAppFile,
  savedConnectionWebUrls,
  type GuardableContents,
  type NavigationEventLike
} from '../../electron/main/security'

const mainFrame = (url: string) => ({ url, parent: null })

describe('originOf', () => {
  it('gives scheme://host[:port] for app:, http(s): and null for host-less URLs', () => {
    expect(originOf('app://console/index.html')).toBe('app://console')
    expect(originOf('app://CONSOLE/x')).toBe('app://console')
    expect(originOf('https://Clear.ML:443/docs')).toBe('https://clear.ml')
    expect(originOf('http://localhost:5173/')).toBe('http://localhost:5173')
    for (const u of ['file:///etc/passwd', 'about:blank', 'javascript:alert(1)', 'data:text/html,x', '', 'not a url']) expect(originOf(u)).toBeNull()
  })
})

describe('rendererEntry (ELECTRON_RENDERER_URL)', () => {
  it('loads app://console when no dev URL is set', () => {
    expect(rendererEntry(false, undefined)).toEqual({ url: APP_ENTRY_URL, origin: APP_ORIGIN, dev: false })
  })

  it('honours a loopback dev-server URL only when the app is not packaged', () => {
    expect(rendererEntry(false, 'http://localhost:5173/')).toEqual({ url: 'http://localhost:5173/', origin: 'http://localhost:5173', dev: true })
    expect(rendererEntry(false, 'http://127.0.0.1:5173').dev).toBe(true)
    expect(rendererEntry(false, 'http://[::1]:5173').dev).toBe(true)
  })

  it('ignores the dev URL in a packaged build', () => {
    const e = rendererEntry(true, 'http://localhost:5173/')
    expect(e.url).toBe(APP_ENTRY_URL)
    expect(e.origin).toBe(APP_ORIGIN)
    expect(e.dev).toBe(false)
    expect(e.ignored).toMatch(/packaged/)
  })

  it('ignores a dev URL that is remote, not http(s), or malformed', () => {
    for (const u of ['https://evil.example.com/', 'http://localhost.evil.com:5173/', 'file:///tmp/index.html', 'javascript:alert(1)', 'http://user:pw@localhost:5173/', '::']) {
      const e = rendererEntry(false, u)
      expect(e.url, u).toBe(APP_ENTRY_URL)
      expect(e.dev, u).toBe(false)
      expect(e.ignored, u).toBeTruthy()
    }
  })
})

describe('isTrustedSender (IPC)', () => {
  it('accepts the main frame of the app origin', () => {
    expect(isTrustedSender(mainFrame('app://console/index.html'), APP_ORIGIN)).toBe(true)
    expect(isTrustedSender(mainFrame('app://console/index.html#/settings'), APP_ORIGIN)).toBe(true)
    expect(isTrustedSender(mainFrame('http://localhost:5173/'), 'http://localhost:5173')).toBe(true)
  })

  it('refuses a missing sender frame (null or undefined): the check is never skipped', () => {
    expect(isTrustedSender(null, APP_ORIGIN)).toBe(false)
    expect(isTrustedSender(undefined, APP_ORIGIN)).toBe(false)
  })

  it('refuses an empty or unparsable URL', () => {
    expect(isTrustedSender(mainFrame(''), APP_ORIGIN)).toBe(false)
    expect(isTrustedSender(mainFrame('about:blank'), APP_ORIGIN)).toBe(false)
  })

  it('refuses a sub-frame, even one of the app origin', () => {
    const top = mainFrame('app://console/index.html')
    expect(isTrustedSender({ url: 'app://console/index.html', parent: top }, APP_ORIGIN)).toBe(false)
    // A structural fake without `parent` is not taken for a main frame either.
    expect(isTrustedSender({ url: 'app://console/index.html' } as never, APP_ORIGIN)).toBe(false)
  })

  it('refuses other origins, file:// and lookalikes', () => {
    for (const u of [
      'file:///app/out/renderer/index.html',
      'https://evil.example.com/',
      'app://console.evil/index.html',
      'app://consolex/index.html',
      'app://evil/index.html',
      'http://localhost:5173/'
    ]) {
      expect(isTrustedSender(mainFrame(u), APP_ORIGIN), u).toBe(false)
    }
    // In dev, the dev-server origin only: another port is another origin.
    expect(isTrustedSender(mainFrame('http://localhost:5174/'), 'http://localhost:5173')).toBe(false)
  })

  it('refuses a frame whose properties throw (disposed WebFrameMain)', () => {
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed')
      },
      get parent(): null {
        throw new Error('Render frame was disposed')
      }
    }
    expect(isTrustedSender(disposed, APP_ORIGIN)).toBe(false)
  })
})

describe('checkExternalUrl (shell.openExternal allow-list)', () => {
  const webUrls = ['https://app.clear.ml', '', 'http://clearml.internal:8080/', 'not a url']

  it("allows ClearML's documentation and GitHub organisation", () => {
    expect(checkExternalUrl('https://clear.ml/docs/latest/docs/', [])).toEqual({ ok: true, url: 'https://clear.ml/docs/latest/docs/' })
    expect(checkExternalUrl('https://clear.ml/docs', []).ok).toBe(true)
    expect(checkExternalUrl('https://github.com/clearml/clearml-server/issues', []).ok).toBe(true)
  })

  it('allows the exact origin of a saved connection web app, any path', () => {
    expect(checkExternalUrl('https://app.clear.ml/projects/*/experiments', webUrls).ok).toBe(true)
    expect(checkExternalUrl('http://clearml.internal:8080/settings', webUrls).ok).toBe(true)
  })

  it('refuses other paths of the documentation hosts', () => {
    expect(checkExternalUrl('https://clear.ml/pricing', []).ok).toBe(false)
    expect(checkExternalUrl('https://clear.ml/docsevil', []).ok).toBe(false)
    expect(checkExternalUrl('https://clear.ml/docs/../pricing', []).ok).toBe(false) // normalised to /pricing
    expect(checkExternalUrl('https://github.com/clearml-evil/repo', []).ok).toBe(false)
    expect(checkExternalUrl('https://github.com/evil/clearml', []).ok).toBe(false)
    expect(checkExternalUrl('http://clear.ml/docs', []).ok).toBe(false) // docs over https only
  })

  it('refuses lookalike hosts and credentials tricks', () => {
    for (const u of [
      'https://clear.ml.evil.com/docs',
      'https://evilclear.ml/docs',
      'https://clear.ml@evil.com/docs',
      'https://user:pw@clear.ml/docs',
      'https://app.clear.ml.evil.com/',
      'https://app.clear.ml:8443/', // another port is another origin
      'http://app.clear.ml/' // another scheme is another origin
    ]) {
      expect(checkExternalUrl(u, webUrls).ok, u).toBe(false)
    }
  })

  it('refuses javascript:, file:, data: and other schemes, and non-strings', () => {
    for (const u of ['javascript:alert(1)', 'JavaScript://clear.ml/docs%0aalert(1)', 'file:///etc/passwd', 'data:text/html,<script>1</script>', 'smb://clear.ml/docs', 'app://console/index.html', 'ms-settings:']) {
      const v = checkExternalUrl(u, webUrls)
      expect(v.ok, u).toBe(false)
    }
    for (const u of [undefined, null, 42, {}, '', 'x'.repeat(5000)]) expect(checkExternalUrl(u, webUrls).ok).toBe(false)
  })

  it('does not let a saved web URL with another scheme widen the list', () => {
    expect(checkExternalUrl('file:///etc/passwd', ['file:///etc/passwd']).ok).toBe(false)
    expect(checkExternalUrl('javascript:alert(1)', ['javascript:alert(1)']).ok).toBe(false)
  })

  it('gives a reason when refusing', () => {
    const v = checkExternalUrl('file:///etc/passwd', [])
    expect(v).toEqual({ ok: false, reason: expect.stringMatching(/file:/) })
  })
})

describe('savedConnectionWebUrls', () => {
  const connections = [{ webUrl: 'https://app.clear.ml' }, { webUrl: '' }, { name: 'no web url' }, null, { webUrl: 'http://clearml.internal:8080' }]

  it('reads the webUrl of every saved connection from a page of connections.list', async () => {
    const calls: unknown[] = []
    const urls = await savedConnectionWebUrls(async (method, input) => {
      calls.push([method, input])
      return { ok: true, result: { items: connections, total: 5 } }
    })
    expect(urls).toEqual(['https://app.clear.ml', 'http://clearml.internal:8080'])
    expect(calls).toEqual([['connections.list', { pageSize: 1000 }]])
  })

  it('accepts a bare array, retries with the defaults when paging is refused, and gives [] on failure', async () => {
    let n = 0
    const urls = await savedConnectionWebUrls(async () => (n++ === 0 ? { ok: false, error: { code: 'invalid_input' } } : { ok: true, result: connections }))
    expect(urls).toEqual(['https://app.clear.ml', 'http://clearml.internal:8080'])
    expect(await savedConnectionWebUrls(async () => ({ ok: false, error: {} }))).toEqual([])
    expect(await savedConnectionWebUrls(async () => ({ ok: true, result: null }))).toEqual([])
  })
})

/** A fake WebContents that records listeners, so the guard can be driven without Electron. */
function fakeContents() {
  const listeners = new Map<string, (e: NavigationEventLike) => void>()
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null
  const contents: GuardableContents = {
    on(event: string, listener: (e: NavigationEventLike) => void) {
      listeners.set(event, listener)
      return contents
    },
    setWindowOpenHandler(h) {
      openHandler = h
    }
  }
  const fire = (event: string, url: string) => {
    let prevented = false
    listeners.get(event)!({ url, preventDefault: () => (prevented = true) })
    return prevented
  }
  return { contents, fire, open: (url: string) => openHandler!({ url }), events: () => [...listeners.keys()].sort() }
}

describe('guardWebContents', () => {
  function setup() {
    const f = fakeContents()
    const opened: string[] = []
    const refused: string[] = []
    guardWebContents(f.contents, { appOrigin: APP_ORIGIN, offerExternal: (u) => opened.push(u), refused: (what) => refused.push(what) })
    return { ...f, opened, refused }
  }

  it('covers navigation, redirects, frame navigation, webviews and new windows', () => {
    expect(setup().events()).toEqual(['will-attach-webview', 'will-frame-navigate', 'will-navigate', 'will-redirect'])
  })

  it('lets in-app navigations through and cancels the rest', () => {
    const g = setup()
    expect(g.fire('will-navigate', 'app://console/index.html')).toBe(false)
    expect(g.fire('will-navigate', 'https://evil.example.com/')).toBe(true)
    expect(g.fire('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(g.fire('will-redirect', 'https://evil.example.com/')).toBe(true)
    expect(g.fire('will-frame-navigate', 'https://evil.example.com/')).toBe(true)
    expect(g.fire('will-frame-navigate', 'app://console/index.html')).toBe(false)
    expect(g.fire('will-attach-webview', '')).toBe(true)
    // A cancelled top-level navigation is offered to the openExternal gate (which applies the allow-list).
    expect(g.opened).toEqual(['https://evil.example.com/', 'file:///etc/passwd'])
    expect(g.refused).toEqual(['navigation', 'navigation', 'redirect', 'frame navigation', 'webview'])
  })

  it('never opens a new window; the URL goes to the openExternal gate', () => {
    const g = setup()
    expect(g.open('https://clear.ml/docs')).toEqual({ action: 'deny' })
    expect(g.open('app://console/index.html')).toEqual({ action: 'deny' })
    expect(g.opened).toEqual(['https://clear.ml/docs', 'app://console/index.html'])
  })
})

describe('lockDownSession', () => {
  it('denies every permission request, check and device permission', () => {
    const granted: boolean[] = []
    const handlers: Record<string, (...a: never[]) => unknown> = {}
    lockDownSession({
      setPermissionRequestHandler: (h) => (handlers.request = h as never),
      setPermissionCheckHandler: (h) => (handlers.check = h as never),
      setDevicePermissionHandler: (h) => (handlers.device = h as never)
    })
    ;(handlers.request as unknown as (wc: unknown, p: string, cb: (g: boolean) => void) => void)(null, 'media', (g) => granted.push(g))
    expect(granted).toEqual([false])
    expect((handlers.check as unknown as () => boolean)()).toBe(false)
    expect((handlers.device as unknown as () => boolean)()).toBe(false)
  })
})

describe('app:// protocol', () => {
  let root: string
  let outside: string

  beforeAll(() => {
    const base = mkdtempSync(join(tmpdir(), 'shell-proto-'))
    root = join(base, 'renderer')
    outside = base
    mkdirSync(join(root, 'assets'), { recursive: true })
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>')
    writeFileSync(join(root, 'assets', 'index.js'), 'console.log(1)')
    writeFileSync(join(base, 'secret.txt'), 'top secret')
  })
  afterAll(() => rmSync(outside, { recursive: true, force: true }))

  it('maps app://console/… to files under the renderer folder', () => {
    expect(resolveAppFile('app://console/', root)).toEqual({ ok: true, file: join(root, 'index.html') })
    expect(resolveAppFile('app://console/index.html', root)).toEqual({ ok: true, file: join(root, 'index.html') })
    expect(resolveAppFile('app://console/assets/index.js?v=1#x', root)).toEqual({ ok: true, file: join(root, 'assets', 'index.js') })
  })

  it('refuses path traversal in every spelling', () => {
    for (const u of [
      'app://console/..%2fsecret.txt',
      'app://console/assets/..%2f..%2fsecret.txt',
      'app://console/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://console/..%5csecret.txt',
      'app://console/assets%5c..%5c..%5csecret.txt',
      'app://console/%2fetc%2fpasswd/..%2f..',
      'app://console/C:%5cWindows%5cwin.ini',
      'app://console/index.html%00.js'
    ]) {
      const v = resolveAppFile(u, root)
      expect(v.ok, u).toBe(false)
      if (!v.ok) expect([400, 403], u).toContain(v.status)
    }
  })

  it('stays inside the folder when the URL parser already resolved the dots or the path is doubled', () => {
    // new URL('app://console/../secret.txt') is app://console/secret.txt (so is %2e%2e): inside the folder, 404 later.
    expect(resolveAppFile('app://console/../secret.txt', root)).toEqual({ ok: true, file: join(root, 'secret.txt') })
    expect(resolveAppFile('app://console/%2e%2e/secret.txt', root)).toEqual({ ok: true, file: join(root, 'secret.txt') })
    expect(resolveAppFile('app://console/./index.html', root)).toEqual({ ok: true, file: join(root, 'index.html') })
    expect(resolveAppFile('app://console//etc/passwd', root)).toEqual({ ok: true, file: join(root, 'etc', 'passwd') })
    expect(resolveAppFile('app://console/%2F%2Fetc/passwd', root)).toEqual({ ok: true, file: join(root, 'etc', 'passwd') })
  })

  it('refuses other schemes and hosts, and bad escapes', () => {
    expect(resolveAppFile('file:///etc/passwd', root).ok).toBe(false)
    expect(resolveAppFile('app://evil/index.html', root).ok).toBe(false)
    expect(resolveAppFile('app://console:8080/index.html', root).ok).toBe(false)
    expect(resolveAppFile('app://console/%E0%A4%A', root)).toMatchObject({ ok: false, status: 400 })
  })

  it('serves files with the CSP, the content type and nosniff; refuses traversal with 403', async () => {
    const handle = createAppProtocolHandler(root, CONSOLE_CSP)
    const ok = await handle(new Request('app://console/assets/index.js'))
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(ok.headers.get('content-security-policy')).toBe(CONSOLE_CSP)
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await ok.text()).toBe('console.log(1)')

    const index = await handle(new Request('app://console/'))
    expect(index.headers.get('content-type')).toMatch(/^text\/html/)

    const traversal = await handle(new Request('app://console/..%2fsecret.txt'))
    expect(traversal.status).toBe(403)
    expect(await traversal.text()).toBe('')
    expect(traversal.headers.get('content-security-policy')).toBe(CONSOLE_CSP)

    const dotted = await handle(new Request('app://console/../secret.txt'))
    expect(dotted.status).toBe(404)
    expect(await dotted.text()).not.toContain('top secret')

    expect((await handle(new Request('app://console/missing.js'))).status).toBe(404)
    // Client-side routes (no extension) get the page, like the web host; a directory is no listing.
    const route = await handle(new Request('app://console/settings/users'))
    expect(route.status).toBe(200)
    expect(await route.text()).toContain('<!doctype html>')
    expect(await (await handle(new Request('app://console/assets'))).text()).toContain('<!doctype html>')
    expect((await handle(new Request('app://console/index.html', { method: 'POST', body: 'x' }))).status).toBe(405)
  })
})

describe('CONSOLE_CSP', () => {
  it('allows nothing remote, no inline script, no framing, no plugins', () => {
    const directives = Object.fromEntries(CONSOLE_CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]))
    expect(directives['default-src']).toEqual(["'self'"])
    expect(directives['script-src']).toEqual(["'self'"])
    expect(directives['connect-src']).toEqual(["'self'"])
    expect(directives['object-src']).toEqual(["'none'"])
    expect(directives['frame-ancestors']).toEqual(["'none'"])
    expect(directives['base-uri']).toEqual(["'none'"])
    expect(CONSOLE_CSP).not.toMatch(/unsafe-eval|https?:|\*/)
  })
})
