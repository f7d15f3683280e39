/**
 * Opening a board starts as soon as the entry script knows the route: the board's info request
 * and the connection (with the Yjs document it fills) go out while the board's code is still
 * loading, instead of one after the other once it has. The connection comes with its own small
 * chunk (yjs and the provider), so it is open, and the board's records are arriving, long before
 * the editor's code has loaded. BoardPage takes the info for its first check, LiveBoard takes
 * the connection; whatever is not taken is closed (a wrong link, a board not found, a new key).
 *
 * Only the entry imports this, so it imports nothing heavy: the connection module is loaded with
 * a dynamic import.
 */
import type { BoardInfoResponse } from '../../shared/api.ts'
import { isBoardId, keyFromHash } from '../../shared/ids.ts'
import { getBoard } from '../api.ts'
import type { BoardConnection } from './boardConnection.ts'

export type BoardPrefetch = {
  boardId: string
  key: string
  /** The board's info, asked for with the link's key. */
  info: Promise<BoardInfoResponse>
  /**
   * Hands the connection over, once: the caller owns it from then on. Null when it is not there
   * yet, was already taken, or is for another board or key; it is then closed if it ever comes.
   */
  takeConnection(boardId: string, key: string): BoardConnection | null
  /** Closes the connection unless it was taken. Safe to call twice. */
  release(): void
}

/** Starts opening the board of `boardId` with the key in the URL fragment `hash`; null for a malformed link. */
export function prefetchBoard(boardId: string, hash: string): BoardPrefetch | null {
  if (!isBoardId(boardId)) return null
  const key = keyFromHash(hash)
  if (!key) return null
  const info = getBoard(boardId, key)
  // BoardPage reads the outcome, failures included, once its code has loaded.
  info.catch(() => undefined)

  let connection: BoardConnection | null = null
  let settled = false
  import('./boardConnection.ts').then(
    ({ connectBoard }) => {
      if (!settled) connection = connectBoard({ boardId, key })
    },
    (error: unknown) => {
      // LiveBoard connects by itself once its code (which includes this module) has loaded.
      console.warn('Could not load the connection early', error)
    },
  )

  function release() {
    settled = true
    connection?.destroy()
    connection = null
  }

  return {
    boardId,
    key,
    info,
    takeConnection(forBoard, forKey) {
      if (settled || !connection || forBoard !== boardId || forKey !== key) {
        release()
        return null
      }
      const taken = connection
      settled = true
      connection = null
      return taken
    },
    release,
  }
}
