/**
 * The outline: the journey maps of the board as a structured list (map, then stage, then
 * lane, then the cards with their kind, text, author and dots), for keyboard and screen-reader
 * users and anyone who prefers a list to a canvas. Choosing a card selects it on the board and
 * brings it into view; during a vote, cards that can get dots have buttons to add or remove
 * one. The facilitator edits the map's stages and lanes here; anyone who can edit adds cards.
 * It follows the board live (a throttled read of the records, see useBoardRecords.ts).
 */
import { useState } from 'react'
import type { Editor, TLPageId, TLShapeId } from 'tldraw'
import type { CardKind } from '../../shared/journey/cards.ts'
import type { JourneyCard, JourneyCell, JourneyMap } from '../../shared/journey/model.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import { KindChip } from './CardKindPicker.tsx'
import { AddCardForm } from './AddCardForm.tsx'
import { MapStructureEditor } from './MapStructureEditor.tsx'
import type { JourneyModel } from './journeyModel.ts'
import type { Voting } from './useVoting.ts'
import { cardTitle } from './VotePanel.tsx'
import { mapName } from './names.ts'
import { usePlural, type Plural } from './usePlural.ts'

export type OutlineVoting = {
  voting: Voting
  scope: ReadonlySet<string>
  onDot: (cardId: string, remove: boolean) => void
}

/** Selects the card and brings it into view, on its page. */
export function showCard(editor: Editor, card: Pick<JourneyCard, 'id' | 'pageId'>): void {
  const id = card.id as TLShapeId
  if (!editor.getShape(id)) return
  if (editor.getCurrentPageId() !== card.pageId) editor.setCurrentPage(card.pageId as TLPageId)
  editor.select(id)
  editor.zoomToSelection({ animation: { duration: 300 } })
}

function countText(n: number, plural: Plural): string {
  return plural(n, 'journey.outline.cardCount.one', 'journey.outline.cardCount.other')
}

function dotsText(n: number, plural: Plural): string {
  return plural(n, 'journey.outline.votes.one', 'journey.outline.votes.other')
}

function CardItem({
  card,
  editor,
  showVotes,
  voting,
}: {
  card: JourneyCard
  editor: Editor
  showVotes: boolean
  voting: OutlineVoting | null
}) {
  const t = useT()
  const plural = usePlural()
  const mine = voting?.voting.mine.get(card.id) ?? 0
  const votable = voting !== null && voting.voting.canVote && voting.scope.has(card.id)
  return (
    <li className="jk-card" data-testid="outline-card" data-card-id={card.id} data-kind={card.kind} data-votes={showVotes ? card.votes.total : undefined}>
      <button type="button" className="jk-card-link" onClick={() => showCard(editor, card)}>
        <KindChip kind={card.kind} />
        <span className="jk-card-text" data-testid="outline-card-text">
          {cardTitle(card, t)}
        </span>
        {card.author && <span className="jk-card-author">{t('journey.cards.signedBy', { name: card.author })}</span>}
        {showVotes && card.votes.total > 0 && <span className="jk-card-votes">{dotsText(card.votes.total, plural)}</span>}
        {mine > 0 && <span className="jk-card-mine">{t('journey.outline.myDots', { count: mine })}</span>}
      </button>
      {votable && (
        <span className="jk-row jk-dot-buttons">
          <button
            type="button"
            className="button jk-small"
            onClick={() => voting.onDot(card.id, false)}
            disabled={voting.voting.left === 0}
            aria-label={`${t('journey.outline.addDot')}: ${cardTitle(card, t)}`}
            data-testid="outline-add-dot"
          >
            <span aria-hidden="true">+ </span>
            {t('journey.outline.addDot')}
          </button>
          {mine > 0 && (
            <button
              type="button"
              className="button jk-small"
              onClick={() => voting.onDot(card.id, true)}
              aria-label={`${t('journey.outline.removeDot')}: ${cardTitle(card, t)}`}
              data-testid="outline-remove-dot"
            >
              <span aria-hidden="true">− </span>
              {t('journey.outline.removeDot')}
            </button>
          )}
        </span>
      )}
    </li>
  )
}

function CardList(props: { cards: readonly JourneyCard[]; editor: Editor; showVotes: boolean; voting: OutlineVoting | null }) {
  if (!props.cards.length) return null
  return (
    <ul className="jk-cards">
      {props.cards.map((card) => (
        <CardItem key={card.id} card={card} editor={props.editor} showVotes={props.showVotes} voting={props.voting} />
      ))}
    </ul>
  )
}

