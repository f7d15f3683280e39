/**
 * One loaded board: its Y.Doc, awareness and connections. Speaks the y-websocket protocol
 * over a minimal socket interface (so it knows nothing of `ws`), persists every update it
 * accepts through the document store, and tells clients what is durably saved.
 */
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { canEdit, type Role } from '../../shared/roles.ts'
import { CloseCode } from '../../shared/protocol.ts'
import type { BoardSettings, BoardState } from '../../shared/session.ts'
import type { Limits } from '../../shared/limits.ts'
import type { DocumentStore } from '../storage/DocumentStore.ts'
import type { Log } from '../log.ts'
import { guardSession, type SessionGuard } from './sessionGuard.ts'
import { addRecords, docFromState, readRecords, replaceRecords, type StoredRecord } from './boardDocument.ts'
import type { SnapshotMeta } from '../storage/DocumentStore.ts'
import {
  assertDecodableUpdate,
  decodeAwarenessEntries,
  encodeAwarenessEntries,
  BadMessageError,
  decodeClientMessage,
  encodeAwareness,
  encodeBoardState,
  encodePermissionDenied,
  encodeServerTime,
  encodeSaved,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
} from './codec.ts'

/** What the room needs of a socket. `ws` satisfies it; tests could pass anything alike. */
export interface RoomSocket {
  send(data: Uint8Array): void
  close(code: number, reason: string): void
  readonly bufferedAmount: number
}

export type RoomConnection = {
  readonly id: string
  readonly socket: RoomSocket
  role: Role
  /** Awareness client ids this connection announced; it may speak only for these. */
  readonly clientIds: Set<number>
  /** Bytes of the initial state sent to it: allowed in its send buffer on top of the bound. */
  initialSyncBytes?: number
}

export type RoomOptions = {
  boardId: string
  store: DocumentStore
  log: Log
  limits: Limits
  /** The board's settings when it loads (lock, title, groups, notice). */
  settings?: BoardSettings
  /** Called once when an update fails to store: the manager drops the room (see persist). */
  onStorageFailure?: (room: Room) => void
}

/** Origin of the transaction that applies the stored state, so it is not stored again. */
const LOAD_ORIGIN = Symbol('load')
/** A connection may speak for a few awareness ids (a tab reloading keeps an old id briefly). */
const MAX_CLIENT_IDS_PER_CONNECTION = 4
/**
 * A claim on a client id lapses when its connection has not spoken for it this long (clients
 * renew their presence every 15 s), so a stray echo cannot lock a returning person out.
 */
const OWNERSHIP_LAPSE_MS = 30_000
/** Every connection hears from the server this often, so y-websocket's 30 s watchdog never
 * mistakes a quiet board (one person, nobody else moving) for a dead connection. */
const KEEPALIVE_MS = 10_000
/** "Saved" notices are coalesced: clients only need to know, not every few milliseconds. */
const SAVED_NOTICE_INTERVAL_MS = 100
/** While people edit, a version is saved automatically this often. */
const AUTO_VERSION_MS = 5 * 60_000
/** Origin of a restore: a server-side change, trusted like the stored state. */
const RESTORE_ORIGIN = Symbol('restore')
/** Presence changes are sent out at most this often (cursors at 20 Hz stay smooth). */
const PRESENCE_TICK_MS = 40
/** Compact after this many log entries even when they are small. */
const COMPACTION_MAX_ENTRIES = 2000

export class Room {
  readonly boardId: string
  readonly doc = new Y.Doc()
  readonly awareness: awarenessProtocol.Awareness
  private settings: BoardSettings

