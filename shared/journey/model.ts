/**
 * The map as data: reads journey maps back from tldraw records as stages x lanes x cards,
 * for the outline panel, the vote and the reports (client and server use this same code).
 *
 * - A map is a frame with map meta (mapMeta.ts). Its stages and lanes are read from that meta,
 *   with the text of their header shapes when a header has text (what people see).
 * - A card is any note shape; its kind comes from its meta ('plain' without). It belongs to
 *   the cell its centre falls in. Positions are page coordinates computed through the parent
 *   chain (a card may be a child of the frame, with frame-relative coordinates, or on the page
 *   with absolute ones), rotation included (geometry.ts). A centre exactly on a grid line
 *   belongs to the cell right of / below it.
 * - A card that is a descendant of a map frame belongs to that map (the nearest such frame);
 *   otherwise to the smallest map on its page whose frame contains its centre. A card of a map
 *   but in no cell (on a header, in space the frame was enlarged by) is loose, with `mapId`
 *   set; cards outside every map are loose with `mapId: null`.
 * - Order is reading order: maps by page, then top to bottom, left to right; cells stage by
 *   stage, then lane by lane; cards in a cell top to bottom, then left to right.
 *
 * Never throws on odd records (a forged document): what cannot be placed is loose or skipped.
 */
import type { TLRecord, TLShape, TLShapeId } from '@tldraw/tlschema'
import { cardAuthorOf, cardKindOf, isCardShape, type CardKind } from './cards.ts'
import { ShapeIndex, applyInverse, num, propsOf, shapesOf, type Vec } from './geometry.ts'
import { headingsOf, mapMetaOf, partMetaOf, type Heading, type MapMeta } from './mapMeta.ts'
import { richTextToPlain } from './richText.ts'
import { votesOf, type CardVotes, type Tally } from './votes.ts'

export type JourneyCard = {
  id: TLShapeId
  kind: CardKind
  /** Plain text of the note. */
  text: string
  /** Display name, only when the person signed the card. */
  author?: string
  votes: CardVotes
  /** The map the card is in (null: outside every map). */
  mapId: TLShapeId | null
  /** Null for a grid map's loose card and for every card of an area map. */
  stageId: string | null
  /** The lane (or area) of the card; null when loose. */
  laneId: string | null
  pageId: string
  /** Centre of the card in page coordinates. */
  x: number
  y: number
}

export type JourneyCell = {
  /** Null in an area map (its areas are read as lanes, it has no stages). */
  stageId: string | null
  laneId: string
  cards: JourneyCard[]
}

export type JourneyMap = {
  id: TLShapeId
  pageId: string
  /** The frame's name (its title on the canvas). */
  name: string
  template: string
  layout: MapMeta['layout']
  /** Columns, in order. Empty for an area map. */
  stages: Heading[]
  /** Rows in order; for an area map, its areas. */
  lanes: Heading[]
  /** Every cell in reading order, empty ones included. */
  cells: JourneyCell[]
}

export type JourneyBoard = {
  maps: JourneyMap[]
  /** Cards in no cell, in reading order (empty unless `includeLoose`). */
  loose: JourneyCard[]
}

export type ReadOptions = {
  /** Votes per card, from `tally`. */
  votes?: Pick<Tally, 'byCard'>
  /** Report cards in no cell (default true). */
  includeLoose?: boolean
}

type MapInfo = {
  frame: TLShape
  meta: MapMeta
  pageId: string
  w: number
  h: number
  toLocal: (p: Vec) => Vec
  map: JourneyMap
  cellsByKey: Map<string, JourneyCell>
}

type Placed = { card: JourneyCard; local: Vec }

function cellKey(stageId: string | null, laneId: string): string {
  return `${stageId ?? ''}\u0000${laneId}`
}

