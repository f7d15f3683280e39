/**
 * Reports from the journey-map model: the Markdown table, CSV quoting (commas, quotes,
 * newlines) and formula defusing, HTML escaping of hostile card text, and the JSON structure.
 */
import { describe, expect, it } from 'vitest'
import { createShapeId, toRichText, type TLNoteShape, type TLPageId, type TLRecord, type TLShape, type TLShapeId } from '@tldraw/tlschema'
import { cardMeta, type CardKind } from '../../shared/journey/cards.ts'
import type { JourneyLabelKey } from '../../shared/journey/labels.ts'
import { readBoard, type JourneyCard, type JourneyMap } from '../../shared/journey/model.ts'
import { REPORT_VERSION, csvField, toCsv, toHtml, toJson, toMarkdown, type ReportInput, type ReportJson } from '../../shared/journey/report.ts'
import { createTemplate } from '../../shared/journey/templates.ts'
import { emptyVotes, tally, type CardVotes } from '../../shared/journey/votes.ts'

const MAP = createShapeId('map')

function card(name: string, kind: CardKind, text: string, stageId: string | null, laneId: string | null, extra: Partial<JourneyCard> = {}): JourneyCard {
  return {
    id: createShapeId(name),
    kind,
    text,
    votes: emptyVotes(),
    mapId: laneId ? MAP : null,
    stageId,
    laneId,
    pageId: 'page:main',
    x: 0,
    y: 0,
    ...extra,
  }
}

function votes(citizen: number, official: number): CardVotes {
  return { total: citizen + official, byGroup: { citizen, official, other: 0, undeclared: 0 } }
}

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'

const map: JourneyMap = {
  id: MAP,
  pageId: 'page:main',
  name: 'Library card | renewal',
  template: 'journey',
  layout: 'grid',
  stages: [
    { id: 'discover', label: 'Finding out' },
    { id: 'apply', label: 'Applying' },
  ],
  lanes: [
    { id: 'actions', label: 'Citizen actions' },
    { id: 'painPoints', label: 'Pain points' },
  ],
  cells: [
    {
      stageId: 'discover',
      laneId: 'actions',
      cards: [card('search', 'touchpoint', 'Searches the website', 'discover', 'actions', { votes: votes(2, 1) })],
    },
    {
      stageId: 'discover',
      laneId: 'painPoints',
      cards: [card('comma', 'painPoint', 'Forms, forms, "more forms"\nand a second line', 'discover', 'painPoints', { author: 'Ana, citizen' })],
    },
    { stageId: 'apply', laneId: 'actions', cards: [] },
    { stageId: 'apply', laneId: 'painPoints', cards: [card('hostile', 'quote', HOSTILE, 'apply', 'painPoints', { author: '<b>Mallory</b>' })] },
  ],
}

const input: ReportInput = {
  title: 'Renewal workshop <1>',
  date: '2025-03-14',
  maps: [map],
  loose: [card('loose', 'idea', '=HYPERLINK("http://evil")', null, null)],
}

