/**
 * Builds the whole server from its collaborators: HTTP API, static client and websocket sync
 * on one port. No side effects until `listen`; `close` flushes every board before it resolves.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { IncomingMessage } from 'node:http'
import express from 'express'
import { CloseCode } from '../shared/protocol.ts'
import type { Config } from './config.ts'
import type { Log } from './log.ts'
import type { DocumentStore } from './storage/DocumentStore.ts'
import type { Registry } from './storage/Registry.ts'
import { createBoards } from './boards.ts'
import { createApiRouter } from './http/api.ts'
import { createStaticRouter } from './http/static.ts'
import { createRoomManager } from './sync/RoomManager.ts'
import { createWebsocketHandler } from './sync/connect.ts'

export type ServerDeps = {
  config: Config
  store: DocumentStore
  registry: Registry
  log: Log
}

export type AppServer = ReturnType<typeof createServer>

export function createServer({ config, store, registry, log }: ServerDeps) {
  const boards = createBoards({ registry })
  const rooms = createRoomManager({
    store,
    log,
    limits: config.limits,
    isLocked: async (id) => (await registry.get(id))?.locked ?? false,
  })
  const addressOf = (req: IncomingMessage): string => {
    if (config.trustProxy) {
      const forwarded = req.headers['x-forwarded-for']
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
      if (first) return first
    }
    return req.socket.remoteAddress ?? 'unknown'
  }
  const websockets = createWebsocketHandler({
    rooms,
    log,
    limits: config.limits,
    authorize: (id, key) => boards.authorize(id, key),
    addressOf,
  })

  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', config.trustProxy)
  app.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff')
    res.set('Referrer-Policy', 'no-referrer')
    next()
  })
  app.use('/api', createApiRouter({ boards, limits: config.limits, log }))
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

  return { listen, close, rooms, boards, connections: websockets.connections }
}
