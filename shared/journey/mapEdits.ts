/**
 * A facilitator's edits to a map's structure (rename a stage, lane or area; add a stage;
 * remove a stage), as pure functions from the current records to a tldraw `RecordsDiff`. The
 * client applies one with `store.applyDiff(diff)` inside `editor.run` (one transaction, one
 * undo step); nothing here touches a store.
 *
 * What moves:
 * - Adding a stage opens a column: everything right of it (cards, drawings, the stage headers
 *   and lines) moves one column right, so no card changes stage. The frame grows.
 * - Removing a stage never deletes work. What was in its column (cards and anything else)
 *   leaves the frame and is laid out in rows just below the map, on the frame's parent, where
 *   the model reports it as loose cards until someone files them; what was right of it moves
 *   one column left. The frame shrinks. The last stage cannot be removed.
 *
 * "Content" of a map: the frame's non-structural children, plus notes elsewhere on the same
 * page whose centre is inside the frame (a note put on the page over the map). Its position is
 * its centre (see geometry.ts `shapeSize`: shapes without a size use their origin).
 *
 * Concurrent structure edits by two facilitators on one map are last-writer-wins on the frame
 * record (Yjs merges records whole); card moves never conflict with them.
 */
import type { RecordsDiff } from '@tldraw/store'
import type { TLRecord, TLShape, TLShapeId } from '@tldraw/tlschema'
import { META_KEY, isCardShape } from './cards.ts'
import {
  IDENTITY,
  NOTE_SIZE,
  ShapeIndex,
  apply,
  applyInverse,
  num,
  propsOf,
  rotate,
  rotateInverse,
  shapesOf,
  type Vec,
} from './geometry.ts'
import { label, type Translate } from './labels.ts'
import { indexKeyAbove, layoutParts, partRecord } from './layout.ts'
import {
  MAX_HEADINGS,
  MAX_HEADING_LABEL_LENGTH,
  gridSize,
  isPartId,
  mapMetaOf,
  partKey,
  partMetaOf,
  type GridMapMeta,
  type MapMeta,
} from './mapMeta.ts'

export type MapEdit = {
  /** Apply with `store.applyDiff(diff)` in one transaction. */
  diff: RecordsDiff<TLRecord>
  /** The map's structure after the edit. */
  meta: MapMeta
  /** Shapes moved out of the map (the content of a removed stage). */
  movedOut: TLShapeId[]
}

export type EditOptions = {
  /** Makes ids for parts that have to be drawn (a new stage's header and line). */
  newId: () => TLShapeId
}

/** Which heading to rename: a grid's stage or lane, or an area of an area map. */
export type HeadingRef = { stageId: string } | { laneId: string } | { areaId: string }

type Frame = TLShape & { type: 'frame' }

/** Collects record changes; a shape changed twice keeps its original `from`. */
class DiffBuilder {
  private readonly added = new Map<string, TLShape>()
  private readonly updated = new Map<string, [TLShape, TLShape]>()
  private readonly removed = new Map<string, TLShape>()

  constructor(private readonly index: ShapeIndex) {}

  put(next: TLShape): void {
    const original = this.index.get(next.id)
    if (!original) {
      this.added.set(next.id, next)
      return
    }
    if (JSON.stringify(original) === JSON.stringify(next)) this.updated.delete(next.id)
    else this.updated.set(next.id, [original, next])
  }

  /** The latest version of a shape in this diff. */
  current(id: string): TLShape | undefined {
    return this.added.get(id) ?? this.updated.get(id)?.[1] ?? this.index.get(id)
  }

  remove(id: string): void {
    const original = this.index.get(id)
    this.added.delete(id)
    this.updated.delete(id)
    if (original) this.removed.set(id, original)
  }

  build(): RecordsDiff<TLRecord> {
    return {
      added: Object.fromEntries(this.added) as RecordsDiff<TLRecord>['added'],
      updated: Object.fromEntries(this.updated) as RecordsDiff<TLRecord>['updated'],
      removed: Object.fromEntries(this.removed) as RecordsDiff<TLRecord>['removed'],
    }
  }
}

function findMap(index: ShapeIndex, frameId: string): { frame: Frame; meta: MapMeta } | null {
  const frame = index.get(frameId)
  if (!frame || frame.type !== 'frame') return null
  const meta = mapMetaOf(frame)
  return meta ? { frame: frame as Frame, meta } : null
}

function cleanHeadingLabel(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MAX_HEADING_LABEL_LENGTH)
}

/**
 * Re-draws the map's parts from `meta`: existing parts keep their id, index, style and text
 * (unless their key is in `relabel`) and get the new position and size; missing parts are
 * created above the existing ones; parts no longer in the layout, and duplicates, are removed.
 * The frame gets the new meta and size.
 */
