/**
 * The storage side of the board-document store, run in a worker thread (see
 * SqliteDocumentStore.ts) so that a commit's fsync, which takes tens of milliseconds on a busy
 * disk, never blocks the event loop that relays edits and cursors. Appends go to the update
 * log (updateLog.ts); compacted states (compressed), versions and board numbers to SQLite.
 * Updates move from the log into SQLite's `board_log` table when the store opens (what the
 * last run left) and when it closes cleanly, so the log only ever holds the current run's
 * updates; and during a run, those of boards that would keep the log's oldest segment alive,
 * and those sharing segments with a board being deleted (so that its updates go at once).
 * A compaction writes the board's state and removes its `board_log` entries up to it.
 *
 * It answers requests strictly one at a time, in the order they were posted, which is what
 * gives the store its "as if in call order" behaviour. Every answer carries the request's id.
 */
import { parentPort, workerData } from 'node:worker_threads'
import zlib from 'node:zlib'
import Database from 'better-sqlite3'
import type { OpenedInfo, WorkerFailure, WorkerRequest, WorkerResponse, WorkerSetup } from './sqliteProtocol.ts'
import { LogCorruptError, LogLockedError, lockLogFolder, recoverLog, UpdateLog, type LogRecord, type LogUpdate } from './updateLog.ts'

/**
 * Once the log has more segments than this, the updates of boards still holding some in the
 * oldest one (open for long with few edits, never reaching their compaction) move into the
 * database, so that it can go: the log's files stay within about this many segments.
 */
const MAX_LOG_SEGMENTS = 4
/** How long to wait before trying again to move such updates after it failed. */
const UNPIN_RETRY_MS = 10_000

/**
 * The table layout's version, kept in `PRAGMA user_version` so a later layout can migrate.
 * 2: one table `board_updates (board_id, seq, data)` with its primary-key index.
 * 3: `board_log` keyed by one integer, board number * 2^32 + seq (see below), and
 *    `board_numbers`; `board_updates` remains as a view with the old columns, for tools.
 * 4: a board's compacted state in `board_states`, compressed (`codec`), apart from its log;
 *    versions compressed too (`board_snapshots.codec`). The view shows both, as stored.
 */
const SCHEMA_VERSION = 4

/**
 * How a state or version is stored. A board's state is mostly the same few record shapes over
 * and over (every shape repeats its keys, styles and defaults), so it compresses well:
 * measured on the storage benchmark's boards, 20x with deflate (12 KB for a 250 KB state, in
 * under a millisecond). Compaction writes the whole state each time, so this is most of what
 * keeps the bytes written to disk near the bytes of the edits themselves.
 */
const enum Codec {
  plain = 0,
  deflate = 1,
}

/** Compressed, unless that would not make it smaller (a tiny or already dense state). */
function encodeState(state: Uint8Array): { codec: Codec; data: Uint8Array } {
  const deflated = zlib.deflateRawSync(state, { level: 6 })
  return deflated.byteLength < state.byteLength ? { codec: Codec.deflate, data: deflated } : { codec: Codec.plain, data: state }
}

function decodeState(codec: number, data: Buffer): Uint8Array {
  if (codec === Codec.plain) return bytes(data)
  if (codec === Codec.deflate) return bytes(zlib.inflateRawSync(data))
  throw new Error(`unknown codec ${codec}`)
}

/**
 * Page size of a new database. A commit rewrites the last page of every board it touches, and
 * the kernel counts every 4 KiB page-cache page a write dirties, so small pages write less:
 * measured on 5 boards at 150 updates of ~440 bytes a second, 50 ms commit window, 60 s:
 * 5.1x the update bytes written with 1 KiB pages, 4.0x with 512 bytes. Larger entries (the
 * compacted state, versions) spill into overflow pages, which costs nothing measurable. An
 * existing database keeps the page size it was created with (changing it needs a VACUUM).
 * (Measured with layout 3, when every update was a row; since layout 4 updates go to the
 * update log and SQLite takes mostly compressed states, where page size matters little.)
 */
const NEW_DATABASE_PAGE_SIZE = 512

