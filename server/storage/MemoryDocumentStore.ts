/**
 * A document store held in memory: for tests of the server that need no disk, and a second
 * backend that keeps the storage contract suite honest. Nothing survives the process.
 */
import type { DocumentStore, SnapshotMeta, StoredEntry } from './DocumentStore.ts'
import { StorageError } from './DocumentStore.ts'

interface Board {
  entries: StoredEntry[]
  nextSeq: number
}

export function createMemoryDocumentStore(): DocumentStore {
  const boards = new Map<string, Board>()
  const snapshots = new Map<string, { meta: SnapshotMeta; state: Uint8Array }[]>()
  let closed = false

  function ensureOpen(): void {
    if (closed) throw new StorageError('closed', 'the document store is closed')
  }

  function boardOf(boardId: string): Board {
    let board = boards.get(boardId)
    if (!board) {
      board = { entries: [], nextSeq: 1 }
      boards.set(boardId, board)
    }
    return board
  }

  return {
    async load(boardId) {
      ensureOpen()
      // Copies out as well as in, so that a caller editing what it loaded cannot change the
      // stored log (the SQLite store hands out fresh buffers too).
      return (boards.get(boardId)?.entries ?? []).map(({ seq, update }) => ({ seq, update: update.slice() }))
    },

    async append(boardId, update) {
      ensureOpen()
      const board = boardOf(boardId)
      const seq = board.nextSeq++
      // Copying because callers might reuse the same buffer for the next update.
      board.entries.push({ seq, update: update.slice() })
      return seq
    },

    async compact(boardId, merged, upTo) {
      ensureOpen()
      const board = boardOf(boardId)
      board.entries = [{ seq: upTo, update: merged.slice() }, ...board.entries.filter((entry) => entry.seq > upTo)]
      board.nextSeq = Math.max(board.nextSeq, upTo + 1)
      return merged.byteLength
    },

    async size(boardId) {
      ensureOpen()
      const entries = boards.get(boardId)?.entries ?? []
      return { entries: entries.length, bytes: entries.reduce((sum, entry) => sum + entry.update.byteLength, 0) }
    },

    async saveSnapshot(boardId, meta, state) {
      ensureOpen()
      const list = snapshots.get(boardId) ?? []
      if (list.some((s) => s.meta.id === meta.id)) throw new StorageError('conflict', `version ${meta.id} exists`)
      const full: SnapshotMeta = { ...meta, bytes: state.byteLength }
      list.push({ meta: full, state: state.slice() })
      snapshots.set(boardId, list)
      return { ...full }
    },

    async listSnapshots(boardId) {
      ensureOpen()
      return (snapshots.get(boardId) ?? [])
        .map((s) => ({ ...s.meta }))
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
    },

    async loadSnapshot(boardId, id) {
      ensureOpen()
      return snapshots.get(boardId)?.find((s) => s.meta.id === id)?.state.slice()
    },

    async delete(boardId) {
      ensureOpen()
      boards.delete(boardId)
      snapshots.delete(boardId)
    },

    async close() {
      closed = true
      boards.clear()
    },
  }
}
