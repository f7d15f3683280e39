/**
 * The facilitator's timer: the same remaining time for everyone from the server's clock,
 * pause, resume, an extra minute, stop, and forged values read without throwing.
 */
import { describe, expect, it } from 'vitest'
import {
  MAX_TIMER_MS,
  MINUTE_MS,
  addMinute,
  addTime,
  formatClock,
  isTimeUp,
  parseTimer,
  pauseTimer,
  remaining,
  resumeTimer,
  startTimer,
  stopTimer,
  type TimerState,
} from '../../shared/journey/timer.ts'

const T0 = 1_700_000_000_000

describe('a running timer', () => {
  it('counts down from the server time it was started at', () => {
    const timer = startTimer(5 * MINUTE_MS, T0)
    expect(timer).toEqual({ status: 'running', endsAt: T0 + 5 * MINUTE_MS, durationMs: 5 * MINUTE_MS })
    expect(remaining(timer, T0)).toBe(5 * MINUTE_MS)
    expect(remaining(timer, T0 + 90_000)).toBe(210_000)
  })

  it('gives everyone the same remaining time for the same server time, whatever their own clock', () => {
    const timer = startTimer(3 * MINUTE_MS, T0)
    // Alice's clock is an hour fast, Bob's a second slow. Each learnt the offset from the
    // server's clock messages and computes serverNow = own clock + offset.
    const serverNow = T0 + 61_000
    const aliceClock = serverNow + 3_600_000
    const bobClock = serverNow - 1_234
    const alice = remaining(timer, aliceClock + (T0 - (T0 + 3_600_000)))
    const bob = remaining(timer, bobClock + (T0 - (T0 - 1_234)))
    expect(alice).toBe(bob)
    expect(remaining(timer, aliceClock)).not.toBe(alice)
    expect(formatClock(alice)).toBe('1:59')
  })

  it('stops at zero and says the time is up', () => {
    const timer = startTimer(MINUTE_MS, T0)
    expect(isTimeUp(timer, T0 + 59_999)).toBe(false)
    expect(isTimeUp(timer, T0 + MINUTE_MS)).toBe(true)
    expect(remaining(timer, T0 + 10 * MINUTE_MS)).toBe(0)
  })

  it('never starts shorter than a second or longer than the maximum', () => {
    expect(startTimer(0, T0).durationMs).toBe(1000)
    expect(startTimer(-5, T0).durationMs).toBe(1000)
    expect(startTimer(MAX_TIMER_MS * 3, T0).durationMs).toBe(MAX_TIMER_MS)
  })
})

