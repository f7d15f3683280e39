/**
 * Encoding and decoding of the websocket messages the server sends and reads. Pure functions
 * over lib0's encoder; the room decides what to do with them.
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import { AUTH_PERMISSION_DENIED, MessageType } from '../../shared/protocol.ts'

export class BadMessageError extends Error {
  override readonly name = 'BadMessageError'
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  syncProtocol.writeSyncStep1(e, doc)
  return encoding.toUint8Array(e)
}

export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  syncProtocol.writeSyncStep2(e, doc, stateVector)
  return encoding.toUint8Array(e)
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  syncProtocol.writeUpdate(e, update)
  return encoding.toUint8Array(e)
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.awareness)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

export function encodePermissionDenied(reason: string): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.auth)
  encoding.writeVarUint(e, AUTH_PERMISSION_DENIED)
  encoding.writeVarString(e, reason)
  return encoding.toUint8Array(e)
}

export function encodeSaved(stateVector: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.saved)
  encoding.writeVarUint8Array(e, stateVector)
  return encoding.toUint8Array(e)
}

export function encodeServerTime(now: number): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.serverTime)
  encoding.writeVarUint(e, Math.floor(now))
  return encoding.toUint8Array(e)
}

export function encodeBoardState(json: string): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.boardState)
  encoding.writeVarString(e, json)
  return encoding.toUint8Array(e)
}

/** A decoded client message. Unknown or malformed frames throw BadMessageError. */
export type ClientMessage =
  | { type: 'syncStep1'; stateVector: Uint8Array }
  | { type: 'syncStep2'; update: Uint8Array }
  | { type: 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'queryAwareness' }
  | { type: 'auth' }

export function decodeClientMessage(data: Uint8Array): ClientMessage {
  try {
    const d = decoding.createDecoder(data)
    const tag = decoding.readVarUint(d)
    switch (tag) {
      case MessageType.sync: {
        const sub = decoding.readVarUint(d)
        const payload = decoding.readVarUint8Array(d)
        if (sub === syncProtocol.messageYjsSyncStep1) {
          // Decoded here so a garbage state vector is the sender's error, not the server's.
          Y.decodeStateVector(payload)
          return { type: 'syncStep1', stateVector: payload }
        }
        if (sub === syncProtocol.messageYjsSyncStep2) return { type: 'syncStep2', update: payload }
        if (sub === syncProtocol.messageYjsUpdate) return { type: 'update', update: payload }
        throw new BadMessageError(`unknown sync message ${sub}`)
      }
      case MessageType.awareness:
        return { type: 'awareness', update: decoding.readVarUint8Array(d) }
      case MessageType.queryAwareness:
        return { type: 'queryAwareness' }
      case MessageType.auth:
        // Clients have nothing to say on the auth channel; read and ignore.
        return { type: 'auth' }
      default:
        throw new BadMessageError(`unknown message type ${tag}`)
    }
  } catch (error) {
    if (error instanceof BadMessageError) throw error
    // lib0 throws plain Errors on truncated varints and lengths past the end.
    throw new BadMessageError('malformed frame', { cause: error })
  }
}

/** One client's entry in an awareness update; `state` is its JSON text ("null" = gone). */
export type AwarenessEntry = {
  clientId: number
  clock: number
  state: string
  /** `state` parsed once here (it must be JSON), so the room need not parse it again. */
  value: unknown
}

/**
 * The entries of an awareness update, read without applying it. Throws BadMessageError on a
 * malformed update, including a state that is not JSON.
 */
export function decodeAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  try {
    const d = decoding.createDecoder(update)
    const count = decoding.readVarUint(d)
    const entries: AwarenessEntry[] = []
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(d)
      const clock = decoding.readVarUint(d)
      const state = decoding.readVarString(d)
      entries.push({ clientId, clock, state, value: JSON.parse(state) as unknown })
    }
    if (decoding.hasContent(d)) throw new Error('trailing bytes')
    return entries
  } catch (error) {
    throw new BadMessageError('malformed awareness update', { cause: error })
  }
}

export function encodeAwarenessEntries(entries: readonly Pick<AwarenessEntry, 'clientId' | 'clock' | 'state'>[]): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(e, entry.clientId)
    encoding.writeVarUint(e, entry.clock)
    encoding.writeVarString(e, entry.state)
  }
  return encoding.toUint8Array(e)
}

/** Checks that a Yjs update decodes, without touching any document. */
export function assertDecodableUpdate(update: Uint8Array): void {
  try {
    Y.decodeUpdate(update)
  } catch (error) {
    throw new BadMessageError('malformed update', { cause: error })
  }
}
