/**
 * 6. Drawing traffic, in headless Chromium: Alice draws a freehand stroke for 5 seconds (the
 * draw tool, a pointer move every 16 ms) while Bob watches on his own page. Measured:
 * - what Alice's client sent on its websocket during the stroke (Playwright's frame events),
 *   document messages (sync) apart from presence;
 * - what a naive binding would have sent for the same stroke: one whole-record write per store
 *   change, i.e. the JSON of the record after each change tldraw made to a document record
 *   (counted in Alice's page with the store's after-create/after-change side effects);
 * - how often Bob's page showed the stroke grow (mutations of the draw shape in his DOM).
 * Budgets: ours at most a tenth of the naive binding's bytes; Bob sees at least 10 updates a second.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Browser, Page, WebSocket } from 'playwright-core'
import { launchBrowser, openAs, waitForBoard, type Person } from '../../helpers/browser.ts'
import { waitFor } from '../../helpers/waitFor.ts'
import { MessageType } from '../../../shared/protocol.ts'
import { exposeEditor, preparePage } from '../lib/browserBench.ts'
import { maxBudget, type Scenario, type ScenarioContext, type ScenarioResult } from '../lib/scenario.ts'
import { startServer, ServerKind, type BenchServer, type BoardAccess } from '../lib/servers.ts'
import { round } from '../lib/stats.ts'

export const drawing: Scenario = {
  name: 'drawing',
  title: '6. Drawing traffic',
  description: 'a 5-second freehand stroke: bytes sent vs a naive binding; updates seen by the other person',
  run: runDrawing,
}

const STROKE_MS = 5000
const MOVE_EVERY_MS = 16
/** After the pointer is released: the last frame's write and the server's answer. */
const FLUSH_MS = 1500
const KB = 1024

type Sent = { syncBytes: number; syncFrames: number; awarenessBytes: number; awarenessFrames: number; otherBytes: number }
/**
 * `appendOnly`: changes of a draw shape where every segment path only changed at its end:
 * tldraw appends each point's bytes to the path, base64-encoded, so only the last few
 * characters (the base64 padding) change besides what is appended. `appendedBytes`: the
 * characters from the first difference to the end, summed: about what an incremental encoding
 * of the stroke (replace the path's tail) would have to send.
 */
type Naive = { bytes: number; changes: number; appendOnly: number; appendedBytes: number }

