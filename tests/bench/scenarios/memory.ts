/**
 * 4. Memory. (a) Server memory per idle connection: 1,000 connections (25 boards x 40), each
 * having sent what a browser sends on connect (sync step 1 and a presence), then silent;
 * measured as the growth of the server's RSS (after a full GC in the server, see
 * memoryProbe.ts) divided by the connections. Budget: at most 30 KB each.
 * (b) Opening and closing 1,000 boards, one after the other (20 at a time): someone opens
 * the board, adds a record, leaves; with UNLOAD_GRACE_SECONDS=0 ours unloads it (after its
 * version, compaction and flush). Budget: RSS after GC back within 20% of where it started.
 * "Start" is after the boards were created (the registry holds them all, whatever happens
 * next) and after ten boards were opened and closed once, so that code compiled and caches
 * filled on first use are not counted as growth; the table shows the cold start too.
 * The reference keeps every document it ever opened in memory (no persistence configured):
 * shown for comparison; the floor keeps nothing of a room once empty.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { setTimeout as sleep } from 'node:timers/promises'
import { waitFor } from '../../helpers/waitFor.ts'
import { DocKeys, MessageType } from '../../../shared/protocol.ts'
import { EMPTY_SYNC_STEP1, encodeAwarenessFrame, presenceState, randomClientId } from '../lib/cursors.ts'
import { openLightClient, type LightClient } from '../lib/lightClient.ts'
import { MB } from '../lib/proc.ts'
import { geoShape } from '../lib/records.ts'
import { maxBudget, type Scenario, type ScenarioContext, type ScenarioResult } from '../lib/scenario.ts'
import { countLogLines, startServer, ServerKind, type BenchServer, type BoardAccess, type NodeMemory } from '../lib/servers.ts'
import { round } from '../lib/stats.ts'

export const memory: Scenario = {
  name: 'memory',
  title: '4. Memory',
  description: '1,000 idle connections; 1,000 boards opened and closed',
  run: runMemory,
}

const IDLE_BOARDS = 25
const IDLE_PER_BOARD = 40
const CYCLE_BOARDS = 1000
const WARM_BOARDS = 10
const CONCURRENCY = 20
const KB = 1024

type IdleResult = {
  server: ServerKind
  before: NodeMemory
  after: NodeMemory
  connections: number
  rssPerConnKb: number
  heapPerConnKb: number
  /** Every run's figure, when there were several (the median is kept). */
  runsKb?: number[]
}
type CycleResult = {
  server: ServerKind
  cold: NodeMemory
  start: NodeMemory
  end: NodeMemory
  boards: number
  unloaded: number | null
  createSeconds: number
  cycleSeconds: number
  growthPercent: number
}

