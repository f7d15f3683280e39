/**
 * 5. Storage (ours only; the others keep nothing). (a) An editing session: 5 boards with 6
 * editors each making record changes as people do on a whiteboard (moving shapes, editing
 * labels, adding and deleting some), 5 a second each, for --storage-seconds (60 by default;
 * the issue says 10 minutes: pass --storage-seconds 600). Bytes the server wrote to storage
 * (/proc/<pid>/io write_bytes: SQLite's WAL, checkpoints, compactions, the registry) against
 * the bytes of the Yjs updates the editors produced. Budget: at most 3x.
 * (b) 100,000 record updates on one board of 200 shapes (10 editors each dragging a selection
 * of 20 shapes, 500 times); then the stored document (its log and compacted state in
 * SQLite) against the JSON size of its 200 live records. Budget: at most 2x. Measured once
 * everything is saved with the board still open, and again after it unloaded (compacted).
 */
import type * as Y from 'yjs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { setTimeout as sleep } from 'node:timers/promises'
import { waitFor } from '../../helpers/waitFor.ts'
import { DocKeys } from '../../../shared/protocol.ts'
import { logFolderFor } from '../../../server/storage/SqliteDocumentStore.ts'
import { readLog } from '../../../server/storage/updateLog.ts'
import { MB } from '../lib/proc.ts'
import { geoShape, jsonBytes, writeRecords, boardRecords, type BenchRecord } from '../lib/records.ts'
import { maxBudget, type Scenario, type ScenarioContext, type ScenarioResult } from '../lib/scenario.ts'
import { countLogLines, startServer, ServerKind, type BenchServer, type BoardAccess } from '../lib/servers.ts'
import { round } from '../lib/stats.ts'
import { connectYClient, type YClient } from '../lib/yClient.ts'

export const storage: Scenario = {
  name: 'storage',
  title: '5. Storage',
  description: 'bytes written during an editing session; stored size after 100,000 record updates',
  run: runStorage,
}

const SESSION_BOARDS = 5
const SESSION_EDITORS = 6
const SESSION_RATE = 5
const SESSION_SHAPES = 60
const BIG_RECORDS = 200
const BIG_EDITORS = 10
const BIG_ROUNDS = 500
/** Drags a second per editor: 20 shapes (11 KB) 50 times a second stays under the 1 MiB/s limit. */
const BIG_RATE = 50
const KB = 1024

type SessionResult = {
  seconds: number
  changes: number
  updateBytes: number
  writtenBytes: number
  ratio: number
  /** Written while the boards unloaded afterwards (a version and a compaction each). */
  unloadWrittenBytes: number
}
type BigResult = {
  recordUpdates: number
  updateBytes: number
  writtenBytes: number
  liveJsonBytes: number
  storedOpen: { entries: number; bytes: number }
  storedUnloaded: { entries: number; bytes: number }
  versionBytes: number
  /** The update log's files on disk with the board open (obsolete updates included until their segment goes). */
  logFileBytesOpen: number
  ratioOpen: number
  ratioUnloaded: number
}

