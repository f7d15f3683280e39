/**
 * The sync server against real y-websocket clients over real sockets, with real storage.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { CloseCode, KEY_SUBPROTOCOL_PREFIX, SUBPROTOCOL } from '../../shared/protocol.ts'
import { newBoardId } from '../../shared/ids.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'
import { createBoardOver, startServer, type TestServer } from '../helpers/server.ts'
import { connectClient, contentOf, type TestClient } from '../helpers/clients.ts'
import { waitFor } from '../helpers/waitFor.ts'

let dir: TmpDir
let server: TestServer
const clients: TestClient[] = []

function client(boardId: string, key: string | undefined): TestClient {
  const c = connectClient(server.url, boardId, key)
  clients.push(c)
  return c
}

beforeEach(async () => {
  dir = await createTmpDir()
  server = await startServer(dir.path)
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await server.close()
  await dir.remove()
})

describe('live sync', () => {
  it('two clients converge on the same board', async () => {
    const board = await createBoardOver(server.url)
    const alice = client(board.id, board.facilitatorKey)
    const bob = client(board.id, board.editorKey)
    await Promise.all([alice.synced(), bob.synced()])
    alice.doc.getMap('test').set('from', 'alice')
    bob.doc.getMap('test').set('other', 'bob')
    await waitFor(() => bob.doc.getMap('test').get('from') === 'alice' && alice.doc.getMap('test').get('other') === 'bob', {
      message: 'both edits everywhere',
    })
    expect(contentOf(alice.doc)).toEqual(contentOf(bob.doc))
  })

  it('a late joiner gets the full state', async () => {
    const board = await createBoardOver(server.url)
    const alice = client(board.id, board.editorKey)
    await alice.synced()
    for (let i = 0; i < 50; i++) alice.doc.getMap('test').set(`k${i}`, i)
    await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getMap('test').size === 50, { message: 'server has the edits' })
    const late = client(board.id, board.editorKey)
    await late.synced()
    expect(late.doc.getMap('test').size).toBe(50)
    expect(contentOf(late.doc)).toEqual(contentOf(alice.doc))
  })

  it('twenty clients arriving together at a stored board all receive it, and it is loaded once', async () => {
    const board = await createBoardOver(server.url)
    const writer = client(board.id, board.editorKey)
    await writer.synced()
    for (let i = 0; i < 30; i++) writer.doc.getMap('test').set(`k${i}`, `v${i}`)
    const expected = contentOf(writer.doc)
    await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getMap('test').size === 30, { message: 'server has the edits' })
    writer.destroy()
    // Restart so the board is only in storage.
    await server.close()
    server = await startServer(dir.path)
    const crowd = Array.from({ length: 20 }, () => client(board.id, board.editorKey))
    await Promise.all(crowd.map((c) => c.synced()))
    for (const c of crowd) expect(contentOf(c.doc)).toEqual(expected)
    expect(server.server.rooms.stats().loads).toBe(1)
  })

  it('a restarted server serves the same state', async () => {
    const board = await createBoardOver(server.url)
    const alice = client(board.id, board.editorKey)
    await alice.synced()
    alice.doc.getMap('test').set('kept', 'yes')
    alice.doc.getArray('records').push([{ id: 'shape:1' }])
    await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getMap('test').get('kept') === 'yes')
    const before = contentOf(alice.doc)
    alice.destroy()
    await server.close()
    server = await startServer(dir.path)
    // Stopping compacted the board that was still open: one stored entry, not its updates.
    expect(await server.store.size(board.id)).toMatchObject({ entries: 1 })
    const again = client(board.id, board.editorKey)
    await again.synced()
    expect(contentOf(again.doc)).toEqual(before)
  })

  it('an empty board unloads after its grace period and loads again on the next visit', async () => {
    const board = await createBoardOver(server.url)
    const alice = client(board.id, board.editorKey)
    await alice.synced()
    alice.doc.getMap('test').set('x', 1)
    await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getMap('test').get('x') === 1)
    alice.destroy()
    await waitFor(() => server.server.rooms.loaded(board.id) === undefined, { message: 'board unloaded' })
    const bob = client(board.id, board.editorKey)
    await bob.synced()
    expect(bob.doc.getMap('test').get('x')).toBe(1)
    expect(server.server.rooms.stats().loads).toBe(2)
  })
})

describe('presence', () => {
  it("a stock y-websocket client's echoes never lock a reconnecting person out of their own presence", async () => {
    const board = await createBoardOver(server.url)
    const alice = client(board.id, board.editorKey)
    const watcher = client(board.id, board.editorKey)
    // A stock provider re-sends every presence change it receives, including Alice's.
    const stockDoc = new Y.Doc()
    const stock = new WebsocketProvider(server.url.replace('http', 'ws') + '/ws', board.id, stockDoc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      protocols: [SUBPROTOCOL, KEY_SUBPROTOCOL_PREFIX + board.editorKey],
      disableBc: true,
    })
    try {
      await Promise.all([alice.synced(), watcher.synced(), waitFor(() => stock.synced)])
      const nameOf = (id: number) => (watcher.provider.awareness.getStates().get(id) as { name?: string } | undefined)?.name
      alice.provider.awareness.setLocalStateField('name', 'Alice')
      await waitFor(() => nameOf(alice.doc.clientID) === 'Alice' && stock.awareness.getStates().has(alice.doc.clientID))
      // Her connection drops abruptly (network loss): the server removes her presence, and
      // the stock client echoes that removal after her connection is gone.
      ;(alice.provider.ws as unknown as WebSocket).terminate()
      await waitFor(() => nameOf(alice.doc.clientID) === undefined, { message: 'alice gone' })
      // She reconnects on her own, under the same client id.
      await waitFor(() => alice.provider.wsconnected, { message: 'alice reconnected' })
      alice.provider.awareness.setLocalStateField('name', 'Alice again')
      await waitFor(() => nameOf(alice.doc.clientID) === 'Alice again', { message: 'alice back under her own id' })
    } finally {
      stock.destroy()
      stockDoc.destroy()
    }
  })
})

describe('keys and bad input', () => {
  it('a wrong key is refused with the unauthorized close code and receives nothing', async () => {
    const board = await createBoardOver(server.url)
    const owner = client(board.id, board.editorKey)
    await owner.synced()
    owner.doc.getMap('test').set('secret', 'value')
    const intruder = client(board.id, 'A'.repeat(32))
    await waitFor(() => intruder.closes.includes(CloseCode.unauthorized), { message: 'unauthorized close' })
    expect(intruder.doc.getMap('test').get('secret')).toBeUndefined()
  })

  it('a missing key is refused too', async () => {
    const board = await createBoardOver(server.url)
    const anonymous = client(board.id, undefined)
    await waitFor(() => anonymous.closes.includes(CloseCode.unauthorized))
  })

  it('an unknown board id is "not found" and creates nothing', async () => {
    const id = newBoardId()
    const stranger = client(id, 'A'.repeat(32))
    await waitFor(() => stranger.closes.includes(CloseCode.boardNotFound))
    const response = await fetch(`${server.url}/api/boards/${id}`)
    expect(response.status).toBe(404)
  })

  it('a malformed board id in the websocket path is refused at the handshake', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/..%2F..%2Fetc`, [SUBPROTOCOL])
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('open', () => resolve(101))
      ws.on('error', () => undefined)
    })
    expect(status).toBe(400)
  })

  it('a frame over the size limit closes that one connection while the others go on', async () => {
    await server.close()
    server = await startServer(dir.path, { MAX_PAYLOAD_BYTES: '65536' })
    const board = await createBoardOver(server.url)
    const good = client(board.id, board.editorKey)
    const other = client(board.id, board.editorKey)
    await Promise.all([good.synced(), other.synced()])
    const raw = new WebSocket(`${server.url.replace('http', 'ws')}/ws/${board.id}`, [SUBPROTOCOL, KEY_SUBPROTOCOL_PREFIX + board.editorKey])
    await new Promise((resolve) => raw.once('open', resolve))
    const closed = new Promise<number>((resolve) => raw.once('close', (code) => resolve(code)))
    raw.send(new Uint8Array(100_000))
    expect(await closed).toBe(CloseCode.messageTooBig)
    good.doc.getMap('test').set('still', 'working')
    await waitFor(() => other.doc.getMap('test').get('still') === 'working', { message: 'others unaffected' })
  })

  it('a garbage frame closes that connection with the bad-message code, and the board is intact', async () => {
    const board = await createBoardOver(server.url)
    const good = client(board.id, board.editorKey)
    await good.synced()
    good.doc.getMap('test').set('safe', 1)
    const raw = new WebSocket(`${server.url.replace('http', 'ws')}/ws/${board.id}`, [SUBPROTOCOL, KEY_SUBPROTOCOL_PREFIX + board.editorKey])
    await new Promise((resolve) => raw.once('open', resolve))
    const closed = new Promise<number>((resolve) => raw.once('close', (code) => resolve(code)))
    // A sync-update message whose payload length runs past the end of the frame.
    raw.send(new Uint8Array([0, 2, 200, 1, 1, 2, 3]))
    expect(await closed).toBe(CloseCode.badMessage)
    good.doc.getMap('test').set('after', 2)
    await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getMap('test').get('after') === 2)
    expect(server.server.rooms.loaded(board.id)?.doc.getMap('test').get('safe')).toBe(1)
  })
})

describe('the HTTP API', () => {
  it('creates a board with a facilitator and a participant link, keys in the fragment', async () => {
    const board = await createBoardOver(server.url, 'Library card renewal')
    expect(board.links.facilitator).toMatch(new RegExp(`^/b/${board.id}#k=[A-Za-z0-9_-]{32}$`))
    expect(board.links.editor).toMatch(new RegExp(`^/b/${board.id}#k=[A-Za-z0-9_-]{32}$`))
    expect(board.facilitatorKey).not.toBe(board.editorKey)
    const info = await fetch(`${server.url}/api/boards/${board.id}`).then((r) => r.json())
    expect(info).toMatchObject({ id: board.id, title: 'Library card renewal' })
    expect(info.role).toBeUndefined()
  })

  it('tells the role a key gives, and refuses a wrong key with 403', async () => {
    const board = await createBoardOver(server.url)
    const asFacilitator = await fetch(`${server.url}/api/boards/${board.id}`, { headers: { 'x-board-key': board.facilitatorKey } })
    expect((await asFacilitator.json()).role).toBe('facilitator')
    const asEditor = await fetch(`${server.url}/api/boards/${board.id}`, { headers: { 'x-board-key': board.editorKey } })
    expect((await asEditor.json()).role).toBe('editor')
    const wrong = await fetch(`${server.url}/api/boards/${board.id}`, { headers: { 'x-board-key': 'B'.repeat(32) } })
    expect(wrong.status).toBe(403)
    expect((await wrong.json()).error).toBe('invalid_key')
  })

  it('stores only hashes of the keys', async () => {
    const board = await createBoardOver(server.url)
    const { readFile } = await import('node:fs/promises')
    const registry = await readFile(`${dir.path}/registry.json`, 'utf8')
    expect(registry).toContain(board.id)
    expect(registry).not.toContain(board.facilitatorKey)
    expect(registry).not.toContain(board.editorKey)
  })

  it('rejects bad bodies with clear errors', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/api/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    const empty = await post(JSON.stringify({ title: '   ' }))
    expect(empty.status).toBe(400)
    expect((await empty.json()).message).toMatch(/title/)
    expect((await post('{not json')).status).toBe(400)
    expect((await post(JSON.stringify({ title: 'x'.repeat(100_000) }))).status).toBe(413)
    expect((await fetch(`${server.url}/api/boards/bad..id`)).status).toBe(400)
  })
})

describe('the stored log', () => {
  it('is compacted while people edit, so the stored document stays near its state', async () => {
    await server.close()
    server = await startServer(dir.path, { COMPACTION_MIN_BYTES: '4096' })
    const board = await createBoardOver(server.url)
    const alice = client(board.id, board.editorKey)
    await alice.synced()
    const shapes = alice.doc.getMap<string>('test')
    const batch = 20
    const value = (i: number) => `${'x'.repeat(200)}${i}`
    // Rounds of edits overwriting ten keys, each round received before the next, so commits
    // and compactions interleave as they do when people keep editing.
    for (let round = 0; round < 10; round++) {
      for (let i = round * batch; i < (round + 1) * batch; i++) shapes.set(`k${i % 10}`, value(i))
      const last = (round + 1) * batch - 1
      await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getMap('test').get(`k${last % 10}`) === value(last), {
        message: `round ${round} received`,
      })
    }
    const room = server.server.rooms.loaded(board.id)
    if (!room) throw new Error('the board is loaded')
    const stateBytes = Y.encodeStateAsUpdate(room.doc).byteLength
    // What the store holds of the board: its compacted state (compressed) and its log.
    let stored = await server.store.size(board.id)
    // Once everything is committed, a log past the threshold is always compacted (even when
    // its last commits arrived while a compaction ran): at most the state's size in all.
    const bound = stateBytes + 4096
    await waitFor(
      async () => {
        stored = await server.store.size(board.id)
        return stored.bytes <= bound
      },
      { message: `stored document within ${bound} bytes` },
    )
    expect(stored.entries).toBeLessThan(10 * batch)
  })
})
