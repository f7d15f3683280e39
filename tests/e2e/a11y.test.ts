/**
 * Accessibility in a real browser. axe-core (WCAG 2.1 A and AA rules and best practices) on the
 * start page, the accessibility statement, the join step and the board with its participants
 * panel, share dialog and settings dialog open, in English and in Latvian, on a laptop and on a
 * 375 px phone: no serious or critical violation in our own interface, and nothing wider than
 * the phone's screen. tldraw's canvas and its own interface are left out of those checks; what
 * axe finds in them must be what the statement lists. A Latvian participant sees tldraw's menus
 * in Latvian, not English.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createBoardOver } from '../helpers/server.ts'
import { openAs, waitForBoard, type Person } from '../helpers/browser.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'
import { TLDRAW_FINDINGS } from '../../client/a11y/statementFacts.ts'

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const TLDRAW_ENGLISH = JSON.parse(readFileSync(require.resolve('@tldraw/assets/translations/main.json'), 'utf8')) as Record<string, string>
const TLDRAW_LATVIAN = JSON.parse(readFileSync(new URL('../../client/i18n/tldraw/lv.json', import.meta.url), 'utf8')) as Record<string, string>

const LAPTOP = { width: 1280, height: 800 }
const PHONE = { width: 375, height: 740 }

/**
 * Our interface: the whole document except tldraw's editor (`.tl-container`: the canvas, and
 * tldraw's toolbar, menus, style panel, toasts and dialogs), but with our controls that sit in
 * tldraw's share-panel slot (`.board-share-panel`) minus tldraw's people menu inside it
 * (`.tlui-share-zone`). axe lets the deepest matching include or exclude decide.
 */
const OUR_UI = { include: ['html', '.board-share-panel'], exclude: ['.tl-container', '.tlui-share-zone'] }
/** tldraw's own parts, checked to keep the statement's list of findings true. */
const TLDRAW_UI = { include: ['.tl-container', '.tlui-share-zone'], exclude: ['.board-share-panel'] }

type Finding = { id: string; impact: string; help: string; targets: string[] }

const suite = useBrowserSuite()
const people = suite.people

/** A person whose interface language is `locale`, chosen on this device before the app loads. */
async function personIn(locale: string, name: string, viewport = LAPTOP): Promise<Person> {
  const p = await openAs(suite.browser, suite.server.url, name, viewport)
  await p.context.addInitScript((l) => localStorage.setItem('codesign:locale', l), locale)
  people.push(p)
  return p
}

/**
 * axe-core's serious and critical violations in `context`. axe is evaluated through the
 * debugging protocol rather than added as an inline <script>: the app's Content-Security-Policy
 * (script-src 'self') refuses inline scripts, as it should.
 */
async function axeFindings(page: Page, context: object): Promise<Finding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  // Serialised in the page: axe's results hold DOM nodes.
  const violations = (await page.evaluate(async (ctx) => {
    const axe = (window as unknown as { axe: { run(c: object, o: object): Promise<{ violations: unknown }> } }).axe
    const results = await axe.run(ctx, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    })
    return JSON.parse(JSON.stringify(results.violations)) as unknown
  }, context)) as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[]
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }))
}

/**
 * Runs axe on our interface over the board. axe works out what is behind a text for its
 * contrast from the boxes stacked there, and does not know `pointer-events: none`: the
 * transparent full-screen layers that hold floating panels (ours, the journey kit's, tldraw's
 * toasts) hide every control from it ("background could not be determined"), so contrast would
 * go unchecked. For the check they are flattened (`display: contents`): their children keep
 * their place (they are positioned against the board, which covers the same screen), and the
 * layers are restored afterwards.
 */
async function axeOnBoard(page: Page): Promise<Finding[]> {
  const flattened = await page.evaluate(() => {
    let count = 0
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      if (el.closest('.tl-canvas')) continue
      const style = getComputedStyle(el)
      const rect = el.getBoundingClientRect()
      const covers = rect.width >= window.innerWidth * 0.9 && rect.height >= window.innerHeight * 0.9
      const transparent = style.backgroundColor === 'rgba(0, 0, 0, 0)' && style.backgroundImage === 'none'
      // Only positioned boxes that are plain blocks or empty (tldraw's toast list): flattening a
      // grid or flex container with children would move them.
      const plain = style.display === 'block' || el.children.length === 0
      const layer = (style.position === 'fixed' || style.position === 'absolute') && plain
      if (covers && transparent && layer && style.pointerEvents === 'none') {
        el.dataset.a11yFlattened = el.style.display
        el.style.display = 'contents'
        count++
      }
    }
    return count
  })
  try {
    return await axeFindings(page, OUR_UI)
  } finally {
    if (flattened > 0) {
      await page.evaluate(() => {
        for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-a11y-flattened]'))) {
          el.style.display = el.dataset.a11yFlattened ?? ''
          delete el.dataset.a11yFlattened
        }
      })
    }
  }
}

