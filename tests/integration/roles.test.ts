/**
 * Roles enforced by the server: view-only links, the lock, replaced links, server-stamped
 * presence roles, board settings, and deleting a board, all against raw y-websocket clients.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import { keyFromHash } from '../../shared/ids.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'
import { createBoardOver, startServer, type TestServer } from '../helpers/server.ts'
import { connectClient, type TestClient } from '../helpers/clients.ts'
import { waitFor } from '../helpers/waitFor.ts'

let dir: TmpDir
let server: TestServer
const clients: TestClient[] = []

function client(boardId: string, key: string): TestClient {
  const c = connectClient(server.url, boardId, key)
  clients.push(c)
  return c
}

function keyOf(link: string): string {
  const key = keyFromHash(link.split('#')[1] ?? '')
  if (!key) throw new Error(`no key in ${link}`)
  return key
}

async function facilitatorCall(method: string, urlPath: string, key: string, body?: unknown) {
  return fetch(`${server.url}/api/boards/${urlPath}`, {
    method,
    headers: { 'x-board-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
}

async function restart() {
  for (const c of clients.splice(0)) c.destroy()
  await server.close()
  server = await startServer(dir.path)
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

describe('view-only links', () => {
  it("a viewer sees the board live, but its edits never reach anyone or the store, even after a restart", async () => {
    const board = await createBoardOver(server.url)
    const viewerKey = keyOf(board.links.viewer)
    const editor = client(board.id, board.editorKey)
    const viewer = client(board.id, viewerKey)
    await Promise.all([editor.synced(), viewer.synced()])
    await waitFor(() => viewer.boardState()?.role === 'viewer')
    editor.doc.getMap('test').set('from-editor', 1)
    await waitFor(() => viewer.doc.getMap('test').get('from-editor') === 1, { message: 'viewer receives live' })
    viewer.doc.getMap('test').set('from-viewer', 'sneaky')
    await waitFor(() => viewer.denied.length > 0, { message: 'permission denied' })
    // A marker after the viewer's edit: once it arrives, the viewer's would have too.
    editor.doc.getMap('test').set('marker', 2)
    await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getMap('test').get('marker') === 2)
    expect(server.server.rooms.loaded(board.id)?.doc.getMap('test').get('from-viewer')).toBeUndefined()
    expect(editor.doc.getMap('test').get('from-viewer')).toBeUndefined()
    await restart()
    const reader = client(board.id, board.editorKey)
    await reader.synced()
    expect(reader.doc.getMap('test').get('from-editor')).toBe(1)
    expect(reader.doc.getMap('test').get('from-viewer')).toBeUndefined()
  })
})

describe('the lock', () => {
  it('drops participant edits while locked, accepts them after unlock, and survives a restart', async () => {
    const board = await createBoardOver(server.url)
    const facilitator = client(board.id, board.facilitatorKey)
    const participant = client(board.id, board.editorKey)
    await Promise.all([facilitator.synced(), participant.synced()])
    expect((await facilitatorCall('PATCH', board.id, board.facilitatorKey, { locked: true })).status).toBe(200)
    await waitFor(() => participant.boardState()?.locked === true, { message: 'participant told of the lock' })
    participant.doc.getMap('test').set('while-locked', 1)
    facilitator.doc.getMap('test').set('facilitator-edit', 1)
    await waitFor(() => participant.doc.getMap('test').get('facilitator-edit') === 1, { message: 'facilitator still edits' })
    await waitFor(() => participant.denied.includes('locked'))
    expect(server.server.rooms.loaded(board.id)?.doc.getMap('test').get('while-locked')).toBeUndefined()

    await restart()
    const participant2 = client(board.id, board.editorKey)
    await participant2.synced()
    await waitFor(() => participant2.boardState()?.locked === true, { message: 'lock survived the restart' })
    participant2.doc.getMap('test').set('still-locked', 1)
    await waitFor(() => participant2.denied.includes('locked'))

    expect((await facilitatorCall('PATCH', board.id, board.facilitatorKey, { locked: false })).status).toBe(200)
    await waitFor(() => participant2.boardState()?.locked === false)
    participant2.doc.getMap('test').set('after-unlock', 1)
    await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getMap('test').get('after-unlock') === 1, { message: 'edit accepted after unlock' })
  })

  it('only the facilitator can lock, and settings are validated', async () => {
    const board = await createBoardOver(server.url)
    expect((await facilitatorCall('PATCH', board.id, board.editorKey, { locked: true })).status).toBe(403)
    expect((await facilitatorCall('PATCH', board.id, 'Q'.repeat(32), { locked: true })).status).toBe(403)
    expect((await facilitatorCall('PATCH', board.id, board.facilitatorKey, { locked: 'yes' })).status).toBe(400)
    expect((await facilitatorCall('PATCH', board.id, board.facilitatorKey, { groups: ['martians'] })).status).toBe(400)
    expect((await facilitatorCall('PATCH', board.id, board.facilitatorKey, { owner: 'me' })).status).toBe(400)
    const ok = await facilitatorCall('PATCH', board.id, board.facilitatorKey, {
      title: 'Renamed',
      groups: ['official', 'citizen'],
      notice: 'Names are not kept after the session.',
    })
    expect((await ok.json()).settings).toEqual({
      title: 'Renamed',
      groups: ['citizen', 'official'],
      notice: 'Names are not kept after the session.',
      locked: false,
    })
    const info = await fetch(`${server.url}/api/boards/${board.id}`, { headers: { 'x-board-key': board.editorKey } }).then((r) => r.json())
    expect(info.settings.groups).toEqual(['citizen', 'official'])
  })
})

describe('replacing a link', () => {
  it('disconnects people on the old key within a second, refuses it afterwards, and the new one works', async () => {
    const board = await createBoardOver(server.url)
    const facilitator = client(board.id, board.facilitatorKey)
    const old = client(board.id, board.editorKey)
    await Promise.all([facilitator.synced(), old.synced()])
    const started = Date.now()
    const response = await facilitatorCall('POST', `${board.id}/keys/editor`, board.facilitatorKey)
    expect(response.status).toBe(200)
    const { link } = (await response.json()) as { link: string }
    await waitFor(() => old.closes.includes(CloseCode.linkRevoked), { timeout: 1000, message: 'old key disconnected' })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(facilitator.closes).toEqual([])
    const again = client(board.id, board.editorKey)
    await waitFor(() => again.closes.includes(CloseCode.unauthorized))
    const fresh = client(board.id, keyOf(link))
    await fresh.synced()
    expect(fresh.boardState()?.role).toBe('editor')
  })
})

describe('presence roles', () => {
  it('the server stamps each presence with its real role, and only a facilitator can lead', async () => {
    const board = await createBoardOver(server.url)
    const facilitator = client(board.id, board.facilitatorKey)
    const impostor = client(board.id, board.editorKey)
    await Promise.all([facilitator.synced(), impostor.synced()])
    impostor.provider.awareness.setLocalState({ user: { name: 'Totally the facilitator' }, role: 'facilitator', leading: Date.now() })
    facilitator.provider.awareness.setLocalState({ user: { name: 'Fran' }, role: 'facilitator', leading: 123 })
    const stateOf = (c: TestClient, id: number) => c.provider.awareness.getStates().get(id) as Record<string, unknown> | undefined
    await waitFor(() => stateOf(facilitator, impostor.doc.clientID)?.role === 'editor', { message: 'impostor stamped as editor' })
    expect(stateOf(facilitator, impostor.doc.clientID)?.leading).toBeUndefined()
    await waitFor(() => stateOf(impostor, facilitator.doc.clientID)?.leading === 123)
    expect(stateOf(impostor, facilitator.doc.clientID)?.role).toBe('facilitator')
  })
})

describe('deleting a board', () => {
  it('disconnects everyone and leaves nothing of the board on disk', async () => {
    const board = await createBoardOver(server.url)
    const keep = await createBoardOver(server.url, 'Another board')
    const participant = client(board.id, board.editorKey)
    await participant.synced()
    participant.doc.getMap('test').set('content', 'x'.repeat(1000))
    await waitFor(() => participant.saved().size > 0 && server.server.rooms.loaded(board.id)?.doc.getMap('test').has('content'))
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d4948445200000001000000010806000000 1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082'.replace(/ /g, ''),
      'hex',
    )
    const upload = await fetch(`${server.url}/api/boards/${board.id}/assets`, {
      method: 'POST',
      headers: { 'x-board-key': board.editorKey, 'content-type': 'image/png' },
      body: png,
    })
    expect(upload.status).toBe(201)
    await server.server.rooms.loaded(board.id)?.flush()

    expect((await facilitatorCall('DELETE', board.id, board.editorKey)).status).toBe(403)
    expect((await facilitatorCall('DELETE', board.id, board.facilitatorKey)).status).toBe(204)
    await waitFor(() => participant.closes.includes(CloseCode.boardDeleted), { message: 'participant told' })

    expect((await fetch(`${server.url}/api/boards/${board.id}`)).status).toBe(404)
    const registry = fs.readFileSync(path.join(dir.path, 'registry.json'), 'utf8')
    expect(registry).not.toContain(board.id)
    expect(registry).toContain(keep.id)
    expect(fs.existsSync(path.join(dir.path, 'assets', board.id))).toBe(false)
    // The document store has nothing left of it.
    const { createSqliteDocumentStore } = await import('../../server/storage/SqliteDocumentStore.ts')
    for (const c of clients.splice(0)) c.destroy()
    await server.close()
    const store = await createSqliteDocumentStore({ file: path.join(dir.path, 'boards.sqlite') })
    expect(await store.size(board.id)).toEqual({ entries: 0, bytes: 0 })
    await store.close()
    server = await startServer(dir.path)
  })
})
