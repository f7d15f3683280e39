/**
 * The tldraw records of a board's Y.Doc, as every reader must see them: the client binding,
 * the server's exports, versions and reports.
 *
 * A record lives in the YKeyValue over `records` (DocKeys.records), except for one thing: while
 * a draw or highlight shape is being drawn (`props.isComplete` false), its `props.segments` grow
 * every frame, and rewriting the whole record each frame would send O(n^2) bytes for a stroke.
 * So the drawing client keeps the segments, as JSON, in a Y.Text under the shape's id in the
 * `strokes` map (DocKeys.strokes) and edits only their tail each frame; the records entry holds
 * the rest of the record, rewritten only when another field changes (with the segments of that
 * moment, which the stroke's then overtake). When the stroke
 * completes, or the shape is deleted, the whole record goes back into `records` and the Y.Text
 * is deleted, in one transaction.
 *
 * The merged record is the records entry with the segments of the stroke, when the entry is an
 * in-progress draw or highlight shape and the stroke can be read. Anything else in the strokes
 * map does not apply and is ignored: an entry without a record, or for a completed shape (both
 * can also come from concurrent edits: a stroke extended while someone deleted or completed
 * the shape), or for another kind of record. A stroke that applies but cannot be read (not a
 * Y.Text, too large, not JSON, not a list of segments) leaves the records entry as it is, with
 * the problem said, so that one hostile client cannot break a board for anyone.
 *
 * Pure: no DOM and no node:*; the client validates merged records against the tldraw schema,
 * the server exports them.
 */
import * as Y from 'yjs'
import { DocKeys } from './protocol.ts'

/** Shape types whose segments go into the strokes map while they are drawn. */
export const STROKE_SHAPE_TYPES: ReadonlySet<string> = new Set(['draw', 'highlight'])

/**
 * Largest stroke read, in characters. tldraw 5.4.2 ends a freehand segment past 600 points
 * (maxPointsPerShape; about 4.9 KB of JSON with pressure, 3.3 KB without) and starts a new
 * shape; only shift-clicks add straight segments (about 50 characters each) to a shape. 64 KB
 * holds a dozen full freehand segments, while every reader parses a stroke whole on each
 * change of it: a small splice into a stroke this size costs a reader well under a millisecond.
 * A writer whose segments outgrow it writes the whole record instead.
 */
export const MAX_STROKE_CHARS = 64 * 1024

/** Why a stroke that applies to its record could not be read. */
export const StrokeProblem = {
  notText: 'not-text',
  tooLarge: 'too-large',
  notJson: 'not-json',
  notSegments: 'not-segments',
} as const
export type StrokeProblem = (typeof StrokeProblem)[keyof typeof StrokeProblem]

export type StrokeRead = { ok: true; segments: unknown[] } | { ok: false; problem: StrokeProblem; message: string }

export type MergedRecord = {
  /** The record to use: merged with its stroke when that applied and could be read. */
  record: unknown
  /** The stroke applied to the record but could not be read; `record` is the entry as stored. */
  problem?: { code: StrokeProblem; message: string }
  /** The segments came from the stroke. */
  merged: boolean
}

/** A segment of a draw or highlight shape (tldraw 5.4.2's TLDrawShapeSegment). */
type Segment = { type: 'free' | 'straight'; path: string; dim?: 2 | 3 }
const SEGMENT_TYPES: ReadonlySet<string> = new Set(['free', 'straight'])

type ShapeLike = { typeName: 'shape'; type: string; props: Record<string, unknown> }

export function strokesMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(DocKeys.strokes)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A draw or highlight shape, whatever its state (untrusted values welcome). */
export function isStrokeShape(record: unknown): record is ShapeLike {
  return (
    isObject(record) &&
    record.typeName === 'shape' &&
    typeof record.type === 'string' &&
    STROKE_SHAPE_TYPES.has(record.type) &&
    isObject(record.props)
  )
}

/** A draw or highlight shape being drawn: the only records a stroke applies to. */
export function isStrokeInProgress(record: unknown): record is ShapeLike {
  return isStrokeShape(record) && record.props.isComplete === false
}

