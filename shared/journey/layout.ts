/**
 * Draws a map's structure from its meta: the header, border, line and label shapes a frame
 * contains, as full tldraw records. Used to create a template and to re-draw one after a
 * stage was added or removed (existing parts are moved and resized, missing ones created,
 * parts of removed stages deleted), so both paths draw the same picture.
 */
import { toRichText, type TLGeoShape, type TLLineShape, type TLShape, type TLShapeId, type TLTextShape } from '@tldraw/tlschema'
import { META_KEY } from './cards.ts'
import { gridSize, type MapMeta, type PartMeta } from './mapMeta.ts'

type IndexKey = TLShape['index']

/** Space between a header's box and its grid cell, in frame coordinates. */
export const HEADER_PAD = 16

/** The shape a part is drawn with, before it gets an id, a parent and an index. */
export type PartSpec =
  | { part: PartMeta; type: 'geo'; x: number; y: number; props: TLGeoShape['props'] }
  | { part: PartMeta; type: 'line'; x: number; y: number; props: TLLineShape['props'] }
  | { part: PartMeta; type: 'text'; x: number; y: number; props: TLTextShape['props'] }

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * The n-th of a run of tldraw index keys: 'a1', 'a2', ... 'az', then 'b00', 'b01'...
 * (tldraw's fractional indexing: integer keys sort as strings in numeric order).
 */
export function indexKeyAt(n: number): IndexKey {
  if (n < 61) return `a${DIGITS[n + 1]}` as IndexKey
  const m = n - 61
  return `b${DIGITS[Math.floor(m / 62) % 62]}${DIGITS[m % 62]}` as IndexKey
}

/**
 * A key above `key` and below any key above it that does not start with it: the last digit
 * of the fraction is raised, or a 'V' appended. Valid for every valid key (a fraction never
 * ends in '0').
 */
export function indexKeyAbove(key: string): IndexKey {
  // The head letter gives the integer part's length: 'a' one digit, 'b' two..., 'Z' one, 'Y' two...
  const head = key.charCodeAt(0)
  const integerLength = head >= 97 && head <= 122 ? head - 97 + 2 : head >= 65 && head <= 90 ? 90 - head + 2 : 0
  if (integerLength === 0 || key.length <= integerLength) return `${key}V` as IndexKey
  const last = DIGITS.indexOf(key.slice(-1))
  if (last < 0 || last >= DIGITS.length - 1) return `${key}V` as IndexKey
  return `${key.slice(0, -1)}${DIGITS[last + 1]}` as IndexKey
}

function geoProps(label: string, w: number, h: number, style: Partial<TLGeoShape['props']>): TLGeoShape['props'] {
  return {
    geo: 'rectangle',
    dash: 'solid',
    url: '',
    w: Math.max(1, w),
    h: Math.max(1, h),
    growY: 0,
    scale: 1,
    flipX: false,
    flipY: false,
    labelColor: 'black',
    color: 'grey',
    fill: 'semi',
    size: 'm',
    font: 'sans',
    align: 'middle',
    verticalAlign: 'middle',
    richText: toRichText(label),
    ...style,
  }
}

function lineProps(dx: number, dy: number, style: Partial<TLLineShape['props']>): TLLineShape['props'] {
  return {
    color: 'grey',
    dash: 'solid',
    size: 's',
    spline: 'line',
    points: {
      a1: { id: 'a1', index: 'a1' as IndexKey, x: 0, y: 0 },
      a2: { id: 'a2', index: 'a2' as IndexKey, x: dx, y: dy },
    },
    scale: 1,
    ...style,
  }
}

function textProps(label: string, style: Partial<TLTextShape['props']>): TLTextShape['props'] {
  return {
    color: 'grey',
    size: 's',
    font: 'sans',
    textAlign: 'start',
    w: 320,
    richText: toRichText(label),
    scale: 1,
    autoSize: true,
    ...style,
  }
}

/** The parts of a map in drawing order (lines under headers), positioned in frame coordinates. */
export function layoutParts(meta: MapMeta): PartSpec[] {
  const specs: PartSpec[] = []
  if (meta.layout === 'areas') {
    for (const area of meta.areas) {
      specs.push({
        part: { kind: 'area', areaId: area.id },
        type: 'geo',
        x: area.x + HEADER_PAD,
        y: area.y + HEADER_PAD,
        props: geoProps(area.label, area.w - 2 * HEADER_PAD, area.h - 2 * HEADER_PAD, {
          fill: 'none',
          size: 'l',
          align: 'start',
          verticalAlign: 'start',
        }),
      })
    }
    return specs
  }
  const g = meta.geometry
  const { w, h } = gridSize(meta)
  const separated = new Map(meta.separators.map((s) => [s.aboveLane, s]))
  meta.stages.forEach((stage, i) => {
    specs.push({
      part: { kind: 'gridLine', lineId: `col:${stage.id}` },
      type: 'line',
      x: g.headerW + i * g.colW,
      y: 0,
      props: lineProps(0, h, {}),
    })
  })
  meta.lanes.forEach((lane, j) => {
    const y = g.headerH + j * g.rowH
    const separator = separated.get(lane.id)
    specs.push(
      separator
        ? {
            part: { kind: 'gridLine', lineId: `sep:${separator.id}` },
            type: 'line',
            x: 0,
            y,
            props: lineProps(w, 0, { color: 'red', dash: 'dashed', size: 'm' }),
          }
        : { part: { kind: 'gridLine', lineId: `row:${lane.id}` }, type: 'line', x: 0, y, props: lineProps(w, 0, {}) },
    )
  })
  meta.stages.forEach((stage, i) => {
    specs.push({
      part: { kind: 'stage', stageId: stage.id },
      type: 'geo',
      x: g.headerW + i * g.colW + HEADER_PAD,
      y: HEADER_PAD,
      props: geoProps(stage.label, g.colW - 2 * HEADER_PAD, g.headerH - 2 * HEADER_PAD, {
        color: 'light-blue',
        fill: 'solid',
        size: 'l',
      }),
    })
  })
  meta.lanes.forEach((lane, j) => {
    specs.push({
      part: { kind: 'lane', laneId: lane.id },
      type: 'geo',
      x: HEADER_PAD,
      y: g.headerH + j * g.rowH + HEADER_PAD,
      props: geoProps(lane.label, g.headerW - 2 * HEADER_PAD, g.rowH - 2 * HEADER_PAD, { align: 'start' }),
    })
  })
  for (const separator of meta.separators) {
    const j = meta.lanes.findIndex((l) => l.id === separator.aboveLane)
    // In the gap between two lane headers, on the line itself.
    specs.push({
      part: { kind: 'label', labelId: `sep:${separator.id}` },
      type: 'text',
      x: HEADER_PAD,
      y: g.headerH + j * g.rowH - 14,
      props: textProps(separator.label, { color: 'red' }),
    })
  }
  for (const cellLabel of meta.cellLabels) {
    const i = meta.stages.findIndex((s) => s.id === cellLabel.stageId)
    const j = meta.lanes.findIndex((l) => l.id === cellLabel.laneId)
    specs.push({
      part: { kind: 'label', labelId: `cell:${cellLabel.id}` },
      type: 'text',
      x: g.headerW + i * g.colW + 2 * HEADER_PAD,
      y: g.headerH + j * g.rowH + 2 * HEADER_PAD,
      props: textProps(cellLabel.label, { size: 'l' }),
    })
  }
  return specs
}

/** A full, locked record for a part. */
export function partRecord(spec: PartSpec, id: TLShapeId, parentId: TLShapeId, index: IndexKey): TLShape {
  return {
    id,
    typeName: 'shape',
    type: spec.type,
    x: spec.x,
    y: spec.y,
    rotation: 0,
    index,
    parentId,
    isLocked: true,
    opacity: 1,
    props: spec.props,
    meta: { [META_KEY]: spec.part },
  } as TLShape
}