/** A strict RFC 4180 reader, to check the CSV says what we meant. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += c
  }
  expect(field).toBe('')
  expect(row).toEqual([])
  return rows
}

describe('toMarkdown', () => {
  it('renders each grid map as a table of lanes by stages', () => {
    const md = toMarkdown(input)
    const lines = md.split('\n')
    expect(lines[0]).toBe('# Renewal workshop &lt;1&gt;')
    expect(md).toContain('## Library card \\| renewal')
    expect(md).toContain('| Lane | Finding out | Applying |\n| --- | --- | --- |')
    expect(md).toContain('| Citizen actions | **Touchpoint:** Searches the website *Votes: 3 (Citizens 2, Officials 1)* |  |')
    // A newline in a card stays inside its table cell.
    expect(md).toContain('"more forms"<br>and a second line (Ana, citizen)')
    expect(lines.filter((l) => l.startsWith('| Pain points'))).toHaveLength(1)
  })

  it('escapes hostile text and lists loose cards', () => {
    const md = toMarkdown(input)
    expect(md).not.toContain('<script')
    expect(md).not.toContain('<img')
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(md).toContain('## Cards outside any map\n\n- **Idea:** =HYPERLINK("http://evil")')
  })
})

describe('toCsv', () => {
  it('has a header row and one row per card, in reading order, loose cards last', () => {
    const rows = parseCsv(toCsv(input))
    expect(rows[0]).toEqual([
      'Map',
      'Stage',
      'Lane',
      'Kind',
      'Text',
      'Votes',
      'Votes: Citizens',
      'Votes: Officials',
      'Votes: Others',
      'Votes: Group not given',
      'Author',
    ])
    expect(rows).toHaveLength(5)
    expect(rows[1]).toEqual(['Library card | renewal', 'Finding out', 'Citizen actions', 'Touchpoint', 'Searches the website', '3', '2', '1', '0', '0', ''])
    expect(rows[4]?.slice(0, 5)).toEqual(['', '', '', 'Idea', '\'=HYPERLINK("http://evil")'])
  })

  it('quotes commas, quotes and newlines per RFC 4180', () => {
    const csv = toCsv(input)
    expect(csv).toContain('"Forms, forms, ""more forms""\nand a second line"')
    expect(csv).toContain('"Ana, citizen"')
    expect(parseCsv(csv)[2]?.[4]).toBe('Forms, forms, "more forms"\nand a second line')
    expect(csv.endsWith('\r\n')).toBe(true)
    expect(csvField('a\rb')).toBe('"a\rb"')
    expect(csvField('plain')).toBe('plain')
    expect(csvField(-3)).toBe('-3')
  })

  it('defuses spreadsheet formulas unless told not to, and can start with a BOM', () => {
    expect(csvField('=1+1')).toBe("'=1+1")
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvField('-2, really')).toBe(`"'-2, really"`)
    expect(csvField('=1+1', false)).toBe('=1+1')
    expect(toCsv(input, { bom: true }).startsWith('\uFEFFMap,')).toBe(true)
  })

  it('uses the translated labels', () => {
    const t = (key: JourneyLabelKey) => `«${key}»`
    expect(parseCsv(toCsv({ ...input, t }))[0]?.[6]).toBe('«report.column.votes»: «group.citizen»')
  })
})

describe('toHtml', () => {
  it('is a self-contained page that forbids scripts and prints on A4 landscape', () => {
    const html = toHtml(input)
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true)
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`)
    expect(html).toContain('@page{size:A4 landscape')
    expect(html).not.toMatch(/<(link|script|img|iframe)\b/i)
    // No element anywhere carries a source, a link or an event handler.
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href|on[a-z]+)=/i)
    expect(html).toContain('<th scope="col">Finding out</th>')
  })

  it('escapes hostile card text, authors and titles so they are inert', () => {
    const html = toHtml(input)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;')
    expect(html).toContain('(&lt;b&gt;Mallory&lt;/b&gt;)')
    expect(html).toContain('<title>Renewal workshop &lt;1&gt;</title>')
    expect(html).not.toContain('<b>Mallory')
    expect(html).toContain('&quot;more forms&quot;<br>and a second line')
  })

  it('sanitises the language tag', () => {
    expect(toHtml({ ...input, lang: 'lv' })).toContain('<html lang="lv">')
    expect(toHtml({ ...input, lang: '"><script>' })).toContain('<html lang="en">')
  })
})

describe('toJson', () => {
  it('has a format, a version and every card with votes by group', () => {
    const json = JSON.parse(toJson(input)) as ReportJson
    expect(json.format).toBe('codesign-board/journey-report')
    expect(json.version).toBe(REPORT_VERSION)
    expect(json.groups).toEqual(['citizen', 'official', 'other', 'undeclared'])
    expect(json.maps[0]?.cells[0]?.cards[0]).toEqual({
      id: createShapeId('search'),
      kind: 'touchpoint',
      text: 'Searches the website',
      author: null,
      votes: { total: 3, byGroup: { citizen: 2, official: 1, other: 0, undeclared: 0 } },
      mapId: MAP,
      stageId: 'discover',
      laneId: 'actions',
    })
    expect(json.looseCards).toHaveLength(1)
    expect(toJson(input)).toBe(toJson(input))
  })
})

describe('reports from a board', () => {
  it('are built from records, through the model, with votes', () => {
    const PAGE = 'page:main' as TLPageId
    let n = 0
    const newId = (): TLShapeId => createShapeId(`t${++n}`)
    const shapes = createTemplate('persona', { parentId: PAGE, x: 0, y: 0, newId })
    const frameId = shapes[0]!.id
    const note = {
      ...(shapes[0] as unknown as TLNoteShape),
      id: createShapeId('feel'),
      type: 'note',
      x: 1200,
      y: 1200,
      parentId: frameId,
      props: {
        color: 'red',
        labelColor: 'black',
        size: 'm',
        font: 'draw',
        fontSizeAdjustment: 1,
        align: 'middle',
        verticalAlign: 'middle',
        growY: 0,
        url: '',
        richText: toRichText('Worried about the deadline'),
        scale: 1,
        textLastEditedBy: null,
      },
      meta: { codesign: cardMeta('painPoint') },
    } as TLShape
    const records: TLRecord[] = [...shapes, note]
    const result = tally({ id: 'v', dotsPerPerson: 2 }, { u: { group: 'other', dots: [note.id] } }, [note.id])
    const board = readBoard(records, { votes: result })
    const md = toMarkdown({ title: 'Board', date: '2025-01-01', ...board })
    expect(md).toContain('| Area | Cards |')
    expect(md).toContain('| Feels | **Pain point:** Worried about the deadline *Votes: 1 (Others 1)* |')
    const csv = parseCsv(toCsv({ title: 'Board', date: '2025-01-01', ...board }))
    expect(csv[1]?.slice(0, 6)).toEqual(['Persona and empathy map', '', 'Feels', 'Pain point', 'Worried about the deadline', '1'])
  })
})
