/**
 * Real Y.Doc clients for the benchmark: y-websocket's WebsocketProvider over `ws`, as the
 * browser has it, against any of the servers compared. Our server's extra messages (saved,
 * board state, server time, permission denied) are read and dropped, as the app's client
 * does; the stock provider would log "Unable to compute message" for each otherwise.
 * Frames of each kind received are counted, like the light clients' (lightClient.ts).
 */
import * as Y from 'yjs'
import WebSocket from 'ws'
import * as decoding from 'lib0/decoding'
import { WebsocketProvider } from 'y-websocket'
import { MessageType } from '../../../shared/protocol.ts'
import { sendOnlyOwnAwareness } from '../../../client/sync/ownAwareness.ts'
import type { BoardAccess } from './servers.ts'
import { emptyCounts, type FrameCounts } from './lightClient.ts'

export type YClient = {
  doc: Y.Doc
  provider: WebsocketProvider
  counts: FrameCounts
  /** Close codes received, in order. */
  closes: number[]
  /** The latest state vector our server reported as durably saved (message 100), if any. */
  saved(): Map<number, number> | undefined
  /** Whether everything this client wrote is reported saved by our server. */
  isSaved(): boolean
  /** Open and, where the server answers sync step 1 (not the floor), synced. */
  ready(): boolean
  destroy(): void
}

export function connectYClient(
  url: string,
  board: BoardAccess,
  role: 'facilitator' | 'editor',
  { needsSync }: { needsSync: boolean },
): YClient {
  const doc = new Y.Doc()
  const wsBase = url.replace(/^http/, 'ws') + board.path.slice(0, board.path.lastIndexOf('/'))
  const room = board.path.slice(board.path.lastIndexOf('/') + 1)
  const provider = new WebsocketProvider(wsBase, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    protocols: board.protocols(role),
    disableBc: true,
    maxBackoffTime: 1000,
  })
  sendOnlyOwnAwareness(provider)
  const counts = emptyCounts()
  const sync = provider.messageHandlers[MessageType.sync]
  const awareness = provider.messageHandlers[MessageType.awareness]
  if (!sync || !awareness) throw new Error('y-websocket provider without sync or awareness handler')
  provider.messageHandlers[MessageType.sync] = (encoder, decoder, p, emitSynced, messageType) => {
    // Peek at the sync message type (step 1, step 2, update) without consuming it.
    const sub = decoder.arr[decoder.pos]
    if (sub === 2) counts.updates += 1
    else if (sub === 1) counts.syncStep2 += 1
    else counts.syncStep1 += 1
    sync(encoder, decoder, p, emitSynced, messageType)
  }
  provider.messageHandlers[MessageType.awareness] = (encoder, decoder, p, emitSynced, messageType) => {
    counts.awareness += 1
    awareness(encoder, decoder, p, emitSynced, messageType)
  }
  let saved: Map<number, number> | undefined
  provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
    counts.other += 1
    saved = Y.decodeStateVector(decoding.readVarUint8Array(decoder))
  }
  provider.messageHandlers[MessageType.boardState] = (_encoder, decoder) => {
    counts.other += 1
    decoding.readVarString(decoder)
  }
  provider.messageHandlers[MessageType.serverTime] = (_encoder, decoder) => {
    counts.other += 1
    decoding.readVarUint(decoder)
  }
  provider.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
    counts.other += 1
    decoding.readVarUint(decoder)
    decoding.readVarString(decoder)
  }
  const closes: number[] = []
  provider.on('connection-close', (event) => {
    if (event) closes.push(event.code)
  })
  return {
    doc,
    provider,
    counts,
    closes,
    saved: () => saved,
    isSaved: () => (saved?.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID),
    ready: () => provider.wsconnected && (!needsSync || provider.synced),
    destroy() {
      provider.destroy()
      doc.destroy()
    },
  }
}
