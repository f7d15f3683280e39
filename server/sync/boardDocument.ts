/**
 * Reading and rewriting a board's Y.Doc on the server: its tldraw records (the YKeyValue
 * the client binding writes, merged with the strokes of shapes being drawn: see
 * shared/docRecords.ts), the schema it was written with, and "make the records equal
 * to these", which is how a version is restored as an ordinary, undoable change.
 */
import * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { DocKeys } from '../../shared/protocol.ts'
import { readMergedRecords, strokesMap } from '../../shared/docRecords.ts'

/** Records as stored: plain JSON objects with at least an id and a typeName. */
export type StoredRecord = { id: string; typeName: string; [key: string]: unknown }

export function docFromState(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return doc
}

/**
 * The records of a document as everyone sees them: each merged with its stroke when it is
 * being drawn (a stroke left by someone who closed the tab mid-stroke included). Read without
 * YKeyValue (whose constructor cleans duplicates by writing); the last entry of a key wins, as
 * in YKeyValue. Entries that are not records at all are left out.
 */
export function readRecords(doc: Y.Doc): StoredRecord[] {
  const out: StoredRecord[] = []
  for (const value of readMergedRecords(doc).values()) {
    if (typeof value !== 'object' || value === null) continue
    const record = value as Partial<StoredRecord>
    if (typeof record.id === 'string' && typeof record.typeName === 'string') out.push(record as StoredRecord)
  }
  return out
}

export function readSchema(doc: Y.Doc): unknown {
  return doc.getMap<unknown>(DocKeys.meta).get('schema') ?? null
}

/**
 * Changes `doc`'s records to equal `records`, in one transaction with `origin`: records that
 * differ (as read, with their strokes) are set whole and their strokes deleted, missing ones
 * added, extra ones removed with their strokes. Everyone sees it as one change, and edits made
 * at the same time still merge (nothing is rewritten under anyone).
 */
export function replaceRecords(doc: Y.Doc, records: readonly StoredRecord[], origin: unknown): { set: number; removed: number } {
  let set = 0
  let removed = 0
  doc.transact(() => {
    const current = readMergedRecords(doc)
    const kv = new YKeyValue<unknown>(doc.getArray(DocKeys.records))
    const strokes = strokesMap(doc)
    const wanted = new Map(records.map((r) => [r.id, r]))
    for (const [id, record] of wanted) {
      if (JSON.stringify(current.get(id)) !== JSON.stringify(record)) {
        kv.set(id, record)
        strokes.delete(id)
        set++
      }
    }
    for (const { key } of doc.getArray<{ key: string }>(DocKeys.records).toArray()) {
      if (!wanted.has(key) && kv.has(key)) {
        kv.delete(key)
        removed++
      }
    }
    // Strokes of records the version does not have apply to nothing (or to an orphan): gone.
    // The stroke of a record equal to the version's stays: it is what makes it equal.
    for (const key of [...strokes.keys()]) if (!wanted.has(key)) strokes.delete(key)
  }, origin)
  return { set, removed }
}

/** A tldraw file (.tldr): opens in tldraw itself. */
export function toTldrFile(doc: Y.Doc): { tldrawFileFormatVersion: 1; schema: unknown; records: StoredRecord[] } {
  return { tldrawFileFormatVersion: 1, schema: readSchema(doc), records: readRecords(doc) }
}

/** Adds records (new ids) to the document in one transaction with `origin`. */
export function addRecords(doc: Y.Doc, records: readonly StoredRecord[], origin: unknown, schema?: unknown): void {
  doc.transact(() => {
    const kv = new YKeyValue<unknown>(doc.getArray(DocKeys.records))
    for (const record of records) kv.set(record.id, record)
    if (schema !== undefined && !doc.getMap(DocKeys.meta).has('schema')) doc.getMap(DocKeys.meta).set('schema', schema)
  }, origin)
}
