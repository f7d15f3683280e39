/**
 * Dot voting: the vote session and the ballots as plain JSON (the client and server keep them
 * in the board's Y.Doc, `doc.getMap('session')`), their validation, and the tally.
 *
 * Like real dot voting, a person may stack several dots on one card; what they may never do
 * is use more than `dotsPerPerson`. The tally enforces that itself, so a forged document (a
 * ballot listing 50 dots) changes nothing: per voter it counts the first `dotsPerPerson` of
 * their dots that are on cards in scope, in list order, and ignores the rest, unknown cards
 * and malformed ballots. Dots on a card that was deleted or left the scope are not counted
 * and do not use up the allowance (the person gets them back).
 *
 * What this cannot decide alone, and the server must: that a connection writes only its own
 * ballot (its voter id), that viewers do not vote, and that only a facilitator starts, reveals
 * or closes a vote. "Anonymous" is about what the UI and the reports show: ballots in the
 * document are keyed by the voter's random per-browser id, not by name.
 */
import type { TLRecord, TLShapeId } from '@tldraw/tlschema'
import { isCardShape } from './cards.ts'
import { ShapeIndex, applyInverse, num, propsOf, shapesOf } from './geometry.ts'
import { GROUPS, isGroup, type Group } from '../session.ts'
import { Role } from '../roles.ts'

/** More would not be dot voting any more; also bounds a forged session. */
export const MAX_DOTS_PER_PERSON = 20
export const MAX_QUESTION_LENGTH = 300
/** Dots kept per ballot when parsing (the tally counts at most the allowance of them anyway). */
export const MAX_BALLOT_DOTS = 100
/** Ballots kept when parsing: far above a session's 40 people, far below a memory problem. */
export const MAX_BALLOTS = 2000

const ID_RE = /^[A-Za-z0-9_:.-]{1,128}$/
const SHAPE_ID_RE = /^shape:[^\s]{1,200}$/

/** Groups results are split by: the declared ones, and people who declared none. */
export const VOTE_GROUPS = [...GROUPS, 'undeclared'] as const
export type VoteGroup = (typeof VOTE_GROUPS)[number]

export type VoteScope = { kind: 'all' } | { kind: 'frame'; frameId: TLShapeId }

export type VoteSession = {
  id: string
  question: string
  dotsPerPerson: number
  scope: VoteScope
  anonymous: boolean
  /** 'live': everyone sees results as they come; 'onReveal': only once revealed or closed. */
  reveal: 'live' | 'onReveal'
  status: 'open' | 'revealed' | 'closed'
  /** Milliseconds since the epoch (server time). */
  startedAt: number
  /** The facilitator's user id. */
  startedBy: string
}

export type Ballot = {
  /** The voter's declared group, if any. */
  group?: Group
  /** Card ids, one entry per dot: the same card may appear several times. */
  dots: string[]
  /**
   * The vote this ballot belongs to. A ballot of another vote (written late by a client that
   * was offline while a new vote started) is ignored. Absent: counted in any vote.
   */
  voteId?: string
}

/** Ballots by voter id. */
export type Ballots = Record<string, Ballot>

export type CardVotes = { total: number; byGroup: Record<VoteGroup, number> }

export type Tally = {
  /** Votes per card id, for cards with at least one counted dot. */
  byCard: Record<string, CardVotes>
  /** All counted dots. */
  total: CardVotes
  /** People with at least one counted dot, per group. */
  voters: CardVotes
}

export function emptyVotes(): CardVotes {
  return { total: 0, byGroup: { citizen: 0, official: 0, other: 0, undeclared: 0 } }
}