async function runStorage(context: ScenarioContext): Promise<ScenarioResult> {
  const session = await measureSession(context)
  context.progress(`storage: session: ${round(session.writtenBytes / MB, 1)} MB written for ${round(session.updateBytes / MB, 1)} MB of updates`)
  const big = await measureBig()
  context.progress(`storage: ${big.recordUpdates} record updates: ${round(big.storedOpen.bytes / KB, 1)} KB stored`)
  return {
    scenario: 'storage',
    title: storage.title,
    settings: {
      session: `${SESSION_BOARDS} boards x ${SESSION_EDITORS} editors x ${SESSION_RATE} changes/s, ${session.seconds} s (issue: 600 s)`,
      'record updates': `${BIG_EDITORS} editors x ${BIG_ROUNDS} drags of ${BIG_RECORDS / BIG_EDITORS} shapes = ${big.recordUpdates}`,
    },
    columns: [
      { key: 'what', header: 'measured' },
      { key: 'updates', header: 'update bytes (KB)' },
      { key: 'written', header: 'written to disk (KB)' },
      { key: 'stored', header: 'stored document (KB)' },
      { key: 'live', header: 'live records JSON (KB)' },
      { key: 'ratio', header: 'ratio', decimals: 2 },
    ],
    rows: [
      {
        what: `session (${session.changes} changes)`,
        updates: Math.round(session.updateBytes / KB),
        written: Math.round(session.writtenBytes / KB),
        stored: null,
        live: null,
        ratio: round(session.ratio, 2),
      },
      {
        what: 'session: boards unloading afterwards',
        updates: null,
        written: Math.round(session.unloadWrittenBytes / KB),
        stored: null,
        live: null,
        ratio: null,
      },
      {
        what: `${big.recordUpdates} updates, board open`,
        updates: Math.round(big.updateBytes / KB),
        written: Math.round(big.writtenBytes / KB),
        stored: round(big.storedOpen.bytes / KB, 1),
        live: round(big.liveJsonBytes / KB, 1),
        ratio: round(big.ratioOpen, 2),
      },
      {
        what: `${big.recordUpdates} updates, board unloaded`,
        updates: null,
        written: null,
        stored: round(big.storedUnloaded.bytes / KB, 1),
        live: round(big.liveJsonBytes / KB, 1),
        ratio: round(big.ratioUnloaded, 2),
      },
    ],
    budgets: [
      maxBudget('disk bytes written / update bytes', 'x', round(session.ratio, 2), 3),
      maxBudget('stored document / live records, board open', 'x', round(big.ratioOpen, 2), 2),
      maxBudget('stored document / live records, unloaded', 'x', round(big.ratioUnloaded, 2), 2),
    ],
    notes: [
      `versions stored for the 200-shape board: ${round(big.versionBytes / KB, 1)} KB (not counted as the document)`,
      `update log files with that board open: ${round(big.logFileBytesOpen / KB, 1)} KB, obsolete updates included (a segment goes once nothing in it is needed)`,
    ],
    details: { session, big },
  }
}

/**
 * A person editing records of their own on a board, through a real Y.Doc client, writing as
 * the app's binding does (writeLikeBinding).
 */
type Editor = { client: YClient; own: BenchRecord[]; updateBytes: number; changes: number }

function createEditor(server: BenchServer, board: BoardAccess): Editor {
  const client = connectYClient(server.url, board, 'editor', { needsSync: true })
  const editor: Editor = { client, own: [], updateBytes: 0, changes: 0 }
  client.doc.on('update', (update: Uint8Array, origin: unknown) => {
    // Local changes only: what this person sent.
    if (origin !== client.provider) editor.updateBytes += update.byteLength
  })
  return editor
}

/** Waits until the server reported every editor's changes as saved. */
async function allSaved(editors: readonly Editor[]): Promise<void> {
  await waitFor(() => editors.every((e) => e.client.isSaved()), { timeout: 60_000, interval: 50, message: 'every change saved' })
}

async function measureSession(context: ScenarioContext): Promise<SessionResult> {
  const server = await startServer(ServerKind.codesign, {
    env: { UNLOAD_GRACE_SECONDS: '1', LOG_LEVEL: 'debug' },
    ...(context.options.cpuProfileDir ? { cpuProfileDir: context.options.cpuProfileDir } : {}),
  })
  const editors: Editor[] = []
  const timers: ReturnType<typeof setInterval>[] = []
  try {
    const boards: BoardAccess[] = []
    for (let b = 0; b < SESSION_BOARDS; b++) {
      const board = await server.createBoard(`Session ${b + 1}`)
      boards.push(board)
      for (let e = 0; e < SESSION_EDITORS; e++) {
        editors.push(createEditor(server, board))
      }
    }
    await waitFor(() => editors.every((e) => e.client.ready()), { timeout: 30_000, message: 'editors synced' })
    // The board's starting content, written by its first editor (counted like any change).
    for (let b = 0; b < SESSION_BOARDS; b++) {
      const first = editors[b * SESSION_EDITORS]
      if (first) writeRecords(first.client.doc, boardRecords(SESSION_SHAPES).slice(0, 2))
    }
    editors.forEach((editor, i) => {
      const pageShapes = Array.from({ length: SESSION_SHAPES / SESSION_EDITORS }, (_, n) => geoShape('page:page', n * SESSION_EDITORS + (i % SESSION_EDITORS)))
      editor.own = pageShapes
      writeLikeBinding(editor.client.doc, pageShapes)
    })
    await allSaved(editors)
    const writtenAtStart = server.writeBytes()
    const updateBytesAtStart = editors.reduce((sum, e) => sum + e.updateBytes, 0)

    const seconds = context.options.storageSeconds
    editors.forEach((editor, i) => {
      let step = 0
      const act = () => {
        step += 1
        editChange(editor, step, i)
      }
      setTimeout(() => timers.push(setInterval(act, 1000 / SESSION_RATE)), (i / editors.length) * (1000 / SESSION_RATE))
    })
    for (let elapsed = 0; elapsed < seconds; elapsed += 10) {
      await sleep(Math.min(10, seconds - elapsed) * 1000, undefined, { signal: context.signal })
      context.progress(`storage: session ${Math.min(elapsed + 10, seconds)} s of ${seconds}`)
      const crash = server.crashed()
      if (crash) throw new Error(crash)
    }
    for (const timer of timers) clearInterval(timer)
    await allSaved(editors)
    // Group commit and compaction settle within a moment of the last save.
    await sleep(500)
    const writtenBytes = server.writeBytes() - writtenAtStart
    const updateBytes = editors.reduce((sum, e) => sum + e.updateBytes, 0) - updateBytesAtStart
    const changes = editors.reduce((sum, e) => sum + e.changes, 0)
    const beforeUnload = server.writeBytes()
    for (const editor of editors) editor.client.destroy()
    await waitFor(() => countLogLines(server.lines, 'board unloaded') >= SESSION_BOARDS, { timeout: 60_000, message: 'boards unloaded' })
    const unloadWrittenBytes = server.writeBytes() - beforeUnload
    return { seconds, changes, updateBytes, writtenBytes, ratio: writtenBytes / updateBytes, unloadWrittenBytes }
  } finally {
    for (const timer of timers) clearInterval(timer)
    for (const editor of editors) editor.client.destroy()
    await server.stop()
  }
}

