/**
 * Named versions: saved by the facilitator or automatically, surviving restarts, downloadable
 * as .tldr, and restored as an ordinary change that everyone sees and that merges with edits
 * made at the same time.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { DocKeys } from '../../shared/protocol.ts'
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

const kvOf = (c: TestClient) => new YKeyValue<Record<string, unknown>>(c.doc.getArray(DocKeys.records))
const shape = (id: string, text: string) => ({ id, typeName: 'shape', type: 'note', props: { text } })
const ids = (c: TestClient) =>
  c.doc
    .getArray<{ key: string }>(DocKeys.records)
    .toArray()
    .map((e) => e.key)
    .sort()

async function call(method: string, path: string, key: string, body?: unknown) {
  return fetch(`${server.url}/api/boards/${path}`, {
    method,
    headers: { 'x-board-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
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

it('saves a named version that survives a restart and downloads as a tldraw file', async () => {
  const board = await createBoardOver(server.url, 'Versions')
  const alice = client(board.id, board.facilitatorKey)
  await alice.synced()
  kvOf(alice).set('shape:a', shape('shape:a', 'first idea'))
  await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getArray(DocKeys.records).length === 1)

  expect((await call('POST', `${board.id}/versions`, board.editorKey, { name: 'x' })).status).toBe(403)
  const saved = await call('POST', `${board.id}/versions`, board.facilitatorKey, { name: 'after stage mapping' })
  expect(saved.status).toBe(201)
  const version = await saved.json()
  expect(version).toMatchObject({ name: 'after stage mapping', auto: false })
  expect(version.bytes).toBeGreaterThan(0)

  for (const c of clients.splice(0)) c.destroy()
  await server.close()
  server = await startServer(dir.path)
  const list = await (await call('GET', `${board.id}/versions`, board.facilitatorKey)).json()
  expect(list.versions.map((v: { id: string }) => v.id)).toContain(version.id)
  const file = await call('GET', `${board.id}/versions/${version.id}?download`, board.facilitatorKey)
  expect(file.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.tldr"/)
  const tldr = await file.json()
  expect(tldr.tldrawFileFormatVersion).toBe(1)
  expect(tldr.records).toEqual([shape('shape:a', 'first idea')])
  expect((await call('GET', `${board.id}/versions/vnothere1`, board.facilitatorKey)).status).toBe(404)
  expect((await call('GET', `${board.id}/versions/..%2Fx`, board.facilitatorKey)).status).toBe(400)
})

it('restoring while two people edit converges both to the version plus what was written after', async () => {
  const board = await createBoardOver(server.url)
  const alice = client(board.id, board.facilitatorKey)
  const bob = client(board.id, board.editorKey)
  await Promise.all([alice.synced(), bob.synced()])
  kvOf(alice).set('shape:a', shape('shape:a', 'kept'))
  kvOf(alice).set('shape:b', shape('shape:b', 'original'))
  await waitFor(() => ids(bob).length === 2)
  const version = await (await call('POST', `${board.id}/versions`, board.facilitatorKey, { name: 'v1' })).json()

  // The board moves on: b changed, c added, a deleted.
  kvOf(bob).set('shape:b', shape('shape:b', 'changed'))
  kvOf(bob).set('shape:c', shape('shape:c', 'added later'))
  kvOf(alice).delete('shape:a')
  await waitFor(() => JSON.stringify(ids(alice)) === JSON.stringify(['shape:b', 'shape:c']) && kvOf(alice).get('shape:b')?.props !== undefined)

  const restored = await call('POST', `${board.id}/versions/${version.id}/restore`, board.facilitatorKey)
  expect(restored.status).toBe(200)
  const { backup } = await restored.json()
  // Bob keeps editing right after the restore: his edit merges on top.
  kvOf(bob).set('shape:d', shape('shape:d', 'written after the restore'))
  for (const c of [alice, bob]) {
    await waitFor(() => JSON.stringify(ids(c)) === JSON.stringify(['shape:a', 'shape:b', 'shape:d']), { message: 'restored plus later edit' })
    expect(kvOf(c).get('shape:b')).toEqual(shape('shape:b', 'original'))
  }

  // Restoring is undone by restoring the version saved just before it.
  expect(backup.name).toMatch(/^Before restoring v1/)
  await call('POST', `${board.id}/versions/${backup.id}/restore`, board.facilitatorKey)
  for (const c of [alice, bob]) {
    await waitFor(() => JSON.stringify(ids(c)) === JSON.stringify(['shape:b', 'shape:c']), { message: 'back to before the restore' })
    expect(kvOf(c).get('shape:b')).toEqual(shape('shape:b', 'changed'))
  }
})

it('saves a version automatically when the last person leaves, only if something changed', async () => {
  const board = await createBoardOver(server.url)
  const alice = client(board.id, board.editorKey)
  await alice.synced()
  kvOf(alice).set('shape:a', shape('shape:a', 'x'))
  await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getArray(DocKeys.records).length === 1)
  alice.destroy()
  await waitFor(() => server.server.rooms.loaded(board.id) === undefined, { message: 'unloaded' })
  const list = await (await call('GET', `${board.id}/versions`, board.facilitatorKey)).json()
  expect(list.versions).toHaveLength(1)
  expect(list.versions[0].auto).toBe(true)
  // A visit with no change adds none.
  const bob = client(board.id, board.editorKey)
  await bob.synced()
  bob.destroy()
  await waitFor(() => server.server.rooms.loaded(board.id) === undefined)
  expect((await (await call('GET', `${board.id}/versions`, board.facilitatorKey)).json()).versions).toHaveLength(1)
})
