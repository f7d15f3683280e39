/**
 * React access to the i18n layer: `useT()` gives `t(key, values)` in the person's language,
 * and `useLocale()` the language and a way to change it (remembered on the device).
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'
import type { MessageKey } from './messages/en.ts'
import { pickLocale, type Locale } from './locales.ts'
import { translate } from './catalog.ts'

const STORAGE_KEY = 'codesign:locale'

type I18nValue = {
  locale: Locale
  setLocale: (locale: Locale) => void
  t: (key: MessageKey, values?: Record<string, string | number>) => string
}

const I18nContext = createContext<I18nValue | null>(null)

function initialLocale(): Locale {
  let stored: string | null = null
  try {
    stored = localStorage.getItem(STORAGE_KEY)
  } catch {
    // Storage can be disabled (private mode); the browser's languages still apply.
  }
  return pickLocale(stored, navigator.languages ?? [navigator.language])
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale)
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next)
    try {
      localStorage.setItem(STORAGE_KEY, next)
    } catch {
      // Not remembered on this device; the choice still applies to this page.
    }
  }, [])
  const value = useMemo<I18nValue>(
    () => ({ locale, setLocale, t: (key, values) => translate(locale, key, values) }),
    [locale, setLocale],
  )
  document.documentElement.lang = locale
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext)
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>')
  return value
}

export function useT(): I18nValue['t'] {
  return useI18n().t
}