/** One change of a person's: mostly moves, some label edits, now and then a new or deleted shape. */
function editChange(editor: Editor, step: number, who: number): void {
  const roll = (step * 7 + who * 13) % 100
  const doc = editor.client.doc
  editor.changes += 1
  if (roll < 3 && editor.own.length > 2) {
    const gone = editor.own.pop()
    if (gone) writeLikeBinding(doc, [], [gone.id])
    return
  }
  if (roll < 8) {
    const record = geoShape('page:page', 100 + step, 0, `new${who}-`)
    editor.own.push(record)
    writeLikeBinding(doc, [record])
    return
  }
  const index = step % editor.own.length
  const current = editor.own[index]
  if (!current) return
  const props = current.props as Record<string, unknown>
  const next: BenchRecord =
    roll < 25
      ? { ...current, props: { ...props, richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: `Step ${step} of ${who}` }] }] } } }
      : { ...current, x: (current.x as number) + 5, y: (current.y as number) + 3 }
  editor.own[index] = next
  writeLikeBinding(doc, [next])
}

/**
 * Writes records the way the app's binding does (client/sync/bindStore.ts writeRecords): in
 * one transaction, one pass over the array removing the old entries, then one push of the
 * new ones. Without YKeyValue's observer, which would cost this process more than the server.
 */
function writeLikeBinding(doc: Y.Doc, records: readonly BenchRecord[], removes: readonly string[] = []): void {
  const array = doc.getArray<{ key: string; val: unknown }>(DocKeys.records)
  const ids = new Set([...records.map((r) => r.id), ...removes])
  doc.transact(() => {
    const items = array.toArray()
    for (let i = items.length - 1; i >= 0; i--) {
      const key = items[i]?.key
      if (key !== undefined && ids.has(key)) array.delete(i, 1)
    }
    if (records.length > 0) array.push(records.map((record) => ({ key: record.id, val: record })))
  })
}

/** The board's live records as a client sees them (the last entry of a key wins). */
function liveRecords(doc: Y.Doc): unknown[] {
  const byKey = new Map<string, unknown>()
  for (const entry of doc.getArray<{ key: string; val: unknown }>(DocKeys.records).toArray()) byKey.set(entry.key, entry.val)
  return [...byKey.values()]
}

