/**
 * Adds a card to a chosen cell of a map from the outline's form, for people who cannot (or
 * would rather not) place notes on the canvas: into the first free spot of the cell
 * (cellSlots.ts), as a child of the map's frame, with its kind and (if signed) author.
 */
import { createShapeId, toRichText, type Editor, type TLNoteShape, type TLShapeId } from 'tldraw'
import { CARD_KIND_COLORS, META_KEY, cardMeta, type CardKind } from '../../shared/journey/cards.ts'
import { mapMetaOf } from '../../shared/journey/mapMeta.ts'
import type { JourneyCard } from '../../shared/journey/model.ts'
import { cellRect, freeSlot } from './cellSlots.ts'

export type NewCard = {
  frameId: TLShapeId
  stageId: string | null
  laneId: string
  kind: CardKind
  text: string
  author?: string
  /** The cards already in that cell (page centres), from the model. */
  cellCards: readonly JourneyCard[]
}

/** Creates the note in the cell as one undo step; null when the map or cell is gone. */
export function addCardToCell(editor: Editor, card: NewCard): TLShapeId | null {
  const frame = editor.getShape(card.frameId)
  const meta = frame ? mapMetaOf(frame) : null
  const rect = meta && cellRect(meta, card.stageId, card.laneId)
  if (!frame || !rect) return null
  const taken = card.cellCards.map((c) => editor.getPointInShapeSpace(frame, { x: c.x, y: c.y }))
  const spot = freeSlot(rect, taken)
  const id = createShapeId()
  editor.markHistoryStoppingPoint('add card')
  editor.createShape<TLNoteShape>({
    id,
    type: 'note',
    parentId: frame.id,
    x: spot.x,
    y: spot.y,
    props: { richText: toRichText(card.text), color: CARD_KIND_COLORS[card.kind] },
    meta: { [META_KEY]: cardMeta(card.kind, card.author) },
  })
  return editor.getShape(id) ? id : null
}
