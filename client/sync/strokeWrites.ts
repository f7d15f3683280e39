/**
 * How the binding writes a record whose segments may travel as a stroke (shared/docRecords.ts):
 * while a draw or highlight shape is being drawn, each frame writes one splice of its segments'
 * JSON into its Y.Text in the strokes map, and its records entry only when another field
 * changed; anything else, a completed stroke included, is written whole and its stroke deleted.
 *
 * Only the client drawing a stroke (the session that created the shape in progress) writes its
 * segments. Someone else who moves, recolours, undoes or redoes a stroke being drawn holds
 * segments that may be older than the doc's (a local edit keeps remote changes out of the store
 * until it is written): written, they would take back the points drawn meanwhile, and splices
 * from two clients into one Y.Text could interleave. So their entry takes the segments the doc
 * reads at that moment (its entry merged with its stroke: should the drawer's completion lose
 * to this entry, it keeps every point that had arrived) and its completion, if it has arrived,
 * and their store takes the doc's stroke back once the write is done.
 */
import * as Y from 'yjs'
import type { TLRecord } from '@tldraw/tlschema'
import { MAX_STROKE_CHARS, isStrokeInProgress, isStrokeShape, mergeStroke, textSplice } from '../../shared/docRecords.ts'
import { jsonEqual } from './jsonEqual.ts'

export type RecordWrite = {
  /** The value for the records entry, or null to leave the entry as it is. */
  entry: TLRecord | null
  /** The segments (JSON) the stroke must read; null deletes the stroke; undefined leaves it. */
  stroke: string | null | undefined
  /** The store must take the doc's stroke back after the write: someone else is drawing it. */
  resync: boolean
}

/**
 * What to write for `record`, given the records entry `stored` and the value `stroke` of the
 * strokes map under its id (undefined: none), both untrusted, and whether this session is the
 * one drawing it (`drawnHere`).
 */
export function planRecordWrite(record: TLRecord, stored: unknown, stroke: unknown, drawnHere: boolean): RecordWrite {
  const hasStroke = stroke !== undefined
  const whole: RecordWrite = { entry: record, stroke: hasStroke ? null : undefined, resync: false }
  if (!isStrokeInProgress(record)) return whole
  const held = isStrokeShape(stored) && Array.isArray(stored.props.segments) ? stored.props.segments : null
  const withSegments = (segments: unknown) => ({ ...record, props: { ...record.props, segments } }) as unknown as TLRecord
  if (!drawnHere) {
    // Someone else's stroke: its segments, and whether it is complete, as the doc reads them
    // now (its completion may have arrived while this edit was pending), never ours.
    if (!held) return { entry: record, stroke: undefined, resync: false }
    const current = mergeStroke(stored, stroke).record as { props: { segments: unknown; isComplete: unknown } }
    const props = { ...record.props, segments: current.props.segments, isComplete: current.props.isComplete === true }
    return { entry: { ...record, props } as TLRecord, stroke: undefined, resync: true }
  }
  const segments = JSON.stringify(record.props.segments)
  // Past what readers accept as a stroke: the record goes whole (never drawn by hand).
  if (segments.length > MAX_STROKE_CHARS) return whole
  // Only the segments changed: the entry keeps those it holds. Otherwise it is written whole,
  // current segments included (rare while drawing: a stroke closing on itself, a recolour), so
  // that a completion written concurrently by someone else loses no more than it must.
  const segmentsOnly = held !== null && jsonEqual(stored, withSegments(held))
  // A stored stroke (or whatever else is stored in its place) must read the current segments.
  const strokeWrite = hasStroke || (segmentsOnly && !jsonEqual(held, record.props.segments)) ? segments : undefined
  return { entry: segmentsOnly ? null : record, stroke: strokeWrite, resync: false }
}

/** Writes a planned stroke (inside the caller's transaction). */
export function writeStroke(strokes: Y.Map<unknown>, id: string, segments: string | null): void {
  const stroke = strokes.get(id)
  if (segments === null) {
    strokes.delete(id)
    return
  }
  // A text holding anything but characters (an embed, from a client other than ours) counts it
  // in its positions but not in toString(): a splice computed on the string would land off.
  // Such a text, or one that does not read `segments` after the splice, is replaced.
  if (stroke instanceof Y.Text && stroke.length === stroke.toString().length) {
    spliceText(stroke, segments)
    if (stroke.toString() === segments) return
  }
  strokes.set(id, new Y.Text(segments))
}

/** Makes `text` read `next` with one splice (see textSplice): appending costs what is appended. */
function spliceText(text: Y.Text, next: string): void {
  const splice = textSplice(text.toString(), next)
  if (!splice) return
  if (splice.remove > 0) text.delete(splice.index, splice.remove)
  if (splice.insert.length > 0) text.insert(splice.index, splice.insert)
}
