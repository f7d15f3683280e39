/**
 * Dot voting: tallies per group, the allowance holding against a forged document, ballots
 * and sessions validated without throwing, and which cards a vote covers.
 */
import { describe, expect, it } from 'vitest'
import { createShapeId, toRichText, type TLNoteShape, type TLPageId, type TLRecord, type TLShape, type TLShapeId } from '@tldraw/tlschema'
import { createTemplate } from '../../shared/journey/templates.ts'
import {
  MAX_DOTS_PER_PERSON,
  cardsInScope,
  countedDots,
  dotsLeft,
  parseBallots,
  parseVoteSession,
  placeDot,
  removeDot,
  resultsVisible,
  tally,
  type VoteSession,
} from '../../shared/journey/votes.ts'

const A = createShapeId('a')
const B = createShapeId('b')
const C = createShapeId('c')
const CARDS = [A, B, C]

const session: VoteSession = {
  id: 'vote-1',
  question: 'Which pain points hurt most?',
  dotsPerPerson: 3,
  scope: { kind: 'all' },
  anonymous: true,
  reveal: 'onReveal',
  status: 'open',
  startedAt: 1_700_000_000_000,
  startedBy: 'user:facilitator',
}

describe('tally', () => {
  it('counts dots per card and per declared group', () => {
    const result = tally(
      session,
      {
        citizen1: { group: 'citizen', dots: [A, A, B] },
        citizen2: { group: 'citizen', dots: [A] },
        official: { group: 'official', dots: [B, C, C] },
        someone: { dots: [C] },
      },
      CARDS,
    )
    expect(result.byCard[A]).toEqual({ total: 3, byGroup: { citizen: 3, official: 0, other: 0, undeclared: 0 } })
    expect(result.byCard[B]).toEqual({ total: 2, byGroup: { citizen: 1, official: 1, other: 0, undeclared: 0 } })
    expect(result.byCard[C]).toEqual({ total: 3, byGroup: { citizen: 0, official: 2, other: 0, undeclared: 1 } })
    expect(result.total.total).toBe(8)
    expect(result.voters).toEqual({ total: 4, byGroup: { citizen: 2, official: 1, other: 0, undeclared: 1 } })
  })

  it('lets a person stack dots on one card, up to the allowance', () => {
    const result = tally(session, { u: { dots: [A, A, A, A, A] } }, CARDS)
    expect(result.byCard[A]?.total).toBe(3)
  })

  it('holds the allowance against a forged ballot of 50 dots', () => {
    const forged = { forger: { group: 'official', dots: Array.from({ length: 50 }, (_, i) => CARDS[i % 3]) } }
    const result = tally(session, forged, CARDS)
    expect(result.total.total).toBe(3)
    expect(result.byCard[A]?.total).toBe(1)
    expect(result.byCard[B]?.total).toBe(1)
    expect(result.byCard[C]?.total).toBe(1)
  })

  it('holds the allowance even when the session itself is forged', () => {
    const result = tally({ id: 'vote-1', dotsPerPerson: 1e9 }, { u: { dots: Array(500).fill(A) } }, CARDS)
    expect(result.total.total).toBe(MAX_DOTS_PER_PERSON)
    expect(tally({ id: 'vote-1', dotsPerPerson: Number.NaN }, { u: { dots: [A] } }, CARDS).total.total).toBe(0)
    expect(tally({ id: 'vote-1', dotsPerPerson: -5 }, { u: { dots: [A] } }, CARDS).total.total).toBe(0)
  })

  it('ignores dots on unknown cards and cards out of scope, which do not use up the allowance', () => {
    const result = tally(session, { u: { dots: ['shape:deleted', 'shape:elsewhere', A, B, C, A] } }, CARDS)
    expect(result.total.total).toBe(3)
    expect(Object.keys(result.byCard).sort()).toEqual([A, B, C].sort())
  })

  it('ignores malformed ballots and values, and ballots of another vote, and survives a __proto__ voter', () => {
    // JSON.parse makes "__proto__" an own key, as a forged document would.
    const proto = JSON.parse(`{"__proto__": {"dots": ["${C}", "${C}", "${C}"]}}`) as object
    const result = tally(
      session,
      {
        ...proto,
        nothing: null,
        text: 'A,A,A',
        notAList: { dots: A },
        numbers: { dots: [1, 2, { id: A }] },
        badGroup: { group: 'facilitator', dots: [A] },
        oldVote: { voteId: 'vote-0', dots: [B, B, B] },
        'bad id with spaces': { dots: [C] },
      },
      CARDS,
    )
    expect(result.byCard[A]).toEqual({ total: 1, byGroup: { citizen: 0, official: 0, other: 0, undeclared: 1 } })
    expect(result.byCard[B]).toBeUndefined()
    // "__proto__" is an odd but ordinary voter id: counted within the allowance, no pollution.
    expect(result.byCard[C]?.total).toBe(3)
    expect(({} as Record<string, unknown>).dots).toBeUndefined()
    expect(tally(session, 'garbage', CARDS).total.total).toBe(0)
    expect(tally(session, [{ dots: [A] }], CARDS).total.total).toBe(0)
  })

  it('does not depend on the order ballots are listed in', () => {
    const ballots = { x: { group: 'citizen', dots: [A, B] }, y: { group: 'other', dots: [B, C] } }
    const reversed = Object.fromEntries(Object.entries(ballots).reverse())
    expect(tally(session, reversed, CARDS)).toEqual(tally(session, ballots, CARDS))
  })
})

