// Electron main: window, menu, and the generic IPC binding of the contract. Kept thin: everything
// else is the plain-Node core, tested without Electron.
import { app, BrowserWindow, ipcMain, Menu, nativeTheme, session, shell } from 'electron'
import { join } from 'node:path'
import { eventNames } from '../../shared/api'
import { createCore, dispatch, type Core } from '../core'
import { createSafeStorageStore } from './safe-storage'

let core: Core | null = null
let win: BrowserWindow | null = null

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

function createWindow() {
  win = new BrowserWindow({
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
      webSecurity: true,
      spellcheck: false
    }
  })
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (e) => e.preventDefault())
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'))
}

app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  core = await createCore({ dataDir: app.getPath('userData'), secretStore: createSafeStorageStore(), clientVersion: app.getVersion() })
  // One loop binds every method of the contract; dispatch validates the input before the core runs.
  ipcMain.handle('console:invoke', (event, method: unknown, input: unknown) => {
    if (event.senderFrame?.url && !event.senderFrame.url.startsWith('file://') && !process.env.ELECTRON_RENDERER_URL) {
      return { ok: false, error: { code: 'forbidden', message: 'Unexpected sender' } }
    }
    return dispatch(core!.handlers, String(method), input)
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
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', async () => {
  await core?.close()
  core = null
  if (process.platform !== 'darwin') app.quit()
})
