/**
 * A light websocket client for load: a raw TCP socket that does the websocket handshake itself
 * and then only counts the frames it receives, by message tag, without decoding them. Hundreds
 * of these cost the load generator a fraction of what as many Y.Doc clients would, so the
 * figures measure the server, not the benchmark. It answers pings (the reference server closes
 * connections that do not) and can send pre-encoded frames (cursor moves, a sync step 1).
 *
 * Frames are masked with an all-zero key: RFC 6455 requires clients to mask and servers to
 * unmask, and a zero key leaves the payload as it is, so sending costs no copy.
 */
import net from 'node:net'
import { randomBytes } from 'node:crypto'

/** Counts of binary frames received, by what they carry. */
export type FrameCounts = {
  /** y-websocket sync message type 2 (an update): the edits the server relays. */
  updates: number
  /** Sync step 1 (the server asking for what a client has). */
  syncStep1: number
  /** Sync step 2 (the state a client was missing: the whole board for a newcomer). */
  syncStep2: number
  awareness: number
  /** Anything else: our server's saved/boardState/serverTime notices, auth. */
  other: number
  bytes: number
}

export type LightClient = {
  readonly counts: FrameCounts
  /** Close code received from the server, if it closed the connection. */
  readonly closeCode: number | undefined
  readonly open: boolean
  /** Sends one binary frame. */
  send(payload: Uint8Array): void
  /** Called with the payload of every binary frame (for the few clients that read them). */
  onFrame: ((payload: Buffer) => void) | undefined
  /** With onFrame: only frames whose tag passes are buffered and handed over. */
  frameFilter: ((tag: number) => boolean) | undefined
  /** Called when a binary frame has arrived whole, with its tag and sync sub-type (cheap). */
  onMessage: ((tag: number, sub: number, length: number) => void) | undefined
  close(): void
}

export type LightClientOptions = {
  /** `http://host:port` of the server. */
  url: string
  /** Request path, e.g. `/ws/<boardId>`. */
  path: string
  /** Offered subprotocols (our server needs `codesign.v1` and the key). */
  protocols?: readonly string[]
  timeoutMs?: number
}

export function emptyCounts(): FrameCounts {
  return { updates: 0, syncStep1: 0, syncStep2: 0, awareness: 0, other: 0, bytes: 0 }
}

