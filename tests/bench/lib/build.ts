/**
 * Builds for the browser scenarios, each into a fresh temporary folder (never dist/, which
 * others use): the app as `npm run build` makes it, and plain/ (plain tldraw, bench only).
 * Built once per run, on first use, and removed at the end.
 */
import path from 'node:path'
import { build } from 'vite'
import react from '@vitejs/plugin-react'
import { createTmpDir, type TmpDir } from '../../helpers/tmpDir.ts'
import type { Builds } from './scenario.ts'
import { ROOT } from './servers.ts'

export function createBuilds(progress: (message: string) => void): { get(): Promise<Builds>; remove(): Promise<void> } {
  let building: Promise<Builds> | undefined
  const dirs: TmpDir[] = []
  return {
    get() {
      building ??= (async () => {
        const started = performance.now()
        const app = await createTmpDir('codesign-bench-app-')
        dirs.push(app)
        const plain = await createTmpDir('codesign-bench-plain-')
        dirs.push(plain)
        await build({
          configFile: path.join(ROOT, 'vite.config.ts'),
          logLevel: 'warn',
          build: { outDir: app.path, emptyOutDir: true },
        })
        await build({
          configFile: false,
          root: path.join(import.meta.dirname, '../plain'),
          publicDir: false,
          logLevel: 'warn',
          plugins: [react()],
          optimizeDeps: { exclude: ['@tldraw/assets'] },
          build: { outDir: plain.path, emptyOutDir: true, chunkSizeWarningLimit: 10_000 },
        })
        progress(`built the app and plain tldraw in ${((performance.now() - started) / 1000).toFixed(1)} s`)
        return { appDir: app.path, plainDir: plain.path }
      })()
      return building
    },
    async remove() {
      await Promise.all(dirs.map((dir) => dir.remove()))
    },
  }
}