function CellItem({ cell, label, ...rest }: { cell: JourneyCell; label: string; editor: Editor; showVotes: boolean; voting: OutlineVoting | null }) {
  const t = useT()
  const plural = usePlural()
  return (
    <li className="jk-cell" data-testid="outline-cell" data-stage-id={cell.stageId ?? ''} data-lane-id={cell.laneId}>
      <span className="jk-cell-label">
        <span className="jk-cell-name">{label}</span>{' '}
        <span className={cell.cards.length ? 'jk-count' : 'jk-count jk-count-none'}>
          ({cell.cards.length ? countText(cell.cards.length, plural) : t('journey.outline.noCards')})
        </span>
      </span>
      <CardList cards={cell.cards} {...rest} />
    </li>
  )
}

function MapSection({
  map,
  editor,
  canStructure,
  showVotes,
  voting,
  announce,
}: {
  map: JourneyMap
  editor: Editor
  canStructure: boolean
  showVotes: boolean
  voting: OutlineVoting | null
  announce: (text: string) => void
}) {
  const t = useT()
  const plural = usePlural()
  const [editing, setEditing] = useState(false)
  const name = mapName(map, t)
  const shared = { editor, showVotes, voting }
  return (
    <section className="jk-map" data-testid="outline-map" data-map-id={map.id} aria-label={name}>
      <h3>{name}</h3>
      {canStructure && (
        <button type="button" className={`button jk-small${editing ? ' button-on' : ''}`} aria-expanded={editing} onClick={() => setEditing(!editing)} data-testid="edit-structure">
          {t(editing ? 'journey.structure.done' : 'journey.structure.edit')}
        </button>
      )}
      {canStructure && editing && <MapStructureEditor editor={editor} map={map} announce={announce} />}
      {map.layout === 'grid' ? (
        <ol className="jk-stages">
          {map.stages.map((stage) => {
            const cells = map.cells.filter((c) => c.stageId === stage.id)
            const count = cells.reduce((n, c) => n + c.cards.length, 0)
            return (
              <li key={stage.id} className="jk-stage" data-testid="outline-stage" data-stage-id={stage.id}>
                <h4>
                  {stage.label} <span className="jk-count">({countText(count, plural)})</span>
                </h4>
                <ul className="jk-cells">
                  {cells.map((cell) => (
                    <CellItem key={cell.laneId} cell={cell} label={map.lanes.find((l) => l.id === cell.laneId)?.label ?? ''} {...shared} />
                  ))}
                </ul>
              </li>
            )
          })}
        </ol>
      ) : (
        <ul className="jk-cells">
          {map.cells.map((cell) => (
            <CellItem key={cell.laneId} cell={cell} label={map.lanes.find((l) => l.id === cell.laneId)?.label ?? ''} {...shared} />
          ))}
        </ul>
      )}
    </section>
  )
}

export function OutlinePanel({
  editor,
  model,
  canEdit,
  canStructure,
  showVotes,
  voting,
  nextKind,
  author,
  announce,
}: {
  editor: Editor
  model: JourneyModel
  canEdit: boolean
  canStructure: boolean
  showVotes: boolean
  voting: OutlineVoting | null
  nextKind: CardKind
  author?: string
  announce: (text: string) => void
}) {
  const t = useT()
  const plural = usePlural()
  const { maps, loose } = model.board
  return (
    <div className="jk-stack jk-outline" data-testid="outline">
      <p className="hint">{t('journey.outline.help')}</p>
      {maps.length === 0 && <p data-testid="outline-empty">{t(canStructure ? 'journey.outline.emptyFacilitator' : 'journey.outline.empty')}</p>}
      {maps.map((map) => (
        <MapSection key={map.id} map={map} editor={editor} canStructure={canStructure} showVotes={showVotes} voting={voting} announce={announce} />
      ))}
      {loose.length > 0 && (
        <section className="jk-map" data-testid="outline-loose" aria-label={t('journey.outline.loose')}>
          <h3>
            {t('journey.outline.loose')} <span className="jk-count">({countText(loose.length, plural)})</span>
          </h3>
          <CardList cards={loose} editor={editor} showVotes={showVotes} voting={voting} />
        </section>
      )}
      {canEdit && maps.length > 0 && <AddCardForm editor={editor} maps={maps} initialKind={nextKind} author={author} announce={announce} />}
    </div>
  )
}
