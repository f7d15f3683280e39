/**
 * The live-load engine of the workshops and town-hall scenarios. Per server compared: B boards
 * of C connections each, of which W write edits at R a second, O are real Y.Doc clients that
 * watch (y-websocket's provider, as the browser has it), K move cursors, and the rest listen.
 * Latency is measured on the real clients: edits carry the time they were written, presences
 * the time they were sent. Everyone but the real clients is a light client (raw websocket
 * that counts frames and parses nothing); a writer is a light client sending the updates of a
 * Y.Doc of its own (edits to its own key of a Y.Map, so it needs nobody else's). This keeps
 * the load generator's own work small beside the servers': on this machine a hundred real
 * clients each applying every edit and presence of their board would saturate it first.
 *
 * The servers are compared side by side, not one after the other: all of them run with all
 * their clients connected, and the load goes to one at a time in short turns, round after
 * round (warm-up, window, pause). This machine is shared and its speed drifts over minutes;
 * interleaving spreads that drift over every server alike. Server CPU is read from /proc
 * over each server's windows and divided by the messages (edits and presences) its clients
 * received in them.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import * as Y from 'yjs'
import { setTimeout as sleep } from 'node:timers/promises'
import { waitFor } from '../../helpers/waitFor.ts'
import { createCursor, EMPTY_SYNC_STEP1, type CursorMover } from './cursors.ts'
import { openLightClient, type FrameCounts, type LightClient } from './lightClient.ts'
import { MB, sampleRss } from './proc.ts'
import { createPropagationRecorder, type PropagationRecorder, type Writer } from './propagation.ts'
import type { ScenarioContext } from './scenario.ts'
import { startServer, type BenchServer, type BoardAccess, type LaunchOptions, type ServerKind, type StopResult } from './servers.ts'
import { round, summarize, type Summary } from './stats.ts'
import { connectYClient, type YClient } from './yClient.ts'
import { encodeUpdate } from '../../../server/sync/codec.ts'

export type LoadShape = {
  boards: number
  connectionsPerBoard: number
  /** Clients per board that write (light clients sending a Y.Doc's updates). */
  writers: number
  /** Edits a second per writer. */
  rate: number
  /** Padding bytes per edit. */
  bytes: number
  /** Light clients per board moving a cursor. */
  cursors: number
  /** Cursor moves a second per cursor client. */
  cursorRate: number
  /** Real Y.Doc clients per board that watch: latency is measured on them. */
  observers: number
  /** Total measurement window per server, seconds, split over the rounds. */
  seconds: number
  /** Load before each window opens, seconds. */
  warmup: number
  /** Turns per server. */
  rounds: number
}

export type LoadResult = {
  server: ServerKind
  edits: {
    /** Edits written inside the windows. */
    sent: number
    /** Window edits times the real clients that should see them. */
    expectedDeliveries: number
    delivered: number
    lost: number
    duplicates: number
    /** Every edit of the run times the light clients of its board. */
    lightExpected: number
    lightReceived: number
    lightLost: number
    drainMs: number
  }
  latencyMs: Summary | null
  cursorLatencyMs: Summary | null
  cursorsSent: number
  /**
   * Edits and cursor moves sent inside the windows times the other connections of their board:
   * what the server had to deliver, however it packs them into frames (a server may coalesce
   * several into one frame; counting frames would penalise that).
   */
  deliveries: number
  deliveriesPerSecond: number
  /** Websocket frames carrying edits or presences that the clients received in the windows. */
  framesPerSecond: number
  usage: {
    cpuPercent: number
    /** Server CPU time per 1000 deliveries (see `deliveries`). */
    cpuMsPer1000Deliveries: number | null
    rssMb: { start: number; peak: number; end: number }
  }
  loadGenerator: { cpuPercent: number; eventLoopDelayP99Ms: number }
  closes: Record<string, number>
  serverWarnings: { message: string; count: number; example: string }[]
  serverStop: StopResult | null
}

/** How long deliveries may still arrive after the last window before they count as lost. */
const DRAIN_TIMEOUT_MS = 5_000
/** Sampling interval of the event-loop delay monitor; its histogram includes this interval. */
const LOOP_RESOLUTION_MS = 10
const CONNECT_TIMEOUT_MS = 60_000
/** Light clients opening at once. */
const OPEN_CONCURRENCY = 40
/** Quiet time after a turn, so its last deliveries do not land in the next server's window. */
const PAUSE_MS = 400

