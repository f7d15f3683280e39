/**
 * The structure of a map, as data on its shapes (`shape.meta.codesign`):
 *
 * - the map's frame: `{ kind: 'map', version, template, layout, ... }` (MapMeta). A grid map
 *   has stages (columns), lanes (rows) and the geometry of its grid in frame coordinates; an
 *   area map (the empathy map) has named rectangles instead.
 * - the frame's structural children (PartMeta): stage and lane headers, area borders, grid
 *   lines and fixed labels. They are locked shapes the template draws and re-draws.
 *
 * The frame's meta is the source of truth for the structure; header shapes carry the labels
 * people see. Parsed from records anyone can write: parsing never throws, and a frame whose
 * meta is not understood is simply not a map.
 */
import { codesignMeta } from './cards.ts'

export const MAP_META_VERSION = 1
/** Bounds a forged document cannot exceed (a real map has a handful of each). */
export const MAX_HEADINGS = 40
export const MAX_HEADING_LABEL_LENGTH = 200
const MAX_COORD = 100_000
const ID_RE = /^[A-Za-z0-9_-]{1,40}$/

export type Heading = { id: string; label: string }

/** Frame coordinates of a grid: header column and row, then equal columns and rows. */
export type GridGeometry = { headerW: number; headerH: number; colW: number; rowH: number }

/** A labelled line drawn above a lane (a blueprint's line of visibility). */
export type Separator = { id: string; label: string; aboveLane: string }

/** A fixed label inside one cell (a stakeholder map's "keep informed"). */
export type CellLabel = { id: string; label: string; stageId: string; laneId: string }

export type Area = Heading & { x: number; y: number; w: number; h: number }

export type GridMapMeta = {
  kind: 'map'
  version: number
  template: string
  layout: 'grid'
  stages: Heading[]
  lanes: Heading[]
  geometry: GridGeometry
  separators: Separator[]
  cellLabels: CellLabel[]
}

export type AreaMapMeta = {
  kind: 'map'
  version: number
  template: string
  layout: 'areas'
  areas: Area[]
}

export type MapMeta = GridMapMeta | AreaMapMeta

/** What a structural child of a map frame is. */
export type PartMeta =
  | { kind: 'stage'; stageId: string }
  | { kind: 'lane'; laneId: string }
  | { kind: 'area'; areaId: string }
  | { kind: 'gridLine'; lineId: string }
  | { kind: 'label'; labelId: string }

type Obj = Record<string, unknown>

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function isPartId(value: unknown): value is string {
  return typeof value === 'string' && ID_RE.test(value)
}

function cleanLabel(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MAX_HEADING_LABEL_LENGTH) : ''
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_COORD ? value : null
}

function nonNegative(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_COORD ? value : null
}

/** Items of a list with a valid, unseen `id`; the rest are dropped. */
function uniqueById<T extends { id: string }>(value: unknown, read: (item: Obj) => T | null): T[] {
  if (!Array.isArray(value)) return []
  const seen = new Set<string>()
  const out: T[] = []
  for (const item of value.slice(0, MAX_HEADINGS)) {
    if (!isObj(item) || !isPartId(item.id) || seen.has(item.id)) continue
    const parsed = read(item)
    if (!parsed) continue
    seen.add(parsed.id)
    out.push(parsed)
  }
  return out
}

function readHeading(item: Obj): Heading {
  return { id: item.id as string, label: cleanLabel(item.label) }
}

