/**
 * Hostile input for a bounded time: random and mutated frames from many connections at a
 * running server while two well-behaved people edit the same board. The server never dies,
 * closes only offenders (with documented codes), and the board, live and stored, is intact.
 */
import net from 'node:net'
import { afterEach, beforeEach, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { CloseCode, KEY_SUBPROTOCOL_PREFIX, MessageType, SUBPROTOCOL } from '../../shared/protocol.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'
import { createBoardOver, startChildServer, type ChildServer } from '../helpers/server.ts'
import { connectClient, type TestClient } from '../helpers/clients.ts'
import { seededRandom, type SeededRandom } from '../helpers/seededRandom.ts'
import { waitFor } from '../helpers/waitFor.ts'

const FUZZ_SECONDS = Number(process.env.FUZZ_SECONDS ?? 8)
const SEED = Number(process.env.FUZZ_SEED ?? 20261129)
/** What a hostile connection may be closed with; anything else is a server fault. */
const EXPECTED_CLOSES = new Set<number>([
  CloseCode.badMessage,
  CloseCode.messageTooBig,
  CloseCode.rateLimited,
  1002, // ws: protocol error (a frame that is not a websocket frame)
  1005, // closed by us without a code
  1006, // closed by us abruptly
])

let dir: TmpDir
let child: ChildServer | undefined
const clients: TestClient[] = []

beforeEach(async () => {
  dir = await createTmpDir()
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await child?.kill()
  await dir.remove()
})

/** Same content of the 'test' map, whatever order the keys were inserted in. */
function same(a: Y.Doc, b: Y.Doc): boolean {
  const canonical = (doc: Y.Doc) => JSON.stringify(Object.entries(doc.getMap('test').toJSON()).sort(([x], [y]) => (x < y ? -1 : 1)))
  return canonical(a) === canonical(b)
}

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

function randomBytes(rng: SeededRandom, max: number): Uint8Array {
  const bytes = new Uint8Array(rng.int(0, max))
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 255)
  return bytes
}

/** Real updates on a type the well-behaved clients don't use, as material to mutate. */
function sampleUpdates(rng: SeededRandom): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const map = doc.getMap('fuzz')
  for (let i = 0; i < 20; i++) {
    if (rng.chance(0.2)) map.delete(`k${rng.int(0, 5)}`)
    else map.set(`k${rng.int(0, 5)}`, { v: rng.int(0, 1000), s: 'x'.repeat(rng.int(0, 50)) })
  }
  return updates
}

function hostileMessage(rng: SeededRandom, samples: Uint8Array[], victimId: number): Uint8Array | string {
  const sample = rng.pick(samples)
  switch (rng.int(0, 10)) {
    case 0:
      return randomBytes(rng, 200)
    case 1: {
      // A valid update message with a few bytes flipped.
      const message = frame((e) => {
        encoding.writeVarUint(e, MessageType.sync)
        encoding.writeVarUint(e, 2)
        encoding.writeVarUint8Array(e, sample)
      })
      for (let i = rng.int(1, 4); i > 0; i--) message[rng.int(0, message.length - 1)] = rng.int(0, 255)
      return message
    }
    case 2: {
      const message = frame((e) => {
        encoding.writeVarUint(e, MessageType.sync)
        encoding.writeVarUint(e, rng.int(0, 2))
        encoding.writeVarUint8Array(e, sample)
      })
      return message.slice(0, rng.int(0, message.length - 1))
    }
    case 3:
      // A length prefix far past the end of the frame.
      return new Uint8Array([0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3])
    case 4:
      return frame((e) => encoding.writeVarUint(e, rng.chance(0.5) ? rng.int(4, 99) : rng.int(101, 100_000)))
    case 5:
      // Valid framing around a garbage update.
      return frame((e) => {
        encoding.writeVarUint(e, MessageType.sync)
        encoding.writeVarUint(e, rng.int(1, 2))
        encoding.writeVarUint8Array(e, randomBytes(rng, 300))
      })
    case 6:
      // Presence for another connection's client id, with a clock that would win.
      return frame((e) => {
        encoding.writeVarUint(e, MessageType.awareness)
        encoding.writeVarUint8Array(
          e,
          frame((a) => {
            encoding.writeVarUint(a, 1)
            encoding.writeVarUint(a, victimId)
            encoding.writeVarUint(a, rng.int(100, 100_000))
            encoding.writeVarString(a, JSON.stringify({ user: { name: 'Mallory' } }))
          }),
        )
      })
    case 7:
      // Presence whose state is not JSON.
      return frame((e) => {
        encoding.writeVarUint(e, MessageType.awareness)
        encoding.writeVarUint8Array(
          e,
          frame((a) => {
            encoding.writeVarUint(a, 1)
            encoding.writeVarUint(a, rng.int(1, 2 ** 30))
            encoding.writeVarUint(a, 1)
            encoding.writeVarString(a, '{"user": ')
          }),
        )
      })
    case 8:
      // Sync step 1 with a garbage state vector.
      return frame((e) => {
        encoding.writeVarUint(e, MessageType.sync)
        encoding.writeVarUint(e, 0)
        encoding.writeVarUint8Array(e, randomBytes(rng, 40))
      })
    case 9:
      return 'a text frame'
    default:
      // A legitimate update on the side type: hostile connections may also behave.
      return frame((e) => {
        encoding.writeVarUint(e, MessageType.sync)
        encoding.writeVarUint(e, 2)
        encoding.writeVarUint8Array(e, sample)
      })
  }
}

