// The shell's Electron security checklist, as small pure functions. This module never imports 'electron'
// (Vitest loads it without the Electron binary): index.ts passes the Electron objects in, and the types
// below are structural so that real `WebContents` / `Session` objects fit them.
//
// Checklist (https://www.electronjs.org/docs/latest/tutorial/security) and where each item lives:
//   - renderer served from a privileged custom protocol (app://console), never file://  → resolveAppFile,
//     createAppProtocolHandler (path traversal refused, one CSP header on every response)
//   - dev-server URL honoured only in unpackaged builds, and only on loopback            → rendererEntry
//   - IPC sender check: main frame of the app's own origin, never skipped                → isTrustedSender
//   - shell.openExternal only for ClearML's docs and the saved connections' web apps     → checkExternalUrl,
//                                                                                           savedConnectionWebUrls
//   - no navigation, redirect, sub-frame navigation, new window or <webview> off-origin  → guardWebContents
//   - every permission request / check / device permission denied                        → lockDownSession
//   - webPreferences (sandbox, contextIsolation, Auxclick, DevTools) and fuses: index.ts, electron-builder.yml
import { readFile } from 'node:fs/promises'
import { extname, isAbsolute, relative, resolve } from 'node:path'
import { contentTypeOf } from '../renderer-assets'

/** The scheme and host the renderer is served from (registered as privileged in index.ts before `ready`). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'console'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

// ---------------------------------------------------------------- origins

/**
 * `scheme://host[:port]` of an absolute URL that has a host, lower-cased; null for everything else
 * (file:, data:, about:blank, javascript:, garbage). Node's `URL.origin` is 'null' for non-web schemes
 * such as app:, hence this helper instead of `new URL(u).origin`.
 */
export function originOf(url: string): string | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (!u.host) return null
  return `${u.protocol}//${u.host}`.toLowerCase()
}

// ---------------------------------------------------------------- which URL the window loads

export interface RendererEntry {
  /** What the window loads. */
  url: string
  /** The only origin allowed to call the core over IPC and to navigate. */
  origin: string
  /** True when the electron-vite dev server is used. */
  dev: boolean
  /** Why ELECTRON_RENDERER_URL was set but not used (for the log). */
  ignored?: string
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * The renderer's URL. `ELECTRON_RENDERER_URL` (set by `electron-vite dev`) is honoured only when the app is
 * not packaged, and only for an http(s) URL on the loopback interface: a packaged build always loads its
 * own files, whatever the environment says, so an environment variable cannot hand the IPC bridge to a
 * remote page.
 */
export function rendererEntry(isPackaged: boolean, devUrl: string | undefined): RendererEntry {
  const packagedEntry: RendererEntry = { url: APP_ENTRY_URL, origin: APP_ORIGIN, dev: false }
  if (!devUrl) return packagedEntry
  if (isPackaged) return { ...packagedEntry, ignored: 'ELECTRON_RENDERER_URL is ignored in a packaged build' }
  let u: URL
  try {
    u = new URL(devUrl)
  } catch {
    return { ...packagedEntry, ignored: 'ELECTRON_RENDERER_URL is not a valid URL' }
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !LOOPBACK_HOSTS.has(u.hostname) || u.username || u.password) {
    return { ...packagedEntry, ignored: 'ELECTRON_RENDERER_URL must be an http(s) URL on localhost' }
  }
  return { url: u.href, origin: u.origin, dev: true }
}

// ---------------------------------------------------------------- IPC sender

/** What the sender check reads from Electron's `WebFrameMain` (`event.senderFrame`). */
export interface FrameLike {
  readonly url: string
  /** null for a main frame. */
  readonly parent: unknown
}

/**
 * True only for the main frame of a page of the app's own origin. A missing frame (navigated away or
 * destroyed: `senderFrame` is null), a sub-frame, an empty or unparsable URL, or any other origin is
 * refused: the check is never skipped.
 */
export function isTrustedSender(frame: FrameLike | null | undefined, appOrigin: string): boolean {
  if (!frame) return false
  try {
    if (frame.parent !== null) return false
    return originOf(frame.url) === appOrigin.toLowerCase()
  } catch {
    // Reading a disposed WebFrameMain throws.
    return false
  }
}

// ---------------------------------------------------------------- shell.openExternal

/** Pages always allowed in the user's browser: ClearML's documentation and ClearML's GitHub organisation. */
export const EXTERNAL_ALLOW_LIST: readonly { origin: string; pathPrefix: string }[] = [
  { origin: 'https://clear.ml', pathPrefix: '/docs' },
  { origin: 'https://github.com', pathPrefix: '/clearml' }
]

export type ExternalVerdict = { ok: true; url: string } | { ok: false; reason: string }

function webOrigin(url: string): string | null {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null
  } catch {
    return null
  }
}

