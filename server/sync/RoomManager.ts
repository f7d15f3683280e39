/**
 * Loads each board once, however many clients arrive together (they share one promise), and
 * unloads it a grace period after its last connection left, once its state is flushed. A
 * board whose flush fails stays loaded (and is retried), so nothing accepted is dropped.
 */
import type { Limits } from '../../shared/limits.ts'
import type { DocumentStore } from '../storage/DocumentStore.ts'
import type { Log } from '../log.ts'
import type { BoardSettings } from '../../shared/session.ts'
import { Room } from './Room.ts'

type Entry = {
  loading: Promise<Room>
  room?: Room
  unloadTimer?: ReturnType<typeof setTimeout>
  /** Set while the room flushes before unloading; a new arrival waits for it, then reloads. */
  unloading?: Promise<void>
}

export type RoomManagerOptions = {
  store: DocumentStore
  log: Log
  limits: Limits
  /** The board's settings (lock, title, groups, notice), read when it loads. */
  loadSettings?: (boardId: string) => Promise<BoardSettings | undefined>
}

export type RoomManager = ReturnType<typeof createRoomManager>

export function createRoomManager({ store, log, limits, loadSettings }: RoomManagerOptions) {
  const entries = new Map<string, Entry>()
  let loads = 0
  let closed = false

  async function acquire(boardId: string): Promise<Room> {
    if (closed) throw new Error('server is shutting down')
    const existing = entries.get(boardId)
    if (existing) {
      if (existing.unloading) {
        await existing.unloading
        return acquire(boardId)
      }
      clearTimeout(existing.unloadTimer)
      existing.unloadTimer = undefined
      return existing.loading
    }
    const entry: Entry = {
      loading: (async () => {
        loads += 1
        const settings = await loadSettings?.(boardId)
        return Room.load({ boardId, store, log, limits, ...(settings ? { settings } : {}), onStorageFailure: drop })
      })(),
    }
    entries.set(boardId, entry)
    try {
      entry.room = await entry.loading
    } catch (error) {
      // A failed load must not stick: the next arrival tries again.
      if (entries.get(boardId) === entry) entries.delete(boardId)
      throw error
    }
    return entry.room
  }

  /** Forgets a room at once (its storage failed); the next arrival reloads from storage. */
  function drop(room: Room): void {
    const entry = entries.get(room.boardId)
    if (entry?.room !== room) return
    clearTimeout(entry.unloadTimer)
    entries.delete(room.boardId)
    setImmediate(() => room.destroy())
  }

  /** Called when a connection left a room; schedules the unload when it was the last. */
  function release(room: Room): void {
    const entry = entries.get(room.boardId)
    if (!entry || entry.room !== room || room.size > 0 || entry.unloadTimer || closed) return
    entry.unloadTimer = setTimeout(() => void unload(room.boardId), limits.unloadGraceSeconds * 1000)
  }

  async function unload(boardId: string): Promise<void> {
    const entry = entries.get(boardId)
    const room = entry?.room
    if (!entry || !room || room.size > 0) return
    entry.unloadTimer = undefined
    entry.unloading = (async () => {
      try {
        // The last person left: keep this moment as a version (when anything changed).
        await room.saveVersion('', true).catch(() => undefined)
        await room.compact()
        await room.flush()
      } catch (error) {
        log.error({ board: boardId, err: error }, 'flush before unload failed; board stays loaded')
        entry.unloading = undefined
        release(room)
        return
      }
      if (room.size > 0) {
        // Someone arrived while we flushed; stay.
        entry.unloading = undefined
        return
      }
      entries.delete(boardId)
      room.destroy()
      log.debug({ board: boardId }, 'board unloaded')
    })()
    await entry.unloading
  }

  /** The loaded room of a board, if any (for lock changes and deletes). */
  function loaded(boardId: string): Room | undefined {
    return entries.get(boardId)?.room
  }

  /** Flushes, compacts and destroys every room. Safe to call twice. */
  async function closeAll(): Promise<void> {
    closed = true
    const rooms = [...entries.values()]
    await Promise.all(
      rooms.map(async (entry) => {
        clearTimeout(entry.unloadTimer)
        const room = await entry.loading.catch(() => undefined)
        if (!room) return
        try {
          await room.flush()
          // Its state as one compressed entry, as when a board unloads: the next start loads it
          // at once rather than replaying the session's updates.
          await room.compact()
        } catch (error) {
          log.error({ board: room.boardId, err: error }, 'saving on shutdown failed')
        }
        room.destroy()
      }),
    )
    entries.clear()
  }

  /** Forgets a deleted board's room without flushing it. */
  function discard(boardId: string): void {
    const entry = entries.get(boardId)
    if (!entry) return
    clearTimeout(entry.unloadTimer)
    entries.delete(boardId)
    entry.room?.destroy()
  }

  return {
    acquire,
    release,
    unload,
    loaded,
    discard,
    closeAll,
    stats: () => ({ loads, loaded: entries.size }),
  }
}
