/**
 * The reference: `@y/websocket-server@0.1.1` (the last release for yjs 13), in memory, run as
 * its own bin does (an http server whose upgrades go to `setupWSConnection`), except that it
 * uses the same `ws` 8 as our server and the floor rather than the `ws` 6 its package falls
 * back to, so that a difference in the tables is the server's work, not the socket library's.
 * No persistence (YPERSISTENCE unset): documents live in memory until the process exits.
 *
 * Run as a child process: listens on 127.0.0.1 on a free port and prints one JSON line with
 * its `url`. The room of a connection is its request path without the leading slash.
 */
import http from 'node:http'
import { WebSocketServer } from 'ws'
import { setupWSConnection } from '@y/websocket-server/utils'

const wss = new WebSocketServer({ noServer: true })
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' }).end('okay')
})
wss.on('connection', setupWSConnection)
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    wss.emit('connection', ws, req)
  })
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`)
})
process.on('SIGTERM', () => process.exit(0))
