/**
 * The messages between the SQLite document store (main thread) and its worker thread
 * (sqliteWorker.ts). Types only: both sides import them, neither imports the other.
 */
import type { SnapshotMeta } from './DocumentStore.ts'

/** What the worker is started with (`workerData`). */
export interface WorkerSetup {
  file: string
}

/** One request; answered by a response with the same id, in the order requests were posted. */
export type WorkerRequest = { id: number } & (
  | { op: 'commit'; boardIds: string[]; updates: Uint8Array[] }
  | { op: 'load'; boardId: string }
  | { op: 'compact'; boardId: string; merged: Uint8Array; upTo: number }
  | { op: 'size'; boardId: string }
  | { op: 'saveSnapshot'; boardId: string; meta: Omit<SnapshotMeta, 'bytes'>; state: Uint8Array }
  | { op: 'listSnapshots'; boardId: string }
  | { op: 'loadSnapshot'; boardId: string; snapshotId: string }
  | { op: 'delete'; boardId: string }
  | { op: 'close' }
)

/** A failure as it crosses the thread boundary (an Error's class does not survive cloning). */
export interface WorkerFailure {
  code: 'io' | 'corrupt' | 'conflict'
  message: string
  /** The underlying error's message and SQLite code, kept as the StorageError's cause. */
  causeMessage?: string
  causeCode?: string
}

/** Id 0 answers the opening of the database (value: `{ journalMode }`). */
export type WorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WorkerFailure }
