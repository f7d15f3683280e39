/**
 * Facilitation in real browsers: "bring everyone here" moves the participants' view to the
 * facilitator's (and a participant leaves by moving, or with one click); the participants panel
 * lists the people with their roles and groups, and follows the one selected; the join step asks
 * for the group when the board offers groups and shows the facilitator's notice.
 */
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createBoardOver } from '../helpers/server.ts'
import { cameraOf, openAs, waitForBoard, type Person } from '../helpers/browser.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'
import { drawRectangle } from '../helpers/board.ts'

const suite = useBrowserSuite()
const people = suite.people

async function person(name: string, viewport?: { width: number; height: number }): Promise<Person> {
  const p = await openAs(suite.browser, suite.server.url, name, viewport)
  people.push(p)
  return p
}

async function open(p: Person, path: string): Promise<void> {
  await p.page.goto(suite.server.url + path)
  await waitForBoard(p.page)
}

/** Pans the page's camera with the mouse wheel (tldraw's default wheel behaviour is to pan). */
async function pan(page: Page, dx: number, dy: number): Promise<void> {
  await page.mouse.move(640, 400)
  await page.mouse.wheel(dx, dy)
}

/** Whether two cameras show the same place (a pixel apart at most). */
async function sameView(a: Page, b: Page): Promise<boolean> {
  const [ca, cb] = await Promise.all([cameraOf(a), cameraOf(b)])
  return Math.abs(ca.x - cb.x) < 1 && Math.abs(ca.y - cb.y) < 1 && Math.abs(ca.z - cb.z) < 0.01
}

it('"bring everyone here" moves the participant to the facilitator\'s view until the participant moves away', async () => {
  const board = await createBoardOver(suite.server.url, 'Presentation')
  const alice = await person('Alice')
  const bob = await person('Bob')
  await open(alice, board.links.facilitator)
  await open(bob, board.links.editor)
  await expect.poll(() => alice.page.getByTestId('people-toggle').getAttribute('data-count'), { timeout: 10_000 }).toBe('2')

  // Alice goes far away; Bob stays where he is.
  const start = await cameraOf(bob.page)
  await pan(alice.page, 3000, 2000)
  await expect.poll(async () => (await cameraOf(alice.page)).x).toBeLessThan(start.x - 1000)
  expect(await sameView(alice.page, bob.page)).toBe(false)

  await alice.page.getByTestId('lead-toggle').click()
  await expect(alice.page.getByTestId('lead-toggle').textContent()).resolves.toBe('Stop leading')
  await expect.poll(() => sameView(alice.page, bob.page), { timeout: 10_000 }).toBe(true)
  const banner = bob.page.getByTestId('follow-banner')
  await expect(banner.textContent()).resolves.toContain('Following Alice')

  // Bob keeps following as Alice moves on.
  await pan(alice.page, -1500, 800)
  await expect.poll(() => sameView(alice.page, bob.page), { timeout: 10_000 }).toBe(true)

  // Bob moves himself: he leaves, and stays where he went when Alice moves again.
  await pan(bob.page, 400, 0)
  await banner.waitFor({ state: 'detached' })
  const own = await cameraOf(bob.page)
  await pan(alice.page, 500, 500)
  // Alice draws where she now is: once Bob has her shape, he has her new camera too (sent before it).
  await drawRectangle(alice.page)
  await expect.poll(() => bob.page.locator('.tl-shape[data-shape-type="geo"]').count(), { timeout: 10_000 }).toBe(1)
  expect(await cameraOf(bob.page)).toEqual(own)
  expect(await sameView(alice.page, bob.page)).toBe(false)

  // A new request brings him back; this time he leaves with the button.
  await alice.page.getByTestId('lead-toggle').click()
  await expect(alice.page.getByTestId('lead-toggle').textContent()).resolves.toBe('Bring everyone here')
  await alice.page.getByTestId('lead-toggle').click()
  await expect.poll(() => sameView(alice.page, bob.page), { timeout: 10_000 }).toBe(true)
  await bob.page.getByTestId('stop-following').click()
  await banner.waitFor({ state: 'detached' })

  // When Alice stops leading, nobody is pulled anywhere any more.
  await alice.page.getByTestId('lead-toggle').click()
  await alice.page.getByTestId('lead-toggle').click()
  await expect.poll(() => bob.page.getByTestId('follow-banner').count(), { timeout: 10_000 }).toBe(1)
  await alice.page.getByTestId('lead-toggle').click()
  await banner.waitFor({ state: 'detached', timeout: 10_000 })
})

