/**
 * One call from a board's raw contents to a report: the records, the session's vote and the
 * ballots as they are in the document. The client's download and the server's export endpoint
 * both call this, so for the same board they produce the same bytes.
 */
import type { TLRecord } from '@tldraw/tlschema'
import { readBoard } from './model.ts'
import { toCsv, toHtml, toJson, toMarkdown, type ReportInput } from './report.ts'
import { cardsInScope, parseVoteSession, tally } from './votes.ts'
import type { Translate } from './labels.ts'

export const REPORT_FORMATS = ['md', 'csv', 'html', 'json'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export const REPORT_MEDIA_TYPES: Record<ReportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
}

export function isReportFormat(value: unknown): value is ReportFormat {
  return typeof value === 'string' && (REPORT_FORMATS as readonly string[]).includes(value)
}

export type BoardContents = {
  title: string
  /** Already formatted; an ISO date is the locale-neutral choice. */
  date: string
  records: Iterable<TLRecord>
  /** The session map's `vote` value, untrusted. */
  vote?: unknown
  /** The ballots map as JSON, untrusted. */
  ballots?: unknown
  t?: Translate
  lang?: string
}

export function reportInput(contents: BoardContents): ReportInput {
  const records = [...contents.records]
  const session = parseVoteSession(contents.vote)
  const votes = session ? tally(session, contents.ballots ?? {}, cardsInScope(records, session.scope)) : undefined
  const board = readBoard(records, votes ? { votes } : {})
  return {
    title: contents.title,
    date: contents.date,
    maps: board.maps,
    loose: board.loose,
    ...(contents.t ? { t: contents.t } : {}),
    ...(contents.lang ? { lang: contents.lang } : {}),
  }
}

export function renderReport(format: ReportFormat, contents: BoardContents): string {
  const input = reportInput(contents)
  switch (format) {
    case 'md':
      return toMarkdown(input)
    case 'csv':
      return toCsv(input)
    case 'html':
      return toHtml(input)
    case 'json':
      return toJson(input)
  }
}