async function runDrawing(context: ScenarioContext): Promise<ScenarioResult> {
  const { appDir } = await context.builds()
  const server = await startServer(ServerKind.codesign, {
    env: { CLIENT_DIR: appDir },
    ...(context.options.cpuProfileDir ? { cpuProfileDir: context.options.cpuProfileDir } : {}),
  })
  const browser = await launchBrowser()
  try {
    const board = await server.createBoard('Drawing')
    const alice = await openBoard(browser, server, board, 'Alice', 'facilitator')
    const bob = await openBoard(browser, server, board, 'Bob', 'editor')

    // Alice's websocket frames, counted only while `counting`.
    let counting = false
    const sent: Sent = { syncBytes: 0, syncFrames: 0, awarenessBytes: 0, awarenessFrames: 0, otherBytes: 0 }
    for (const socket of alice.sockets) {
      socket.on('framesent', ({ payload }) => {
        if (!counting || typeof payload === 'string') return
        const tag = payload[0]
        if (tag === MessageType.sync) {
          sent.syncBytes += payload.byteLength
          sent.syncFrames += 1
        } else if (tag === MessageType.awareness) {
          sent.awarenessBytes += payload.byteLength
          sent.awarenessFrames += 1
        } else sent.otherBytes += payload.byteLength
      })
    }
    await waitFor(() => exposeEditor(alice.person.page), { timeout: 30_000, message: "Alice's editor found" })
    await installNaiveCounter(alice.person.page)
    await installStrokeWatcher(bob.person.page)

    const page = alice.person.page
    await page.keyboard.press('d')
    // Pointer events go straight to Chromium over CDP, one every 16 ms of wall time, without
    // waiting for each to be handled (Playwright's mouse.move waits for the page, which makes a
    // slow machine draw with a slow hand). Chromium coalesces them per frame, as it does a
    // real mouse's.
    const cdp = await page.context().newCDPSession(page)
    const pointAt = (t: number) => ({
      // A slow wave from left to right and back, as a hand drawing a long line.
      x: Math.round(640 - 300 + 600 * Math.sin(t * Math.PI)),
      y: Math.round(420 + 120 * Math.sin(t * Math.PI * 6)),
    })
    const startPoint = pointAt(0)
    await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', ...startPoint })
    counting = true
    const started = performance.now()
    await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', ...startPoint, button: 'left', buttons: 1, clickCount: 1 })
    let moves = 0
    let last = startPoint
    const inFlight: Promise<unknown>[] = []
    for (let elapsed = 0; elapsed < STROKE_MS; elapsed = performance.now() - started) {
      last = pointAt(elapsed / STROKE_MS)
      inFlight.push(cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', ...last, button: 'left', buttons: 1 }))
      moves += 1
      const wait = started + moves * MOVE_EVERY_MS - performance.now()
      if (wait > 0) await sleep(wait)
    }
    await Promise.all(inFlight)
    await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...last, button: 'left', buttons: 0, clickCount: 1 })
    const strokeMs = performance.now() - started
    await sleep(FLUSH_MS)
    counting = false
    await cdp.detach()

    const naive = (await page.evaluate(() => (window as unknown as { __benchNaive: Naive }).__benchNaive)) as Naive
    const seen = (await bob.person.page.evaluate(() => (window as unknown as { __benchStroke: number[] }).__benchStroke)) as number[]
    const bobShapes = await bob.person.page.locator('.tl-shape[data-shape-type="draw"]').count()
    // Bob's view lags Alice's hand a little: count the updates of one stroke's length from his first.
    const first = seen[0] ?? 0
    const duringStroke = seen.filter((t) => t - first <= strokeMs).length
    const updatesPerSecond = round(duringStroke / (strokeMs / 1000), 1)
    const ratio = naive.bytes > 0 ? sent.syncBytes / naive.bytes : null
    context.progress(`drawing: ours ${sent.syncBytes} B of document messages, naive ${naive.bytes} B, Bob saw ${seen.length} updates`)
    return {
      scenario: 'drawing',
      title: drawing.title,
      settings: { stroke: `${Math.round(strokeMs)} ms, ${moves} pointer moves`, 'naive changes': naive.changes },
      columns: [
        { key: 'what', header: 'measured' },
        { key: 'kb', header: 'KB sent', decimals: 1 },
        { key: 'messages', header: 'messages' },
      ],
      rows: [
        { what: 'ours: document (sync) messages', kb: round(sent.syncBytes / KB, 1), messages: sent.syncFrames },
        { what: 'ours: presence (awareness) messages', kb: round(sent.awarenessBytes / KB, 1), messages: sent.awarenessFrames },
        { what: 'naive binding: one whole record per store change', kb: round(naive.bytes / KB, 1), messages: naive.changes },
        {
          what: `the path's changed tails alone (${naive.appendOnly} of ${naive.changes} changes append-only)`,
          kb: round(naive.appendedBytes / KB, 1),
          messages: naive.appendOnly,
        },
        { what: `Bob: visible updates of the stroke (${updatesPerSecond}/s)`, kb: null, messages: seen.length },
      ],
      budgets: [
        {
          name: 'document bytes vs naive binding',
          unit: 'KB',
          ours: round(sent.syncBytes / KB, 1),
          against: { label: 'naive', value: round(naive.bytes / KB, 1) },
          ratio,
          limit: '<= 0.1x naive',
          pass: ratio === null ? null : ratio <= 0.1,
        },
        { ...maxBudget('updates Bob sees', '/s', updatesPerSecond, 10), limit: '>= 10 /s', pass: updatesPerSecond >= 10 },
      ],
      notes: [
        ...(bobShapes === 1 ? [] : [`Bob's page shows ${bobShapes} draw shapes, not 1`]),
        ...[...alice.person.pageErrors, ...bob.person.pageErrors].map((error) => `page error: ${error}`),
      ],
      details: { sent, naive, moves, strokeMs, bobUpdateTimes: seen.map((t) => round(t, 1)) },
    }
  } finally {
    await browser.close()
    await server.stop()
  }
}