/**
 * May `url` be opened with `shell.openExternal`? Only http(s) URLs, without credentials, that are either
 * under an EXTERNAL_ALLOW_LIST entry (same origin exactly, path on a segment boundary) or on the exact
 * origin of a saved connection's web app (`webUrls`, '' entries ignored). Origins are compared after
 * parsing, so https://clear.ml.evil.com, https://clear.ml@evil.com and javascript:/file: URLs all fail.
 * On success `url` is the re-serialised URL to pass on.
 */
export function checkExternalUrl(raw: unknown, webUrls: readonly string[]): ExternalVerdict {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) return { ok: false, reason: 'not a URL' }
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    return { ok: false, reason: 'not a URL' }
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { ok: false, reason: `scheme ${u.protocol} is not allowed` }
  if (u.username || u.password) return { ok: false, reason: 'URLs with credentials are not allowed' }
  for (const entry of EXTERNAL_ALLOW_LIST) {
    if (u.origin === entry.origin && (u.pathname === entry.pathPrefix || u.pathname.startsWith(entry.pathPrefix + '/'))) {
      return { ok: true, url: u.href }
    }
  }
  for (const w of webUrls) {
    if (w && webOrigin(w) === u.origin) return { ok: true, url: u.href }
  }
  return { ok: false, reason: 'not ClearML documentation nor the web app of a saved connection' }
}

/** The part of the core's `dispatch` used here. */
export type ListDispatch = (method: string, input: unknown) => Promise<{ ok: true; result: unknown } | { ok: false; error: unknown }>

/**
 * The non-empty `webUrl`s of every saved connection, through the contract's `connections.list` (a page
 * `{ items }`, or a bare array). If the paging input is refused, the method's defaults are used.
 */
export async function savedConnectionWebUrls(dispatch: ListDispatch): Promise<string[]> {
  let env = await dispatch('connections.list', { pageSize: 1000 })
  if (!env.ok) env = await dispatch('connections.list', {})
  if (!env.ok) return []
  const result = env.result as { items?: unknown } | unknown[] | null
  const list = Array.isArray(result) ? result : Array.isArray(result?.items) ? result.items : []
  return list.map((c) => (c as { webUrl?: unknown } | null)?.webUrl).filter((u): u is string => typeof u === 'string' && u !== '')
}

// ---------------------------------------------------------------- navigation guard

/** What the guard reads from navigation events (Electron's `Event<…Params>` has both). */
export interface NavigationEventLike {
  readonly url: string
  preventDefault(): void
}

