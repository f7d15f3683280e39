/**
 * Checks one record that arrived from the network before it may enter the tldraw store.
 *
 * This is the trust boundary of the document: anyone holding an editor key can write any JSON
 * into the shared Y.Doc. A record that fails here is skipped and reported, one record at a
 * time, so a single bad record never stops the board for everyone. What a record points at
 * (parents, binding ends) is checked per batch, in references.ts.
 */
import type { SerializedSchema } from '@tldraw/store'
import type { TLRecord, TLSchema } from '@tldraw/tlschema'

export const InvalidRecordCode = {
  notAnObject: 'not-an-object',
  unknownType: 'unknown-type',
  notDocumentScoped: 'not-document-scoped',
  badId: 'bad-id',
  migrationFailed: 'migration-failed',
  validationFailed: 'validation-failed',
  /** A shape whose parent chain loops (see references.ts). */
  parentCycle: 'parent-cycle',
  /** A binding from or to a shape that is not on the board. */
  missingReference: 'missing-reference',
  /** A binding between shapes of types it cannot join (an arrow binding not from an arrow...). */
  wrongReferenceType: 'wrong-reference-type',
  rejectedByStore: 'rejected-by-store',
  /**
   * The stroke of a shape being drawn (its segments in the strokes map) cannot be read or makes
   * the shape invalid: the shape is used as its records entry holds it.
   */
  invalidStroke: 'invalid-stroke',
} as const
export type InvalidRecordCode = (typeof InvalidRecordCode)[keyof typeof InvalidRecordCode]

export class InvalidRecordError extends Error {
  override name = 'InvalidRecordError'
  constructor(
    readonly code: InvalidRecordCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** What onInvalidRecord receives: the key the record was stored under and why it was refused. */
export interface InvalidRecordInfo {
  id: string
  typeName?: string
  error: InvalidRecordError
}

export type RecordCheck = { ok: true; record: TLRecord } | { ok: false; info: InvalidRecordInfo }

/** True for record types that belong to the shared document (not instance, camera, presence...). */
export function isDocumentType(schema: TLSchema, typeName: string): boolean {
  // Object.hasOwn: a typeName such as "constructor" must not find Object.prototype's.
  return Object.hasOwn(schema.types, typeName) && schema.types[typeName as TLRecord['typeName']].scope === 'document'
}

/**
 * Validates `value`, stored under `key`, against `schema`. When `from` is given (the schema the
 * document was written with, if older than ours) the record is migrated up first.
 */
export function checkRemoteRecord(
  schema: TLSchema,
  key: string,
  value: unknown,
  from?: SerializedSchema | null,
): RecordCheck {
  const fail = (code: InvalidRecordCode, message: string, typeName?: string, cause?: unknown): RecordCheck => ({
    ok: false,
    info: { id: key, typeName, error: new InvalidRecordError(code, message, { cause }) },
  })

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(InvalidRecordCode.notAnObject, `record ${key} is not an object`)
  }
  const { typeName, id } = value as { typeName?: unknown; id?: unknown }
  if (typeof typeName !== 'string' || !Object.hasOwn(schema.types, typeName)) {
    return fail(InvalidRecordCode.unknownType, `record ${key} has unknown type ${String(typeName)}`)
  }
  if (!isDocumentType(schema, typeName)) {
    return fail(InvalidRecordCode.notDocumentScoped, `record ${key} of type ${typeName} is not a document record`, typeName)
  }
  // The key decides which record is replaced; a record claiming another id would let one
  // write shadow a different record in the store than in the document.
  if (id !== key || !key.startsWith(`${typeName}:`)) {
    return fail(InvalidRecordCode.badId, `record ${key} has id ${String(id)}`, typeName)
  }

  let record = value as TLRecord
  if (from) {
    const migrated = schema.migratePersistedRecord(record, from, 'up')
    if (migrated.type === 'error') {
      return fail(InvalidRecordCode.migrationFailed, `record ${key} could not be migrated: ${migrated.reason}`, typeName)
    }
    record = migrated.value
  }

  try {
    return { ok: true, record: schema.types[typeName as TLRecord['typeName']].validate(record) as TLRecord }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return fail(InvalidRecordCode.validationFailed, `record ${key} is invalid: ${message}`, typeName, error)
  }
}
