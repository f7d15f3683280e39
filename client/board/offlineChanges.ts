/**
 * Which of this device's changes the server has not yet confirmed as durably stored, counted
 * the way a person thinks of them: one per record (shape, page...) changed, however many
 * frames the edit took. Feeds "Offline: N changes not yet sent" and "All changes saved".
 *
 * When is a change stored? The server's `saved` notice carries the state vector of what it has
 * stored (appends commit in order). A local transaction that inserted anything advances our own
 * clock, and the server's state vector counts only content it has integrated; the deletions of
 * that transaction travelled in the same update. So such a change is stored once a notice
 * covers our clock after it.
 *
 * A transaction that only deleted (erasing a shape is one) advances no clock: a notice covering
 * our clock proves nothing, it may have left the server before the deletion arrived (on every
 * reconnection the server sends a notice before it reads our sync step 2). Such a change waits
 * for a probe: once it has been sent we send a sync step 1, which the server answers in order,
 * after it applied everything we sent before; the answer carries the server's whole delete set,
 * so we check that our deletions are in it (an update the server refused would not be). The
 * server then stores what it applied within milliseconds (group commit), and closes every
 * connection of the board if it cannot. So an applied deletion is confirmed by the next notice
 * after the answer, or, when no notice comes because the deletion changed nothing there
 * (someone, or YKeyValue's duplicate clean-up on another client, deleted the same item first),
 * once the connection has stayed open for a grace period. A notice sent in the few
 * milliseconds between the server applying the deletion and committing it would confirm it a
 * little early; even then nothing can be lost, as the deletion stays in this device's copy and
 * every sync step 2 carries the whole delete set again. (A `saved` notice saying which of this
 * connection's messages it covers would make this exact.) A lost connection voids probes and
 * their answers: the server may have restarted without the deletion; the next connection
 * re-sends it and probes again.
 *
 * Unconfirmed changes are also kept on the device (see offlinePersistence.ts), so that a tab
 * closed while offline still counts them when the board is opened again: a new session is a
 * new Yjs client id, so the clocks of earlier sessions on this device are remembered too.
 */
import * as Y from 'yjs'
import { DocKeys } from '../../shared/protocol.ts'
import { strokesMap } from '../../shared/docRecords.ts'

/** What is kept on the device between sessions. */
export type PendingChangesSnapshot = {
  version: 1
  /** This device's client ids on this board, each with the clock the server confirmed. */
  confirmed: [client: number, clock: number][]
  /** Changes not yet confirmed. */
  entries: { client: number; clock: number; deletionOnly: boolean; deleted: DeletedRange[]; keys: string[] }[]
}

/** Items deleted: `[client, clock, length]`. */
export type DeletedRange = [client: number, clock: number, length: number]
/** A delete set as Yjs decodes it (`Y.decodeUpdate(update).ds.clients`). */
export type DeleteSetClients = Map<number, readonly { clock: number; len: number }[]>

/** How long an applied deletion waits for a notice before the open connection vouches for it. */
export const DELETION_GRACE_MS = 1000

export interface PendingChangesOptions {
  /**
   * Sends a sync step 1 on the current connection and returns true, or returns false when
   * there is no open connection. Its answer must be reported with `probeAnswered`. Called
   * after the changes it is for have been handed to the connection.
   */
  sendProbe(): boolean
  /** The snapshot changed; keep it on the device. */
  persist?(snapshot: PendingChangesSnapshot): void
  /** Runs `fn` after `ms`; returns a cancel function. Defaults to setTimeout. */
  setTimer?(fn: () => void, ms: number): () => void
}

export interface PendingChanges {
  /** Changes (records) not yet confirmed as stored; 0 when everything is saved. */
  count(): number
  onChange(listener: () => void): () => void
  /** The server's `saved` notice: everything up to this state vector is stored. */
  saved(stored: Map<number, number>): void
  /** Everything local so far has been sent on the current connection (our sync step 2 is out). */
  sent(): void
  /** The answer to the probe sent last arrived, with the server's delete set. */
  probeAnswered(serverDeleted: DeleteSetClients): void
  /** The connection is gone: probes in flight and their answers no longer count. */
  disconnected(): void
  /** Takes back what earlier sessions on this device left unconfirmed. Call once, after the device's copy is in the doc. */
  restore(snapshot: unknown): void
  snapshot(): PendingChangesSnapshot
  dispose(): void
}

