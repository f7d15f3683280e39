/**
 * The board's connection to the server: a Y.Doc synced by y-websocket's provider, the key
 * presented as a websocket subprotocol (never in the URL), the device's copy of the board in
 * IndexedDB (offlinePersistence.ts), a status a person can read (connecting, live with all
 * changes saved or saving, offline with how many changes are not yet sent, closed), and the
 * board state the server enforces (role, lock, settings), pushed on connect and on each change.
 * When the server says the board was deleted, the device's copy is erased too.
 *
 * The connection may be opened before the board's page has loaded (boardPrefetch.ts), so
 * whatever the server sends when it opens is kept here (board state, clock) for later readers.
 *
 * When the board may be shown (`ready`): after the server's first sync, so that a device that
 * has never seen the board never shows (or seeds) a blank one over it; the device's copy is
 * loaded first, so the editor starts from the merge of both. If the device has a copy and the
 * server does not answer within a short wait, the board is shown from that copy so the person
 * can keep working offline; the server's state merges in when it answers.
 */
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { WebsocketProvider } from 'y-websocket'
import { CloseCode, KEY_SUBPROTOCOL_PREFIX, MessageType, SUBPROTOCOL, isFatalCloseCode } from '../../shared/protocol.ts'
import type { BoardState } from '../../shared/session.ts'
import { parseBoardState } from './boardState.ts'
import { trackPendingChanges, type DeleteSetClients } from './offlineChanges.ts'
import { openDeviceCopy } from './offlinePersistence.ts'
import { trackServerClock } from '../journey/useServerClock.ts'

export type ConnectionStatus =
  | { kind: 'connecting' }
  /** `pending`: local changes the server has not confirmed as stored; saved when 0. */
  | { kind: 'online'; saved: boolean; pending: number }
  | { kind: 'offline'; pending: number }
  | { kind: 'closed'; code: number }

/** Where the board shown comes from: the server's first sync, or only this device's copy. */
export type BoardSource = 'server' | 'device'

export type BoardConnection = {
  doc: Y.Doc
  provider: WebsocketProvider
  getStatus(): ConnectionStatus
  onStatus(listener: (status: ConnectionStatus) => void): () => void
  /** The latest board state from the server; null until the first one arrives. */
  getBoardState(): BoardState | null
  onBoardState(listener: (state: BoardState) => void): () => void
  /** Resolves on the first full sync with the server. */
  synced: Promise<void>
  /** Resolves when the board may be shown; see the module comment. */
  ready: Promise<BoardSource>
  /**
   * The server's clock (ms since the epoch), read from its time messages from the first one on:
   * the connection may be open before anything else on the page listens.
   */
  serverNow(): number
  /** Deletes the device's copy of the board (it was deleted); the connection stays usable. */
  eraseDeviceCopy(): Promise<void>
  destroy(): void
}

/** How long a device with a copy of the board waits for the server before showing the copy. */
export const DEVICE_COPY_WAIT_MS = 2500

type ConnectOptions = {
  boardId: string
  key: string
  origin?: string
  /** Keep the board on the device (IndexedDB). */
  keepOnDevice?: boolean
}

