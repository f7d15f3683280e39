/**
 * Records of the document kept out of the store for what they point at (see references.ts),
 * each with the ids it waits for, so that a change to one of those ids checks it again: a
 * binding whose shape comes back, a parent loop that someone breaks.
 */
import type { TLRecord } from '@tldraw/tlschema'

export interface HeldRecords {
  readonly size: number
  has(id: string): boolean
  /** Holds `record` until one of `waitsFor` changes; replaces an older hold of the same id. */
  hold(record: TLRecord, waitsFor: readonly string[]): void
  /** Forgets the hold of `id` (the document has a new version of it, or none). */
  drop(id: string): void
  /** Takes out of the hold the records waiting for any of `ids`, and those waiting for them. */
  takeWaitingFor(ids: Iterable<string>): TLRecord[]
  /** True when a held record waits for `id`. */
  isAwaited(id: string): boolean
  clear(): void
}

export function createHeldRecords(): HeldRecords {
  const held = new Map<string, { record: TLRecord; waitsFor: readonly string[] }>()
  /** Awaited id -> ids of the held records waiting for it. */
  const waiting = new Map<string, Set<string>>()

  function drop(id: string): void {
    const entry = held.get(id)
    if (!entry) return
    held.delete(id)
    for (const awaited of entry.waitsFor) {
      const ids = waiting.get(awaited)
      ids?.delete(id)
      if (ids?.size === 0) waiting.delete(awaited)
    }
  }

  return {
    get size() {
      return held.size
    },
    has: (id) => held.has(id),
    hold(record, waitsFor) {
      drop(record.id)
      held.set(record.id, { record, waitsFor })
      for (const awaited of waitsFor) {
        let ids = waiting.get(awaited)
        if (!ids) waiting.set(awaited, (ids = new Set()))
        ids.add(record.id)
      }
    },
    drop,
    takeWaitingFor(ids) {
      const taken: TLRecord[] = []
      // A record taken out may be what others wait for (a binding to a shape held in a loop).
      const queue = [...ids]
      for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
        for (const waiter of [...(waiting.get(id) ?? [])]) {
          const entry = held.get(waiter)
          if (!entry) continue
          drop(waiter)
          taken.push(entry.record)
          queue.push(waiter)
        }
      }
      return taken
    },
    isAwaited: (id) => waiting.has(id),
    clear() {
      held.clear()
      waiting.clear()
    },
  }
}
