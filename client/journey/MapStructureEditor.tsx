/**
 * The facilitator's form for a map's structure: a field per stage and lane (or area) to
 * rename it, and buttons to add a stage after one or remove one. A rename is applied when the
 * field is left or Enter is pressed, as one undo step on the board.
 */
import { useEffect, useState } from 'react'
import type { Editor, TLShapeId } from 'tldraw'
import type { HeadingRef } from '../../shared/journey/mapEdits.ts'
import type { JourneyMap } from '../../shared/journey/model.ts'
import { MAX_HEADING_LABEL_LENGTH } from '../../shared/journey/mapMeta.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import { addMapStage, removeMapStage, renameMapHeading } from './mapStructure.ts'

function HeadingField({
  label,
  value,
  onCommit,
  testId,
}: {
  label: string
  value: string
  onCommit: (next: string) => void
  testId: string
}) {
  const [draft, setDraft] = useState(value)
  // Someone else renamed it meanwhile: show theirs.
  useEffect(() => setDraft(value), [value])
  const commit = () => {
    const next = draft.trim()
    if (next && next !== value) onCommit(next)
    else setDraft(value)
  }
  return (
    <input
      type="text"
      aria-label={label}
      value={draft}
      maxLength={MAX_HEADING_LABEL_LENGTH}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault()
          commit()
        } else if (event.key === 'Escape' && draft !== value) {
          // First Escape undoes the typing; the next one closes the panel.
          event.stopPropagation()
          setDraft(value)
        }
      }}
      data-testid={testId}
    />
  )
}

export function MapStructureEditor({ editor, map, announce }: { editor: Editor; map: JourneyMap; announce: (text: string) => void }) {
  const t = useT()
  const frameId = map.id as TLShapeId
  const rename = (ref: HeadingRef, name: string) => {
    if (renameMapHeading(editor, frameId, ref, name)) announce(t('journey.structure.renamed', { name }))
  }
  const isGrid = map.layout === 'grid'
  return (
    <div className="jk-structure jk-stack" data-testid="map-structure">
      <p className="hint">{t('journey.structure.help')}</p>
      {isGrid && (
        <>
          <h4>{t('journey.structure.stages')}</h4>
          <ol className="jk-heading-list">
            {map.stages.map((stage, i) => (
              <li key={stage.id} className="jk-heading-row">
                <HeadingField
                  label={t('journey.structure.stageName', { n: i + 1 })}
                  value={stage.label}
                  onCommit={(name) => rename({ stageId: stage.id }, name)}
                  testId="stage-name"
                />
                <div className="jk-row">
                  <button
                    type="button"
                    className="button jk-small"
                    aria-label={t('journey.structure.addAfter', { name: stage.label })}
                    onClick={() => {
                      if (addMapStage(editor, frameId, stage.id, (key) => t(key))) announce(t('journey.structure.added'))
                    }}
                    data-testid="stage-add-after"
                  >
                    {t('journey.structure.addAfter.short')}
                  </button>
                  <button
                    type="button"
                    className="button jk-small button-danger-outline"
                    aria-label={t('journey.structure.remove', { name: stage.label })}
                    disabled={map.stages.length < 2}
                    onClick={() => {
                      if (removeMapStage(editor, frameId, stage.id)) announce(t('journey.structure.removed'))
                    }}
                    data-testid="stage-remove"
                  >
                    {t('journey.structure.remove.short')}
                  </button>
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
      <h4>{t(isGrid ? 'journey.structure.lanes' : 'journey.structure.areas')}</h4>
      <ol className="jk-heading-list">
        {map.lanes.map((lane, i) => (
          <li key={lane.id} className="jk-heading-row">
            <HeadingField
              label={t(isGrid ? 'journey.structure.laneName' : 'journey.structure.areaName', { n: i + 1 })}
              value={lane.label}
              onCommit={(name) => rename(isGrid ? { laneId: lane.id } : { areaId: lane.id }, name)}
              testId="lane-name"
            />
          </li>
        ))}
      </ol>
    </div>
  )
}