/**
 * none: not probed on this connection; sent: probe out; applied: the answer showed the deletion
 * on the server; durable: a notice came after that answer, or the grace period passed;
 * refused: the answer did not show it (probed again on the next connection).
 */
type ProbeState = 'none' | 'sent' | 'applied' | 'durable' | 'refused'

type Entry = {
  client: number
  /** Our clock after the change: covered by a notice means its inserts are stored. */
  clock: number
  /** Deleted only: needs an answered probe before a notice can confirm it. */
  deletionOnly: boolean
  /** What the deletion-only transactions among it deleted. */
  deleted: DeletedRange[]
  probe: ProbeState
  /** What changed: record ids (a stroke being drawn counts as its shape), and meta keys as `meta:<key>`. */
  keys: Set<string>
}

export function trackPendingChanges(doc: Y.Doc, opts: PendingChangesOptions): PendingChanges {
  const records = doc.getArray<unknown>(DocKeys.records)
  const strokes = strokesMap(doc)
  const meta = doc.getMap<unknown>(DocKeys.meta)
  const listeners = new Set<() => void>()
  let entries: Entry[] = []
  /** This device's client ids on this board and the clock the server confirmed for each. */
  const confirmed = new Map<number, number>([[doc.clientID, 0]])
  let lastSaved = new Map<number, number>()
  /** Our sync step 2 is out on the current connection: what we send now goes out in order. */
  let sentOnConnection = false
  let probeInFlight = false
  /** Bumped on every lost connection: a grace timer from an earlier one does nothing. */
  let connection = 0
  const timers = new Set<() => void>()
  const setTimer = opts.setTimer ?? ((fn: () => void, ms: number) => {
    const timer = setTimeout(fn, ms)
    return () => clearTimeout(timer)
  })
  let restored = false
  let disposed = false
  /** Keys touched by the local transaction being cleaned up (observers run before afterTransaction). */
  let collecting = new Set<string>()

  function changed(): void {
    if (disposed) return
    opts.persist?.(snapshot())
    for (const listener of listeners) listener()
  }

  function count(): number {
    if (entries.length === 0) return 0
    const keys = new Set<string>()
    for (const entry of entries) for (const key of entry.keys) keys.add(key)
    // Changes whose records are unknown (found on the device, see restore) still count as one.
    return Math.max(keys.size, 1)
  }

  function isConfirmed(entry: Entry): boolean {
    if ((lastSaved.get(entry.client) ?? 0) < entry.clock) return false
    return !entry.deletionOnly || entry.probe === 'durable'
  }

  /** Drops the confirmed entries and records how far each of our clients is confirmed. */
  function settle(): boolean {
    let dirty = false
    for (const [client, clock] of confirmed) {
      const stored = lastSaved.get(client) ?? 0
      if (stored > clock) {
        confirmed.set(client, stored)
        dirty = true
      }
    }
    const kept = entries.filter((entry) => !isConfirmed(entry))
    if (kept.length !== entries.length) {
      entries = kept
      dirty = true
    }
    return dirty
  }

  function maybeProbe(): void {
    if (!sentOnConnection || probeInFlight || disposed) return
    const waiting = entries.filter((entry) => entry.deletionOnly && entry.probe === 'none')
    if (waiting.length === 0) return
    if (!opts.sendProbe()) return
    probeInFlight = true
    for (const entry of waiting) entry.probe = 'sent'
  }

  function add(entry: Entry): void {
    const last = entries.at(-1)
    // Consecutive changes not yet probed merge into one entry (a stroke is one change, not
    // sixty): the merged entry waits for the stricter of the two conditions.
    if (last && last.client === entry.client && last.probe === 'none') {
      last.clock = Math.max(last.clock, entry.clock)
      last.deletionOnly = last.deletionOnly || entry.deletionOnly
      last.deleted.push(...entry.deleted)
      for (const key of entry.keys) last.keys.add(key)
    } else {
      entries.push(entry)
    }
    // Not now: this runs in afterTransaction, before the doc's 'update' event in which the
    // provider sends the change. The probe must follow the change on the wire.
    queueMicrotask(maybeProbe)
    changed()
  }

  const onRecords = (event: Y.YArrayEvent<unknown>) => {
    if (!event.transaction.local) return
    for (const item of [...event.changes.added, ...event.changes.deleted]) {
      for (const value of item.content.getContent()) {
        const key = (value as { key?: unknown } | null)?.key
        if (typeof key === 'string') collecting.add(key)
      }
    }
  }
  // A frame of a stroke being drawn changes only its Y.Text in the strokes map (see
  // shared/docRecords.ts): one change of its shape, like the frames of a drag.
  const onStrokes = (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction) => {
    if (!transaction.local) return
    for (const event of events) {
      if (event.target === strokes) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) collecting.add(key)
      else if (typeof event.path[0] === 'string') collecting.add(event.path[0])
    }
  }
  const onMeta = (event: Y.YMapEvent<unknown>) => {
    if (!event.transaction.local) return
    for (const key of event.keysChanged) collecting.add(`meta:${key}`)
  }
  const onAfterTransaction = (transaction: Y.Transaction) => {
    const keys = collecting
    collecting = new Set()
    if (!transaction.local || disposed) return
    const client = doc.clientID
    const before = transaction.beforeState.get(client) ?? 0
    const after = transaction.afterState.get(client) ?? 0
    const deleted = transaction.deleteSet.clients.size > 0
    if (after === before && !deleted) return
    const deletionOnly = after === before
    const ranges: DeletedRange[] = []
    if (deletionOnly) {
      for (const [owner, items] of transaction.deleteSet.clients) {
        for (const item of items) ranges.push([owner, item.clock, item.len])
      }
    }
    add({ client, clock: after, deletionOnly, deleted: ranges, probe: 'none', keys })
  }
  records.observe(onRecords)
  strokes.observeDeep(onStrokes)
  meta.observe(onMeta)
  doc.on('afterTransaction', onAfterTransaction)

  function snapshot(): PendingChangesSnapshot {
    return {
      version: 1,
      confirmed: [...confirmed],
      entries: entries.map((e) => ({
        client: e.client,
        clock: e.clock,
        deletionOnly: e.deletionOnly,
        deleted: e.deleted,
        keys: [...e.keys],
      })),
    }
  }

  return {
    count,
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    saved(stored) {
      lastSaved = stored
      // This notice left the server after the answers already received.
      for (const entry of entries) if (entry.probe === 'applied') entry.probe = 'durable'
      if (settle()) changed()
    },
    sent() {
      sentOnConnection = true
      maybeProbe()
    },
    probeAnswered(serverDeleted) {
      probeInFlight = false
      const applied: Entry[] = []
      for (const entry of entries) {
        if (entry.probe !== 'sent') continue
        entry.probe = rangesDeleted(entry.deleted, serverDeleted) ? 'applied' : 'refused'
        if (entry.probe === 'applied') applied.push(entry)
      }
      if (applied.length > 0) {
        const answeredOn = connection
        const cancel = setTimer(() => {
          timers.delete(cancel)
          if (disposed || connection !== answeredOn) return
          for (const entry of applied) if (entry.probe === 'applied') entry.probe = 'durable'
          if (settle()) changed()
        }, DELETION_GRACE_MS)
        timers.add(cancel)
      }
      maybeProbe()
    },
    disconnected() {
      connection++
      sentOnConnection = false
      probeInFlight = false
      for (const entry of entries) entry.probe = 'none'
    },
    restore(value) {
      if (restored || disposed) return
      restored = true
      const earlier = parseSnapshot(value)
      if (!earlier) {
        changed()
        return
      }
      const clockOf = (client: number) => Y.getState(doc.store, client)
      const found: Entry[] = []
      for (const e of earlier.entries) {
        if (e.client === doc.clientID) continue
        // What the device's copy does not hold cannot be sent: count only what is there.
        const clock = Math.min(e.clock, clockOf(e.client))
        if (clock === 0 && !e.deletionOnly) continue
        found.push({ client: e.client, clock, deletionOnly: e.deletionOnly, deleted: e.deleted, probe: 'none', keys: new Set(e.keys) })
      }
      for (const [client, clock] of earlier.confirmed) {
        if (client === doc.clientID) continue
        const held = clockOf(client)
        const pending = found.some((e) => e.client === client)
        // A session whose content is all confirmed no longer matters.
        if (held <= clock && !pending) continue
        confirmed.set(client, Math.max(clock, confirmed.get(client) ?? 0))
        // Content the device holds beyond what was confirmed, whose entry was not kept (the tab
        // closed between the two writes): unsent, even if we cannot say which records it touched.
        if (held > clock && !found.some((e) => e.client === client && e.clock >= held)) {
          found.push({ client, clock: held, deletionOnly: false, deleted: [], probe: 'none', keys: new Set() })
        }
      }
      // Earlier sessions' changes come before this session's.
      entries = [...found, ...entries]
      settle()
      maybeProbe()
      changed()
    },
    snapshot,
    dispose() {
      if (disposed) return
      disposed = true
      for (const cancel of timers) cancel()
      timers.clear()
      records.unobserve(onRecords)
      strokes.unobserveDeep(onStrokes)
      meta.unobserve(onMeta)
      doc.off('afterTransaction', onAfterTransaction)
      listeners.clear()
    },
  }
}