type Board = {
  access: BoardAccess
  real: YClient[]
  writers: Writer[]
  /** The writers' sockets and docs. */
  writerClients: LightClient[]
  writerDocs: Y.Doc[]
  /** Listeners and cursor movers. */
  light: LightClient[]
  movers: CursorMover[]
}

/** One server with its clients connected, and what its windows measured so far. */
type LoadSet = {
  kind: ServerKind
  server: BenchServer
  boards: Board[]
  recorder: PropagationRecorder
  stopObserving: (() => void)[]
  windowMs: number
  cpuMs: number
  messages: number
  deliveries: number
  selfCpuMs: number
  maxRssBytes: number
  rssStart: number | undefined
  /** The event-loop delay p99 of each window, ms (one histogram per window). */
  loopDelayP99: number[]
  closing?: Promise<StopResult>
}

export async function runLoadComparison(
  kinds: readonly ServerKind[],
  shape: LoadShape,
  { progress, signal }: Pick<ScenarioContext, 'progress' | 'signal'>,
  launchFor: (kind: ServerKind) => LaunchOptions = () => ({}),
): Promise<LoadResult[]> {
  const sets: LoadSet[] = []
  try {
    for (const kind of kinds) sets.push(await openSet(kind, shape, launchFor(kind), progress))
    const windowMs = (shape.seconds * 1000) / shape.rounds
    for (let r = 0; r < shape.rounds; r++) {
      for (const set of sets) {
        await turn(set, shape, windowMs, signal)
      }
      progress(`round ${r + 1}/${shape.rounds} done`)
    }
    const results: LoadResult[] = []
    for (const set of sets) results.push(await drain(set, progress))
    for (const [i, set] of sets.entries()) {
      const result = results[i]
      if (result) result.serverStop = await closeSet(set)
    }
    return results
  } finally {
    for (const set of sets) await closeSet(set)
  }
}