async function runMemory(context: ScenarioContext): Promise<ScenarioResult> {
  const idle: IdleResult[] = []
  for (const kind of [ServerKind.floor, ServerKind.reference, ServerKind.codesign]) {
    // RSS moves by a few MB between runs (allocator, GC timing): ours, whose figure has a
    // budget, is measured three times and its median kept.
    const runs: IdleResult[] = []
    for (let r = 0; r < (kind === ServerKind.codesign ? 3 : 1); r++) runs.push(await measureIdle(kind, context))
    runs.sort((a, b) => a.rssPerConnKb - b.rssPerConnKb)
    const middle = runs[Math.floor(runs.length / 2)]
    if (!middle) throw new Error('no idle measurement')
    idle.push({ ...middle, runsKb: runs.map((r) => r.rssPerConnKb) })
    context.progress(`memory: ${kind}: ${runs.map((r) => r.rssPerConnKb).join(', ')} KB RSS per idle connection`)
  }
  const cycles: CycleResult[] = []
  for (const kind of [ServerKind.reference, ServerKind.codesign]) {
    cycles.push(await measureCycles(kind, context))
    context.progress(`memory: ${kind}: ${cycles.at(-1)?.growthPercent} % after ${CYCLE_BOARDS} boards`)
  }
  const oursIdle = idle.find((r) => r.server === ServerKind.codesign)
  const oursCycle = cycles.find((r) => r.server === ServerKind.codesign)
  const mb = (bytes: number) => round(bytes / MB, 1)
  return {
    scenario: 'memory',
    title: memory.title,
    settings: {
      'idle connections': IDLE_BOARDS * IDLE_PER_BOARD,
      'boards opened and closed': CYCLE_BOARDS,
      measured: 'RSS after a full GC in the server; ours per idle connection: median of 3 runs',
    },
    columns: [
      { key: 'server', header: 'server' },
      { key: 'idleRss', header: 'RSS MB before/after 1,000 idle' },
      { key: 'perConn', header: 'KB RSS per idle conn', decimals: 1 },
      { key: 'runs', header: 'runs (KB)' },
      { key: 'perConnHeap', header: 'KB heap per idle conn', decimals: 1 },
      { key: 'cycleRss', header: 'RSS MB cold/start/end 1,000 boards' },
      { key: 'cycleHeap', header: 'heap MB start/end' },
      { key: 'growth', header: 'growth %', decimals: 1 },
      { key: 'unloaded', header: 'boards unloaded' },
    ],
    rows: idle.map((r) => {
      const c = cycles.find((x) => x.server === r.server)
      return {
        server: r.server,
        idleRss: `${mb(r.before.rss)}/${mb(r.after.rss)}`,
        perConn: r.rssPerConnKb,
        runs: r.runsKb ? r.runsKb.join(' / ') : '-',
        perConnHeap: r.heapPerConnKb,
        cycleRss: c ? `${mb(c.cold.rss)}/${mb(c.start.rss)}/${mb(c.end.rss)}` : '-',
        cycleHeap: c ? `${mb(c.start.heapUsed)}/${mb(c.end.heapUsed)}` : '-',
        growth: c ? c.growthPercent : null,
        unloaded: c ? (c.unloaded ?? '-') : '-',
      }
    }),
    budgets: [
      maxBudget('memory per idle connection', 'KB', oursIdle?.rssPerConnKb, 30),
      maxBudget('memory after 1,000 boards opened and closed', '% growth', oursCycle?.growthPercent, 20),
    ],
    notes: [
      ...(oursCycle && oursCycle.unloaded !== CYCLE_BOARDS ? [`codesign: ${oursCycle.unloaded} of ${CYCLE_BOARDS} boards unloaded`] : []),
      `board creation over the API took ${cycles.find((c) => c.server === ServerKind.codesign)?.createSeconds ?? '-'} s for ${CYCLE_BOARDS} boards`,
    ],
    details: { idle, cycles },
  }
}

/** What a browser sends on connect: sync step 1 and its presence. */
function greet(client: LightClient): void {
  client.send(EMPTY_SYNC_STEP1)
  const id = randomClientId()
  client.send(encodeAwarenessFrame(id, 1, presenceState(id, 'Idle person', 100, 100, Date.now())))
}

async function measureIdle(kind: ServerKind, context: ScenarioContext): Promise<IdleResult> {
  const server = await startServer(kind, {
    ...(kind === ServerKind.codesign && context.options.cpuProfileDir ? { cpuProfileDir: context.options.cpuProfileDir } : {}),
  })
  const clients: LightClient[] = []
  try {
    const boards: BoardAccess[] = []
    for (let b = 0; b < IDLE_BOARDS; b++) {
      const board = await server.createBoard(`Idle ${b + 1}`)
      boards.push(board)
      // One person per board first: the rooms exist before the measurement starts.
      const anchor = await openLightClient({ url: server.url, path: board.path, protocols: board.protocols('facilitator') })
      clients.push(anchor)
      greet(anchor)
    }
    await settle(server)
    const before = await server.memoryAfterGc()
    const pending = boards.flatMap((board) => Array.from({ length: IDLE_PER_BOARD }, () => board))
    await inParallel(pending, CONCURRENCY, async (board) => {
      const client = await openLightClient({ url: server.url, path: board.path, protocols: board.protocols('editor') })
      clients.push(client)
      greet(client)
    })
    if (kind !== ServerKind.floor) {
      await waitFor(() => clients.every((c) => c.counts.syncStep2 > 0), { timeout: 30_000, message: 'every idle client answered' })
    }
    await settle(server)
    const after = await server.memoryAfterGc()
    const connections = pending.length
    return {
      server: kind,
      before,
      after,
      connections,
      rssPerConnKb: round((after.rss - before.rss) / connections / KB, 1),
      heapPerConnKb: round((after.heapUsed + after.external - before.heapUsed - before.external) / connections / KB, 1),
    }
  } finally {
    for (const client of clients) client.close()
    await server.stop()
  }
}