/** The part of Electron's `WebContents` the guard uses; a real `WebContents` fits it. */
export interface GuardableContents {
  on(event: 'will-navigate', listener: (e: NavigationEventLike) => void): unknown
  on(event: 'will-redirect', listener: (e: NavigationEventLike) => void): unknown
  on(event: 'will-frame-navigate', listener: (e: NavigationEventLike) => void): unknown
  on(event: 'will-attach-webview', listener: (e: { preventDefault(): void }) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

export interface GuardHooks {
  /** The app's origin (RendererEntry.origin): the only one any frame may navigate to. */
  appOrigin: string
  /** Offer a URL to the openExternal gate (which applies checkExternalUrl). */
  offerExternal(url: string): void
  /** Record a refused navigation. */
  refused(what: string, url: string): void
}

/**
 * Installed on every WebContents (`app.on('web-contents-created')`): top-level navigations, redirects
 * and sub-frame navigations off the app's origin are cancelled, new windows are never created (links
 * that asked for one go through the openExternal gate), and <webview> is never attached.
 */
export function guardWebContents(contents: GuardableContents, hooks: GuardHooks): void {
  const inApp = (url: string) => originOf(url) === hooks.appOrigin.toLowerCase()
  contents.on('will-navigate', (e) => {
    if (inApp(e.url)) return
    e.preventDefault()
    hooks.refused('navigation', e.url)
    // A plain link to the docs or to a connection's web app: open it in the browser instead.
    hooks.offerExternal(e.url)
  })
  contents.on('will-redirect', (e) => {
    if (inApp(e.url)) return
    e.preventDefault()
    hooks.refused('redirect', e.url)
  })
  // Fires for the main frame and every sub-frame (will-navigate covers only the main frame).
  contents.on('will-frame-navigate', (e) => {
    if (inApp(e.url)) return
    e.preventDefault()
    hooks.refused('frame navigation', e.url)
  })
  contents.on('will-attach-webview', (e) => {
    e.preventDefault()
    hooks.refused('webview', '')
  })
  contents.setWindowOpenHandler(({ url }) => {
    hooks.offerExternal(url)
    return { action: 'deny' }
  })
}

// ---------------------------------------------------------------- permissions

/** The part of Electron's `Session` used here; a real `Session` fits it. */
export interface LockableSession {
  setPermissionRequestHandler(handler: ((webContents: unknown, permission: unknown, callback: (granted: boolean) => void, details: unknown) => void) | null): void
  setPermissionCheckHandler(handler: (() => boolean) | null): void
  setDevicePermissionHandler(handler: (() => boolean) | null): void
}

/** The console needs no web permission (camera, notifications, HID, serial, USB, …): deny them all. */
export function lockDownSession(ses: LockableSession): void {
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
}

// ---------------------------------------------------------------- app:// protocol

export type AppFileVerdict = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string }

/**
 * Maps an app://console/… request to a file under `rootDir` (the built renderer). Refused: another scheme
 * or host, undecodable escapes, NUL, backslashes, colons (drive letters, alternate streams), '.' or '..'
 * segments (also when percent-encoded), and anything that would resolve outside `rootDir`.
 */
export function resolveAppFile(requestUrl: string, rootDir: string): AppFileVerdict {
  let u: URL
  try {
    u = new URL(requestUrl)
  } catch {
    return { ok: false, status: 400, reason: 'bad URL' }
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host.toLowerCase() !== APP_HOST || u.username || u.password || u.port) {
    return { ok: false, status: 404, reason: 'not an app URL' }
  }
  let path: string
  try {
    path = decodeURIComponent(u.pathname)
  } catch {
    return { ok: false, status: 400, reason: 'bad escape' }
  }
  if (/[\0\\:]/.test(path)) return { ok: false, status: 403, reason: 'forbidden character' }
  const segments = path.split('/').filter((s) => s !== '')
  if (segments.some((s) => s === '.' || s === '..')) return { ok: false, status: 403, reason: 'path traversal' }
  const root = resolve(rootDir)
  const file = resolve(root, segments.length === 0 ? 'index.html' : segments.join('/'))
  const rel = relative(root, file)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { ok: false, status: 403, reason: 'outside the renderer folder' }
  return { ok: true, file }
}

export { contentTypeOf } // the protocol handler's content types are the web host's

/**
 * The `protocol.handle(APP_SCHEME, …)` handler: GET/HEAD of files under `rootDir` only, each response with
 * the console's CSP, an exact content type and `nosniff`; extension-less paths that are not files (client-side
 * routes) get index.html, like the web host. `read` is injectable for tests.
 */
export function createAppProtocolHandler(
  rootDir: string,
  csp: string,
  read: (file: string) => Promise<Uint8Array<ArrayBuffer>> = readFile
): (request: Request) => Promise<Response> {
  return async (request) => {
    const headers: Record<string, string> = { 'content-security-policy': csp, 'x-content-type-options': 'nosniff' }
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers })
    const verdict = resolveAppFile(request.url, rootDir)
    if (!verdict.ok) return new Response(null, { status: verdict.status, headers })
    let file = verdict.file
    let body: Uint8Array<ArrayBuffer>
    try {
      body = await read(file)
    } catch {
      // A client-side route (no extension) gets the app's page, as from the web host; a missing asset is a 404.
      if (extname(file) !== '') return new Response(null, { status: 404, headers })
      try {
        file = resolve(rootDir, 'index.html')
        body = await read(file)
      } catch {
        return new Response(null, { status: 404, headers })
      }
    }
    headers['content-type'] = contentTypeOf(file)
    headers['cache-control'] = 'no-cache'
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers })
  }
}
