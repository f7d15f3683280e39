/**
 * The board-document store: each board's updates appended to an update log of our own
 * (updateLog.ts: one sequential write and one fdatasync per group commit), and its compacted
 * state, compressed, and its versions in SQLite (better-sqlite3, WAL mode, `synchronous=FULL`).
 * Both survive kill -9 and power loss once a call resolves.
 *
 * Both live in a worker thread (sqliteWorker.ts): a commit's fsync takes tens of
 * milliseconds on a busy disk, and on the main thread it would hold up every edit and cursor
 * of every board meanwhile. This side queues requests and settles their promises.
 *
 * Appends are group-committed: they queue for a few milliseconds and are written as one
 * frame of the update log, so a burst of updates costs one fsync instead of one each. While a commit is
 * being written the next one gathers, so the batches grow with the load. Every other
 * operation first posts the queue, and the worker answers requests strictly in order, so the
 * store behaves as if operations ran in the order they were called (a `load` sees every
 * append made before it; a `delete` is not undone by an append queued before it).
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { DocumentStore, SnapshotMeta, StoredEntry } from './DocumentStore.ts'
import { StorageError } from './DocumentStore.ts'
import type { OpenedInfo, WorkerFailure, WorkerRequest, WorkerResponse, WorkerSetup } from './sqliteProtocol.ts'

/** The part of a pino logger the store uses. */
export interface StoreLog {
  info?(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** The update log's folder beside the database: `boards.sqlite` -> `boards-log`. */
export function logFolderFor(file: string): string {
  return path.join(path.dirname(file), `${path.basename(file, path.extname(file))}-log`)
}

export interface SqliteDocumentStoreOptions {
  /** Path of the database file; created if missing. */
  file: string
  /**
   * How long an append waits for others to share its commit; 0 commits on the next turn.
   * A commit still being written makes the next one wait for it, whatever this says.
   */
  groupCommitMs?: number
  /** Appends waiting with this many bytes between them are committed without waiting longer. */
  groupCommitBytes?: number
  /** Size of the update log's segments (for tests; updateLog.ts SEGMENT_BYTES by default). */
  logSegmentBytes?: number
  log?: StoreLog
}

export interface SqliteDocumentStore extends DocumentStore {
  /** Counters since the store was opened: commits (log frames) of appends, and appends. */
  stats(): { commits: number; appends: number }
  /** The update log's segments and their bytes on disk. */
  logStats(): Promise<{ segments: number; bytes: number }>
}

/**
 * The default commit window. Every commit costs at least a whole page whatever it holds (the
 * log's last 4 KiB page-cache page, dirtied again after each fsync, is written whole), so
 * committing several updates at once writes far less than one commit each. The
 * price: an edit is acknowledged ("All changes saved") up to this much later. Nothing
 * acknowledged is at risk: the server acknowledges only committed, fsynced updates, and
 * clients resend what was not acknowledged when they reconnect.
 */
export const DEFAULT_GROUP_COMMIT_MS = 50
/** Enough to amortise a commit's fixed cost; a burst this large is committed at once. */
export const DEFAULT_GROUP_COMMIT_BYTES = 256 * 1024

/** Distributive Omit, so each request variant keeps its own fields. */
type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never

interface PendingAppend {
  boardId: string
  update: Uint8Array
  resolve(seq: number): void
  reject(error: unknown): void
}

interface Outstanding {
  resolve(value: unknown): void
  reject(error: unknown): void
}

/**
 * The worker runs TypeScript: tsx's loader registers itself on the main thread only (and
 * `--import tsx` in a worker's execArgv is ignored by Node 20), so the worker is started with
 * a line that loads the module through tsx's API, found from here whatever the working folder.
 */
const WORKER_URL = new URL('./sqliteWorker.ts', import.meta.url).href
const TSX_API_URL = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href
const WORKER_BOOT = `import(${JSON.stringify(TSX_API_URL)}).then(({ tsImport }) => tsImport(${JSON.stringify(WORKER_URL)}, ${JSON.stringify(WORKER_URL)}))`

function storageError(failure: WorkerFailure): StorageError {
  const cause =
    failure.causeMessage === undefined ? undefined : Object.assign(new Error(failure.causeMessage), failure.causeCode ? { code: failure.causeCode } : {})
  return new StorageError(failure.code, failure.message, cause === undefined ? undefined : { cause })
}

/**
 * Opens the store (database and update log) in its worker thread; rejects with a StorageError
 * if it cannot (also when another server holds the data folder).
 */
export async function createSqliteDocumentStore({
  file,
  groupCommitMs = DEFAULT_GROUP_COMMIT_MS,
  groupCommitBytes = DEFAULT_GROUP_COMMIT_BYTES,
  logSegmentBytes,
  log,
}: SqliteDocumentStoreOptions): Promise<SqliteDocumentStore> {
  const setup: WorkerSetup = { file, logFolder: logFolderFor(file), ...(logSegmentBytes ? { logSegmentBytes } : {}) }
  const worker = new Worker(WORKER_BOOT, { eval: true, workerData: setup })
  // The thread holds the process open only while it owes an answer (see request()).
  worker.unref()

  const outstanding = new Map<number, Outstanding>()
  let nextId = 1
  /** Set once the thread died: every later request fails with it. */
  let broken: StorageError | undefined

  const opened = new Promise<unknown>((resolve, reject) => outstanding.set(0, { resolve, reject }))
  worker.ref()

  worker.on('message', (response: WorkerResponse) => {
    const waiting = outstanding.get(response.id)
    if (!waiting) return
    outstanding.delete(response.id)
    if (outstanding.size === 0) worker.unref()
    if (response.ok) waiting.resolve(response.value)
    else waiting.reject(storageError(response.error))
  })
  const fail = (cause: unknown) => {
    broken ??= new StorageError('io', 'the storage worker stopped', { cause })
    for (const waiting of outstanding.values()) waiting.reject(broken)
    outstanding.clear()
    worker.unref()
  }
  worker.on('error', fail)
  worker.on('exit', (code) => fail(new Error(`the storage worker exited with code ${code}`)))

  try {
    const { journalMode, recovered, torn } = (await opened) as OpenedInfo
    // Some file systems (network mounts) cannot hold the WAL index; the store still works in
    // rollback-journal mode, only slower, so this is worth a warning and not a refusal.
    if (journalMode !== 'wal') log?.warn({ file, mode: journalMode }, 'SQLite could not use WAL mode')
    // Expected after a crash or a failed write: the cut part was never acknowledged.
    for (const segment of torn) log?.warn(segment, 'the update log ended in a partly written frame; it was left out')
    if (recovered.updates > 0) log?.info?.(recovered, 'update log folded into the database')
  } catch (error) {
    await worker.terminate()
    throw error
  }

  function request<T>(body: RequestBody, transfer: ArrayBuffer[] = []): Promise<T> {
    if (broken) return Promise.reject(broken)
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      if (outstanding.size === 0) worker.ref()
      outstanding.set(id, { resolve: resolve as (value: unknown) => void, reject })
      worker.postMessage({ id, ...body } as WorkerRequest, transfer)
    })
  }