/**
 * Reads a value of the strokes map: a Y.Text holding a JSON list of segments, each rebuilt from
 * the fields of tldraw 5.4.2's DrawShapeSegment only (`type` 'free' or 'straight', `path` a
 * string, `dim` 2 or 3 or absent); any other field is dropped, so that nothing else written
 * into a stroke (a deeply nested value, which JSON.stringify cannot write back) reaches a reader.
 * The full check of the record is tldraw's validator, on the client.
 */
export function readStroke(value: unknown): StrokeRead {
  if (!(value instanceof Y.Text)) return { ok: false, problem: StrokeProblem.notText, message: 'the stroke is not a text' }
  if (value.length > MAX_STROKE_CHARS) {
    return { ok: false, problem: StrokeProblem.tooLarge, message: `the stroke has ${value.length} characters, more than ${MAX_STROKE_CHARS}` }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(value.toString())
  } catch {
    return { ok: false, problem: StrokeProblem.notJson, message: 'the stroke is not JSON' }
  }
  const segments = Array.isArray(parsed) ? parsed.map(readSegment) : null
  if (!segments || !segments.every((s) => s !== null)) {
    return { ok: false, problem: StrokeProblem.notSegments, message: 'the stroke is not a list of segments' }
  }
  return { ok: true, segments }
}

/** A draw segment of tldraw 5.4.2 ({ type, path, dim? }) from the fields of `value`, or null. */
function readSegment(value: unknown): Segment | null {
  if (!isObject(value) || !SEGMENT_TYPES.has(value.type as string) || typeof value.path !== 'string') return null
  const { type, path, dim } = value as Segment
  if (dim === undefined) return { type, path }
  if (dim !== 2 && dim !== 3) return null
  return { type, path, dim }
}

/** `record` with the segments of `stroke` (a value of the strokes map, or undefined for none). */
export function mergeStroke(record: unknown, stroke: unknown): MergedRecord {
  if (stroke === undefined || !isStrokeInProgress(record)) return { record, merged: false }
  const read = readStroke(stroke)
  if (!read.ok) return { record, merged: false, problem: { code: read.problem, message: read.message } }
  return { record: { ...record, props: { ...record.props, segments: read.segments } }, merged: true }
}

/**
 * The records entries of a document by key, read from the Y.Array without YKeyValue (whose
 * constructor cleans duplicates by writing). The last entry of a key wins, as in YKeyValue.
 * Values are as stored: untrusted.
 */
export function readRecordEntries(doc: Y.Doc): Map<string, unknown> {
  const byKey = new Map<string, unknown>()
  for (const entry of doc.getArray<unknown>(DocKeys.records).toArray()) {
    if (isObject(entry) && typeof entry.key === 'string') byKey.set(entry.key, entry.val)
  }
  return byKey
}

/** Every record of a document by key, each merged with its stroke (see mergeStroke). Untrusted. */
export function readMergedRecords(doc: Y.Doc): Map<string, unknown> {
  const entries = readRecordEntries(doc)
  const strokes = strokesMap(doc)
  if (strokes.size === 0) return entries
  for (const [key, stroke] of strokes) {
    const record = entries.get(key)
    if (record !== undefined) entries.set(key, mergeStroke(record, stroke).record)
  }
  return entries
}

/** The one edit that turns `from` into `to`: delete `remove` characters at `index`, insert `insert`. */
export type TextSplice = { index: number; remove: number; insert: string }

/**
 * The smallest single splice from `from` to `to` (common prefix and suffix kept): appending
 * points to a stroke's path costs the new characters and the few of the old tail (base64
 * padding) that change. Never splits a UTF-16 surrogate pair. Null when they are equal.
 */
export function textSplice(from: string, to: string): TextSplice | null {
  if (from === to) return null
  const shorter = Math.min(from.length, to.length)
  let start = 0
  while (start < shorter && from.charCodeAt(start) === to.charCodeAt(start)) start++
  if (start > 0 && isHighSurrogate(from.charCodeAt(start - 1))) start--
  let end = 0
  while (end < shorter - start && from.charCodeAt(from.length - 1 - end) === to.charCodeAt(to.length - 1 - end)) end++
  if (end > 0 && isLowSurrogate(from.charCodeAt(from.length - end))) end--
  return { index: start, remove: from.length - start - end, insert: to.slice(start, to.length - end) }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}
