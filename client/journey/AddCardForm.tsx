/**
 * Adding a card from the outline: choose the map, stage and lane (or area), the kind, write
 * the text, and the card appears in that cell on the board, in a free spot. The choices stay
 * for the next card; focus returns to the text field.
 */
import { useId, useRef, useState } from 'react'
import type { Editor, TLShapeId } from 'tldraw'
import { CARD_KINDS, type CardKind } from '../../shared/journey/cards.ts'
import type { JourneyMap } from '../../shared/journey/model.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import { addCardToCell } from './addCard.ts'
import { kindLabelKey } from './kinds.ts'
import { mapName } from './names.ts'

export function AddCardForm({
  editor,
  maps,
  initialKind,
  author,
  announce,
}: {
  editor: Editor
  maps: readonly JourneyMap[]
  initialKind: CardKind
  /** The person's name when they sign their cards. */
  author?: string
  announce: (text: string) => void
}) {
  const t = useT()
  const ids = { map: useId(), stage: useId(), lane: useId(), kind: useId(), text: useId() }
  const textRef = useRef<HTMLTextAreaElement>(null)
  const [mapId, setMapId] = useState<string>('')
  const [stageId, setStageId] = useState<string>('')
  const [laneId, setLaneId] = useState<string>('')
  const [kind, setKind] = useState<CardKind>(initialKind)
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)

  // Choices that no longer exist (a map deleted, a stage removed) fall back to the first.
  const map = maps.find((m) => m.id === mapId) ?? maps[0]
  if (!map) return null
  const isGrid = map.layout === 'grid'
  const stage = isGrid ? (map.stages.find((s) => s.id === stageId) ?? map.stages[0]) : undefined
  const lane = map.lanes.find((l) => l.id === laneId) ?? map.lanes[0]

  return (
    <form
      className="jk-stack jk-add-card"
      data-testid="add-card-form"
      onSubmit={(event) => {
        event.preventDefault()
        const words = text.trim()
        if (!words) {
          setError(t('journey.add.error.empty'))
          textRef.current?.focus()
          return
        }
        if (!lane) return
        const cell = map.cells.find((c) => c.stageId === (stage?.id ?? null) && c.laneId === lane.id)
        const id = addCardToCell(editor, {
          frameId: map.id as TLShapeId,
          stageId: stage?.id ?? null,
          laneId: lane.id,
          kind,
          text: words,
          ...(author ? { author } : {}),
          cellCards: cell?.cards ?? [],
        })
        if (!id) return
        setText('')
        setError(null)
        const place = stage ? t('journey.outline.inCell', { stage: stage.label, lane: lane.label }) : lane.label
        announce(t('journey.add.added', { place }))
        textRef.current?.focus()
      }}
    >
      <h3>{t('journey.add.title')}</h3>
      {maps.length > 1 && (
        <>
          <label htmlFor={ids.map}>{t('journey.add.map')}</label>
          <select id={ids.map} value={map.id} onChange={(event) => setMapId(event.target.value)} data-testid="add-card-map">
            {maps.map((m) => (
              <option key={m.id} value={m.id}>
                {mapName(m, t)}
              </option>
            ))}
          </select>
        </>
      )}
      {isGrid && stage && (
        <>
          <label htmlFor={ids.stage}>{t('journey.add.stage')}</label>
          <select id={ids.stage} value={stage.id} onChange={(event) => setStageId(event.target.value)} data-testid="add-card-stage">
            {map.stages.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </>
      )}
      {lane && (
        <>
          <label htmlFor={ids.lane}>{t(isGrid ? 'journey.add.lane' : 'journey.add.area')}</label>
          <select id={ids.lane} value={lane.id} onChange={(event) => setLaneId(event.target.value)} data-testid="add-card-lane">
            {map.lanes.map((l) => (
              <option key={l.id} value={l.id}>
                {l.label}
              </option>
            ))}
          </select>
        </>
      )}
      <label htmlFor={ids.kind}>{t('journey.add.kind')}</label>
      <select id={ids.kind} value={kind} onChange={(event) => setKind(event.target.value as CardKind)} data-testid="add-card-kind">
        {CARD_KINDS.map((k) => (
          <option key={k} value={k}>
            {t(kindLabelKey(k))}
          </option>
        ))}
      </select>
      <label htmlFor={ids.text}>{t('journey.add.text')}</label>
      <textarea
        id={ids.text}
        ref={textRef}
        value={text}
        onChange={(event) => setText(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${ids.text}-error` : undefined}
        data-testid="add-card-text"
      />
      {error && (
        <p id={`${ids.text}-error`} className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button button-primary" data-testid="add-card-submit">
        {t('journey.add.submit')}
      </button>
    </form>
  )
}