/** Map meta from untrusted data, or null when it is not (an understood) map. */
export function parseMapMeta(value: unknown): MapMeta | null {
  if (!isObj(value) || value.kind !== 'map') return null
  const version = typeof value.version === 'number' && Number.isInteger(value.version) ? value.version : 0
  const template = typeof value.template === 'string' && ID_RE.test(value.template) ? value.template : null
  if (version < 1 || !template) return null
  if (value.layout === 'areas') {
    const areas = uniqueById<Area>(value.areas, (item) => {
      const x = nonNegative(item.x)
      const y = nonNegative(item.y)
      const w = positive(item.w)
      const h = positive(item.h)
      return x === null || y === null || w === null || h === null ? null : { ...readHeading(item), x, y, w, h }
    })
    return areas.length ? { kind: 'map', version, template, layout: 'areas', areas } : null
  }
  if (value.layout !== 'grid' || !isObj(value.geometry)) return null
  const g = value.geometry
  const headerW = nonNegative(g.headerW)
  const headerH = nonNegative(g.headerH)
  const colW = positive(g.colW)
  const rowH = positive(g.rowH)
  if (headerW === null || headerH === null || colW === null || rowH === null) return null
  const stages = uniqueById(value.stages, readHeading)
  const lanes = uniqueById(value.lanes, readHeading)
  if (!stages.length || !lanes.length) return null
  const laneIds = new Set(lanes.map((l) => l.id))
  const stageIds = new Set(stages.map((s) => s.id))
  const separators = uniqueById<Separator>(value.separators, (item) =>
    isPartId(item.aboveLane) && laneIds.has(item.aboveLane)
      ? { ...readHeading(item), aboveLane: item.aboveLane }
      : null,
  )
  const cellLabels = uniqueById<CellLabel>(value.cellLabels, (item) =>
    isPartId(item.stageId) && stageIds.has(item.stageId) && isPartId(item.laneId) && laneIds.has(item.laneId)
      ? { ...readHeading(item), stageId: item.stageId, laneId: item.laneId }
      : null,
  )
  return {
    kind: 'map',
    version,
    template,
    layout: 'grid',
    stages,
    lanes,
    geometry: { headerW, headerH, colW, rowH },
    separators,
    cellLabels,
  }
}

/** Part meta from untrusted data, or null. */
export function parsePartMeta(value: unknown): PartMeta | null {
  if (!isObj(value)) return null
  switch (value.kind) {
    case 'stage':
      return isPartId(value.stageId) ? { kind: 'stage', stageId: value.stageId } : null
    case 'lane':
      return isPartId(value.laneId) ? { kind: 'lane', laneId: value.laneId } : null
    case 'area':
      return isPartId(value.areaId) ? { kind: 'area', areaId: value.areaId } : null
    case 'gridLine':
      return typeof value.lineId === 'string' && /^[a-z]+:[A-Za-z0-9_-]{1,40}$/.test(value.lineId)
        ? { kind: 'gridLine', lineId: value.lineId }
        : null
    case 'label':
      return typeof value.labelId === 'string' && /^[a-z]+:[A-Za-z0-9_-]{1,40}$/.test(value.labelId)
        ? { kind: 'label', labelId: value.labelId }
        : null
    default:
      return null
  }
}

/** One string per structural part, to match existing shapes against a fresh layout. */
export function partKey(part: PartMeta): string {
  switch (part.kind) {
    case 'stage':
      return `stage/${part.stageId}`
    case 'lane':
      return `lane/${part.laneId}`
    case 'area':
      return `area/${part.areaId}`
    case 'gridLine':
      return `gridLine/${part.lineId}`
    case 'label':
      return `label/${part.labelId}`
  }
}

export function mapMetaOf(shape: { type: string; meta?: unknown }): MapMeta | null {
  return shape.type === 'frame' ? parseMapMeta(codesignMeta(shape)) : null
}

export function partMetaOf(shape: { meta?: unknown }): PartMeta | null {
  return parsePartMeta(codesignMeta(shape))
}

/** The headings cards are filed under: stages x lanes for a grid, areas (as lanes) otherwise. */
export function headingsOf(meta: MapMeta): { stages: Heading[]; lanes: Heading[] } {
  return meta.layout === 'grid'
    ? { stages: meta.stages, lanes: meta.lanes }
    : { stages: [], lanes: meta.areas.map(({ id, label }) => ({ id, label })) }
}

/** Width and height the frame of a grid map needs. */
export function gridSize(meta: GridMapMeta): { w: number; h: number } {
  const g = meta.geometry
  return { w: g.headerW + meta.stages.length * g.colW, h: g.headerH + meta.lanes.length * g.rowH }
}
