/**
 * Where a card added from the outline goes in its cell: the cell's rectangle from the frame's
 * meta (its grid geometry, or the area's box), then the first note-sized slot in it with no
 * card's centre, or, when the cell is full, a little offset over the first slot so a new card
 * never hides exactly under an old one. Pure (frame coordinates in, frame coordinates out).
 */
import { NOTE_SIZE } from '../../shared/journey/geometry.ts'
import type { MapMeta } from '../../shared/journey/mapMeta.ts'

const PAD = 20
/** Room kept for an area's own title (drawn in its top-left corner). */
const AREA_TITLE = 72
const CASCADE = 24

export type Rect = { x: number; y: number; w: number; h: number }

/** A cell's rectangle in the frame's coordinates, or null when the map has no such cell. */
export function cellRect(meta: MapMeta, stageId: string | null, laneId: string): Rect | null {
  if (meta.layout === 'areas') {
    const area = meta.areas.find((a) => a.id === laneId)
    return area ? { x: area.x, y: area.y + AREA_TITLE, w: area.w, h: Math.max(NOTE_SIZE, area.h - AREA_TITLE) } : null
  }
  const i = meta.stages.findIndex((s) => s.id === stageId)
  const j = meta.lanes.findIndex((l) => l.id === laneId)
  if (i < 0 || j < 0) return null
  const g = meta.geometry
  return { x: g.headerW + i * g.colW, y: g.headerH + j * g.rowH, w: g.colW, h: g.rowH }
}

/** Note-sized slots inside a rectangle, centred, in reading order (top-left corners). */
export function slotsIn(rect: Rect): { x: number; y: number }[] {
  const step = NOTE_SIZE + PAD
  const cols = Math.max(1, Math.floor((rect.w - PAD) / step))
  const rows = Math.max(1, Math.floor((rect.h - PAD) / step))
  const offsetX = Math.max(0, (rect.w - cols * NOTE_SIZE - (cols - 1) * PAD) / 2)
  const offsetY = Math.max(0, (rect.h - rows * NOTE_SIZE - (rows - 1) * PAD) / 2)
  const out: { x: number; y: number }[] = []
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out.push({ x: rect.x + offsetX + c * step, y: rect.y + offsetY + r * step })
  }
  return out
}

/**
 * Where a new note goes in a cell: the first slot with no card's centre in it, else over the
 * first slot, offset a little more for every card beyond the slots. `taken` are the centres of
 * the cards already there, in the frame's coordinates.
 */
export function freeSlot(rect: Rect, taken: readonly { x: number; y: number }[]): { x: number; y: number } {
  const slots = slotsIn(rect)
  const isFree = (s: { x: number; y: number }) =>
    !taken.some((p) => p.x >= s.x && p.x < s.x + NOTE_SIZE && p.y >= s.y && p.y < s.y + NOTE_SIZE)
  const free = slots.find(isFree)
  if (free) return free
  const first = slots[0] ?? { x: rect.x, y: rect.y }
  const extra = Math.max(1, taken.length - slots.length + 1)
  const maxX = rect.x + Math.max(0, rect.w - NOTE_SIZE)
  const maxY = rect.y + Math.max(0, rect.h - NOTE_SIZE)
  return { x: Math.min(first.x + extra * CASCADE, maxX), y: Math.min(first.y + extra * CASCADE, maxY) }
}
