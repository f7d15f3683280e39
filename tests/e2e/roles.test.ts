/**
 * Roles in real browsers: a view-only person watches but cannot draw, a participant sees the
 * lock come and go, the share dialog's QR code is the link, replacing a link disconnects the
 * people on it (and the new link works), and deleting a board sends everyone away.
 */
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { PNG } from 'pngjs'
import jsQR from 'jsqr'
import { createBoardOver } from '../helpers/server.ts'
import { openAs, waitForBoard, type Person } from '../helpers/browser.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'
import { drawRectangle } from '../helpers/board.ts'

const suite = useBrowserSuite()
const people = suite.people

async function person(name: string): Promise<Person> {
  const p = await openAs(suite.browser, suite.server.url, name)
  people.push(p)
  return p
}

const shapeCount = (page: Page) => page.locator('.tl-shape[data-shape-type="geo"]').count()

async function open(p: Person, path: string): Promise<void> {
  await p.page.goto(suite.server.url + path)
  await waitForBoard(p.page)
}

/** Reads the QR code shown in an element by screenshotting it. */
async function decodeQr(page: Page, testId: string): Promise<string | undefined> {
  const png = PNG.sync.read(await page.getByTestId(testId).screenshot())
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength), png.width, png.height)?.data
}

it('a view-only person sees the board live but cannot change it through the interface', async () => {
  const board = await createBoardOver(suite.server.url, 'View only')
  const alice = await person('Alice')
  const vera = await person('Vera')
  await open(alice, board.links.facilitator)
  await open(vera, board.links.viewer)
  await expect(vera.page.getByTestId('role').textContent()).resolves.toBe('Viewer')
  await vera.page.getByTestId('viewer-banner').waitFor({ state: 'visible' })

  await drawRectangle(alice.page)
  await expect.poll(() => shapeCount(vera.page), { timeout: 10_000 }).toBe(1)

  // Vera tries the rectangle tool and drags: nothing appears, for her or anyone.
  await drawRectangle(vera.page, 600, 420)
  await expect.poll(() => vera.page.getByTestId('board').getAttribute('data-readonly')).toBe('true')
  // A second rectangle from Alice: once Vera sees it, anything of Vera's would have arrived too.
  await drawRectangle(alice.page, 300, 500)
  await expect.poll(() => shapeCount(vera.page), { timeout: 10_000 }).toBe(2)
  expect(await shapeCount(alice.page)).toBe(2)
  await vera.page.reload()
  await waitForBoard(vera.page)
  await expect.poll(() => shapeCount(vera.page), { timeout: 10_000 }).toBe(2)
})

it('a participant sees the lock appear and disappear, and draws again after it', async () => {
  const board = await createBoardOver(suite.server.url, 'Lock')
  const alice = await person('Alice')
  const bob = await person('Bob')
  await open(alice, board.links.facilitator)
  await open(bob, board.links.editor)

  await alice.page.getByTestId('lock-toggle').click()
  await expect.poll(() => alice.page.getByTestId('lock-toggle').textContent()).toBe('Unlock board')
  const banner = bob.page.getByTestId('locked-banner')
  await banner.waitFor({ state: 'visible', timeout: 10_000 })
  await expect(banner.textContent()).resolves.toContain('Locked by the facilitator')
  await expect(banner.locator('xpath=..').getAttribute('aria-live')).resolves.toBe('polite')

  await drawRectangle(bob.page)
  await drawRectangle(alice.page, 700, 200)
  await expect.poll(() => shapeCount(bob.page), { timeout: 10_000 }).toBe(1)
  expect(await shapeCount(alice.page)).toBe(1)

  await alice.page.getByTestId('lock-toggle').click()
  await banner.waitFor({ state: 'detached', timeout: 10_000 })
  await drawRectangle(bob.page, 300, 450)
  await expect.poll(() => shapeCount(bob.page)).toBe(2)
  await expect.poll(() => shapeCount(alice.page), { timeout: 10_000 }).toBe(2)
})

