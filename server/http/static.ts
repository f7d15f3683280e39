/**
 * Serves the built client: hashed assets cached for a year, index.html never cached, and the
 * app's routes (`/`, `/accessibility`, `/b/<id>`) answered with index.html so a shared link opens directly.
 */
import fs from 'node:fs'
import path from 'node:path'
import express, { type Router } from 'express'

export function createStaticRouter(clientDir: string): Router {
  const router = express.Router()
  const indexFile = path.join(clientDir, 'index.html')
  if (!fs.existsSync(indexFile)) {
    router.get(['/', '/accessibility', '/b/*splat'], (_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The client is not built. Run "npm run build" (npm start does it for you).')
    })
    return router
  }
  router.use(
    '/assets',
    express.static(path.join(clientDir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }),
  )
  router.use(express.static(clientDir, { index: false, maxAge: '1h' }))
  router.get(['/', '/accessibility', '/b/*splat'], (_req, res) => {
    res.set('Cache-Control', 'no-cache').sendFile(indexFile)
  })
  return router
}