/** Stage, lane or area labels as shown by their header shapes, when those have text. */
function shownLabels(index: ShapeIndex, frameId: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const child of index.childrenOf(frameId)) {
    const part = partMetaOf(child)
    if (!part || (part.kind !== 'stage' && part.kind !== 'lane' && part.kind !== 'area')) continue
    const text = richTextToPlain(propsOf(child).richText)
    if (!text) continue
    const id = part.kind === 'stage' ? `stage/${part.stageId}` : part.kind === 'lane' ? `lane/${part.laneId}` : `lane/${part.areaId}`
    out.set(id, text)
  }
  return out
}

function readMap(index: ShapeIndex, frame: TLShape, meta: MapMeta): MapInfo | null {
  const pageId = index.pageOf(frame.id)
  const t = index.pageTransform(frame.id)
  const props = propsOf(frame)
  const w = num(props.w)
  const h = num(props.h)
  if (!pageId || !t || w <= 0 || h <= 0) return null
  const shown = shownLabels(index, frame.id)
  const { stages: metaStages, lanes: metaLanes } = headingsOf(meta)
  const stages = metaStages.map((s) => ({ id: s.id, label: shown.get(`stage/${s.id}`) ?? s.label }))
  const lanes = metaLanes.map((l) => ({ id: l.id, label: shown.get(`lane/${l.id}`) ?? l.label }))
  const cells: JourneyCell[] = []
  if (meta.layout === 'grid') {
    for (const stage of stages) for (const lane of lanes) cells.push({ stageId: stage.id, laneId: lane.id, cards: [] })
  } else {
    for (const lane of lanes) cells.push({ stageId: null, laneId: lane.id, cards: [] })
  }
  const map: JourneyMap = {
    id: frame.id,
    pageId,
    name: typeof props.name === 'string' ? props.name : '',
    template: meta.template,
    layout: meta.layout,
    stages,
    lanes,
    cells,
  }
  return {
    frame,
    meta,
    pageId,
    w,
    h,
    toLocal: (p) => applyInverse(t, p),
    map,
    cellsByKey: new Map(cells.map((c) => [cellKey(c.stageId, c.laneId), c])),
  }
}

/** The cell a frame-local point is in, or null. */
function cellAt(info: MapInfo, p: Vec): JourneyCell | null {
  const { meta } = info
  if (meta.layout === 'areas') {
    const area = meta.areas.find((a) => p.x >= a.x && p.y >= a.y && p.x < a.x + a.w && p.y < a.y + a.h)
    return area ? (info.cellsByKey.get(cellKey(null, area.id)) ?? null) : null
  }
  const g = meta.geometry
  const col = Math.floor((p.x - g.headerW) / g.colW)
  const row = Math.floor((p.y - g.headerH) / g.rowH)
  const stage = meta.stages[col]
  const lane = meta.lanes[row]
  if (col < 0 || row < 0 || !stage || !lane) return null
  return info.cellsByKey.get(cellKey(stage.id, lane.id)) ?? null
}

function contains(info: MapInfo, p: Vec): boolean {
  return p.x >= 0 && p.y >= 0 && p.x < info.w && p.y < info.h
}

