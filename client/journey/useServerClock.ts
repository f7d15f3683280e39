/**
 * The server's clock, as everyone on the board sees it: the server sends its time
 * (MessageType.serverTime, a varUint of ms) when a connection opens and with every keepalive;
 * we keep the difference to our own clock and add it back. A timer's end is stored in server
 * time (shared/journey/timer.ts), so people whose clocks differ still see the same countdown.
 *
 * Until the first message arrives the estimate is our own clock (an offset of 0). The error is
 * the message's one-way delay, tens of milliseconds: far below the second a timer shows.
 */
import { useCallback, useEffect, useRef } from 'react'
import * as decoding from 'lib0/decoding'
import type { WebsocketProvider } from 'y-websocket'
import { MessageType } from '../../shared/protocol.ts'

type Handler = WebsocketProvider['messageHandlers'][number]

/**
 * Starts reading the server's time messages on `provider`. Returns the offset's reader and a
 * disposer that puts back whatever handler was there before.
 */
export function trackServerClock(provider: WebsocketProvider, now: () => number = Date.now): { offset(): number; dispose(): void } {
  let offset = 0
  const handlers = provider.messageHandlers as (Handler | undefined)[]
  const previous = handlers[MessageType.serverTime]
  const handler: Handler = (encoder, decoder, p, emitSynced, messageType) => {
    // A handler that was there first (the connection's own, one day) reads the message too.
    offset = decoding.readVarUint(previous ? decoding.clone(decoder) : decoder) - now()
    previous?.(encoder, decoder, p, emitSynced, messageType)
  }
  handlers[MessageType.serverTime] = handler
  return {
    offset: () => offset,
    dispose() {
      if (handlers[MessageType.serverTime] === handler) handlers[MessageType.serverTime] = previous
    },
  }
}

/** `serverNow()` for a board's provider: a stable function, Date.now() until the server says. */
export function useServerClock(provider: WebsocketProvider | null | undefined): () => number {
  const offset = useRef<() => number>(() => 0)
  useEffect(() => {
    if (!provider) return
    const clock = trackServerClock(provider)
    offset.current = clock.offset
    return () => {
      clock.dispose()
      offset.current = () => 0
    }
  }, [provider])
  return useCallback(() => Date.now() + offset.current(), [])
}
