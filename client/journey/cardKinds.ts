/**
 * Card kinds on the canvas: the kind (and, when the person chose to sign, their name) given to
 * the notes they create, and a kind given to the notes they have selected. The kind lives in
 * the note's meta and its colour mirrors it (shared/journey/cards.ts).
 */
import type { Editor, TLNoteShape, TLShape } from 'tldraw'
import { CardKind, codesignMeta, isCardShape, withCardKind } from '../../shared/journey/cards.ts'

export type NewCardSettings = { kind: CardKind; author?: string }

/**
 * Gives every note this person creates on the canvas the chosen kind, unless it already has
 * one (a pasted or duplicated card keeps its own). Notes arriving from others are untouched.
 * A plain, unsigned card needs no meta: the note keeps whatever colour its author picked.
 */
export function giveNewCardsKind(editor: Editor, settings: () => NewCardSettings): () => void {
  return editor.sideEffects.registerBeforeCreateHandler('shape', (shape: TLShape, source) => {
    if (source !== 'user' || !isCardShape(shape) || codesignMeta(shape) !== undefined) return shape
    const { kind, author } = settings()
    if (kind === CardKind.plain && !author) return shape
    return withCardKind(shape, kind, author ?? null)
  })
}

/** The selected notes (unlocked ones), in selection order. */
export function selectedCards(editor: Editor): TLNoteShape[] {
  return editor.getSelectedShapes().filter((s): s is TLNoteShape => isCardShape(s) && !s.isLocked)
}

/** Changes the kind of the selected notes, as one undo step; returns how many changed. */
export function setKindOfSelected(editor: Editor, kind: CardKind): number {
  const cards = selectedCards(editor)
  if (!cards.length) return 0
  editor.markHistoryStoppingPoint('card kind')
  editor.updateShapes(
    cards.map((card) => {
      const next = withCardKind(card, kind)
      return { id: card.id, type: 'note' as const, props: { color: next.props.color }, meta: next.meta }
    }),
  )
  return cards.length
}
