/**
 * Where a card added from the outline lands: inside the chosen cell, in the first free
 * note-sized slot, and never exactly on top of another card when the cell is full; and the
 * model reads it back in that cell.
 */
import { describe, expect, it } from 'vitest'
import { toRichText, type TLNoteShape, type TLPageId, type TLShapeId } from '@tldraw/tlschema'
import { cellRect, freeSlot, slotsIn } from '../../client/journey/cellSlots.ts'
import { NOTE_SIZE } from '../../shared/journey/geometry.ts'
import { cardMeta, META_KEY } from '../../shared/journey/cards.ts'
import { mapMetaOf, type GridMapMeta } from '../../shared/journey/mapMeta.ts'
import { readBoard } from '../../shared/journey/model.ts'
import { createTemplate, templateMeta } from '../../shared/journey/templates.ts'

const PAGE = 'page:page' as TLPageId
const journey = templateMeta('journey') as GridMapMeta
const centre = (p: { x: number; y: number }) => ({ x: p.x + NOTE_SIZE / 2, y: p.y + NOTE_SIZE / 2 })

describe('cellRect', () => {
  it("is the grid cell of a stage and lane, in the frame's coordinates", () => {
    const g = journey.geometry
    expect(cellRect(journey, 'apply', 'painPoints')).toEqual({ x: g.headerW + g.colW, y: g.headerH + 4 * g.rowH, w: g.colW, h: g.rowH })
  })

  it("is an area's box below its title in an area map", () => {
    const persona = templateMeta('persona')
    const rect = cellRect(persona, null, 'feels')
    expect(rect).toMatchObject({ x: 900, w: 900 })
    expect(rect && rect.y).toBeGreaterThan(1040)
  })

  it('is null for a stage or lane the map does not have', () => {
    expect(cellRect(journey, 'nope', 'painPoints')).toBeNull()
    expect(cellRect(journey, 'apply', 'nope')).toBeNull()
  })
})

describe('freeSlot', () => {
  const rect = { x: 280, y: 120, w: 520, h: 280 }

  it('offers note-sized slots that fit inside the cell', () => {
    const slots = slotsIn(rect)
    expect(slots).toHaveLength(2)
    for (const s of slots) {
      expect(s.x).toBeGreaterThanOrEqual(rect.x)
      expect(s.y).toBeGreaterThanOrEqual(rect.y)
      expect(s.x + NOTE_SIZE).toBeLessThanOrEqual(rect.x + rect.w)
      expect(s.y + NOTE_SIZE).toBeLessThanOrEqual(rect.y + rect.h)
    }
  })

  it('takes the first slot with no card in it', () => {
    const [first, second] = slotsIn(rect)
    expect(freeSlot(rect, [])).toEqual(first)
    expect(freeSlot(rect, [centre(first!)])).toEqual(second)
  })

  it('in a full cell, lands offset from every card and still inside the cell', () => {
    const slots = slotsIn(rect)
    const taken = slots.map(centre)
    const spot = freeSlot(rect, taken)
    expect(slots).not.toContainEqual(spot)
    expect(spot.x + NOTE_SIZE).toBeLessThanOrEqual(rect.x + rect.w)
    expect(spot.y + NOTE_SIZE).toBeLessThanOrEqual(rect.y + rect.h)
    const next = freeSlot(rect, [...taken, centre(spot)])
    expect(next).not.toEqual(spot)
  })
})

it('a card put in the free slot of a cell is read back in that cell', () => {
  let n = 0
  const newId = () => `shape:s${++n}` as TLShapeId
  const records = createTemplate('journey', { parentId: PAGE, x: 500, y: -200, newId })
  const frame = records[0]!
  const meta = mapMetaOf(frame) as GridMapMeta
  const rect = cellRect(meta, 'wait', 'ideas')!
  const spot = freeSlot(rect, [])
  const note: TLNoteShape = {
    id: 'shape:card' as TLShapeId,
    typeName: 'shape',
    type: 'note',
    parentId: frame.id,
    index: 'b1' as TLNoteShape['index'],
    x: spot.x,
    y: spot.y,
    rotation: 0,
    isLocked: false,
    opacity: 1,
    props: {
      color: 'green',
      labelColor: 'black',
      size: 'm',
      font: 'draw',
      fontSizeAdjustment: 0,
      align: 'middle',
      verticalAlign: 'middle',
      growY: 0,
      url: '',
      richText: toRichText('A text message'),
      scale: 1,
      textLastEditedBy: null,
    },
    meta: { [META_KEY]: cardMeta('idea') },
  }
  const page = { id: PAGE, typeName: 'page', name: 'Page 1', index: 'a1', meta: {} } as const
  const board = readBoard([page as never, ...records, note])
  const card = board.maps[0]?.cells.flatMap((c) => c.cards)[0]
  expect(card).toMatchObject({ stageId: 'wait', laneId: 'ideas', kind: 'idea', text: 'A text message' })
})
