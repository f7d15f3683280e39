/**
 * Real y-websocket clients in Node: the same WebsocketProvider the browser uses, over `ws`,
 * presenting the key the way the client does (as a subprotocol).
 */
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as decoding from 'lib0/decoding'
import { KEY_SUBPROTOCOL_PREFIX, MessageType, SUBPROTOCOL } from '../../shared/protocol.ts'
import { waitFor } from './waitFor.ts'
import type { BoardState } from '../../shared/session.ts'
import { sendOnlyOwnAwareness } from '../../client/sync/ownAwareness.ts'

export type TestClient = {
  doc: Y.Doc
  provider: WebsocketProvider
  /** Close codes the server sent, in order. */
  closes: number[]
  /** The latest state vector the server reported as durably saved. */
  saved(): Map<number, number>
  /** The latest board state the server pushed (role, lock, settings). */
  boardState(): BoardState | undefined
  /** Permission-denied reasons the server sent (edits dropped). */
  denied: string[]
  /** The server's clock minus ours, from its last serverTime message (ms). */
  clockOffset(): number | undefined
  synced(): Promise<void>
  destroy(): void
}

export function connectClient(url: string, boardId: string, key: string | undefined, doc = new Y.Doc()): TestClient {
  const protocols = key ? [SUBPROTOCOL, KEY_SUBPROTOCOL_PREFIX + key] : [SUBPROTOCOL]
  const provider = new WebsocketProvider(url.replace(/^http/, 'ws') + '/ws', boardId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    protocols,
    disableBc: true,
    maxBackoffTime: 300,
  })
  // As the browser client does: send only our own presence, never echo others'.
  sendOnlyOwnAwareness(provider)
  const closes: number[] = []
  let savedVector = new Map<number, number>()
  provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
    savedVector = Y.decodeStateVector(decoding.readVarUint8Array(decoder))
  }
  let boardState: BoardState | undefined
  provider.messageHandlers[MessageType.boardState] = (_encoder, decoder) => {
    boardState = JSON.parse(decoding.readVarString(decoder)) as BoardState
  }
  let clockOffset: number | undefined
  provider.messageHandlers[MessageType.serverTime] = (_encoder, decoder) => {
    clockOffset = decoding.readVarUint(decoder) - Date.now()
  }
  const denied: string[] = []
  provider.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
    decoding.readVarUint(decoder)
    denied.push(decoding.readVarString(decoder))
  }
  provider.on('connection-close', (event) => {
    if (event) closes.push(event.code)
  })
  return {
    doc,
    provider,
    closes,
    saved: () => savedVector,
    boardState: () => boardState,
    denied,
    clockOffset: () => clockOffset,
    synced: () => waitFor(() => provider.synced, { message: `client of ${boardId} synced` }).then(() => undefined),
    destroy() {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** Equal when both documents hold the same content (compared as JSON of the shared types used). */
export function contentOf(doc: Y.Doc): unknown {
  return { map: doc.getMap('test').toJSON(), records: doc.getArray('records').toJSON() }
}

export type RawClient = {
  ws: WebSocket
  /** Resolves with the close code once the connection closes. */
  closed: Promise<number>
  /** Every binary message received, in order. */
  received: Uint8Array[]
}

/** A bare websocket speaking whatever a test sends: for hostile and malformed input. */
export async function openRaw(url: string, boardId: string, key: string | undefined): Promise<RawClient> {
  const protocols = key ? [SUBPROTOCOL, KEY_SUBPROTOCOL_PREFIX + key] : [SUBPROTOCOL]
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/${boardId}`, protocols)
  const received: Uint8Array[] = []
  ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)))
  ws.on('error', () => undefined)
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', () => reject(new Error('handshake refused')))
  })
  return { ws, closed, received }
}
