/**
 * Edit and cursor propagation between real Y.Doc clients. Writers set their key of a shared
 * Y.Map at a steady rate; receivers observe the map and record, for every remote edit they
 * see, the time from the writer's `set` to their observer. Cursors carry the time they were
 * sent in their presence; receivers read it from their awareness. Only what was sent while a
 * measurement window was open counts (edits and presences carry a flag saying so), so
 * connecting, warming up and the other servers' turns never show in the figures.
 */
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'

/** The Y.Map every benchmark edit goes to. */
export const MAP_NAME = 'bench'

/**
 * One edit, as written into the map. `t` is when it was written, in epoch milliseconds; `w`
 * is 1 when it was written inside a measurement window.
 */
export type Edit = { t: number; w: 0 | 1; from: string; seq: number; pad: string }

/**
 * Epoch milliseconds with sub-millisecond resolution. Date.now() ticks in whole milliseconds,
 * which is the size of a localhost round trip: p50 would read 0 or 1. Same clock, finer grain.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now()
}

function isEdit(value: unknown): value is Edit {
  if (typeof value !== 'object' || value === null) return false
  const edit = value as Partial<Edit>
  return typeof edit.t === 'number' && typeof edit.from === 'string' && typeof edit.seq === 'number'
}

/** A writer that can be started and stopped many times; its seq keeps counting. */
export type Writer = {
  readonly from: string
  /** Edits written since it was created. */
  readonly sent: number
  /** Edits written inside measurement windows. */
  readonly sentInWindow: number
  /** Writes every 1000/rate ms, the first after `phaseMs`. */
  start(phaseMs: number): void
  stop(): void
}

export type PropagationRecorder = {
  readonly windowOpen: boolean
  openWindow(): void
  closeWindow(): void
  /** Stops recording deliveries (after the drain): later arrivals count as lost. */
  stopRecording(): void
  /** Records every remote edit `doc` sees; returns a function that stops observing. */
  observe(doc: Y.Doc): () => void
  /** Records the latency of every window cursor (a presence with `t` and `w`) `awareness` receives. */
  observeCursors(awareness: Awareness): () => void
  createWriter(doc: Y.Doc, from: string, options: { rate: number; bytes: number }): Writer
  /** Latency in ms of each delivery of a window edit (one per edit and receiver). */
  readonly latencies: readonly number[]
  readonly cursorLatencies: readonly number[]
  readonly delivered: number
  /** A receiver saw an edit again, or an older one after a newer one, of the same writer. */
  readonly duplicates: number
}

export function createPropagationRecorder(): PropagationRecorder {
  let windowOpen = false
  let recording = true
  const latencies: number[] = []
  const cursorLatencies: number[] = []
  let delivered = 0
  let duplicates = 0

  return {
    get windowOpen() {
      return windowOpen
    },
    openWindow() {
      windowOpen = true
    },
    closeWindow() {
      windowOpen = false
    },
    stopRecording() {
      recording = false
    },
    observe(doc) {
      const map = doc.getMap<Edit>(MAP_NAME)
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
          if (edit.w !== 1) continue
          latencies.push(now - edit.t)
          delivered += 1
        }
      }
      map.observe(onChange)
      return () => map.unobserve(onChange)
    },
    observeCursors(awareness) {
      const own = awareness.clientID
      const onUpdate = ({ added, updated }: { added: number[]; updated: number[] }) => {
        if (!recording) return
        const now = nowMs()
        const states = awareness.getStates()
        for (const id of [...added, ...updated]) {
          if (id === own) continue
          const state = states.get(id) as { t?: unknown; w?: unknown } | undefined
          if (typeof state?.t === 'number' && state.w === 1) cursorLatencies.push(now - state.t)
        }
      }
      awareness.on('update', onUpdate)
      return () => awareness.off('update', onUpdate)
    },
    createWriter(doc, from, { rate, bytes }) {
      const map = doc.getMap<Edit>(MAP_NAME)
      const pad = 'x'.repeat(bytes)
      let seq = 0
      let sentInWindow = 0
      const write = () => {
        seq += 1
        const w = windowOpen ? 1 : 0
        map.set(from, { t: nowMs(), w, from, seq, pad })
        sentInWindow += w
      }
      return {
        from,
        get sent() {
          return seq
        },
        get sentInWindow() {
          return sentInWindow
        },
        ...ticker(write, rate),
      }
    },
    get latencies() {
      return latencies
    },
    get cursorLatencies() {
      return cursorLatencies
    },
    get delivered() {
      return delivered
    },
    get duplicates() {
      return duplicates
    },
  }
}

/**
 * Runs `tick` `rate` times a second once started, the first time `phaseMs` after `start` (so
 * that many senders spread over the period instead of firing together), until `stop`.
 */
export function ticker(tick: () => void, rate: number): { start(phaseMs: number): void; stop(): void } {
  let first: ReturnType<typeof setTimeout> | undefined
  let interval: ReturnType<typeof setInterval> | undefined
  const stop = () => {
    clearTimeout(first)
    clearInterval(interval)
    first = undefined
    interval = undefined
  }
  return {
    start(phaseMs) {
      stop()
      first = setTimeout(() => {
        tick()
        interval = setInterval(tick, 1000 / rate)
      }, phaseMs)
    },
    stop,
  }
}
