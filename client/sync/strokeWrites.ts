/**
 * How the binding writes a record whose segments may travel as a stroke (shared/docRecords.ts):
 * while a draw or highlight shape is being drawn, each frame writes one splice of its segments'
 * JSON into its Y.Text in the strokes map, and its records entry only when another field
 * changed; anything else, a completed stroke included, is written whole and its stroke deleted.
 *
 * Only the client that changed a stroke's segments (the one drawing) writes them. Someone who
 * moves or recolours a stroke being drawn holds segments that may be older than the doc's (a
 * local edit keeps remote changes out of the store until it is written): written, they would
 * take back the points drawn meanwhile, and splices from two clients into one Y.Text could
 * interleave. So their entry keeps the doc's segments, and their store takes the doc's stroke
 * back once the write is done.
 */
import * as Y from 'yjs'
import type { TLRecord } from '@tldraw/tlschema'
import { MAX_STROKE_CHARS, isStrokeInProgress, isStrokeShape, textSplice } from '../../shared/docRecords.ts'
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
 * What to write for `record`, given the records entry `stored` (untrusted), whether a stroke is
 * stored for it, and whether its segments were changed here since the last write.
 */
export function planRecordWrite(record: TLRecord, stored: unknown, hasStroke: boolean, drawnHere: boolean): RecordWrite {
  const whole: RecordWrite = { entry: record, stroke: hasStroke ? null : undefined, resync: false }
  if (!isStrokeInProgress(record)) return whole
  const held = isStrokeShape(stored) && Array.isArray(stored.props.segments) ? stored.props.segments : null
  const withHeld = () => ({ ...record, props: { ...record.props, segments: held } }) as unknown as TLRecord
  if (held && !drawnHere) return { entry: withHeld(), stroke: undefined, resync: true }
  const segments = JSON.stringify(record.props.segments)
  // Past what readers accept as a stroke: the record goes whole (never drawn by hand).
  if (segments.length > MAX_STROKE_CHARS) return whole
  // Only the segments changed: the entry keeps those it holds. Otherwise it is written whole,
  // current segments included (rare while drawing: a stroke closing on itself, a recolour), so
  // that a completion written concurrently by someone else loses no more than it must.
  const segmentsOnly = held !== null && jsonEqual(stored, withHeld())
  // A stored stroke (or whatever else is stored in its place) must read the current segments.
  const stroke = hasStroke || (segmentsOnly && !jsonEqual(held, record.props.segments)) ? segments : undefined
  return { entry: segmentsOnly ? null : record, stroke, resync: false }
}

/** Whether a local change of a record changed the segments of a draw or highlight shape. */
export function changesSegments(from: TLRecord | undefined, to: TLRecord): boolean {
  if (!isStrokeShape(to)) return false
  return !(isStrokeShape(from) && jsonEqual(from.props.segments, to.props.segments))
}

/** Writes a planned stroke (inside the caller's transaction). */
export function writeStroke(strokes: Y.Map<unknown>, id: string, segments: string | null): void {
  const stroke = strokes.get(id)
  if (segments === null) strokes.delete(id)
  else if (stroke instanceof Y.Text) spliceText(stroke, segments)
  else strokes.set(id, new Y.Text(segments))
}

/** Makes `text` read `next` with one splice (see textSplice): appending costs what is appended. */
function spliceText(text: Y.Text, next: string): void {
  const splice = textSplice(text.toString(), next)
  if (!splice) return
  if (splice.remove > 0) text.delete(splice.index, splice.remove)
  if (splice.insert.length > 0) text.insert(splice.index, splice.insert)
}
