/**
 * The message catalogs by language. English is complete and the fallback; the other
 * languages are loaded from their own files and may (for now) lack keys, which then show
 * in English. tests/unit/i18n.test.ts lists what each language still lacks.
 */
import { en, type MessageKey, type Messages } from './messages/en.ts'
import { it } from './messages/it.ts'
import { es } from './messages/es.ts'
import { lv } from './messages/lv.ts'
import { format, type Locale } from './locales.ts'

export const CATALOGS: Record<Locale, Partial<Messages>> = { en, it, es, lv }

export function translate(locale: Locale, key: MessageKey, values?: Record<string, string | number>): string {
  const template = CATALOGS[locale][key] ?? en[key]
  return format(template, values)
}
