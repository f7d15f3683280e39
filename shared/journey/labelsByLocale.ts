/**
 * The journey labels in a chosen language, for the server's reports and for anything else
 * that has a language tag but not the client's catalog: `journeyLabels('it')` gives a
 * `Translate` over the Italian table. An unknown language, or a key a table lacks or leaves
 * empty, falls back to English.
 */
import { JOURNEY_LABELS_EN, type JourneyLabelKey, type Translate } from './labels.ts'
import { JOURNEY_LABELS_IT } from './labels.it.ts'
import { JOURNEY_LABELS_ES } from './labels.es.ts'
import { JOURNEY_LABELS_LV } from './labels.lv.ts'

type LabelTable = Readonly<Record<JourneyLabelKey, string>>

/** Every language with its own table; English is the reference. */
export const JOURNEY_LABEL_TABLES = {
  en: JOURNEY_LABELS_EN,
  it: JOURNEY_LABELS_IT,
  es: JOURNEY_LABELS_ES,
  lv: JOURNEY_LABELS_LV,
} as const satisfies Record<string, LabelTable>

export type JourneyLabelLocale = keyof typeof JOURNEY_LABEL_TABLES

/** The table for a language tag ('it', 'it-IT', 'ES', 'lv_LV'...), or English. */
function tableFor(locale: string): LabelTable {
  const base = locale.trim().toLowerCase().split(/[-_]/)[0] ?? ''
  return Object.hasOwn(JOURNEY_LABEL_TABLES, base) ? JOURNEY_LABEL_TABLES[base as JourneyLabelLocale] : JOURNEY_LABELS_EN
}

export function journeyLabels(locale: string): Translate {
  const table = tableFor(locale)
  return (key) => {
    const text = table[key]
    return typeof text === 'string' && text !== '' ? text : JOURNEY_LABELS_EN[key]
  }
}

/**
 * The labels and language tag for a report in the language asked for (a query parameter,
 * untrusted): one of ours, or English.
 */
export function reportLanguage(requested: unknown): { t: Translate; lang: string } {
  const tag = typeof requested === 'string' ? requested.toLowerCase().split(/[-_]/)[0] ?? '' : ''
  const lang = tag === 'it' || tag === 'es' || tag === 'lv' ? tag : 'en'
  return { t: journeyLabels(lang), lang }
}
