/**
 * Reports built from the map's data, not its picture: Markdown, CSV, a self-contained HTML
 * page that prints well, and JSON. The client's download and the server's export endpoint
 * call these same functions with the model from model.ts, so both give the same bytes.
 *
 * Card text is written by anyone on the board, so it is treated as hostile everywhere:
 * HTML-escaped in HTML (and the page forbids scripts with its own CSP), HTML- and
 * Markdown-escaped in Markdown, RFC 4180-quoted in CSV with spreadsheet formulas defused.
 */
import { CARD_KIND_LABEL_KEYS, isCardKind } from './cards.ts'
import { label, type JourneyLabelKey, type Translate } from './labels.ts'
import type { JourneyCard, JourneyMap } from './model.ts'
import { TEMPLATE_NAME_KEYS, isTemplateId } from './templates.ts'
import { VOTE_GROUPS, type CardVotes, type VoteGroup } from './votes.ts'

export type ReportInput = {
  /** The board's title. */
  title: string
  /** Already formatted by the caller (an ISO date is the locale-neutral choice). */
  date: string
  maps: readonly JourneyMap[]
  /** Cards in no map's cell; omitted from the reports when absent or empty. */
  loose?: readonly JourneyCard[]
  /** Labels in the report's language; English when absent. */
  t?: Translate
  /** BCP 47 language tag of the HTML page (`lang`); 'en' when absent or malformed. */
  lang?: string
}

const GROUP_LABEL_KEYS = {
  citizen: 'group.citizen',
  official: 'group.official',
  other: 'group.other',
  undeclared: 'group.undeclared',
} as const satisfies Record<VoteGroup, JourneyLabelKey>

export function mapTitle(map: JourneyMap, t?: Translate): string {
  const name = map.name.trim()
  if (name) return name
  return isTemplateId(map.template) ? label(t, TEMPLATE_NAME_KEYS[map.template]) : label(t, 'report.untitledMap')
}

function kindLabel(card: JourneyCard, t?: Translate): string {
  return label(t, CARD_KIND_LABEL_KEYS[isCardKind(card.kind) ? card.kind : 'plain'])
}

function headingLabel(list: readonly { id: string; label: string }[], id: string | null): string {
  return list.find((h) => h.id === id)?.label ?? ''
}

/** "Votes: 3 (Citizens 2, Officials 1)", or '' without votes. */
function votesText(votes: CardVotes, t?: Translate): string {
  if (votes.total <= 0) return ''
  const groups = VOTE_GROUPS.filter((g) => votes.byGroup[g] > 0).map(
    (g) => `${label(t, GROUP_LABEL_KEYS[g])} ${votes.byGroup[g]}`,
  )
  return `${label(t, 'report.column.votes')}: ${votes.total}${groups.length ? ` (${groups.join(', ')})` : ''}`
}

function cellCards(map: JourneyMap, stageId: string | null, laneId: string): JourneyCard[] {
  return map.cells.find((c) => c.stageId === stageId && c.laneId === laneId)?.cards ?? []
}

// ---------------------------------------------------------------------------------- Markdown

/** Text that renders as itself in Markdown: HTML-significant characters as entities, markup escaped. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '<br>')
}

function mdOneLine(text: string): string {
  return escapeMarkdown(text.replace(/\s+/g, ' ').trim())
}

function mdCard(card: JourneyCard, t?: Translate): string {
  const votes = votesText(card.votes, t)
  const author = card.author ? ` (${escapeMarkdown(card.author)})` : ''
  return `**${escapeMarkdown(kindLabel(card, t))}:** ${escapeMarkdown(card.text)}${author}${votes ? ` *${escapeMarkdown(votes)}*` : ''}`
}

function mdRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`
}

export function toMarkdown(input: ReportInput): string {
  const { t } = input
  const out: string[] = [`# ${mdOneLine(input.title)}`, '', `${escapeMarkdown(label(t, 'report.date'))}: ${mdOneLine(input.date)}`]
  for (const map of input.maps) {
    out.push('', `## ${mdOneLine(mapTitle(map, t))}`, '')
    const cardsIn = (stageId: string | null, laneId: string) =>
      cellCards(map, stageId, laneId)
        .map((c) => mdCard(c, t))
        .join('<br>')
    if (map.layout === 'grid') {
      out.push(mdRow([escapeMarkdown(label(t, 'report.column.lane')), ...map.stages.map((s) => mdOneLine(s.label))]))
      out.push(mdRow(['---', ...map.stages.map(() => '---')]))
      for (const lane of map.lanes) {
        out.push(mdRow([mdOneLine(lane.label), ...map.stages.map((s) => cardsIn(s.id, lane.id))]))
      }
    } else {
      out.push(mdRow([escapeMarkdown(label(t, 'report.column.area')), escapeMarkdown(label(t, 'report.cards'))]))
      out.push(mdRow(['---', '---']))
      for (const lane of map.lanes) out.push(mdRow([mdOneLine(lane.label), cardsIn(null, lane.id)]))
    }
  }
  const loose = input.loose ?? []
  if (loose.length) {
    out.push('', `## ${escapeMarkdown(label(t, 'report.looseCards'))}`, '')
    for (const card of loose) out.push(`- ${mdCard(card, t)}`)
  }
  return `${out.join('\n')}\n`
}

// --------------------------------------------------------------------------------------- CSV

export type CsvOptions = {
  /**
   * Prefix a field that starts with =, +, -, @, tab or carriage return with an apostrophe, so a
   * spreadsheet shows it as text instead of running it as a formula. Default true.
   */
  guardFormulas?: boolean
  /** Start with a UTF-8 byte order mark (what Excel needs to read UTF-8). Default false. */
  bom?: boolean
}

