/**
 * The SQLite side of the board-document store, run in a worker thread (see
 * SqliteDocumentStore.ts) so that a commit's fsync, which takes tens of milliseconds on a busy
 * disk, never blocks the event loop that relays edits and cursors.
 *
 * It answers requests strictly one at a time, in the order they were posted, which is what
 * gives the store its "as if in call order" behaviour. Every answer carries the request's id.
 */
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type { WorkerFailure, WorkerRequest, WorkerResponse, WorkerSetup } from './sqliteProtocol.ts'

/**
 * The table layout's version, kept in `PRAGMA user_version` so a later layout can migrate.
 * 2: one table `board_updates (board_id, seq, data)` with its primary-key index.
 * 3: `board_log` keyed by one integer, board number * 2^32 + seq (see below), and
 *    `board_numbers`; `board_updates` remains as a view with the old columns, for tools.
 */
const SCHEMA_VERSION = 3

/**
 * Page size of a new database. A commit rewrites the last page of every board it touches, and
 * the kernel counts every 4 KiB page-cache page a write dirties, so small pages write less:
 * measured on 5 boards at 150 updates of ~440 bytes a second, 50 ms commit window, 60 s:
 * 5.1x the update bytes written with 1 KiB pages, 4.0x with 512 bytes. Larger entries (the
 * compacted state, versions) spill into overflow pages, which costs nothing measurable. An
 * existing database keeps the page size it was created with (changing it needs a VACUUM).
 */
const NEW_DATABASE_PAGE_SIZE = 512

/**
 * Checkpoint the WAL into the database once it holds this many pages (SQLite's default is
 * 1,000). Each checkpoint copies every page the WAL holds once, however many commits rewrote
 * it, and the pages rewritten are few (each board's last pages, pages freed by compaction and
 * reused): a larger WAL copies them less often. Measured as above with 1 KiB pages: 6.2x at
 * 4,000 pages, 5.1x at 16,000. The WAL file grows to about 8 MB (16,000 x 512 bytes).
 */
const WAL_AUTOCHECKPOINT_PAGES = 16000

/** A log entry's key is board number * SEQ_RANGE + seq: one b-tree, each board's entries together. */
const SEQ_RANGE = 2 ** 32
/** Board numbers stay below this, so that keys stay exact JavaScript numbers (2^53). */
const MAX_BOARD_NUMBER = 2 ** 21 - 1

class RequestError extends Error {
  constructor(readonly failure: WorkerFailure) {
    super(failure.message)
  }
}

function failure(code: WorkerFailure['code'], message: string, cause: unknown): WorkerFailure {
  const error = cause as { message?: unknown; code?: unknown } | undefined
  return {
    code,
    message,
    ...(typeof error?.message === 'string' ? { causeMessage: error.message } : {}),
    ...(typeof error?.code === 'string' ? { causeCode: error.code } : {}),
  }
}

/**
 * Why one integer key and not PRIMARY KEY (board_id, seq): a rowid table with that key keeps
 * rows in arrival order, boards interleaved, plus an index. Measured on 5 boards taking 150
 * updates of ~440 bytes a second (synthetic, 200 ms commit window, 1 KiB pages), each commit
 * then rewrote a leaf page of the index per board
 * and compaction rewrote every table page holding a row of the board (shared with the other
 * boards): 5.5x the update bytes written, against 3.4x with each board's entries stored
 * together in one b-tree, where compaction frees whole pages. A rowid table rather than
 * WITHOUT ROWID: entries of a few hundred bytes would spill into overflow pages (a WITHOUT
 * ROWID row keeps at most a quarter of a page in place, a rowid row almost all of it).
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS board_numbers (
    num INTEGER PRIMARY KEY,
    board_id TEXT NOT NULL UNIQUE
  );
  CREATE TABLE IF NOT EXISTS board_log (
    key INTEGER PRIMARY KEY,
    data BLOB NOT NULL
  );
  CREATE TABLE IF NOT EXISTS board_snapshots (
    board_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    auto INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (board_id, id)
  );
`

const VIEW = `
  CREATE VIEW IF NOT EXISTS board_updates AS
    SELECT n.board_id AS board_id, l.key - n.num * ${SEQ_RANGE} AS seq, l.data AS data
    FROM board_numbers n JOIN board_log l
      ON l.key BETWEEN n.num * ${SEQ_RANGE} AND n.num * ${SEQ_RANGE} + ${SEQ_RANGE - 1};
`

/** From layout 2: number the boards, move their entries, replace the table by the view. */
const MIGRATE_FROM_2 = `
  INSERT INTO board_numbers (board_id) SELECT DISTINCT board_id FROM board_updates ORDER BY board_id;
  INSERT INTO board_log (key, data)
    SELECT n.num * ${SEQ_RANGE} + u.seq, u.data FROM board_updates u JOIN board_numbers n ON n.board_id = u.board_id;
  DROP TABLE board_updates;
`