async function measureBig(): Promise<BigResult> {
  const server = await startServer(ServerKind.codesign, { env: { UNLOAD_GRACE_SECONDS: '1', LOG_LEVEL: 'debug' } })
  const editors: Editor[] = []
  try {
    const board = await server.createBoard('100,000 updates')
    for (let e = 0; e < BIG_EDITORS; e++) editors.push(createEditor(server, board))
    await waitFor(() => editors.every((e) => e.client.ready()), { timeout: 30_000, message: 'editors synced' })
    const perEditor = BIG_RECORDS / BIG_EDITORS
    editors.forEach((editor, i) => {
      editor.own = Array.from({ length: perEditor }, (_, n) => geoShape('page:page', i * perEditor + n))
      writeLikeBinding(editor.client.doc, editor.own)
    })
    await allSaved(editors)
    const writtenAtStart = server.writeBytes()
    const updateBytesAtStart = editors.reduce((sum, e) => sum + e.updateBytes, 0)
    let recordUpdates = 0
    // Each person drags their selection: one transaction per frame moving all its shapes.
    await Promise.all(
      editors.map(async (editor, i) => {
        await sleep((i / editors.length) * (1000 / BIG_RATE))
        for (let r = 1; r <= BIG_ROUNDS; r++) {
          editor.own = editor.own.map((record) => ({ ...record, x: (record.x as number) + 1, y: (record.y as number) + ((r % 3) - 1) }))
          writeLikeBinding(editor.client.doc, editor.own)
          recordUpdates += editor.own.length
          await sleep(1000 / BIG_RATE)
        }
      }),
    )
    await allSaved(editors)
    await sleep(500)
    const writtenBytes = server.writeBytes() - writtenAtStart
    const updateBytes = editors.reduce((sum, e) => sum + e.updateBytes, 0) - updateBytesAtStart
    const [first] = editors
    if (!first) throw new Error('no editors')
    await waitFor(() => liveRecords(first.client.doc).length >= BIG_RECORDS, { timeout: 30_000, message: 'every record seen' })
    const liveJsonBytes = jsonBytes(liveRecords(first.client.doc))
    if (server.dataDir === undefined) throw new Error('our server has a data folder')
    const storedOpen = storedSize(server.dataDir, board.id)
    const closes = editors.flatMap((e) => e.client.closes)
    for (const editor of editors) editor.client.destroy()
    await waitFor(() => countLogLines(server.lines, 'board unloaded', board.id) >= 1, { timeout: 60_000, message: 'the board unloaded' })
    const storedUnloaded = storedSize(server.dataDir, board.id)
    if (closes.length > 0) throw new Error(`editors were disconnected: ${closes.join(', ')}`)
    return {
      recordUpdates,
      updateBytes,
      writtenBytes,
      liveJsonBytes,
      storedOpen,
      storedUnloaded,
      versionBytes: storedUnloaded.versionBytes,
      logFileBytesOpen: storedOpen.logFileBytes,
      ratioOpen: storedOpen.bytes / liveJsonBytes,
      ratioUnloaded: storedUnloaded.bytes / liveJsonBytes,
    }
  } finally {
    for (const editor of editors) editor.client.destroy()
    await server.stop()
  }
}

/**
 * What is stored of a board: in SQLite its compacted state and entries (as stored, the state
 * compressed), and in the update log its updates after that state, each counted as its share
 * of the compressed frame it is in; and apart, its versions. Also the log's files in all.
 */
function storedSize(dataDir: string, boardId: string): { entries: number; bytes: number; versionBytes: number; logFileBytes: number } {
  const db = new Database(path.join(dataDir, 'boards.sqlite'), { readonly: true, fileMustExist: true })
  let entries = 0
  let bytes = 0
  let versionBytes = 0
  let stateSeq = 0
  // Updates moved into the database may still have their frames in the log's files: counted once.
  const inDatabase = new Set<number>()
  try {
    const rows = db.prepare<[string], { seq: number; bytes: number }>('SELECT seq, LENGTH(data) AS bytes FROM board_updates WHERE board_id = ?').all(boardId)
    for (const row of rows) {
      entries += 1
      bytes += row.bytes
      inDatabase.add(row.seq)
    }
    stateSeq =
      db
        .prepare<[string], number | null>('SELECT s.seq FROM board_states s JOIN board_numbers n ON n.num = s.num WHERE n.board_id = ?')
        .pluck()
        .get(boardId) ?? 0
    versionBytes =
      db.prepare<[string], number>('SELECT COALESCE(SUM(LENGTH(data)), 0) FROM board_snapshots WHERE board_id = ?').pluck().get(boardId) ?? 0
  } finally {
    db.close()
  }
  const folder = logFolderFor(path.join(dataDir, 'boards.sqlite'))
  let logFileBytes = 0
  for (const frame of readLog(folder).frames) {
    logFileBytes += frame.frameBytes
    let raw = 0
    let mine = 0
    for (const record of frame.records) {
      if (record.kind !== 'update') continue
      raw += record.update.byteLength
      if (record.boardId === boardId && record.seq > stateSeq && !inDatabase.has(record.seq)) {
        mine += record.update.byteLength
        entries += 1
      }
    }
    if (raw > 0) bytes += (frame.frameBytes * mine) / raw
  }
  return { entries, bytes: Math.round(bytes), versionBytes, logFileBytes }
}
