// Electron main: window, menu, and the generic IPC binding of the contract. Kept thin: everything
// else is the plain-Node core, tested without Electron. The security decisions are pure functions in
// ./security (tested without Electron too); this file only wires them to Electron's objects.
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, protocol, session, shell, type Session } from 'electron'
import { join } from 'node:path'
import { eventNames } from '../../shared/api'
import { CONSOLE_CSP } from '../renderer-assets'
import { createCore, type Core } from '../core'
import { createLogger } from '../core/log'
import { createSafeStorageStore } from './safe-storage'
import {
  APP_SCHEME,
  checkExternalUrl,
  createAppProtocolHandler,
  guardWebContents,
  isTrustedSender,
  lockDownSession,
  rendererEntry,
  savedConnectionWebUrls
} from './security'

const log = createLogger('shell')

let core: Core | null = null

// Decided once: a packaged build never honours ELECTRON_RENDERER_URL (see rendererEntry).
const entry = rendererEntry(app.isPackaged, process.env.ELECTRON_RENDERER_URL)
if (entry.ignored) log.warn(entry.ignored)

// Every renderer is sandboxed, whatever its webPreferences say.
app.enableSandbox()

// app://console is a standard, secure origin (storage, workers and module scripts work as on https),
// with no CORS privilege: nothing else can read it. Must run before `ready`.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }
])

/** The web apps of the saved connections: the only non-documentation sites openExternal may open. */
async function savedWebUrls(): Promise<string[]> {
  return core ? savedConnectionWebUrls(core.dispatch) : []
}

/** The one way to shell.openExternal: ClearML's docs and the saved connections' web apps; the rest is logged. */
async function openExternalChecked(url: string): Promise<void> {
  try {
    const verdict = checkExternalUrl(url, await savedWebUrls())
    if (!verdict.ok) {
      log.warn('refused to open an external URL', { url: String(url).slice(0, 300), reason: verdict.reason })
      return
    }
    await shell.openExternal(verdict.url)
  } catch (e) {
    log.warn('could not open an external URL', { message: (e as Error).message })
  }
}

// Every WebContents the app ever creates (windows, and anything a page might try to open or attach).
app.on('web-contents-created', (_event, contents) => {
  guardWebContents(contents, {
    appOrigin: entry.origin,
    offerExternal: (url) => void openExternalChecked(url),
    refused: (what, url) => log.warn(`refused ${what}`, { url: url.slice(0, 300) })
  })
})

/** Permissions denied, and the CSP on every http(s) response (the dev server); app:// sets its own. */
function lockDown(ses: Session) {
  lockDownSession(ses)
  ses.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONSOLE_CSP] } })
  })
}
app.on('session-created', lockDown)

/** The sender's URL for the log; reading a disposed frame throws. */
function senderUrl(frame: { url: string } | null): string | null {
  try {
    return frame ? frame.url.slice(0, 300) : null
  } catch {
    return null
  }
}

function createWindow() {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'ClearML Admin Console',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#18181c' : '#ffffff',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // Middle-click must not open links in new windows.
      disableBlinkFeatures: 'Auxclick',
      // No DevTools in packaged builds.
      devTools: !app.isPackaged,
      spellcheck: false
    }
  })
  void win.loadURL(entry.url)
}

app
  .whenReady()
  .then(async () => {
    lockDown(session.defaultSession)
    // The built renderer, from out/renderer only (path traversal refused), each response with the CSP.
    protocol.handle(APP_SCHEME, createAppProtocolHandler(join(import.meta.dirname, '../renderer'), CONSOLE_CSP))
    core = await createCore({ dataDir: app.getPath('userData'), secretStore: createSafeStorageStore(), clientVersion: app.getVersion() })
    // One loop binds every method of the contract; dispatch validates the input before the core runs.
    ipcMain.handle('console:invoke', (event, method: unknown, input: unknown, meta: unknown) => {
      // Only the main frame of the app's own page; a missing sender frame is refused too.
      if (!isTrustedSender(event.senderFrame, entry.origin)) {
        log.warn('refused an IPC call from an unexpected sender', { url: senderUrl(event.senderFrame) })
        return { ok: false, error: { code: 'forbidden', message: 'Unexpected sender' } }
      }
      if (!core) return { ok: false, error: { code: 'busy', message: 'The console is shutting down' } }
      return core.dispatch(String(method), input, { confirmed: (meta as { confirmed?: unknown } | null)?.confirmed === true })
    })
    for (const name of eventNames) {
      core.on(name, (payload) => {
        for (const w of BrowserWindow.getAllWindows()) w.webContents.send('console:event', name, payload)
      })
    }
    Menu.setApplicationMenu(
      Menu.buildFromTemplate([
        { role: 'fileMenu' },
        { role: 'editMenu' },
        { role: 'viewMenu' },
        { role: 'windowMenu' }
      ])
    )
    createWindow()
    // macOS: the app (and the core) outlive their windows; the dock icon opens a new one.
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow()
    })
  })
  .catch((e: unknown) => {
    log.error('startup failed', { message: (e as Error)?.message, stack: (e as Error)?.stack })
    dialog.showErrorBox('ClearML Admin Console could not start', (e as Error)?.message ?? String(e))
    app.exit(1)
  })

// Closing the last window quits, except on macOS where the app stays in the dock: the core stays open
// there so a window reopened from the dock still works. The core is closed once, when the app quits.
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

app.on('will-quit', (event) => {
  if (!core) return
  event.preventDefault()
  const closing = core
  core = null
  closing
    .close()
    .catch((e: unknown) => log.error('closing the core failed', { message: (e as Error)?.message }))
    .finally(() => app.quit())
})
