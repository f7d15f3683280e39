/**
 * 3. Joining a big board: a stored board of about 10,000 tldraw records (several MB, over
 * three pages, as tldraw allows at most 4,000 shapes a page), 50 clients join at once. Timed
 * from the first connection attempt until every client has received its sync step 2 (the
 * whole board). Ours loads the board from storage (it was unloaded after it was written); the
 * reference holds the same board in memory. Budget: ours at most 1.2x the reference's time,
 * and the board loaded from storage once per join (counted from our server's debug log).
 * The floor has no document to send and takes no part.
 *
 * Joiners are light clients: they send a sync step 1 with an empty state vector and count the
 * answer's bytes without decoding it, so the time is the server's, not 50 Y.Docs applying
 * megabytes in this one process. One real Y.Doc client checks afterwards that the board
 * arrives whole.
 */
import * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { setTimeout as sleep } from 'node:timers/promises'
import { waitFor } from '../../helpers/waitFor.ts'
import { MessageType, DocKeys } from '../../../shared/protocol.ts'
import { EMPTY_SYNC_STEP1 } from '../lib/cursors.ts'
import { openLightClient, type LightClient } from '../lib/lightClient.ts'
import { MB } from '../lib/proc.ts'
import { boardRecords, jsonBytes, writeRecords } from '../lib/records.ts'
import { maxBudget, ratioBudget, type Scenario, type ScenarioContext, type ScenarioResult } from '../lib/scenario.ts'
import { countLogLines, startServer, ServerKind, type BenchServer, type BoardAccess } from '../lib/servers.ts'
import { round } from '../lib/stats.ts'
import { connectYClient } from '../lib/yClient.ts'
import { encodeUpdate } from '../../../server/sync/codec.ts'

export const join: Scenario = {
  name: 'join',
  title: '3. Joining a big board',
  description: 'a stored board of ~10,000 records (3 pages), 50 clients join at once',
  run: runJoin,
}

const SHAPES = 10_000
const JOINERS = 50
const TRIALS = 3
/** Records per upload transaction: each frame stays well under the server's 2 MiB payload limit. */
const UPLOAD_BATCH = 1000
const JOIN_TIMEOUT_MS = 120_000

type Trial = { ms: number; loads: number | null; serverCpuMs: number; bytesPerJoiner: number }

type JoinResult = {
  server: ServerKind
  trials: Trial[]
  medianMs: number
  /** Records the check client found after its sync. */
  recordsSynced: number
  /** Our server: log lines "board loaded" per join (should be 1). */
  loadsPerJoin: (number | null)[]
  uploadMs: number
}

async function runJoin(context: ScenarioContext): Promise<ScenarioResult> {
  const records = boardRecords(SHAPES)
  const updates = encodeUpload(records)
  const updateBytes = updates.reduce((sum, u) => sum + u.byteLength, 0)
  context.progress(`join: ${records.length} records, ${(jsonBytes(records) / MB).toFixed(1)} MB as JSON, ${(updateBytes / MB).toFixed(1)} MB as Yjs updates`)

  // Both servers up at once, trials alternating, so that the machine's drift hits both alike.
  const prepared: Prepared[] = []
  let results: JoinResult[]
  try {
    for (const kind of [ServerKind.reference, ServerKind.codesign]) prepared.push(await prepare(kind, updates, context))
    for (let t = 0; t < TRIALS; t++) {
      for (const p of prepared) {
        const trial = await joinOnce(p.server, p.board)
        p.trials.push(trial)
        context.progress(`join ${p.server.kind}: trial ${t + 1}: ${Math.round(trial.ms)} ms, ${trial.loads ?? '-'} load(s)`)
      }
    }
    results = []
    for (const p of prepared) {
      results.push({
        server: p.server.kind,
        trials: p.trials,
        medianMs: median(p.trials.map((t) => t.ms)),
        recordsSynced: await checkContent(p.server, p.board),
        loadsPerJoin: p.trials.map((t) => t.loads),
        uploadMs: p.uploadMs,
      })
    }
  } finally {
    for (const p of prepared) await p.server.stop()
  }
  const [reference, ours] = results
  const oursLoads = ours?.loadsPerJoin ?? []
  return {
    scenario: 'join',
    title: join.title,
    settings: {
      records: records.length,
      'pages x shapes': `3 x ${Math.ceil(SHAPES / 3)}`,
      'board MB (Yjs)': round(updateBytes / MB, 1),
      joiners: JOINERS,
      trials: `${TRIALS} per server, median`,
    },
    columns: [
      { key: 'server', header: 'server' },
      { key: 'trials', header: 'all synced, ms per trial' },
      { key: 'median', header: 'median ms' },
      { key: 'mbPerJoiner', header: 'MB per joiner', decimals: 2 },
      { key: 'cpu', header: 'server CPU ms per join' },
      { key: 'loads', header: 'loads from storage per join' },
      { key: 'records', header: 'records synced (check)' },
    ],
    rows: results.map((r) => ({
      server: r.server,
      trials: r.trials.map((t) => Math.round(t.ms)).join(' / '),
      median: Math.round(r.medianMs),
      mbPerJoiner: round((r.trials[0]?.bytesPerJoiner ?? 0) / MB, 2),
      cpu: Math.round(median(r.trials.map((t) => t.serverCpuMs))),
      loads: r.loadsPerJoin.map((n) => (n === null ? '-' : String(n))).join(' / '),
      records: r.recordsSynced,
    })),
    budgets: [
      ratioBudget('all 50 synced', 'ms', ours?.medianMs, { label: 'reference', value: reference?.medianMs }, 1.2),
      maxBudget('loads from storage per join (max)', '', oursLoads.length > 0 ? Math.max(...oursLoads.map((n) => n ?? Infinity)) : null, 1),
    ],
    notes: results
      .filter((r) => r.recordsSynced !== records.length)
      .map((r) => `${r.server}: the check client found ${r.recordsSynced} records, not ${records.length}`),
    details: results,
  }
}

