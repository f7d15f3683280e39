/**
 * How tldraw's own interface follows the person's language. tldraw ships Italian and Spanish
 * itself; it ships no Latvian, so ours (lv.json: every key of tldraw's default English) is
 * given to it as a translation override, loaded (a chunk of its own) only when Latvian is chosen.
 *
 * Why an override and not `assetUrls.translations.lv`: tldraw 5.4.2 only fetches translations
 * for locales in its own LANGUAGES list. For any other locale it falls back to English and then
 * lays that locale's overrides over it, so locale 'lv' plus `overrides.translations.lv` gives a
 * complete Latvian interface (it logs one "No translation found for locale lv" warning).
 */
import type { TLUiOverrides, TLUiTranslationKey } from 'tldraw'
import type { Locale } from '../locales.ts'

/** The locale tldraw is given for each of ours. */
export const TLDRAW_LOCALE: Record<Locale, string> = { en: 'en', it: 'it', es: 'es', lv: 'lv' }

/** For the languages tldraw translates itself. Module-level: tldraw reloads its translation when the identity changes. */
export const NO_TLDRAW_OVERRIDES: TLUiOverrides = {}

let latvian: Promise<TLUiOverrides> | undefined

/** The overrides tldraw needs for `locale`; the same object each time for the same locale. */
export function loadTldrawOverrides(locale: Locale): Promise<TLUiOverrides> {
  if (locale !== 'lv') return Promise.resolve(NO_TLDRAW_OVERRIDES)
  latvian ??= import('./lv.json').then(({ default: json }) => {
    /** Typed against tldraw's own key list: a key tldraw adds in an upgrade fails the typecheck. */
    const lv: Record<TLUiTranslationKey, string> = json
    return { translations: { lv } }
  })
  // A failed load is tried again the next time Latvian is chosen.
  latvian.catch(() => (latvian = undefined))
  return latvian
}
