/**
 * Switching language on a live board, in a real browser: from the participants panel, English
 * to Latvian and then to Italian. Our interface and tldraw's own menus follow at once; the
 * page is not reloaded, and the shapes and the camera stay as they were. The
 * join step's language picker switches the join step itself. A returning Latvian reader sees
 * Latvian from the first text on; an English page loads no other language.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createBoardOver } from '../helpers/server.ts'
import { cameraOf, openAs, waitForBoard } from '../helpers/browser.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'
import { en } from '../../client/i18n/messages/en.ts'
import { lv } from '../../client/i18n/messages/lv.ts'
import { it as italian } from '../../client/i18n/messages/it.ts'

type Key = keyof typeof en

/** A message of a catalog, with `{count}` filled in; a missing one fails the test. */
function msg(catalog: Partial<Record<Key, string>>, key: Key, count?: number): string {
  const text = catalog[key]
  if (!text) throw new Error(`no message ${key}`)
  return count === undefined ? text : text.replace('{count}', String(count))
}

const TLDRAW_LATVIAN = JSON.parse(readFileSync(new URL('../../client/i18n/tldraw/lv.json', import.meta.url), 'utf8')) as Record<string, string>

const TLDRAW_ITALIAN = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@tldraw/assets/translations/it.json'), 'utf8')) as Record<string, string>

const suite = useBrowserSuite()
const people = suite.people

/** The board as this page shows it: every shape's id and where it is on screen. */
async function shapesOf(page: Page): Promise<string[]> {
  return page.locator('.tl-shape').evaluateAll((shapes) =>
    shapes.map((shape) => {
      const box = shape.getBoundingClientRect()
      return `${shape.id} ${shape.getAttribute('data-shape-type')} ${Math.round(box.x)},${Math.round(box.y)} ${Math.round(box.width)}x${Math.round(box.height)}`
    }),
  )
}

/** Chooses a language with the picker at the end of the participants panel. */
async function switchLanguage(page: Page, label: string, locale: string): Promise<void> {
  const panel = page.getByTestId('people-panel')
  if (!(await panel.isVisible())) await page.getByTestId('people-toggle').click()
  await panel.locator('.language-picker select').selectOption(locale)
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(locale)
  await expect(panel.locator('.language-picker label').textContent()).resolves.toBe(label)
}

it('switching language on a board changes our interface and tldraw’s, and keeps the board and the view', async () => {
  const board = await createBoardOver(suite.server.url, 'Languages')
  const alice = await openAs(suite.browser, suite.server.url, 'Alice')
  people.push(alice)
  const { page } = alice
  page.setDefaultTimeout(15_000)
  await page.goto(suite.server.url + board.links.editor)
  await waitForBoard(page)
  await expect.poll(() => page.getByTestId('connection-status').textContent()).toBe(msg(en, 'status.saved'))

  // A rectangle on the board; the view panned away from the start.
  await page.keyboard.press('r')
  await page.mouse.move(500, 300)
  await page.mouse.down()
  await page.mouse.move(650, 420, { steps: 5 })
  await page.mouse.up()
  await page.locator('.tl-shape[data-shape-type="geo"]').waitFor()
  await page.mouse.move(900, 600)
  await page.mouse.wheel(120, 80)
  await expect.poll(async () => (await cameraOf(page)).x).not.toBe(0)
  // The camera has settled.
  let camera = await cameraOf(page)
  await expect
    .poll(async () => {
      const previous = camera
      camera = await cameraOf(page)
      return JSON.stringify(previous) === JSON.stringify(camera)
    })
    .toBe(true)
  const shapes = await shapesOf(page)
  expect(shapes).toHaveLength(1)
  await expect(page.getByTestId('main-menu.button').getAttribute('title')).resolves.toBe('Menu')
  // Set on this page: still there after switching means the page was not reloaded.
  await page.evaluate(() => ((window as unknown as { languageMarker: string }).languageMarker = 'before'))

  // --- English to Latvian.
  await switchLanguage(page, msg(lv, 'language.label'), 'lv')
  await expect.poll(() => page.getByTestId('people-toggle').textContent()).toBe(msg(lv, 'people.toggle', 1))
  await expect.poll(() => page.getByTestId('connection-status').textContent()).toBe(msg(lv, 'status.saved'))
  await expect(page.getByTestId('people-panel').locator('h2').textContent()).resolves.toBe(msg(lv, 'people.title', 1))
  // tldraw's own interface: the main menu button.
  await expect.poll(() => page.getByTestId('main-menu.button').getAttribute('title')).toBe(TLDRAW_LATVIAN['menu.title'])
  expect(TLDRAW_LATVIAN['menu.title']).not.toBe('Menu')
  // The board and the view are as they were, on the same page.
  expect(await page.evaluate(() => (window as unknown as { languageMarker?: string }).languageMarker)).toBe('before')
  expect(await shapesOf(page)).toEqual(shapes)
  expect(await cameraOf(page)).toEqual(camera)

  // --- Latvian to Italian, the same way.
  await switchLanguage(page, msg(italian, 'language.label'), 'it')
  await expect.poll(() => page.getByTestId('people-toggle').textContent()).toBe(msg(italian, 'people.toggle', 1))
  await expect.poll(() => page.getByTestId('connection-status').textContent()).toBe(msg(italian, 'status.saved'))
  // tldraw's Italian (its own translation, served by us): the select tool ("Seleziona — V").
  await expect.poll(async () => (await page.getByTestId('tools.select').getAttribute('aria-label'))?.split(' — ')[0], { timeout: 10_000 })
    .toBe(TLDRAW_ITALIAN['tool.select'])
  expect(await page.evaluate(() => (window as unknown as { languageMarker?: string }).languageMarker)).toBe('before')
  expect(await shapesOf(page)).toEqual(shapes)
  expect(await cameraOf(page)).toEqual(camera)
})