function openDatabase(file: string): { db: Database.Database; journalMode: string } {
  let db: Database.Database
  try {
    db = new Database(file)
  } catch (cause) {
    throw new RequestError(failure('io', `could not open ${file}`, cause))
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > SCHEMA_VERSION) {
      throw new RequestError({ code: 'corrupt', message: `${file} has schema version ${version}, newer than ${SCHEMA_VERSION}` })
    }
    // Only takes effect on a database without tables yet.
    db.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`)
    const journalMode = String(db.pragma('journal_mode = WAL', { simple: true }))
    // FULL: the WAL is fsynced at every commit, which is what makes an acknowledged append
    // survive power loss (NORMAL would only survive a process crash).
    db.pragma('synchronous = FULL')
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`)
    db.transaction(() => {
      db.exec(SCHEMA)
      if (version === 2) db.exec(MIGRATE_FROM_2)
      db.exec(VIEW)
      db.pragma(`user_version = ${SCHEMA_VERSION}`)
    })()
    return { db, journalMode }
  } catch (error) {
    db.close()
    if (error instanceof RequestError) throw error
    throw new RequestError(failure('corrupt', `could not prepare ${file}`, error))
  }
}

/** A plain Uint8Array view of a Buffer (no copy): it is cloned to the other thread anyway. */
function bytes(data: Buffer): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

