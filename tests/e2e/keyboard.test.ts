/**
 * The journey kit without a mouse, in a real browser: a facilitator inserts the journey map
 * and starts a vote; a participant joins through the join step, adds a card to a chosen stage
 * and lane through the outline's form and votes for it from the outline; the facilitator sees
 * the dot and reveals the results. Every action is a key press (Tab, Shift+Tab, Enter, arrow
 * keys, Escape, typing): no clicks, no filling of fields. After every Tab, focus is on a
 * control, never lost to the page, and the browser shows it as keyboard focus.
 */
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createBoardOver } from '../helpers/server.ts'
import { openAs, waitForBoard } from '../helpers/browser.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'

const suite = useBrowserSuite()
const people = suite.people

/** What has focus: its tag, accessible name (roughly as a screen reader would say it), and state. */
type Focused = { tag: string; name: string; body: boolean; focusVisible: boolean }

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (!el || el === document.body || el === document.documentElement) return { tag: 'body', name: '', body: true, focusVisible: false }
    const text = (node: Element | null) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim()
    let name = ''
    const labelledBy = el.getAttribute('aria-labelledby')
    if (labelledBy) name = labelledBy.split(/\s+/).map((id) => text(document.getElementById(id))).join(' ').trim()
    if (!name) name = el.getAttribute('aria-label')?.trim() ?? ''
    const labels = (el as HTMLInputElement).labels
    if (!name && labels && labels.length) name = text(labels[0] ?? null)
    if (!name && (el.tagName === 'BUTTON' || el.tagName === 'A' || el.tagName === 'SUMMARY')) name = text(el)
    if (!name) name = el.getAttribute('title')?.trim() ?? el.getAttribute('placeholder')?.trim() ?? ''
    return { tag: el.tagName.toLowerCase(), name, body: false, focusVisible: el.matches(':focus-visible') }
  })
}

/**
 * Presses Tab (Shift+Tab with `back`) until the focused element's accessible name matches;
 * every step must land on a control shown as focused. Fails with the elements visited.
 */
async function tabTo(page: Page, target: string | RegExp, { back = false, max = 80 } = {}): Promise<void> {
  const matches = (name: string) => (typeof target === 'string' ? name === target : target.test(name))
  const visited: string[] = []
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab')
    const now = await focused(page)
    visited.push(`${now.tag}:${now.name}`)
    if (now.body) throw new Error(`focus was lost to the page after ${visited.join(' → ')}`)
    if (!now.focusVisible) throw new Error(`focus is not shown on ${now.tag}:${now.name} (after ${visited.join(' → ')})`)
    if (matches(now.name)) return
  }
  throw new Error(`no control named ${String(target)} within ${max} ${back ? 'Shift+Tab' : 'Tab'} presses: ${visited.join(' → ')}`)
}

/** Checks that focus is on the control named `name` (after something moved it there). */
async function expectFocusOn(page: Page, name: string | RegExp): Promise<void> {
  await expect
    .poll(async () => (await focused(page)).name)
    .toMatch(typeof name === 'string' ? new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : name)
}

/** Chooses an option of the focused (closed) select with the arrow keys, by its visible label. */
async function chooseWithArrows(page: Page, label: string): Promise<void> {
  const { current, wanted, options } = await page.evaluate((l) => {
    const select = document.activeElement as HTMLSelectElement
    const options = Array.from(select.options).map((o) => o.label)
    return { current: select.selectedIndex, wanted: options.indexOf(l), options }
  }, label)
  if (wanted < 0) throw new Error(`no option "${label}" in ${options.join(', ')}`)
  for (let i = current; i !== wanted; i += wanted > current ? 1 : -1) await page.keyboard.press(wanted > current ? 'ArrowDown' : 'ArrowUp')
  await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLSelectElement).selectedOptions[0]?.label)).toBe(label)
}

/** [stage id, lane id, kind, text, votes shown] per card the open outline lists. */
async function outlineCards(page: Page): Promise<string[][]> {
  return page.getByTestId('journey-panel-outline').getByTestId('outline-card').evaluateAll((cards) =>
    cards.map((card) => {
      const cell = card.closest('[data-testid="outline-cell"]')
      return [
        cell?.getAttribute('data-stage-id') ?? '',
        cell?.getAttribute('data-lane-id') ?? '',
        card.getAttribute('data-kind') ?? '',
        card.querySelector('[data-testid="outline-card-text"]')?.textContent ?? '',
        card.getAttribute('data-votes') ?? '',
      ]
    }),
  )
}

async function voteResults(page: Page): Promise<string[][]> {
  return page.getByTestId('vote-result-row').evaluateAll((rows) =>
    rows.map((row) => [row.querySelector('[data-testid="vote-result-text"]')?.textContent ?? '', row.querySelector('[data-testid="vote-result-total"]')?.textContent ?? '']),
  )
}

