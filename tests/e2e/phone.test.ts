/**
 * Every screen of ours on a 375 px touch phone, in English and in Latvian (whose strings are
 * longer): the start page, the accessibility statement, the messages for a wrong link, the join
 * step, the board with its controls (also while tldraw shows its "Back to content" or "Stop
 * following" button or its skip link, and while offline with changes waiting), the session menu
 * and its dialogs (share, export, import, versions, settings), the participants panel, the
 * journey kit's panels, timer and vote bar. In each: nothing of ours and none of tldraw's top
 * zones reaches past the screen's edges, the page never scrolls sideways, what can be pressed
 * is at least 24 px both ways, holds its label inside it, and has nothing lying on it (but an
 * open dialog, panel or menu); tldraw's popovers open above our banners.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createTmpDir } from '../helpers/tmpDir.ts'
import { createBoardOver, startServer } from '../helpers/server.ts'
import { openOnPhone, waitForBoard, type Person } from '../helpers/browser.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'

const suite = useBrowserSuite()
const people = suite.people

async function phone(name: string, locale: string, url = suite.server.url): Promise<Person> {
  const p = await openOnPhone(suite.browser, url, name, locale)
  people.push(p)
  return p
}

type Layout = {
  /** How far the document scrolls sideways past the screen (0: not at all). */
  sideways: number
  /** Visible elements reaching past the screen's left or right edge. */
  outside: string[]
  /** Controls smaller than 24 px in a direction. */
  small: string[]
  /** Controls whose content (a label, an icon) spills out of their box. */
  spilling: string[]
  /** Controls that something else lies on, so a tap at their centre would not reach them. */
  covered: string[]
}

/**
 * Measures the page as a person would see it. "Ours" is everything outside tldraw's editor
 * (`.tl-container`), plus tldraw's top bar (`.tlui-layout__top`: its zones, tldraw's menu and
 * helper buttons, and our controls in its share-panel slot), plus the skip link when it shows.
 * tldraw's canvas, toolbar and menus are its own and left out. An element counts when it has a
 * box and is not hidden (`visibility`, or inside a `.visually-hidden` text for screen readers).
 * A control may lie under a modal dialog, an open panel or menu (that is what they are for),
 * never under anything else.
 */
function measure(): Layout {
  const width = window.innerWidth
  const height = window.innerHeight
  const nameOf = (el: Element): string => {
    const id = el.getAttribute('data-testid')
    const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : ''
    const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)
    return `${el.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : ''}${cls} "${text}"`
  }
  const ours = (el: Element): boolean =>
    !el.closest('.tl-container') || el.closest('.tlui-layout__top') !== null || el.matches('.tl-skip-to-main-content:focus')
  const shown = (el: Element, rect: DOMRect): boolean => {
    if (rect.width === 0 || rect.height === 0) return false
    if (el.closest('.visually-hidden')) return false
    return getComputedStyle(el).visibility !== 'hidden'
  }
  /** The part of the screen where `el` can be seen: the screen cut by every clipping ancestor. */
  const visibleArea = (el: Element) => {
    const area = { left: 0, top: 0, right: width, bottom: height }
    for (let a = el.parentElement; a; a = a.parentElement) {
      const style = getComputedStyle(a)
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue
      const r = a.getBoundingClientRect()
      area.left = Math.max(area.left, r.left)
      area.top = Math.max(area.top, r.top)
      area.right = Math.min(area.right, r.right)
      area.bottom = Math.min(area.bottom, r.bottom)
    }
    return area
  }
  const layers = 'dialog[open], .drawer, .jk-panel, .session-menu-panel'
  const modal = document.querySelector('dialog[open]')
  const outside: string[] = []
  const small: string[] = []
  const spilling: string[] = []
  const covered: string[] = []
  for (const el of Array.from(document.querySelectorAll('body *'))) {
    if (!ours(el)) continue
    const rect = el.getBoundingClientRect()
    if (!shown(el, rect)) continue
    if (rect.right > width + 0.5 || rect.left < -0.5) outside.push(`${nameOf(el)} spans ${Math.round(rect.left)}..${Math.round(rect.right)}`)
    if (!el.matches('button, a[href], input, select, textarea, summary, [role="button"]')) continue
    // A link inside a sentence may be as small as its text (WCAG 2.5.8's inline exception); a
    // radio button or checkbox is pressed through its label, whose box is the target.
    const inline = el.matches('a') && el.closest('p, li') !== null
    const target = el.matches('input[type="radio"], input[type="checkbox"]') ? (el.closest('label') ?? el) : el
    const box = target.getBoundingClientRect()
    if (!inline && (box.width < 24 || box.height < 24)) small.push(`${nameOf(target)} is ${Math.round(box.width)}×${Math.round(box.height)}`)
    if (el.matches('button, a')) {
      const inner = Array.from(el.querySelectorAll('*')).filter((child) => shown(child, child.getBoundingClientRect()))
      const spills = inner.some((child) => {
        const r = child.getBoundingClientRect()
        return r.left < rect.left - 1 || r.right > rect.right + 1 || r.top < rect.top - 1 || r.bottom > rect.bottom + 1
      })
      // A label cut short on purpose ends in an ellipsis; one that runs on past the edge does not.
      const cut = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).textOverflow !== 'ellipsis'
      if (spills || cut) spilling.push(nameOf(el))
    }
    // tldraw's own controls overlap one another by design (its menu and page menu buttons).
    if (el.closest('.tl-container') && !el.closest('.board-share-panel')) continue
    if (modal && !modal.contains(el)) continue
    // Its centre and, 4 px in, the middle of each edge: inside any rounded corner.
    const x = (rect.left + rect.right) / 2
    const y = (rect.top + rect.bottom) / 2
    const inset = Math.min(4, rect.width / 4, rect.height / 4)
    const points = [
      [x, y],
      [x, rect.top + inset],
      [x, rect.bottom - inset],
      [rect.left + inset, y],
      [rect.right - inset, y],
    ] as const
    const area = visibleArea(el)
    for (const [px, py] of points) {
      if (px < area.left || px > area.right || py < area.top || py > area.bottom) continue
      const hit = document.elementFromPoint(px, py)
      if (!hit || el.contains(hit) || (hit.matches('label') && hit.contains(el))) continue
      const layer = hit.closest(layers)
      if (layer && !layer.contains(el)) continue
      covered.push(`${nameOf(el)} under ${nameOf(hit)}`)
      break
    }
  }
  const sideways = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - width
  return { sideways: Math.max(0, sideways), outside, small, spilling, covered }
}