it("the join step's language picker switches the join step", async () => {
  const board = await createBoardOver(suite.server.url, 'Join in Latvian')
  const bob = await openAs(suite.browser, suite.server.url, '')
  people.push(bob)
  const { page } = bob
  page.setDefaultTimeout(15_000)
  await page.goto(suite.server.url + board.links.editor)
  const prompt = page.getByTestId('name-prompt')
  await prompt.waitFor()
  await expect(prompt.locator('h2').textContent()).resolves.toBe(msg(en, 'name.title'))

  await prompt.getByLabel(msg(en, 'language.label'), { exact: true }).selectOption('lv')
  await expect.poll(() => prompt.locator('h2').textContent()).toBe(msg(lv, 'name.title'))
  await expect(prompt.getByLabel(msg(lv, 'name.label'), { exact: true }).count()).resolves.toBe(1)
  await expect(prompt.getByRole('button').last().textContent()).resolves.toBe(msg(lv, 'name.submit'))
  await expect(prompt.getByTestId('join-notice').locator('h3').textContent()).resolves.toBe(msg(lv, 'join.notice.title'))

  // Joining keeps the choice: the board opens in Latvian.
  await prompt.getByLabel(msg(lv, 'name.label'), { exact: true }).fill('Bob')
  await prompt.getByRole('button', { name: msg(lv, 'name.submit'), exact: true }).click()
  await waitForBoard(page)
  await expect.poll(() => page.getByTestId('people-toggle').textContent()).toBe(msg(lv, 'people.toggle', 1))
  await expect.poll(() => page.getByTestId('main-menu.button').getAttribute('title')).toBe(TLDRAW_LATVIAN['menu.title'])
})

/** Every text #root shows, in order, from the first render on (recorded in the page). */
async function recordTexts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { shownTexts: string[] }).shownTexts = seen
    new MutationObserver(() => {
      const text = document.getElementById('root')?.innerText.trim() ?? ''
      if (text && seen[seen.length - 1] !== text) seen.push(text)
    }).observe(document, { childList: true, subtree: true, characterData: true })
  })
}

it('a returning Latvian reader sees the board open in Latvian from the first text on', async () => {
  const board = await createBoardOver(suite.server.url, 'Back in Latvian')
  const carla = await openAs(suite.browser, suite.server.url, 'Carla')
  people.push(carla)
  const { page } = carla
  page.setDefaultTimeout(15_000)
  await page.addInitScript(() => localStorage.setItem('codesign:locale', 'lv'))
  await recordTexts(page)
  await page.goto(suite.server.url + board.links.editor)
  await waitForBoard(page)
  await expect.poll(() => page.getByTestId('main-menu.button').getAttribute('title')).toBe(TLDRAW_LATVIAN['menu.title'])
  const texts = await page.evaluate(() => (window as unknown as { shownTexts: string[] }).shownTexts)
  expect(texts[0]).toBe(msg(lv, 'board.loading'))
  expect(texts.filter((text) => text.includes(msg(en, 'board.loading')))).toEqual([])
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('lv')
})

it('an English page loads no other language, and loads one when it is chosen', async () => {
  const board = await createBoardOver(suite.server.url, 'English only')
  const dan = await openAs(suite.browser, suite.server.url, 'Dan')
  people.push(dan)
  const { page } = dan
  page.setDefaultTimeout(15_000)
  const scripts: string[] = []
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname)
  })
  await page.goto(suite.server.url + board.links.editor)
  await waitForBoard(page)
  await expect.poll(() => page.getByTestId('connection-status').textContent()).toBe(msg(en, 'status.saved'))
  expect(scripts.length).toBeGreaterThan(0)
  // Each language is a chunk named after its file (it.ts, es.ts, lv.ts, lv.json).
  const languageChunks = () => scripts.filter((script) => /\/(it|es|lv)-[\w-]+\.js$/.test(script))
  expect(languageChunks()).toEqual([])

  await switchLanguage(page, msg(lv, 'language.label'), 'lv')
  expect(languageChunks().length).toBeGreaterThan(0)
  expect(languageChunks().every((script) => /\/lv-/.test(script))).toBe(true)
  await expect.poll(() => page.getByTestId('main-menu.button').getAttribute('title')).toBe(TLDRAW_LATVIAN['menu.title'])
})