it('a facilitator and a participant map, add a card and vote with the keyboard alone', async () => {
  const board = await createBoardOver(suite.server.url, 'Keyboard only')

  // --- The facilitator (already named on this device) inserts the journey map.
  const alice = await openAs(suite.browser, suite.server.url, 'Alice')
  people.push(alice)
  const a = alice.page
  a.setDefaultTimeout(15_000)
  await a.goto(suite.server.url + board.links.facilitator)
  await waitForBoard(a)
  await a.getByTestId('journey-kit').waitFor()

  await tabTo(a, 'Templates')
  await a.keyboard.press('Enter')
  await a.getByTestId('journey-panel-templates').waitFor()
  await tabTo(a, /^Insert Citizen journey map/)
  await a.keyboard.press('Enter')
  await expect.poll(() => a.locator('.tl-shape[data-shape-type="frame"]').count(), { timeout: 10_000 }).toBe(1)
  // Escape closes the panel and gives focus back to the dock button that opened it.
  await a.keyboard.press('Escape')
  await a.getByTestId('journey-panel-templates').waitFor({ state: 'detached' })
  await expectFocusOn(a, 'Templates')

  // --- The facilitator starts a vote: a question, two dots each, results on reveal.
  await tabTo(a, 'Vote', { back: true })
  await a.keyboard.press('Enter')
  await a.getByTestId('journey-panel-vote').waitFor()
  await tabTo(a, 'Question')
  await a.keyboard.type('What should we fix first?')
  await tabTo(a, 'Dots per person')
  await a.keyboard.press('ArrowDown')
  await expect.poll(() => a.getByTestId('vote-dots').inputValue()).toBe('2')
  await tabTo(a, 'Start vote')
  await a.keyboard.press('Enter')
  await expect.poll(() => a.getByTestId('vote-status').textContent()).toContain('Voting is open')
  // Focus stays in the panel, on what replaced the form.
  expect((await focused(a)).body).toBe(false)

  // --- A participant joins through the join step: name, Tab to Join, Enter.
  const bob = await openAs(suite.browser, suite.server.url, '')
  people.push(bob)
  const b = bob.page
  b.setDefaultTimeout(15_000)
  await b.goto(suite.server.url + board.links.editor)
  await b.getByTestId('name-prompt').waitFor()
  await expectFocusOn(b, 'Your name, as others will see it')
  await b.keyboard.type('Bob')
  await tabTo(b, 'Join')
  await b.keyboard.press('Enter')
  await b.getByTestId('name-prompt').waitFor({ state: 'detached' })
  await waitForBoard(b)
  await b.getByTestId('vote-bar').waitFor({ timeout: 10_000 })
  await expect(b.getByTestId('vote-bar-left').textContent()).resolves.toBe('2 of 2 dots left')

  // He opens the outline and adds a pain point to "Applying" / "Pain points".
  await tabTo(b, 'Outline')
  await b.keyboard.press('Enter')
  await b.getByTestId('journey-panel-outline').waitFor()
  await tabTo(b, 'Stage')
  await chooseWithArrows(b, 'Applying')
  await tabTo(b, 'Lane')
  await chooseWithArrows(b, 'Pain points')
  await tabTo(b, 'Kind')
  await chooseWithArrows(b, 'Pain point')
  await tabTo(b, 'Text')
  await b.keyboard.type('The form asks for papers the office already has')
  await tabTo(b, 'Add card')
  await b.keyboard.press('Enter')
  const card = ['apply', 'painPoints', 'painPoint', 'The form asks for papers the office already has']
  await expect.poll(() => outlineCards(b), { timeout: 10_000 }).toEqual([[...card, '']])
  // Focus is back in the text field, for the next card.
  await expectFocusOn(b, 'Text')

  // The facilitator sees it in the same cell of her outline (opened from the dock by keyboard).
  await a.keyboard.press('Escape')
  await a.getByTestId('journey-panel-vote').waitFor({ state: 'detached' })
  await expectFocusOn(a, 'Vote')
  await tabTo(a, 'Outline', { back: true })
  await a.keyboard.press('Enter')
  await a.getByTestId('journey-panel-outline').waitFor()
  await expect.poll(() => outlineCards(a), { timeout: 10_000 }).toEqual([[...card, '0']])

  // --- He votes for it from the outline.
  await tabTo(b, 'Add a dot: The form asks for papers the office already has', { back: true })
  await b.keyboard.press('Enter')
  await expect.poll(() => b.getByTestId('vote-bar-left').textContent()).toBe('1 of 2 dots left')
  await expect.poll(() => b.getByTestId('journey-announcer').textContent()).toContain('The form asks for papers the office already has')
  expect((await focused(b)).body).toBe(false)

  // --- The facilitator sees one dot on it, then reveals the results for everyone.
  await expect.poll(() => outlineCards(a), { timeout: 10_000 }).toEqual([[...card, '1']])
  await a.keyboard.press('Escape')
  await expectFocusOn(a, 'Outline')
  await tabTo(a, 'Vote')
  await a.keyboard.press('Enter')
  await a.getByTestId('journey-panel-vote').waitFor()
  await expect.poll(() => voteResults(a), { timeout: 10_000 }).toEqual([[card[3], '1']])
  await tabTo(a, 'Reveal results')
  await a.keyboard.press('Enter')
  await expect.poll(() => a.getByTestId('vote-panel').getAttribute('data-status')).toBe('revealed')
  expect((await focused(a)).body).toBe(false)
  await expect.poll(() => outlineCards(b), { timeout: 10_000 }).toEqual([[...card, '1']])
  await expect(b.getByTestId('outline-card').locator('.jk-card-votes').textContent()).resolves.toBe('1 dot')
})