/** The buttons in `selector` (tldraw's) that something else lies on, at their centre. */
function coveredIn(selector: string): string[] {
  const covered: string[] = []
  for (const el of Array.from(document.querySelectorAll(`${selector} button`))) {
    const r = el.getBoundingClientRect()
    if (r.width === 0 || r.height === 0) continue
    const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2)
    if (!hit || !el.contains(hit)) covered.push(`${el.getAttribute('data-testid') ?? el.textContent} under ${hit?.className ?? 'nothing'}`)
  }
  return covered
}

/** The page in `state` fits the phone: it is named in the assertion so a failure says where. */
async function fits(page: Page, state: string): Promise<void> {
  const layout = await page.evaluate(measure)
  expect({ state, ...layout }).toEqual({ state, sideways: 0, outside: [], small: [], spilling: [], covered: [] })
}

/** Opens one of the facilitator's session controls from the "Session" menu a phone shows. */
async function openFromSessionMenu(page: Page, testId: string): Promise<void> {
  const control = page.getByTestId(testId)
  if (!(await control.isVisible())) await page.getByTestId('session-menu-toggle').tap()
  await control.tap()
}

async function closeWithEscape(page: Page, testId: string): Promise<void> {
  await page.keyboard.press('Escape')
  await page.getByTestId(testId).waitFor({ state: 'detached' })
}

/** Draws a rectangle with the R shortcut and a drag, and presses Escape as one leaving the tool. */
async function drawRectangle(page: Page): Promise<void> {
  await page.keyboard.press('r')
  await page.mouse.move(150, 300)
  await page.mouse.down()
  await page.mouse.move(200, 340, { steps: 5 })
  await page.mouse.move(240, 380, { steps: 5 })
  await page.mouse.up()
  await page.keyboard.press('Escape')
}

