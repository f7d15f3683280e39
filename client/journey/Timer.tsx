/**
 * The session timer. Everyone sees the countdown at the top of the board, computed from the
 * server's clock so it is the same on every screen; at zero it changes colour (with a soft
 * pulse unless the person prefers reduced motion), plays a short chime for those who turned
 * the sound on, and says "time is up" politely to screen readers. The ticking clock itself is
 * not a live region: announcing every second would drown everything else.
 *
 * The facilitator's controls (start with a number of minutes, pause, resume, +1 minute, stop)
 * write the timer into the session map; only a facilitator's connection may.
 */
import { useEffect, useId, useRef, useState } from 'react'
import type * as Y from 'yjs'
import {
  MINUTE_MS,
  addMinute,
  formatClock,
  pauseTimer,
  remaining,
  resumeTimer,
  startTimer,
  stopTimer,
  type TimerState,
} from '../../shared/journey/timer.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import type { Chime } from './chime.ts'
import { Icon } from './icons.tsx'
import { writeTimer } from './useSession.ts'

const TICK_MS = 250
const MAX_MINUTES = 180

/** Re-renders every tick while the timer runs; the remaining ms at server time. */
function useRemaining(timer: TimerState | null, serverNow: () => number): number {
  const [, setTick] = useState(0)
  const running = timer?.status === 'running'
  useEffect(() => {
    if (!running) return
    const id = setInterval(() => setTick((n) => n + 1), TICK_MS)
    return () => clearInterval(id)
  }, [running])
  return remaining(timer, serverNow())
}

export function TimerClock({
  timer,
  serverNow,
  sound,
  onSound,
  chime,
  announce,
}: {
  timer: TimerState | null
  serverNow: () => number
  sound: boolean
  onSound: (on: boolean) => void
  chime: Chime
  announce: (text: string) => void
}) {
  const t = useT()
  const left = useRemaining(timer, serverNow)
  const visible = timer !== null && timer.status !== 'stopped'
  const up = timer?.status === 'running' && left === 0
  // The cue plays once, when this screen sees the countdown reach zero (not for a timer that
  // had already ended when the person arrived).
  const sawRunning = useRef(false)
  const soundRef = useRef(sound)
  useEffect(() => {
    soundRef.current = sound
  }, [sound])
  useEffect(() => {
    if (timer?.status === 'running' && !up) sawRunning.current = true
    else if (timer?.status !== 'running') sawRunning.current = false
    if (up && sawRunning.current) {
      sawRunning.current = false
      announce(t('journey.timer.timeUp'))
      if (soundRef.current) chime.play()
    }
  }, [timer, up, announce, chime, t])

  if (!visible) return null
  return (
    <div className={`jk-timer${up ? ' is-up' : ''}${timer.status === 'paused' ? ' is-paused' : ''}`} data-testid="timer" data-status={up ? 'up' : timer.status}>
      <span role="timer" aria-label={t('journey.timer.label')} className="jk-timer-clock" data-testid="timer-clock" data-remaining-s={Math.ceil(left / 1000)}>
        {formatClock(left)}
      </span>
      {timer.status === 'paused' && <span className="jk-timer-note">{t('journey.timer.paused')}</span>}
      {up && <span className="jk-timer-note">{t('journey.timer.timeUp')}</span>}
      <button
        type="button"
        className="jk-timer-sound"
        aria-pressed={sound}
        aria-label={t('journey.timer.sound')}
        title={t(sound ? 'journey.timer.sound.on' : 'journey.timer.sound.off')}
        onClick={() => {
          if (!sound) chime.prime()
          onSound(!sound)
        }}
        data-testid="timer-sound"
      >
        <Icon name={sound ? 'bell' : 'bellOff'} size={20} />
      </button>
    </div>
  )
}

export function TimerControls({
  doc,
  timer,
  serverNow,
  chime,
  announce,
}: {
  doc: Y.Doc
  timer: TimerState | null
  serverNow: () => number
  chime: Chime
  announce: (text: string) => void
}) {
  const t = useT()
  const inputId = useId()
  const [minutes, setMinutes] = useState(() => (timer ? Math.max(1, Math.round(timer.durationMs / MINUTE_MS)) : 5))
  const active = timer !== null && timer.status !== 'stopped'
  const left = useRemaining(timer, serverNow)
  const write = (next: TimerState | null) => writeTimer(doc, next)

  return (
    <div className="jk-stack" data-testid="timer-controls">
      <p className="hint">{t('journey.timer.help')}</p>
      {active && (
        <p className="jk-timer-readout" aria-hidden="true">
          {formatClock(left)}
        </p>
      )}
      {!active && (
        <form
          className="jk-row"
          onSubmit={(event) => {
            event.preventDefault()
            const m = Math.min(Math.max(1, Math.round(minutes) || 1), MAX_MINUTES)
            // A click: the moment a browser lets this page make sound later.
            chime.prime()
            write(startTimer(m * MINUTE_MS, serverNow()))
            announce(t('journey.timer.started', { time: formatClock(m * MINUTE_MS) }))
          }}
        >
          <label htmlFor={inputId}>{t('journey.timer.minutes')}</label>
          <input
            id={inputId}
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_MINUTES}
            value={minutes}
            onChange={(event) => setMinutes(Number(event.target.value))}
            className="jk-number"
            data-testid="timer-minutes"
          />
          <button type="submit" className="button button-primary" data-testid="timer-start">
            {t('journey.timer.start')}
          </button>
        </form>
      )}
      {active && (
        <div className="button-row">
          {timer.status === 'running' && left > 0 && (
            <button type="button" className="button" onClick={() => write(pauseTimer(timer, serverNow()))} data-testid="timer-pause">
              {t('journey.timer.pause')}
            </button>
          )}
          {timer.status === 'paused' && (
            <button type="button" className="button" onClick={() => write(resumeTimer(timer, serverNow()))} data-testid="timer-resume">
              {t('journey.timer.resume')}
            </button>
          )}
          <button type="button" className="button" onClick={() => write(addMinute(timer, serverNow()))} data-testid="timer-add-minute">
            {t('journey.timer.addMinute')}
          </button>
          <button type="button" className="button button-danger-outline" onClick={() => write(stopTimer(timer))} data-testid="timer-stop">
            {t('journey.timer.stop')}
          </button>
        </div>
      )}
    </div>
  )
}