describe('pause, resume, an extra minute, stop', () => {
  it('pauses at what is left and resumes from there', () => {
    const running = startTimer(5 * MINUTE_MS, T0)
    const paused = pauseTimer(running, T0 + MINUTE_MS)
    expect(paused).toEqual({ status: 'paused', remainingMs: 4 * MINUTE_MS, durationMs: 5 * MINUTE_MS })
    // Time passes while paused: nothing changes.
    expect(remaining(paused, T0 + 10 * MINUTE_MS)).toBe(4 * MINUTE_MS)
    const resumed = resumeTimer(paused, T0 + 10 * MINUTE_MS)
    expect(resumed).toEqual({ status: 'running', endsAt: T0 + 14 * MINUTE_MS, durationMs: 5 * MINUTE_MS })
  })

  it('leaves a timer alone when pausing or resuming makes no sense', () => {
    const running = startTimer(MINUTE_MS, T0)
    const stopped = stopTimer(running)
    expect(resumeTimer(running, T0)).toBe(running)
    expect(pauseTimer(stopped, T0)).toBe(stopped)
    expect(resumeTimer(stopped, T0)).toBe(stopped)
  })

  it('adds a minute to a running or paused timer, and to its total', () => {
    const running = startTimer(2 * MINUTE_MS, T0)
    const more = addMinute(running, T0 + 30_000)
    expect(remaining(more, T0 + 30_000)).toBe(150_000)
    expect(more.durationMs).toBe(3 * MINUTE_MS)
    const paused = addMinute(pauseTimer(running, T0 + 30_000), T0 + 99_000)
    expect(paused).toEqual({ status: 'paused', remainingMs: 150_000, durationMs: 3 * MINUTE_MS })
  })

  it('an extra minute after the end counts from now, not from when it ended', () => {
    const running = startTimer(MINUTE_MS, T0)
    const later = T0 + 5 * MINUTE_MS
    const more = addMinute(running, later)
    expect(remaining(more, later)).toBe(MINUTE_MS)
    expect(isTimeUp(more, later)).toBe(false)
  })

  it('adding time never passes the maximum, and a stopped timer stays stopped', () => {
    const running = startTimer(MAX_TIMER_MS - 1000, T0)
    expect(remaining(addTime(running, 10 * MINUTE_MS, T0), T0)).toBe(MAX_TIMER_MS)
    const stopped = stopTimer(running)
    expect(addMinute(stopped, T0)).toBe(stopped)
  })

  it('stopping keeps the duration and shows nothing left', () => {
    const stopped = stopTimer(startTimer(7 * MINUTE_MS, T0))
    expect(stopped).toEqual({ status: 'stopped', durationMs: 7 * MINUTE_MS })
    expect(remaining(stopped, T0)).toBe(0)
    expect(isTimeUp(stopped, T0 + 8 * MINUTE_MS)).toBe(false)
  })
})

describe('reading a timer from the document', () => {
  it('accepts what the functions above write', () => {
    const states: TimerState[] = [
      startTimer(MINUTE_MS, T0),
      pauseTimer(startTimer(MINUTE_MS, T0), T0 + 1000),
      stopTimer(startTimer(MINUTE_MS, T0)),
    ]
    for (const state of states) expect(parseTimer(JSON.parse(JSON.stringify(state)))).toEqual(state)
  })

  it('refuses forged or broken values without throwing', () => {
    const forged: unknown[] = [
      null,
      undefined,
      'running',
      [],
      { status: 'running', durationMs: 60_000 },
      { status: 'running', endsAt: Number.NaN, durationMs: 60_000 },
      { status: 'running', endsAt: T0, durationMs: 0 },
      { status: 'running', endsAt: T0, durationMs: MAX_TIMER_MS + 1 },
      { status: 'running', endsAt: T0, durationMs: Infinity },
      { status: 'paused', remainingMs: '5', durationMs: 60_000 },
      { status: 'exploded', durationMs: 60_000 },
    ]
    for (const value of forged) expect(parseTimer(value)).toBeNull()
  })

  it('bounds what a forged timer could show', () => {
    const huge = parseTimer({ status: 'paused', remainingMs: 1e15, durationMs: 60_000 })
    expect(huge && remaining(huge, T0)).toBe(MAX_TIMER_MS)
    const negative = parseTimer({ status: 'paused', remainingMs: -50, durationMs: 60_000 })
    expect(negative && remaining(negative, T0)).toBe(0)
    const farFuture = parseTimer({ status: 'running', endsAt: T0 * 10, durationMs: 60_000 })
    expect(farFuture && remaining(farFuture, T0)).toBe(MAX_TIMER_MS)
  })
})

describe('formatClock', () => {
  it('shows minutes and seconds, rounding up so 0:00 means the time is up', () => {
    expect(formatClock(5 * MINUTE_MS)).toBe('5:00')
    expect(formatClock(299_001)).toBe('5:00')
    expect(formatClock(299_000)).toBe('4:59')
    expect(formatClock(1)).toBe('0:01')
    expect(formatClock(0)).toBe('0:00')
    expect(formatClock(-3000)).toBe('0:00')
  })

  it('shows hours past the hour', () => {
    expect(formatClock(60 * MINUTE_MS)).toBe('1:00:00')
    expect(formatClock(61 * MINUTE_MS + 5000)).toBe('1:01:05')
  })
})
