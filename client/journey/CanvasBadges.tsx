/**
 * Labels on the cards themselves: each card's kind (symbol and name, so colour is never the
 * only carrier), the signer's name, and during a vote the person's own dots and, when results
 * may be shown, the total. Drawn in a layer of the editor's container above the canvas and
 * below tldraw's interface (its `canvas-in-front` level), moved with the camera like the
 * shapes, and never in the way of the pointer. Screen readers get the same facts from the
 * outline, so the layer is hidden from them.
 *
 * Only the list of cards re-renders when cards are added, removed, change kind or get covered
 * by another card; a badge follows its own card's position by itself, so dragging one card
 * moves one badge. A card covered by another one painted above it shows no badge where it is
 * covered (see cardsKey).
 */
import { useMemo } from 'react'
import { createPortal } from 'react-dom'
import { Box, useValue, type Editor, type TLShapeId } from 'tldraw'
import { CardKind, cardAuthorOf, cardKindOf, isCardKind } from '../../shared/journey/cards.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import { CARD_KIND_SYMBOLS, kindLabelKey } from './kinds.ts'

type BadgeCard = {
  id: TLShapeId
  kind: CardKind
  author: string
  /** Another card lies over where this one's kind, dots or author label would show. */
  kindCovered: boolean
  dotsCovered: boolean
  authorCovered: boolean
}

/** Height of the bands the badges sit in, in the card's own units (scaled with it). */
const BAND = 44
/** Share of a label's place another card must cover to hide the label. */
const COVERED = 0.15

/**
 * The current page's cards as one string, so the list only re-renders when it changes. A
 * badge whose band is covered by a card painted above it is hidden: the layer is above every
 * shape, and a label showing through the card on top would name the wrong card.
 */
function cardsKey(editor: Editor, noteIds: ReadonlySet<TLShapeId>): string {
  if (noteIds.size === 0) return ''
  const page = editor.getCurrentPageId()
  const rank = new Map<TLShapeId, number>()
  editor.getCurrentPageShapesSorted().forEach((shape, i) => {
    if (noteIds.has(shape.id)) rank.set(shape.id, i)
  })
  // Covered: a card painted above hides a real part of the label's place (a sliver does not).
  const coveredAbove = (id: TLShapeId, zone: Box) => {
    const own = rank.get(id) ?? 0
    for (const other of editor.getShapeIdsInsideBounds(zone)) {
      const otherRank = rank.get(other)
      if (otherRank === undefined || otherRank <= own) continue
      const bounds = editor.getShapePageBounds(other)
      if (!bounds) continue
      const w = Math.min(bounds.maxX, zone.maxX) - Math.max(bounds.x, zone.x)
      const h = Math.min(bounds.maxY, zone.maxY) - Math.max(bounds.y, zone.y)
      if (w > 0 && h > 0 && (w * h) / (zone.w * zone.h) > COVERED) return true
    }
    return false
  }
  const parts: string[] = []
  for (const id of noteIds) {
    const shape = editor.getShape(id)
    if (shape?.type !== 'note' || editor.getAncestorPageId(shape) !== page) continue
    const bounds = editor.getShapePageBounds(id)
    let flags = '000'
    if (bounds) {
      const band = Math.min(BAND * (shape.props.scale || 1), bounds.h / 2)
      const { x, y, w, maxY } = bounds
      flags = [
        new Box(x, y, w * 0.6, band), // kind, top left
        new Box(x + w * 0.6, y, w * 0.4, band), // dots, top right
        new Box(x + w * 0.4, maxY - band, w * 0.6, band), // author, bottom right
      ]
        .map((zone) => (coveredAbove(id, zone) ? '1' : '0'))
        .join('')
    }
    parts.push(`${id}\u0001${cardKindOf(shape)}\u0001${cardAuthorOf(shape) ?? ''}\u0001${flags}`)
  }
  return parts.sort().join('\u0000')
}

function parseKey(key: string): BadgeCard[] {
  if (!key) return []
  return key.split('\u0000').map((entry) => {
    const [id = '', kind = '', author = '', covered = '000'] = entry.split('\u0001')
    return {
      id: id as TLShapeId,
      kind: isCardKind(kind) ? kind : CardKind.plain,
      author,
      kindCovered: covered[0] === '1',
      dotsCovered: covered[1] === '1',
      authorCovered: covered[2] === '1',
    }
  })
}

function Badge({ editor, card, total, mine }: { editor: Editor; card: BadgeCard; total: number; mine: number }) {
  const t = useT()
  const place = useValue(
    'codesign.badgePlace',
    () => {
      if (!editor.getShape(card.id)) return null
      const bounds = editor.getShapeGeometry(card.id).bounds
      return { transform: editor.getShapePageTransform(card.id).toCssString(), w: bounds.w, h: bounds.h }
    },
    [editor, card.id],
  )
  if (!place) return null
  return (
    <div className="jk-badge-box" style={{ transform: place.transform, width: place.w, height: place.h }} data-card-id={card.id} data-kind={card.kind}>
      {card.kind !== CardKind.plain && !card.kindCovered && (
        <span className="jk-badge jk-badge-kind" data-testid="card-badge">
          <span className="jk-badge-symbol">{CARD_KIND_SYMBOLS[card.kind]}</span>
          {t(kindLabelKey(card.kind))}
        </span>
      )}
      {(mine > 0 || total > 0) && !card.dotsCovered && (
        <span className="jk-badge jk-badge-dots" data-testid="card-dots" data-total={total} data-mine={mine}>
          {mine > 0 && <span className="jk-badge-mine">{'●'.repeat(Math.min(mine, 10))}</span>}
          {total > 0 && <span className="jk-badge-total">{total}</span>}
        </span>
      )}
      {card.author && !card.authorCovered && <span className="jk-badge jk-badge-author">{card.author}</span>}
    </div>
  )
}

function BadgeLayer({ editor, totals, mine }: { editor: Editor; totals: ReadonlyMap<string, number> | null; mine: ReadonlyMap<string, number> }) {
  const camera = useValue('codesign.badgeCamera', () => editor.getCamera(), [editor])
  // Every note on the board, kept up to date by the store's index (other shapes don't wake it).
  const noteIds = useMemo(() => editor.store.query.ids('shape', () => ({ type: { eq: 'note' as const } })), [editor])
  const key = useValue('codesign.badgeCards', () => cardsKey(editor, noteIds.get()), [editor, noteIds])
  const cards = parseKey(key)
  return (
    <div className="jk-canvas-layer" aria-hidden="true" data-testid="card-badges">
      <div className="jk-canvas-camera" style={{ transform: `scale(${camera.z}) translate(${camera.x}px, ${camera.y}px)` }}>
        {cards.map((card) => {
          const total = totals?.get(card.id) ?? 0
          const own = mine.get(card.id) ?? 0
          if (card.kind === CardKind.plain && !card.author && !total && !own) return null
          return <Badge key={card.id} editor={editor} card={card} total={total} mine={own} />
        })}
      </div>
    </div>
  )
}

/** The badges, in the editor's container. `totals` is null while results may not be shown. */
export function CanvasBadges(props: { editor: Editor; totals: ReadonlyMap<string, number> | null; mine: ReadonlyMap<string, number> }) {
  return createPortal(<BadgeLayer {...props} />, props.editor.getContainer())
}