/** The board as the updates a client would send while filling it, UPLOAD_BATCH records each. */
function encodeUpload(records: ReturnType<typeof boardRecords>): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  writeRecords(doc, records, UPLOAD_BATCH)
  doc.destroy()
  return updates
}

/** Sends sync step 1 and resolves when the step 2 answer arrived (everything before it was handled). */
function roundTrip(client: LightClient): Promise<void> {
  return new Promise((resolve) => {
    const before = client.counts.syncStep2
    client.onMessage = () => {
      if (client.counts.syncStep2 > before) {
        client.onMessage = undefined
        resolve()
      }
    }
    client.send(EMPTY_SYNC_STEP1)
  })
}

type Prepared = { server: BenchServer; board: BoardAccess; uploadMs: number; trials: Trial[] }

/** Starts a server and writes the board into it; ours then unloads it (it is in storage only). */
async function prepare(kind: ServerKind, updates: Uint8Array[], context: ScenarioContext): Promise<Prepared> {
  const server = await startServer(kind, {
    env: {
      // The debug log says when a board is loaded from storage and unloaded; nothing per edit
      // is logged during the joins (nobody edits).
      LOG_LEVEL: 'debug',
      UNLOAD_GRACE_SECONDS: '1',
      // Only for writing the board before the joins: one client sends megabytes at once.
      MAX_BYTES_PER_SECOND: String(256 * MB),
    },
    ...(kind === ServerKind.codesign && context.options.cpuProfileDir ? { cpuProfileDir: context.options.cpuProfileDir } : {}),
  })
  try {
    const board = await server.createBoard('Big board')
    const started = performance.now()
    const uploader = await openLightClient({ url: server.url, path: board.path, protocols: board.protocols('facilitator') })
    try {
      for (const update of updates) uploader.send(encodeUpdate(update))
      await roundTrip(uploader)
    } finally {
      uploader.close()
    }
    if (kind === ServerKind.codesign) {
      await waitFor(() => countLogLines(server.lines, 'board unloaded', board.id) >= 1, { timeout: 60_000, message: 'the board unloaded' })
    }
    const uploadMs = performance.now() - started
    context.progress(`join ${kind}: board written in ${(uploadMs / 1000).toFixed(1)} s`)
    return { server, board, uploadMs, trials: [] }
  } catch (error) {
    await server.stop()
    throw error
  }
}

async function joinOnce(server: BenchServer, board: BoardAccess): Promise<Trial> {
  const ours = server.kind === ServerKind.codesign
  const loadsBefore = countLogLines(server.lines, 'board loaded', board.id)
  const unloadsBefore = countLogLines(server.lines, 'board unloaded', board.id)
  const joiners: LightClient[] = []
  const cpuBefore = server.probe.cpuMs()
  const started = performance.now()
  let finished = 0
  let lastAt = started
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not all ${JOINERS} joiners synced within ${JOIN_TIMEOUT_MS} ms`)), JOIN_TIMEOUT_MS)
      for (let i = 0; i < JOINERS; i++) {
        openLightClient({ url: server.url, path: board.path, protocols: board.protocols('editor'), timeoutMs: JOIN_TIMEOUT_MS }).then(
          (client) => {
            joiners.push(client)
            client.onMessage = (tag, sub) => {
              if (tag !== MessageType.sync || sub !== 1) return
              client.onMessage = undefined
              finished += 1
              lastAt = performance.now()
              if (finished === JOINERS) {
                clearTimeout(timer)
                resolve()
              }
            }
            client.send(EMPTY_SYNC_STEP1)
          },
          (error: unknown) => {
            clearTimeout(timer)
            reject(error instanceof Error ? error : new Error(String(error)))
          },
        )
      }
    })
    const ms = lastAt - started
    const serverCpuMs = server.probe.cpuMs() - cpuBefore
    const bytesPerJoiner = Math.round(joiners.reduce((sum, c) => sum + c.counts.bytes, 0) / joiners.length)
    const loads = ours ? countLogLines(server.lines, 'board loaded', board.id) - loadsBefore : null
    return { ms, loads, serverCpuMs, bytesPerJoiner }
  } finally {
    for (const client of joiners) client.close()
    if (ours) {
      // Unloaded again, so that the next join loads from storage too.
      await waitFor(() => countLogLines(server.lines, 'board unloaded', board.id) > unloadsBefore, {
        timeout: 60_000,
        message: 'the board unloaded after the join',
      })
    } else {
      await sleep(500)
    }
  }
}

/** One real client syncs the board and counts its records. */
async function checkContent(server: BenchServer, board: BoardAccess): Promise<number> {
  const client = connectYClient(server.url, board, 'editor', { needsSync: true })
  try {
    await waitFor(() => client.ready(), { timeout: 60_000, message: 'the check client synced' })
    return new YKeyValue<unknown>(client.doc.getArray(DocKeys.records)).map.size
  } finally {
    client.destroy()
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}
