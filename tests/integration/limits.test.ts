/**
 * Every bound the server enforces, each against the real server: breaking one closes (or
 * refuses) only the offender, with the documented code, and everyone else goes on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { CloseCode, MessageType } from '../../shared/protocol.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'
import { createBoardOver, startServer, type TestServer } from '../helpers/server.ts'
import { connectClient, openRaw, type TestClient } from '../helpers/clients.ts'
import { waitFor } from '../helpers/waitFor.ts'
import { encodeUpdate } from '../../server/sync/codec.ts'

let dir: TmpDir
let server: TestServer | undefined
const clients: TestClient[] = []

async function start(env: Record<string, string>) {
  server = await startServer(dir.path, env)
  return server
}

function client(url: string, boardId: string, key: string): TestClient {
  const c = connectClient(url, boardId, key)
  clients.push(c)
  return c
}

function queryAwarenessMessage(): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.queryAwareness)
  return encoding.toUint8Array(e)
}

function awarenessMessage(clientId: number, state: Record<string, unknown>): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = clientId
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState(state)
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId])
  awareness.destroy()
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.awareness)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

beforeEach(async () => {
  dir = await createTmpDir()
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await server?.close()
  server = undefined
  await dir.remove()
})

describe('per connection', () => {
  it('a flood of messages closes that connection with the rate-limit code; others go on', async () => {
    const s = await start({ MAX_MESSAGES_PER_SECOND: '20' })
    const board = await createBoardOver(s.url)
    const alice = client(s.url, board.id, board.editorKey)
    const bob = client(s.url, board.id, board.editorKey)
    await Promise.all([alice.synced(), bob.synced()])
    const flooder = await openRaw(s.url, board.id, board.editorKey)
    for (let i = 0; i < 200; i++) flooder.ws.send(queryAwarenessMessage())
    expect(await flooder.closed).toBe(CloseCode.rateLimited)
    alice.doc.getMap('test').set('after', 'flood')
    await waitFor(() => bob.doc.getMap('test').get('after') === 'flood')
  })

  it('too many bytes a second close that connection with the rate-limit code', async () => {
    const s = await start({ MAX_BYTES_PER_SECOND: '10000', MAX_PAYLOAD_BYTES: '20000' })
    const board = await createBoardOver(s.url)
    const flooder = await openRaw(s.url, board.id, board.editorKey)
    const doc = new Y.Doc()
    doc.on('update', (update: Uint8Array) => {
      if (flooder.ws.readyState === flooder.ws.OPEN) flooder.ws.send(encodeUpdate(update))
    })
    for (let i = 0; i < 20; i++) doc.getMap('test').set(`k${i}`, 'x'.repeat(5000))
    expect(await flooder.closed).toBe(CloseCode.rateLimited)
  })

  it('an oversized presence is dropped, never forwarded, and the connection stays', async () => {
    const s = await start({ MAX_AWARENESS_BYTES: '1000' })
    const board = await createBoardOver(s.url)
    const watcher = client(s.url, board.id, board.editorKey)
    await watcher.synced()
    const sender = await openRaw(s.url, board.id, board.editorKey)
    sender.ws.send(awarenessMessage(424242, { user: { name: 'x'.repeat(5000) } }))
    sender.ws.send(awarenessMessage(424242, { user: { name: 'small' } }))
    await waitFor(() => (watcher.provider.awareness.getStates().get(424242) as { user?: { name?: string } } | undefined)?.user?.name === 'small')
    expect(sender.ws.readyState).toBe(sender.ws.OPEN)
  })

  it("presence that speaks for another connection's client id is ignored", async () => {
    const s = await start({})
    const board = await createBoardOver(s.url)
    const alice = client(s.url, board.id, board.editorKey)
    const bob = client(s.url, board.id, board.editorKey)
    await Promise.all([alice.synced(), bob.synced()])
    alice.provider.awareness.setLocalStateField('user', { name: 'Alice' })
    const aliceId = alice.doc.clientID
    await waitFor(() => (bob.provider.awareness.getStates().get(aliceId) as { user?: { name?: string } } | undefined)?.user?.name === 'Alice')
    const spoofer = await openRaw(s.url, board.id, board.editorKey)
    // A clock far ahead so that, were it applied, it would win over Alice's own state.
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint(e, aliceId)
    encoding.writeVarUint(e, 1000)
    encoding.writeVarString(e, JSON.stringify({ user: { name: 'Mallory' } }))
    const update = encoding.toUint8Array(e)
    const m = encoding.createEncoder()
    encoding.writeVarUint(m, MessageType.awareness)
    encoding.writeVarUint8Array(m, update)
    spoofer.ws.send(encoding.toUint8Array(m))
    // Then a legitimate message of its own, to know the spoof was processed before it.
    spoofer.ws.send(awarenessMessage(777777, { user: { name: 'Mallory' } }))
    await waitFor(() => bob.provider.awareness.getStates().has(777777))
    expect((bob.provider.awareness.getStates().get(aliceId) as { user: { name: string } }).user.name).toBe('Alice')
  })

  it('a connection that cannot keep up is disconnected instead of growing server memory', async () => {
    const s = await start({ MAX_SEND_BUFFER_BYTES: '65536', MAX_BYTES_PER_SECOND: '100000000', MAX_MESSAGES_PER_SECOND: '100000' })
    const board = await createBoardOver(s.url)
    const writer = client(s.url, board.id, board.editorKey)
    await writer.synced()
    const slow = await openRaw(s.url, board.id, board.editorKey)
    // Stop reading: the kernel buffers fill, then the server's send buffer grows.
    ;(slow.ws as unknown as { _socket: { pause(): void } })._socket.pause()
    const codes: number[] = []
    void slow.closed.then((code) => codes.push(code))
    let i = 0
    await waitFor(
      () => {
        for (let n = 0; n < 20; n++) writer.doc.getMap('test').set(`k${i++}`, 'y'.repeat(50_000))
        const room = s.server.rooms.loaded(board.id)
        return room !== undefined && room.size === 1
      },
      { timeout: 20_000, message: 'slow connection dropped' },
    )
    ;(slow.ws as unknown as { _socket: { resume(): void } })._socket.resume()
    await waitFor(() => codes.length > 0)
    expect(codes[0]).toBe(CloseCode.tooSlow)
  })
})

describe('per board and per address', () => {
  it('a full board refuses one more connection with a retry-later code', async () => {
    const s = await start({ MAX_CONNECTIONS_PER_BOARD: '2' })
    const board = await createBoardOver(s.url)
    const a = client(s.url, board.id, board.editorKey)
    const b = client(s.url, board.id, board.editorKey)
    await Promise.all([a.synced(), b.synced()])
    const third = await openRaw(s.url, board.id, board.editorKey)
    expect(await third.closed).toBe(CloseCode.tooManyConnections)
  })

  it('one address holding too many connections is refused one more', async () => {
    const s = await start({ MAX_CONNECTIONS_PER_ADDRESS: '2' })
    const board = await createBoardOver(s.url)
    const a = await openRaw(s.url, board.id, board.editorKey)
    const b = await openRaw(s.url, board.id, board.editorKey)
    const c = await openRaw(s.url, board.id, board.editorKey)
    expect(await c.closed).toBe(CloseCode.tooManyConnections)
    a.ws.close()
    b.ws.close()
  })

  it('a board past its size limit refuses further edits with the too-large code and keeps what it has', async () => {
    const s = await start({ MAX_BOARD_BYTES: '20000' })
    const board = await createBoardOver(s.url)
    const writer = client(s.url, board.id, board.editorKey)
    await writer.synced()
    writer.doc.getMap('test').set('first', 'kept')
    await waitFor(() => s.server.rooms.loaded(board.id)?.doc.getMap('test').get('first') === 'kept')
    for (let i = 0; i < 10; i++) writer.doc.getMap('test').set(`big${i}`, 'z'.repeat(5000))
    await waitFor(() => writer.closes.includes(CloseCode.boardTooLarge), { message: 'too-large close' })
    const reader = client(s.url, board.id, board.editorKey)
    await reader.synced()
    expect(reader.doc.getMap('test').get('first')).toBe('kept')
  })

  it('board creation is limited per address with 429', async () => {
    const s = await start({ MAX_BOARD_CREATIONS_PER_HOUR: '3' })
    for (let i = 0; i < 3; i++) await createBoardOver(s.url)
    const response = await fetch(`${s.url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'one too many' }),
    })
    expect(response.status).toBe(429)
    expect((await response.json()).error).toBe('rate_limited')
  })

  it('wrong keys are rate-limited per address, over HTTP and websockets alike', async () => {
    const s = await start({ MAX_FAILED_KEY_ATTEMPTS_PER_MINUTE: '3' })
    const board = await createBoardOver(s.url)
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${s.url}/api/boards/${board.id}`, { headers: { 'x-board-key': 'W'.repeat(32) } })
      expect(r.status).toBe(403)
    }
    const wrong = await openRaw(s.url, board.id, 'V'.repeat(32))
    expect(await wrong.closed).toBe(CloseCode.unauthorized)
    // Out of attempts: even guessing right is refused for now.
    const r = await fetch(`${s.url}/api/boards/${board.id}`, { headers: { 'x-board-key': board.editorKey } })
    expect(r.status).toBe(429)
    const blocked = await openRaw(s.url, board.id, board.editorKey)
    expect(await blocked.closed).toBe(CloseCode.rateLimited)
  })
})
