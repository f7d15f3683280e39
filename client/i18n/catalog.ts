/**
 * The message catalogs by language. English is complete, the fallback, and part of the entry
 * chunk, so the first paint has it. Each other language is a chunk of its own, loaded when it
 * is chosen (`loadCatalog`): nobody downloads the languages they do not read. A key a catalog
 * lacks shows in English; tests/unit/i18n.test.ts fails on any.
 */
import { en, type MessageKey, type Messages } from './messages/en.ts'
import { format, type Locale } from './locales.ts'

export type Catalog = Partial<Messages>

const LOADERS: Record<Exclude<Locale, 'en'>, () => Promise<Catalog>> = {
  it: async () => (await import('./messages/it.ts')).it,
  es: async () => (await import('./messages/es.ts')).es,
  lv: async () => (await import('./messages/lv.ts')).lv,
}

/**
 * The catalogs loaded so far. A cache of modules that never change, as the module loader keeps
 * them anyway; it lets `translate` stay synchronous.
 */
const loaded: Partial<Record<Locale, Catalog>> = { en }

/** The catalog of `locale`, loading its chunk the first time. */
export async function loadCatalog(locale: Locale): Promise<Catalog> {
  if (locale === 'en') return en
  const catalog = loaded[locale] ?? (await LOADERS[locale]())
  loaded[locale] = catalog
  return catalog
}

/** `key` in `catalog` with its `{name}` slots filled; English where the catalog lacks it. */
export function translateWith(catalog: Catalog, key: MessageKey, values?: Record<string, string | number>): string {
  return format(catalog[key] ?? en[key], values)
}

/** `key` in `locale` if that language is loaded (see loadCatalog), else in English. */
export function translate(locale: Locale, key: MessageKey, values?: Record<string, string | number>): string {
  return translateWith(loaded[locale] ?? en, key, values)
}