  private readonly store: DocumentStore
  private readonly log: Log
  private readonly limits: Limits
  private readonly onStorageFailure: ((room: Room) => void) | undefined
  private readonly connections = new Map<string, RoomConnection>()
  private readonly inflight = new Set<Promise<unknown>>()
  private readonly owners = new Map<number, { conn: RoomConnection; lastSeen: number }>()
  private readonly pendingPresence = new Set<number>()
  private readonly pendingPresenceOrigins = new Set<unknown>()
  private presenceTimer: ReturnType<typeof setTimeout> | undefined
  private readonly keepalive: ReturnType<typeof setInterval>
  private guard: SessionGuard | undefined
  private lastCommittedSeq = 0
  private savedStateVector: Uint8Array = new Uint8Array([0])
  private savedNoticeTimer: ReturnType<typeof setTimeout> | undefined
  /** Committed to the log since the last compaction (what compaction will replace). */
  private logBytesSinceCompaction = 0
  private logEntriesSinceCompaction = 0
  /** Accepted and not committed yet: counted against the size limit already. */
  private uncommittedBytes = 0
  /** The last compacted state's size as a Yjs update (what the size limit counts)... */
  private compactedBytes = 0
  /** ...and as stored (compressed), for the compaction policy. */
  private compactedStoredBytes = 0
  private compacting: Promise<void> | undefined
  private storageFailed = false
  /** Whether the document changed since the last version was saved. */
  private changedSinceVersion = false
  private lastVersionAt = Date.now()
  private versioning: Promise<SnapshotMeta | undefined> | undefined
  private destroyed = false
  /** Sync step 2 for an empty state vector, until the document changes (see syncStep2For). */
  private fullSyncStep2: Uint8Array | undefined

  private constructor(options: RoomOptions) {
    this.boardId = options.boardId
    this.store = options.store
    this.log = options.log
    this.limits = options.limits
    this.settings = options.settings ?? { title: '', groups: [], notice: '', locked: false }
    this.onStorageFailure = options.onStorageFailure
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    // The server has no presence of its own.
    this.awareness.setLocalState(null)
    this.keepalive = setInterval(() => {
      const saved = encodeSaved(this.savedStateVector)
      const time = encodeServerTime(Date.now())
      for (const conn of this.connections.values()) {
        this.send(conn, saved)
        this.send(conn, time)
      }
    }, KEEPALIVE_MS)
    this.keepalive.unref?.()
  }

  /** Loads the stored state before anyone is answered: a room exists only once loaded. */
  static async load(options: RoomOptions): Promise<Room> {
    const room = new Room(options)
    const entries = await options.store.load(options.boardId)
    Y.transact(
      room.doc,
      () => {
        for (const entry of entries) Y.applyUpdate(room.doc, entry.update, LOAD_ORIGIN)
      },
      LOAD_ORIGIN,
    )
    for (const entry of entries) {
      room.lastCommittedSeq = Math.max(room.lastCommittedSeq, entry.seq)
      room.compactedBytes += entry.update.byteLength
    }
    // Until the first compaction, as if stored uncompressed: compacts sooner, never later.
    room.compactedStoredBytes = room.compactedBytes
    room.savedStateVector = Y.encodeStateVector(room.doc)
    // Only a facilitator's connection may run the session (vote, timer); anyone else's change
    // to it is written back. Server-side origins (load, restore) are trusted.
    room.guard = guardSession(room.doc, (origin) => !isConnection(origin) || origin.role === 'facilitator')
    room.doc.on('update', room.onDocUpdate)
    room.awareness.on('update', room.onAwarenessUpdate)
    options.log.debug({ board: options.boardId, entries: entries.length }, 'board loaded')
    return room
  }

  get locked(): boolean {
    return this.settings.locked
  }

  /** New settings from the facilitator: enforced from the next message, pushed to everyone. */
  applySettings(settings: BoardSettings): void {
    const unlocked = this.settings.locked && !settings.locked
    this.settings = settings
    for (const conn of this.connections.values()) {
      this.send(conn, this.boardStateFor(conn))
      // Edits dropped while locked (in flight when the lock came) are still in the client, and
      // its later updates depend on them: without them they would wait forever. Asking for
      // its state makes the client send them again, now that they are allowed.
      if (unlocked && this.canWrite(conn)) this.send(conn, encodeSyncStep1(this.doc))
    }
  }

  /** Disconnects every connection of a role (its link was replaced). */
  closeRole(role: Role, code: number, reason: string): void {
    for (const conn of this.connections.values()) if (conn.role === role) conn.socket.close(code, reason)
  }

  private boardStateFor(conn: RoomConnection): Uint8Array {
    const state: BoardState = { ...this.settings, role: conn.role }
    return encodeBoardState(JSON.stringify(state))
  }