type OpenBoard = { person: Person; sockets: WebSocket[] }

async function openBoard(
  browser: Browser,
  server: BenchServer,
  board: BoardAccess,
  name: string,
  role: 'facilitator' | 'editor',
): Promise<OpenBoard> {
  const person = await openAs(browser, server.url, name)
  await preparePage(person.page)
  const sockets: WebSocket[] = []
  person.page.on('websocket', (socket) => sockets.push(socket))
  const key = board.protocols(role)[1]?.slice(2)
  await person.page.goto(`${server.url}/b/${board.id}#k=${key}`)
  await waitForBoard(person.page)
  await waitFor(() => sockets.length > 0, { message: `${name}'s websocket` })
  return { person, sockets }
}

/** Counts, in the page, the JSON bytes of every document record after each change ('user' only). */
async function installNaiveCounter(page: Page): Promise<void> {
  await page.evaluate(() => {
    type SideEffects = {
      registerAfterCreateHandler(type: string, fn: (record: unknown, source: string) => void): () => void
      registerAfterChangeHandler(type: string, fn: (prev: unknown, next: unknown, source: string) => void): () => void
    }
    const w = window as unknown as { __benchEditor: { sideEffects: SideEffects }; __benchNaive: Naive }
    const counter: Naive = { bytes: 0, changes: 0, appendOnly: 0, appendedBytes: 0 }
    w.__benchNaive = counter
    const encoder = new TextEncoder()
    const count = (record: unknown, source: string) => {
      if (source !== 'user') return
      counter.bytes += encoder.encode(JSON.stringify(record)).byteLength
      counter.changes += 1
    }
    type Draw = { type?: string; props?: { segments?: { path?: string }[] } }
    const paths = (record: unknown) => ((record as Draw).props?.segments ?? []).map((segment) => segment.path ?? '')
    for (const type of ['shape', 'binding', 'asset', 'page', 'document']) {
      w.__benchEditor.sideEffects.registerAfterCreateHandler(type, count)
      w.__benchEditor.sideEffects.registerAfterChangeHandler(type, (prev, next, source) => {
        count(next, source)
        if (source !== 'user' || (next as Draw).type !== 'draw') return
        const before = paths(prev)
        const after = paths(next)
        if (after.length < before.length) return
        let changed = 0
        for (const [i, path] of after.entries()) {
          const old = before[i] ?? ''
          let same = 0
          while (same < old.length && same < path.length && old.charCodeAt(same) === path.charCodeAt(same)) same++
          // More than the base64 padding of the last group changed: not an append.
          if (same < old.length - 4) return
          changed += path.length - same
        }
        counter.appendOnly += 1
        counter.appendedBytes += changed
      })
    }
  })
}

/** Notes, in the page, each time the DOM of a draw shape changed (one entry per batch of mutations). */
async function installStrokeWatcher(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __benchStroke: number[] }
    w.__benchStroke = []
    const layer = document.querySelector('.tl-canvas') ?? document.body
    new MutationObserver((mutations) => {
      const drawn = mutations.some((m) => {
        const target = m.target instanceof Element ? m.target : m.target.parentElement
        return target?.closest('.tl-shape[data-shape-type="draw"]') || (m.addedNodes.length > 0 && [...m.addedNodes].some((n) => n instanceof Element && n.matches('.tl-shape[data-shape-type="draw"]')))
      })
      if (drawn) w.__benchStroke.push(performance.now())
    }).observe(layer, { subtree: true, childList: true, attributes: true, characterData: true })
  })
}
