/**
 * The websocket side of the server: accepts upgrades on `/ws/<boardId>`, decides the
 * connection's role from the key it presents (as a subprotocol, never in the URL), and hands
 * the connection to the board's room once the room is loaded. Frames that arrive before
 * that are queued, so nothing a client sends early is lost.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { randomUUID } from 'node:crypto'
import { WebSocketServer, type WebSocket, type RawData } from 'ws'
import { isBoardId } from '../../shared/ids.ts'
import { CloseCode, KEY_SUBPROTOCOL_PREFIX, SUBPROTOCOL, WS_PREFIX } from '../../shared/protocol.ts'
import type { Role } from '../../shared/roles.ts'
import type { Limits } from '../../shared/limits.ts'
import type { Log } from '../log.ts'
import type { RoomManager } from './RoomManager.ts'
import type { Room, RoomConnection } from './Room.ts'
import { BadMessageError } from './codec.ts'
import { TokenBucket, type KeyedRateLimiter } from '../rateLimit.ts'

export type ConnectOptions = {
  rooms: RoomManager
  log: Log
  limits: Limits
  /** The role a key gives on a board; undefined when the board does not exist. */
  authorize: (boardId: string, key: string | undefined) => Promise<{ exists: boolean; role?: Role }>
  /** The client's address (honours a trusted proxy). */
  addressOf: (req: IncomingMessage) => string
  /** Wrong-key attempts per address, shared with the HTTP API. */
  failedKeys: KeyedRateLimiter
}

export function createWebsocketHandler({ rooms, log, limits, authorize, addressOf, failedKeys }: ConnectOptions) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayloadBytes,
    // ws's own advice: compression costs CPU and fragments memory; Yjs updates are compact.
    perMessageDeflate: false,
    // Accept our protocol whatever else (the key) was offered, so browsers get a valid handshake.
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  })
  const perAddress = new Map<string, number>()
  const sockets = new Set<WebSocket>()

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const boardId = url.pathname.startsWith(WS_PREFIX) ? url.pathname.slice(WS_PREFIX.length) : undefined
    if (!boardId || !isBoardId(boardId)) {
      // Refused before anything is looked up: a malformed id never reaches storage.
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim())
    if (!offered.includes(SUBPROTOCOL)) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const key = offered.find((p) => p.startsWith(KEY_SUBPROTOCOL_PREFIX))?.slice(KEY_SUBPROTOCOL_PREFIX.length)
    wss.handleUpgrade(req, socket, head, (ws) => {
      void accept(ws, req, boardId, key)
    })
  }

  async function accept(ws: WebSocket, req: IncomingMessage, boardId: string, key: string | undefined) {
    const connId = randomUUID().slice(0, 8)
    const address = addressOf(req)
    const logFields = { board: boardId, conn: connId }
    sockets.add(ws)
    const queue: Uint8Array[] = []
    let conn: RoomConnection | undefined
    let room: Room | undefined
    let closed = false

    const count = (perAddress.get(address) ?? 0) + 1
    perAddress.set(address, count)
    // Sustained rates with room for bursts (a reconnect sends its whole missing state at once).
    const messageBucket = new TokenBucket(limits.maxMessagesPerSecond, limits.maxMessagesPerSecond * 2)
    const byteBucket = new TokenBucket(limits.maxBytesPerSecond, limits.maxBytesPerSecond + 2 * limits.maxPayloadBytes)

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (closed) return
      if (!isBinary) {
        ws.close(CloseCode.badMessage, 'binary frames only')
        return
      }
      const bytes = toBytes(data)
      if (!messageBucket.take(1) || !byteBucket.take(bytes.byteLength)) {
        log.warn(logFields, 'rate limit exceeded; connection closed')
        closed = true
        ws.close(CloseCode.rateLimited, 'rate limit exceeded')
        return
      }
      if (room && conn) handle(room, conn, bytes)
      else queue.push(bytes)
    })
    ws.on('error', (error) => log.debug({ ...logFields, err: error }, 'socket error'))
    ws.on('close', (code) => {
      closed = true
      sockets.delete(ws)
      const left = (perAddress.get(address) ?? 1) - 1
      if (left <= 0) perAddress.delete(address)
      else perAddress.set(address, left)
      if (room && conn) {
        room.removeConnection(conn)
        rooms.release(room)
      }
      log.debug({ ...logFields, code }, 'disconnected')
    })

    if (count > limits.maxConnectionsPerAddress) {
      ws.close(CloseCode.tooManyConnections, 'too many connections from this address')
      return
    }

    if (!failedKeys.allows(address)) {
      ws.close(CloseCode.rateLimited, 'too many attempts with a wrong key')
      return
    }

    try {
      const access = await authorize(boardId, key)
      if (closed) return
      if (!access.exists) {
        ws.close(CloseCode.boardNotFound, 'board not found')
        return
      }
      if (!access.role) {
        failedKeys.take(address)
        log.info(logFields, 'connection with an invalid key refused')
        ws.close(CloseCode.unauthorized, 'invalid key')
        return
      }
      const loaded = await rooms.acquire(boardId)
      if (closed) {
        rooms.release(loaded)
        return
      }
      if (loaded.size >= limits.maxConnectionsPerBoard) {
        rooms.release(loaded)
        ws.close(CloseCode.tooManyConnections, 'board is full')
        return
      }
      conn = { id: connId, socket: ws as unknown as RoomConnection['socket'], role: access.role, clientIds: new Set() }
      room = loaded
      room.addConnection(conn)
      log.debug({ ...logFields, role: access.role }, 'connected')
      for (const bytes of queue.splice(0)) {
        if (closed) break
        handle(room, conn, bytes)
      }
    } catch (error) {
      log.error({ ...logFields, err: error }, 'could not open board')
      if (!closed) ws.close(CloseCode.serverError, 'server error')
    }
  }

  function handle(room: Room, conn: RoomConnection, bytes: Uint8Array): void {
    try {
      room.handleMessage(conn, bytes)
    } catch (error) {
      if (error instanceof BadMessageError) {
        log.info({ board: room.boardId, conn: conn.id, reason: error.message }, 'bad message; connection closed')
        conn.socket.close(CloseCode.badMessage, 'bad message')
      } else {
        log.error({ board: room.boardId, conn: conn.id, err: error }, 'message handling failed')
        conn.socket.close(CloseCode.serverError, 'server error')
      }
    }
  }

  /** Closes every socket (on shutdown, after rooms were flushed). */
  function closeAll(code: number, reason: string): void {
    for (const ws of sockets) ws.close(code, reason)
  }

  /** Drops sockets that did not close in time. */
  function terminateAll(): void {
    for (const ws of sockets) ws.terminate()
    wss.close()
  }

  return { handleUpgrade, closeAll, terminateAll, connections: () => sockets.size }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