async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth)
}

/** Checks a state of a page: no serious or critical violation, no sideways scrolling on a phone. */
async function check(page: Page, state: string, viewport: { width: number }, findings: Promise<Finding[]>): Promise<void> {
  expect({ state, findings: await findings }).toEqual({ state, findings: [] })
  if (viewport.width <= PHONE.width) expect({ state, scrollWidth: await scrollWidth(page) }).toEqual({ state, scrollWidth: viewport.width })
}

/** Opens one of the facilitator's controls; on a narrow screen they are in the "Session" menu. */
async function openSessionControl(page: Page, testId: string): Promise<void> {
  const control = page.getByTestId(testId)
  if (!(await control.isVisible())) await page.getByTestId('session-menu-toggle').click()
  await control.click()
}

async function closeDialog(page: Page, testId: string): Promise<void> {
  await page.keyboard.press('Escape')
  await page.getByTestId(testId).waitFor({ state: 'detached' })
}

describe.each([
  { locale: 'en', viewport: LAPTOP, device: 'a laptop' },
  { locale: 'lv', viewport: LAPTOP, device: 'a laptop' },
  { locale: 'en', viewport: PHONE, device: 'a 375 px phone' },
  { locale: 'lv', viewport: PHONE, device: 'a 375 px phone' },
])('in $locale on $device', ({ locale, viewport }) => {
  it('the start page and the accessibility statement have no serious or critical violation', async () => {
    const alice = await personIn(locale, 'Alice', viewport)
    const { page } = alice
    await page.goto(suite.server.url + '/')
    await page.getByRole('contentinfo').getByRole('link').waitFor()
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale)
    await check(page, 'start page', viewport, axeFindings(page, OUR_UI))

    await page.getByRole('contentinfo').getByRole('link').click()
    await page.waitForURL(suite.server.url + '/accessibility')
    await page.getByTestId('accessibility-statement').waitFor()
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale)
    await check(page, 'accessibility statement', viewport, axeFindings(page, OUR_UI))
  })

  it('the join step has no serious or critical violation', async () => {
    const board = await createBoardOver(suite.server.url, 'Join step')
    const response = await fetch(`${suite.server.url}/api/boards/${board.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'x-board-key': board.facilitatorKey },
      body: JSON.stringify({ groups: ['citizen', 'official'], notice: 'Names are kept only during the session.' }),
    })
    expect(response.status).toBe(200)
    const newcomer = await personIn(locale, '', viewport)
    await newcomer.page.goto(suite.server.url + board.links.editor)
    await newcomer.page.getByTestId('name-prompt').getByRole('radio').first().waitFor()
    await check(newcomer.page, 'join step', viewport, axeFindings(newcomer.page, OUR_UI))
  })

  it('the board, with the participants panel, the share dialog and the settings dialog open, has no serious or critical violation in our interface', async () => {
    const alice = await personIn(locale, 'Alice', viewport)
    const { page } = alice
    // Created on this device, so the share dialog knows every link and shows the QR codes.
    await page.goto(suite.server.url + '/')
    await page.locator('input[name="title"]').fill('Accessibility')
    await page.locator('form button[type="submit"]').click()
    await waitForBoard(page)
    await page.getByTestId('connection-status').waitFor()
    await check(page, 'board', viewport, axeOnBoard(page))

    await page.getByTestId('people-toggle').click()
    await page.locator('.drawer').waitFor()
    await check(page, 'participants panel', viewport, axeOnBoard(page))
    await page.getByTestId('people-toggle').click({ force: true })
    await page.locator('.drawer').waitFor({ state: 'detached' })

    await openSessionControl(page, 'share-button')
    await page.getByTestId('share-dialog').getByTestId('qr-participant').waitFor()
    await check(page, 'share dialog', viewport, axeOnBoard(page))
    await closeDialog(page, 'share-dialog')

    await openSessionControl(page, 'settings-button')
    await page.getByTestId('settings-dialog').waitFor()
    await check(page, 'settings dialog', viewport, axeOnBoard(page))
    await closeDialog(page, 'settings-dialog')
  })
})

it("a Latvian participant sees tldraw's own interface in Latvian, with no English label", async () => {
  const board = await createBoardOver(suite.server.url, 'Latviešu')
  const ilze = await personIn('lv', 'Ilze')
  const { page } = ilze
  await page.goto(suite.server.url + board.links.editor)
  await waitForBoard(page)
  await expect.poll(() => page.locator('.tl-container').getAttribute('lang')).toBe('lv')
  // The translation is applied once tldraw has loaded it: wait for one Latvian label.
  await page.locator(`.tlui-layout [aria-label^="${TLDRAW_LATVIAN['action.undo']}"]`).first().waitFor({ timeout: 15_000 })
  await page.getByTestId('main-menu.button').click()
  await page.locator('.tlui-menu').first().waitFor()

  const shown = await page.evaluate(() => {
    const texts = new Set<string>()
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('.tl-container *, .tlui-menu *'))) {
      if (el.closest('.tl-canvas') || el.closest('.board-share-panel')) continue
      for (const attr of ['title', 'aria-label', 'placeholder']) {
        const value = el.getAttribute(attr)
        if (value) texts.add(value.trim())
      }
      if (el.children.length === 0 && el.textContent) texts.add(el.textContent.trim())
    }
    return [...texts].filter(Boolean)
  })
  expect(shown).toContain(TLDRAW_LATVIAN['menu.edit'])
  // An English interface string that differs in Latvian must not show, whole or before a
  // keyboard shortcut ("Undo — Ctrl + Z"). The first page's name ("Page 1") is not interface:
  // it is the board's content, named when the board was created.
  const english = new Set(
    Object.entries(TLDRAW_ENGLISH)
      .filter(([key, text]) => key !== 'page-menu.new-page-initial-name' && TLDRAW_LATVIAN[key] !== text)
      .map(([, text]) => text),
  )
  const leftInEnglish = shown.filter((text) => english.has(text) || english.has(text.split(' — ')[0] ?? ''))
  expect(leftInEnglish).toEqual([])
})

it("what axe finds in tldraw's own canvas and interface is what the accessibility statement lists", async () => {
  const board = await createBoardOver(suite.server.url, 'tldraw parts')
  const alice = await personIn('en', 'Alice')
  const { page } = alice
  await page.goto(suite.server.url + board.links.facilitator)
  await waitForBoard(page)
  // Something on the canvas, selected, so the style panel shows too.
  await page.keyboard.press('r')
  await page.mouse.move(500, 300)
  await page.mouse.down()
  await page.mouse.move(650, 420, { steps: 5 })
  await page.mouse.up()
  await page.locator('.tl-shape[data-shape-type="geo"]').waitFor()
  const onBoard = await axeFindings(page, TLDRAW_UI)
  await page.getByTestId('main-menu.button').click()
  await page.locator('.tlui-menu').first().waitFor()
  const withMenu = await axeFindings(page, { include: ['.tl-container', '.tlui-menu', '.tlui-share-zone'], exclude: ['.board-share-panel'] })
  const found = [...new Set([...onBoard, ...withMenu].map((f) => f.id))].sort()
  expect(found).toEqual([...new Set(TLDRAW_FINDINGS.map((f) => f.rule))].sort())
})

it('the start page is operated with the keyboard in order, and leads to the statement', async () => {
  const alice = await personIn('en', 'Alice')
  const { page } = alice
  await page.goto(suite.server.url + '/')
  await page.getByRole('contentinfo').getByRole('link').waitFor()
  const order: string[] = []
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab')
    order.push(await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      return el ? `${el.tagName.toLowerCase()}:${el.getAttribute('name') ?? el.getAttribute('type') ?? el.getAttribute('href') ?? ''}` : ''
    }))
  }
  expect(order).toEqual(['select:', 'input:title', 'button:submit', 'a:/accessibility'])
  await page.keyboard.press('Enter')
  await page.waitForURL(suite.server.url + '/accessibility')
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Accessibility statement')
  await expect(page.title()).resolves.toBe('Accessibility statement · Co-design Board')
  await expect(page.getByRole('heading', { level: 2 }).allTextContents()).resolves.toEqual([
    'Compliance status',
    'Known limits',
    'Accessible ways to take part',
    'Feedback and contact',
    'How this statement was prepared',
  ])
})
