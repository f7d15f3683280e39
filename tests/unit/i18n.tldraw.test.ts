/**
 * Our Latvian translation of tldraw's own interface (client/i18n/tldraw/lv.json) covers every
 * key of tldraw's default English in the installed version, with no empty string, the same
 * `{name}` slots, and nothing left in English but names and formats that read the same.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import lv from '../../client/i18n/tldraw/lv.json' with { type: 'json' }
import { TLDRAW_LOCALE, loadTldrawOverrides } from '../../client/i18n/tldraw/tldrawLocale.ts'

const require = createRequire(import.meta.url)
const mainPath = require.resolve('@tldraw/assets/translations/main.json')
const english = JSON.parse(readFileSync(mainPath, 'utf8')) as Record<string, string>
const latvian: Record<string, string> = lv

/** Strings that are the same in Latvian: file formats, percentages, product names. */
const SAME_IN_LATVIAN = /^(JSON|PNG|SVG|URL|Video|Discord|GitHub|Twitter|\d+%)$/

function slotsOf(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort()
}

describe("the Latvian translation of tldraw's interface", () => {
  it("has every key of tldraw's default English, and no other", () => {
    const englishKeys = Object.keys(english)
    expect(englishKeys.length).toBeGreaterThan(500)
    expect(englishKeys.filter((key) => !(key in latvian))).toEqual([])
    expect(Object.keys(latvian).filter((key) => !(key in english))).toEqual([])
  })

  it('has no empty string', () => {
    expect(Object.entries(latvian).filter(([, text]) => text.trim() === '').map(([key]) => key)).toEqual([])
  })

  it('keeps the same {name} slots as the English', () => {
    const mismatched = Object.keys(english).filter(
      (key) => slotsOf(english[key] ?? '').join(',') !== slotsOf(latvian[key] ?? '').join(','),
    )
    expect(mismatched).toEqual([])
  })

  it('leaves nothing in English but names and formats', () => {
    const untranslated = Object.keys(english).filter((key) => latvian[key] === english[key] && !SAME_IN_LATVIAN.test(english[key] ?? ''))
    expect(untranslated).toEqual([])
  })

  it('matches the default translation compiled into the installed tldraw', async () => {
    // The messages tldraw renders when it has no translation: the same keys as main.json.
    const tldrawEntry = require.resolve('tldraw')
    const defaultPath = tldrawEntry.replace(/dist-cjs[\\/]index\.js$/, 'dist-esm/lib/ui/hooks/useTranslation/defaultTranslation.mjs')
    const { DEFAULT_TRANSLATION } = (await import(pathToFileURL(defaultPath).href)) as { DEFAULT_TRANSLATION: Record<string, string> }
    expect(Object.keys(DEFAULT_TRANSLATION).sort()).toEqual(Object.keys(english).sort())
  })

  it('is given to tldraw for our Latvian, with the locale tldraw is told', async () => {
    expect(TLDRAW_LOCALE.lv).toBe('lv')
    expect((await loadTldrawOverrides('lv')).translations?.lv).toEqual(lv)
  })
})
