/**
 * Binds a tldraw store to a Y.Doc: document records (shapes, pages, assets, bindings, the
 * document record, users) live in a YKeyValue over `doc.getArray(DocKeys.records)`, keyed by
 * record id. Session and presence records (instance, camera, pointer, presence) never enter it.
 *
 * Local user changes are coalesced per record and written in one transaction per frame.
 * Remote changes are checked one record at a time (remoteRecord.ts), then for what they point at
 * as a batch (references.ts: parent loops, binding ends), and applied with
 * `store.mergeRemoteChanges`, which marks them 'remote': tldraw's undo only records 'user'
 * changes, so undo never takes back someone else's work. Should the store or one of tldraw's
 * side effects still throw on a change, the change is applied again in parts, so that only the
 * records that throw are skipped (and reported).
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
 * Strokes. While a draw or highlight shape is being drawn, its segments grow every frame: they
 * are written into a Y.Text in the strokes map as one splice of their JSON per frame (about the
 * characters appended), not as the whole record, by the session that created the shape (the
 * one drawing it) only. The records entry is rewritten (whole, with the segments of that moment)
 * only when another field changes (strokeWrites.ts). Completing (or deleting) the shape writes
 * the whole record and deletes the Y.Text in one transaction.
 * Remote records are merged with their stroke before they are checked (shared/docRecords.ts);
 * a stroke that cannot be read or fails validation is reported and the records entry is used
 * as it is. A reader parses a stroke whole each time it applies it, so edits of a stroke's text
 * are applied at most once a frame per stroke (however many messages brought them).
 *
 * Concurrency: a local edit not yet written when a remote change to the same record arrives
 * wins (the store keeps it; the next flush writes it after the remote one), except for the
 * segments of a stroke someone else is drawing, which only the one drawing writes (see
 * writeRecords). Nothing here writes to the doc from inside a Yjs observer: see onChange for why.
 */
import type * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import type { RecordsDiff, SerializedSchema } from '@tldraw/store'
import type { TLBinding, TLRecord, TLStore } from '@tldraw/tlschema'
import { DocKeys } from '../../shared/protocol.ts'
import { isStrokeInProgress, mergeStroke, strokesMap } from '../../shared/docRecords.ts'
import { DocSchemaStatus, compareDocSchema, readDocSchema, writeDocSchema } from './docSchema.ts'
import {
  InvalidRecordCode,
  InvalidRecordError,
  checkRemoteRecord,
  isDocumentType,
  type InvalidRecordInfo,
  type RecordCheck,
} from './remoteRecord.ts'
import { checkReferences, type StoreView } from './references.ts'
import { createHeldRecords } from './heldRecords.ts'
import { jsonEqual } from './jsonEqual.ts'
import { planRecordWrite, writeStroke } from './strokeWrites.ts'

export { jsonEqual }

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
  /** The strokes map: segments of shapes being drawn (see shared/docRecords.ts); untrusted. */
  readonly strokes: Y.Map<unknown>
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

