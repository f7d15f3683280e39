/**
 * Binds a tldraw store to a Y.Doc: document records (shapes, pages, assets, bindings, the
 * document record, users) live in a YKeyValue over `doc.getArray(DocKeys.records)`, keyed by
 * record id. Session and presence records (instance, camera, pointer, presence) never enter it.
 *
 * Local user changes are coalesced per record and written in one transaction per frame.
 * Remote changes are checked one record at a time (remoteRecord.ts) and applied with
 * `store.mergeRemoteChanges`, which marks them 'remote': tldraw's undo only records 'user'
 * changes, so undo never takes back someone else's work.
 *
 * Seeding. A fresh tldraw store already holds a default page and document record. Pushing
 * them before the provider has synced would let a late joiner overwrite a board's renamed or
 * deleted default page with its own blank one, so the binding never seeds on its own:
 * - if the doc has records (at bind time, or when they first arrive) they replace the
 *   store's document records;
 * - `seedIfEmpty()`, called by the caller after the provider's 'synced' event, writes the
 *   store's document records (and the schema) only if the doc is still empty.
 * Two clients that both find an empty board and seed at once write the same records:
 * tldraw's default page id is the fixed 'page:page' (and the document is 'document:document'),
 * with the same content, so they converge to one page, not two. (If one of them deletes
 * that page before the other's seed reaches it, the concurrent put wins and the page comes
 * back, once; seeding new boards on the server would avoid even that.) Until the doc is loaded
 * or seeded, local changes are held; loading the doc discards them (keep the editor read-only
 * until 'synced').
 *
 * Concurrency: a local edit not yet written when a remote change to the same record arrives
 * wins (the store keeps it; the next flush writes it after the remote one). Nothing here writes
 * to the doc from inside a Yjs observer: see onChange for why.
 */
import type * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import type { TLRecord, TLStore } from '@tldraw/tlschema'
import { DocKeys } from '../../shared/protocol.ts'
import { DocSchemaStatus, compareDocSchema, readDocSchema, writeDocSchema } from './docSchema.ts'
import {
  InvalidRecordCode,
  InvalidRecordError,
  checkRemoteRecord,
  isDocumentType,
  type InvalidRecordInfo,
} from './remoteRecord.ts'

/** Runs `fn` later (next frame in the browser) and returns a function that cancels it. */
export type Schedule = (fn: () => void) => () => void

export interface BindStoreOptions {
  /** A record from the document was refused; the other records of the change still apply. */
  onInvalidRecord?(info: InvalidRecordInfo): void
  /** The document was written by a newer client: from now on this binding writes nothing. */
  onDocSchemaNewer?(): void
  /** Defaults to the next animation frame (with a timeout, since hidden tabs get no frames). */
  schedule?: Schedule
}

export interface StoreBinding {
  /** The key-value view of the records array; values are untrusted until checked. */
  readonly kv: YKeyValue<unknown>
  /** Transaction origin of this binding's writes. */
  readonly origin: object
  /** True once the doc's records are in the store, or the store's have been seeded. */
  isLive(): boolean
  /** Seeds an empty document from the store. Returns whether it did. Call after 'synced'. */
  seedIfEmpty(): boolean
  /** Writes pending local changes now instead of at the next frame. */
  flush(): void
  /** Writes what is pending and stops. Safe to call twice. Call before disposing the store. */
  dispose(): void
}

type KVChange =
  | { action: 'add'; newValue: unknown }
  | { action: 'update'; oldValue: unknown; newValue: unknown }
  | { action: 'delete'; oldValue: unknown }

type RecordId = TLRecord['id']