  get size(): number {
    return this.connections.size
  }

  /** The board's size for its limit: its compacted state plus its log, uncompressed. */
  get storedBytes(): number {
    return this.compactedBytes + this.logBytesSinceCompaction + this.uncommittedBytes
  }

  /** Registers a connection and starts the sync: our state vector, everyone's presence. */
  addConnection(conn: RoomConnection): void {
    this.connections.set(conn.id, conn)
    this.send(conn, this.boardStateFor(conn))
    this.send(conn, encodeServerTime(Date.now()))
    this.send(conn, encodeSyncStep1(this.doc))
    const states = this.awareness.getStates()
    if (states.size > 0) {
      this.send(conn, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])))
    }
    this.send(conn, encodeSaved(this.savedStateVector))
  }

  removeConnection(conn: RoomConnection): void {
    if (!this.connections.delete(conn.id)) return
    const owned = [...conn.clientIds].filter((id) => this.owners.get(id)?.conn === conn)
    for (const id of owned) this.owners.delete(id)
    if (owned.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, owned, conn)
  }

  /** Whether a connection may change the document right now (role and lock, checked per message). */
  canWrite(conn: RoomConnection): boolean {
    if (!canEdit(conn.role)) return false
    return conn.role === 'facilitator' || !this.locked
  }

  /** Handles one frame. Throws BadMessageError for frames the caller should close on. */
  handleMessage(conn: RoomConnection, data: Uint8Array): void {
    if (this.destroyed) return
    const message = decodeClientMessage(data)
    switch (message.type) {
      case 'syncStep1': {
        const reply = this.syncStep2For(message.stateVector)
        conn.initialSyncBytes = Math.max(conn.initialSyncBytes ?? 0, reply.byteLength)
        this.send(conn, reply)
        return
      }
      case 'syncStep2':
      case 'update':
        this.applyClientUpdate(conn, message.update)
        return
      case 'awareness':
        this.applyClientAwareness(conn, message.update)
        return
      case 'queryAwareness':
        this.send(
          conn,
          encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])),
        )
        return
      case 'auth':
        return
      default: {
        const exhaustive: never = message
        throw new BadMessageError(`unhandled message ${JSON.stringify(exhaustive)}`)
      }
    }
  }

  /**
   * The reply to a client's state vector. Most joining clients have nothing yet (an empty
   * vector): they all get the same bytes, encoded once per change of the document rather than
   * once per person (a room of 200 joining at once would otherwise encode the board 200 times).
   */
  private syncStep2For(stateVector: Uint8Array): Uint8Array {
    const empty = stateVector.byteLength === 1 && stateVector[0] === 0
    if (!empty) return encodeSyncStep2(this.doc, stateVector)
    this.fullSyncStep2 ??= encodeSyncStep2(this.doc, stateVector)
    return this.fullSyncStep2
  }

  private applyClientUpdate(conn: RoomConnection, update: Uint8Array): void {
    if (!this.canWrite(conn)) {
      // Read-only connections keep receiving; what they send is dropped, never stored or forwarded.
      this.send(conn, encodePermissionDenied(this.locked ? 'locked' : 'read-only'))
      return
    }
    // An empty update (a joining client with nothing new: [0, 0]) is always fine, so a board
    // at its limit can still be opened and read.
    const empty = update.byteLength <= 2 && update.every((b) => b === 0)
    if (!empty && this.storedBytes + update.byteLength > this.limits.maxBoardBytes) {
      this.log.warn({ board: this.boardId, conn: conn.id, bytes: this.storedBytes }, 'board size limit reached')
      conn.socket.close(CloseCode.boardTooLarge, 'board too large')
      return
    }
    // Decode it whole first: Yjs applies a delete set while reading it, so garbage there would
    // otherwise leave half an update applied (and stored) before the error surfaced.
    assertDecodableUpdate(update)
    try {
      Y.applyUpdate(this.doc, update, conn)
    } catch (error) {
      throw new BadMessageError('update could not be applied', { cause: error })
    }
  }

  private applyClientAwareness(conn: RoomConnection, update: Uint8Array): void {
    if (update.byteLength > this.limits.maxAwarenessBytes) {
      // Presence is ephemeral: dropping an oversized one loses nothing anyone wrote.
      this.log.warn({ board: this.boardId, conn: conn.id, bytes: update.byteLength }, 'oversized awareness dropped')
      return
    }
    const entries = decodeAwarenessEntries(update)
    const now = Date.now()
    const kept = entries.filter((entry) => this.claim(conn, entry.clientId, entry.state === 'null', now))
    if (kept.length === 0) return
    let changed = kept.length !== entries.length
    for (const entry of kept) {
      const stamped = this.stampPresence(conn, entry.state, entry.value)
      if (stamped !== entry.state) {
        entry.state = stamped
        changed = true
      }
    }
    // Unchanged bytes when everything was ours and already right (the common case).
    const accepted = changed ? encodeAwarenessEntries(kept) : update
    awarenessProtocol.applyAwarenessUpdate(this.awareness, accepted, conn)
  }

  /**
   * The role in a presence is the server's word, not the client's: nobody can pass for the
   * facilitator in the participants panel, and only a facilitator can lead ("bring everyone
   * here"). Returns the same string when nothing needed changing.
   */
  private stampPresence(conn: RoomConnection, state: string, parsed: unknown): string {
    if (state === 'null') return state
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return JSON.stringify({ role: conn.role })
    const presence = parsed as Record<string, unknown>
    const mayLead = conn.role === 'facilitator'
    if (presence.role === conn.role && (mayLead || presence.leading === undefined)) return state
    presence.role = conn.role
    if (!mayLead) delete presence.leading
    return JSON.stringify(presence)
  }

  /**
   * Whether `conn` may speak for `clientId`, claiming it when free. Entries for ids another
   * live connection speaks for are dropped: spoofing, or (from stock y-websocket clients)
   * echoes of what the server just sent them. Only the owner may remove a presence.
   */
  private claim(conn: RoomConnection, clientId: number, removal: boolean, now: number): boolean {
    const owner = this.owners.get(clientId)
    if (owner?.conn === conn) {
      owner.lastSeen = now
      return true
    }
    if (removal) return false
    if (owner && this.connections.has(owner.conn.id) && now - owner.lastSeen < OWNERSHIP_LAPSE_MS) {
      this.log.debug({ board: this.boardId, conn: conn.id }, 'awareness entry for another connection dropped')
      return false
    }
    if (conn.clientIds.size >= MAX_CLIENT_IDS_PER_CONNECTION) {
      // Forget lapsed claims before refusing.
      for (const id of conn.clientIds) if (this.owners.get(id)?.conn !== conn) conn.clientIds.delete(id)
      if (conn.clientIds.size >= MAX_CLIENT_IDS_PER_CONNECTION) {
        this.log.warn({ board: this.boardId, conn: conn.id }, 'awareness for too many client ids dropped')
        return false
      }
    }
    if (owner) owner.conn.clientIds.delete(clientId)
    this.owners.set(clientId, { conn, lastSeen: now })
    conn.clientIds.add(clientId)
    return true
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.fullSyncStep2 = undefined
    // Encode once, send to every other connection.
    const message = encodeUpdate(update)
    for (const conn of this.connections.values()) {
      if (conn !== origin) this.send(conn, message)
    }
    this.persist(update)
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    for (const id of added) this.pendingPresence.add(id)
    for (const id of updated) this.pendingPresence.add(id)
    for (const id of removed) this.pendingPresence.add(id)
    this.pendingPresenceOrigins.add(origin)
    this.presenceTimer ??= setTimeout(this.flushPresence, PRESENCE_TICK_MS)
  }

  /**
   * Presence is coalesced per tick: one message with every state that changed, encoded once
   * and sent to everyone, instead of one message per cursor move per person (with 30 people
   * moving on a 200-person board that is 20 messages a second each instead of 600).
   */
  private readonly flushPresence = (): void => {
    this.presenceTimer = undefined
    if (this.destroyed || this.pendingPresence.size === 0) return
    const changed = [...this.pendingPresence]
    // When one connection caused every change of the tick, it need not hear them back.
    const only = this.pendingPresenceOrigins.size === 1 ? [...this.pendingPresenceOrigins][0] : undefined
    this.pendingPresence.clear()
    this.pendingPresenceOrigins.clear()
    const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    for (const conn of this.connections.values()) {
      if (conn !== only) this.send(conn, message)
    }
  }

  private persist(update: Uint8Array): void {
    // The state vector after this update: once its append commits, everything up to it is
    // durable, because appends commit in order.
    const stateVector = Y.encodeStateVector(this.doc)
    // Counted in the log only once committed: a compaction replaces committed entries only,
    // and counting a commit window's worth of updates still in flight as compacted would
    // leave the log that much larger than the policy believes.
    this.uncommittedBytes += update.byteLength
    this.changedSinceVersion = true
    const append = this.store.append(this.boardId, update).then(
      (seq) => {
        this.uncommittedBytes -= update.byteLength
        this.logBytesSinceCompaction += update.byteLength
        this.logEntriesSinceCompaction += 1
        if (Date.now() - this.lastVersionAt > AUTO_VERSION_MS) void this.saveVersion('', true)
        this.lastCommittedSeq = Math.max(this.lastCommittedSeq, seq)
        this.savedStateVector = stateVector
        this.log.debug({ board: this.boardId, seq, sv: Buffer.from(stateVector).toString('base64') }, 'committed')
        this.scheduleSavedNotice()
        this.maybeCompact()
      },
      (error: unknown) => {
        this.uncommittedBytes -= update.byteLength
        // Nothing is lost: clients still hold the update. The room is dropped and its clients
        // disconnected so that, once they reconnect to the board reloaded from storage, their
        // sync step 2 stores it again (a room that stayed loaded would already "have" it).
        if (this.storageFailed) return
        this.storageFailed = true
        this.log.error({ board: this.boardId, err: error }, 'storing an update failed; disconnecting clients')
        this.onStorageFailure?.(this)
        for (const conn of this.connections.values()) conn.socket.close(CloseCode.serverError, 'storage error')
      },
    )
    this.inflight.add(append)
    void append.finally(() => this.inflight.delete(append))
  }

  private scheduleSavedNotice(): void {
    if (this.savedNoticeTimer || this.destroyed) return
    this.savedNoticeTimer = setTimeout(() => {
      this.savedNoticeTimer = undefined
      const message = encodeSaved(this.savedStateVector)
      for (const conn of this.connections.values()) this.send(conn, message)
    }, SAVED_NOTICE_INTERVAL_MS)
  }

  private maybeCompact(): void {
    if (this.compacting || this.destroyed) return
    // The stored document (compressed state plus log) may grow to the state's own size, or to
    // 1.5x where the state hardly compresses. Compaction writes the compressed state, so with
    // the usual 10-20x compression the log may run to almost a whole state between two
    // compactions, and they cost little: the bytes written stay close to the edits' own.
    const threshold = Math.max(
      this.limits.compactionMinBytes,
      this.compactedBytes / 2,
      this.compactedBytes - this.compactedStoredBytes,
    )
    const grown =
      this.logBytesSinceCompaction > threshold ||
      this.logEntriesSinceCompaction > COMPACTION_MAX_ENTRIES
    if (grown) void this.compact()
  }

  /**
   * Replaces the stored log up to the last committed entry by the document's current state.
   * The state may contain later updates still in flight; they are idempotent when the log
   * replays them on top, so nothing is lost or doubled in any crash window.
   */
  compact(): Promise<void> {
    if (this.compacting) return this.compacting
    // A destroyed room's board may be deleted meanwhile: compacting would store it again.
    if (this.destroyed) return Promise.resolve()
    const upTo = this.lastCommittedSeq
    if (upTo === 0 || this.logEntriesSinceCompaction === 0) return Promise.resolve()
    const merged = Y.encodeStateAsUpdate(this.doc)
    this.log.debug({ board: this.boardId, upTo }, 'compacting')
    const bytesAtStart = this.logBytesSinceCompaction
    const entriesAtStart = this.logEntriesSinceCompaction
    let compacted = false
    this.compacting = this.store
      .compact(this.boardId, merged, upTo)
      .then((storedBytes) => {
        compacted = true
        this.compactedBytes = merged.byteLength
        this.compactedStoredBytes = storedBytes
        this.logBytesSinceCompaction -= bytesAtStart
        this.logEntriesSinceCompaction -= entriesAtStart
        this.log.debug({ board: this.boardId, upTo, bytes: merged.byteLength, storedBytes }, 'compacted')
      })
      .catch((error: unknown) => {
        this.log.error({ board: this.boardId, err: error }, 'compaction failed; the log is kept as it was')
      })
      .finally(() => {
        this.compacting = undefined
        // Commits that arrived meanwhile skipped their check; without this one the log could
        // stay past the threshold until the next edit (or forever, if it was the last).
        if (compacted) this.maybeCompact()
      })
    return this.compacting
  }

  /**
   * Saves the board as it is now as a version. Automatic versions (auto) are skipped when
   * nothing changed since the last one.
   */
  saveVersion(name: string, auto: boolean): Promise<SnapshotMeta | undefined> {
    if (auto && !this.changedSinceVersion) return Promise.resolve(undefined)
    const previous = this.versioning ?? Promise.resolve(undefined)
    const state = Y.encodeStateAsUpdate(this.doc)
    this.changedSinceVersion = false
    this.lastVersionAt = Date.now()
    const createdAt = new Date().toISOString()
    const id = `v${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
    const saving = previous
      .catch(() => undefined)
      .then(() => this.store.saveSnapshot(this.boardId, { id, name, createdAt, auto }, state))
      .catch((error: unknown) => {
        this.changedSinceVersion = true
        this.log.error({ board: this.boardId, err: error }, 'saving a version failed')
        throw error
      })
    this.versioning = saving
    return saving
  }

  /**
   * Makes the board's records equal to a version's, as one ordinary change everyone sees (and
   * that is stored like any other). Edits made at the same moment still merge.
   */
  restore(state: Uint8Array): { set: number; removed: number } {
    const versionDoc = docFromState(state)
    try {
      return replaceRecords(this.doc, readRecords(versionDoc), RESTORE_ORIGIN)
    } finally {
      versionDoc.destroy()
    }
  }

  /** Adds imported records (fresh ids) as one server-side change everyone sees. */
  importRecords(records: readonly StoredRecord[], schema: unknown): void {
    addRecords(this.doc, records, RESTORE_ORIGIN, schema)
  }

  /** The page records' fractional indexes, so imported pages go after them. */
  pageIndexes(): string[] {
    return readRecords(this.doc)
      .filter((r) => r.typeName === 'page')
      .map((r) => String(r.index))
  }

  /** Resolves once every accepted update is durable; rejects if any failed to store. */
  async flush(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight])
    if (this.versioning) await this.versioning.catch(() => undefined)
    while (this.compacting) await this.compacting
    if (this.storageFailed) throw new Error(`board ${this.boardId}: an update failed to store`)
  }

  /** Closes every connection with `code`; used on shutdown, delete and revoke. */
  closeAll(code: number, reason: string): void {
    for (const conn of this.connections.values()) conn.socket.close(code, reason)
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    clearTimeout(this.savedNoticeTimer)
    clearInterval(this.keepalive)
    clearTimeout(this.presenceTimer)
    this.guard?.destroy()
    this.doc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.doc.destroy()
  }

  private send(conn: RoomConnection, data: Uint8Array): void {
    if (conn.socket.bufferedAmount > this.limits.maxSendBufferBytes + (conn.initialSyncBytes ?? 0)) {
      this.log.warn({ board: this.boardId, conn: conn.id }, 'slow consumer disconnected')
      conn.socket.close(CloseCode.tooSlow, 'too slow')
      return
    }
    try {
      conn.socket.send(data)
    } catch (error) {
      this.log.debug({ board: this.boardId, conn: conn.id, err: error }, 'send failed')
    }
  }
}

function isConnection(origin: unknown): origin is RoomConnection {
  return typeof origin === 'object' && origin !== null && 'socket' in origin && 'role' in origin
}
