/**
 * Freehand strokes between two browsers: while Alice draws, Bob sees her stroke grow (it
 * travels as small edits of its points, see shared/docRecords.ts); when she lifts the pen he
 * has the finished shape, as does the document. A stroke left unfinished by someone whose tab
 * closed mid-stroke is still on everyone's board and in the board's archive. Whatever a hostile
 * client puts in place of a stroke is skipped and reported, and the shape shown as its record
 * holds it.
 */
import { afterAll, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { strFromU8, unzipSync } from 'fflate'
import * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { b64Vecs } from '@tldraw/tlschema'
import { createBoardOver } from '../helpers/server.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'
import { shapeCount, statusOf } from '../helpers/board.ts'
import { openAs, waitForBoard, type Person } from '../helpers/browser.ts'
import { connectClient, type TestClient } from '../helpers/clients.ts'
import { waitFor } from '../helpers/waitFor.ts'
import { readMergedRecords } from '../../shared/docRecords.ts'
import { DocKeys } from '../../shared/protocol.ts'

const suite = useBrowserSuite()
let raw: TestClient | undefined

afterAll(() => raw?.destroy())

type Board = Awaited<ReturnType<typeof createBoardOver>>
type DrawRecord = { id: string; type: string; props: { isComplete: boolean; segments: { path: string }[] } }

async function openBoth(board: Board): Promise<{ alice: Person; bob: Person }> {
  const alice = await openAs(suite.browser, suite.server.url, 'Alice')
  const bob = await openAs(suite.browser, suite.server.url, 'Bob')
  await alice.page.goto(suite.server.url + board.links.facilitator)
  await waitForBoard(alice.page)
  await expect.poll(() => statusOf(alice.page)).toBe('saved')
  await bob.page.goto(suite.server.url + board.links.editor)
  await waitForBoard(bob.page)
  return { alice, bob }
}

/** Moves the pressed pointer along a wave from `x` to `x + 10 * steps`. */
async function drawAlong(page: Page, x: number, y: number, steps: number): Promise<void> {
  for (let i = 1; i <= steps; i++) await page.mouse.move(x + i * 10, y + Math.round(30 * Math.sin(i / 3)))
}

/** The width, in pixels, of the draw shape on `page` (0 while there is none). */
async function strokeWidth(page: Page): Promise<number> {
  const shape = page.locator('.tl-shape[data-shape-type="draw"]')
  if ((await shape.count()) !== 1) return 0
  return (await shape.boundingBox())?.width ?? 0
}

function drawsIn(client: TestClient): DrawRecord[] {
  return [...readMergedRecords(client.doc).values()].filter((r): r is DrawRecord => (r as DrawRecord | null)?.type === 'draw')
}

it('Bob sees Alice’s stroke grow while she draws, and the finished shape once she lifts the pen', async () => {
  const board = await createBoardOver(suite.server.url, 'Drawing together')
  const { alice, bob } = await openBoth(board)
  raw = connectClient(suite.server.url, board.id, board.editorKey)
  await raw.synced()

  await alice.page.keyboard.press('d')
  await alice.page.mouse.move(300, 400)
  await alice.page.mouse.down()
  await drawAlong(alice.page, 300, 400, 20)
  // The pen is still down: Bob already sees the stroke, and sees it grow.
  await expect.poll(() => shapeCount(bob.page, 'draw'), { timeout: 10_000 }).toBe(1)
  await expect.poll(() => strokeWidth(bob.page), { timeout: 10_000 }).toBeGreaterThan(150)
  const before = await strokeWidth(bob.page)
  await drawAlong(alice.page, 500, 400, 30)
  await expect.poll(() => strokeWidth(bob.page), { timeout: 10_000 }).toBeGreaterThan(before + 200)
  // Unfinished, it travels as a stroke beside its record.
  await expect.poll(() => raw!.doc.getMap(DocKeys.strokes).size, { timeout: 10_000 }).toBe(1)
  expect(drawsIn(raw)).toMatchObject([{ props: { isComplete: false } }])

  await alice.page.mouse.up()
  await expect.poll(() => drawsIn(raw!).map((r) => r.props.isComplete), { timeout: 10_000 }).toEqual([true])
  expect(raw.doc.getMap(DocKeys.strokes).size).toBe(0)
  await expect.poll(() => strokeWidth(bob.page)).toBeCloseTo(await strokeWidth(alice.page), 0)
  expect(await shapeCount(bob.page, 'draw')).toBe(1)

  // Alice's undo takes the stroke from both boards; redo brings it back, finished.
  await alice.page.keyboard.press('Control+z')
  await expect.poll(() => shapeCount(bob.page, 'draw'), { timeout: 10_000 }).toBe(0)
  await alice.page.keyboard.press('Control+Shift+z')
  await expect.poll(() => shapeCount(bob.page, 'draw'), { timeout: 10_000 }).toBe(1)
  await expect.poll(() => drawsIn(raw!).map((r) => r.props.isComplete), { timeout: 10_000 }).toEqual([true])
  await expect.poll(() => statusOf(alice.page), { timeout: 10_000 }).toBe('saved')

  // Checked when the file's tests are done: no error in their pages, no request to another host.
  suite.people.push(alice, bob)
  await alice.context.close()
  await bob.context.close()
  raw.destroy()
  raw = undefined
})

it('a stroke left unfinished by someone whose tab closed stays on the board and in its archive', async () => {
  const board = await createBoardOver(suite.server.url, 'Unfinished stroke')
  const { alice, bob } = await openBoth(board)
  await alice.page.keyboard.press('d')
  await alice.page.mouse.move(300, 300)
  await alice.page.mouse.down()
  await drawAlong(alice.page, 300, 300, 40)
  await expect.poll(() => strokeWidth(bob.page), { timeout: 10_000 }).toBeGreaterThan(300)
  const seenByBob = await strokeWidth(bob.page)
  // Alice's tab goes away with the pen still down.
  await alice.context.close()

  // The stroke stays on Bob's board, and on the board of someone who opens it afterwards.
  const cara = await openAs(suite.browser, suite.server.url, 'Cara')
  await cara.page.goto(suite.server.url + board.links.editor)
  await waitForBoard(cara.page)
  await expect.poll(() => shapeCount(cara.page, 'draw'), { timeout: 10_000 }).toBe(1)
  await expect.poll(() => strokeWidth(cara.page), { timeout: 10_000 }).toBeGreaterThanOrEqual(seenByBob - 1)
  expect(await shapeCount(bob.page, 'draw')).toBe(1)

  // The archive's board file holds it with all its points, not the one it started with.
  const response = await fetch(`${suite.server.url}/api/boards/${board.id}/archive`, { headers: { 'x-board-key': board.facilitatorKey } })
  expect(response.status).toBe(200)
  const files = unzipSync(new Uint8Array(await response.arrayBuffer()))
  const tldr = JSON.parse(strFromU8(files['board.tldr'] ?? new Uint8Array())) as { records: DrawRecord[] }
  const draws = tldr.records.filter((r) => r.type === 'draw')
  expect(draws).toHaveLength(1)
  expect(draws[0]?.props.isComplete).toBe(false)
  // 40 points of 4 bytes after the first: well over 200 base64 characters.
  expect(draws[0]?.props.segments[0]?.path.length).toBeGreaterThan(200)

  // Checked when the file's tests are done: no error in their pages, no request to another host.
  suite.people.push(bob, cara)
  await bob.context.close()
  await cara.context.close()
})

/** A draw shape being drawn, as tldraw writes it: `n` points of a line going right. */
function drawShape(id: string, x: number, y: number, n: number): Record<string, unknown> {
  const points = Array.from({ length: n }, (_, i) => ({ x: i * 10, y: 0, z: 0.5 }))
  return {
    id,
    typeName: 'shape',
    type: 'draw',
    x,
    y,
    rotation: 0,
    index: 'a5',
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      color: 'red',
      fill: 'none',
      dash: 'draw',
      size: 'm',
      segments: [{ type: 'free', path: b64Vecs.encodePoints(points, 2), dim: 2 }],
      isComplete: false,
      isClosed: false,
      isPen: false,
      scale: 1,
      scaleX: 1,
      scaleY: 1,
    },
  }
}

