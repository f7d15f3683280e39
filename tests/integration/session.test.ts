/**
 * The facilitator's session state (vote, timer) in the board document: only a facilitator's
 * connection can change it; anyone else's change is written back by the server, for
 * everyone, live and stored. Ballots stay open to participants.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { DocKeys } from '../../shared/protocol.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'
import { createBoardOver, startServer, type TestServer } from '../helpers/server.ts'
import { connectClient, type TestClient } from '../helpers/clients.ts'
import { waitFor } from '../helpers/waitFor.ts'

let dir: TmpDir
let server: TestServer
const clients: TestClient[] = []

function client(boardId: string, key: string): TestClient {
  const c = connectClient(server.url, boardId, key)
  clients.push(c)
  return c
}

beforeEach(async () => {
  dir = await createTmpDir()
  server = await startServer(dir.path)
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await server.close()
  await dir.remove()
})

it("a participant cannot start, change or end the facilitator's vote or timer", async () => {
  const board = await createBoardOver(server.url)
  const facilitator = client(board.id, board.facilitatorKey)
  const participant = client(board.id, board.editorKey)
  await Promise.all([facilitator.synced(), participant.synced()])
  const sessionOf = (c: TestClient) => c.doc.getMap(DocKeys.session)

  // A participant trying to start a vote: undone for everyone.
  sessionOf(participant).set('vote', { question: 'forged', dotsPerPerson: 99 })
  await waitFor(() => !sessionOf(participant).has('vote') && !sessionOf(facilitator).has('vote'), { message: 'forged vote undone' })

  // The facilitator starts one; it stays.
  const vote = { id: 'v1', question: 'Which pain points matter most?', dotsPerPerson: 3 }
  sessionOf(facilitator).set('vote', vote)
  sessionOf(facilitator).set('timer', { status: 'running', endsAt: 1, durationMs: 60_000 })
  await waitFor(() => JSON.stringify(sessionOf(participant).get('vote')) === JSON.stringify(vote))

  // A participant overwriting or deleting it: restored to the facilitator's values.
  sessionOf(participant).set('vote', { ...vote, dotsPerPerson: 50 })
  sessionOf(participant).delete('timer')
  await waitFor(
    () =>
      (sessionOf(participant).get('vote') as { dotsPerPerson?: number }).dotsPerPerson === 3 &&
      sessionOf(participant).has('timer') &&
      (sessionOf(facilitator).get('vote') as { dotsPerPerson?: number }).dotsPerPerson === 3,
    { message: 'vote and timer restored' },
  )

  // Ballots are the participants' own to write.
  participant.doc.getMap(DocKeys.ballots).set('voter-1', { dots: ['shape:a'] })
  await waitFor(() => facilitator.doc.getMap(DocKeys.ballots).has('voter-1'))

  // Stored as restored: a reader after a restart sees the facilitator's vote.
  await waitFor(() => server.server.rooms.loaded(board.id)?.doc.getMap(DocKeys.ballots).has('voter-1'))
  for (const c of clients.splice(0)) c.destroy()
  await server.close()
  server = await startServer(dir.path)
  const reader = client(board.id, board.editorKey)
  await reader.synced()
  expect(reader.doc.getMap(DocKeys.session).get('vote')).toEqual(vote)
  expect(reader.doc.getMap(DocKeys.session).has('timer')).toBe(true)
})

it("tells every connection the server's clock", async () => {
  const board = await createBoardOver(server.url)
  const c = client(board.id, board.editorKey)
  await c.synced()
  await waitFor(() => c.clockOffset() !== undefined)
  expect(Math.abs(c.clockOffset() ?? Infinity)).toBeLessThan(1000)
})
