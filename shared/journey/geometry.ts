/**
 * Where shapes are on their page, computed from records alone (no editor): each shape's x, y
 * and rotation are relative to its parent (a page, a frame, a group), so a shape's page
 * transform is its ancestors' transforms composed. Rotation is honoured; a shape's size is
 * estimated from its props (see `shapeSize`), which is exact for notes, frames and geo shapes.
 *
 * Records may come from a forged document: missing or non-finite numbers count as 0 and a
 * parent cycle ends the walk instead of looping.
 */
import type { TLRecord, TLShape } from '@tldraw/tlschema'

export type Vec = { x: number; y: number }
/** A rigid transform: rotate by `r` radians about the origin, then translate by (x, y). */
export type Transform = { x: number; y: number; r: number }

/** tldraw's note is 200 x 200 at scale 1 (NoteShapeUtil's display values). */
export const NOTE_SIZE = 200
/** Parent chains longer than this are treated as broken (tldraw nests a handful of levels). */
const MAX_DEPTH = 64

export const IDENTITY: Transform = { x: 0, y: 0, r: 0 }

export function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback
}

export function apply(t: Transform, p: Vec): Vec {
  const cos = Math.cos(t.r)
  const sin = Math.sin(t.r)
  return { x: t.x + p.x * cos - p.y * sin, y: t.y + p.x * sin + p.y * cos }
}

/** The point `p` (in page space) expressed in the space `t` maps from. */
export function applyInverse(t: Transform, p: Vec): Vec {
  const cos = Math.cos(-t.r)
  const sin = Math.sin(-t.r)
  const dx = p.x - t.x
  const dy = p.y - t.y
  return { x: dx * cos - dy * sin, y: dx * sin + dy * cos }
}

/** Rotates a vector (a displacement: no translation) from page space into `t`'s space. */
export function rotateInverse(t: Transform, v: Vec): Vec {
  const cos = Math.cos(-t.r)
  const sin = Math.sin(-t.r)
  return { x: v.x * cos - v.y * sin, y: v.x * sin + v.y * cos }
}

export function rotate(t: Transform, v: Vec): Vec {
  const cos = Math.cos(t.r)
  const sin = Math.sin(t.r)
  return { x: v.x * cos - v.y * sin, y: v.x * sin + v.y * cos }
}

export function compose(parent: Transform, local: Transform): Transform {
  const origin = apply(parent, local)
  return { x: origin.x, y: origin.y, r: parent.r + local.r }
}

/**
 * The shape records among `records`. Records from a stored document may not have passed
 * tldraw's validation (the server reads them raw), so a "shape" without a usable id or type
 * is left out rather than trusted.
 */
export function shapesOf(records: Iterable<TLRecord>): TLShape[] {
  const out: TLShape[] = []
  for (const record of records) {
    if (record?.typeName !== 'shape') continue
    const { id, type } = record as { id: unknown; type: unknown }
    if (typeof id === 'string' && id.startsWith('shape:') && typeof type === 'string') out.push(record)
  }
  return out
}

/** A shape's props as an open record: `{}` when a forged record has none. */
export function propsOf(shape: TLShape): Record<string, unknown> {
  const p: unknown = shape.props
  return typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : {}
}

/**
 * Width and height of a shape in its own space. Notes: 200 x (200 + growY), times scale.
 * Shapes with `w` and `h` props (frames, geo, images...): those, plus geo's growY. Anything
 * else (lines, arrows, drawings): zero, so its position is its origin.
 */
export function shapeSize(shape: TLShape): Vec {
  const p = propsOf(shape)
  if (shape.type === 'note') {
    const scale = num(p.scale, 1) || 1
    return { x: NOTE_SIZE * scale, y: (NOTE_SIZE + Math.max(0, num(p.growY))) * scale }
  }
  const w = num(p.w)
  const h = num(p.h)
  if (w > 0 && h > 0) return { x: w, y: h + (shape.type === 'geo' ? Math.max(0, num(p.growY)) : 0) }
  return { x: 0, y: 0 }
}

/**
 * Page transforms and page ids of shapes, computed once per shape. Built over a snapshot of
 * records; it does not follow later changes.
 */
export class ShapeIndex {
  readonly shapes = new Map<string, TLShape>()
  private readonly transforms = new Map<string, Transform | null>()
  private readonly pages = new Map<string, string | null>()

  constructor(shapes: Iterable<TLShape>) {
    for (const shape of shapes) this.shapes.set(shape.id, shape)
  }

  get(id: string): TLShape | undefined {
    return this.shapes.get(id)
  }

  /** The page a shape is on, or null when its parent chain is broken or cyclic. */
  pageOf(id: string): string | null {
    const known = this.pages.get(id)
    if (known !== undefined) return known
    let current = this.shapes.get(id)
    let page: string | null = null
    for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
      const parent = String(current.parentId)
      if (parent.startsWith('page:')) {
        page = parent
        break
      }
      current = this.shapes.get(parent)
    }
    this.pages.set(id, page)
    return page
  }

  /** The transform from a shape's own space to page space; null when the chain is broken. */
  pageTransform(id: string): Transform | null {
    return this.transformAt(id, 0)
  }

  private transformAt(id: string, depth: number): Transform | null {
    const known = this.transforms.get(id)
    if (known !== undefined) return known
    const shape = this.shapes.get(id)
    if (!shape || depth > MAX_DEPTH) return null
    const local: Transform = { x: num(shape.x), y: num(shape.y), r: num(shape.rotation) }
    const parent = String(shape.parentId)
    const result = parent.startsWith('page:') ? local : this.parentTransform(parent, local, depth)
    this.transforms.set(id, result)
    return result
  }

  private parentTransform(parentId: string, local: Transform, depth: number): Transform | null {
    const parent = this.transformAt(parentId, depth + 1)
    return parent ? compose(parent, local) : null
  }

  /** The transform of a parent (page or shape) to page space: identity for a page. */
  parentSpace(parentId: string): Transform | null {
    return parentId.startsWith('page:') ? IDENTITY : this.pageTransform(parentId)
  }

  /** A shape's centre in page space (see `shapeSize`); null when its chain is broken. */
  pageCentre(id: string): Vec | null {
    const shape = this.shapes.get(id)
    const t = this.pageTransform(id)
    if (!shape || !t) return null
    const size = shapeSize(shape)
    return apply(t, { x: size.x / 2, y: size.y / 2 })
  }

  /** True when `ancestorId` is a parent, grandparent... of `id`. */
  isAncestor(ancestorId: string, id: string): boolean {
    let current = this.shapes.get(id)
    for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
      const parent = String(current.parentId)
      if (parent === ancestorId) return true
      current = this.shapes.get(parent)
    }
    return false
  }

  /** Direct children of a shape or page, in no particular order. */
  childrenOf(parentId: string): TLShape[] {
    const out: TLShape[] = []
    for (const shape of this.shapes.values()) if (shape.parentId === parentId) out.push(shape)
    return out
  }
}
