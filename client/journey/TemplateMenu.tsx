/**
 * The facilitator's "insert a template" panel: the four templates with a line on what each is
 * for, and where to put it (next to what is on this page, or on a new page).
 */
import { useId, useState } from 'react'
import type { Editor } from 'tldraw'
import { TEMPLATES, TEMPLATE_NAME_KEYS, type TemplateId } from '../../shared/journey/templates.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import type { MessageKey } from '../i18n/messages/en.ts'
import { insertTemplate, type TemplatePlace } from './insertTemplate.ts'

const DESCRIPTION_KEYS: Record<TemplateId, MessageKey> = {
  journey: 'journey.templates.description.journey',
  blueprint: 'journey.templates.description.blueprint',
  stakeholders: 'journey.templates.description.stakeholders',
  persona: 'journey.templates.description.persona',
}

export function TemplateMenu({ editor, onInserted }: { editor: Editor; onInserted: (message: string) => void }) {
  const t = useT()
  const [place, setPlace] = useState<TemplatePlace>('here')
  const name = useId()
  return (
    <div className="jk-stack">
      <p className="hint">{t('journey.templates.help')}</p>
      <fieldset className="choices">
        <legend>{t('journey.templates.where')}</legend>
        {(['here', 'newPage'] as const).map((p) => (
          <label key={p} className="choice">
            <input type="radio" name={name} checked={place === p} onChange={() => setPlace(p)} data-testid={`template-place-${p}`} />
            <span>{t(p === 'here' ? 'journey.templates.here' : 'journey.templates.newPage')}</span>
          </label>
        ))}
      </fieldset>
      <ul className="jk-template-list">
        {TEMPLATES.map((template) => {
          const title = t(TEMPLATE_NAME_KEYS[template])
          return (
            <li key={template}>
              <button
                type="button"
                className="button jk-template-button"
                onClick={() => {
                  insertTemplate(editor, template, place, (key) => t(key), title)
                  onInserted(t('journey.templates.inserted', { name: title }))
                }}
                data-testid={`insert-template-${template}`}
              >
                <span className="jk-template-name">{t('journey.templates.insert', { name: title })}</span>
                <span className="jk-template-description">{t(DESCRIPTION_KEYS[template])}</span>
              </button>
            </li>
          )
        })}
      </ul>
    </div>
  )
}