it('the join step asks for the group the board offers, shows its notice, and the participants panel shows who is here', async () => {
  const board = await createBoardOver(suite.server.url, 'Groups')
  const alice = await person('Alice')
  await open(alice, board.links.facilitator)

  // Alice offers two groups and writes her administration's notice.
  await alice.page.getByTestId('settings-button').click()
  const settings = alice.page.getByTestId('settings-dialog')
  await settings.getByLabel('Citizen').check()
  await settings.getByLabel('Public official').check()
  await settings.getByLabel('Notice shown when people join').fill('Names are kept only during the session.\nQuestions: privacy@town.example')
  await settings.getByTestId('save-settings').click()
  await expect.poll(() => settings.getByTestId('settings-status').textContent()).toBe('Settings saved.')
  await settings.getByRole('button', { name: 'Close' }).click()

  // Carol joins on a phone for the first time: name, group and the notice.
  const carol = await person('', { width: 375, height: 740 })
  await carol.page.goto(suite.server.url + board.links.editor)
  const join = carol.page.getByTestId('name-prompt')
  await expect(join.getByTestId('join-notice').textContent()).resolves.toContain('Questions: privacy@town.example')
  await expect(join.getByRole('radio').count()).resolves.toBe(3)
  await join.getByLabel('Your name, as others will see it').fill('Carol')
  await join.getByRole('radio', { name: 'Public official' }).check()
  await join.getByRole('button', { name: 'Join' }).click()
  await waitForBoard(carol.page)

  // Dave has joined boards before on this device (his name is known), but this board asks.
  const dave = await person('Dave')
  await dave.page.goto(suite.server.url + board.links.viewer)
  await dave.page.getByTestId('name-prompt').getByRole('radio', { name: 'Prefer not to say' }).check()
  await dave.page.getByRole('button', { name: 'Join' }).click()
  await waitForBoard(dave.page)

  await expect.poll(() => alice.page.getByTestId('people-toggle').textContent(), { timeout: 10_000 }).toBe('People (3)')
  await alice.page.getByTestId('people-toggle').click()
  const panel = alice.page.getByTestId('people-panel')
  const rows = async () =>
    panel.getByTestId('person').evaluateAll((items) =>
      items.map((item) => [item.querySelector('[data-testid="person-name"]')?.textContent, item.querySelector('[data-testid="person-details"]')?.textContent]),
    )
  await expect
    .poll(rows, { timeout: 10_000 })
    .toEqual([
      ['Alice (you)', 'Facilitator'],
      ['Carol', 'Participant · Public official'],
      ['Dave', 'Viewer'],
    ])

  // Selecting Carol follows her view.
  await panel.getByRole('button', { name: /Carol/ }).click()
  await expect(panel.getByRole('button', { name: /Carol/ }).getAttribute('aria-pressed')).resolves.toBe('true')
  await expect(alice.page.getByTestId('follow-banner').textContent()).resolves.toContain('Following Carol')
  await alice.page.keyboard.press('Escape')
  await panel.waitFor({ state: 'detached' })
  await expect.poll(() => alice.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('people-toggle')

  // On her phone, Carol sees the people too, and her group was remembered: a reload goes straight in.
  await carol.page.getByTestId('people-toggle').click()
  await expect(carol.page.getByTestId('people-panel').getByTestId('person').count()).resolves.toBe(3)
  await carol.page.reload()
  await waitForBoard(carol.page)
  await expect
    .poll(() => alice.page.getByTestId('people-toggle').textContent(), { timeout: 10_000 })
    .toBe('People (3)')
  await alice.page.getByTestId('people-toggle').click()
  await expect.poll(rows, { timeout: 10_000 }).toContainEqual(['Carol', 'Participant · Public official'])
})
