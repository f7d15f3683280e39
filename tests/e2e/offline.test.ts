/**
 * Offline work in a real browser: a person draws while the server is down, closes the tab,
 * and the drawing is still theirs when they come back (kept in IndexedDB), merged with what
 * the others did meanwhile, and it reaches the others once the server is back.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'
import { createBoardOver, startServer, type TestServer } from '../helpers/server.ts'
import { drawRectangle, drawStroke, shapeCount, statusOf } from '../helpers/board.ts'
import { launchBrowser, openAs, waitForBoard } from '../helpers/browser.ts'

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

const statusText = (page: Page) => page.getByTestId('connection-status').textContent()

/**
 * Waits until the writes already started on the board's IndexedDB copy have completed: a
 * read-only transaction starts only after the read-write ones created before it on the same
 * stores have finished.
 */
async function deviceCopyWritten(page: Page, boardId: string): Promise<void> {
  await page.evaluate(
    (name) =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open(name)
        request.onerror = () => reject(request.error)
        request.onsuccess = () => {
          const db = request.result
          const tx = db.transaction(['updates', 'custom'], 'readonly')
          tx.objectStore('updates').count()
          tx.oncomplete = () => {
            db.close()
            resolve()
          }
          tx.onerror = () => reject(tx.error)
        }
      }),
    `codesign:${boardId}`,
  )
}

/** A new tab in the person's browser (same IndexedDB), its errors collected. */
async function newTab(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage()
  page.on('pageerror', (error) => errors.push(String(error)))
  return page
}

it('a drawing made offline survives closing the tab, merges with what others did meanwhile, and reaches them', async () => {
  const board = await createBoardOver(server.url, 'Offline work')
  const ana = await openAs(browser, server.url, 'Ana')
  const ben = await openAs(browser, server.url, 'Ben')
  await ana.page.goto(server.url + board.links.facilitator)
  await ben.page.goto(server.url + board.links.editor)
  await Promise.all([waitForBoard(ana.page), waitForBoard(ben.page)])
  await expect.poll(() => statusOf(ana.page)).toBe('saved')
  await expect.poll(() => statusOf(ben.page)).toBe('saved')

  // The server goes away. Ana keeps drawing; the status says how much is not yet sent.
  const port = server.port
  await server.close()
  await expect.poll(() => statusOf(ana.page)).toBe('offline')
  await drawRectangle(ana.page, 400, 300)
  await expect.poll(() => shapeCount(ana.page, 'geo')).toBe(1)
  await expect.poll(() => statusText(ana.page)).toMatch(/^Offline: 1 change not yet sent/)
  await expect(ana.page.getByTestId('connection-status').getAttribute('data-pending')).resolves.toBe('1')
  // She closes the tab (her browser stays: closing the context would drop its IndexedDB).
  await deviceCopyWritten(ana.page, board.id)
  await ana.page.close()

  // The server is back; Ben, who kept his tab open, reconnects and the board moves on.
  server = await startServer(dir.path, {}, port)
  await expect.poll(() => statusOf(ben.page), { timeout: 20_000 }).toBe('saved')
  await drawStroke(ben.page, 300, 550)
  await expect.poll(() => shapeCount(ben.page, 'draw')).toBe(1)
  await expect.poll(() => statusOf(ben.page), { timeout: 10_000 }).toBe('saved')
  expect(await shapeCount(ben.page, 'geo')).toBe(0)

  // Ana opens the board where the page loads but the live connection cannot be made: after a
  // short wait the board shows from her device's copy, with her unsent change still counted.
  const errors: string[] = []
  const cutOff = await newTab(ana.context, errors)
  await cutOff.routeWebSocket(/\/ws\//, (ws) => ws.close({ code: 1013, reason: 'cut off by the test' }))
  await cutOff.goto(server.url + board.links.facilitator)
  await waitForBoard(cutOff)
  await expect.poll(() => shapeCount(cutOff, 'geo')).toBe(1)
  await expect.poll(() => statusText(cutOff)).toMatch(/^Offline: 1 change not yet sent/)
  expect(await shapeCount(cutOff, 'draw')).toBe(0)
  await cutOff.close()

  // She opens it again with the connection working: her rectangle is there next to Ben's
  // stroke, it reaches Ben, and the server confirms it is stored.
  const back = await newTab(ana.context, errors)
  await back.goto(server.url + board.links.facilitator)
  await waitForBoard(back)
  await expect.poll(() => shapeCount(back, 'geo'), { timeout: 10_000 }).toBe(1)
  await expect.poll(() => shapeCount(back, 'draw'), { timeout: 10_000 }).toBe(1)
  await expect.poll(() => shapeCount(ben.page, 'geo'), { timeout: 10_000 }).toBe(1)
  await expect.poll(() => statusOf(back), { timeout: 10_000 }).toBe('saved')
  await expect.poll(() => statusText(back)).toBe('All changes saved')

  // A new person, on a device that never saw the board, gets it from the server.
  const cara = await openAs(browser, server.url, 'Cara')
  await cara.page.goto(server.url + board.links.editor)
  await waitForBoard(cara.page)
  await expect.poll(() => shapeCount(cara.page, 'geo'), { timeout: 10_000 }).toBe(1)
  await expect.poll(() => shapeCount(cara.page, 'draw'), { timeout: 10_000 }).toBe(1)

  expect(errors).toEqual([])
  for (const person of [ana, ben, cara]) {
    expect(person.pageErrors).toEqual([])
    expect(person.outsideRequests).toEqual([])
  }
  await Promise.all([ana.context.close(), ben.context.close(), cara.context.close()])
})

it('an erased shape counts as a change not yet sent until the server confirms it after it arrived', async () => {
  const board = await createBoardOver(server.url, 'Erasing offline')
  const ana = await openAs(browser, server.url, 'Ana')
  const ben = await openAs(browser, server.url, 'Ben')
  await ana.page.goto(server.url + board.links.facilitator)
  await ben.page.goto(server.url + board.links.editor)
  await Promise.all([waitForBoard(ana.page), waitForBoard(ben.page)])
  await drawRectangle(ana.page, 400, 300)
  await expect.poll(() => shapeCount(ben.page, 'geo'), { timeout: 10_000 }).toBe(1)
  await expect.poll(() => statusOf(ana.page), { timeout: 10_000 }).toBe('saved')

  const port = server.port
  await server.close()
  await expect.poll(() => statusOf(ana.page)).toBe('offline')
  // Select all and delete: a change that removes only, which moves no Yjs clock.
  await ana.page.keyboard.press('Escape')
  await ana.page.keyboard.press('Control+a')
  await ana.page.keyboard.press('Delete')
  await expect.poll(() => shapeCount(ana.page, 'geo')).toBe(0)
  await expect.poll(() => statusText(ana.page)).toMatch(/^Offline: 1 change not yet sent/)

  server = await startServer(dir.path, {}, port)
  await expect.poll(() => shapeCount(ben.page, 'geo'), { timeout: 20_000 }).toBe(0)
  await expect.poll(() => statusOf(ana.page), { timeout: 10_000 }).toBe('saved')
  expect(ana.pageErrors).toEqual([])
  expect(ben.pageErrors).toEqual([])
  await Promise.all([ana.context.close(), ben.context.close()])
})
