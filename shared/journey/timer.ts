/**
 * The facilitator's countdown, as a plain JSON value in the board's Y.Doc
 * (`doc.getMap(DocKeys.session).get('timer')`, which only a facilitator's connection may
 * change). Times are the server's clock (MessageType.serverTime): a running timer stores when
 * it ends, not how long is left, so everyone computes the same remaining time from their
 * estimate of the server's clock whatever their own clock says, and nobody has to write a
 * tick. A paused timer stores what was left.
 *
 * Pure: every function takes the server's "now" (ms since the epoch) from its caller. Values
 * read from the document are untrusted: `parseTimer` never throws and bounds every number.
 */

/** Longer would not be a workshop timer any more; also bounds a forged value. */
export const MAX_TIMER_MS = 24 * 60 * 60 * 1000
export const MINUTE_MS = 60_000

export type TimerState =
  | { status: 'running'; endsAt: number; durationMs: number }
  | { status: 'paused'; remainingMs: number; durationMs: number }
  | { status: 'stopped'; durationMs: number }

export type TimerStatus = TimerState['status']

function isObj(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function clampMs(ms: number): number {
  return Math.min(Math.max(Math.round(ms), 0), MAX_TIMER_MS)
}

/** A duration from untrusted data: a finite number of ms in (0, MAX_TIMER_MS], else null. */
function duration(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_TIMER_MS ? Math.round(value) : null
}

/** A timer from untrusted data, or null when it is not one. */
export function parseTimer(value: unknown): TimerState | null {
  if (!isObj(value)) return null
  const durationMs = duration(value.durationMs)
  if (durationMs === null) return null
  switch (value.status) {
    case 'running': {
      const endsAt = value.endsAt
      if (typeof endsAt !== 'number' || !Number.isFinite(endsAt) || endsAt < 0) return null
      return { status: 'running', endsAt, durationMs }
    }
    case 'paused': {
      const remainingMs = value.remainingMs
      if (typeof remainingMs !== 'number' || !Number.isFinite(remainingMs)) return null
      return { status: 'paused', remainingMs: clampMs(remainingMs), durationMs }
    }
    case 'stopped':
      return { status: 'stopped', durationMs }
    default:
      return null
  }
}

/**
 * Milliseconds left at server time `now`: never negative, never more than MAX_TIMER_MS; 0 for a
 * stopped timer (and for none).
 */
export function remaining(timer: TimerState | null, now: number): number {
  if (!timer) return 0
  switch (timer.status) {
    case 'running':
      return clampMs(timer.endsAt - now)
    case 'paused':
      return clampMs(timer.remainingMs)
    case 'stopped':
      return 0
  }
}

/** A running timer that has reached zero (the moment for the cue). */
export function isTimeUp(timer: TimerState | null, now: number): boolean {
  return timer?.status === 'running' && remaining(timer, now) === 0
}

/** A new countdown of `durationMs` (bounded to (0, MAX_TIMER_MS]) from `now`. */
export function startTimer(durationMs: number, now: number): TimerState {
  const d = Math.max(1000, clampMs(durationMs))
  return { status: 'running', endsAt: now + d, durationMs: d }
}

/** Holds a running timer at what is left; anything else is returned unchanged. */
export function pauseTimer(timer: TimerState, now: number): TimerState {
  if (timer.status !== 'running') return timer
  return { status: 'paused', remainingMs: remaining(timer, now), durationMs: timer.durationMs }
}

/** Runs a paused timer again from what was left; anything else is returned unchanged. */
export function resumeTimer(timer: TimerState, now: number): TimerState {
  if (timer.status !== 'paused') return timer
  return { status: 'running', endsAt: now + timer.remainingMs, durationMs: timer.durationMs }
}

/**
 * Adds time to a running or paused timer (the total grows too). A running timer that already
 * reached zero counts again from now. A stopped timer is returned unchanged.
 */
export function addTime(timer: TimerState, ms: number, now: number): TimerState {
  const extra = clampMs(ms)
  switch (timer.status) {
    case 'running': {
      const left = Math.min(remaining(timer, now) + extra, MAX_TIMER_MS)
      return { status: 'running', endsAt: now + left, durationMs: Math.min(timer.durationMs + extra, MAX_TIMER_MS) }
    }
    case 'paused':
      return {
        status: 'paused',
        remainingMs: clampMs(timer.remainingMs + extra),
        durationMs: Math.min(timer.durationMs + extra, MAX_TIMER_MS),
      }
    case 'stopped':
      return timer
  }
}

export function addMinute(timer: TimerState, now: number): TimerState {
  return addTime(timer, MINUTE_MS, now)
}

/** Ends the countdown; the duration is kept so the facilitator can start the same one again. */
export function stopTimer(timer: TimerState): TimerState {
  return { status: 'stopped', durationMs: timer.durationMs }
}

/**
 * "m:ss" (or "h:mm:ss" from an hour), rounding up to the second: a timer shows 0:00 only when
 * the time is really up, and 5:00 for a whole five minutes just started.
 */
export function formatClock(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const ss = String(s).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}
