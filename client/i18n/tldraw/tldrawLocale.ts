/**
 * How tldraw's own interface follows the person's language. tldraw ships Italian and Spanish
 * itself; it ships no Latvian, so ours (lv.json: every key of tldraw's default English) is
 * given to it as a translation override.
 *
 * Why an override and not `assetUrls.translations.lv`: tldraw 5.4.2 only fetches translations
 * for locales in its own LANGUAGES list. For any other locale it falls back to English and then
 * lays that locale's overrides over it, so locale 'lv' plus `overrides.translations.lv` gives a
 * complete Latvian interface (it logs one "No translation found for locale lv" warning).
 */
import type { TLUiOverrides, TLUiTranslationKey } from 'tldraw'
import type { Locale } from '../locales.ts'
import lvJson from './lv.json'

/** Typed against tldraw's own key list: a key tldraw adds in an upgrade fails the typecheck. */
const lv: Record<TLUiTranslationKey, string> = lvJson

/** The locale tldraw is given for each of ours. */
export const TLDRAW_LOCALE: Record<Locale, string> = { en: 'en', it: 'it', es: 'es', lv: 'lv' }

/** Module-level so its identity is stable: tldraw reloads its translation when it changes. */
export const TLDRAW_TRANSLATION_OVERRIDES: TLUiOverrides = { translations: { lv } }