  let pending: PendingAppend[] = []
  let pendingBytes = 0
  let timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | undefined
  /** A commit posted by the timer and not answered yet. */
  let commitInFlight = false
  /** The timer fired while a commit was in flight: post as soon as it is answered. */
  let due = false
  let closed = false
  let commits = 0
  let appends = 0

  function scheduleCommit(): void {
    if (timer !== undefined || due) return
    const fire = () => {
      timer = undefined
      if (commitInFlight) due = true
      else postPending()
    }
    timer = groupCommitMs <= 0 ? setImmediate(fire) : setTimeout(fire, groupCommitMs)
  }

  function cancelTimer(): void {
    if (timer === undefined) return
    clearTimeout(timer as ReturnType<typeof setTimeout>)
    clearImmediate(timer as ReturnType<typeof setImmediate>)
    timer = undefined
  }

  /** Posts every queued append as one commit and settles their promises when answered. */
  function postPending(): void {
    cancelTimer()
    due = false
    if (pending.length === 0) return
    const batch = pending
    pending = []
    pendingBytes = 0
    commitInFlight = true
    const updates = batch.map((append) => append.update)
    request<number[]>(
      { op: 'commit', boardIds: batch.map((append) => append.boardId), updates },
      updates.map((update) => update.buffer as ArrayBuffer),
    ).then(
      (seqs) => {
        commits += 1
        appends += batch.length
        batch.forEach((append, i) => append.resolve(seqs[i]!))
      },
      (cause: unknown) => {
        // The commit failed: none of the batch is acknowledged, so every caller hears of it
        // (the room then has its clients resend). Dropping them silently would lose work.
        const boards = [...new Set(batch.map((append) => append.boardId))]
        log?.error({ err: cause, boards, appends: batch.length }, 'group commit failed')
        const error = cause instanceof StorageError ? cause : new StorageError('io', `could not store ${batch.length} updates`, { cause })
        for (const append of batch) append.reject(error)
      },
    ).finally(() => {
      commitInFlight = false
      if (due) postPending()
    })
  }