export function connectBoard({ boardId, key, origin = window.location.origin, keepOnDevice = true }: ConnectOptions): BoardConnection {
  const doc = new Y.Doc()
  // Before the provider: the copy's listener must see every update, including the server's.
  const device = keepOnDevice ? openDeviceCopy(boardId, doc) : null
  const wsOrigin = origin.replace(/^http/, 'ws')
  const provider = new WebsocketProvider(`${wsOrigin}/ws`, boardId, doc, {
    protocols: [SUBPROTOCOL, KEY_SUBPROTOCOL_PREFIX + key],
    // One tab, one connection: cross-tab BroadcastChannel would bypass the server's checks.
    disableBc: true,
    maxBackoffTime: 5000,
  })
  const clock = trackServerClock(provider)
  const serverNow = () => Date.now() + clock.offset()

  /**
   * Sync step 1 messages sent on the current connection whose step 2 answer has not arrived:
   * the provider's own (sent on open), then our probes. The server answers them in order.
   */
  let awaitingAnswers: ('provider' | 'probe')[] = []
  const pending = trackPendingChanges(doc, {
    sendProbe() {
      const ws = provider.ws
      if (!provider.wsconnected || !ws || ws.readyState !== ws.OPEN) return false
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.sync)
      syncProtocol.writeSyncStep1(encoder, doc)
      ws.send(encoding.toUint8Array(encoder))
      awaitingAnswers.push('probe')
      return true
    },
    persist: (snapshot) => device?.savePending(snapshot),
  })

  let everConnected = false
  let fromDevice = false
  let destroyed = false
  let status: ConnectionStatus = { kind: 'connecting' }
  const listeners = new Set<(status: ConnectionStatus) => void>()

  function set(next: ConnectionStatus) {
    if (JSON.stringify(next) === JSON.stringify(status)) return
    status = next
    for (const listener of listeners) listener(status)
  }
  function recompute() {
    if (status.kind === 'closed' || destroyed) return
    const count = pending.count()
    if (provider.wsconnected) set({ kind: 'online', saved: count === 0, pending: count })
    else if (everConnected || fromDevice) set({ kind: 'offline', pending: count })
    else set({ kind: 'connecting' })
  }

  const syncHandler = provider.messageHandlers[MessageType.sync]
  if (!syncHandler) throw new Error('y-websocket has no sync handler')
  provider.messageHandlers[MessageType.sync] = (encoder, decoder, p, emitSynced, messageType) => {
    const syncType = decoding.peekVarUint(decoder)
    const socket = provider.ws
    const answer = syncType === syncProtocol.messageYjsSyncStep2 ? awaitingAnswers.shift() : undefined
    // A probe's answer carries the server's whole delete set: is what we deleted in it?
    let serverDeleted: DeleteSetClients | null = null
    if (answer === 'probe') {
      const copy = decoding.clone(decoder)
      decoding.readVarUint(copy)
      serverDeleted = Y.decodeUpdate(decoding.readVarUint8Array(copy)).ds.clients
    }
    syncHandler(encoder, decoder, p, emitSynced, messageType)
    if (serverDeleted) pending.probeAnswered(serverDeleted)
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      // The provider sends our step 2 (everything the server lacks, with the whole delete set)
      // once this handler returns; from then on, what we send is ordered after it.
      queueMicrotask(() => {
        if (provider.ws === socket && !destroyed) pending.sent()
      })
    }
  }
  let boardState: BoardState | null = null
  const boardStateListeners = new Set<(state: BoardState) => void>()
  provider.messageHandlers[MessageType.boardState] = (_encoder, decoder) => {
    const next = parseBoardState(decoding.readVarString(decoder))
    if (!next) {
      console.warn('Ignored a board state that could not be read')
      return
    }
    boardState = next
    for (const listener of boardStateListeners) listener(next)
  }
  let erasing: Promise<void> | undefined
  const eraseDeviceCopy = () => (erasing ??= device ? device.erase() : Promise.resolve())
  provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
    pending.saved(Y.decodeStateVector(decoding.readVarUint8Array(decoder)))
    recompute()
  }
  provider.on('status', ({ status: s }) => {
    if (s === 'connected') {
      everConnected = true
      // The provider sends its sync step 1 right after this event.
      awaitingAnswers = ['provider']
    }
    recompute()
  })
  provider.on('connection-close', (event) => {
    awaitingAnswers = []
    pending.disconnected()
    if (event && isFatalCloseCode(event.code)) {
      // Nothing of a deleted board should stay behind on the devices that had it open.
      if (event.code === CloseCode.boardDeleted) void eraseDeviceCopy()
      set({ kind: 'closed', code: event.code })
    } else recompute()
  })
  const offPending = pending.onChange(recompute)
  window.addEventListener('offline', recompute)
  window.addEventListener('online', recompute)

  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve()
    else provider.once('sync', () => resolve())
  })

  const deviceLoaded = (async () => {
    if (!device) return false
    const had = await device.loaded
    // The count of unsent changes an earlier session left, now that its content is in the doc.
    pending.restore(await device.loadPending())
    return had
  })()

  let deviceTimer: ReturnType<typeof setTimeout> | undefined
  const fromServer = Promise.all([synced, deviceLoaded]).then(() => 'server' as const)
  const fromDeviceCopy = deviceLoaded.then(
    (had) =>
      new Promise<'device'>((resolve) => {
        if (!had) return // Never: without a copy, only the server can show the board.
        deviceTimer = setTimeout(() => resolve('device'), DEVICE_COPY_WAIT_MS)
      }),
  )
  const ready = Promise.race([fromServer, fromDeviceCopy]).then((source) => {
    clearTimeout(deviceTimer)
    if (source === 'device') {
      fromDevice = true
      recompute()
    }
    return source
  })

  return {
    doc,
    provider,
    synced,
    ready,
    serverNow,
    getStatus: () => status,
    onStatus(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getBoardState: () => boardState,
    onBoardState(listener) {
      boardStateListeners.add(listener)
      return () => boardStateListeners.delete(listener)
    },
    eraseDeviceCopy,
    destroy() {
      if (destroyed) return
      destroyed = true
      clearTimeout(deviceTimer)
      window.removeEventListener('offline', recompute)
      window.removeEventListener('online', recompute)
      offPending()
      listeners.clear()
      boardStateListeners.clear()
      clock.dispose()
      provider.destroy()
      pending.dispose()
      device?.destroy()
      doc.destroy()
    },
  }
}

export const CLOSE_REASON_KEYS = {
  [CloseCode.unauthorized]: 'status.reason.unauthorized',
  [CloseCode.linkRevoked]: 'status.reason.linkRevoked',
  [CloseCode.boardNotFound]: 'status.reason.notFound',
  [CloseCode.boardDeleted]: 'status.reason.deleted',
  [CloseCode.boardTooLarge]: 'status.reason.tooLarge',
} as const
