/**
 * Everything the kit shows, read from the board's records and the session: the maps as data
 * (stages x lanes x cards, shared/journey/model.ts), which cards the vote covers, its tally,
 * and the frames a vote can be limited to. One memoised computation per records snapshot.
 */
import { useMemo } from 'react'
import type { TLRecord, TLShapeId } from 'tldraw'
import { readBoard, type JourneyBoard, type JourneyCard } from '../../shared/journey/model.ts'
import { cardsInScope, tally, type Ballots, type Tally, type VoteSession } from '../../shared/journey/votes.ts'
import { mapMetaOf } from '../../shared/journey/mapMeta.ts'
import { TEMPLATE_NAME_KEYS, isTemplateId } from '../../shared/journey/templates.ts'

export type FrameChoice = { id: TLShapeId; name: string; isMap: boolean; templateNameKey?: (typeof TEMPLATE_NAME_KEYS)[keyof typeof TEMPLATE_NAME_KEYS] }

export type JourneyModel = {
  board: JourneyBoard
  /** Every card by id (maps and loose), for labels in the vote panel. */
  cards: ReadonlyMap<string, JourneyCard>
  /** Cards the current vote covers (empty without a vote). */
  scope: ReadonlySet<string>
  /** The current vote's tally (null without a vote). */
  tally: Tally | null
  /** Frames on the board (journey maps first), for a vote's scope. */
  frames: FrameChoice[]
}

function framesOf(records: readonly TLRecord[]): FrameChoice[] {
  const out: FrameChoice[] = []
  for (const record of records) {
    if (record.typeName !== 'shape' || record.type !== 'frame') continue
    const meta = mapMetaOf(record)
    const name = typeof record.props.name === 'string' ? record.props.name.trim() : ''
    const choice: FrameChoice = { id: record.id, name, isMap: meta !== null }
    if (meta && isTemplateId(meta.template)) choice.templateNameKey = TEMPLATE_NAME_KEYS[meta.template]
    out.push(choice)
  }
  return out.sort((a, b) => Number(b.isMap) - Number(a.isMap) || a.name.localeCompare(b.name))
}

export function computeModel(records: readonly TLRecord[], vote: VoteSession | null, ballots: Ballots): JourneyModel {
  const scope = vote ? cardsInScope(records, vote.scope) : new Set<string>()
  const result = vote ? tally(vote, ballots, scope) : null
  const board = readBoard(records, result ? { votes: result } : {})
  const cards = new Map<string, JourneyCard>()
  for (const map of board.maps) for (const cell of map.cells) for (const card of cell.cards) cards.set(card.id, card)
  for (const card of board.loose) cards.set(card.id, card)
  return { board, cards, scope, tally: result, frames: framesOf(records) }
}

export function useJourneyModel(records: readonly TLRecord[], vote: VoteSession | null, ballots: Ballots): JourneyModel {
  return useMemo(() => computeModel(records, vote, ballots), [records, vote, ballots])
}
