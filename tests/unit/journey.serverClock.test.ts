/**
 * The server's clock as the timer uses it: the offset learnt from the server's time messages,
 * passed on to a handler that was there first, and the provider left as it was afterwards.
 */
import { expect, it } from 'vitest'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { WebsocketProvider } from 'y-websocket'
import { MessageType } from '../../shared/protocol.ts'
import { trackServerClock } from '../../client/journey/useServerClock.ts'

type Handler = WebsocketProvider['messageHandlers'][number]

/** A serverTime message as the server sends it, positioned after its tag. */
function timeMessage(serverMs: number): decoding.Decoder {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.serverTime)
  encoding.writeVarUint(encoder, serverMs)
  const decoder = decoding.createDecoder(encoding.toUint8Array(encoder))
  decoding.readVarUint(decoder)
  return decoder
}

function deliver(provider: { messageHandlers: (Handler | undefined)[] }, serverMs: number): void {
  const handler = provider.messageHandlers[MessageType.serverTime]
  handler?.(encoding.createEncoder(), timeMessage(serverMs), provider as unknown as WebsocketProvider, false, MessageType.serverTime)
}

it("learns how far the server's clock is from ours, and forgets nothing when disposed", () => {
  const provider = { messageHandlers: [] as (Handler | undefined)[] }
  let local = 1_000_000
  const clock = trackServerClock(provider as unknown as WebsocketProvider, () => local)
  expect(clock.offset()).toBe(0)
  deliver(provider, 1_005_000)
  expect(clock.offset()).toBe(5_000)
  local = 2_000_000
  deliver(provider, 1_999_000)
  expect(clock.offset()).toBe(-1_000)
  clock.dispose()
  expect(provider.messageHandlers[MessageType.serverTime]).toBeUndefined()
})

it('lets a handler that was there first read the same message', () => {
  const seen: number[] = []
  const first: Handler = (_encoder, decoder) => {
    seen.push(decoding.readVarUint(decoder))
  }
  const provider = { messageHandlers: [] as (Handler | undefined)[] }
  provider.messageHandlers[MessageType.serverTime] = first
  const clock = trackServerClock(provider as unknown as WebsocketProvider, () => 100)
  deliver(provider, 350)
  expect(seen).toEqual([350])
  expect(clock.offset()).toBe(250)
  clock.dispose()
  expect(provider.messageHandlers[MessageType.serverTime]).toBe(first)
})