it("the share dialog shows the three links, and each QR code decodes to its link", async () => {
  const alice = await person('Alice')
  await alice.page.goto(suite.server.url + '/')
  await alice.page.getByLabel('Board title').fill('QR codes')
  await alice.page.getByRole('button', { name: 'Create board' }).click()
  await waitForBoard(alice.page)
  await alice.page.getByTestId('share-button').click()
  const dialog = alice.page.getByTestId('share-dialog')
  const participantLink = await dialog.getByTestId('participant-link').inputValue()
  const viewerLink = await dialog.getByTestId('viewer-link').inputValue()
  const facilitatorLink = await dialog.getByTestId('facilitator-link').inputValue()
  expect(new Set([participantLink, viewerLink, facilitatorLink]).size).toBe(3)
  expect(facilitatorLink).toBe(alice.page.url())
  await expect(dialog.getByTestId('qr-participant').getAttribute('aria-label')).resolves.toBe('QR code of the Participant link')
  expect(await decodeQr(alice.page, 'qr-participant')).toBe(participantLink)
  expect(await decodeQr(alice.page, 'qr-viewer')).toBe(viewerLink)
  // The facilitator's own QR code is only drawn on request (not for a shared screen).
  expect(await dialog.getByTestId('qr-facilitator').count()).toBe(0)
  await dialog.getByRole('button', { name: 'Show QR code' }).click()
  expect(await decodeQr(alice.page, 'qr-facilitator')).toBe(facilitatorLink)
})

it('replacing the participant link disconnects the people on it, and the new link works', async () => {
  const board = await createBoardOver(suite.server.url, 'Replace')
  const alice = await person('Alice')
  const bob = await person('Bob')
  // Alice opens her facilitator link on a device that never saw the board: the participant
  // link is unknown here, so she creates a new one (and is told the old one stops working).
  await open(alice, board.links.facilitator)
  await open(bob, board.links.editor)
  await alice.page.getByTestId('share-button').click()
  const dialog = alice.page.getByTestId('share-dialog')
  await dialog.getByTestId('participant-unknown').waitFor()
  await expect(dialog.getByTestId('link-section-participant').textContent()).resolves.toContain('stop working')
  await dialog.getByTestId('replace-participant').click()

  const closed = bob.page.getByTestId('closed-banner')
  await closed.waitFor({ state: 'visible', timeout: 10_000 })
  await expect(closed.textContent()).resolves.toBe('The facilitator replaced this link; ask for the new one.')
  await expect.poll(() => bob.page.getByTestId('board').getAttribute('data-readonly')).toBe('true')

  // Bob pastes the new link into the same tab (only the fragment changes: no page load).
  const secondLink = await dialog.getByTestId('participant-link').inputValue()
  expect(secondLink).not.toBe(suite.server.url + board.links.editor)
  await bob.page.goto(secondLink)
  await closed.waitFor({ state: 'detached', timeout: 10_000 })
  await waitForBoard(bob.page)
  await expect.poll(() => bob.page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('saved')
  await expect(bob.page.getByTestId('role').textContent()).resolves.toBe('Participant')

  // Now known on this device: replacing asks first, then disconnects Bob again.
  await dialog.getByTestId('replace-participant').click()
  await dialog.getByTestId('confirm-replace-participant').click()
  await expect.poll(() => dialog.getByTestId('participant-link').inputValue()).not.toBe(secondLink)
  await closed.waitFor({ state: 'visible', timeout: 10_000 })
  const thirdLink = await dialog.getByTestId('participant-link').inputValue()
  await bob.page.reload()
  await bob.page.getByTestId('board-invalid-link').waitFor({ state: 'visible' })
  await bob.page.goto(thirdLink)
  await waitForBoard(bob.page)
  await expect(bob.page.getByTestId('role').textContent()).resolves.toBe('Participant')
})

it('deleting a board asks twice, sends the facilitator home with a message and tells the others', async () => {
  const board = await createBoardOver(suite.server.url, 'To delete')
  const alice = await person('Alice')
  const bob = await person('Bob')
  await open(alice, board.links.facilitator)
  await open(bob, board.links.editor)
  await alice.page.getByTestId('settings-button').click()
  await alice.page.getByTestId('delete-board').click()
  await alice.page.getByTestId('confirm-delete-board').click()
  await alice.page.waitForURL(suite.server.url + '/')
  await expect(alice.page.getByTestId('flash').textContent()).resolves.toContain('The board was deleted')
  const closed = bob.page.getByTestId('closed-banner')
  await closed.waitFor({ state: 'visible', timeout: 10_000 })
  await expect(closed.textContent()).resolves.toContain('The facilitator deleted this board.')
  expect((await fetch(`${suite.server.url}/api/boards/${board.id}`)).status).toBe(404)
})