/** One CSV field per RFC 4180: quoted when it holds a comma, a quote, CR or LF. */
export function csvField(value: string | number, guardFormulas = true): string {
  if (typeof value === 'number') return String(value)
  const text = guardFormulas && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

type CsvRow = { map: string; stage: string; lane: string; card: JourneyCard }

/** The rows of the CSV (one per card), in reading order; loose cards last. */
function csvRows(input: ReportInput): CsvRow[] {
  const rows: CsvRow[] = []
  const mapNames = new Map<string, string>()
  for (const map of input.maps) {
    const name = mapTitle(map, input.t)
    mapNames.set(map.id, name)
    for (const cell of map.cells) {
      for (const card of cell.cards) {
        rows.push({ map: name, stage: headingLabel(map.stages, cell.stageId), lane: headingLabel(map.lanes, cell.laneId), card })
      }
    }
  }
  for (const card of input.loose ?? []) {
    rows.push({ map: (card.mapId && mapNames.get(card.mapId)) || '', stage: '', lane: '', card })
  }
  return rows
}

/**
 * One row per card: map, stage, lane, kind, text, votes, votes per group, author (if signed);
 * a header row first; CRLF line ends.
 */
export function toCsv(input: ReportInput, options: CsvOptions = {}): string {
  const { t } = input
  const guard = options.guardFormulas ?? true
  const votes = label(t, 'report.column.votes')
  const header = [
    label(t, 'report.column.map'),
    label(t, 'report.column.stage'),
    label(t, 'report.column.lane'),
    label(t, 'report.column.kind'),
    label(t, 'report.column.text'),
    votes,
    ...VOTE_GROUPS.map((g) => `${votes}: ${label(t, GROUP_LABEL_KEYS[g])}`),
    label(t, 'report.column.author'),
  ]
  const lines = [header.map((h) => csvField(h, guard)).join(',')]
  for (const row of csvRows(input)) {
    const { card } = row
    const fields: (string | number)[] = [
      row.map,
      row.stage,
      row.lane,
      kindLabel(card, t),
      card.text,
      card.votes.total,
      ...VOTE_GROUPS.map((g) => card.votes.byGroup[g]),
      card.author ?? '',
    ]
    lines.push(fields.map((f) => csvField(f, guard)).join(','))
  }
  return `${options.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`
}

// -------------------------------------------------------------------------------------- HTML

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** Escaped, with line breaks kept. */
function htmlText(text: string): string {
  return escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>')
}

const KIND_COLOURS: Record<string, string> = {
  touchpoint: '#4263eb',
  painPoint: '#e03131',
  idea: '#099268',
  question: '#f76707',
  quote: '#ae3ec9',
  plain: '#c9a227',
}

const CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;margin:24px;background:#fff}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px}
.date{color:#555;margin:0 0 16px}
table{border-collapse:collapse;width:100%;table-layout:fixed;margin:0 0 8px}
th,td{border:1px solid #999;padding:6px;vertical-align:top;text-align:left;overflow-wrap:anywhere}
thead th{background:#e7f0fb}
tbody th{background:#f1f3f5;width:14em}
ul.cards{list-style:none;margin:0;padding:0}
li.card{border-left:6px solid #888;background:#fafafa;padding:4px 6px;margin:0 0 6px;break-inside:avoid}
.kind{font-weight:600}
.votes{display:block;color:#333;font-size:12px}
.author{color:#555;font-style:italic}
${Object.entries(KIND_COLOURS)
  .map(([kind, colour]) => `li.card-${kind}{border-left-color:${colour}}`)
  .join('\n')}
@media print{
  @page{size:A4 landscape;margin:12mm}
  body{margin:0;font-size:11px}
  section.map{break-before:page}
  section.map:first-of-type{break-before:auto}
  tr{break-inside:avoid}
  thead{display:table-header-group}
}
`.trim()

function htmlCard(card: JourneyCard, t?: Translate): string {
  const kind = isCardKind(card.kind) ? card.kind : 'plain'
  const votes = votesText(card.votes, t)
  return (
    `<li class="card card-${kind}"><span class="kind">${escapeHtml(kindLabel(card, t))}:</span> ` +
    `<span class="text">${htmlText(card.text)}</span>` +
    (card.author ? ` <span class="author">(${escapeHtml(card.author)})</span>` : '') +
    (votes ? `<span class="votes">${escapeHtml(votes)}</span>` : '') +
    '</li>'
  )
}

function htmlCards(cards: readonly JourneyCard[], t?: Translate): string {
  return cards.length ? `<ul class="cards">${cards.map((c) => htmlCard(c, t)).join('')}</ul>` : ''
}

function htmlMap(map: JourneyMap, t?: Translate): string {
  const rows: string[] = []
  if (map.layout === 'grid') {
    rows.push(
      `<thead><tr><th scope="col">${escapeHtml(label(t, 'report.column.lane'))}</th>` +
        map.stages.map((s) => `<th scope="col">${escapeHtml(s.label)}</th>`).join('') +
        '</tr></thead><tbody>',
    )
    for (const lane of map.lanes) {
      rows.push(
        `<tr><th scope="row">${escapeHtml(lane.label)}</th>` +
          map.stages.map((s) => `<td>${htmlCards(cellCards(map, s.id, lane.id), t)}</td>`).join('') +
          '</tr>',
      )
    }
  } else {
    rows.push(
      `<thead><tr><th scope="col">${escapeHtml(label(t, 'report.column.area'))}</th>` +
        `<th scope="col">${escapeHtml(label(t, 'report.cards'))}</th></tr></thead><tbody>`,
    )
    for (const lane of map.lanes) {
      rows.push(`<tr><th scope="row">${escapeHtml(lane.label)}</th><td>${htmlCards(cellCards(map, null, lane.id), t)}</td></tr>`)
    }
  }
  return `<section class="map"><h2>${escapeHtml(mapTitle(map, t))}</h2><table>${rows.join('\n')}</tbody></table></section>`
}

/** A complete page: no external resources, no scripts (its CSP forbids them), prints on A4 landscape. */
export function toHtml(input: ReportInput): string {
  const { t } = input
  const lang = input.lang && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(input.lang) ? input.lang : 'en'
  const loose = input.loose ?? []
  const body = [
    `<header><h1>${escapeHtml(input.title)}</h1><p class="date">${escapeHtml(label(t, 'report.date'))}: ${escapeHtml(input.date)}</p></header>`,
    ...input.maps.map((m) => htmlMap(m, t)),
    loose.length
      ? `<section class="loose"><h2>${escapeHtml(label(t, 'report.looseCards'))}</h2>${htmlCards(loose, t)}</section>`
      : '',
  ].filter(Boolean)
  return [
    '<!doctype html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

// -------------------------------------------------------------------------------------- JSON

export const REPORT_FORMAT = 'codesign-board/journey-report'
/** Bumped when a field changes meaning or goes away (adding a field does not bump it). */
export const REPORT_VERSION = 1

export type ReportCardJson = {
  id: string
  kind: string
  text: string
  /** Null when the card was not signed. */
  author: string | null
  votes: { total: number; byGroup: Record<VoteGroup, number> }
  mapId: string | null
  stageId: string | null
  laneId: string | null
}

/**
 * The JSON report (version 1). Locale-neutral: kinds, groups, stages and lanes by id; the
 * labels of stages and lanes are the board's own text. Keys always in this order.
 */
export type ReportJson = {
  format: typeof REPORT_FORMAT
  version: typeof REPORT_VERSION
  title: string
  date: string
  /** The groups `votes.byGroup` is split by. */
  groups: VoteGroup[]
  maps: {
    id: string
    name: string
    template: string
    /** 'grid': stages x lanes; 'areas': no stages, the areas are the lanes. */
    layout: 'grid' | 'areas'
    stages: { id: string; label: string }[]
    lanes: { id: string; label: string }[]
    cells: { stageId: string | null; laneId: string; cards: ReportCardJson[] }[]
  }[]
  /** Cards in no cell: outside every map (mapId null) or in a map but not in a cell. */
  looseCards: ReportCardJson[]
}

function cardJson(card: JourneyCard): ReportCardJson {
  return {
    id: card.id,
    kind: card.kind,
    text: card.text,
    author: card.author ?? null,
    votes: {
      total: card.votes.total,
      byGroup: Object.fromEntries(VOTE_GROUPS.map((g) => [g, card.votes.byGroup[g]])) as Record<VoteGroup, number>,
    },
    mapId: card.mapId,
    stageId: card.stageId,
    laneId: card.laneId,
  }
}

export function toReportJson(input: ReportInput): ReportJson {
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    title: input.title,
    date: input.date,
    groups: [...VOTE_GROUPS],
    maps: input.maps.map((map) => ({
      id: map.id,
      name: map.name,
      template: map.template,
      layout: map.layout,
      stages: map.stages.map((h) => ({ id: h.id, label: h.label })),
      lanes: map.lanes.map((h) => ({ id: h.id, label: h.label })),
      cells: map.cells.map((cell) => ({ stageId: cell.stageId, laneId: cell.laneId, cards: cell.cards.map(cardJson) })),
    })),
    looseCards: (input.loose ?? []).map(cardJson),
  }
}

/** `toReportJson` as text: two-space indented, with a final newline. */
export function toJson(input: ReportInput): string {
  return `${JSON.stringify(toReportJson(input), null, 2)}\n`
}