async function openSet(kind: ServerKind, shape: LoadShape, launch: LaunchOptions, progress: (message: string) => void): Promise<LoadSet> {
  const { boards: boardCount, connectionsPerBoard, writers, observers, cursors } = shape
  const lightPerBoard = connectionsPerBoard - writers - observers
  if (lightPerBoard < cursors) throw new Error('more writers, observers and cursors than connections per board')

  const server = await startServer(kind, launch)
  const recorder = createPropagationRecorder()
  const set: LoadSet = {
    kind,
    server,
    boards: [],
    recorder,
    stopObserving: [],
    windowMs: 0,
    cpuMs: 0,
    messages: 0,
    deliveries: 0,
    selfCpuMs: 0,
    maxRssBytes: 0,
    rssStart: undefined,
    loopDelayP99: [],
  }
  try {
    const started = performance.now()
    for (let b = 0; b < boardCount; b++) {
      const access = await server.createBoard(`Bench ${b + 1}`)
      const board: Board = { access, real: [], writers: [], writerClients: [], writerDocs: [], light: [], movers: [] }
      set.boards.push(board)
      for (let i = 0; i < observers; i++) {
        board.real.push(connectYClient(server.url, access, i === 0 ? 'facilitator' : 'editor', { needsSync: kind !== 'floor' }))
      }
      for (let i = 0; i < writers; i++) {
        const client = await openLightClient({ url: server.url, path: access.path, protocols: access.protocols('editor') })
        board.writerClients.push(client)
        client.send(EMPTY_SYNC_STEP1)
        const doc = new Y.Doc()
        board.writerDocs.push(doc)
        doc.on('update', (update: Uint8Array) => client.send(encodeUpdate(update)))
        board.writers.push(recorder.createWriter(doc, `b${b}w${i}`, { rate: shape.rate, bytes: shape.bytes }))
      }
      await waitFor(() => board.real.every((client) => client.ready()), {
        timeout: CONNECT_TIMEOUT_MS,
        message: `the real clients of board ${b + 1} ready`,
      })
    }
    // Light clients last, all boards at once, a few at a time.
    const pending = set.boards.flatMap((board) => Array.from({ length: lightPerBoard }, () => board))
    let next = 0
    await Promise.all(
      Array.from({ length: OPEN_CONCURRENCY }, async () => {
        while (next < pending.length) {
          const board = pending[next++]
          if (!board) break
          const client = await openLightClient({ url: server.url, path: board.access.path, protocols: board.access.protocols('editor') })
          board.light.push(client)
          // As a real client does on connect; the answer is counted, not read.
          client.send(EMPTY_SYNC_STEP1)
          if (board.movers.length < cursors) {
            board.movers.push(createCursor(client, `Cursor ${set.boards.indexOf(board)}.${board.movers.length}`, shape.cursorRate, () => recorder.windowOpen))
          }
        }
      }),
    )
    const crash = server.crashed()
    if (crash) throw new Error(crash)
    for (const board of set.boards) {
      for (const client of board.real) {
        set.stopObserving.push(recorder.observe(client.doc), recorder.observeCursors(client.provider.awareness))
      }
    }
    progress(`${kind}: ${boardCount} x ${connectionsPerBoard} connections open in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    return set
  } catch (error) {
    await closeSet(set)
    throw error
  }
}

function counts(set: LoadSet): FrameCounts[] {
  return set.boards.flatMap((board) => [
    ...board.real.map((c) => c.counts),
    ...board.writerClients.map((c) => c.counts),
    ...board.light.map((c) => c.counts),
  ])
}

function messages(set: LoadSet): number {
  return counts(set).reduce((sum, c) => sum + c.updates + c.awareness, 0)
}

/** Edits and cursor moves sent in windows so far, times the other connections of their board. */
function deliveries(set: LoadSet, connectionsPerBoard: number): number {
  let sent = 0
  for (const board of set.boards) {
    for (const writer of board.writers) sent += writer.sentInWindow
    for (const mover of board.movers) sent += mover.sentInWindow
  }
  return sent * (connectionsPerBoard - 1)
}

/** One turn of load on one server: warm up, measure a window, stop, let it settle. */
async function turn(set: LoadSet, shape: LoadShape, windowMs: number, signal: AbortSignal): Promise<void> {
  const { boards, recorder, server } = set
  // Spread evenly over one period, so that the server sees a steady stream, not every
  // writer of every board in the same millisecond.
  const writerCount = boards.length * shape.writers
  const cursorCount = boards.length * shape.cursors
  boards.forEach((board, b) => {
    board.writers.forEach((writer, w) => writer.start(((b * shape.writers + w) / writerCount) * (1000 / shape.rate)))
    board.movers.forEach((mover, c) => mover.start(((b * shape.cursors + c) / cursorCount) * (1000 / shape.cursorRate)))
  })
  try {
    await sleep(shape.warmup * 1000, undefined, { signal })
    const crash = server.crashed()
    if (crash) throw new Error(crash)

    recorder.openWindow()
    const started = performance.now()
    const messagesAtStart = messages(set)
    const cpuAtStart = server.probe.cpuMs()
    set.rssStart ??= server.probe.memory().rssBytes
    const selfAtStart = process.cpuUsage()
    const rss = sampleRss(server.probe)
    const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
    loopDelay.enable()
    await sleep(windowMs, undefined, { signal })
    recorder.closeWindow()
    loopDelay.disable()
    set.loopDelayP99.push(Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS))
    set.cpuMs += server.probe.cpuMs() - cpuAtStart
    set.windowMs += performance.now() - started
    set.messages += messages(set) - messagesAtStart
    set.deliveries = deliveries(set, shape.connectionsPerBoard)
    const self = process.cpuUsage(selfAtStart)
    set.selfCpuMs += (self.user + self.system) / 1000
    set.maxRssBytes = Math.max(set.maxRssBytes, rss.stop().maxRssBytes)
  } finally {
    for (const board of boards) {
      for (const writer of board.writers) writer.stop()
      for (const mover of board.movers) mover.stop()
    }
  }
  await sleep(PAUSE_MS, undefined, { signal })
}

/** Waits for what is still on its way, then computes the set's figures. */
async function drain(set: LoadSet, progress: (message: string) => void): Promise<LoadResult> {
  const { boards, recorder, server, kind } = set
  // Every real client sees every window edit of its board.
  let sent = 0
  let expectedDeliveries = 0
  let lightExpected = 0
  for (const board of boards) {
    for (const writer of board.writers) {
      sent += writer.sentInWindow
      expectedDeliveries += writer.sentInWindow * board.real.length
      lightExpected += writer.sent * board.light.length
    }
  }
  const lightReceived = () =>
    boards.reduce((sum, board) => {
      const boardSent = board.writers.reduce((s, w) => s + w.sent, 0)
      // Capped per client: one that got more (it cannot) must not hide one that got less.
      return sum + board.light.reduce((s, client) => s + Math.min(client.counts.updates, boardSent), 0)
    }, 0)
  const drainStarted = performance.now()
  try {
    await waitFor(() => recorder.delivered >= expectedDeliveries && lightReceived() >= lightExpected, {
      timeout: DRAIN_TIMEOUT_MS,
      message: 'every delivery',
    })
  } catch {
    // Not an error of the benchmark: what did not arrive is reported as lost.
  }
  const drainMs = Math.round(performance.now() - drainStarted)
  recorder.stopRecording()
  const received = lightReceived()
  progress(`${kind}: ${recorder.delivered}/${expectedDeliveries} real and ${received}/${lightExpected} light deliveries`)

  const closes: Record<string, number> = {}
  for (const board of boards) {
    for (const client of board.real) for (const code of client.closes) closes[code] = (closes[code] ?? 0) + 1
    for (const client of [...board.writerClients, ...board.light]) {
      if (client.closeCode !== undefined) closes[client.closeCode] = (closes[client.closeCode] ?? 0) + 1
    }
  }
  const memoryAtEnd = server.probe.memory()
  const toMb = (bytes: number) => round(bytes / MB, 1)
  return {
    server: kind,
    edits: {
      sent,
      expectedDeliveries,
      delivered: recorder.delivered,
      lost: Math.max(0, expectedDeliveries - recorder.delivered),
      duplicates: recorder.duplicates,
      lightExpected,
      lightReceived: received,
      lightLost: Math.max(0, lightExpected - received),
      drainMs,
    },
    latencyMs: roundSummary(summarize(recorder.latencies)),
    cursorLatencyMs: roundSummary(summarize(recorder.cursorLatencies)),
    cursorsSent: boards.reduce((sum, board) => sum + board.movers.reduce((s, mover) => s + mover.sent, 0), 0),
    deliveries: set.deliveries,
    deliveriesPerSecond: set.windowMs > 0 ? Math.round(set.deliveries / (set.windowMs / 1000)) : 0,
    framesPerSecond: set.windowMs > 0 ? Math.round(set.messages / (set.windowMs / 1000)) : 0,
    usage: {
      cpuPercent: set.windowMs > 0 ? round((set.cpuMs / set.windowMs) * 100, 1) : 0,
      cpuMsPer1000Deliveries: set.deliveries > 0 ? round((set.cpuMs / set.deliveries) * 1000, 2) : null,
      rssMb: { start: toMb(set.rssStart ?? 0), peak: toMb(Math.max(set.maxRssBytes, memoryAtEnd.rssBytes)), end: toMb(memoryAtEnd.rssBytes) },
    },
    loadGenerator: {
      cpuPercent: set.windowMs > 0 ? round((set.selfCpuMs / set.windowMs) * 100, 1) : 0,
      // The worst window's p99.
      eventLoopDelayP99Ms: round(Math.max(0, ...set.loopDelayP99), 2),
    },
    closes,
    serverWarnings: server.warnings(),
    serverStop: null,
  }
}

function closeSet(set: LoadSet): Promise<StopResult> {
  set.closing ??= closeClients(set).then(() => set.server.stop())
  return set.closing
}

async function closeClients(set: LoadSet): Promise<void> {
  for (const stop of set.stopObserving.splice(0)) stop()
  for (const board of set.boards) {
    for (const writer of board.writers) writer.stop()
    for (const mover of board.movers) mover.stop()
    for (const client of board.real) client.destroy()
    for (const client of [...board.writerClients, ...board.light]) client.close()
    for (const doc of board.writerDocs) doc.destroy()
  }
  set.boards = []
}

function roundSummary(summary: Summary | null): Summary | null {
  if (!summary) return null
  return {
    count: summary.count,
    min: round(summary.min, 3),
    mean: round(summary.mean, 3),
    p50: round(summary.p50, 3),
    p95: round(summary.p95, 3),
    p99: round(summary.p99, 3),
    max: round(summary.max, 3),
  }
}

/** Notes on a load result that make its figures doubtful. */
export function loadNotes(r: LoadResult): string[] {
  const name = r.server
  const notes: string[] = []
  if (r.edits.lost > 0) notes.push(`${name}: ${r.edits.lost} edit deliveries to real clients lost (not seen ${r.edits.drainMs} ms after the last window)`)
  if (r.edits.lightLost > 0) notes.push(`${name}: ${r.edits.lightLost} edit deliveries to light clients lost`)
  if (r.edits.duplicates > 0) notes.push(`${name}: ${r.edits.duplicates} edits seen twice or out of order`)
  const closes = Object.entries(r.closes)
  if (closes.length > 0) notes.push(`${name}: connections closed: ${closes.map(([code, n]) => `${n} x ${code}`).join(', ')}`)
  if (r.loadGenerator.cpuPercent > 80 || r.loadGenerator.eventLoopDelayP99Ms > 20) {
    notes.push(
      `${name}: the benchmark process used ${r.loadGenerator.cpuPercent} % of a core, event-loop delay p99 ` +
        `${r.loadGenerator.eventLoopDelayP99Ms} ms: latencies include its queueing`,
    )
  }
  for (const warning of r.serverWarnings) notes.push(`${name}: the server logged ${warning.count} x "${warning.message}"`)
  if (r.serverStop && (r.serverStop.killed || (r.serverStop.exitCode !== 0 && r.serverStop.signal !== 'SIGTERM'))) {
    notes.push(`${name}: the server did not stop cleanly on SIGTERM (${JSON.stringify(r.serverStop)})`)
  }
  return notes
}

/** The figures of a load result as a table row. */
export function loadRow(r: LoadResult): Record<string, string | number | null> {
  return {
    server: r.server,
    edits: r.edits.sent,
    delivered: `${r.edits.delivered}/${r.edits.expectedDeliveries}`,
    lost: r.edits.lost + r.edits.lightLost,
    p50: r.latencyMs?.p50 ?? null,
    p99: r.latencyMs?.p99 ?? null,
    max: r.latencyMs?.max ?? null,
    cursorP50: r.cursorLatencyMs?.p50 ?? null,
    cursorP99: r.cursorLatencyMs?.p99 ?? null,
    deliveriesPerSecond: r.deliveriesPerSecond,
    framesPerSecond: r.framesPerSecond,
    cpu: r.usage.cpuPercent,
    cpuPer1k: r.usage.cpuMsPer1000Deliveries,
    rss: `${Math.round(r.usage.rssMb.start)}/${Math.round(r.usage.rssMb.peak)}`,
    benchCpu: r.loadGenerator.cpuPercent,
    benchLag: r.loadGenerator.eventLoopDelayP99Ms,
  }
}

export const LOAD_COLUMNS = [
  { key: 'server', header: 'server' },
  { key: 'edits', header: 'edits' },
  { key: 'delivered', header: 'real deliveries' },
  { key: 'lost', header: 'lost' },
  { key: 'p50', header: 'edit p50 ms', decimals: 2 },
  { key: 'p99', header: 'edit p99 ms', decimals: 2 },
  { key: 'max', header: 'edit max ms', decimals: 1 },
  { key: 'cursorP50', header: 'cursor p50 ms', decimals: 2 },
  { key: 'cursorP99', header: 'cursor p99 ms', decimals: 2 },
  { key: 'deliveriesPerSecond', header: 'deliveries/s' },
  { key: 'framesPerSecond', header: 'frames/s' },
  { key: 'cpu', header: 'server CPU %', decimals: 1 },
  { key: 'cpuPer1k', header: 'CPU ms/1k deliveries', decimals: 2 },
  { key: 'rss', header: 'RSS MB start/peak' },
  { key: 'benchCpu', header: 'bench CPU %', decimals: 0 },
  { key: 'benchLag', header: 'bench lag p99 ms', decimals: 1 },
]

/** Turns of about two seconds each: short enough to interleave, long enough to settle. */
export function roundsFor(seconds: number): number {
  return Math.max(1, Math.round(seconds / 2))
}
