/**
 * Every participant in their language (issue 8):
 *
 * 1. Italian, Spanish and Latvian have every key of the English catalog (en.ts with its
 *    journey, export and a11y parts), none empty, none left in English but names and formats,
 *    and each with the same `{name}` slots as the English.
 * 2. The journey labels that templates write onto a board and that the server's reports use
 *    (shared/journey/labels.*.ts) are complete in every language, and the client's catalogs
 *    use the very same words.
 * 3. No component renders a literal string: the .tsx files under client/ are parsed with the
 *    TypeScript compiler and any JSX text with letters, or a string literal with letters given
 *    to a user-facing attribute (aria-label, title, placeholder, alt, label...) or rendered as
 *    a child, is listed as file:line. Text must come from `t()`.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { en } from '../../client/i18n/messages/en.ts'
import { loadCatalog, translate, type Catalog } from '../../client/i18n/catalog.ts'
import { LOCALES, type Locale } from '../../client/i18n/locales.ts'
import { ENGLISH, loadLanguage } from '../../client/i18n/I18nProvider.tsx'
import { NO_TLDRAW_OVERRIDES } from '../../client/i18n/tldraw/tldrawLocale.ts'
import { JOURNEY_LABELS_EN, type JourneyLabelKey } from '../../shared/journey/labels.ts'
import { JOURNEY_LABEL_TABLES, journeyLabels } from '../../shared/journey/labelsByLocale.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Every catalog, each loaded as the app loads it (its own chunk, on demand). */
const CATALOGS = Object.fromEntries(await Promise.all(LOCALES.map(async (locale) => [locale, await loadCatalog(locale)] as const))) as Record<
  Locale,
  Catalog
>
const OTHER_LOCALES = LOCALES.filter((locale) => locale !== 'en')
const english: Record<string, string> = en
const englishKeys = Object.keys(english)

/** The distinct `{name}` slots of a message, sorted. */
function slotsOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''))].sort()
}

/**
 * Messages that may read the same as the English: product names, formats, paper sizes, a
 * pure slot pattern, and words that are the same in that language.
 */
const SAME_AS_ENGLISH: Record<(typeof OTHER_LOCALES)[number], RegExp> = {
  it: /^(Co-design Board|PDF|A4|A3|Markdown \(\.md\)|\{stage\}, \{lane\}|Idea|Area|Timer|Report|File|Service blueprint)$/,
  es: /^(Co-design Board|PDF|A4|A3|Markdown \(\.md\)|\{stage\}, \{lane\}|Idea|Total|Normal \(1×\))$/,
  lv: /^(Co-design Board|PDF|A4|A3|Markdown \(\.md\)|\{stage\}, \{lane\})$/,
}

describe('loading a language', () => {
  it('has English at once, with nothing for tldraw to add', async () => {
    expect(await loadLanguage('en')).toBe(ENGLISH)
    expect(ENGLISH.catalog).toBe(en)
    expect(ENGLISH.tldrawOverrides).toBe(NO_TLDRAW_OVERRIDES)
  })

  it('gives the same catalog each time, and translate() uses it once loaded', async () => {
    expect(await loadCatalog('it')).toBe(await loadCatalog('it'))
    expect(translate('it', 'home.create')).toBe(CATALOGS.it['home.create'])
    expect(translate('it', 'home.create')).not.toBe(en['home.create'])
  })

  it("gives tldraw our Latvian with Latvian, and only then", async () => {
    const latvian = await loadLanguage('lv')
    expect(latvian.catalog).toBe(CATALOGS.lv)
    expect(Object.keys(latvian.tldrawOverrides.translations?.lv ?? {}).length).toBeGreaterThan(500)
    // The same object every time: tldraw reloads its translation when the identity changes.
    expect((await loadLanguage('lv')).tldrawOverrides).toBe(latvian.tldrawOverrides)
    expect((await loadLanguage('it')).tldrawOverrides).toBe(NO_TLDRAW_OVERRIDES)
    expect((await loadLanguage('es')).tldrawOverrides).toBe(NO_TLDRAW_OVERRIDES)
  })
})

describe('the English catalog', () => {
  it('has keys, and no empty message', () => {
    expect(englishKeys.length).toBeGreaterThan(400)
    expect(englishKeys.filter((key) => (english[key] ?? '').trim() === '')).toEqual([])
  })
})

