/**
 * The session state in the board's Y.Doc as React state: the vote and the timer (the
 * `session` map, which only a facilitator may change; the server undoes anyone else's change)
 * and the ballots (each voter's own entry). Values are read from a document anyone on the
 * board can write, so they are parsed here and the rest of the kit gets typed values or null.
 */
import { useEffect, useMemo, useState } from 'react'
import type * as Y from 'yjs'
import { DocKeys } from '../../shared/protocol.ts'
import { parseBallots, parseVoteSession, type Ballot, type Ballots, type VoteSession } from '../../shared/journey/votes.ts'
import { parseTimer, type TimerState } from '../../shared/journey/timer.ts'

export const SessionKeys = { vote: 'vote', timer: 'timer' } as const

export function sessionMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(DocKeys.session)
}

export function ballotsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(DocKeys.ballots)
}

/** `read(map)`, read again on every change of the map. `read` must be a stable function. */
function useMapSnapshot<T>(map: Y.Map<unknown>, read: (map: Y.Map<unknown>) => T): T {
  const [value, setValue] = useState(() => read(map))
  useEffect(() => {
    const update = () => setValue(read(map))
    // It may have changed between the first render and now.
    update()
    map.observe(update)
    return () => map.unobserve(update)
  }, [map, read])
  return value
}

// Yjs hands back the same object for a plain JSON value until it changes, so these snapshots
// only change (and re-render) when the value does.
const readVote = (map: Y.Map<unknown>) => map.get(SessionKeys.vote)
const readTimer = (map: Y.Map<unknown>) => map.get(SessionKeys.timer)
const readBallots = (map: Y.Map<unknown>) => parseBallots(map.toJSON())

/** The current vote, or null (none, or not understood). */
export function useVoteSession(doc: Y.Doc): VoteSession | null {
  const raw = useMapSnapshot(sessionMap(doc), readVote)
  return useMemo(() => parseVoteSession(raw), [raw])
}

/** The facilitator's timer, or null. */
export function useTimer(doc: Y.Doc): TimerState | null {
  const raw = useMapSnapshot(sessionMap(doc), readTimer)
  return useMemo(() => parseTimer(raw), [raw])
}

/** Every ballot, parsed. */
export function useBallots(doc: Y.Doc): Ballots {
  return useMapSnapshot(ballotsMap(doc), readBallots)
}

export function writeVote(doc: Y.Doc, vote: VoteSession | null): void {
  const map = sessionMap(doc)
  if (vote) map.set(SessionKeys.vote, vote)
  else map.delete(SessionKeys.vote)
}

export function writeTimer(doc: Y.Doc, timer: TimerState | null): void {
  const map = sessionMap(doc)
  if (timer) map.set(SessionKeys.timer, timer)
  else map.delete(SessionKeys.timer)
}

export function writeBallot(doc: Y.Doc, voterId: string, ballot: Ballot): void {
  ballotsMap(doc).set(voterId, ballot)
}