function relayout(
  index: ShapeIndex,
  diff: DiffBuilder,
  frame: Frame,
  meta: MapMeta,
  frameSize: { w: number; h: number },
  options: EditOptions,
  relabel: ReadonlySet<string> = new Set(),
): void {
  const existing = new Map<string, TLShape>()
  let topIndex: string = 'a0'
  for (const child of index.childrenOf(frame.id).sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const part = partMetaOf(child)
    if (!part) continue
    if (child.index > topIndex) topIndex = child.index
    const key = partKey(part)
    if (existing.has(key)) diff.remove(child.id)
    else existing.set(key, child)
  }
  const wanted = new Set<string>()
  for (const spec of layoutParts(meta)) {
    const key = partKey(spec.part)
    wanted.add(key)
    const shape = existing.get(key)
    if (shape && shape.type === spec.type) {
      const props: Record<string, unknown> = { ...propsOf(shape) }
      if (spec.type === 'geo') Object.assign(props, { w: spec.props.w, h: spec.props.h })
      if (spec.type === 'line') props.points = spec.props.points
      if (relabel.has(key) && 'richText' in spec.props) props.richText = spec.props.richText
      diff.put({ ...shape, x: spec.x, y: spec.y, props } as unknown as TLShape)
      continue
    }
    if (shape) diff.remove(shape.id)
    topIndex = indexKeyAbove(topIndex)
    diff.put(partRecord(spec, options.newId(), frame.id, topIndex as TLShape['index']))
  }
  for (const [key, shape] of existing) if (!wanted.has(key)) diff.remove(shape.id)
  const current = diff.current(frame.id) as Frame
  diff.put({ ...current, props: { ...propsOf(current), ...frameSize } as Frame['props'], meta: { ...current.meta, [META_KEY]: meta } })
}

/** Renames a stage, lane or area: the frame's meta and the header people see. */
export function renameHeading(
  records: Iterable<TLRecord>,
  frameId: TLShapeId,
  ref: HeadingRef,
  newLabel: string,
  options: EditOptions,
): MapEdit | null {
  const index = new ShapeIndex(shapesOf(records))
  const found = findMap(index, frameId)
  if (!found) return null
  const { frame, meta } = found
  const text = cleanHeadingLabel(newLabel)
  const rename = <T extends { id: string; label: string }>(list: T[], id: string): T[] | null =>
    list.some((h) => h.id === id) ? list.map((h) => (h.id === id ? { ...h, label: text } : h)) : null
  let next: MapMeta | null = null
  let key = ''
  if ('areaId' in ref && meta.layout === 'areas') {
    const areas = rename(meta.areas, ref.areaId)
    next = areas && { ...meta, areas }
    key = `area/${ref.areaId}`
  } else if ('stageId' in ref && meta.layout === 'grid') {
    const stages = rename(meta.stages, ref.stageId)
    next = stages && { ...meta, stages }
    key = `stage/${ref.stageId}`
  } else if ('laneId' in ref && meta.layout === 'grid') {
    const lanes = rename(meta.lanes, ref.laneId)
    next = lanes && { ...meta, lanes }
    key = `lane/${ref.laneId}`
  }
  if (!next) return null
  const diff = new DiffBuilder(index)
  const size = { w: num(propsOf(frame).w, 1), h: num(propsOf(frame).h, 1) }
  relayout(index, diff, frame, next, size, options, new Set([key]))
  return { diff: diff.build(), meta: next, movedOut: [] }
}

type Content = { shape: TLShape; local: Vec }

/** What is in the map besides its structure, with centres in frame coordinates. */
function mapContent(index: ShapeIndex, frame: Frame): Content[] {
  const frameT = index.pageTransform(frame.id)
  const page = index.pageOf(frame.id)
  if (!frameT || !page) return []
  const w = num(propsOf(frame).w)
  const h = num(propsOf(frame).h)
  const out: Content[] = []
  for (const shape of index.shapes.values()) {
    if (shape.id === frame.id) continue
    const direct = shape.parentId === frame.id
    if (direct && partMetaOf(shape)) continue
    if (!direct && (!isCardShape(shape) || index.isAncestor(frame.id, shape.id) || index.pageOf(shape.id) !== page)) {
      continue
    }
    const centre = index.pageCentre(shape.id)
    if (!centre) continue
    const local = applyInverse(frameT, centre)
    if (!direct && (local.x < 0 || local.y < 0 || local.x >= w || local.y >= h)) continue
    out.push({ shape, local })
  }
  return out
}

/** The shape moved by `dx` along the frame's x axis, in its own parent's coordinates. */
function shiftedAlongFrame(index: ShapeIndex, shape: TLShape, frame: Frame, dx: number): TLShape {
  const frameT = index.pageTransform(frame.id) ?? IDENTITY
  const parentT = index.parentSpace(String(shape.parentId)) ?? IDENTITY
  const d = rotateInverse(parentT, rotate(frameT, { x: dx, y: 0 }))
  return { ...shape, x: num(shape.x) + d.x, y: num(shape.y) + d.y }
}

function newStageId(meta: GridMapMeta): string {
  const taken = new Set(meta.stages.map((s) => s.id))
  let n = meta.stages.length + 1
  while (taken.has(`stage-${n}`)) n++
  return `stage-${n}`
}

export type AddStageOptions = EditOptions & {
  /** Insert after this stage, or before this one; at the end when neither is given. */
  after?: string
  before?: string
  /** The new stage's label; the translated 'template.stage.new' when absent. */
  label?: string
  t?: Translate
  /** The new stage's id; `stage-<n>` (the first free n) when absent. */
  stageId?: string
}

