/**
 * HTTP hardening: security headers on every response, strict ids, and keys that never
 * appear in any log line of a full run at the most verbose level.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'
import { createBoardOver, startChildServer, type ChildServer } from '../helpers/server.ts'
import { connectClient, openRaw } from '../helpers/clients.ts'
import { waitFor } from '../helpers/waitFor.ts'

let dir: TmpDir
let child: ChildServer | undefined

beforeEach(async () => {
  dir = await createTmpDir()
})

afterEach(async () => {
  await child?.kill()
  await dir.remove()
})

it('never logs a key, whatever happens, even at trace level', async () => {
  child = await startChildServer(dir.path, { LOG_LEVEL: 'trace' })
  const board = await createBoardOver(child.url)
  const wrongKey = 'Z'.repeat(32)
  // A session: both roles connect and edit, a wrong key is tried over HTTP and websockets.
  const alice = connectClient(child.url, board.id, board.facilitatorKey)
  const bob = connectClient(child.url, board.id, board.editorKey)
  await Promise.all([alice.synced(), bob.synced()])
  alice.doc.getMap('test').set('x', 1)
  await waitFor(() => bob.doc.getMap('test').get('x') === 1)
  for (const key of [board.facilitatorKey, board.editorKey, wrongKey]) {
    await fetch(`${child.url}/api/boards/${board.id}`, { headers: { 'x-board-key': key } })
  }
  const wrong = await openRaw(child.url, board.id, wrongKey)
  await wrong.closed
  // A malformed frame, so error paths log too.
  const raw = await openRaw(child.url, board.id, board.editorKey)
  raw.ws.send(new Uint8Array([0, 2, 0xff, 0xff, 0xff, 0x0f]))
  await raw.closed
  alice.destroy()
  bob.destroy()
  await child.kill('SIGTERM')
  const everything = child.lines.join('\n') + child.stderr()
  expect(child.lines.length).toBeGreaterThan(10)
  for (const key of [board.facilitatorKey, board.editorKey, wrongKey]) expect(everything).not.toContain(key)
})

it('sends security headers: a same-origin CSP, nosniff, no referrer, no framing', async () => {
  child = await startChildServer(dir.path)
  for (const path of ['/', '/b/AAAAAAAAAAAAAAAA', '/api/health']) {
    const response = await fetch(child.url + path)
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp, path).toContain("default-src 'self'")
    expect(csp, path).toContain("script-src 'self'")
    expect(csp, path).toContain("frame-ancestors 'none'")
    expect(csp, path).not.toMatch(/https?:/)
    expect(response.headers.get('x-content-type-options'), path).toBe('nosniff')
    expect(response.headers.get('referrer-policy'), path).toBe('no-referrer')
    expect(response.headers.get('x-powered-by'), path).toBeNull()
  }
})

it('refuses malformed ids and paths without touching the file system', async () => {
  child = await startChildServer(dir.path)
  for (const id of ['..%2F..%2Fetc%2Fpasswd', 'short', 'A'.repeat(17), 'AAAAAAAA%00AAAAAAA']) {
    const response = await fetch(`${child.url}/api/boards/${id}`)
    expect(response.status, id).toBe(400)
  }
  const traversal = await fetch(`${child.url}/assets/..%2F..%2Fpackage.json`)
  expect([403, 404]).toContain(traversal.status)
  expect(await traversal.text()).not.toContain('"dependencies"')
})
