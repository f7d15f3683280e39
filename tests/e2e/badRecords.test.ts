/**
 * Hostile input in the document: a raw y-websocket client with an editor key writes records
 * tldraw cannot read into a board two people have open in their browsers. They keep working,
 * the bad records are skipped and the skipping is shown, and a valid record written the same
 * way appears.
 */
import { afterAll, expect, it } from 'vitest'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { createBoardOver } from '../helpers/server.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'
import { drawRectangle, geoShape, shapeCount, statusOf } from '../helpers/board.ts'
import { openAs, waitForBoard } from '../helpers/browser.ts'
import { connectClient, type TestClient } from '../helpers/clients.ts'
import { waitFor } from '../helpers/waitFor.ts'
import { DocKeys } from '../../shared/protocol.ts'

const suite = useBrowserSuite()
let raw: TestClient | undefined

afterAll(() => raw?.destroy())

it('records tldraw cannot read are skipped and reported, and the board keeps working for everyone', async () => {
  const board = await createBoardOver(suite.server.url, 'Hostile records')
  const ana = await openAs(suite.browser, suite.server.url, 'Ana')
  const ben = await openAs(suite.browser, suite.server.url, 'Ben')
  await ana.page.goto(suite.server.url + board.links.facilitator)
  await waitForBoard(ana.page)
  await expect.poll(() => statusOf(ana.page)).toBe('saved')
  await ben.page.goto(suite.server.url + board.links.editor)
  await waitForBoard(ben.page)
  await drawRectangle(ana.page, 300, 250)
  await expect.poll(() => shapeCount(ben.page, 'geo'), { timeout: 10_000 }).toBe(1)
  const anaShapeId = await ana.page.locator('.tl-shape[data-shape-type="geo"]').first().getAttribute('data-shape-id')
  expect(anaShapeId).toMatch(/^shape:/)

  // The raw client joins with the participant key and writes straight into the records array.
  raw = connectClient(suite.server.url, board.id, board.editorKey)
  await raw.synced()
  const kv = new YKeyValue<unknown>(raw.doc.getArray(DocKeys.records))
  await waitFor(() => kv.has(anaShapeId!), { message: 'the raw client sees the board' })
  const bad: [string, unknown][] = [
    ['shape:banana', geoShape('shape:banana', 100, 100, { w: 'banana' })],
    ['widget:w1', { id: 'widget:w1', typeName: 'widget', x: 1 }],
    ['shape:garbage', 'garbage'],
    ['shape:number', 42],
    ['shape:array', [1, 2, 3]],
    ['shape:null', null],
    ['constructor', { id: 'constructor', typeName: 'constructor' }],
    ['instance:intruder', { id: 'instance:intruder', typeName: 'instance' }],
    ['shape:liar', geoShape('shape:someone-else', 100, 100)],
    // Ana's rectangle overwritten with a value tldraw refuses: everyone keeps the last good one.
    [anaShapeId!, { ...geoShape(anaShapeId!, 300, 250), props: { geo: 'rectangle', w: -5, h: 'tall' } }],
  ]
  raw.doc.transact(() => {
    for (const [key, value] of bad) kv.set(key, value)
    kv.set('shape:valid', geoShape('shape:valid', 700, 200))
  })

  for (const page of [ana.page, ben.page]) {
    // The valid one appears; the refused ones are reported, once each.
    await expect.poll(() => page.locator('.tl-shape[data-shape-id="shape:valid"]').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => page.getByTestId('invalid-records').textContent()).toBe(`${bad.length} item(s) on this board could not be shown and were skipped.`)
    await expect.poll(() => shapeCount(page, 'geo')).toBe(2)
    expect(await page.locator(`.tl-shape[data-shape-id="${anaShapeId}"]`).count()).toBe(1)
  }

  // Both keep working: Ben draws, Ana sees it; Ana draws, Ben sees it; all is saved.
  await drawRectangle(ben.page, 500, 450)
  await expect.poll(() => shapeCount(ana.page, 'geo'), { timeout: 10_000 }).toBe(3)
  await drawRectangle(ana.page, 800, 450)
  await expect.poll(() => shapeCount(ben.page, 'geo'), { timeout: 10_000 }).toBe(4)
  await expect.poll(() => statusOf(ana.page), { timeout: 10_000 }).toBe('saved')
  await expect.poll(() => statusOf(ben.page), { timeout: 10_000 }).toBe('saved')

  // Someone opening the board afterwards gets the good records and the same report.
  const cara = await openAs(suite.browser, suite.server.url, 'Cara')
  await cara.page.goto(suite.server.url + board.links.editor)
  await waitForBoard(cara.page)
  await expect.poll(() => shapeCount(cara.page, 'geo'), { timeout: 10_000 }).toBe(3)
  await expect.poll(() => cara.page.getByTestId('invalid-records').textContent()).toMatch(/could not be shown/)

  // Checked when the file's tests are done: no error in their pages, no request to another host.
  suite.people.push(ana, ben, cara)
})
