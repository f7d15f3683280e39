/**
 * Versions in real browsers: the facilitator saves a named version, a participant changes the
 * board, the facilitator previews the version (read-only, the live board untouched) and
 * restores it: the participant's screen shows the restored board, and restoring the backup
 * the server saved first brings the change back.
 */
import { expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { createBoardOver } from '../helpers/server.ts'
import { openAs, waitForBoard, type Person } from '../helpers/browser.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'

const suite = useBrowserSuite()
const people = suite.people

async function person(name: string, link: string, viewport?: { width: number; height: number }): Promise<Person> {
  const p = await openAs(suite.browser, suite.server.url, name, viewport)
  people.push(p)
  await p.page.goto(suite.server.url + link)
  await waitForBoard(p.page)
  return p
}

async function drawRectangle(page: Page, x: number, y: number, { thenEscape = true } = {}): Promise<void> {
  await page.keyboard.press('r')
  await page.mouse.move(x, y)
  await page.mouse.down()
  await page.mouse.move(x + 60, y + 40, { steps: 4 })
  await page.mouse.move(x + 120, y + 80, { steps: 4 })
  await page.mouse.up()
  if (thenEscape) await page.keyboard.press('Escape')
}

/** Rectangles on the live board (not in a preview). */
function liveRectangles(page: Page): Promise<number> {
  return page
    .locator('.tl-shapes .tl-shape[data-shape-type="geo"]')
    .evaluateAll((shapes) => shapes.filter((shape) => !shape.closest('[data-testid="version-preview-canvas"]')).length)
}

/** The live editor's tool state, e.g. "select.idle" (the outermost tldraw container is the board's). */
function liveTool(page: Page): Promise<string | null> {
  return page.locator('[data-testid="board"] .tl-container').first().getAttribute('data-state')
}

async function openVersions(page: Page): Promise<Locator> {
  await page.getByTestId('files-menu-toggle').click()
  await page.getByTestId('versions-button').click()
  const dialog = page.getByTestId('versions-dialog')
  await dialog.waitFor()
  return dialog
}

function versionRow(dialog: Locator, name: string): Locator {
  return dialog.getByTestId('version').filter({ has: dialog.page().getByText(name, { exact: true }) })
}

it('a restored version shows on everyone\'s screen, is previewed read-only first, and can be undone', async () => {
  const board = await createBoardOver(suite.server.url, 'Versions')
  const alice = await person('Alice', board.links.facilitator)
  const bob = await person('Bob', board.links.editor)

  // Alice draws one rectangle and saves the board as "After stage mapping".
  await drawRectangle(alice.page, 400, 300)
  await expect.poll(() => liveRectangles(bob.page), { timeout: 10_000 }).toBe(1)
  await expect.poll(() => alice.page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('saved')
  let dialog = await openVersions(alice.page)
  await dialog.getByLabel('Save the board as it is now').fill('After stage mapping')
  await dialog.getByTestId('version-save').click()
  await expect.poll(() => dialog.getByTestId('versions-status').textContent()).toBe('Saved “After stage mapping”.')
  const saved = versionRow(dialog, 'After stage mapping')
  await expect(saved.textContent()).resolves.toMatch(/\d.*·.*kB/)
  await dialog.getByRole('button', { name: 'Close', exact: true }).click()
  await dialog.waitFor({ state: 'detached' })

  // Bob adds a second one.
  await drawRectangle(bob.page, 700, 450)
  await expect.poll(() => liveRectangles(alice.page), { timeout: 10_000 }).toBe(2)

  // The preview shows the version (one rectangle), read-only, and leaves the live board alone.
  dialog = await openVersions(alice.page)
  await versionRow(dialog, 'After stage mapping').getByTestId('version-preview').click()
  const preview = alice.page.getByTestId('version-preview-canvas')
  await expect.poll(() => preview.getAttribute('data-readonly'), { timeout: 15_000 }).toBe('true')
  await expect.poll(() => preview.locator('.tl-shape[data-shape-type="geo"]').count(), { timeout: 10_000 }).toBe(1)
  const box = await preview.boundingBox()
  if (!box) throw new Error('no preview on screen')
  // (No Escape afterwards: in a dialog, Escape closes it.)
  await drawRectangle(alice.page, box.x + 40, box.y + 40, { thenEscape: false })
  expect(await preview.locator('.tl-shape[data-shape-type="geo"]').count()).toBe(1)
  // Keys pressed in a dialog never reach the live board ("r" would pick its rectangle tool).
  expect(await liveTool(alice.page)).toMatch(/^select\./)
  await alice.page.getByTestId('version-preview-close').click()
  await preview.waitFor({ state: 'detached' })
  expect(await liveRectangles(alice.page)).toBe(2)
  expect(await liveRectangles(bob.page)).toBe(2)

  // Restoring says what will happen, then does it for everyone.
  await versionRow(dialog, 'After stage mapping').getByTestId('version-restore').click()
  const confirm = versionRow(dialog, 'After stage mapping').getByRole('group')
  await expect(confirm.textContent()).resolves.toContain('for everyone on it')
  await expect(confirm.textContent()).resolves.toContain('saved as a version first')
  await confirm.getByTestId('version-restore-confirm').click()
  await expect
    .poll(() => dialog.getByTestId('versions-status').textContent(), { timeout: 10_000 })
    .toBe('Restored “After stage mapping”: everyone now sees it. The board as it was is saved as “Before restoring After stage mapping”; restore that to undo.')
  await expect.poll(() => liveRectangles(bob.page), { timeout: 10_000 }).toBe(1)
  await expect.poll(() => liveRectangles(alice.page), { timeout: 10_000 }).toBe(1)

  // Undo: restore the backup the server saved first; Bob's rectangle comes back.
  const backup = versionRow(dialog, 'Before restoring After stage mapping')
  await backup.getByTestId('version-restore').click()
  await backup.getByTestId('version-restore-confirm').click()
  await expect.poll(() => liveRectangles(bob.page), { timeout: 10_000 }).toBe(2)
  await expect.poll(() => liveRectangles(alice.page), { timeout: 10_000 }).toBe(2)

  // Once the dialog is closed, the board takes its shortcuts again.
  await dialog.getByRole('button', { name: 'Close', exact: true }).click()
  await dialog.waitFor({ state: 'detached' })
  await alice.page.keyboard.press('r')
  expect(await liveTool(alice.page)).toMatch(/^geo\./)
})

it('a version downloads as a tldraw file, and on a phone the versions are in the Session menu', async () => {
  const board = await createBoardOver(suite.server.url, 'Phone versions')
  const alice = await person('Alice', board.links.facilitator, { width: 375, height: 740 })
  await alice.page.getByTestId('session-menu-toggle').click()
  await alice.page.getByTestId('versions-button').click()
  const dialog = alice.page.getByTestId('versions-dialog')
  await dialog.getByTestId('version-name').fill('Start')
  await dialog.getByTestId('version-save').click()
  const row = versionRow(dialog, 'Start')
  const [file] = await Promise.all([alice.page.waitForEvent('download'), row.getByTestId('version-download').click()])
  expect(file.suggestedFilename()).toBe('Phone versions - Start.tldr')
  const stream = await file.createReadStream()
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  const tldr = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { tldrawFileFormatVersion: number; records: { typeName: string }[] }
  expect(tldr.tldrawFileFormatVersion).toBe(1)
  expect(tldr.records.some((r) => r.typeName === 'page')).toBe(true)
  // The dialog fits the phone's width.
  const width = await dialog.evaluate((el) => el.getBoundingClientRect().width)
  expect(width).toBeLessThanOrEqual(375)
})
