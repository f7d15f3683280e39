/**
 * The board-document store on SQLite (better-sqlite3): one table of Yjs updates keyed by
 * (board, seq), in WAL mode with `synchronous=FULL` so that a committed transaction survives
 * kill -9 and power loss.
 *
 * Appends are group-committed: they queue for a few milliseconds and are written in one
 * transaction, so a burst of updates costs one fsync instead of one each. Every other
 * operation first commits the queue, so the store behaves as if operations ran in the order
 * they were called (a `load` sees every append made before it; a `delete` is not undone by
 * an append queued before it).
 */
import Database from 'better-sqlite3'
import type { DocumentStore, SnapshotMeta, StoredEntry } from './DocumentStore.ts'
import { StorageError } from './DocumentStore.ts'

/** The part of a pino logger the store uses. */
export interface StoreLog {
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface SqliteDocumentStoreOptions {
  /** Path of the database file; created if missing. */
  file: string
  /** How long an append waits for others to share its commit; 0 commits on the next turn. */
  groupCommitMs?: number
  log?: StoreLog
}

export interface SqliteDocumentStore extends DocumentStore {
  /** Counters since the store was opened: transactions that committed appends, and appends. */
  stats(): { commits: number; appends: number }
}

/** The table layout's version, kept in `PRAGMA user_version` so a later layout can migrate. */
const SCHEMA_VERSION = 2

interface PendingAppend {
  boardId: string
  update: Uint8Array
  resolve(seq: number): void
  reject(error: unknown): void
}

export function createSqliteDocumentStore({
  file,
  groupCommitMs = 2,
  log,
}: SqliteDocumentStoreOptions): SqliteDocumentStore {
  const db = openDatabase(file, log)

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

  let pending: PendingAppend[] = []
  let cancelScheduledCommit: (() => void) | undefined
  let closed = false
  let commits = 0
  let appends = 0

  function scheduleCommit(): void {
    if (cancelScheduledCommit) return
    if (groupCommitMs <= 0) {
      const handle = setImmediate(commitPending)
      cancelScheduledCommit = () => clearImmediate(handle)
    } else {
      const handle = setTimeout(commitPending, groupCommitMs)
      cancelScheduledCommit = () => clearTimeout(handle)
    }
  }

  /** Writes every queued append in one transaction, then settles their promises. Never throws. */
  function commitPending(): void {
    cancelScheduledCommit?.()
    cancelScheduledCommit = undefined
    if (pending.length === 0) return
    const batch = pending
    pending = []

    const assigned = new Map<string, number>()
    const seqs: number[] = []
    try {
      db.transaction(() => {
        for (const append of batch) {
          const seq = assigned.get(append.boardId) ?? nextSeqOf(append.boardId)
          insertEntry.run(append.boardId, seq, append.update)
          assigned.set(append.boardId, seq + 1)
          seqs.push(seq)
        }
      })()
    } catch (cause) {
      // The transaction rolled back: none of the batch is stored, so every caller hears of it
      // (the room then has its clients resend). Dropping them silently would lose work.
      const boards = [...new Set(batch.map((append) => append.boardId))]
      log?.error({ err: cause, boards, appends: batch.length }, 'group commit failed')
      const error = new StorageError('io', `could not store ${batch.length} updates`, { cause })
      for (const append of batch) append.reject(error)
      return
    }

    for (const [boardId, next] of assigned) nextSeqs.set(boardId, next)
    commits += 1
    appends += batch.length
    batch.forEach((append, i) => append.resolve(seqs[i]!))
  }

  function ensureOpen(): void {
    if (closed) throw new StorageError('closed', 'the document store is closed')
  }

  /** Runs a synchronous database call, reporting its failure as a StorageError. */
  function run<T>(what: string, fn: () => T): T {
    try {
      return fn()
    } catch (cause) {
      throw new StorageError('io', `could not ${what}`, { cause })
    }
  }

  let closing: Promise<void> | undefined

  return {
    async load(boardId) {
      ensureOpen()
      commitPending()
      return run('load the board', () =>
        selectEntries.all(boardId).map(
          ({ seq, data }): StoredEntry => ({
            seq,
            // A plain Uint8Array view (no copy): callers compare and hash these, and a Buffer
            // would differ from the Uint8Array they appended in deep equality.
            update: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
          }),
        ),
      )
    },

    append(boardId, update) {
      return new Promise<number>((resolve, reject) => {
        ensureOpen()
        // Copying because the update is written a few milliseconds from now and callers
        // might reuse the same buffer meanwhile.
        pending.push({ boardId, update: update.slice(), resolve, reject })
        scheduleCommit()
      })
    },

    async compact(boardId, merged, upTo) {
      ensureOpen()
      commitPending()
      // One transaction: a crash at any moment leaves either the old entries or the merged
      // one. No copy of `merged` is needed, the write happens before this returns.
      run('compact the board', () =>
        db.transaction(() => {
          deleteUpTo.run(boardId, upTo)
          insertEntry.run(boardId, upTo, merged)
        })(),
      )
      // Keep seqs monotonic even if the caller compacted up to a seq beyond the last entry.
      nextSeqs.set(boardId, Math.max(nextSeqOf(boardId), upTo + 1))
    },

    async size(boardId) {
      ensureOpen()
      commitPending()
      const row = run('measure the board', () => selectSize.get(boardId))
      return { entries: row?.entries ?? 0, bytes: row?.bytes ?? 0 }
    },

    async saveSnapshot(boardId, meta, state) {
      ensureOpen()
      try {
        insertSnapshot.run(boardId, meta.id, meta.name, meta.createdAt, meta.auto ? 1 : 0, state)
      } catch (cause) {
        const code = (cause as { code?: string }).code
        if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new StorageError('conflict', `version ${meta.id} exists`, { cause })
        throw new StorageError('io', 'could not save the version', { cause })
      }
      return { ...meta, bytes: state.byteLength }
    },

    async listSnapshots(boardId) {
      ensureOpen()
      return run('list the versions', () =>
        selectSnapshots.all(boardId).map(
          (row): SnapshotMeta => ({ id: row.id, name: row.name, createdAt: row.created_at, auto: row.auto === 1, bytes: row.bytes }),
        ),
      )
    },

    async loadSnapshot(boardId, id) {
      ensureOpen()
      const row = run('load the version', () => selectSnapshot.get(boardId, id))
      return row ? new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength) : undefined
    },

    async delete(boardId) {
      ensureOpen()
      commitPending()
      run('delete the board', () =>
        db.transaction(() => {
          deleteBoard.run(boardId)
          deleteSnapshots.run(boardId)
        })(),
      )
      nextSeqs.delete(boardId)
    },

    close() {
      closing ??= (async () => {
        commitPending()
        closed = true
        run('close the database', () => db.close())
      })()
      return closing
    },

    stats() {
      return { commits, appends }
    },
  }
}

function openDatabase(file: string, log: StoreLog | undefined): Database.Database {
  let db: Database.Database
  try {
    db = new Database(file)
  } catch (cause) {
    throw new StorageError('io', `could not open ${file}`, { cause })
  }
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true })
    // Some file systems (network mounts) cannot hold the WAL index; the store still works in
    // rollback-journal mode, only slower, so this is worth a warning and not a refusal.
    if (mode !== 'wal') log?.warn({ file, mode }, 'SQLite could not use WAL mode')
    // FULL: the WAL is fsynced at every commit, which is what makes an acknowledged append
    // survive power loss (NORMAL would only survive a process crash).
    db.pragma('synchronous = FULL')
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > SCHEMA_VERSION) {
      throw new StorageError('corrupt', `${file} has schema version ${version}, newer than ${SCHEMA_VERSION}`)
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
    return db
  } catch (error) {
    db.close()
    if (error instanceof StorageError) throw error
    throw new StorageError('corrupt', `could not prepare ${file}`, { cause: error })
  }
}
