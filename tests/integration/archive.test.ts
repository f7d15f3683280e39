/**
 * Archives and imports against the real server: an archive round-trips records and uploads;
 * broken, foreign, oversized and hostile files are refused with a clear message and change
 * nothing; imports get fresh ids so importing twice never collides.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { unzipSync, strFromU8, zipSync, strToU8 } from 'fflate'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { createTLSchema } from '@tldraw/tlschema'
import { createTemplate } from '../../shared/journey/index.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { keyFromHash } from '../../shared/ids.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'
import { createBoardOver, startServer, type TestServer } from '../helpers/server.ts'
import { connectClient, type TestClient } from '../helpers/clients.ts'
import { waitFor } from '../helpers/waitFor.ts'
import { makePng } from '../fixtures/media.ts'

const PNG_1X1 = makePng(2, 2)

let dir: TmpDir
let server: TestServer
const clients: TestClient[] = []

beforeEach(async () => {
  dir = await createTmpDir()
  server = await startServer(dir.path)
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await server.close()
  await dir.remove()
})

type Rec = { id: string; typeName: string; [k: string]: unknown }

function client(boardId: string, key: string): TestClient {
  const c = connectClient(server.url, boardId, key)
  clients.push(c)
  return c
}

const recordsOf = (c: TestClient) =>
  new Map(c.doc.getArray<{ key: string; val: Rec }>(DocKeys.records).toArray().map((e) => [e.key, e.val]))

/** A board with a page, a journey map and an uploaded image, written as the client would. */
async function boardWithContent() {
  const board = await createBoardOver(server.url, 'Archive me')
  const upload = await fetch(`${server.url}/api/boards/${board.id}/assets`, {
    method: 'POST',
    headers: { 'x-board-key': board.facilitatorKey },
    body: new Uint8Array(PNG_1X1),
  })
  const { src } = (await upload.json()) as { src: string }
  let n = 0
  const records: Rec[] = [
    { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} },
    { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} },
    ...(createTemplate('journey', { parentId: 'page:page' as never, x: 0, y: 0, newId: () => `shape:t${++n}` as never }) as unknown as Rec[]),
    { id: 'asset:img', typeName: 'asset', type: 'image', props: { name: 'a.png', src, w: 1, h: 1, mimeType: 'image/png', isAnimated: false }, meta: {} },
    {
      id: 'shape:img', typeName: 'shape', type: 'image', x: 3000, y: 0, rotation: 0, index: 'a9', parentId: 'page:page', isLocked: false, opacity: 1, meta: {},
      props: { w: 1, h: 1, assetId: 'asset:img', playing: true, url: '', crop: null, flipX: false, flipY: false, altText: '' },
    },
  ]
  const alice = client(board.id, board.facilitatorKey)
  await alice.synced()
  const kv = new YKeyValue<unknown>(alice.doc.getArray(DocKeys.records))
  alice.doc.transact(() => {
    for (const r of records) kv.set(r.id, r)
    alice.doc.getMap(DocKeys.meta).set('schema', createTLSchema().serialize())
  })
  await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getArray(DocKeys.records).length === records.length)
  return { board, records, alice, src }
}

async function post(path: string, body: Uint8Array | string, key?: string) {
  return fetch(`${server.url}/api/boards/${path}`, { method: 'POST', headers: key ? { 'x-board-key': key } : {}, body: body as BodyInit })
}

it('an archive holds the board, its uploads and the reports, and imports into a new board with the same content', async () => {
  const { board, records } = await boardWithContent()
  expect((await fetch(`${server.url}/api/boards/${board.id}/archive`, { headers: { 'x-board-key': board.editorKey } })).status).toBe(403)
  const response = await fetch(`${server.url}/api/boards/${board.id}/archive`, { headers: { 'x-board-key': board.facilitatorKey } })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('application/zip')
  const zip = new Uint8Array(await response.arrayBuffer())
  const files = unzipSync(zip)
  expect(Object.keys(files).sort()).toEqual(
    expect.arrayContaining(['board.tldr', 'metadata.json', 'report.html', 'report.csv', 'report.md', 'README.txt']),
  )
  const assetFiles = Object.keys(files).filter((f) => f.startsWith('assets/'))
  expect(assetFiles).toHaveLength(1)
  expect(files[assetFiles[0]!]).toEqual(new Uint8Array(PNG_1X1))
  expect(JSON.parse(strFromU8(files['metadata.json']!)).title).toBe('Archive me')

  // Imported into a new board: same records (fresh ids), the upload carried over.
  const imported = await post('import?title=Copy', zip)
  expect(imported.status).toBe(201)
  const copy = (await imported.json()) as { id: string; title: string; links: { editor: string } }
  expect(copy.title).toBe('Copy')
  const reader = client(copy.id, keyFromHash(copy.links.editor.split('#')[1] ?? '')!)
  await reader.synced()
  const got = [...recordsOf(reader).values()]
  expect(got.length).toBe(records.length)
  const strip = (r: Rec) => {
    const { id: _id, parentId: _p, index: _i, ...rest } = r
    const props = { ...(rest.props as Record<string, unknown> | undefined) }
    delete props.assetId
    delete props.src
    return JSON.stringify({ ...rest, props })
  }
  expect(got.map(strip).sort()).toEqual(records.map(strip).sort())
  const asset = got.find((r) => r.typeName === 'asset')!
  const assetSrc = (asset.props as { src: string }).src
  expect(assetSrc).toMatch(new RegExp(`^/api/boards/${copy.id}/assets/[0-9a-f]{64}$`))
  const served = await fetch(server.url + assetSrc, { headers: { 'x-board-key': keyFromHash(copy.links.editor.split('#')[1] ?? '')! } })
  expect(new Uint8Array(await served.arrayBuffer())).toEqual(new Uint8Array(PNG_1X1))
})

