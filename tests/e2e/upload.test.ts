/**
 * An image inserted in one browser appears in another: uploaded to the server through the
 * asset store, with only its URL in the shared document, never a data: URL.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { KEY_HEADER } from '../../shared/api.ts'
import { assetSessionPath, assetsPath, type UploadAssetResponse } from '../../shared/assets.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { createBoardOver } from '../helpers/server.ts'
import { openAs, waitForBoard } from '../helpers/browser.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'
import { makePng } from '../fixtures/media.ts'

const suite = useBrowserSuite()
const people = suite.people

/** Width in pixels of each loaded image shape's picture (0 while loading or when refused). */
function imageWidths(page: Page): Promise<number[]> {
  return page.locator('.tl-shape[data-shape-type="image"] img.tl-image').evaluateAll((images) =>
    images.map((img) => (img as HTMLImageElement).naturalWidth),
  )
}

async function insertImage(page: Page, name: string, buffer: Buffer): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('tools.asset').click()])
  await chooser.setFiles({ name, mimeType: 'image/png', buffer })
}

/** The asset records of the board as the server holds them. */
function assetRecordsOnServer(boardId: string): { id: string; props: { src: string | null; mimeType: string } }[] {
  const doc = suite.server.server.rooms.loaded(boardId)?.doc
  const entries = (doc?.getArray(DocKeys.records).toJSON() ?? []) as { key: string; val: { typeName?: string } }[]
  return entries.filter((e) => e.val.typeName === 'asset').map((e) => e.val as never)
}

it('Alice inserts an image, Bob sees it, and the document carries a URL, not the file', async () => {
  const board = await createBoardOver(suite.server.url, 'Service blueprint')
  const alice = await openAs(suite.browser, suite.server.url, 'Alice')
  const bob = await openAs(suite.browser, suite.server.url, 'Bob')
  people.push(alice, bob)
  await alice.page.goto(suite.server.url + board.links.facilitator)
  await bob.page.goto(suite.server.url + board.links.editor)
  await Promise.all([waitForBoard(alice.page), waitForBoard(bob.page)])
  await expect
    .poll(() => alice.page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 15_000 })
    .toBe('saved')

  // The toolbar's media button opens the file picker; Alice picks a photo of the workshop wall.
  await insertImage(alice.page, 'workshop wall.png', makePng(320, 200, [47, 158, 68]))

  await expect.poll(() => imageWidths(alice.page), { timeout: 15_000 }).toEqual([320])
  await expect.poll(() => imageWidths(bob.page), { timeout: 15_000 }).toEqual([320])

  // The shared document holds the asset as a path on this server, and nothing as a data: URL.
  await expect.poll(() => assetRecordsOnServer(board.id).map((a) => a.props.src)).toEqual([
    expect.stringMatching(/^\/api\/boards\/[A-Za-z0-9_-]{16}\/assets\/[0-9a-f]{64}$/),
  ])
  const doc = suite.server.server.rooms.loaded(board.id)?.doc
  expect(JSON.stringify(doc?.getArray(DocKeys.records).toJSON())).not.toContain('data:')
  expect(await readdir(join(suite.dir.path, 'assets', board.id))).toHaveLength(1)

  // Bob's browser loaded it from our server with the cookie it got when opening the board.
  const src = assetRecordsOnServer(board.id)[0]?.props.src ?? ''
  const status = await bob.page.evaluate((url) => fetch(url).then((r) => r.status), src)
  expect(status).toBe(200)

  // A reload shows it again (from the browser's cache or the server, with a fresh cookie).
  await bob.page.reload()
  await waitForBoard(bob.page)
  await expect.poll(() => imageWidths(bob.page), { timeout: 15_000 }).toEqual([320])

  for (const person of people) {
    expect(person.outsideRequests).toEqual([])
    expect(person.pageErrors).toEqual([])
  }
})

it('someone without a key of the board cannot load its images', async () => {
  const board = await createBoardOver(suite.server.url, 'Private')
  const alice = await openAs(suite.browser, suite.server.url, 'Alice')
  people.push(alice)
  await alice.page.goto(suite.server.url + board.links.editor)
  await waitForBoard(alice.page)
  await insertImage(alice.page, 'map.png', makePng(50, 40))
  await expect.poll(() => assetRecordsOnServer(board.id)[0]?.props.src, { timeout: 15_000 }).toMatch(/^\/api\/boards\//)
  const src = assetRecordsOnServer(board.id)[0]?.props.src ?? ''

  const stranger = await openAs(suite.browser, suite.server.url, 'Mallory')
  people.push(stranger)
  await stranger.page.goto(suite.server.url + '/')
  const status = await stranger.page.evaluate((url) => fetch(url).then((r) => r.status), src)
  expect(status).toBe(403)
  // Alice, who has the key, can.
  expect(await alice.page.evaluate((url) => fetch(url).then((r) => r.status), src)).toBe(200)
})

it('an SVG shows as a picture but opening its address downloads it instead of running it', async () => {
  const created = await suite.server.server.boards.create('Icons')
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><style>rect{fill:#ff0000}</style>' +
    '<rect width="40" height="30"/><script>document.title="ran"</script></svg>'
  const uploaded = await fetch(suite.server.url + assetsPath(created.record.id), {
    method: 'POST',
    headers: { [KEY_HEADER]: created.keys.editor },
    body: svg,
  }).then((r) => r.json() as Promise<UploadAssetResponse>)
  const carol = await openAs(suite.browser, suite.server.url, 'Carol')
  people.push(carol)
  await carol.page.goto(suite.server.url + '/')
  // As an image (what tldraw does): drawn with its styles.
  const pixel = await carol.page.evaluate(
    async ({ session, src, key }) => {
      await fetch(session, { method: 'POST', headers: { 'x-board-key': key } })
      const img = new Image()
      img.src = src
      await img.decode()
      const canvas = document.createElement('canvas')
      canvas.width = 40
      canvas.height = 30
      const context = canvas.getContext('2d')
      context?.drawImage(img, 0, 0)
      return Array.from(context?.getImageData(20, 15, 1, 1).data ?? [])
    },
    { session: assetSessionPath(created.record.id), src: uploaded.src, key: created.keys.editor },
  )
  expect(pixel).toEqual([255, 0, 0, 255])
  // As a page: the browser downloads it; it never renders (or runs) on our origin.
  const [download] = await Promise.all([carol.page.waitForEvent('download'), carol.page.goto(suite.server.url + uploaded.src).catch(() => null)])
  expect(download.suggestedFilename()).toBe(`${uploaded.hash}.svg`)
})
