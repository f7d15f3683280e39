/**
 * React access to the i18n layer: `useT()` gives `t(key, values)` in the person's language,
 * and `useLocale()` the language and a way to change it (remembered on the device).
 *
 * Only English is in the entry chunk. Another language is loaded before it is shown: at start
 * (main.tsx waits for the remembered one before the first render, so a returning reader never
 * sees the interface in English first) and on a change, where the interface keeps the current
 * language until the new one has arrived, then switches all at once, tldraw's menus included.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'
import type { TLUiOverrides } from 'tldraw'
import { en, type MessageKey } from './messages/en.ts'
import { pickLocale, type Locale } from './locales.ts'
import { loadCatalog, translateWith, type Catalog } from './catalog.ts'
import { NO_TLDRAW_OVERRIDES, loadTldrawOverrides } from './tldraw/tldrawLocale.ts'

const STORAGE_KEY = 'codesign:locale'

/** A language ready to show: our messages and what tldraw needs for its own. */
export type Language = { locale: Locale; catalog: Catalog; tldrawOverrides: TLUiOverrides }

export const ENGLISH: Language = { locale: 'en', catalog: en, tldrawOverrides: NO_TLDRAW_OVERRIDES }

type I18nValue = {
  locale: Locale
  setLocale: (locale: Locale) => void
  t: (key: MessageKey, values?: Record<string, string | number>) => string
  /** Give to tldraw's `overrides`: its translation for languages it lacks (Latvian). */
  tldrawOverrides: TLUiOverrides
}

const I18nContext = createContext<I18nValue | null>(null)

/** The language chosen on this device, else the browser's preferred one, else English. */
export function initialLocale(): Locale {
  let stored: string | null = null
  try {
    stored = localStorage.getItem(STORAGE_KEY)
  } catch {
    // Storage can be disabled (private mode); the browser's languages still apply.
  }
  return pickLocale(stored, navigator.languages ?? [navigator.language])
}

/** Loads what `locale` needs before it can be shown. */
export async function loadLanguage(locale: Locale): Promise<Language> {
  if (locale === 'en') return ENGLISH
  const [catalog, tldrawOverrides] = await Promise.all([loadCatalog(locale), loadTldrawOverrides(locale)])
  return { locale, catalog, tldrawOverrides }
}

export function I18nProvider({ initial = ENGLISH, children }: { initial?: Language; children: ReactNode }) {
  const [language, setLanguage] = useState<Language>(initial)
  /** The last language asked for: a slower load of an earlier choice must not win over it. */
  const wanted = useRef<Locale>(initial.locale)
  const setLocale = useCallback((next: Locale) => {
    wanted.current = next
    try {
      localStorage.setItem(STORAGE_KEY, next)
    } catch {
      // Not remembered on this device; the choice still applies to this page.
    }
    loadLanguage(next).then(
      (loaded) => {
        if (wanted.current === next) setLanguage(loaded)
      },
      (error: unknown) => {
        // Offline, and this language was never loaded on this page: the interface stays as it is.
        console.warn(`Could not load the language ${next}`, error)
      },
    )
  }, [])
  const value = useMemo<I18nValue>(
    () => ({
      locale: language.locale,
      setLocale,
      t: (key, values) => translateWith(language.catalog, key, values),
      tldrawOverrides: language.tldrawOverrides,
    }),
    [language, setLocale],
  )
  document.documentElement.lang = language.locale
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