it('what a hostile client puts in place of a stroke is skipped and reported, and the board keeps working', async () => {
  const board = await createBoardOver(suite.server.url, 'Hostile strokes')
  const { alice, bob } = await openBoth(board)
  raw = connectClient(suite.server.url, board.id, board.editorKey)
  await raw.synced()
  const kv = new YKeyValue<unknown>(raw.doc.getArray(DocKeys.records))
  await waitFor(() => kv.has('page:page'), { message: 'the raw client sees the board' })
  const strokes = raw.doc.getMap<unknown>(DocKeys.strokes)
  const hostile: [string, unknown][] = [
    ['shape:notjson', new Y.Text('[{"type":"free","path":')],
    ['shape:number', 42],
    ['shape:wiggly', new Y.Text('[{"type":"wiggly","path":"AAAA"}]')],
    ['shape:huge', new Y.Text(`[{"type":"free","path":"${'A'.repeat(1024 * 1024)}"}]`)],
  ]
  raw.doc.transact(() => {
    for (const [i, [key, value]] of hostile.entries()) {
      kv.set(key, drawShape(key, 200, 150 + i * 80, 20))
      strokes.set(key, value)
    }
    // A stroke with no shape: nothing to show, nothing to report.
    strokes.set('shape:orphan', new Y.Text(JSON.stringify(drawShape('x', 0, 0, 5).props)))
    // A valid stroke: its points are shown, beyond those of its record.
    kv.set('shape:valid', drawShape('shape:valid', 200, 500, 2))
    strokes.set('shape:valid', new Y.Text(JSON.stringify((drawShape('x', 0, 0, 40).props as { segments: unknown }).segments)))
  })

  for (const page of [alice.page, bob.page]) {
    // Every shape shows as its record holds it; the one valid stroke shows whole (390 px long).
    await expect.poll(() => shapeCount(page, 'draw'), { timeout: 10_000 }).toBe(hostile.length + 1)
    await expect
      .poll(async () => (await page.locator('.tl-shape[data-shape-id="shape:valid"]').boundingBox())?.width ?? 0, { timeout: 10_000 })
      .toBeGreaterThan(300)
    await expect.poll(() => page.getByTestId('invalid-records').textContent(), { timeout: 10_000 }).toBe(
      `${hostile.length} item(s) on this board could not be shown and were skipped.`,
    )
    expect(await page.locator('.tl-shape[data-shape-id="shape:orphan"]').count()).toBe(0)
  }

  // Both keep drawing, and see each other's strokes.
  await alice.page.keyboard.press('d')
  await alice.page.mouse.move(700, 300)
  await alice.page.mouse.down()
  await drawAlong(alice.page, 700, 300, 10)
  await alice.page.mouse.up()
  await expect.poll(() => shapeCount(bob.page, 'draw'), { timeout: 10_000 }).toBe(hostile.length + 2)
  await expect.poll(() => statusOf(alice.page), { timeout: 10_000 }).toBe('saved')
  // Checked when the file's tests are done: no error in their pages, no request to another host.
  suite.people.push(alice, bob)
})
