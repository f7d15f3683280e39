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

/** The table layout's version, kept in `PRAGMA user_version` so a later layout can migrate. */
const SCHEMA_VERSION = 2

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

function openDatabase(file: string): { db: Database.Database; journalMode: string } {
  let db: Database.Database
  try {
    db = new Database(file)
  } catch (cause) {
    throw new RequestError(failure('io', `could not open ${file}`, cause))
  }
  try {
    const journalMode = String(db.pragma('journal_mode = WAL', { simple: true }))
    // FULL: the WAL is fsynced at every commit, which is what makes an acknowledged append
    // survive power loss (NORMAL would only survive a process crash).
    db.pragma('synchronous = FULL')
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > SCHEMA_VERSION) {
      throw new RequestError({ code: 'corrupt', message: `${file} has schema version ${version}, newer than ${SCHEMA_VERSION}` })
    }
    // A rowid table, not WITHOUT ROWID: entries are often larger than the ~200 bytes for
    // which SQLite advises against WITHOUT ROWID.
    db.exec(`
      CREATE TABLE IF NOT EXISTS board_updates (
        board_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (board_id, seq)
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
    `)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
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
  const selectEntries = db.prepare<[string], { seq: number; data: Buffer }>(
    'SELECT seq, data FROM board_updates WHERE board_id = ? ORDER BY seq',
  )
  const selectMaxSeq = db
    .prepare<[string], number | null>('SELECT MAX(seq) FROM board_updates WHERE board_id = ?')
    .pluck()
  const selectSize = db.prepare<[string], { entries: number; bytes: number }>(
    'SELECT COUNT(*) AS entries, COALESCE(SUM(LENGTH(data)), 0) AS bytes FROM board_updates WHERE board_id = ?',
  )
  const insertEntry = db.prepare<[string, number, Uint8Array]>(
    'INSERT INTO board_updates (board_id, seq, data) VALUES (?, ?, ?)',
  )
  const deleteUpTo = db.prepare<[string, number]>('DELETE FROM board_updates WHERE board_id = ? AND seq <= ?')
  const deleteBoard = db.prepare<[string]>('DELETE FROM board_updates WHERE board_id = ?')
  const deleteSnapshots = db.prepare<[string]>('DELETE FROM board_snapshots WHERE board_id = ?')
  const insertSnapshot = db.prepare<[string, string, string, string, number, Uint8Array]>(
    'INSERT INTO board_snapshots (board_id, id, name, created_at, auto, data) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const selectSnapshots = db.prepare<[string], { id: string; name: string; created_at: string; auto: number; bytes: number }>(
    'SELECT id, name, created_at, auto, LENGTH(data) AS bytes FROM board_snapshots WHERE board_id = ? ORDER BY created_at DESC, rowid DESC',
  )
  const selectSnapshot = db.prepare<[string, string], { data: Buffer }>('SELECT data FROM board_snapshots WHERE board_id = ? AND id = ?')

  // The next seq of each board seen since opening. Only committed transactions write it, so a
  // rolled-back commit leaves it as the database is.
  const nextSeqs = new Map<string, number>()
  const nextSeqOf = (boardId: string): number => nextSeqs.get(boardId) ?? (selectMaxSeq.get(boardId) ?? 0) + 1

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
        const seqs: number[] = []
        run(`store ${updates.length} updates`, () =>
          db.transaction(() => {
            updates.forEach((update, i) => {
              const boardId = boardIds[i]!
              const seq = assigned.get(boardId) ?? nextSeqOf(boardId)
              insertEntry.run(boardId, seq, update)
              assigned.set(boardId, seq + 1)
              seqs.push(seq)
            })
          })(),
        )
        for (const [boardId, next] of assigned) nextSeqs.set(boardId, next)
        return seqs
      }
      case 'load':
        return run('load the board', () => selectEntries.all(request.boardId).map(({ seq, data }) => ({ seq, update: bytes(data) })))
      case 'compact': {
        const { boardId, merged, upTo } = request
        // One transaction: a crash at any moment leaves either the old entries or the merged one.
        run('compact the board', () =>
          db.transaction(() => {
            deleteUpTo.run(boardId, upTo)
            insertEntry.run(boardId, upTo, merged)
          })(),
        )
        // Keep seqs monotonic even if the caller compacted up to a seq beyond the last entry.
        nextSeqs.set(boardId, Math.max(nextSeqOf(boardId), upTo + 1))
        return undefined
      }
      case 'size': {
        const row = run('measure the board', () => selectSize.get(request.boardId))
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
            deleteBoard.run(request.boardId)
            deleteSnapshots.run(request.boardId)
          })(),
        )
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
