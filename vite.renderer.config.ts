// Vite config for the renderer (Vue 3 + Naive UI). Shared with electron.vite.config.ts through `rendererConfig`.
import { resolve } from 'node:path'
import { defineConfig, type UserConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const root = import.meta.dirname
/** Where `npm run dev:renderer` forwards /api (a running web host; see electron/web-host). */
const devApiTarget = process.env.CONSOLE_DEV_API ?? 'http://127.0.0.1:5899'

export const rendererConfig: UserConfig = {
  root: resolve(root, 'renderer'),
  // Relative asset URLs: the same build is loaded from file:// in Electron and over http by the web host.
  base: './',
  plugins: [vue()],
  resolve: {
    alias: { '@shared': resolve(root, 'shared') }
  },
  build: {
    outDir: resolve(root, 'out/renderer'),
    emptyOutDir: true,
    target: 'chrome130',
    chunkSizeWarningLimit: 2500,
    rollupOptions: { input: resolve(root, 'renderer/index.html') }
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': {
        target: devApiTarget,
        // The web host accepts only its own Host and Origin (DNS-rebinding guard): present the proxied
        // requests as its own.
        changeOrigin: true,
        configure: (proxy) => {
          proxy.on('proxyReq', (req) => {
            if (req.getHeader('origin')) req.setHeader('origin', devApiTarget)
          })
        }
      }
    }
  }
}

export default defineConfig(rendererConfig)
