/**
 * Boards as the client binding stores them: tldraw records in a YKeyValue over
 * `doc.getArray('records')`, the tldraw schema in `meta.schema`. The records are real tldraw
 * 5 records (a document, pages, geo shapes with a label), checked against tldraw's own
 * validators, so that what the benchmark loads is what a browser would load.
 */
import type * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { createTLSchema } from '@tldraw/tlschema'
import { DocKeys } from '../../../shared/protocol.ts'

/** tldraw refuses more than this many shapes on one page (editor option maxShapesPerPage). */
export const MAX_SHAPES_PER_PAGE = 4000

export type BenchRecord = { id: string; typeName: string; [key: string]: unknown }

const schema = createTLSchema()

/** tldraw's serialized schema, as the client writes it into `meta.schema`. */
export function serializedSchema(): unknown {
  return schema.serialize()
}

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** The i-th of a run of valid fractional index keys ('c' + three base-62 digits), in order. */
export function indexKey(i: number): string {
  if (i < 0 || i >= 62 ** 3) throw new RangeError(`index ${i} out of range`)
  const digits = [Math.floor(i / 3844) % 62, Math.floor(i / 62) % 62, i % 62].map((d) => DIGITS[d])
  return `c${digits.join('')}`
}

const COLORS = ['black', 'blue', 'green', 'grey', 'light-blue', 'light-green', 'light-red', 'light-violet', 'orange', 'red', 'violet', 'yellow'] as const
const GEOS = ['rectangle', 'ellipse', 'diamond', 'cloud', 'hexagon', 'star'] as const
const WORDS = ['Request', 'form', 'appointment', 'waiting', 'citizen', 'office', 'online', 'desk', 'call', 'letter', 'approval', 'payment']

export function documentRecord(): BenchRecord {
  return { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} }
}

export function pageRecord(n: number): BenchRecord {
  return { id: n === 0 ? 'page:page' : `page:bench${n}`, typeName: 'page', name: `Page ${n + 1}`, index: `a${n + 1}`, meta: {} }
}

/**
 * A geo shape with a one-line label, laid out in a grid on its page. `n` is its number on the
 * page (also its stacking index); `version` changes its position, for updates.
 */
export function geoShape(pageId: string, n: number, version = 0, idPrefix = ''): BenchRecord {
  const column = n % 50
  const row = Math.floor(n / 50)
  const text = `${WORDS[n % WORDS.length]} ${WORDS[(n * 7 + 3) % WORDS.length]} ${n}`
  return {
    id: `shape:${idPrefix}${pageId.slice(5)}-${n}`,
    typeName: 'shape',
    type: 'geo',
    parentId: pageId,
    index: indexKey(n),
    x: column * 140 + (version % 7) * 3,
    y: row * 120 + (version % 5) * 3,
    rotation: 0,
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      geo: GEOS[n % GEOS.length],
      dash: 'draw',
      url: '',
      w: 120,
      h: 100,
      growY: 0,
      scale: 1,
      flipX: false,
      flipY: false,
      labelColor: 'black',
      color: COLORS[n % COLORS.length],
      fill: 'semi',
      size: 'm',
      font: 'draw',
      align: 'middle',
      verticalAlign: 'middle',
      richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] },
    },
  }
}

/** Throws if tldraw's validators refuse `record` (the generator drifted from tldraw's schema). */
export function assertValidRecord(record: BenchRecord): void {
  const type = (schema.types as Record<string, { validate(value: unknown): unknown }>)[record.typeName]
  if (!type) throw new Error(`no record type ${record.typeName}`)
  type.validate(record)
}

/**
 * The records of a board of `shapes` geo shapes spread over as few pages as tldraw allows
 * (`perPage` at most), with the document record and the pages.
 */
export function boardRecords(shapes: number, perPage = MAX_SHAPES_PER_PAGE): BenchRecord[] {
  const pages = Math.max(1, Math.ceil(shapes / perPage))
  const records: BenchRecord[] = [documentRecord()]
  for (let p = 0; p < pages; p++) records.push(pageRecord(p))
  for (let i = 0; i < shapes; i++) {
    const page = records[1 + (i % pages)]
    if (!page) throw new Error('no page')
    records.push(geoShape(page.id, Math.floor(i / pages)))
  }
  const [first] = records.filter((r) => r.typeName === 'shape')
  for (const record of [...records.slice(0, 1 + pages), ...(first ? [first] : [])]) assertValidRecord(record)
  return records
}

/** Writes `records` into `doc` as the client binding does, `batch` records per transaction. */
export function writeRecords(doc: Y.Doc, records: readonly BenchRecord[], batch = records.length): void {
  const kv = new YKeyValue<unknown>(doc.getArray(DocKeys.records))
  for (let i = 0; i < records.length; i += batch) {
    doc.transact(() => {
      if (i === 0) doc.getMap<unknown>(DocKeys.meta).set('schema', serializedSchema())
      for (const record of records.slice(i, i + batch)) kv.set(record.id, record)
    })
  }
}

/** Bytes of the records as JSON: what "the size of its live records" means below. */
export function jsonBytes(records: Iterable<unknown>): number {
  let bytes = 0
  for (const record of records) bytes += Buffer.byteLength(JSON.stringify(record))
  return bytes
}