/**
 * Checkpoint the WAL into the database once it holds this many pages (SQLite's default is
 * 1,000). Each checkpoint copies every page the WAL holds once, however many commits rewrote
 * it, and the pages rewritten are few (each board's last pages, pages freed by compaction and
 * reused): a larger WAL copies them less often. Measured as above with 1 KiB pages: 6.2x at
 * 4,000 pages, 5.1x at 16,000. The WAL file grows to about 8 MB (16,000 x 512 bytes).
 * (Also measured with layout 3, when every update went through SQLite.)
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
 * (Measured with layout 3; since layout 4, `board_log` only takes updates moved from the
 * update log, and layout 3's, until the board's next compaction.)
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
  CREATE TABLE IF NOT EXISTS board_states (
    num INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    codec INTEGER NOT NULL,
    data BLOB NOT NULL
  );
  CREATE TABLE IF NOT EXISTS board_snapshots (
    board_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    auto INTEGER NOT NULL,
    data BLOB NOT NULL,
    codec INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (board_id, id)
  );
`

/** What a board stores, its compacted state (compressed) and its log, as stored. */
const VIEW = `
  DROP VIEW IF EXISTS board_updates;
  CREATE VIEW board_updates AS
    SELECT n.board_id AS board_id, s.seq AS seq, s.data AS data, s.codec AS codec
    FROM board_numbers n JOIN board_states s ON s.num = n.num
    UNION ALL
    SELECT n.board_id AS board_id, l.key - n.num * ${SEQ_RANGE} AS seq, l.data AS data, 0 AS codec
    FROM board_numbers n JOIN board_log l
      ON l.key BETWEEN n.num * ${SEQ_RANGE} AND n.num * ${SEQ_RANGE} + ${SEQ_RANGE - 1};
`

/** From layouts 2 and 3: versions get their codec (theirs are plain). */
const MIGRATE_SNAPSHOTS = `ALTER TABLE board_snapshots ADD COLUMN codec INTEGER NOT NULL DEFAULT 0;`

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
      if (version === 2 || version === 3) db.exec(MIGRATE_SNAPSHOTS)
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

