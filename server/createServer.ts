/**
 * Builds the whole server from its collaborators: HTTP API, static client and websocket sync
 * on one port. No side effects until `listen`; `close` flushes every board before it resolves.
 */
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import type { IncomingMessage } from 'node:http'
import express from 'express'
import helmet from 'helmet'
import { CloseCode } from '../shared/protocol.ts'
import type { Config } from './config.ts'
import type { Log } from './log.ts'
import type { DocumentStore } from './storage/DocumentStore.ts'
import type { Registry } from './storage/Registry.ts'
import { createBoards, settingsOf } from './boards.ts'
import { createApiRouter } from './http/api.ts'
import { createAssetsRouter } from './http/assets.ts'
import { createArchiveRouter } from './http/archive.ts'
import { createAssetStore } from './storage/AssetStore.ts'
import { lazySecret } from './storage/secret.ts'
import { createStaticRouter } from './http/static.ts'
import { createRoomManager } from './sync/RoomManager.ts'
import { createWebsocketHandler } from './sync/connect.ts'
import { KeyedRateLimiter } from './rateLimit.ts'

/**
 * Only our own origin. tldraw needs inline style attributes (it positions every shape with
 * them), data:/blob: images and fonts (exports, pasted content, its embedded icons) and
 * blob: workers. Websockets to our own host are covered by 'self'.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  // tldraw fetches some of its bundled assets as data: URLs, and exports through blob: URLs.
  'connect-src': ["'self'", 'data:', 'blob:'],
  'worker-src': ["'self'", 'blob:'],
  'frame-src': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
}

export type ServerDeps = {
  config: Config
  store: DocumentStore
  registry: Registry
  log: Log
  /** Signs the asset-reading cookie; by default read from (or created in) DATA_DIR/secret. */
  secret?: Buffer
}

export type AppServer = ReturnType<typeof createServer>

export function createServer({ config, store, registry, log, secret }: ServerDeps) {
  const boards = createBoards({ registry })
  const assets = createAssetStore({ dir: path.join(config.dataDir, 'assets') })
  const rooms = createRoomManager({
    store,
    log,
    limits: config.limits,
    loadSettings: async (id) => {
      const record = await registry.get(id)
      return record ? settingsOf(record) : undefined
    },
  })
  const addressOf = (req: IncomingMessage): string => {
    if (config.trustProxy) {
      const forwarded = req.headers['x-forwarded-for']
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
      if (first) return first
    }
    return req.socket.remoteAddress ?? 'unknown'
  }
  const { limits } = config
  const failedKeys = new KeyedRateLimiter(limits.maxFailedKeyAttemptsPerMinute / 60, limits.maxFailedKeyAttemptsPerMinute)
  const creations = new KeyedRateLimiter(limits.maxBoardCreationsPerHour / 3600, limits.maxBoardCreationsPerHour)
  const websockets = createWebsocketHandler({
    rooms,
    log,
    limits,
    authorize: (id, key) => boards.authorize(id, key),
    addressOf,
    failedKeys,
  })

  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', config.trustProxy)
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      referrerPolicy: { policy: 'no-referrer' },
      // Same-origin everything; no cross-origin embedding of our pages or resources.
      crossOriginResourcePolicy: { policy: 'same-origin' },
      strictTransportSecurity: false, // set by the TLS proxy, which knows whether HTTPS is on
    }),
  )
  app.use(
    '/api',
    createAssetsRouter({
      boards,
      assets,
      limits: config.limits,
      log,
      secret: secret ? () => Promise.resolve(secret) : lazySecret(path.join(config.dataDir, 'secret')),
      failedKeys,
    }),
  )
  // Before the API router: imports read the raw body, which its JSON parser would consume.
  app.use('/api', createArchiveRouter({ boards, rooms, store, assets, limits, log, failedKeys, creations }))
  app.use('/api', createApiRouter({
      boards,
      limits,
      log,
      failedKeys,
      creations,
      rooms,
      store,
      deleteBoardAssets: (id) => assets.deleteBoardAssets(id),
    }))
  app.use(createStaticRouter(config.clientDir))

  const httpServer = http.createServer(app)
  httpServer.on('upgrade', (req, socket, head) => websockets.handleUpgrade(req, socket, head))
  // A client error (bad request line, reset) must never take the process down.
  httpServer.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })

  let closing: Promise<void> | undefined

  function listen(port = config.port, host = config.host): Promise<{ port: number; url: string }> {
    return new Promise((resolve, reject) => {
      httpServer.once('error', reject)
      httpServer.listen(port, host, () => {
        httpServer.off('error', reject)
        const address = httpServer.address() as AddressInfo
        const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host
        resolve({ port: address.port, url: `http://${shownHost}:${address.port}` })
      })
    })
  }

  /** Stops accepting, flushes every board, closes sockets and storage. Safe to call twice. */
  function close(): Promise<void> {
    closing ??= (async () => {
      httpServer.close()
      await rooms.closeAll()
      websockets.closeAll(CloseCode.goingAway, 'server restarting')
      websockets.terminateAll()
      httpServer.closeAllConnections()
      await store.close()
    })()
    return closing
  }

  return { listen, close, rooms, boards, assets, connections: websockets.connections }
}