async function hostileConnection(url: string, boardId: string, key: string, rng: SeededRandom, samples: Uint8Array[], victimId: number) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws/${boardId}`, [SUBPROTOCOL, KEY_SUBPROTOCOL_PREFIX + key])
  ws.on('error', () => undefined)
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  const opened = await Promise.race([new Promise<boolean>((r) => ws.once('open', () => r(true))), closed.then(() => false)])
  if (opened) {
    for (let i = rng.int(1, 8); i > 0 && ws.readyState === ws.OPEN; i--) ws.send(hostileMessage(rng, samples, victimId))
    const timeout = new Promise<'open'>((r) => setTimeout(() => r('open'), 30))
    if ((await Promise.race([closed, timeout])) === 'open') ws.terminate()
  }
  return closed
}

/** Garbage straight on the TCP socket: as an HTTP request, or after a valid upgrade. */
async function garbageSocket(port: number, rng: SeededRandom, afterUpgrade: boolean, boardId: string, key: string) {
  await new Promise<void>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      if (afterUpgrade) {
        socket.write(
          `GET /ws/${boardId} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
            `Sec-WebSocket-Protocol: ${SUBPROTOCOL}, ${KEY_SUBPROTOCOL_PREFIX}${key}\r\n\r\n`,
        )
      }
      socket.write(randomBytes(rng, 500))
      setTimeout(() => socket.destroy(), 20)
    })
    socket.on('error', () => undefined)
    socket.on('close', () => resolve())
  })
}

it(`survives ${FUZZ_SECONDS} s of hostile frames without losing or corrupting anything (seed ${SEED})`, async () => {
  const rng = seededRandom(SEED)
  child = await startChildServer(dir.path, { LOG_LEVEL: 'info', MAX_PAYLOAD_BYTES: '65536' })
  const board = await createBoardOver(child.url)
  const alice = connectClient(child.url, board.id, board.editorKey)
  const bob = connectClient(child.url, board.id, board.editorKey)
  clients.push(alice, bob)
  await Promise.all([alice.synced(), bob.synced()])
  alice.provider.awareness.setLocalStateField('user', { name: 'Alice' })

  const samples = sampleUpdates(rng)
  const unexpected: number[] = []
  let hostile = 0
  let counter = 0
  const deadline = Date.now() + FUZZ_SECONDS * 1000
  const editing = setInterval(() => {
    alice.doc.getMap('test').set(`a${counter}`, counter)
    bob.doc.getMap('test').set(`b${counter}`, { n: counter })
    if (counter % 10 === 0) alice.doc.getMap('test').delete(`a${counter - 5}`)
    counter++
  }, 20)

  const workers = Array.from({ length: 4 }, async (_, w) => {
    const workerRng = seededRandom(SEED + w + 1)
    while (Date.now() < deadline) {
      if (workerRng.chance(0.05)) {
        await garbageSocket(child!.port, workerRng, workerRng.chance(0.5), board.id, board.editorKey)
        continue
      }
      const code = await hostileConnection(child!.url, board.id, board.editorKey, workerRng, samples, alice.doc.clientID)
      hostile++
      if (!EXPECTED_CLOSES.has(code)) unexpected.push(code)
    }
  })
  await Promise.all(workers)
  clearInterval(editing)

  expect(hostile).toBeGreaterThan(50)
  expect(unexpected).toEqual([])
  expect(child.process.exitCode).toBeNull()
  expect((await fetch(`${child.url}/api/health`)).status).toBe(200)
  // The well-behaved were never disconnected and still agree, presence included.
  expect(alice.closes).toEqual([])
  expect(bob.closes).toEqual([])
  await waitFor(() => same(alice.doc, bob.doc), {
    message: 'alice and bob converged',
  })
  expect((bob.provider.awareness.getStates().get(alice.doc.clientID) as { user: { name: string } }).user.name).toBe('Alice')
  const expected = alice.doc.getMap('test').toJSON()
  expect(Object.keys(expected).length).toBeGreaterThan(counter)

  // Stored intact: after a clean restart a new reader gets exactly the same board.
  await waitFor(() => alice.saved().get(alice.doc.clientID) === Y.decodeStateVector(Y.encodeStateVector(alice.doc)).get(alice.doc.clientID))
  const port = String(child.port)
  await child.kill('SIGTERM')
  child = await startChildServer(dir.path, { LOG_LEVEL: 'info', PORT: port })
  const reader = connectClient(child.url, board.id, board.editorKey)
  clients.push(reader)
  await reader.synced()
  await waitFor(() => same(reader.doc, alice.doc), {
    message: 'stored board equals the live one',
  })
  expect(reader.doc.getMap('test').toJSON()).toEqual(expected)
})
