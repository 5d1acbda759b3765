import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { resolve } from 'node:path'

const alias = { '@shared': resolve(import.meta.dirname, 'shared') }

export default defineConfig({
  test: {
    testTimeout: 30000,
    hookTimeout: 30000,
    projects: [
      {
        // shared/, the core, the reference server, the web host and the shell's pure modules: plain Node.
        resolve: { alias },
        test: {
          name: 'node',
          include: ['tests/**/*.test.ts', 'shared/**/*.test.ts', 'server/**/*.test.ts', 'electron/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'tests/renderer/**', 'node_modules/**'],
          pool: 'forks',
          testTimeout: 30000,
          hookTimeout: 30000
        }
      },
      {
        // The renderer's composables, stores and components, in a DOM (happy-dom).
        plugins: [vue()],
        resolve: { alias },
        test: {
          name: 'renderer',
          include: ['tests/renderer/**/*.test.ts'],
          environment: 'happy-dom',
          testTimeout: 10000
        }
      }
    ]
  }
})