  function ensureOpen(): void {
    if (closed) throw new StorageError('closed', 'the document store is closed')
  }

  /** A request made after every append queued before it (the worker answers in order). */
  function ordered<T>(body: RequestBody, transfer?: ArrayBuffer[]): Promise<T> {
    ensureOpen()
    postPending()
    return request<T>(body, transfer)
  }

  let closing: Promise<void> | undefined

  return {
    async load(boardId) {
      return ordered<StoredEntry[]>({ op: 'load', boardId })
    },

    append(boardId, update) {
      return new Promise<number>((resolve, reject) => {
        ensureOpen()
        // Copying because the update is written a few milliseconds from now and callers
        // might reuse the same buffer meanwhile; the copy is then moved to the worker.
        // `new Uint8Array(update)` always copies (a Buffer's slice() would be a view, and
        // moving its memory would detach the caller's buffer, possibly Node's shared pool).
        pending.push({ boardId, update: new Uint8Array(update), resolve, reject })
        pendingBytes += update.byteLength
        if (pendingBytes < groupCommitBytes) scheduleCommit()
        else if (commitInFlight) due = true
        else postPending()
      })
    },

    async compact(boardId, merged, upTo) {
      return ordered<number>({ op: 'compact', boardId, merged, upTo })
    },

    async size(boardId) {
      return ordered<{ entries: number; bytes: number }>({ op: 'size', boardId })
    },

    async saveSnapshot(boardId, meta, state) {
      ensureOpen()
      const bytes = await request<number>({ op: 'saveSnapshot', boardId, meta, state })
      return { ...meta, bytes }
    },

    async listSnapshots(boardId) {
      ensureOpen()
      return request<SnapshotMeta[]>({ op: 'listSnapshots', boardId })
    },

    async loadSnapshot(boardId, id) {
      ensureOpen()
      return request<Uint8Array | undefined>({ op: 'loadSnapshot', boardId, snapshotId: id })
    },

    async delete(boardId) {
      return ordered<undefined>({ op: 'delete', boardId })
    },

    close() {
      closing ??= (async () => {
        postPending()
        closed = true
        try {
          await request<undefined>({ op: 'close' })
        } finally {
          await worker.terminate()
        }
      })()
      return closing
    },

    stats() {
      return { commits, appends }
    },

    async logStats() {
      ensureOpen()
      return request<{ segments: number; bytes: number }>({ op: 'logStats' })
    },
  }
}
