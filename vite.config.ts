/**
 * Vite builds the client into dist/; in development it proxies the API and websockets
 * to the server (see scripts/dev.mjs, which starts both).
 */
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

const serverPort = Number(process.env.PORT ?? 8080)

export default defineConfig({
  root: 'client',
  publicDir: false,
  plugins: [react()],
  // @tldraw/assets imports its files with `?url`; pre-bundling cannot resolve those.
  optimizeDeps: { exclude: ['@tldraw/assets'] },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
  server: {
    port: Number(process.env.VITE_PORT ?? 5173),
    proxy: {
      // Anchored patterns: a bare '/api' prefix would also swallow the module /api.ts.
      '^/api/': `http://127.0.0.1:${serverPort}`,
      '^/ws/': { target: `ws://127.0.0.1:${serverPort}`, ws: true },
    },
  },
})
