/**
 * Cursor movers: light clients that send a presence as the app's client does (a tldraw
 * instance presence, the user, the role) at a steady rate, the cursor moving a little each
 * time and the send time `t` inside, so real clients can measure how long a cursor takes to
 * arrive. The frames are encoded here, once per move, in the y-websocket awareness format.
 */
import * as encoding from 'lib0/encoding'
import { MessageType } from '../../../shared/protocol.ts'
import type { LightClient } from './lightClient.ts'
import { nowMs, ticker } from './propagation.ts'

export type CursorMover = {
  readonly sent: number
  /** Moves sent while a measurement window was open. */
  readonly sentInWindow: number
  /** Moves every 1000/rate ms, the first after `phaseMs`. */
  start(phaseMs: number): void
  stop(): void
}

/** A random awareness client id, as Yjs picks them (31 bits). */
export function randomClientId(): number {
  return Math.floor(Math.random() * 0x7fffffff) + 1
}

/** The presence state of a person named `name` with the cursor at (x, y), sent at `t`. */
export function presenceState(clientId: number, name: string, x: number, y: number, t: number): Record<string, unknown> {
  return {
    presence: {
      id: `instance_presence:${clientId}`,
      typeName: 'instance_presence',
      userId: `user:${clientId.toString(36)}`,
      userName: name,
      lastActivityTimestamp: Math.floor(t),
      color: '#1971c2',
      camera: { x: 0, y: 0, z: 1 },
      selectedShapeIds: [],
      currentPageId: 'page:page',
      brush: null,
      scribbles: [],
      screenBounds: { x: 0, y: 0, w: 1280, h: 800 },
      followingUserId: null,
      cursor: { x, y, type: 'default', rotation: 0 },
      chatMessage: '',
      meta: {},
    },
    user: { id: clientId.toString(36), name, color: '#1971c2', group: null },
    // Our server stamps the role on a presence; saying it ourselves, as the app does, spares
    // it rewriting every update.
    role: 'editor',
    t,
  }
}

/** One awareness message: `[awareness, varUint8Array([1, clientId, clock, state])]`. */
export function encodeAwarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, 1)
  encoding.writeVarUint(inner, clientId)
  encoding.writeVarUint(inner, clock)
  encoding.writeVarString(inner, JSON.stringify(state))
  const outer = encoding.createEncoder()
  encoding.writeVarUint(outer, MessageType.awareness)
  encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner))
  return encoding.toUint8Array(outer)
}

/** A sync step 1 with an empty state vector: what a client with nothing sends on connect. */
export const EMPTY_SYNC_STEP1 = new Uint8Array([MessageType.sync, 0, 1, 0])

/**
 * A cursor on `client` moving `rate` times a second while started. `inWindow` says whether a
 * measurement window is open; the presence carries it as `w` so receivers know what counts.
 */
export function createCursor(client: LightClient, name: string, rate: number, inWindow: () => boolean): CursorMover {
  const clientId = randomClientId()
  let clock = 0
  let sent = 0
  let sentInWindow = 0
  const move = () => {
    clock += 1
    const angle = clock / 10
    const state = presenceState(clientId, name, 400 + Math.cos(angle) * 200, 300 + Math.sin(angle) * 200, nowMs())
    const w = inWindow() ? 1 : 0
    state.w = w
    client.send(encodeAwarenessFrame(clientId, clock, state))
    sent += 1
    sentInWindow += w
  }
  return {
    get sent() {
      return sent
    },
    get sentInWindow() {
      return sentInWindow
    },
    ...ticker(move, rate),
  }
}