function isObj(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function allowance(session: Pick<VoteSession, 'dotsPerPerson'>): number {
  const n = Math.floor(num(session.dotsPerPerson))
  return Math.min(Math.max(n, 0), MAX_DOTS_PER_PERSON)
}

/** A vote session from untrusted data, or null when it is not one. */
export function parseVoteSession(value: unknown): VoteSession | null {
  if (!isObj(value)) return null
  const { id, dotsPerPerson, status } = value
  if (typeof id !== 'string' || !ID_RE.test(id)) return null
  if (typeof dotsPerPerson !== 'number' || !Number.isInteger(dotsPerPerson)) return null
  if (dotsPerPerson < 1 || dotsPerPerson > MAX_DOTS_PER_PERSON) return null
  if (status !== 'open' && status !== 'revealed' && status !== 'closed') return null
  let scope: VoteScope = { kind: 'all' }
  if (isObj(value.scope) && value.scope.kind === 'frame') {
    const frameId = value.scope.frameId
    if (typeof frameId !== 'string' || !SHAPE_ID_RE.test(frameId)) return null
    scope = { kind: 'frame', frameId: frameId as TLShapeId }
  } else if (!isObj(value.scope) || value.scope.kind !== 'all') {
    return null
  }
  return {
    id,
    question: typeof value.question === 'string' ? value.question.slice(0, MAX_QUESTION_LENGTH) : '',
    dotsPerPerson,
    scope,
    // When unclear, the more private and the more careful choice.
    anonymous: typeof value.anonymous === 'boolean' ? value.anonymous : true,
    reveal: value.reveal === 'live' ? 'live' : 'onReveal',
    status,
    startedAt: num(value.startedAt),
    startedBy: typeof value.startedBy === 'string' ? value.startedBy.slice(0, 128) : '',
  }
}

/** One ballot from untrusted data: malformed dots dropped, at most MAX_BALLOT_DOTS kept. */
export function parseBallot(value: unknown): Ballot | null {
  if (!isObj(value) || !Array.isArray(value.dots)) return null
  const dots: string[] = []
  for (const dot of value.dots) {
    if (dots.length >= MAX_BALLOT_DOTS) break
    if (typeof dot === 'string' && SHAPE_ID_RE.test(dot)) dots.push(dot)
  }
  const ballot: Ballot = { dots }
  if (isGroup(value.group)) ballot.group = value.group
  if (typeof value.voteId === 'string' && ID_RE.test(value.voteId)) ballot.voteId = value.voteId
  return ballot
}

/** Ballots from untrusted data; malformed entries and voter ids are dropped. */
export function parseBallots(value: unknown): Ballots {
  // No prototype: a voter id such as "__proto__" stays an ordinary (and here, invalid) key.
  const out = Object.create(null) as Ballots
  if (!isObj(value)) return out
  let count = 0
  for (const [voterId, raw] of Object.entries(value)) {
    if (count >= MAX_BALLOTS) break
    if (!ID_RE.test(voterId)) continue
    const ballot = parseBallot(raw)
    if (!ballot) continue
    out[voterId] = ballot
    count++
  }
  return out
}

/** The dots of a ballot that count, in order: on cards in scope, at most the allowance. */
export function countedDots(
  session: Pick<VoteSession, 'dotsPerPerson'>,
  ballot: Ballot,
  cardsInScope: ReadonlySet<string>,
): string[] {
  const limit = allowance(session)
  const out: string[] = []
  for (const dot of ballot.dots) {
    if (out.length >= limit) break
    if (cardsInScope.has(dot)) out.push(dot)
  }
  return out
}

export function dotsLeft(
  session: Pick<VoteSession, 'dotsPerPerson'>,
  ballot: Ballot | undefined,
  cardsInScope: ReadonlySet<string>,
): number {
  return allowance(session) - (ballot ? countedDots(session, ballot, cardsInScope).length : 0)
}

/**
 * The ballot with one more dot on `cardId`, or null when the vote is not open, the card is
 * not votable or no dot is left. Dots that no longer count are dropped on the way.
 */
export function placeDot(
  session: VoteSession,
  ballot: Ballot | undefined,
  cardId: string,
  cardsInScope: ReadonlySet<string>,
  group?: Group,
): Ballot | null {
  if (session.status !== 'open' || !cardsInScope.has(cardId)) return null
  const current = ballot && (ballot.voteId === undefined || ballot.voteId === session.id) ? ballot : { dots: [] }
  const dots = countedDots(session, current, cardsInScope)
  if (dots.length >= allowance(session)) return null
  const next: Ballot = { dots: [...dots, cardId], voteId: session.id }
  const declared = group ?? current.group
  if (declared) next.group = declared
  return next
}

/** The ballot with one dot fewer on `cardId` (the last one placed there); unchanged if none. */
export function removeDot(ballot: Ballot, cardId: string): Ballot {
  const at = ballot.dots.lastIndexOf(cardId)
  if (at < 0) return ballot
  return { ...ballot, dots: [...ballot.dots.slice(0, at), ...ballot.dots.slice(at + 1)] }
}

/**
 * Counts the votes. `ballots` is taken as read from the document and parsed here;
 * `cardsInScope` are the ids of the cards that may receive dots (see `cardsInScope`).
 */
export function tally(
  session: Pick<VoteSession, 'id' | 'dotsPerPerson'>,
  ballots: unknown,
  cardsInScope: Iterable<string>,
): Tally {
  const scope = cardsInScope instanceof Set ? (cardsInScope as ReadonlySet<string>) : new Set(cardsInScope)
  const byCard = new Map<string, CardVotes>()
  const total = emptyVotes()
  const voters = emptyVotes()
  for (const ballot of Object.values(parseBallots(ballots))) {
    if (ballot.voteId !== undefined && ballot.voteId !== session.id) continue
    const counted = countedDots(session, ballot, scope)
    if (!counted.length) continue
    const group: VoteGroup = ballot.group ?? 'undeclared'
    voters.total++
    voters.byGroup[group]++
    for (const cardId of counted) {
      let votes = byCard.get(cardId)
      if (!votes) byCard.set(cardId, (votes = emptyVotes()))
      votes.total++
      votes.byGroup[group]++
      total.total++
      total.byGroup[group]++
    }
  }
  const out = Object.create(null) as Record<string, CardVotes>
  for (const id of [...byCard.keys()].sort()) out[id] = byCard.get(id) as CardVotes
  return { byCard: out, total, voters }
}

/** Votes of one card from a tally; zeros when it got none. */
export function votesOf(result: Pick<Tally, 'byCard'> | undefined, cardId: string): CardVotes {
  const votes = result && Object.hasOwn(result.byCard, cardId) ? result.byCard[cardId] : undefined
  return votes ? { total: votes.total, byGroup: { ...votes.byGroup } } : emptyVotes()
}

/** Whether a person with this role may see the results now. */
export function resultsVisible(session: Pick<VoteSession, 'reveal' | 'status'>, role: Role): boolean {
  return role === Role.facilitator || session.reveal === 'live' || session.status !== 'open'
}

/**
 * Ids of the cards (note shapes) that may receive dots: every card on the board, or the cards
 * in a frame (its descendants, and notes on the same page whose centre is inside it).
 */
export function cardsInScope(records: Iterable<TLRecord>, scope: VoteScope): Set<string> {
  const shapes = shapesOf(records)
  const cards = shapes.filter(isCardShape)
  if (scope.kind === 'all') return new Set(cards.map((c) => c.id))
  const index = new ShapeIndex(shapes)
  const frame = index.get(scope.frameId)
  const frameT = index.pageTransform(scope.frameId)
  const page = index.pageOf(scope.frameId)
  const out = new Set<string>()
  if (!frame || !frameT || !page) return out
  const props = propsOf(frame)
  const w = num(props.w)
  const h = num(props.h)
  for (const card of cards) {
    if (index.isAncestor(frame.id, card.id)) {
      out.add(card.id)
      continue
    }
    const centre = index.pageCentre(card.id)
    if (!centre || index.pageOf(card.id) !== page) continue
    const local = applyInverse(frameT, centre)
    if (local.x >= 0 && local.y >= 0 && local.x < w && local.y < h) out.add(card.id)
  }
  return out
}