/** `unlock` releases the data folder (see lockLogFolder); called once the store closed. */
function createHandlers(db: Database.Database, { logFolder, logSegmentBytes }: WorkerSetup, unlock: () => void) {
  const selectNumber = db.prepare<[string], number>('SELECT num FROM board_numbers WHERE board_id = ?').pluck()
  const insertNumber = db.prepare<[string]>('INSERT INTO board_numbers (board_id) VALUES (?)')
  const deleteNumber = db.prepare<[string]>('DELETE FROM board_numbers WHERE board_id = ?')
  // board_log holds updates moved from the update log (when the store opens, or to free its
  // oldest segment) and those of layout 3; they stay until the board's next compaction.
  const selectEntries = db.prepare<[number, number], { key: number; data: Buffer }>(
    'SELECT key, data FROM board_log WHERE key BETWEEN ? AND ? ORDER BY key',
  )
  const selectMaxKey = db.prepare<[number, number], number | null>('SELECT MAX(key) FROM board_log WHERE key BETWEEN ? AND ?').pluck()
  const selectSize = db.prepare<[number, number], { entries: number; bytes: number }>(
    'SELECT COUNT(*) AS entries, COALESCE(SUM(LENGTH(data)), 0) AS bytes FROM board_log WHERE key BETWEEN ? AND ?',
  )
  const deleteRange = db.prepare<[number, number]>('DELETE FROM board_log WHERE key BETWEEN ? AND ?')
  const putEntry = db.prepare<[number, Uint8Array]>('INSERT OR REPLACE INTO board_log (key, data) VALUES (?, ?)')
  const selectState = db.prepare<[number], { seq: number; codec: number; data: Buffer }>('SELECT seq, codec, data FROM board_states WHERE num = ?')
  const selectStateSize = db.prepare<[number], { seq: number; bytes: number }>('SELECT seq, LENGTH(data) AS bytes FROM board_states WHERE num = ?')
  const upsertState = db.prepare<[number, number, number, Uint8Array]>(
    'INSERT INTO board_states (num, seq, codec, data) VALUES (?, ?, ?, ?) ON CONFLICT (num) DO UPDATE SET seq = excluded.seq, codec = excluded.codec, data = excluded.data',
  )
  const deleteState = db.prepare<[number]>('DELETE FROM board_states WHERE num = ?')
  const deleteSnapshots = db.prepare<[string]>('DELETE FROM board_snapshots WHERE board_id = ?')
  const insertSnapshot = db.prepare<[string, string, string, string, number, Uint8Array, number]>(
    'INSERT INTO board_snapshots (board_id, id, name, created_at, auto, data, codec) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const selectSnapshots = db.prepare<[string], { id: string; name: string; created_at: string; auto: number; bytes: number }>(
    'SELECT id, name, created_at, auto, LENGTH(data) AS bytes FROM board_snapshots WHERE board_id = ? ORDER BY created_at DESC, rowid DESC',
  )
  const selectSnapshot = db.prepare<[string, string], { data: Buffer; codec: number }>(
    'SELECT data, codec FROM board_snapshots WHERE board_id = ? AND id = ?',
  )

  // Board numbers and next seqs seen since opening. Only committed writes set them, so a
  // failed commit leaves them as the storage is.
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

  /** What SQLite holds of the board: its compacted state and its entries, in seq order. */
  function storedEntries(boardId: string, num: number | undefined): { seq: number; update: Uint8Array }[] {
    if (num === undefined) return []
    const [state, rows] = db.transaction(() => [selectState.get(num), selectEntries.all(...range(num))] as const)()
    const entries: { seq: number; update: Uint8Array }[] = []
    if (state) {
      try {
        entries.push({ seq: state.seq, update: decodeState(state.codec, state.data) })
      } catch (cause) {
        throw new RequestError(failure('corrupt', `the stored state of board ${boardId} cannot be read`, cause))
      }
    }
    const first = num * SEQ_RANGE
    for (const { key, data } of rows) entries.push({ seq: key - first, update: bytes(data) })
    return entries.sort((a, b) => a.seq - b.seq)
  }

  function nextSeqOf(boardId: string): number {
    const known = nextSeqs.get(boardId)
    if (known !== undefined) return known
    const num = numberOf(boardId)
    let last = 0
    if (num !== undefined) {
      const maxKey = selectMaxKey.get(...range(num))
      if (maxKey !== null && maxKey !== undefined) last = maxKey - num * SEQ_RANGE
      // After a compaction the stored entries may be gone: the state says where they ended.
      last = Math.max(last, selectStateSize.get(num)?.seq ?? 0)
    }
    const refs = log.refsOf(boardId)
    last = Math.max(last, refs[refs.length - 1]?.seq ?? 0)
    return last + 1
  }

  /** Keeps what a committed transaction created. */
  function remember(created: Map<string, number>): void {
    for (const [boardId, num] of created) numbers.set(boardId, num)
  }

  /** Runs a storage call, reporting its failure as an `io` failure (or `corrupt`, if it was that). */
  function run<T>(what: string, fn: () => T): T {
    try {
      return fn()
    } catch (cause) {
      if (cause instanceof RequestError) throw cause
      if (cause instanceof LogCorruptError) throw new RequestError(failure('corrupt', `could not ${what}: the update log is damaged`, cause))
      throw new RequestError(failure('io', `could not ${what}`, cause))
    }
  }

  /**
   * Stores `state` as the board's compacted state, covering seq `upTo`, in one transaction,
   * removing the database's entries up to it. (A caller compacting up to less than the state
   * already covers gets its state kept as an entry beside it: nothing either holds is lost.)
   */
  function storeState(boardId: string, state: Uint8Array, upTo: number): number {
    const created = new Map<string, number>()
    const { codec, data } = encodeState(state)
    const bytes = db.transaction(() => {
      const num = numberOf(boardId, created)!
      deleteRange.run(num * SEQ_RANGE, num * SEQ_RANGE + upTo)
      const current = selectStateSize.get(num)
      if (current && current.seq > upTo) {
        putEntry.run(num * SEQ_RANGE + upTo, state)
        return state.byteLength
      }
      upsertState.run(num, upTo, codec, data)
      return data.byteLength
    })()
    remember(created)
    return bytes
  }

  /**
   * Moves updates from the update log into the database's entries (as they are: the store
   * never interprets them). Those a compacted state already covers are left out. Idempotent.
   * Runs inside the caller's transaction; board numbers it creates go into `created`.
   */
  function moveToDatabase(boardId: string, updates: readonly { seq: number; update: Uint8Array }[], created: Map<string, number>): void {
    const num = numberOf(boardId, created)!
    const stateSeq = selectStateSize.get(num)?.seq ?? 0
    for (const entry of updates) {
      if (entry.seq >= SEQ_RANGE) throw new Error(`seq ${entry.seq} is out of range`)
      if (entry.seq > stateSeq) putEntry.run(num * SEQ_RANGE + entry.seq, entry.update)
    }
  }

  function deleteStored(boardId: string): void {
    db.transaction(() => {
      const num = numberOf(boardId)
      if (num !== undefined) {
        deleteRange.run(...range(num))
        deleteState.run(num)
      }
      deleteNumber.run(boardId)
      deleteSnapshots.run(boardId)
    })()
    numbers.delete(boardId)
  }

  // What the log held when the store was last stopped (or killed) moves into the database,
  // then the log starts afresh; a deletion is applied where it was the board's last record.
  // Killed during this, the next opening does it again (the old segments are removed last).
  const { log, opened } = openLog()

  function openLog(): { log: UpdateLog; opened: Omit<OpenedInfo, 'journalMode'> } {
    const recovered = run('read the update log', () => recoverLog(logFolder))
    const boards = new Map<string, LogUpdate[] | 'deleted'>()
    for (const record of recovered.records) {
      if (record.kind === 'deletion') boards.set(record.boardId, 'deleted')
      else {
        const list = boards.get(record.boardId)
        if (list === undefined || list === 'deleted') boards.set(record.boardId, [record])
        else list.push(record)
      }
    }
    const created = new Map<string, number>()
    run('move the update log into the database', () =>
      db.transaction(() => {
        for (const [boardId, updates] of boards) {
          if (updates === 'deleted') deleteStored(boardId)
          else moveToDatabase(boardId, updates, created)
        }
      })(),
    )
    remember(created)
    const log = run('start the update log', () => UpdateLog.reset(logFolder, logSegmentBytes))
    return { log, opened: { recovered: { boards: boards.size, updates: recovered.records.length }, torn: recovered.torn } }
  }

  /** After a failure to move updates, when to try again (it costs a read of their frames). */
  let unpinAfter = 0

  /** Boards pinning the log's oldest segment have their updates moved, so that it can go. */
  function unpinLog(): void {
    if (Date.now() < unpinAfter) return
    moveOutOfLog(log.pinning(MAX_LOG_SEGMENTS))
  }

  /**
   * Moves the boards' updates from the log into the database in one transaction (one fsync),
   * then tells the log it no longer needs them.
   */
  function moveOutOfLog(boardIds: readonly string[]): void {
    if (boardIds.length === 0) return
    const moved = boardIds.map((boardId) => ({ boardId, updates: log.read(boardId) }))
    const created = new Map<string, number>()
    db.transaction(() => {
      for (const { boardId, updates } of moved) moveToDatabase(boardId, updates, created)
    })()
    remember(created)
    for (const { boardId, updates } of moved) {
      const last = updates[updates.length - 1]
      if (last) log.dropUpTo(boardId, last.seq)
    }
  }

  /**
   * Boards whose deletion is in the log but not yet in the database (that part failed): they
   * read as deleted, the database part is tried again before each request, and were it still
   * failing at close, the log is kept so that the next opening applies the deletion.
   */
  const pendingDeletes = new Set<string>()

  function retryDeletes(): void {
    for (const boardId of pendingDeletes) {
      try {
        deleteStored(boardId)
        pendingDeletes.delete(boardId)
        log.deletionDone(boardId)
      } catch {
        // Still failing; the next request tries again.
      }
    }
  }

  const handle = (request: WorkerRequest): unknown => {
    if (pendingDeletes.size > 0) retryDeletes()
    switch (request.op) {
      case 'commit': {
        const { boardIds, updates } = request
        const assigned = new Map<string, number>()
        const records: LogRecord[] = []
        const seqs: number[] = []
        run(`store ${updates.length} updates`, () => {
          updates.forEach((update, i) => {
            const boardId = boardIds[i]!
            // Its deletion is not finished: an update would mix with what is being deleted.
            if (pendingDeletes.has(boardId)) throw new Error(`board ${boardId} is being deleted`)
            const seq = assigned.get(boardId) ?? nextSeqOf(boardId)
            records.push({ kind: 'update', boardId, seq, update })
            assigned.set(boardId, seq + 1)
            seqs.push(seq)
          })
          log.write(records)
        })
        for (const [boardId, next] of assigned) nextSeqs.set(boardId, next)
        // The updates are durable; a failure to move others only leaves the log longer for now.
        // (This runs before the answer is posted: rarely, once per segment filled.)
        try {
          unpinLog()
        } catch {
          unpinAfter = Date.now() + UNPIN_RETRY_MS
        }
        return seqs
      }
      case 'load': {
        const { boardId } = request
        if (pendingDeletes.has(boardId)) return []
        // The log's updates all come after the database's: they move there only as a block.
        return run('load the board', () => [...storedEntries(boardId, numberOf(boardId)), ...log.read(boardId)])
      }
      case 'compact': {
        const { boardId, merged, upTo } = request
        const bytes = run('compact the board', () => storeState(boardId, merged, upTo))
        log.dropUpTo(boardId, upTo)
        // Keep seqs monotonic even if the caller compacted up to a seq beyond the last entry.
        nextSeqs.set(boardId, Math.max(nextSeqOf(boardId), upTo + 1))
        return bytes
      }
      case 'size': {
        if (pendingDeletes.has(request.boardId)) return { entries: 0, bytes: 0 }
        const num = run('measure the board', () => numberOf(request.boardId))
        const [old, state] =
          num === undefined ? [undefined, undefined] : run('measure the board', () => [selectSize.get(...range(num)), selectStateSize.get(num)] as const)
        const refs = log.refsOf(request.boardId)
        return {
          entries: (old?.entries ?? 0) + (state ? 1 : 0) + refs.length,
          bytes: (old?.bytes ?? 0) + (state?.bytes ?? 0) + refs.reduce((sum, ref) => sum + ref.bytes, 0),
        }
      }
      case 'saveSnapshot': {
        const { boardId, meta, state } = request
        const { codec, data } = run('compress the version', () => encodeState(state))
        try {
          insertSnapshot.run(boardId, meta.id, meta.name, meta.createdAt, meta.auto ? 1 : 0, data, codec)
        } catch (cause) {
          const code = (cause as { code?: string }).code
          if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new RequestError(failure('conflict', `version ${meta.id} exists`, cause))
          throw new RequestError(failure('io', 'could not save the version', cause))
        }
        return data.byteLength
      }
      case 'listSnapshots':
        return run('list the versions', () =>
          selectSnapshots
            .all(request.boardId)
            .map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at, auto: row.auto === 1, bytes: row.bytes })),
        )
      case 'loadSnapshot': {
        const row = run('load the version', () => selectSnapshot.get(request.boardId, request.snapshotId))
        if (!row) return undefined
        try {
          return decodeState(row.codec, row.data)
        } catch (cause) {
          throw new RequestError(failure('corrupt', `version ${request.snapshotId} cannot be read`, cause))
        }
      }
      case 'delete': {
        const { boardId } = request
        // The log's record first: were the process killed between the two, reopening applies it.
        const lastSegment = run('delete the board', () => log.deleteBoard(boardId))
        nextSeqs.delete(boardId)
        try {
          deleteStored(boardId)
        } catch (cause) {
          pendingDeletes.add(boardId)
          throw new RequestError(failure('io', 'could not delete the board from the database; it is tried again', cause))
        }
        log.deletionDone(boardId)
        // Deleting a board deletes its content: the segments holding its updates go now, the
        // other boards' updates in them moved into the database first.
        if (lastSegment !== undefined) {
          try {
            moveOutOfLog(log.boardsUpTo(lastSegment))
            log.purge(lastSegment)
          } catch {
            // They go the usual way, once nothing in them is needed.
          }
        }
        return undefined
      }
      case 'logStats':
        return log.stats()
      case 'close':
        // After a clean stop the database alone holds everything (tools see it all), and the
        // next start has no log to read.
        try {
          let moved = false
          try {
            run('close the update log', () => {
              moveOutOfLog(log.boards())
              moved = true
            })
          } finally {
            // Not moved (or a deletion not finished): the segments stay for the next opening.
            log.close(moved && pendingDeletes.size === 0)
          }
          run('close the database', () => db.close())
        } finally {
          unlock()
        }
        return undefined
      default: {
        const exhaustive: never = request
        throw new Error(`unknown request ${JSON.stringify(exhaustive)}`)
      }
    }
  }
  return { handle, opened }
}

function main(): void {
  const port = parentPort
  if (!port) throw new Error('sqliteWorker.ts runs as a worker thread')
  const setup = workerData as WorkerSetup
  const { file } = setup
  let handle: ReturnType<typeof createHandlers>['handle']
  let unlock: (() => void) | undefined
  try {
    // Before anything is read or written: a second server must not touch the first's files.
    try {
      unlock = lockLogFolder(setup.logFolder)
    } catch (cause) {
      if (cause instanceof LogLockedError) throw new RequestError({ code: 'io', message: cause.message })
      throw new RequestError(failure('io', `could not lock ${setup.logFolder}`, cause))
    }
    const { db, journalMode } = openDatabase(file)
    try {
      const handlers = createHandlers(db, setup, unlock)
      handle = handlers.handle
      port.postMessage({ id: 0, ok: true, value: { ...handlers.opened, journalMode } } satisfies WorkerResponse)
    } catch (error) {
      db.close()
      throw error
    }
  } catch (error) {
    unlock?.()
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
