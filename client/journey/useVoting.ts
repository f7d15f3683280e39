/**
 * One person's part in a dot vote: their ballot, the dots they have left, and placing or
 * removing a dot (written to `ballots[their id]` with their declared group). The allowance is
 * checked here for a friendly message and again by the tally, which counts at most the
 * allowance per person whatever a ballot says (shared/journey/votes.ts).
 */
import { useCallback, useMemo } from 'react'
import type * as Y from 'yjs'
import type { Group } from '../../shared/session.ts'
import { countedDots, dotsLeft, placeDot, removeDot, type Ballot, type Ballots, type VoteSession } from '../../shared/journey/votes.ts'
import { writeBallot } from './useSession.ts'

export type DotResult = 'placed' | 'removed' | 'noneLeft' | 'notVotable' | 'closed' | 'noDot'

export type Voting = {
  /** Whether this person may place dots now (an open vote, and they can edit the board). */
  canVote: boolean
  /** Their dots that count, per card id. */
  mine: ReadonlyMap<string, number>
  left: number
  place(cardId: string): DotResult
  remove(cardId: string): DotResult
}

export function useVoting(options: {
  doc: Y.Doc
  vote: VoteSession | null
  ballots: Ballots
  scope: ReadonlySet<string>
  voterId: string
  group?: Group
  mayVote: boolean
}): Voting {
  const { doc, vote, ballots, scope, voterId, group, mayVote } = options
  const own: Ballot | undefined = Object.hasOwn(ballots, voterId) ? ballots[voterId] : undefined
  // A ballot of an earlier vote does not count in this one.
  const ballot = own && vote && (own.voteId === undefined || own.voteId === vote.id) ? own : undefined
  const canVote = mayVote && vote?.status === 'open'

  const mine = useMemo(() => {
    const out = new Map<string, number>()
    if (!vote || !ballot) return out
    for (const id of countedDots(vote, ballot, scope)) out.set(id, (out.get(id) ?? 0) + 1)
    return out
  }, [vote, ballot, scope])
  const left = vote ? dotsLeft(vote, ballot, scope) : 0

  const place = useCallback(
    (cardId: string): DotResult => {
      if (!vote || !canVote) return 'closed'
      if (!scope.has(cardId)) return 'notVotable'
      const next = placeDot(vote, ballot, cardId, scope, group)
      if (!next) return 'noneLeft'
      writeBallot(doc, voterId, next)
      return 'placed'
    },
    [vote, canVote, scope, ballot, group, doc, voterId],
  )

  const remove = useCallback(
    (cardId: string): DotResult => {
      if (!vote || !canVote) return 'closed'
      if (!ballot || !ballot.dots.includes(cardId)) return 'noDot'
      // Keep only what counts, then take one off this card.
      const counted: Ballot = { ...ballot, dots: countedDots(vote, ballot, scope), voteId: vote.id }
      const next = removeDot(counted, cardId)
      if (group) next.group = group
      writeBallot(doc, voterId, next)
      return 'removed'
    },
    [vote, canVote, ballot, scope, group, doc, voterId],
  )

  return { canVote, mine, left, place, remove }
}
