/**
 * The floor: a bare websocket relay that forwards each frame to the other sockets of its room
 * (the request path) and does nothing else: no document, no storage, no checks. What it costs
 * is the cost of the network path alone, which no real server can beat. Same `ws` library and
 * settings as our server (no permessage-deflate), so the difference is the server's own work.
 *
 * Run as a child process (`node --import tsx floorRelay.ts`): listens on 127.0.0.1 on a free
 * port and prints one JSON line with its `url`.
 */
import http from 'node:http'
import { pathToFileURL } from 'node:url'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'

export function createFloorRelay(): http.Server {
  const rooms = new Map<string, Set<WebSocket>>()
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 })
  const server = http.createServer((_req, res) => {
    res.writeHead(404).end()
  })
  server.on('upgrade', (req, socket, head) => {
    const name = req.url ?? '/'
    wss.handleUpgrade(req, socket, head, (ws) => {
      let room = rooms.get(name)
      if (!room) {
        room = new Set()
        rooms.set(name, room)
      }
      const peers = room
      peers.add(ws)
      ws.on('message', (data: RawData, isBinary: boolean) => {
        for (const peer of peers) if (peer !== ws) peer.send(data, { binary: isBinary })
      })
      ws.on('error', () => undefined)
      ws.on('close', () => {
        peers.delete(ws)
        if (peers.size === 0) rooms.delete(name)
      })
    })
  })
  return server
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = createFloorRelay()
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`)
  })
  process.on('SIGTERM', () => process.exit(0))
}