function createHandlers(db: Database.Database) {
  const selectNumber = db.prepare<[string], number>('SELECT num FROM board_numbers WHERE board_id = ?').pluck()
  const insertNumber = db.prepare<[string]>('INSERT INTO board_numbers (board_id) VALUES (?)')
  const deleteNumber = db.prepare<[string]>('DELETE FROM board_numbers WHERE board_id = ?')
  const selectEntries = db.prepare<[number, number], { key: number; data: Buffer }>(
    'SELECT key, data FROM board_log WHERE key BETWEEN ? AND ? ORDER BY key',
  )
  const selectMaxKey = db.prepare<[number, number], number | null>('SELECT MAX(key) FROM board_log WHERE key BETWEEN ? AND ?').pluck()
  const selectSize = db.prepare<[number, number], { entries: number; bytes: number }>(
    'SELECT COUNT(*) AS entries, COALESCE(SUM(LENGTH(data)), 0) AS bytes FROM board_log WHERE key BETWEEN ? AND ?',
  )
  const insertEntry = db.prepare<[number, Uint8Array]>('INSERT INTO board_log (key, data) VALUES (?, ?)')
  const deleteRange = db.prepare<[number, number]>('DELETE FROM board_log WHERE key BETWEEN ? AND ?')
  const deleteSnapshots = db.prepare<[string]>('DELETE FROM board_snapshots WHERE board_id = ?')
  const insertSnapshot = db.prepare<[string, string, string, string, number, Uint8Array]>(
    'INSERT INTO board_snapshots (board_id, id, name, created_at, auto, data) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const selectSnapshots = db.prepare<[string], { id: string; name: string; created_at: string; auto: number; bytes: number }>(
    'SELECT id, name, created_at, auto, LENGTH(data) AS bytes FROM board_snapshots WHERE board_id = ? ORDER BY created_at DESC, rowid DESC',
  )
  const selectSnapshot = db.prepare<[string, string], { data: Buffer }>('SELECT data FROM board_snapshots WHERE board_id = ? AND id = ?')

  // Board numbers and next seqs seen since opening. Only committed transactions write them,
  // so a rolled-back commit leaves them as the database is.
  const numbers = new Map<string, number>()
  const nextSeqs = new Map<string, number>()

  /** The board's number, or undefined if it has none; `created` gets a new one, stored in this transaction. */
  function numberOf(boardId: string, created?: Map<string, number>): number | undefined {
    const known = numbers.get(boardId) ?? created?.get(boardId) ?? selectNumber.get(boardId)
    if (known !== undefined || !created) return known
    const num = Number(insertNumber.run(boardId).lastInsertRowid)
    if (num > MAX_BOARD_NUMBER) throw new Error(`board number ${num} is past ${MAX_BOARD_NUMBER}`)
    created.set(boardId, num)
    return num
  }

  /** The first and last key of a board's entries. */
  const range = (num: number): [number, number] => [num * SEQ_RANGE, num * SEQ_RANGE + SEQ_RANGE - 1]

  function nextSeqOf(boardId: string, num: number): number {
    const known = nextSeqs.get(boardId)
    if (known !== undefined) return known
    const maxKey = selectMaxKey.get(...range(num))
    return maxKey === null || maxKey === undefined ? 1 : maxKey - num * SEQ_RANGE + 1
  }

  function keyOf(num: number, seq: number): number {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= SEQ_RANGE) throw new Error(`seq ${seq} is out of range`)
    return num * SEQ_RANGE + seq
  }

  /** Keeps what a committed transaction created. */
  function remember(created: Map<string, number>): void {
    for (const [boardId, num] of created) numbers.set(boardId, num)
  }

  /** Runs a database call, reporting its failure as an `io` failure. */
  function run<T>(what: string, fn: () => T): T {
    try {
      return fn()
    } catch (cause) {
      throw new RequestError(failure('io', `could not ${what}`, cause))
    }
  }

  return (request: WorkerRequest): unknown => {
    switch (request.op) {
      case 'commit': {
        const { boardIds, updates } = request
        const assigned = new Map<string, number>()
        const created = new Map<string, number>()
        const seqs: number[] = []
        run(`store ${updates.length} updates`, () =>
          db.transaction(() => {
            updates.forEach((update, i) => {
              const boardId = boardIds[i]!
              const num = numberOf(boardId, created)!
              const seq = assigned.get(boardId) ?? nextSeqOf(boardId, num)
              insertEntry.run(keyOf(num, seq), update)
              assigned.set(boardId, seq + 1)
              seqs.push(seq)
            })
          })(),
        )
        remember(created)
        for (const [boardId, next] of assigned) nextSeqs.set(boardId, next)
        return seqs
      }
      case 'load': {
        const num = run('load the board', () => numberOf(request.boardId))
        if (num === undefined) return []
        const first = num * SEQ_RANGE
        return run('load the board', () =>
          selectEntries.all(...range(num)).map(({ key, data }) => ({ seq: key - first, update: bytes(data) })),
        )
      }
      case 'compact': {
        const { boardId, merged, upTo } = request
        const created = new Map<string, number>()
        // One transaction: a crash at any moment leaves either the old entries or the merged one.
        const num = run('compact the board', () =>
          db.transaction(() => {
            const num = numberOf(boardId, created)!
            deleteRange.run(num * SEQ_RANGE, keyOf(num, upTo))
            insertEntry.run(keyOf(num, upTo), merged)
            return num
          })(),
        )
        remember(created)
        // Keep seqs monotonic even if the caller compacted up to a seq beyond the last entry.
        nextSeqs.set(boardId, Math.max(nextSeqOf(boardId, num), upTo + 1))
        return undefined
      }
      case 'size': {
        const num = run('measure the board', () => numberOf(request.boardId))
        const row = num === undefined ? undefined : run('measure the board', () => selectSize.get(...range(num)))
        return { entries: row?.entries ?? 0, bytes: row?.bytes ?? 0 }
      }
      case 'saveSnapshot': {
        const { boardId, meta, state } = request
        try {
          insertSnapshot.run(boardId, meta.id, meta.name, meta.createdAt, meta.auto ? 1 : 0, state)
        } catch (cause) {
          const code = (cause as { code?: string }).code
          if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new RequestError(failure('conflict', `version ${meta.id} exists`, cause))
          throw new RequestError(failure('io', 'could not save the version', cause))
        }
        return undefined
      }
      case 'listSnapshots':
        return run('list the versions', () =>
          selectSnapshots
            .all(request.boardId)
            .map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at, auto: row.auto === 1, bytes: row.bytes })),
        )
      case 'loadSnapshot': {
        const row = run('load the version', () => selectSnapshot.get(request.boardId, request.snapshotId))
        return row ? bytes(row.data) : undefined
      }
      case 'delete':
        run('delete the board', () =>
          db.transaction(() => {
            const num = numberOf(request.boardId)
            if (num !== undefined) deleteRange.run(...range(num))
            deleteNumber.run(request.boardId)
            deleteSnapshots.run(request.boardId)
          })(),
        )
        numbers.delete(request.boardId)
        nextSeqs.delete(request.boardId)
        return undefined
      case 'close':
        run('close the database', () => db.close())
        return undefined
      default: {
        const exhaustive: never = request
        throw new Error(`unknown request ${JSON.stringify(exhaustive)}`)
      }
    }
  }
}

function main(): void {
  const port = parentPort
  if (!port) throw new Error('sqliteWorker.ts runs as a worker thread')
  const { file } = workerData as WorkerSetup
  let handle: ReturnType<typeof createHandlers>
  try {
    const { db, journalMode } = openDatabase(file)
    handle = createHandlers(db)
    port.postMessage({ id: 0, ok: true, value: { journalMode } } satisfies WorkerResponse)
  } catch (error) {
    const reason = error instanceof RequestError ? error.failure : failure('io', `could not open ${file}`, error)
    port.postMessage({ id: 0, ok: false, error: reason } satisfies WorkerResponse)
    port.close()
    return
  }
  port.on('message', (request: WorkerRequest) => {
    let response: WorkerResponse
    try {
      response = { id: request.id, ok: true, value: handle(request) }
    } catch (error) {
      const reason = error instanceof RequestError ? error.failure : failure('io', 'the storage worker failed', error)
      response = { id: request.id, ok: false, error: reason }
    }
    port.postMessage(response)
    // After close nothing else may come; closing the port lets the thread end.
    if (request.op === 'close') port.close()
  })
}

main()
