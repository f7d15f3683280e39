/**
 * y-websocket's provider sends every awareness change it sees, including the ones it just
 * received from the server: on a board of N people each presence change comes back N-1
 * times, and the server must drop those echoes (they speak for other connections' ids).
 * This replaces its handler with one that sends only our own state.
 */
import * as encoding from 'lib0/encoding'
import { encodeAwarenessUpdate } from 'y-protocols/awareness'
import type { WebsocketProvider } from 'y-websocket'
import { MessageType } from '../../shared/protocol.ts'

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] }

export function sendOnlyOwnAwareness(provider: WebsocketProvider): void {
  const { awareness } = provider
  const own = provider.doc.clientID
  awareness.off('update', provider._awarenessUpdateHandler)
  const handler = ({ added, updated, removed }: AwarenessChange) => {
    if (!added.includes(own) && !updated.includes(own) && !removed.includes(own)) return
    if (!provider.wsconnected || !provider.ws) return
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MessageType.awareness)
    encoding.writeVarUint8Array(e, encodeAwarenessUpdate(awareness, [own]))
    provider.ws.send(encoding.toUint8Array(e))
  }
  // Kept under the provider's own name so its destroy() unregisters ours.
  provider._awarenessUpdateHandler = handler
  awareness.on('update', handler)
}
