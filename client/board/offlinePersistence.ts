/**
 * The device's copy of a board: its Y.Doc kept in IndexedDB by y-indexeddb, under
 * `codesign:<boardId>`, so that work done offline survives closing the tab and is sent when the
 * board is opened again with the server reachable (Yjs merges it with whatever the board became
 * meanwhile). Next to it, in the same database, the record of which local changes the server has
 * not confirmed yet (offlineChanges.ts), so the count survives the tab too.
 *
 * Leaving the board (or, later, logging out) leaves the copy on the device; it is erased only
 * when the board itself is deleted (`erase`). Where IndexedDB is missing or broken the board
 * still works, only without a copy.
 */
import type * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { DocKeys } from '../../shared/protocol.ts'

/** Key of the pending-changes snapshot in y-indexeddb's `custom` store. */
const PENDING_KEY = 'pendingChanges'
/** Past this, a device copy that has not loaded is given up on (the board is shown without it). */
const LOAD_TIMEOUT_MS = 10_000

export function deviceCopyName(boardId: string): string {
  return `codesign:${boardId}`
}

export interface DeviceCopy {
  /**
   * Resolves once the device's copy has been applied to the doc (or there is none, or it failed):
   * true when it held records of this board.
   */
  readonly loaded: Promise<boolean>
  /** The pending-changes snapshot kept by an earlier session, or undefined. */
  loadPending(): Promise<unknown>
  savePending(snapshot: unknown): void
  /** Stops writing; what was written stays. */
  destroy(): void
  /** Stops writing and deletes the copy from the device (the board was deleted). */
  erase(): Promise<void>
}

export function openDeviceCopy(boardId: string, doc: Y.Doc): DeviceCopy {
  if (typeof indexedDB === 'undefined') {
    return {
      loaded: Promise.resolve(false),
      loadPending: () => Promise.resolve(undefined),
      savePending() {},
      destroy() {},
      erase: () => Promise.resolve(),
    }
  }
  const persistence = new IndexeddbPersistence(deviceCopyName(boardId), doc)
  let available = true
  let destroyed = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const failed = persistence._db.then(
    () => new Promise<never>(() => {}),
    (error: unknown) => {
      // Private browsing in some browsers, storage disabled, quota: work without a copy.
      available = false
      console.warn('This board cannot be kept on this device', error)
      return false
    },
  )
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), LOAD_TIMEOUT_MS)
  })
  const loaded = Promise.race([
    persistence.whenSynced.then(() => doc.getArray(DocKeys.records).length > 0),
    failed,
    timedOut,
  ]).finally(() => clearTimeout(timer))

  return {
    loaded,
    async loadPending() {
      if (!available || destroyed) return undefined
      try {
        return (await persistence.get(PENDING_KEY)) as unknown
      } catch {
        return undefined
      }
    },
    savePending(snapshot) {
      if (!available || destroyed) return
      persistence.set(PENDING_KEY, JSON.stringify(snapshot)).catch((error: unknown) => {
        console.warn('Could not keep the list of unsent changes on this device', error)
      })
    },
    destroy() {
      if (destroyed) return
      destroyed = true
      clearTimeout(timer)
      // Closes the database once the writes already started have completed.
      persistence.destroy().catch(() => {})
    },
    async erase() {
      destroyed = true
      clearTimeout(timer)
      if (!available) return
      try {
        await persistence.clearData()
      } catch (error) {
        console.warn('Could not erase this board from this device', error)
      }
    },
  }
}