/** Pages in their order on the board (page records' index), unknown pages last. */
function pageOrder(records: Iterable<TLRecord>): Map<string, number> {
  const pages: { id: string; index: string }[] = []
  for (const record of records) {
    if (record?.typeName === 'page' && typeof record.id === 'string') pages.push({ id: record.id, index: String(record.index) })
  }
  pages.sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : a.id < b.id ? -1 : 1))
  return new Map(pages.map((p, i) => [p.id, i]))
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** Reads every map, and the cards in no map's cell, from a board's records. */
export function readBoard(records: Iterable<TLRecord>, options: ReadOptions = {}): JourneyBoard {
  const all = [...records]
  const shapes = shapesOf(all)
  const index = new ShapeIndex(shapes)
  const pages = pageOrder(all)
  const pageRank = (id: string) => pages.get(id) ?? pages.size

  const maps = new Map<string, MapInfo>()
  for (const shape of shapes) {
    const meta = mapMetaOf(shape)
    const info = meta && readMap(index, shape, meta)
    if (info) maps.set(shape.id, info)
  }

  const placed = new Map<string, Placed[]>()
  const loose: Placed[] = []
  for (const shape of shapes) {
    if (!isCardShape(shape)) continue
    const pageId = index.pageOf(shape.id)
    const centre = index.pageCentre(shape.id)
    if (!pageId || !centre) continue
    const card: JourneyCard = {
      id: shape.id,
      kind: cardKindOf(shape),
      text: richTextToPlain(propsOf(shape).richText),
      votes: votesOf(options.votes, shape.id),
      mapId: null,
      stageId: null,
      laneId: null,
      pageId,
      x: centre.x,
      y: centre.y,
    }
    const author = cardAuthorOf(shape)
    if (author) card.author = author
    const info = mapOf(index, maps, shape.id, pageId, centre)
    const local = info ? info.toLocal(centre) : centre
    const cell = info && cellAt(info, local)
    if (info) card.mapId = info.frame.id
    if (info && cell) {
      card.stageId = cell.stageId
      card.laneId = cell.laneId
      const key = `${info.frame.id}\u0000${cellKey(cell.stageId, cell.laneId)}`
      const list = placed.get(key) ?? []
      list.push({ card, local })
      placed.set(key, list)
    } else {
      loose.push({ card, local: centre })
    }
  }

  const byReading = (a: Placed, b: Placed) => a.local.y - b.local.y || a.local.x - b.local.x || byId(a.card, b.card)
  for (const info of maps.values()) {
    for (const cell of info.map.cells) {
      const list = placed.get(`${info.frame.id}\u0000${cellKey(cell.stageId, cell.laneId)}`) ?? []
      cell.cards = list.sort(byReading).map((p) => p.card)
    }
  }
  const orderedMaps = [...maps.values()]
    .map((info) => ({ info, origin: index.pageTransform(info.frame.id) ?? { x: 0, y: 0 } }))
    .sort(
      (a, b) =>
        pageRank(a.info.pageId) - pageRank(b.info.pageId) ||
        a.origin.y - b.origin.y ||
        a.origin.x - b.origin.x ||
        byId(a.info.frame, b.info.frame),
    )
    .map(({ info }) => info.map)
  const looseCards =
    options.includeLoose === false
      ? []
      : loose
          .sort(
            (a, b) =>
              pageRank(a.card.pageId) - pageRank(b.card.pageId) ||
              a.card.y - b.card.y ||
              a.card.x - b.card.x ||
              byId(a.card, b.card),
          )
          .map((p) => p.card)
  return { maps: orderedMaps, loose: looseCards }
}

/** The map a card belongs to: its nearest ancestor map, else the smallest containing one. */
function mapOf(index: ShapeIndex, maps: Map<string, MapInfo>, cardId: string, pageId: string, centre: Vec): MapInfo | null {
  let current = index.get(cardId)
  for (let depth = 0; current && depth < 64; depth++) {
    const parent = String(current.parentId)
    const info = maps.get(parent)
    if (info) return info
    current = index.get(parent)
  }
  let best: MapInfo | null = null
  for (const info of maps.values()) {
    if (info.pageId !== pageId || !contains(info, info.toLocal(centre))) continue
    if (!best || info.w * info.h < best.w * best.h) best = info
  }
  return best
}

/** The maps of a board, with votes when given (loose cards left out). */
export function readJourneyMaps(records: Iterable<TLRecord>, votes?: Pick<Tally, 'byCard'>): JourneyMap[] {
  return readBoard(records, { votes, includeLoose: false }).maps
}

/** Every card of a map in reading order (stage by stage, lane by lane). */
export function cardsOfMap(map: JourneyMap): JourneyCard[] {
  return map.cells.flatMap((cell) => cell.cards)
}
