/** Display names of things the kit lists: a map (its frame's name, else its template's). */
import type { JourneyMap } from '../../shared/journey/model.ts'
import { TEMPLATE_NAME_KEYS, isTemplateId } from '../../shared/journey/templates.ts'
import type { useT } from '../i18n/I18nProvider.tsx'

type T = ReturnType<typeof useT>

export function mapName(map: JourneyMap, t: T): string {
  const name = map.name.trim()
  if (name) return name
  return isTemplateId(map.template) ? t(TEMPLATE_NAME_KEYS[map.template]) : t('report.untitledMap')
}
