/**
 * The messages between the SQLite document store (main thread) and its worker thread
 * (sqliteWorker.ts). Types only: both sides import them, neither imports the other.
 */
import type { SnapshotMeta } from './DocumentStore.ts'

/** What the worker is started with (`workerData`). */
export interface WorkerSetup {
  /** The SQLite database: boards' compacted states, their versions. */
  file: string
  /** The update log's folder (updateLog.ts). */
  logFolder: string
  /** Size at which the log starts a new segment (updateLog.ts SEGMENT_BYTES by default). */
  logSegmentBytes?: number
}

/** What opening found (the answer to id 0). */
export interface OpenedInfo {
  journalMode: string
  /** Boards and records the update log held from the last run, now folded into the database. */
  recovered: { boards: number; updates: number }
  /** Segments whose end was cut short: a crash while writing, or a write that failed. */
  torn: { segment: string; at: number; size: number }[]
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
  | { op: 'logStats' }
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

/** Id 0 answers the opening of the database (value: OpenedInfo). */
export type WorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WorkerFailure }
