/**
 * Reading and rewriting a board's Y.Doc on the server: its tldraw records (the YKeyValue
 * the client binding writes), the schema it was written with, and "make the records equal
 * to these", which is how a version is restored as an ordinary, undoable change.
 */
import * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { DocKeys } from '../../shared/protocol.ts'

/** Records as stored: plain JSON objects with at least an id and a typeName. */
export type StoredRecord = { id: string; typeName: string; [key: string]: unknown }

export function docFromState(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return doc
}

/**
 * The records of a document, read from the Y.Array without YKeyValue (whose constructor
 * cleans duplicates by writing). The last entry of a key wins, as in YKeyValue.
 */
export function readRecords(doc: Y.Doc): StoredRecord[] {
  const byKey = new Map<string, StoredRecord>()
  for (const entry of doc.getArray<{ key: string; val: unknown }>(DocKeys.records).toArray()) {
    const value = entry?.val
    if (typeof entry?.key !== 'string' || typeof value !== 'object' || value === null) continue
    const record = value as Partial<StoredRecord>
    if (typeof record.id === 'string' && typeof record.typeName === 'string') byKey.set(entry.key, record as StoredRecord)
  }
  return [...byKey.values()]
}

export function readSchema(doc: Y.Doc): unknown {
  return doc.getMap<unknown>(DocKeys.meta).get('schema') ?? null
}

/**
 * Changes `doc`'s records to equal `records`, in one transaction with `origin`: records that
 * differ are set, missing ones added, extra ones removed. Everyone sees it as one change, and
 * edits made at the same time still merge (nothing is rewritten under anyone).
 */
export function replaceRecords(doc: Y.Doc, records: readonly StoredRecord[], origin: unknown): { set: number; removed: number } {
  let set = 0
  let removed = 0
  doc.transact(() => {
    const kv = new YKeyValue<unknown>(doc.getArray(DocKeys.records))
    const wanted = new Map(records.map((r) => [r.id, r]))
    for (const [id, record] of wanted) {
      if (JSON.stringify(kv.get(id)) !== JSON.stringify(record)) {
        kv.set(id, record)
        set++
      }
    }
    for (const { key } of doc.getArray<{ key: string }>(DocKeys.records).toArray()) {
      if (!wanted.has(key) && kv.has(key)) {
        kv.delete(key)
        removed++
      }
    }
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