it('imports a .tldr as new pages of a board, with fresh ids, twice without collisions', async () => {
  const { board, records, alice } = await boardWithContent()
  const tldr = JSON.stringify({ tldrawFileFormatVersion: 1, schema: createTLSchema().serialize(), records })
  expect((await post(`${board.id}/import`, tldr, board.editorKey)).status).toBe(403)
  for (let i = 0; i < 2; i++) expect((await post(`${board.id}/import`, tldr, board.facilitatorKey)).status).toBe(201)
  await waitFor(() => recordsOf(alice).size === records.length + 2 * (records.length - 1), { message: 'two imports arrived' })
  const pages = [...recordsOf(alice).values()].filter((r) => r.typeName === 'page')
  expect(pages.map((p) => p.name)).toEqual(['Page 1', 'Page 1 (imported)', 'Page 1 (imported)'])
  expect(new Set(pages.map((p) => p.index)).size).toBe(3)
})

it('refuses broken, foreign, oversized and hostile files with a clear message, changing nothing', async () => {
  const { board, records, alice } = await boardWithContent()
  const before = JSON.stringify([...recordsOf(alice).entries()].sort())
  const valid = JSON.stringify({ tldrawFileFormatVersion: 1, schema: createTLSchema().serialize(), records })
  const loop = records.map((r) => (r.typeName === 'shape' && r.id === 'shape:img' ? { ...r, parentId: 'shape:img' } : r))
  const badProps = records.map((r) => (r.id === 'shape:img' ? { ...r, props: { ...(r.props as object), w: 'banana' } } : r))
  const cases: [string, Uint8Array | string, number][] = [
    ['truncated', valid.slice(0, valid.length / 2), 422],
    ['not JSON at all', 'hello, world', 422],
    ['a PNG', new Uint8Array(PNG_1X1), 422],
    ['JSON that is not a board', JSON.stringify({ hello: 'world' }), 422],
    ['a newer file format', JSON.stringify({ tldrawFileFormatVersion: 99, schema: {}, records: [] }), 415],
    ['a shape that is its own parent', JSON.stringify({ tldrawFileFormatVersion: 1, schema: createTLSchema().serialize(), records: loop }), 422],
    ['an invalid shape', JSON.stringify({ tldrawFileFormatVersion: 1, schema: createTLSchema().serialize(), records: badProps }), 422],
    ['a zip without a board', zipSync({ 'hello.txt': strToU8('hi') }), 422],
    ['a damaged zip', zipSync({ 'board.tldr': strToU8(valid) }).slice(0, 60), 422],
    ['a zip whose upload does not match its name', zipSync({ 'board.tldr': strToU8(valid), [`assets/${'0'.repeat(64)}`]: new Uint8Array(PNG_1X1) }), 422],
  ]
  for (const [name, body, status] of cases) {
    const response = await post(`${board.id}/import`, body, board.facilitatorKey)
    expect(response.status, name).toBe(status)
    const json = (await response.json()) as { message: string }
    expect(json.message.length, name).toBeGreaterThan(10)
  }
  await server.close()
  server = await startServer(dir.path, { MAX_BOARD_BYTES: '1000' })
  const tooBig = await post(`${board.id}/import`, valid, board.facilitatorKey)
  expect(tooBig.status).toBe(413)
  // Nothing changed: the same records as before every attempt.
  const reader = client(board.id, board.editorKey)
  await reader.synced()
  expect(JSON.stringify([...recordsOf(reader).entries()].sort())).toBe(before)
})
