/**
 * The journey-mapping kit in real browsers, with a facilitator and two participants of
 * different groups (a citizen on a laptop, an official on a phone): the facilitator inserts
 * the journey template; the participants add cards of different kinds in different cells, from
 * the outline's form and by placing a note on the canvas; the outline lists every card in its
 * cell; a vote with three dots each gives results split by group that match what was clicked;
 * the timer shows the same time on all three screens; and a participant cannot start a vote:
 * the interface does not offer it, and a raw write to the session from a participant's
 * connection is undone by the server.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { DocKeys } from '../../shared/protocol.ts'
import type { Group } from '../../shared/session.ts'
import { createBoardOver } from '../helpers/server.ts'
import { cameraOf, openAs, waitForBoard, type Person } from '../helpers/browser.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'
import { connectClient } from '../helpers/clients.ts'
import { waitFor } from '../helpers/waitFor.ts'

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

const suite = useBrowserSuite()
const people = suite.people

/** Opens the board as a person who already declared `group` on this device. */
async function join(
  boardId: string,
  link: string,
  name: string,
  group?: Group,
  viewport?: { width: number; height: number },
): Promise<Person> {
  const person = await openAs(suite.browser, suite.server.url, name, viewport)
  people.push(person)
  person.page.setDefaultTimeout(15_000)
  if (group) {
    await person.context.addInitScript(([key, value]) => localStorage.setItem(key, value), [`codesign:group:${boardId}`, group] as const)
  }
  await person.page.goto(suite.server.url + link)
  await waitForBoard(person.page)
  await person.page.getByTestId('journey-kit').waitFor()
  return person
}

async function openPanel(page: Page, name: 'cards' | 'outline' | 'vote' | 'timer' | 'templates'): Promise<Locator> {
  const panel = page.getByTestId(`journey-panel-${name}`)
  if (!(await panel.isVisible())) await page.getByTestId(`journey-dock-${name}`).click()
  await panel.waitFor()
  return panel
}

async function closePanel(page: Page): Promise<void> {
  await page.getByTestId('journey-panel-close').click()
}

/** Adds a card through the outline's form, choosing the cell by its visible labels. */
async function addCard(page: Page, stage: string, lane: string, kind: string, text: string): Promise<void> {
  const panel = await openPanel(page, 'outline')
  const form = panel.getByTestId('add-card-form')
  await form.getByTestId('add-card-stage').selectOption({ label: stage })
  await form.getByTestId('add-card-lane').selectOption({ label: lane })
  await form.getByTestId('add-card-kind').selectOption({ label: kind })
  await form.getByTestId('add-card-text').fill(text)
  await form.getByTestId('add-card-submit').click()
  await expect.poll(() => panel.getByTestId('outline-card-text').filter({ hasText: text }).count()).toBe(1)
}

/** What the outline lists: [stage id, lane id, kind, text] per card, in order. */
async function outlineCards(page: Page): Promise<string[][]> {
  const panel = await openPanel(page, 'outline')
  return panel.getByTestId('outline-card').evaluateAll((cards) =>
    cards.map((card) => {
      const cell = card.closest('[data-testid="outline-cell"]')
      return [
        cell?.getAttribute('data-stage-id') ?? '',
        cell?.getAttribute('data-lane-id') ?? '',
        card.getAttribute('data-kind') ?? '',
        card.querySelector('[data-testid="outline-card-text"]')?.textContent ?? '',
      ]
    }),
  )
}

/** The centre of a map cell on screen, from its stage and lane headers. */
async function cellCentre(page: Page, stage: string, lane: string): Promise<{ x: number; y: number }> {
  const header = (text: string) => page.locator('.tl-shape[data-shape-type="geo"]').filter({ hasText: text }).first().boundingBox()
  const [column, row] = await Promise.all([header(stage), header(lane)])
  if (!column || !row) throw new Error(`no header for ${stage} / ${lane}`)
  return { x: column.x + column.width / 2, y: row.y + row.height / 2 }
}

function note(page: Page, text: string): Locator {
  return page.locator('.tl-shape[data-shape-type="note"]').filter({ hasText: text })
}

/** Clicks (taps) the middle of a note, as a person would on the canvas. */
async function clickNote(page: Page, text: string): Promise<void> {
  const box = await note(page, text).boundingBox()
  if (!box) throw new Error(`no note "${text}" on screen`)
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
}

/** [text, total, citizens, officials] per result row, as the results table shows them. */
async function results(page: Page): Promise<string[][]> {
  const panel = await openPanel(page, 'vote')
  return panel.getByTestId('vote-result-row').evaluateAll((rows) =>
    rows.map((row) => [
      row.querySelector('[data-testid="vote-result-text"]')?.textContent ?? '',
      row.querySelector('[data-testid="vote-result-total"]')?.textContent ?? '',
      row.querySelector('[data-testid="vote-result-citizen"]')?.textContent ?? '0',
      row.querySelector('[data-testid="vote-result-official"]')?.textContent ?? '0',
    ]),
  )
}

