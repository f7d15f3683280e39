/**
 * Two people in two browsers on one board: create, share, join with a name, draw, see each
 * other's work and cursor, and find it all again after a reload and a server restart.
 */
import { expect, it } from 'vitest'
import { startServer } from '../helpers/server.ts'
import { drawRectangle, drawStroke, shapeCount, statusOf } from '../helpers/board.ts'
import { openAs, waitForBoard } from '../helpers/browser.ts'
import { useBrowserSuite } from '../helpers/browserSuite.ts'

const suite = useBrowserSuite()
const people = suite.people

it('two people draw together, see each other, and find the board again after reload and restart', async () => {
  const alice = await openAs(suite.browser, suite.server.url, 'Alice')
  people.push(alice)
  await alice.page.goto(suite.server.url + '/')
  await alice.page.getByLabel('Board title').fill('Library card renewal')
  await alice.page.getByRole('button', { name: 'Create board' }).click()
  await waitForBoard(alice.page)
  await expect.poll(() => alice.page.getByTestId('connection-status').getAttribute('data-state')).toBe('saved')

  // The facilitator finds the participant link in the share dialog.
  await alice.page.getByTestId('share-button').click()
  const participantLink = await alice.page.getByTestId('participant-link').inputValue()
  expect(participantLink).toMatch(/\/b\/[A-Za-z0-9_-]{16}#k=[A-Za-z0-9_-]{32}$/)
  await alice.page.getByRole('button', { name: 'Close' }).click()

  // Bob opens it on another device and is asked for his name first.
  const bob = await openAs(suite.browser, suite.server.url, '')
  people.push(bob)
  await bob.page.goto(participantLink)
  await bob.page.getByLabel('Your name, as others will see it').fill('Bob')
  await bob.page.getByRole('button', { name: 'Join' }).click()
  await waitForBoard(bob.page)
  await expect(bob.page.getByTestId('role').textContent()).resolves.toBe('Participant')

  // Alice's screen reader hears that Bob joined.
  await expect.poll(() => alice.page.getByTestId('session-announcer').textContent()).toContain('Bob joined the board.')

  // Alice draws a rectangle; Bob sees it.
  await drawRectangle(alice.page)
  await expect.poll(() => shapeCount(alice.page, 'geo')).toBe(1)
  await expect.poll(() => shapeCount(bob.page, 'geo'), { timeout: 10_000 }).toBe(1)

  // Bob moves his pointer; Alice sees his cursor labelled with his name.
  for (let i = 0; i < 10; i++) await bob.page.mouse.move(300 + i * 20, 500, { steps: 2 })
  await expect
    .poll(() => alice.page.locator('.tl-collaborators .tl-nametag').allTextContents(), { timeout: 10_000 })
    .toContain('Bob')

  // Bob draws his own rectangle; his undo takes back his, never Alice's, and redo brings it back.
  await drawRectangle(bob.page, 700, 200)
  await expect.poll(() => shapeCount(alice.page, 'geo'), { timeout: 10_000 }).toBe(2)
  await bob.page.keyboard.press('Control+z')
  await expect.poll(() => shapeCount(bob.page, 'geo')).toBe(1)
  await expect.poll(() => shapeCount(alice.page, 'geo'), { timeout: 10_000 }).toBe(1)
  await bob.page.keyboard.press('Control+z')
  await bob.page.keyboard.press('Control+z')
  await expect.poll(() => shapeCount(bob.page, 'geo')).toBe(1)
  await bob.page.keyboard.press('Control+Shift+z')
  await expect.poll(() => shapeCount(alice.page, 'geo'), { timeout: 10_000 }).toBe(2)

  // Bob's name was remembered on his device: a reload goes straight to the board.
  await bob.page.reload()
  await waitForBoard(bob.page)
  await expect.poll(() => shapeCount(bob.page, 'geo'), { timeout: 10_000 }).toBe(2)

  // The server restarts (same port, same data): the rectangles are still there.
  const port = suite.server.port
  await suite.server.close()
  await expect.poll(() => alice.page.getByTestId('connection-status').getAttribute('data-state')).toBe('offline')
  suite.server = await startServer(suite.dir.path, {}, port)
  await expect.poll(() => alice.page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')
  await bob.page.reload()
  await waitForBoard(bob.page)
  await expect.poll(() => shapeCount(bob.page, 'geo'), { timeout: 10_000 }).toBe(2)

  for (const person of people) {
    expect(person.outsideRequests).toEqual([])
    expect(person.pageErrors).toEqual([])
  }
})

it('people keep drawing while the server is down, and everything syncs both ways when it is back', async () => {
  const board = await fetch(`${suite.server.url}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Offline' }),
  }).then((r) => r.json() as Promise<{ links: { facilitator: string; editor: string } }>)
  const dana = await openAs(suite.browser, suite.server.url, 'Dana')
  const erik = await openAs(suite.browser, suite.server.url, 'Erik')
  people.push(dana, erik)
  await dana.page.goto(suite.server.url + board.links.facilitator)
  await erik.page.goto(suite.server.url + board.links.editor)
  await Promise.all([waitForBoard(dana.page), waitForBoard(erik.page)])
  await expect.poll(() => statusOf(erik.page)).toBe('saved')

  const port = suite.server.port
  await suite.server.close()
  await expect.poll(() => statusOf(dana.page)).toBe('offline')
  await expect.poll(() => statusOf(erik.page)).toBe('offline')
  await expect(dana.page.getByTestId('connection-status').textContent()).resolves.toMatch(/Offline/)
  await drawStroke(dana.page, 300, 300)
  await drawRectangle(erik.page, 600, 400)
  await expect.poll(() => shapeCount(dana.page, 'draw')).toBe(1)
  await expect.poll(() => shapeCount(erik.page, 'geo')).toBe(1)

  suite.server = await startServer(suite.dir.path, {}, port)
  await expect.poll(() => shapeCount(dana.page, 'geo'), { timeout: 20_000 }).toBe(1)
  await expect.poll(() => shapeCount(erik.page, 'draw'), { timeout: 20_000 }).toBe(1)
  await expect.poll(() => statusOf(dana.page), { timeout: 10_000 }).toBe('saved')
  await expect.poll(() => statusOf(erik.page), { timeout: 10_000 }).toBe('saved')
  expect(dana.pageErrors).toEqual([])
  expect(erik.pageErrors).toEqual([])
})

it('an unknown board shows "board not found" and a wrong key "this link is not valid"', async () => {
  const carol = await openAs(suite.browser, suite.server.url, 'Carol')
  people.push(carol)
  await carol.page.goto(`${suite.server.url}/b/AAAAAAAAAAAAAAAA#k=${'A'.repeat(32)}`)
  await carol.page.getByTestId('board-not-found').waitFor({ state: 'visible' })
  const created = await fetch(`${suite.server.url}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Keys' }),
  }).then((r) => r.json() as Promise<{ id: string }>)
  await carol.page.goto(`${suite.server.url}/b/${created.id}#k=${'B'.repeat(32)}`)
  await carol.page.getByTestId('board-invalid-link').waitFor({ state: 'visible' })
  await carol.page.goto(`${suite.server.url}/b/${created.id}`)
  await carol.page.getByTestId('board-invalid-link').waitFor({ state: 'visible' })
})