export function bindStoreToYDoc(store: TLStore, doc: Y.Doc, opts: BindStoreOptions = {}): StoreBinding {
  const kv = new YKeyValue<unknown>(doc.getArray(DocKeys.records))
  const strokes = strokesMap(doc)
  const meta = doc.getMap<unknown>(DocKeys.meta)
  const origin = { binding: 'bindStoreToYDoc' }
  const schedule = opts.schedule ?? scheduleNextFrame
  const report = (info: InvalidRecordInfo) => opts.onInvalidRecord?.(info)

  let live = false
  let disposed = false
  /** Set when the doc's schema is newer than ours: we must not write into it. */
  let readOnly = false
  /** Latest local value per record id since the last write; null means deleted. */
  const pending = new Map<string, TLRecord | null>()
  /**
   * Ids of the draw and highlight shapes this session draws: created here in progress (or
   * migrated here at load). Only these have their segments written (see strokeWrites.ts); a
   * change of their segments made here otherwise (an undo, a redo of someone's stroke being
   * drawn) leaves the drawer's stroke alone.
   */
  const drawnHere = new Set<string>()
  let cancelScheduled: (() => void) | null = null
  /** Strokes whose text changed remotely since they were last applied (see onStrokes). */
  const strokesDue = new Set<string>()
  let cancelStrokes: (() => void) | null = null
  /** The doc's schema must be set to ours at the next write (it was older or missing). */
  let schemaDue = false
  /** Records of the doc kept out of the store for what they point at (references.ts). */
  const held = createHeldRecords()
  /** Ids changed locally that held records wait for: checked again at the next flush. */
  const recheck = new Set<string>()
  /** While a remote change is being tried: the local changes made during it (see tryMerge). */
  let attempt: RecordsDiff<TLRecord>[] | null = null

  const documentRecords = () => store.allRecords().filter((r) => isDocumentType(store.schema, r.typeName))

  function checkSchema(): DocSchemaStatus {
    const status = compareDocSchema(doc, store.schema)
    if (status === DocSchemaStatus.newer && !readOnly) {
      readOnly = true
      opts.onDocSchemaNewer?.()
    }
    return status
  }

  /**
   * Writes records (null = delete) that differ from the doc, in one transaction; a shape being
   * drawn as a splice of its stroke (see strokeWrites.ts). Returns the ids whose store must take
   * the doc's stroke back.
   */
  function writeRecords(entries: Iterable<readonly [string, TLRecord | null]>): string[] {
    if (readOnly) return []
    const toRemove = new Set<string>()
    const toPush: { key: string; val: unknown }[] = []
    /** Segments (JSON) to write into a shape's stroke; null deletes the stroke. */
    const strokeWrites = new Map<string, string | null>()
    const resync: string[] = []
    for (const [id, record] of entries) {
      const exists = kv.has(id)
      if (record === null) {
        if (exists) toRemove.add(id)
        if (strokes.has(id)) strokeWrites.set(id, null)
        continue
      }
      const stored: unknown = exists ? kv.get(id) : undefined
      const plan = planRecordWrite(record, stored, strokes.has(id) ? strokes.get(id) : undefined, drawnHere.has(id))
      if (plan.resync) resync.push(id)
      if (plan.stroke !== undefined) strokeWrites.set(id, plan.stroke)
      if (plan.entry && (!exists || !jsonEqual(stored, plan.entry))) {
        if (exists) toRemove.add(id)
        toPush.push({ key: id, val: plan.entry })
      }
    }
    if (toRemove.size === 0 && toPush.length === 0 && strokeWrites.size === 0) return resync
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
      for (const [id, segments] of strokeWrites) writeStroke(strokes, id, segments)
    }, origin)
    return resync
  }

  /**
   * Checks the record stored under `key` as everyone reads it: merged with its stroke (see
   * shared/docRecords.ts). A stroke that cannot be read, or with which the record fails
   * validation, is reported, and the records entry is checked alone.
   */
  function checkStored(key: string, value: unknown, from?: SerializedSchema | null): RecordCheck {
    const merged = mergeStroke(value, strokes.get(key))
    if (merged.merged) {
      const withStroke = checkRemoteRecord(store.schema, key, merged.record, from)
      if (withStroke.ok) return withStroke
      const alone = checkRemoteRecord(store.schema, key, value, from)
      if (alone.ok) reportStroke(key, withStroke.info.error.message, withStroke.info.error)
      return alone
    }
    const checked = checkRemoteRecord(store.schema, key, value, from)
    if (merged.problem && checked.ok) reportStroke(key, merged.problem.message)
    return checked
  }

  function reportStroke(key: string, message: string, cause?: unknown): void {
    const error = new InvalidRecordError(InvalidRecordCode.invalidStroke, `the stroke of ${key} was not used: ${message}`, { cause })
    report({ id: key, typeName: 'shape', error })
  }

  /** Writes the pending local changes (and the schema, after an upgrade) in one transaction. */
  function writePending(): void {
    if (!live || (pending.size === 0 && !schemaDue)) return
    const entries = [...pending]
    pending.clear()
    let resync: string[] = []
    doc.transact(() => {
      resync = writeRecords(entries)
      if (schemaDue && !readOnly) writeDocSchema(doc, store.schema)
      schemaDue = false
    }, origin)
    // Strokes someone else is drawing, whose other fields were changed here: back to the doc's
    // segments (the remote changes that brought them were kept out while the edit was pending).
    const puts: TLRecord[] = []
    for (const id of resync) {
      const checked = checkStored(id, kv.get(id))
      if (checked.ok) puts.push(checked.record)
    }
    if (puts.length > 0) applyRemote(puts, [])
  }

  function flush(): void {
    if (disposed) return
    // The store hands changes to listeners once per frame too; take them now.
    store._flushHistory()
    cancelScheduled?.()
    cancelScheduled = null
    writePending()
    applyDueStrokes()
    if (recheck.size > 0) {
      // Someone here brought back what held records wait for (an undone deletion).
      const ids = [...recheck]
      recheck.clear()
      applyRemote([], [], ids)
    }
  }

  function requestFlush(): void {
    if (!live || disposed || cancelScheduled) return
    cancelScheduled = schedule(() => {
      cancelScheduled = null
      flush()
    })
  }

  const storeView: StoreView = {
    get: (id) => store.unsafeGetWithoutCapture(id),
    bindingsInvolving: (shapeId) =>
      store.allRecords().filter((r) => r.typeName === 'binding' && (r.fromId === shapeId || r.toId === shapeId)) as TLBinding[],
  }

  /**
   * Runs `fn` as one remote change. If it throws, the store has rolled the change back (records,
   * and whatever side effects did in response) and the error is returned instead.
   */
  function tryMerge(fn: () => void): { ok: true } | { ok: false; cause: unknown } {
    // Local changes before it are ours; those made during it (by tldraw's side effects) are
    // kept aside until it is known to have held: a rolled-back change still reaches the
    // store's listeners (measured with @tldraw/store 5.4.2), and what a side effect did before
    // throwing would otherwise be written to the doc as a local edit.
    store._flushHistory()
    const during: RecordsDiff<TLRecord>[] = []
    attempt = during
    try {
      store.mergeRemoteChanges(fn)
      store._flushHistory()
      attempt = null
      for (const changes of during) takeLocalChanges(changes)
      return { ok: true }
    } catch (cause) {
      store._flushHistory()
      return { ok: false, cause }
    } finally {
      attempt = null
    }
  }

  /**
   * Applies `items` in one change; when that throws, in halves, down to the single items that
   * throw, which are reported. Halving finds one culprit among the thousands of records a board
   * loads in about 2 log2(n) changes instead of n. `items` come parents first, so each half
   * finds what it points at already applied.
   */
  function applyIsolating<T>(items: readonly T[], apply: (items: T[]) => void, culprit: (item: T, cause: unknown) => void): void {
    if (items.length === 0) return
    const result = tryMerge(() => apply([...items]))
    if (result.ok) return
    const [only] = items
    if (items.length === 1 && only !== undefined) {
      culprit(only, result.cause)
      return
    }
    const half = Math.ceil(items.length / 2)
    applyIsolating(items.slice(0, half), apply, culprit)
    applyIsolating(items.slice(half), apply, culprit)
  }

  /**
   * Applies a change from the doc: `puts` (each checked on its own already) and `removes`.
   * Records that point at what tldraw cannot live with are refused (reported, and held), and
   * held records waiting for anything the change touches (`touched`, its records, its
   * removals) are checked again with it. A record the store or a side effect still throws on
   * is reported, not thrown: thrown from here, Yjs would log it and the whole change (valid
   * records too) would be lost on every client.
   */
  function applyRemote(puts: TLRecord[], removes: RecordId[], touched: Iterable<string> = []): void {
    // A new version of a held record, or its removal, replaces the hold.
    for (const record of puts) held.drop(record.id)
    for (const id of removes) held.drop(id)
    const again = held.size > 0 ? held.takeWaitingFor([...touched, ...puts.map((r) => r.id), ...removes]) : []
    if (puts.length === 0 && removes.length === 0 && again.length === 0) return
    const fresh = new Set<string>(puts.map((r) => r.id))
    const { accepted, refused } = checkReferences(storeView, again.length > 0 ? [...puts, ...again] : puts, removes)
    for (const { record, info, waitsFor } of refused) {
      held.hold(record, waitsFor)
      // Reported when it arrives, not each time it is checked again.
      if (fresh.has(record.id)) report(info)
    }
    if (accepted.length === 0 && removes.length === 0) return
    const unbound = bindingsOf(new Set(removes))
    applyToStore(accepted, removes)
    // tldraw deletes the bindings of a deleted shape, also when the deletion is remote; the doc
    // keeps those bound concurrently with the deletion. Held, they come back with the shape
    // (an edit that won over the deletion, an undo), as they would for a late joiner.
    for (const binding of unbound) {
      if (store.has(binding.id) || held.has(binding.id)) continue
      if (kv.has(binding.id) || pending.has(binding.id)) held.hold(binding, [binding.fromId, binding.toId])
    }
  }

  /** The bindings in the store from or to one of `shapeIds`. */
  function bindingsOf(shapeIds: ReadonlySet<string>): TLBinding[] {
    if (![...shapeIds].some((id) => id.startsWith('shape:'))) return []
    return store
      .allRecords()
      .filter((r): r is TLBinding => r.typeName === 'binding' && (shapeIds.has(r.fromId) || shapeIds.has(r.toId)))
  }

  function applyToStore(accepted: TLRecord[], removes: RecordId[]): void {
    const all = tryMerge(() => {
      if (removes.length > 0) store.remove(removes)
      if (accepted.length > 0) store.put(accepted)
    })
    if (all.ok) return
    // Something in the change throws: nothing of it was applied. Apply it in parts: the records
    // first, so that removing a page before its replacement arrives never leaves the store
    // without one (the store would then make a default page of its own).
    applyIsolating(
      accepted,
      (records) => store.put(records),
      (record, cause) => {
        const error = new InvalidRecordError(InvalidRecordCode.rejectedByStore, `record ${record.id} was rejected by the store`, { cause })
        report({ id: record.id, typeName: record.typeName, error })
      },
    )
    applyIsolating(
      removes,
      (ids) => store.remove(ids),
      (id, cause) => {
        const error = new InvalidRecordError(InvalidRecordCode.rejectedByStore, `the removal of ${id} was rejected by the store`, { cause })
        report({ id, typeName: store.unsafeGetWithoutCapture(id)?.typeName, error })
      },
    )
  }

  /** Makes the store's document records those of the doc; migrates an older doc up. */
  function loadFromDoc(): void {
    live = true
    // Local changes not yet handed to our listener are discarded with the others.
    store._flushHistory()
    pending.clear()
    drawnHere.clear()
    recheck.clear()
    held.clear()
    const status = checkSchema()
    const from = status === DocSchemaStatus.older ? readDocSchema(doc) : null
    const valid: TLRecord[] = []
    for (const [key, entry] of kv.map) {
      const checked = checkStored(key, entry.val, from)
      if (!checked.ok) {
        report(checked.info)
        continue
      }
      valid.push(checked.record)
      // Migrated records are written back at our version with the next write (their strokes too).
      if (from && !jsonEqual(mergeStroke(entry.val, strokes.get(key)).record, checked.record)) {
        pending.set(key, checked.record)
        if (isStrokeInProgress(checked.record)) drawnHere.add(key)
      }
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
    drawnHere.clear()
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
    applyFromDoc(changes.keys(), transaction, true)
  }

  /** Keys already applied in a transaction: the records and the strokes observers both see a completed stroke. */
  const appliedIn = new WeakMap<Y.Transaction, Set<string>>()

  /**
   * Applies the records stored under `keys` as they are at the end of `transaction` (merged
   * with their strokes). `removals`: a key missing from the records is a removal; a stroke
   * whose record is missing is ignored (see shared/docRecords.ts).
   */
  function applyFromDoc(keys: Iterable<string>, transaction: Y.Transaction, removals: boolean): void {
    let applied = appliedIn.get(transaction)
    if (!applied) {
      applied = new Set()
      appliedIn.set(transaction, applied)
    }
    const fresh: string[] = []
    for (const key of keys) {
      if (applied.has(key)) continue
      applied.add(key)
      fresh.push(key)
    }
    applyKeys(fresh, removals)
  }

  /** Applies the records stored under `keys` as they are now (see applyFromDoc). */
  function applyKeys(keys: readonly string[], removals: boolean): void {
    store._flushHistory()
    const touched: string[] = []
    const puts: TLRecord[] = []
    const removes: RecordId[] = []
    for (const key of keys) {
      // Applied as the doc has it now: a stroke edit waiting for the next frame included.
      strokesDue.delete(key)
      touched.push(key)
      if (pending.has(key)) continue
      if (!kv.has(key)) {
        if (!removals) continue
        // A removal of something we never had (or refused) is not an error.
        if (store.has(key as RecordId)) removes.push(key as RecordId)
        else held.drop(key)
        continue
      }
      const checked = checkStored(key, kv.get(key))
      if (checked.ok) puts.push(checked.record)
      else report(checked.info)
    }
    // What the records point at is checked in applyRemote, against the store and this change
    // together: a shape whose parent loops or a binding to nothing is refused there, a shape
    // whose page or frame is missing is applied (see references.ts).
    applyRemote(puts, removes, touched)
  }

  /**
   * A stroke set or deleted (one being started, completed, replaced) is applied at once; an edit
   * of a stroke's text, at the next frame, with any others of that stroke until then: applying
   * it parses the whole stroke (up to MAX_STROKE_CHARS), and messages can come far more often
   * than frames.
   */
  const onStrokes = (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction) => {
    if (transaction.origin === origin || disposed || !live) return
    const now = new Set<string>()
    const edited = new Set<string>()
    for (const event of events) {
      if (event.target === strokes) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) now.add(key)
      else if (typeof event.path[0] === 'string') edited.add(event.path[0])
    }
    // Local edits made since the last frame win here too (see onChange).
    applyFromDoc(now, transaction, false)
    const applied = appliedIn.get(transaction)
    for (const key of edited) if (!applied?.has(key)) strokesDue.add(key)
    if (strokesDue.size > 0 && !cancelStrokes) {
      cancelStrokes = schedule(() => {
        cancelStrokes = null
        applyDueStrokes()
      })
    }
  }

  /** Applies the strokes whose text changed since they were last applied, as the doc has them now. */
  function applyDueStrokes(): void {
    if (disposed || strokesDue.size === 0) return
    const keys = [...strokesDue]
    strokesDue.clear()
    applyKeys(keys, false)
  }

  const onMeta = (event: Y.YMapEvent<unknown>) => {
    if (event.keysChanged.has('schema')) checkSchema()
  }

  function takeLocalChanges(changes: RecordsDiff<TLRecord>): void {
    for (const record of Object.values(changes.added)) {
      pending.set(record.id, record)
      if (isStrokeInProgress(record)) drawnHere.add(record.id)
    }
    for (const [, to] of Object.values(changes.updated)) pending.set(to.id, to)
    for (const record of Object.values(changes.removed)) {
      pending.set(record.id, null)
      drawnHere.delete(record.id)
    }
    if (held.size > 0) {
      for (const id of [...Object.keys(changes.added), ...Object.keys(changes.updated), ...Object.keys(changes.removed)]) {
        if (held.isAwaited(id)) recheck.add(id)
      }
    }
    requestFlush()
  }

  const stopListening = store.listen(
    ({ changes }) => {
      if (attempt) attempt.push(changes)
      else takeLocalChanges(changes)
    },
    { source: 'user', scope: 'document' },
  )
  kv.on('change', onChange)
  strokes.observeDeep(onStrokes)
  meta.observe(onMeta)

  if (kv.map.size > 0) loadFromDoc()

  return {
    kv,
    strokes,
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
      cancelStrokes?.()
      cancelStrokes = null
      strokesDue.clear()
      held.clear()
      recheck.clear()
      stopListening()
      kv.off('change', onChange)
      strokes.unobserveDeep(onStrokes)
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