describe.each([{ locale: 'en' }, { locale: 'lv' }])('on a 375 px phone in $locale', ({ locale }) => {
  it('the start page, the accessibility statement and the messages for a wrong link fit the screen', async () => {
    const visitor = await phone('', locale)
    await visitor.page.goto(suite.server.url + '/')
    await visitor.page.locator('form').first().waitFor()
    await fits(visitor.page, 'start page')
    await visitor.page.goto(suite.server.url + '/accessibility')
    await visitor.page.getByTestId('accessibility-statement').waitFor()
    await fits(visitor.page, 'accessibility statement')
    await visitor.page.goto(`${suite.server.url}/b/AAAAAAAAAAAAAAAA#k=${'A'.repeat(32)}`)
    await visitor.page.getByTestId('board-not-found').waitFor()
    await fits(visitor.page, 'board not found')
    const board = await createBoardOver(suite.server.url, 'Wrong key')
    await visitor.page.goto(`${suite.server.url}/b/${board.id}#k=${'B'.repeat(32)}`)
    await visitor.page.getByTestId('board-invalid-link').waitFor()
    await fits(visitor.page, 'invalid link')
  })

  it('the board, its controls, menus, dialogs and panels fit the screen, with the skip link and "Back to content" too', async () => {
    // Alice starts the board on her phone, so it knows the board's links and shows their QR codes.
    const alice = await phone('Alice', locale)
    await alice.page.goto(suite.server.url + '/')
    await alice.page.locator('form input[type="text"]').fill('Library card renewal: citizen journey mapping workshop')
    await alice.page.locator('form button[type="submit"]').tap()
    await waitForBoard(alice.page)
    // The first Tab on the board lands on tldraw's skip link, which then shows.
    await alice.page.keyboard.press('Tab')
    await expect.poll(() => alice.page.evaluate(() => document.activeElement?.matches('.tl-skip-to-main-content'))).toBe(true)
    await fits(alice.page, 'board with the skip link focused')
    await alice.page.locator('.tl-canvas').first().focus()
    await openFromSessionMenu(alice.page, 'share-button')
    const participantLink = await alice.page.getByTestId('participant-link').inputValue()
    await fits(alice.page, 'share dialog with the links')
    await closeWithEscape(alice.page, 'share-dialog')
    await alice.page.getByTestId('session-menu-toggle').tap()

    // Bob joins through the join step, on his phone.
    const bob = await phone('', locale)
    await bob.page.goto(participantLink)
    const join = bob.page.getByTestId('name-prompt')
    await join.waitFor()
    await fits(bob.page, 'join step')
    await join.locator('input[name="displayName"]').fill('Bob')
    await join.locator('button[type="submit"]').tap()
    await waitForBoard(bob.page)
    await expect.poll(() => alice.page.getByTestId('people-toggle').getAttribute('data-count'), { timeout: 10_000 }).toBe('2')
    await expect.poll(() => alice.page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('saved')
    await fits(alice.page, 'board (facilitator)')
    await fits(bob.page, 'board (participant)')

    // The journey kit: its dock and each of its panels; a timer and a vote are started.
    for (const name of ['cards', 'outline', 'vote', 'timer', 'templates']) {
      await alice.page.getByTestId(`journey-dock-${name}`).tap()
      await alice.page.getByTestId('journey-panel-close').waitFor()
      await fits(alice.page, `journey kit: ${name}`)
      if (name === 'vote') {
        await alice.page.getByTestId('vote-question').fill('Which pain points should we fix first, and why?')
        await alice.page.getByTestId('vote-start').tap()
        await alice.page.getByTestId('vote-controls').waitFor()
        await fits(alice.page, 'journey kit: vote running')
      }
      if (name === 'timer') {
        await alice.page.getByTestId('timer-start').tap()
        await alice.page.getByTestId('timer-clock').waitFor()
        await fits(alice.page, 'journey kit: timer running')
      }
      await alice.page.getByTestId('journey-panel-close').tap()
      await alice.page.getByTestId('journey-panel-close').waitFor({ state: 'detached' })
    }
    await bob.page.getByTestId('vote-bar').waitFor()
    await fits(alice.page, 'board with a timer and a vote (facilitator)')
    await fits(bob.page, 'board with a timer and a vote (participant)')
    await bob.page.getByTestId('journey-dock-vote').tap()
    await fits(bob.page, 'journey kit: vote (participant)')
    await bob.page.getByTestId('journey-panel-close').tap()

    // Everything drawn is off-screen: tldraw offers "Back to content" in its top-left zone.
    await drawRectangle(alice.page)
    await expect.poll(() => bob.page.locator('.tl-shape').count(), { timeout: 10_000 }).toBe(1)
    for (const p of [alice.page, bob.page]) {
      await p.mouse.move(200, 400)
      await p.mouse.wheel(4000, 4000)
      await p.locator('.tlui-helper-buttons button').first().waitFor({ timeout: 10_000 })
    }
    await fits(alice.page, 'board with "Back to content" (facilitator)')
    await fits(bob.page, 'board with "Back to content" (participant)')
    await alice.page.locator('.tl-skip-to-main-content').focus()
    await fits(alice.page, 'board with "Back to content" and the skip link focused')
    await alice.page.locator('.tl-canvas').first().focus()

    // The session menu and each dialog it opens.
    await alice.page.getByTestId('session-menu-toggle').tap()
    await fits(alice.page, 'session menu')
    for (const [button, dialog] of [
      ['share-button', 'share-dialog'],
      ['export-button', 'export-dialog'],
      ['import-button', 'import-dialog'],
      ['versions-button', 'versions-dialog'],
      ['settings-button', 'settings-dialog'],
    ] as const) {
      await openFromSessionMenu(alice.page, button)
      await alice.page.getByTestId(dialog).waitFor()
      await fits(alice.page, dialog)
      await closeWithEscape(alice.page, dialog)
    }

    // "Bring everyone here": Bob follows, with tldraw's "Stop following" and our banner.
    await openFromSessionMenu(alice.page, 'lead-toggle')
    await bob.page.getByTestId('follow-banner').waitFor({ timeout: 10_000 })
    await bob.page.locator('.tlui-helper-buttons button').first().waitFor({ timeout: 10_000 })
    await fits(alice.page, 'leading everyone')
    await fits(bob.page, 'following the facilitator')
    // tldraw's popovers open above our banner: "more tools" rises from the toolbar behind it.
    await bob.page.locator('[data-testid="tools.more-button"]').tap()
    await bob.page.locator('.tlui-popover__content').waitFor()
    expect(await bob.page.evaluate(coveredIn, '.tlui-popover__content')).toEqual([])
    await bob.page.keyboard.press('Escape')
    await bob.page.locator('.tlui-popover__content').waitFor({ state: 'detached' })
    await alice.page.getByTestId('stop-leading').tap()
    await bob.page.getByTestId('follow-banner').waitFor({ state: 'detached', timeout: 10_000 })

    // The participants panel.
    for (const p of [alice.page, bob.page]) {
      await p.getByTestId('people-toggle').tap()
      await p.getByTestId('people-panel').waitFor()
      await fits(p, 'participants panel')
      await closeWithEscape(p, 'people-panel')
    }
  })

  it('the longest status, offline with changes waiting, fits beside the controls and above the timer', async () => {
    // A server of its own, to be stopped.
    const own = await createTmpDir()
    const ownServer = await startServer(own.path)
    try {
      const board = await createBoardOver(ownServer.url, 'Offline')
      const alice = await phone('Alice', locale, ownServer.url)
      await alice.page.goto(ownServer.url + board.links.facilitator)
      await waitForBoard(alice.page)
      await alice.page.getByTestId('journey-dock-timer').tap()
      await alice.page.getByTestId('timer-start').tap()
      await alice.page.getByTestId('journey-panel-close').tap()
      await alice.page.getByTestId('timer-clock').waitFor()
      await ownServer.close()
      await expect.poll(() => alice.page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('offline')
      await fits(alice.page, 'offline')
      await drawRectangle(alice.page)
      await expect.poll(() => alice.page.getByTestId('connection-status').getAttribute('data-pending')).not.toBe('0')
      await fits(alice.page, 'offline with changes waiting')
      await alice.context.close()
    } finally {
      await ownServer.close()
      await own.remove()
    }
  })
})

it('keys pressed in our dialogs act on the dialog, never on the shape selected on the board', async () => {
  const board = await createBoardOver(suite.server.url, 'Keys')
  const alice = await phone('Alice', 'en')
  await alice.page.goto(suite.server.url + board.links.facilitator)
  await waitForBoard(alice.page)
  // A rectangle just drawn stays selected.
  await alice.page.keyboard.press('r')
  await alice.page.mouse.move(150, 300)
  await alice.page.mouse.down()
  await alice.page.mouse.move(240, 380, { steps: 5 })
  await alice.page.mouse.up()
  await expect.poll(() => alice.page.locator('.tl-shape').count()).toBe(1)

  await openFromSessionMenu(alice.page, 'share-button')
  const dialog = alice.page.getByTestId('share-dialog')
  await dialog.waitFor()
  const buttons = dialog.locator('button')
  await buttons.last().focus()
  await alice.page.keyboard.press('Delete')
  await alice.page.keyboard.press('Backspace')
  expect(await alice.page.locator('.tl-shape').count()).toBe(1)
  await alice.page.keyboard.press('Shift+Tab')
  expect(await alice.page.evaluate(() => document.activeElement === document.querySelector('[data-testid="share-dialog"] button:last-of-type'))).toBe(false)
  expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true)
  await closeWithEscape(alice.page, 'share-dialog')
  expect(await alice.page.locator('.tl-shape').count()).toBe(1)
})
