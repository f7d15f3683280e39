/**
 * The tldraw schema a board's Y.Doc was written with, kept in `meta.schema`.
 *
 * A client whose schema is older than the document's must not write to it (its records would
 * be missing fields the newer clients rely on): the caller shows "please reload" and makes
 * the editor read-only. A client whose schema is newer migrates the document up once, when
 * it loads it (see bindStore.ts).
 */
import type * as Y from 'yjs'
import type { SerializedSchemaV2 } from '@tldraw/store'
import type { TLSchema, TLStore } from '@tldraw/tlschema'
import { DocKeys } from '../../shared/protocol.ts'

/** How the document's schema relates to ours. */
export const DocSchemaStatus = {
  /** The document records no schema (empty board, or written by something else). */
  missing: 'missing',
  same: 'same',
  /** Written by an older client: we can migrate it up. */
  older: 'older',
  /** Written by a newer client (or with record types we don't know): reload. */
  newer: 'newer',
} as const
export type DocSchemaStatus = (typeof DocSchemaStatus)[keyof typeof DocSchemaStatus]

const SCHEMA_KEY = 'schema'


/** The schema stored in the document, or null if there is none or it is not one we can read. */
export function readDocSchema(doc: Y.Doc): SerializedSchemaV2 | null {
  // Whatever is in the document came from the network: check its shape before using it.
  const value: unknown = doc.getMap<unknown>(DocKeys.meta).get(SCHEMA_KEY)
  if (typeof value !== 'object' || value === null) return null
  const { schemaVersion, sequences } = value as { schemaVersion?: unknown; sequences?: unknown }
  if (schemaVersion !== 2 || typeof sequences !== 'object' || sequences === null) return null
  for (const version of Object.values(sequences)) {
    if (typeof version !== 'number' || !Number.isInteger(version)) return null
  }
  return value as SerializedSchemaV2
}

/** Records our schema in the document. Call inside the transaction that writes the records. */
export function writeDocSchema(doc: Y.Doc, schema: TLSchema): void {
  doc.getMap<unknown>(DocKeys.meta).set(SCHEMA_KEY, schema.serialize())
}

export function compareDocSchema(doc: Y.Doc, schema: TLSchema): DocSchemaStatus {
  const theirs = readDocSchema(doc)
  if (!theirs) return DocSchemaStatus.missing
  const ours = schema.serialize().sequences
  let older = false
  for (const [sequenceId, version] of Object.entries(theirs.sequences)) {
    const ourVersion = ours[sequenceId]
    // A sequence we don't know is a record type or migration family added after our build.
    if (ourVersion === undefined || version > ourVersion) return DocSchemaStatus.newer
    if (version < ourVersion) older = true
  }
  for (const sequenceId of Object.keys(ours)) {
    if (theirs.sequences[sequenceId] === undefined) older = true
  }
  return older ? DocSchemaStatus.older : DocSchemaStatus.same
}

/** True when the document was written by a client with a newer tldraw schema than `store`'s. */
export function isDocSchemaNewer(doc: Y.Doc, store: TLStore): boolean {
  return compareDocSchema(doc, store.schema) === DocSchemaStatus.newer
}
