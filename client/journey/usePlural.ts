/**
 * Picks the singular or plural form of a message by the language's own plural rules (Latvian,
 * for one, does not put 21 with 2), like the board's status line does.
 */
import { useCallback } from 'react'
import { useI18n } from '../i18n/I18nProvider.tsx'
import type { MessageKey } from '../i18n/messages/en.ts'

export type Plural = (count: number, one: MessageKey, other: MessageKey, values?: Record<string, string | number>) => string

export function usePlural(): Plural {
  const { t, locale } = useI18n()
  return useCallback(
    (count, one, other, values) => t(new Intl.PluralRules(locale).select(count) === 'one' ? one : other, { count, ...values }),
    [t, locale],
  )
}
