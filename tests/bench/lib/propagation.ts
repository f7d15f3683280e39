/**
 * Edit propagation between real Y.Doc clients: writers set their key of a shared Y.Map at a
 * steady rate, receivers observe the map and record, for every remote edit they see, the time
 * from the writer's `set` to their observer. Only edits sent inside the measurement window
 * count, so that connecting and warming up never show in the figures.
 */
import * as decoding from 'lib0/decoding'
import type * as Y from 'yjs'
import { connectClient, type TestClient } from '../../helpers/clients.ts'
import { MessageType } from '../../../shared/protocol.ts'

/** The Y.Map every benchmark edit goes to. */
export const MAP_NAME = 'bench'

/** One edit, as written into the map. `t` is when it was written, in epoch milliseconds. */
export type Edit = { t: number; from: string; seq: number; pad: string }

/**
 * Epoch milliseconds with sub-millisecond resolution. Date.now() ticks in whole milliseconds,
 * which is the size of a localhost round trip: p50 would read 0 or 1. Same clock, finer grain.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now()
}

/**
 * A y-websocket client as the browser has it, that also reads our "saved" notices (message
 * type 100): the stock provider logs "Unable to compute message" for each one otherwise.
 */
export function connectBenchClient(url: string, boardId: string, key: string): TestClient {
  const client = connectClient(url, boardId, key)
  client.provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
    decoding.readVarUint8Array(decoder)
  }
  return client
}

function isEdit(value: unknown): value is Edit {
  if (typeof value !== 'object' || value === null) return false
  const edit = value as Partial<Edit>
  return typeof edit.t === 'number' && typeof edit.from === 'string' && typeof edit.seq === 'number'
}

export type Writer = {
  readonly from: string
  /** Edits written since the writer started. */
  readonly sent: number
  /** Edits written inside the measurement window. */
  readonly sentInWindow: number
  stop(): void
}

export type PropagationRecorder = {
  /** Starts counting: edits written from now on are measured. */
  openWindow(): void
  /** Stops recording deliveries (after the drain): later arrivals count as lost. */
  stopRecording(): void
  /** Records every remote edit `client` sees; returns a function that stops observing. */
  observe(client: TestClient): () => void
  /** Writes `{ t, from, seq, pad }` under key `from` every 1000/rate ms, the first after `phaseMs`. */
  startWriter(client: TestClient, from: string, options: { rate: number; bytes: number; phaseMs: number }): Writer
  /** Latency in ms of each delivery of a window edit (one per edit and receiver). */
  readonly latencies: readonly number[]
  readonly delivered: number
  /** A receiver saw an edit again, or an older one after a newer one, of the same writer. */
  readonly duplicates: number
}

export function createPropagationRecorder(): PropagationRecorder {
  let windowStart = Number.POSITIVE_INFINITY
  let recording = true
  const latencies: number[] = []
  let delivered = 0
  let duplicates = 0

  return {
    openWindow() {
      windowStart = nowMs()
    },
    stopRecording() {
      recording = false
    },
    observe(client) {
      const map = client.doc.getMap<Edit>(MAP_NAME)
      // Per writer, the last seq this receiver saw: updates arrive in order on one socket.
      const lastSeq = new Map<string, number>()
      const onChange = (event: Y.YMapEvent<Edit>) => {
        if (event.transaction.local || !recording) return
        const now = nowMs()
        for (const key of event.keysChanged) {
          const edit = map.get(key)
          if (!isEdit(edit)) continue
          const last = lastSeq.get(edit.from) ?? 0
          if (edit.seq <= last) {
            duplicates += 1
            continue
          }
          lastSeq.set(edit.from, edit.seq)
          if (edit.t < windowStart) continue
          latencies.push(now - edit.t)
          delivered += 1
        }
      }
      map.observe(onChange)
      return () => map.unobserve(onChange)
    },
    startWriter(client, from, { rate, bytes, phaseMs }) {
      const map = client.doc.getMap<Edit>(MAP_NAME)
      const pad = 'x'.repeat(bytes)
      let seq = 0
      let sentInWindow = 0
      let interval: ReturnType<typeof setInterval> | undefined
      const write = () => {
        seq += 1
        const t = nowMs()
        map.set(from, { t, from, seq, pad })
        if (t >= windowStart) sentInWindow += 1
      }
      const first = setTimeout(() => {
        write()
        interval = setInterval(write, 1000 / rate)
      }, phaseMs)
      return {
        from,
        get sent() {
          return seq
        },
        get sentInWindow() {
          return sentInWindow
        },
        stop() {
          clearTimeout(first)
          clearInterval(interval)
        },
      }
    },
    get latencies() {
      return latencies
    },
    get delivered() {
      return delivered
    },
    get duplicates() {
      return duplicates
    },
  }
}