describe.each(OTHER_LOCALES)('the %s catalog', (locale) => {
  const catalog: Partial<Record<string, string>> = CATALOGS[locale]

  it('has every key of the English catalog, none missing or empty', () => {
    const missing = englishKeys.filter((key) => {
      const text = catalog[key]
      return typeof text !== 'string' || text.trim() === ''
    })
    expect(missing, `${locale}: ${missing.length} key(s) missing or empty`).toEqual([])
  })

  it('has no key the English catalog lacks', () => {
    expect(Object.keys(catalog).filter((key) => !(key in english))).toEqual([])
  })

  it('keeps the same {name} slots as the English', () => {
    const mismatched = englishKeys
      .filter((key) => typeof catalog[key] === 'string')
      .filter((key) => slotsOf(catalog[key] ?? '').join(',') !== slotsOf(english[key] ?? '').join(','))
      .map((key) => `${key}: en {${slotsOf(english[key] ?? '').join('}, {')}} / ${locale} "${catalog[key]}"`)
    expect(mismatched).toEqual([])
  })

  it('leaves nothing in English but names, formats and words that are the same', () => {
    const untranslated = englishKeys.filter((key) => catalog[key] === english[key] && !SAME_AS_ENGLISH[locale].test(english[key] ?? ''))
    expect(untranslated).toEqual([])
  })
})

describe('the journey labels written onto boards and into reports', () => {
  const labelKeys = Object.keys(JOURNEY_LABELS_EN) as JourneyLabelKey[]

  it.each(OTHER_LOCALES)('are complete in %s: every key, none empty, same slots, no extra key', (locale) => {
    const table: Record<string, string> = JOURNEY_LABEL_TABLES[locale]
    expect(labelKeys.filter((key) => typeof table[key] !== 'string' || table[key].trim() === '')).toEqual([])
    expect(Object.keys(table).filter((key) => !(key in JOURNEY_LABELS_EN))).toEqual([])
    expect(labelKeys.filter((key) => slotsOf(table[key] ?? '').join(',') !== slotsOf(JOURNEY_LABELS_EN[key]).join(','))).toEqual([])
  })

  it.each(OTHER_LOCALES)('are the words the %s interface uses, so a template and its report agree', (locale) => {
    const catalog: Partial<Record<string, string>> = CATALOGS[locale]
    const table = JOURNEY_LABEL_TABLES[locale]
    // group.* are the singular names in the interface (join step, people panel) and the
    // plural ones in reports, as in English.
    const differing = labelKeys.filter((key) => !key.startsWith('group.') && catalog[key] !== table[key])
    expect(differing).toEqual([])
  })

  it('are looked up by language tag, falling back to English', () => {
    expect(journeyLabels('it')('card.kind.painPoint')).toBe(JOURNEY_LABEL_TABLES.it['card.kind.painPoint'])
    expect(journeyLabels('es-ES')('template.blueprint.name')).toBe(JOURNEY_LABEL_TABLES.es['template.blueprint.name'])
    expect(journeyLabels('LV_lv')('report.column.votes')).toBe(JOURNEY_LABEL_TABLES.lv['report.column.votes'])
    expect(journeyLabels('en-GB')('report.noCards')).toBe(JOURNEY_LABELS_EN['report.noCards'])
    expect(journeyLabels('de')('card.kind.idea')).toBe(JOURNEY_LABELS_EN['card.kind.idea'])
    expect(journeyLabels('constructor')('card.kind.quote')).toBe(JOURNEY_LABELS_EN['card.kind.quote'])
    expect(journeyLabels('')('report.date')).toBe(JOURNEY_LABELS_EN['report.date'])
  })
})

// ---------------------------------------------------------------------------------------------
// Literal strings in components.

/** Attributes whose value people read or hear (including our own components' text props). */
const USER_FACING_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'aria-placeholder',
  'title',
  'placeholder',
  'alt',
  'label',
  'help',
])

/** Literal text a component may render as it is: names that are not translated. */
const ALLOWED_LITERALS = new Set(['Co-design Board', 'tldraw'])

type Literal = { line: number; text: string }