export function bindStoreToDoc(store: TLStore, doc: Y.Doc, opts: BindStoreOptions = {}): StoreBinding {
  const kv = new YKeyValue<unknown>(doc.getArray(DocKeys.records))
  const meta = doc.getMap<unknown>(DocKeys.meta)
  const origin = { binding: 'bindStoreToDoc' }
  const schedule = opts.schedule ?? scheduleNextFrame
  const report = (info: InvalidRecordInfo) => opts.onInvalidRecord?.(info)

  let live = false
  let disposed = false
  /** Set when the doc's schema is newer than ours: we must not write into it. */
  let readOnly = false
  /** Latest local value per record id since the last write; null means deleted. */
  const pending = new Map<string, TLRecord | null>()
  let cancelScheduled: (() => void) | null = null
  /** The doc's schema must be set to ours at the next write (it was older or missing). */
  let schemaDue = false

  const documentRecords = () => store.allRecords().filter((r) => isDocumentType(store.schema, r.typeName))

  function checkSchema(): DocSchemaStatus {
    const status = compareDocSchema(doc, store.schema)
    if (status === DocSchemaStatus.newer && !readOnly) {
      readOnly = true
      opts.onDocSchemaNewer?.()
    }
    return status
  }

  /** Writes records (null = delete) that differ from the doc, in one transaction. */
  function writeRecords(entries: Iterable<readonly [string, TLRecord | null]>): void {
    if (readOnly) return
    const toRemove = new Set<string>()
    const toPush: { key: string; val: unknown }[] = []
    for (const [id, record] of entries) {
      const exists = kv.has(id)
      if (record === null) {
        if (exists) toRemove.add(id)
      } else if (!exists || !jsonEqual(kv.get(id), record)) {
        if (exists) toRemove.add(id)
        toPush.push({ key: id, val: record })
      }
    }
    if (toRemove.size === 0 && toPush.length === 0) return
    doc.transact(() => {
      // One pass over the array for all removals (YKeyValue.delete scans it once per key).
      // Right to left, so the indices still to visit don't shift.
      if (toRemove.size > 0) {
        const items = kv.yarray.toArray()
        for (let i = items.length - 1; i >= 0; i--) {
          const key = items[i]?.key
          if (key !== undefined && toRemove.has(key)) kv.yarray.delete(i, 1)
        }
      }
      if (toPush.length > 0) kv.yarray.push(toPush)
    }, origin)
  }

  /** Writes the pending local changes (and the schema, after an upgrade) in one transaction. */
  function writePending(): void {
    if (!live || (pending.size === 0 && !schemaDue)) return
    const entries = [...pending]
    pending.clear()
    doc.transact(() => {
      writeRecords(entries)
      if (schemaDue && !readOnly) writeDocSchema(doc, store.schema)
      schemaDue = false
    }, origin)
  }

  function flush(): void {
    if (disposed) return
    // The store hands changes to listeners once per frame too; take them now.
    store._flushHistory()
    cancelScheduled?.()
    cancelScheduled = null
    writePending()
  }

  function requestFlush(): void {
    if (!live || disposed || cancelScheduled) return
    cancelScheduled = schedule(() => {
      cancelScheduled = null
      flush()
    })
  }

  /** Applies checked remote records; a record the store still refuses is reported, not thrown. */
  function applyRemote(puts: TLRecord[], removes: RecordId[]): void {
    if (puts.length === 0 && removes.length === 0) return
    store.mergeRemoteChanges(() => {
      if (removes.length > 0) store.remove(removes)
      if (puts.length === 0) return
      try {
        store.put(puts)
      } catch {
        // Record-level checks passed but the store (or a side effect) refused one: find it.
        for (const record of puts) {
          try {
            store.put([record])
          } catch (cause) {
            const error = new InvalidRecordError(InvalidRecordCode.rejectedByStore, `record ${record.id} was rejected by the store`, { cause })
            report({ id: record.id, typeName: record.typeName, error })
          }
        }
      }
    })
  }

  /** Makes the store's document records those of the doc; migrates an older doc up. */
  function loadFromDoc(): void {
    live = true
    pending.clear()
    const status = checkSchema()
    const from = status === DocSchemaStatus.older ? readDocSchema(doc) : null
    const valid: TLRecord[] = []
    for (const [key, entry] of kv.map) {
      const checked = checkRemoteRecord(store.schema, key, entry.val, from)
      if (!checked.ok) {
        report(checked.info)
        continue
      }
      valid.push(checked.record)
      // Migrated records are written back at our version with the next write.
      if (from && !jsonEqual(entry.val, checked.record)) pending.set(key, checked.record)
    }
    const keep = new Set<string>(valid.map((r) => r.id))
    applyRemote(
      valid,
      documentRecords()
        .filter((r) => !keep.has(r.id))
        .map((r) => r.id),
    )
    if (status === DocSchemaStatus.older || status === DocSchemaStatus.missing) {
      // Written by an older client (or by none of ours): record our version, so that older
      // clients are told to reload. Not written here: this usually runs inside a Yjs observer
      // (see onChange).
      schemaDue = true
      requestFlush()
    }
  }

  function seedIfEmpty(): boolean {
    if (disposed || live) return false
    if (kv.map.size > 0) {
      loadFromDoc()
      return false
    }
    live = true
    pending.clear()
    if (checkSchema() === DocSchemaStatus.newer) return false
    for (const record of documentRecords()) pending.set(record.id, record)
    schemaDue = true
    writePending()
    return true
  }

  const onChange = (changes: Map<string, KVChange>, transaction: Y.Transaction) => {
    if (transaction.origin === origin || disposed) return
    if (!live) {
      if (kv.map.size > 0) loadFromDoc()
      return
    }
    // Local edits made since the last frame are concurrent with this change and win for the
    // records they touch: the store keeps them and the next flush writes them after it. (They
    // are not written from here: a transaction started inside a Yjs observer can have its new
    // items merged away by an earlier transaction's cleanup, and YKeyValue then never learns
    // of them.)
    store._flushHistory()
    const puts: TLRecord[] = []
    const removes: RecordId[] = []
    for (const [key, change] of changes) {
      if (pending.has(key)) continue
      if (change.action === 'delete') {
        // A removal of something we never had (or refused) is not an error.
        if (store.has(key as RecordId)) removes.push(key as RecordId)
        continue
      }
      const checked = checkRemoteRecord(store.schema, key, change.newValue)
      if (checked.ok) puts.push(checked.record)
      else report(checked.info)
    }
    // A record valid on its own may still point at something missing (a shape whose page was
    // deleted concurrently, a binding to a deleted shape). It is applied as is: the store then
    // mirrors the doc on every client, and tldraw renders nothing for such a shape.
    applyRemote(puts, removes)
  }

  const onMeta = (event: Y.YMapEvent<unknown>) => {
    if (event.keysChanged.has('schema')) checkSchema()
  }

  const stopListening = store.listen(
    ({ changes }) => {
      for (const record of Object.values(changes.added)) pending.set(record.id, record)
      for (const [, to] of Object.values(changes.updated)) pending.set(to.id, to)
      for (const record of Object.values(changes.removed)) pending.set(record.id, null)
      requestFlush()
    },
    { source: 'user', scope: 'document' },
  )
  kv.on('change', onChange)
  meta.observe(onMeta)

  if (kv.map.size > 0) loadFromDoc()

  return {
    kv,
    origin,
    isLive: () => live,
    seedIfEmpty,
    flush,
    dispose() {
      if (disposed) return
      flush()
      disposed = true
      cancelScheduled?.()
      cancelScheduled = null
      stopListening()
      kv.off('change', onChange)
      meta.unobserve(onMeta)
    },
  }
}

/** Next animation frame in the browser; hidden tabs get no frames, so a timeout backs it up. */
export const scheduleNextFrame: Schedule = (fn) => {
  if (typeof requestAnimationFrame !== 'function') {
    const timer = setTimeout(fn, 16)
    return () => clearTimeout(timer)
  }
  let done = false
  const run = () => {
    if (done) return
    done = true
    cancelAnimationFrame(frame)
    clearTimeout(timer)
    fn()
  }
  const frame = requestAnimationFrame(run)
  const timer = setTimeout(run, 250)
  return () => {
    done = true
    cancelAnimationFrame(frame)
    clearTimeout(timer)
  }
}

/** Structural equality of JSON values (records are plain JSON). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((item, i) => jsonEqual(item, b[i]))
  }
  if (Array.isArray(b)) return false
  const aKeys = Object.keys(a)
  if (aKeys.length !== Object.keys(b).length) return false
  return aKeys.every(
    (key) => Object.hasOwn(b, key) && jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  )
}
