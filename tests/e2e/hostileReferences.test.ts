/**
 * Hostile references in the document: a raw y-websocket client with an editor key writes
 * records that are valid one by one but that tldraw cannot live with once in the store (a
 * shape that is its own parent, two shapes each other's parent, an arrow binding from a
 * rectangle to nothing). Before client/sync checked references, the first froze every browser
 * on the board and the last made the whole change, valid shape included, vanish everywhere.
 * Now they are skipped and reported, and the board keeps working. A shape whose parent is
 * missing is another matter: tldraw lives with it, and it shows once the parent arrives.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'
import { createBoardOver, startServer, type TestServer } from '../helpers/server.ts'
import { drawRectangle, geoShape, shapeCount, statusOf } from '../helpers/board.ts'
import { launchBrowser, openAs, waitForBoard } from '../helpers/browser.ts'
import { connectClient } from '../helpers/clients.ts'
import { waitFor } from '../helpers/waitFor.ts'
import { DocKeys } from '../../shared/protocol.ts'

let dir: TmpDir
let server: TestServer
let browser: Browser

beforeAll(async () => {
  dir = await createTmpDir()
  server = await startServer(dir.path)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await dir?.remove()
})

it('records valid on their own that tldraw cannot live with are skipped and reported too', async () => {
  const board = await createBoardOver(server.url, 'Hostile references')
  const ana = await openAs(browser, server.url, 'Ana')
  await ana.page.goto(server.url + board.links.facilitator)
  await waitForBoard(ana.page)
  await expect.poll(() => statusOf(ana.page)).toBe('saved')

  const client = connectClient(server.url, board.id, board.editorKey)
  try {
    await client.synced()
    const kv = new YKeyValue<unknown>(client.doc.getArray(DocKeys.records))
    await waitFor(() => kv.has('page:page'), { message: 'the raw client sees the board' })
    client.doc.transact(() => {
      kv.set('shape:loop-a', { ...geoShape('shape:loop-a', 100, 100), parentId: 'shape:loop-b' })
      kv.set('shape:loop-b', { ...geoShape('shape:loop-b', 100, 100), parentId: 'shape:loop-a' })
      kv.set('shape:self', { ...geoShape('shape:self', 100, 100), parentId: 'shape:self' })
      kv.set('binding:from-a-rectangle', {
        id: 'binding:from-a-rectangle',
        typeName: 'binding',
        type: 'arrow',
        fromId: 'shape:valid',
        toId: 'shape:nothing',
        props: { terminal: 'end', normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' },
        meta: {},
      })
      kv.set('shape:valid', geoShape('shape:valid', 700, 200))
    })
    await expect.poll(() => ana.page.locator('.tl-shape[data-shape-id="shape:valid"]').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => ana.page.getByTestId('invalid-records').textContent()).toMatch(/^4 item/)
    await drawRectangle(ana.page, 300, 250)
    await expect.poll(() => shapeCount(ana.page, 'geo')).toBe(2)
    expect(ana.pageErrors).toEqual([])
  } finally {
    client.destroy()
  }
})

it('a shape whose frame is not on the board yet is kept, and shows in the frame once it arrives', async () => {
  const board = await createBoardOver(server.url, 'Frame arriving later')
  const ana = await openAs(browser, server.url, 'Ana')
  await ana.page.goto(server.url + board.links.facilitator)
  await waitForBoard(ana.page)
  await expect.poll(() => statusOf(ana.page)).toBe('saved')

  const client = connectClient(server.url, board.id, board.editorKey)
  try {
    await client.synced()
    const kv = new YKeyValue<unknown>(client.doc.getArray(DocKeys.records))
    await waitFor(() => kv.has('page:page'), { message: 'the raw client sees the board' })
    kv.set('shape:child', { ...geoShape('shape:child', 40, 40), parentId: 'shape:frame-later' })
    kv.set('shape:beside', geoShape('shape:beside', 700, 200))
    // The shape beside it shows; the child, on no page yet, does not, and nothing breaks.
    await expect.poll(() => ana.page.locator('.tl-shape[data-shape-id="shape:beside"]').count(), { timeout: 10_000 }).toBe(1)
    expect(await ana.page.locator('.tl-shape[data-shape-id="shape:child"]').count()).toBe(0)
    await drawRectangle(ana.page, 300, 450)
    await expect.poll(() => shapeCount(ana.page, 'geo')).toBe(2)

    kv.set('shape:frame-later', {
      id: 'shape:frame-later',
      typeName: 'shape',
      type: 'frame',
      x: 200,
      y: 100,
      rotation: 0,
      index: 'a6',
      parentId: 'page:page',
      isLocked: false,
      opacity: 1,
      meta: {},
      props: { w: 300, h: 200, name: 'Stage 1', color: 'black' },
    })
    await expect.poll(() => ana.page.locator('.tl-shape[data-shape-id="shape:child"]').count(), { timeout: 10_000 }).toBe(1)
    expect(await ana.page.locator('.tl-shape[data-shape-id="shape:frame-later"]').count()).toBe(1)
    await expect.poll(() => statusOf(ana.page), { timeout: 10_000 }).toBe('saved')
    expect(await ana.page.getByTestId('invalid-records').count()).toBe(0)
    expect(ana.pageErrors).toEqual([])
  } finally {
    client.destroy()
  }
})
