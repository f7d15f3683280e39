/**
 * The board's connection to the server: a Y.Doc synced by y-websocket's provider, the key
 * presented as a websocket subprotocol (never in the URL), and a status a person can read:
 * connecting, live, saving / all saved (from the server's "saved" notices), offline, closed.
 */
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { WebsocketProvider } from 'y-websocket'
import { CloseCode, KEY_SUBPROTOCOL_PREFIX, MessageType, SUBPROTOCOL, isFatalCloseCode } from '../../shared/protocol.ts'

export type ConnectionStatus =
  | { kind: 'connecting' }
  | { kind: 'online'; saved: boolean }
  | { kind: 'offline' }
  | { kind: 'closed'; code: number }

export type BoardConnection = {
  doc: Y.Doc
  provider: WebsocketProvider
  getStatus(): ConnectionStatus
  onStatus(listener: (status: ConnectionStatus) => void): () => void
  /** Resolves on the first full sync with the server. */
  synced: Promise<void>
  destroy(): void
}

/** True when everything in `local` (a state vector) is contained in `saved`. */
export function isCoveredBy(local: Map<number, number>, saved: Map<number, number>): boolean {
  for (const [client, clock] of local) {
    if ((saved.get(client) ?? 0) < clock) return false
  }
  return true
}

export function connectBoard({ boardId, key, origin = window.location.origin }: { boardId: string; key: string; origin?: string }): BoardConnection {
  const doc = new Y.Doc()
  const wsOrigin = origin.replace(/^http/, 'ws')
  const provider = new WebsocketProvider(`${wsOrigin}/ws`, boardId, doc, {
    protocols: [SUBPROTOCOL, KEY_SUBPROTOCOL_PREFIX + key],
    // One tab, one connection: cross-tab BroadcastChannel would bypass the server's checks.
    disableBc: true,
    maxBackoffTime: 5000,
  })
  let savedVector = new Map<number, number>()
  let everConnected = false
  let status: ConnectionStatus = { kind: 'connecting' }
  const listeners = new Set<(status: ConnectionStatus) => void>()

  function set(next: ConnectionStatus) {
    if (JSON.stringify(next) === JSON.stringify(status)) return
    status = next
    for (const listener of listeners) listener(status)
  }
  function recompute() {
    if (status.kind === 'closed') return
    if (provider.wsconnected) {
      set({ kind: 'online', saved: isCoveredBy(Y.decodeStateVector(Y.encodeStateVector(doc)), savedVector) })
    } else {
      set(everConnected ? { kind: 'offline' } : { kind: 'connecting' })
    }
  }

  provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
    savedVector = Y.decodeStateVector(decoding.readVarUint8Array(decoder))
    recompute()
  }
  provider.on('status', ({ status: s }) => {
    if (s === 'connected') everConnected = true
    recompute()
  })
  provider.on('connection-close', (event) => {
    if (event && isFatalCloseCode(event.code)) set({ kind: 'closed', code: event.code })
    else recompute()
  })
  const onUpdate = () => recompute()
  doc.on('update', onUpdate)
  window.addEventListener('offline', recompute)
  window.addEventListener('online', recompute)

  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve()
    else provider.once('sync', () => resolve())
  })

  return {
    doc,
    provider,
    synced,
    getStatus: () => status,
    onStatus(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    destroy() {
      window.removeEventListener('offline', recompute)
      window.removeEventListener('online', recompute)
      doc.off('update', onUpdate)
      listeners.clear()
      provider.destroy()
      doc.destroy()
    },
  }
}

export const CLOSE_REASON_KEYS = {
  [CloseCode.unauthorized]: 'status.reason.unauthorized',
  [CloseCode.boardNotFound]: 'status.reason.notFound',
  [CloseCode.boardTooLarge]: 'status.reason.tooLarge',
} as const