describe('ballots', () => {
  const scope = new Set<string>(CARDS)

  it('places dots until none are left, and removes them again', () => {
    let ballot = placeDot(session, undefined, A, scope, 'citizen')
    expect(ballot).toEqual({ dots: [A], voteId: 'vote-1', group: 'citizen' })
    ballot = placeDot(session, ballot!, A, scope)
    ballot = placeDot(session, ballot!, B, scope)
    expect(dotsLeft(session, ballot!, scope)).toBe(0)
    expect(placeDot(session, ballot!, C, scope)).toBeNull()
    ballot = removeDot(ballot!, A)
    expect(ballot.dots).toEqual([A, B])
    expect(dotsLeft(session, ballot, scope)).toBe(1)
  })

  it('refuses a dot on a card out of scope, or once the vote is revealed or closed', () => {
    expect(placeDot(session, undefined, 'shape:elsewhere', scope)).toBeNull()
    expect(placeDot({ ...session, status: 'revealed' }, undefined, A, scope)).toBeNull()
    expect(placeDot({ ...session, status: 'closed' }, undefined, A, scope)).toBeNull()
  })

  it('gives dots back when their card is deleted, and starts afresh in a new vote', () => {
    const ballot = { dots: [A, B, C], voteId: 'vote-1' }
    expect(dotsLeft(session, ballot, new Set([A, B]))).toBe(1)
    expect(countedDots(session, ballot, new Set([A, B]))).toEqual([A, B])
    expect(placeDot({ ...session, id: 'vote-2' }, ballot, C, scope)).toEqual({ dots: [C], voteId: 'vote-2' })
  })

  it('parses ballots, dropping what is malformed and capping long dot lists', () => {
    const parsed = parseBallots({ ok: { dots: [A, 3, B], group: 'official' }, long: { dots: Array(1000).fill(A) }, bad: 5 })
    expect(Object.keys(parsed)).toEqual(['ok', 'long'])
    expect(parsed.ok).toEqual({ dots: [A, B], group: 'official' })
    expect(parsed.long?.dots).toHaveLength(100)
    expect(parseBallots(null)).toEqual({})
  })
})

describe('parseVoteSession', () => {
  it('accepts a valid session as it is', () => {
    expect(parseVoteSession(JSON.parse(JSON.stringify(session)))).toEqual(session)
    const framed = { ...session, scope: { kind: 'frame', frameId: 'shape:map' } }
    expect(parseVoteSession(framed)?.scope).toEqual({ kind: 'frame', frameId: 'shape:map' })
  })

  it('refuses what is not a session, without throwing', () => {
    for (const value of [
      null,
      'vote',
      [],
      { ...session, id: '' },
      { ...session, dotsPerPerson: 0 },
      { ...session, dotsPerPerson: 2.5 },
      { ...session, dotsPerPerson: 1000 },
      { ...session, status: 'paused' },
      { ...session, scope: { kind: 'frame', frameId: 'page:x' } },
      { ...session, scope: { kind: 'some' } },
    ]) {
      expect(parseVoteSession(value)).toBeNull()
    }
  })

  it('falls back to the careful choice for unclear presentation fields', () => {
    const parsed = parseVoteSession({ ...session, anonymous: 'no', reveal: 'sometimes', question: 7, startedAt: 'now' })
    expect(parsed).toMatchObject({ anonymous: true, reveal: 'onReveal', question: '', startedAt: 0 })
    expect(parseVoteSession({ ...session, question: 'q'.repeat(5000) })?.question).toHaveLength(300)
  })
})

describe('resultsVisible', () => {
  it('shows results to the facilitator always, to others live or once revealed', () => {
    expect(resultsVisible(session, 'facilitator')).toBe(true)
    expect(resultsVisible(session, 'editor')).toBe(false)
    expect(resultsVisible({ ...session, reveal: 'live' }, 'viewer')).toBe(true)
    expect(resultsVisible({ ...session, status: 'revealed' }, 'editor')).toBe(true)
    expect(resultsVisible({ ...session, status: 'closed' }, 'viewer')).toBe(true)
  })
})

describe('cardsInScope', () => {
  const PAGE = 'page:main' as TLPageId
  let n = 0
  const newId = (): TLShapeId => createShapeId(`s${++n}`)
  const [frame, ...parts] = createTemplate('stakeholders', { parentId: PAGE, x: 0, y: 0, newId })
  const note = (name: string, parentId: string, x: number, y: number): TLNoteShape => ({
    id: createShapeId(name),
    typeName: 'shape',
    type: 'note',
    x,
    y,
    rotation: 0,
    index: 'b00' as TLShape['index'],
    parentId: parentId as TLNoteShape['parentId'],
    isLocked: false,
    opacity: 1,
    props: {
      color: 'black',
      labelColor: 'black',
      size: 'm',
      font: 'draw',
      fontSizeAdjustment: 1,
      align: 'middle',
      verticalAlign: 'middle',
      growY: 0,
      url: '',
      richText: toRichText(name),
      scale: 1,
      textLastEditedBy: null,
    },
    meta: {},
  })
  const records: TLRecord[] = [
    frame!,
    ...parts,
    note('child', frame!.id, 500, 500),
    note('overFrame', PAGE, 900, 900),
    note('outside', PAGE, 5000, 5000),
    note('otherPage', 'page:other', 900, 900),
  ]

  it('covers every card, or the cards in one frame', () => {
    expect(cardsInScope(records, { kind: 'all' }).size).toBe(4)
    expect([...cardsInScope(records, { kind: 'frame', frameId: frame!.id })].sort()).toEqual(
      [createShapeId('child'), createShapeId('overFrame')].sort(),
    )
    expect(cardsInScope(records, { kind: 'frame', frameId: createShapeId('gone') }).size).toBe(0)
  })
})
