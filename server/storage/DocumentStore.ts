/**
 * The contract every board-document store implements. A board's document is the log of Yjs
 * updates the server accepted, periodically compacted into one merged update.
 *
 * Guarantees callers rely on:
 * - `append` resolves only once the update is durable (survives kill -9 and power loss).
 *   Implementations batch concurrent appends into one commit (group commit).
 * - `compact` replaces the stored entries up to and including `upTo` by one merged update
 *   atomically: after a crash at any moment either the old entries or the merged one exist,
 *   never neither and never both.
 * - `load` returns entries in commit order; applying them all to a fresh Y.Doc gives the
 *   stored state.
 */
export interface StoredEntry {
  /** Monotonic per board, assigned by the store. */
  seq: number
  update: Uint8Array
}

/** A named version of a board: its whole state at one moment. */
export interface SnapshotMeta {
  id: string
  name: string
  createdAt: string
  /** Saved by the server (every few minutes of activity, when the last person left). */
  auto: boolean
  bytes: number
}

export interface DocumentStore {
  load(boardId: string): Promise<StoredEntry[]>
  /** Resolves with the entry's seq once it is durable. */
  append(boardId: string, update: Uint8Array): Promise<number>
  /**
   * Replace entries with seq <= upTo by `merged` (which must contain all of them). Resolves with
   * the bytes the merged state takes in storage (a store may compress it).
   */
  compact(boardId: string, merged: Uint8Array, upTo: number): Promise<number>
  /**
   * Bytes currently stored for the board: its compacted state as stored (compressed where the
   * store compresses) and its later updates at their own size.
   */
  size(boardId: string): Promise<{ entries: number; bytes: number }>
  /** Stores a version durably; `id` is unique per board (the caller makes it). */
  saveSnapshot(boardId: string, meta: Omit<SnapshotMeta, 'bytes'>, state: Uint8Array): Promise<SnapshotMeta>
  /** A board's versions, newest first. */
  listSnapshots(boardId: string): Promise<SnapshotMeta[]>
  loadSnapshot(boardId: string, id: string): Promise<Uint8Array | undefined>
  /** Removes everything of the board: its log and its versions. */
  delete(boardId: string): Promise<void>
  /** Flushes pending appends and releases the store. Safe to call twice. */
  close(): Promise<void>
}

/**
 * A storage failure, for the document store and the registry alike. Codes: `closed` (used
 * after close), `io` (the disk or database failed; nothing of the operation was stored),
 * `corrupt` (a file holds what this code cannot read), `conflict` (a record with that id
 * already exists).
 */
export class StorageError extends Error {
  override readonly name = 'StorageError'
  constructor(
    readonly code: 'closed' | 'io' | 'corrupt' | 'conflict',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