/** One record added by whoever opens a board: a sticky note's worth. */
function noteUpdateFrame(): Uint8Array {
  const doc = new Y.Doc()
  let update: Uint8Array | undefined
  doc.on('update', (u: Uint8Array) => {
    update = u
  })
  new YKeyValue<unknown>(doc.getArray(DocKeys.records)).set('shape:note', geoShape('page:page', 1))
  doc.destroy()
  if (!update) throw new Error('no update')
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  encoding.writeVarUint(e, 2)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

async function measureCycles(kind: ServerKind, context: ScenarioContext): Promise<CycleResult> {
  const ours = kind === ServerKind.codesign
  const server = await startServer(kind, {
    env: { UNLOAD_GRACE_SECONDS: '0', LOG_LEVEL: 'debug' },
    ...(ours && context.options.cpuProfileDir ? { cpuProfileDir: context.options.cpuProfileDir } : {}),
  })
  try {
    const createStarted = performance.now()
    const boards: BoardAccess[] = []
    await inParallel(
      Array.from({ length: CYCLE_BOARDS }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        boards.push(await server.createBoard(`Cycle ${i + 1}`))
      },
    )
    const createSeconds = round((performance.now() - createStarted) / 1000, 1)
    context.progress(`memory: ${kind}: ${CYCLE_BOARDS} boards created in ${createSeconds} s`)
    const note = noteUpdateFrame()
    const cycle = async (board: BoardAccess) => {
      const client = await openLightClient({ url: server.url, path: board.path, protocols: board.protocols('editor') })
      try {
        greet(client)
        client.send(note)
        // The answer to a second step 1 comes after the note was handled.
        await waitFor(() => client.counts.syncStep2 >= 1, { timeout: 30_000, interval: 5, message: 'the board answered' })
        const answered = client.counts.syncStep2
        client.send(EMPTY_SYNC_STEP1)
        await waitFor(() => client.counts.syncStep2 > answered, { timeout: 30_000, interval: 5, message: 'the note handled' })
      } finally {
        client.close()
      }
    }
    await settle(server)
    const cold = await server.memoryAfterGc()
    const warm = boards.slice(0, WARM_BOARDS)
    await inParallel(warm, CONCURRENCY, cycle)
    await waitForUnloads(server, ours ? WARM_BOARDS : 0)
    await settle(server)
    const start = await server.memoryAfterGc()
    const cycleStarted = performance.now()
    await inParallel(boards, CONCURRENCY, cycle)
    const unloaded = ours ? await waitForUnloads(server, WARM_BOARDS + CYCLE_BOARDS) : null
    const cycleSeconds = round((performance.now() - cycleStarted) / 1000, 1)
    await settle(server)
    const end = await server.memoryAfterGc()
    return {
      server: kind,
      cold,
      start,
      end,
      boards: CYCLE_BOARDS,
      unloaded: unloaded === null ? null : unloaded - WARM_BOARDS,
      createSeconds,
      cycleSeconds,
      growthPercent: round(((end.rss - start.rss) / start.rss) * 100, 1),
    }
  } finally {
    await server.stop()
  }
}

/** Waits until ours logged `count` unloads (or 60 s passed); returns how many it logged. */
async function waitForUnloads(server: BenchServer, count: number): Promise<number> {
  if (count === 0) return 0
  try {
    await waitFor(() => countLogLines(server.lines, 'board unloaded') >= count, { timeout: 60_000, interval: 100, message: 'boards unloaded' })
  } catch {
    // reported as the count below
  }
  return countLogLines(server.lines, 'board unloaded')
}

/** Lets timers and sockets settle before a memory reading. */
async function settle(server: BenchServer): Promise<void> {
  await sleep(1000)
  const crash = server.crashed()
  if (crash) throw new Error(crash)
}

async function inParallel<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T
        await fn(item)
      }
    }),
  )
}