/** Reads a snapshot kept on the device; anything malformed counts as none. */
export function parseSnapshot(value: unknown): PendingChangesSnapshot | null {
  let parsed: unknown = value
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value)
    } catch {
      return null
    }
  }
  if (typeof parsed !== 'object' || parsed === null) return null
  const { version, confirmed, entries } = parsed as Partial<Record<keyof PendingChangesSnapshot, unknown>>
  if (version !== 1 || !Array.isArray(confirmed) || !Array.isArray(entries)) return null
  const isClock = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0
  const out: PendingChangesSnapshot = { version: 1, confirmed: [], entries: [] }
  for (const pair of confirmed) {
    if (Array.isArray(pair) && isClock(pair[0]) && isClock(pair[1])) out.confirmed.push([pair[0], pair[1]])
  }
  for (const e of entries) {
    if (typeof e !== 'object' || e === null) continue
    const { client, clock, deletionOnly, deleted, keys } = e as Record<string, unknown>
    if (!isClock(client) || !isClock(clock) || typeof deletionOnly !== 'boolean' || !Array.isArray(keys) || !Array.isArray(deleted)) continue
    const ranges: DeletedRange[] = []
    for (const range of deleted) {
      if (Array.isArray(range) && isClock(range[0]) && isClock(range[1]) && isClock(range[2])) ranges.push([range[0], range[1], range[2]])
    }
    out.entries.push({ client, clock, deletionOnly, deleted: ranges, keys: keys.filter((k): k is string => typeof k === 'string') })
  }
  return out
}

/** True when every item of `ranges` is deleted in `deleteSet`. */
export function rangesDeleted(ranges: readonly DeletedRange[], deleteSet: DeleteSetClients): boolean {
  const sorted = new Map<number, { clock: number; len: number }[]>()
  for (const [client, clock, length] of ranges) {
    let items = sorted.get(client)
    if (!items) {
      items = [...(deleteSet.get(client) ?? [])].sort((a, b) => a.clock - b.clock)
      sorted.set(client, items)
    }
    const end = clock + length
    let at = clock
    for (const item of items) {
      if (item.clock > at) break
      at = Math.max(at, item.clock + item.len)
      if (at >= end) break
    }
    if (at < end) return false
  }
  return true
}