/** Adds a stage (a column) to a grid map. Null when the map or the reference stage is unknown. */
export function addStage(records: Iterable<TLRecord>, frameId: TLShapeId, options: AddStageOptions): MapEdit | null {
  const index = new ShapeIndex(shapesOf(records))
  const found = findMap(index, frameId)
  if (!found || found.meta.layout !== 'grid') return null
  const { frame, meta } = found
  if (meta.stages.length >= MAX_HEADINGS) return null
  let at = meta.stages.length
  if (options.after !== undefined || options.before !== undefined) {
    const ref = meta.stages.findIndex((s) => s.id === (options.after ?? options.before))
    if (ref < 0) return null
    at = options.after !== undefined ? ref + 1 : ref
  }
  const id = options.stageId ?? newStageId(meta)
  if (!isPartId(id) || meta.stages.some((s) => s.id === id)) return null
  const text = cleanHeadingLabel(options.label ?? label(options.t, 'template.stage.new'))
  const stages = [...meta.stages.slice(0, at), { id, label: text }, ...meta.stages.slice(at)]
  const next: GridMapMeta = { ...meta, stages }
  const g = meta.geometry
  const diff = new DiffBuilder(index)
  const boundary = g.headerW + at * g.colW
  for (const { shape, local } of mapContent(index, frame)) {
    if (local.x >= boundary) diff.put(shiftedAlongFrame(index, shape, frame, g.colW))
  }
  const size = {
    w: Math.max(gridSize(next).w, num(propsOf(frame).w) + g.colW),
    h: Math.max(gridSize(next).h, num(propsOf(frame).h)),
  }
  relayout(index, diff, frame, next, size, options)
  return { diff: diff.build(), meta: next, movedOut: [] }
}

/** Gap between shapes moved out of a removed stage, and between them and the map. */
const PARK_GAP = 40

/**
 * Removes a stage from a grid map; its content moves below the map (see the module comment).
 * Null when the map or the stage is unknown, or it is the map's only stage.
 */
export function removeStage(
  records: Iterable<TLRecord>,
  frameId: TLShapeId,
  stageId: string,
  options: EditOptions,
): MapEdit | null {
  const index = new ShapeIndex(shapesOf(records))
  const found = findMap(index, frameId)
  if (!found || found.meta.layout !== 'grid') return null
  const { frame, meta } = found
  const at = meta.stages.findIndex((s) => s.id === stageId)
  if (at < 0 || meta.stages.length < 2) return null
  const next: GridMapMeta = {
    ...meta,
    stages: meta.stages.filter((s) => s.id !== stageId),
    cellLabels: meta.cellLabels.filter((l) => l.stageId !== stageId),
  }
  const g = meta.geometry
  const left = g.headerW + at * g.colW
  const right = left + g.colW
  const diff = new DiffBuilder(index)
  const evicted: Content[] = []
  for (const item of mapContent(index, frame)) {
    if (item.local.x >= right) diff.put(shiftedAlongFrame(index, item.shape, frame, -g.colW))
    else if (item.local.x >= left) evicted.push(item)
  }
  const movedOut = parkBelow(index, diff, frame, evicted)
  const size = {
    w: Math.max(gridSize(next).w, num(propsOf(frame).w) - g.colW),
    h: Math.max(gridSize(next).h, num(propsOf(frame).h)),
  }
  relayout(index, diff, frame, next, size, options)
  return { diff: diff.build(), meta: next, movedOut }
}

/**
 * Moves shapes out of the frame onto its parent, in reading order (top to bottom, then left
 * to right), laid out in rows just below the frame. Their rotation on the page is kept.
 */
function parkBelow(index: ShapeIndex, diff: DiffBuilder, frame: Frame, items: Content[]): TLShapeId[] {
  const frameT = index.pageTransform(frame.id) ?? IDENTITY
  const target = String(frame.parentId)
  const targetT = index.parentSpace(target) ?? IDENTITY
  let topIndex: string = 'a0'
  for (const sibling of index.childrenOf(target)) if (sibling.index > topIndex) topIndex = sibling.index
  const step = NOTE_SIZE + PARK_GAP
  const perRow = Math.max(1, Math.floor(num(propsOf(frame).w) / step))
  const sorted = [...items].sort((a, b) => a.local.y - b.local.y || a.local.x - b.local.x)
  return sorted.map(({ shape }, k) => {
    const slot = { x: (k % perRow) * step, y: num(propsOf(frame).h) + PARK_GAP + Math.floor(k / perRow) * (step + PARK_GAP) }
    const position = applyInverse(targetT, apply(frameT, slot))
    const shapeT = index.pageTransform(shape.id) ?? IDENTITY
    topIndex = indexKeyAbove(topIndex)
    diff.put({
      ...shape,
      parentId: frame.parentId,
      x: position.x,
      y: position.y,
      rotation: shapeT.r - targetT.r,
      index: topIndex as TLShape['index'],
    })
    return shape.id
  })
}