const LETTER = /\p{L}/u
/** HTML entities in JSX text (`&nbsp;`, `&#8230;`) are not words. */
const ENTITY = /&(?:[a-z]+|#\d+|#x[\da-f]+);/gi

/** Whether a literal has words of its own: letters once entities and allowed names are taken out. */
function isWording(text: string): boolean {
  let rest = text.replace(ENTITY, ' ')
  for (const name of ALLOWED_LITERALS) rest = rest.split(name).join(' ')
  return LETTER.test(rest)
}

/** The string literals an expression can evaluate to and so render (not call arguments). */
function renderedStrings(expr: ts.Expression): ts.Node[] {
  if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr) || ts.isNonNullExpression(expr)) {
    return renderedStrings(expr.expression)
  }
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr) || ts.isTemplateExpression(expr)) return [expr]
  if (ts.isConditionalExpression(expr)) return [...renderedStrings(expr.whenTrue), ...renderedStrings(expr.whenFalse)]
  if (ts.isBinaryExpression(expr)) {
    const op = expr.operatorToken.kind
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return renderedStrings(expr.right)
    if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.PlusToken) {
      return [...renderedStrings(expr.left), ...renderedStrings(expr.right)]
    }
  }
  return []
}

/** The fixed text of a string or template literal (a template's parts between `${}`). */
function literalText(node: ts.Node): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ')
  return ''
}

/** The literal user-facing strings a .tsx source renders, with their (1-based) lines. */
function literalStrings(fileName: string, source: string): Literal[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX)
  const found: Literal[] = []
  const add = (node: ts.Node, text: string) => {
    found.push({ line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, text: text.replace(/\s+/g, ' ').trim() })
  }
  const addRendered = (expr: ts.Expression | undefined) => {
    if (!expr) return
    for (const node of renderedStrings(expr)) {
      const text = literalText(node)
      if (isWording(text)) add(node, text)
    }
  }
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node)) {
      if (isWording(node.text)) add(node, node.text)
    } else if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(file)
      const value = node.initializer
      if (USER_FACING_ATTRIBUTES.has(name) && value) {
        if (ts.isStringLiteral(value)) {
          if (isWording(value.text)) add(value, value.text)
        } else if (ts.isJsxExpression(value)) {
          addRendered(value.expression)
        }
      }
    } else if (ts.isJsxExpression(node) && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      addRendered(node.expression)
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

function componentFiles(dir: string): string[] {
  const files: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '__tests__') files.push(...componentFiles(path))
    } else if (entry.name.endsWith('.tsx') && !/\.(test|spec)\.tsx$/.test(entry.name)) {
      files.push(path)
    }
  }
  return files.sort()
}

describe('components render no literal strings', () => {
  it('the scanner finds JSX text, user-facing attributes and rendered literals, and nothing else', () => {
    const source = [
      'export function C({ open, name }: { open: boolean; name?: string }) {',
      '  const t = (key: string) => key',
      '  return (',
      '    <div className="panel" data-testid="c" role="dialog" aria-live="polite">',
      '      Hello there',
      "      <button aria-label=\"Close\" title={open ? 'Hide' : t('x.show')} type=\"button\">×</button>",
      "      <input placeholder={'e.g. Maria'} value={name ?? ''} />",
      "      <img alt={`Photo of ${name}`} src=\"a.png\" />",
      "      {open && 'Opened'}",
      "      {t('ok.key')} {name ?? 'Someone'} {open ? t('a') : t('b')}",
      '      <p>{t(`role.${name}`)} · 12 &nbsp; Co-design Board</p>',
      '      <Section help="Plain help" heading={t(\'h\')} kind="frame" />',
      '    </div>',
      '  )',
      '}',
    ].join('\n')
    expect(literalStrings('fixture.tsx', source)).toEqual([
      { line: 5, text: 'Hello there' },
      { line: 6, text: 'Close' },
      { line: 6, text: 'Hide' },
      { line: 7, text: 'e.g. Maria' },
      { line: 8, text: 'Photo of' },
      { line: 9, text: 'Opened' },
      { line: 10, text: 'Someone' },
      { line: 12, text: 'Plain help' },
    ])
  })

  it('in every .tsx under client/: all text comes from t()', () => {
    const files = componentFiles(join(ROOT, 'client'))
    expect(files.length).toBeGreaterThan(20)
    const offenders = files.flatMap((path) => {
      const file = relative(ROOT, path).split('\\').join('/')
      return literalStrings(file, readFileSync(path, 'utf8')).map(({ line, text }) => `${file}:${line}: ${JSON.stringify(text)}`)
    })
    expect(offenders).toEqual([])
  })
})