/** WCAG A and AA problems axe finds in the kit's own interface (not tldraw's, not the board's). */
async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP rightly refuses injected scripts.
  await page.evaluate(AXE)
  return page.evaluate(async () => {
    type Axe = { run(context: Element | null, options: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> }
    const axe = (window as unknown as { axe: Axe }).axe
    const result = await axe.run(document.querySelector('[data-testid="journey-kit"]'), {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
    })
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  })
}

async function remainingSeconds(page: Page): Promise<number> {
  return Number(await page.getByTestId('timer-clock').getAttribute('data-remaining-s'))
}

it('a facilitator and two participants map a journey, vote by group and share one timer', async () => {
  const board = await createBoardOver(suite.server.url, 'Parking permit renewal')
  const patched = await fetch(`${suite.server.url}/api/boards/${board.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'x-board-key': board.facilitatorKey },
    body: JSON.stringify({ groups: ['citizen', 'official', 'other'] }),
  })
  expect(patched.status).toBe(200)

  const [alice, bob, carol] = await Promise.all([
    join(board.id, board.links.facilitator, 'Alice'),
    join(board.id, board.links.editor, 'Bob', 'citizen'),
    join(board.id, board.links.editor, 'Carol', 'official', { width: 375, height: 740 }),
  ])

  // --- The facilitator inserts the journey map; everyone sees it, in the board's language.
  const templates = await openPanel(alice.page, 'templates')
  await templates.getByTestId('insert-template-journey').click()
  await closePanel(alice.page)
  for (const person of [alice, bob, carol]) {
    await expect.poll(() => person.page.locator('.tl-shape[data-shape-type="frame"]').count(), { timeout: 10_000 }).toBe(1)
  }
  const bobOutline = await openPanel(bob.page, 'outline')
  await expect.poll(() => bobOutline.getByTestId('outline-stage').count()).toBe(5)
  await expect(bobOutline.getByTestId('outline-map').locator('h3').first().textContent()).resolves.toBe('Citizen journey map')

  // --- Participants add cards of different kinds in different cells.
  await addCard(bob.page, 'Applying', 'Pain points', 'Pain point', 'The form asks for papers the office already has')
  await addCard(bob.page, 'Finding out', 'Touchpoints and channels', 'Touchpoint', 'Town website')
  await addCard(carol.page, 'Waiting for a decision', 'Ideas and opportunities', 'Idea', 'A text message when it is decided')
  await closePanel(bob.page)

  // Bob also places a question card on the canvas: zoom to fit (tldraw's shortcut, once a
  // click on the canvas gave it the keyboard), pick the kind, then tap in the cell.
  await bob.page.mouse.click(640, 420)
  await bob.page.keyboard.press('Shift+1')
  const cards = await openPanel(bob.page, 'cards')
  await cards.getByTestId('card-kind-question').click()
  await expect(cards.getByTestId('card-kind-question').getAttribute('aria-pressed')).resolves.toBe('true')
  await closePanel(bob.page)
  // Once the camera has settled after zooming to fit.
  let spot = await cellCentre(bob.page, 'Receiving the service', 'Citizen actions')
  await expect
    .poll(async () => {
      const previous = spot
      spot = await cellCentre(bob.page, 'Receiving the service', 'Citizen actions')
      return Math.hypot(spot.x - previous.x, spot.y - previous.y)
    })
    .toBeLessThan(0.5)
  await bob.page.mouse.click(spot.x, spot.y)
  await bob.page.locator('.tl-shape[data-shape-type="note"] [contenteditable="true"]').waitFor()
  await bob.page.keyboard.type('How long will it take?')
  await bob.page.keyboard.press('Escape')
  await expect.poll(() => note(bob.page, 'How long will it take?').count()).toBe(1)

  // The outline lists every card in its cell, with its kind, on every screen.
  const expected = [
    ['discover', 'touchpoints', 'touchpoint', 'Town website'],
    ['apply', 'painPoints', 'painPoint', 'The form asks for papers the office already has'],
    ['wait', 'ideas', 'idea', 'A text message when it is decided'],
    ['receive', 'actions', 'question', 'How long will it take?'],
  ]
  for (const person of [alice, bob, carol]) {
    await expect.poll(() => outlineCards(person.page), { timeout: 10_000 }).toEqual(expected)
  }
  // On the canvas each card carries its kind as a label, not only as a colour.
  await expect
    .poll(() => alice.page.getByTestId('card-badge').allTextContents(), { timeout: 10_000 })
    .toEqual(expect.arrayContaining(['!Pain point', '◎Touchpoint', '✦Idea', '?Question']))

  // Choosing a card in the outline shows it on the board: selected, and zoomed to.
  const aliceOutline = await openPanel(alice.page, 'outline')
  await aliceOutline.getByTestId('outline-card').filter({ hasText: 'Town website' }).getByRole('button').first().click()
  await expect.poll(async () => (await cameraOf(alice.page)).z).toBeCloseTo(1, 2)
  const shown = await note(alice.page, 'Town website').boundingBox()
  expect(shown && shown.x > 0 && shown.y > 0 && shown.x + shown.width < 1280 && shown.y + shown.height < 800).toBe(true)

  // --- The facilitator renames a stage and adds one; every card stays in its cell.
  await aliceOutline.getByTestId('edit-structure').click()
  await aliceOutline.getByTestId('stage-name').nth(4).fill('After the permit')
  await aliceOutline.getByTestId('stage-name').nth(4).press('Enter')
  await aliceOutline.getByTestId('stage-add-after').nth(4).click()
  await closePanel(alice.page)
  const stageLabels = (page: Page) =>
    page.getByTestId('outline-stage').evaluateAll((stages) => stages.map((s) => s.querySelector('h4')?.firstChild?.textContent?.trim()))
  await openPanel(carol.page, 'outline')
  await expect
    .poll(() => stageLabels(carol.page), { timeout: 10_000 })
    .toEqual(['Finding out', 'Applying', 'Waiting for a decision', 'Receiving the service', 'After the permit', 'New stage'])
  await expect.poll(() => bob.page.locator('.tl-shape[data-shape-type="geo"]').filter({ hasText: 'After the permit' }).count()).toBe(1)
  expect(await outlineCards(bob.page)).toEqual(expected)

  // --- A participant is not offered the facilitator's controls.
  for (const name of ['timer', 'templates'] as const) expect(await bob.page.getByTestId(`journey-dock-${name}`).count()).toBe(0)
  expect(await bob.page.getByTestId('journey-dock-vote').count()).toBe(0)

  // --- The facilitator starts a vote: three dots each, results on reveal.
  const aliceVote = await openPanel(alice.page, 'vote')
  await aliceVote.getByTestId('vote-question').fill('What should we fix first?')
  await aliceVote.getByTestId('vote-dots').fill('3')
  await aliceVote.getByTestId('vote-reveal-onReveal').check()
  await aliceVote.getByTestId('vote-start').click()
  await expect(aliceVote.getByTestId('vote-status').textContent()).resolves.toContain('Voting is open')

  // Bob votes on the canvas: two dots on the website, one on the form, and a fourth refused.
  await bob.page.getByTestId('vote-bar').waitFor({ timeout: 10_000 })
  // Screen readers hear that the vote opened.
  await expect.poll(() => bob.page.getByTestId('session-announcer').textContent()).toContain('A vote has started: What should we fix first?')
  await closePanel(bob.page)
  await expect(bob.page.getByTestId('vote-bar-left').textContent()).resolves.toBe('3 of 3 dots left')
  await bob.page.getByTestId('vote-bar-mode').click()
  await expect(bob.page.getByTestId('vote-bar-mode').getAttribute('aria-pressed')).resolves.toBe('true')
  await clickNote(bob.page, 'Town website')
  await expect.poll(() => bob.page.getByTestId('vote-bar-left').textContent()).toBe('2 of 3 dots left')
  await clickNote(bob.page, 'Town website')
  await expect.poll(() => bob.page.getByTestId('vote-bar-left').textContent()).toBe('1 of 3 dots left')
  await clickNote(bob.page, 'The form asks')
  await expect.poll(() => bob.page.getByTestId('vote-bar-left').textContent()).toBe('0 of 3 dots left')
  await clickNote(bob.page, 'A text message')
  await expect.poll(() => bob.page.getByTestId('journey-announcer').textContent()).toContain('You have used all your dots')
  const bobPanel = await openPanel(bob.page, 'vote')
  await expect(bobPanel.getByTestId('vote-results-hidden').count()).resolves.toBe(1)

  // Carol votes from the outline on her phone: one dot on the website, two on the idea.
  const carolOutline = await openPanel(carol.page, 'outline')
  const carolCard = (text: string) => carolOutline.getByTestId('outline-card').filter({ hasText: text })
  await carolCard('Town website').getByTestId('outline-add-dot').click()
  await carolCard('A text message').getByTestId('outline-add-dot').click()
  await carolCard('A text message').getByTestId('outline-add-dot').click()
  await expect.poll(() => carol.page.getByTestId('vote-bar-left').textContent()).toBe('0 of 3 dots left')
  await expect(carolCard('The form asks').getByTestId('outline-add-dot').isDisabled()).resolves.toBe(true)

  // The facilitator sees the results coming in; she reveals them; they are split by group.
  const expectedResults = [
    ['Town website', '3', '2', '1'],
    ['A text message when it is decided', '2', '0', '2'],
    ['The form asks for papers the office already has', '1', '1', '0'],
  ]
  await expect.poll(() => results(alice.page), { timeout: 10_000 }).toEqual(expectedResults)
  await aliceVote.getByTestId('vote-reveal').click()
  await expect.poll(() => results(bob.page), { timeout: 10_000 }).toEqual(expectedResults)
  await expect(bobPanel.getByTestId('vote-voters').textContent()).resolves.toBe('2 people voted (Citizens 1, Officials 1)')
  await expect.poll(() => results(carol.page), { timeout: 10_000 }).toEqual(expectedResults)
  // The panels pass axe's WCAG A/AA checks, on a laptop and on a phone.
  expect(await accessibilityProblems(alice.page)).toEqual([])
  await openPanel(carol.page, 'outline')
  expect(await accessibilityProblems(carol.page)).toEqual([])
  // The dots show on the cards too, for everyone.
  await expect
    .poll(() => alice.page.locator('[data-testid="card-dots"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-total'))).sort()))
    .toEqual([1, 2, 3])

  // Closing keeps the results on the board.
  await aliceVote.getByTestId('vote-close').click()
  await expect.poll(() => bob.page.getByTestId('vote-panel').getAttribute('data-status')).toBe('closed')
  await expect.poll(() => bob.page.getByTestId('session-announcer').textContent()).toBe('The vote is closed.')
  await expect.poll(() => results(bob.page)).toEqual(expectedResults)
  await bob.page.getByTestId('vote-bar').waitFor({ state: 'detached' })
  // Bob can only read it: no form, no controls.
  expect(await bobPanel.getByTestId('vote-start-form').count()).toBe(0)
  expect(await bobPanel.getByTestId('vote-controls').count()).toBe(0)

  // --- A raw write from a participant's connection cannot start a vote: the server undoes it.
  const raw = connectClient(suite.server.url, board.id, board.editorKey)
  try {
    await raw.synced()
    const session = raw.doc.getMap(DocKeys.session)
    await waitFor(() => (session.get('vote') as { status?: string } | undefined)?.status === 'closed')
    session.set('vote', { id: 'forged', question: 'Forged vote', dotsPerPerson: 20, scope: { kind: 'all' }, status: 'open', startedAt: 0, startedBy: 'x' })
    await waitFor(() => (session.get('vote') as { id?: string } | undefined)?.id !== 'forged', { message: 'forged vote undone' })
  } finally {
    raw.destroy()
  }
  // Everyone is back to the facilitator's (closed) vote.
  for (const person of [bob, carol]) {
    await expect.poll(() => person.page.getByTestId('vote-bar').count(), { timeout: 10_000 }).toBe(0)
  }
  await expect.poll(() => bob.page.getByTestId('vote-question-text').textContent()).toBe('What should we fix first?')
  await expect.poll(() => results(bob.page)).toEqual(expectedResults)

  // --- The timer: the facilitator starts five minutes; all three see the same time.
  const timer = await openPanel(alice.page, 'timer')
  await timer.getByTestId('timer-minutes').fill('5')
  await timer.getByTestId('timer-start').click()
  for (const person of [alice, bob, carol]) await person.page.getByTestId('timer-clock').waitFor({ timeout: 10_000 })
  // Read once all show less than five minutes, so no screen is caught on the way from 5:00.
  await expect.poll(() => remainingSeconds(alice.page), { timeout: 5_000 }).toBeLessThan(299)
  const clocks = await Promise.all([alice, bob, carol].map((p) => p.page.getByTestId('timer-clock').textContent()))
  const seconds = await Promise.all([alice, bob, carol].map((p) => remainingSeconds(p.page)))
  expect(clocks.map((c) => c?.split(':')[0])).toEqual(['4', '4', '4'])
  expect(Math.max(...seconds) - Math.min(...seconds)).toBeLessThanOrEqual(2)

  // Pause, a minute more, resume, stop: everyone follows.
  await timer.getByTestId('timer-pause').click()
  await expect.poll(() => carol.page.getByTestId('timer').getAttribute('data-status')).toBe('paused')
  await timer.getByTestId('timer-add-minute').click()
  await expect.poll(() => remainingSeconds(bob.page)).toBeGreaterThan(330)
  await timer.getByTestId('timer-resume').click()
  await expect.poll(() => bob.page.getByTestId('timer').getAttribute('data-status')).toBe('running')
  await timer.getByTestId('timer-stop').click()
  for (const person of [alice, bob, carol]) await person.page.getByTestId('timer').waitFor({ state: 'detached', timeout: 10_000 })
})