/** Opens a light client; resolves once the handshake succeeded. */
export function openLightClient({ url, path, protocols = [], timeoutMs = 20_000 }: LightClientOptions): Promise<LightClient> {
  const { hostname, port } = new URL(url)
  const socket = net.connect({ host: hostname, port: Number(port) })
  socket.setNoDelay(true)
  const counts = emptyCounts()
  let closeCode: number | undefined
  let open = false
  let handshakeDone = false

  const client: LightClient = {
    counts,
    get closeCode() {
      return closeCode
    },
    get open() {
      return open
    },
    onFrame: undefined,
    frameFilter: undefined,
    onMessage: undefined,
    send(payload) {
      if (!open) return
      socket.write(frame(0x2, payload))
    },
    close() {
      if (!open) {
        socket.destroy()
        return
      }
      open = false
      // A close frame with 1000, then end; the server closes its side.
      socket.end(frame(0x8, Buffer.from([0x03, 0xe8])))
      setTimeout(() => socket.destroy(), 1000).unref()
    },
  }

  // The frame being read. Payloads stream through: only their first two bytes are kept (the
  // tag and the sync sub-type), unless someone wants the payload or it is a control frame.
  // A board's whole state is megabytes; buffering it for nothing would cost more than the
  // server's work being measured.
  let head: Buffer | undefined
  let remaining = 0
  let opcode = 0
  let length = 0
  let prefix: number[] = []
  let chunks: Buffer[] | undefined

  function finishFrame(): void {
    if (opcode === 0x2 || opcode === 0x0) {
      counts.bytes += length
      const tag = prefix[0] ?? -1
      const sub = prefix[1] ?? -1
      if (tag === 0) {
        if (sub === 2) counts.updates += 1
        else if (sub === 1) counts.syncStep2 += 1
        else counts.syncStep1 += 1
      } else if (tag === 1) counts.awareness += 1
      else counts.other += 1
      client.onMessage?.(tag, sub, length)
      if (chunks && client.onFrame) client.onFrame(Buffer.concat(chunks))
    } else if (opcode === 0x9) {
      socket.write(frame(0xa, Buffer.concat(chunks ?? [])))
    } else if (opcode === 0x8) {
      const payload = Buffer.concat(chunks ?? [])
      closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005
      open = false
      socket.end()
    }
    chunks = undefined
    prefix = []
  }

  function readFrames(data: Buffer): void {
    const buffer = head ? Buffer.concat([head, data]) : data
    head = undefined
    let offset = 0
    for (;;) {
      if (remaining > 0) {
        const take = Math.min(remaining, buffer.length - offset)
        if (take === 0) break
        for (let i = 0; prefix.length < 2 && i < take; i++) prefix.push(buffer[offset + i]!)
        if (chunks && opcode < 0x8 && client.frameFilter && !client.frameFilter(prefix[0] ?? -1)) chunks = undefined
        chunks?.push(buffer.subarray(offset, offset + take))
        offset += take
        remaining -= take
        if (remaining > 0) break
        finishFrame()
        continue
      }
      if (buffer.length - offset < 2) break
      const b0 = buffer[offset]!
      let size = buffer[offset + 1]! & 0x7f
      let header = 2
      if (size === 126) {
        if (buffer.length - offset < 4) break
        size = buffer.readUInt16BE(offset + 2)
        header = 4
      } else if (size === 127) {
        if (buffer.length - offset < 10) break
        size = Number(buffer.readBigUInt64BE(offset + 2))
        header = 10
      }
      // Server frames are never masked.
      if (buffer.length - offset < header) break
      offset += header
      opcode = b0 & 0x0f
      length = size
      remaining = size
      chunks = opcode >= 0x8 || client.onFrame ? [] : undefined
      if (size === 0) finishFrame()
    }
    // An incomplete header (a few bytes), kept for the next chunk.
    if (offset < buffer.length) head = Buffer.from(buffer.subarray(offset))
  }

  return new Promise<LightClient>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`light client ${path}: no handshake within ${timeoutMs} ms`))
    }, timeoutMs)
    let head = Buffer.alloc(0)
    socket.on('error', (error) => {
      clearTimeout(timer)
      open = false
      if (!handshakeDone) reject(error)
    })
    socket.on('close', () => {
      open = false
    })
    socket.on('connect', () => {
      const lines = [
        `GET ${path} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        ...(protocols.length > 0 ? [`Sec-WebSocket-Protocol: ${protocols.join(', ')}`] : []),
        '',
        '',
      ]
      socket.write(lines.join('\r\n'))
    })
    socket.on('data', (chunk: Buffer) => {
      if (handshakeDone) {
        readFrames(chunk)
        return
      }
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      const status = head.subarray(0, head.indexOf('\r\n')).toString()
      clearTimeout(timer)
      if (!/^HTTP\/1\.1 101/.test(status)) {
        socket.destroy()
        reject(new Error(`light client ${path}: handshake refused: ${status}`))
        return
      }
      handshakeDone = true
      open = true
      resolve(client)
      const rest = head.subarray(end + 4)
      if (rest.length > 0) readFrames(rest)
    })
  })
}

/** A client frame: FIN, `opcode`, masked with a zero key (payload unchanged). */
function frame(opcode: number, payload: Uint8Array): Buffer {
  const length = payload.byteLength
  const header = length < 126 ? 6 : length < 65536 ? 8 : 14
  const out = Buffer.allocUnsafe(header + length)
  out[0] = 0x80 | opcode
  if (length < 126) {
    out[1] = 0x80 | length
  } else if (length < 65536) {
    out[1] = 0x80 | 126
    out.writeUInt16BE(length, 2)
  } else {
    out[1] = 0x80 | 127
    out.writeBigUInt64BE(BigInt(length), 2)
  }
  out.writeUInt32BE(0, header - 4)
  out.set(payload, header)
  return out
}
