/**
 * The journey map read back from records: cards land in the cell their centre is in, whether
 * they are children of the frame or on the page; cards elsewhere are loose; renamed and added
 * stages show; card kinds, text, authors and votes come along; odd records never throw.
 */
import { describe, expect, it } from 'vitest'
import {
  createShapeId,
  toRichText,
  type TLNoteShape,
  type TLPageId,
  type TLRecord,
  type TLShape,
  type TLShapeId,
} from '@tldraw/tlschema'
import { cardMeta, type CardKind } from '../../shared/journey/cards.ts'
import { addStage, renameHeading } from '../../shared/journey/mapEdits.ts'
import { cardsOfMap, readBoard, readJourneyMaps } from '../../shared/journey/model.ts'
import { partMetaOf } from '../../shared/journey/mapMeta.ts'
import { richTextToPlain } from '../../shared/journey/richText.ts'
import { createTemplate } from '../../shared/journey/templates.ts'
import { tally } from '../../shared/journey/votes.ts'

const PAGE = 'page:main' as TLPageId
const PAGE_2 = 'page:second' as TLPageId
const pages: TLRecord[] = [
  { typeName: 'page', id: PAGE, name: 'Page 1', index: 'a1', meta: {} } as TLRecord,
  { typeName: 'page', id: PAGE_2, name: 'Page 2', index: 'a2', meta: {} } as TLRecord,
]
const FRAME = createShapeId('t1')
const ORIGIN = { x: 1000, y: 500 }
// Journey grid in frame coordinates: header column 280, header row 120, columns 520, rows 280.
const cx = (stage: number) => 280 + stage * 520 + 260
const cy = (lane: number) => 120 + lane * 280 + 140

function idFactory(prefix = 't'): () => TLShapeId {
  let n = 0
  return () => createShapeId(`${prefix}${++n}`)
}

function journey(at = ORIGIN, pageId: TLPageId = PAGE, prefix = 't'): TLShape[] {
  return createTemplate('journey', { parentId: pageId, x: at.x, y: at.y, newId: idFactory(prefix) })
}

type NoteOptions = { kind?: CardKind; author?: string; rotation?: number; richText?: unknown; scale?: number }

/** A note whose centre is at (x, y) in its parent's coordinates (when not rotated). */
function note(name: string, parentId: string, x: number, y: number, text = name, options: NoteOptions = {}): TLNoteShape {
  const scale = options.scale ?? 1
  return {
    id: createShapeId(name),
    typeName: 'shape',
    type: 'note',
    x: x - 100 * scale,
    y: y - 100 * scale,
    rotation: options.rotation ?? 0,
    index: 'b00' as TLShape['index'],
    parentId: parentId as TLNoteShape['parentId'],
    isLocked: false,
    opacity: 1,
    props: {
      color: 'black',
      labelColor: 'black',
      size: 'm',
      font: 'draw',
      fontSizeAdjustment: 1,
      align: 'middle',
      verticalAlign: 'middle',
      growY: 0,
      url: '',
      richText: (options.richText ?? toRichText(text)) as TLNoteShape['props']['richText'],
      scale,
      textLastEditedBy: null,
    },
    meta: options.kind ? { codesign: cardMeta(options.kind, options.author) } : {},
  }
}

function applyDiff(records: TLRecord[], diff: { added: object; updated: object; removed: object }): TLRecord[] {
  const byId = new Map<string, TLRecord>(records.map((r) => [r.id, r]))
  for (const id of Object.keys(diff.removed)) byId.delete(id)
  for (const [id, [, to]] of Object.entries(diff.updated) as [string, [TLRecord, TLRecord]][]) byId.set(id, to)
  for (const [id, record] of Object.entries(diff.added) as [string, TLRecord][]) byId.set(id, record)
  return [...byId.values()]
}

function cellOf(records: TLRecord[], name: string) {
  const card = readBoard(records).maps.flatMap(cardsOfMap).find((c) => c.id === createShapeId(name))
  return card && { stageId: card.stageId, laneId: card.laneId }
}

describe('readBoard', () => {
  it('puts a card that is a child of the frame in the cell its centre is in', () => {
    const records = [...pages, ...journey(), note('pain', FRAME, cx(1), cy(4), 'Queue at the office', { kind: 'painPoint' })]
    const [map] = readJourneyMaps(records)
    expect(map?.template).toBe('journey')
    const cell = map?.cells.find((c) => c.cards.length)
    expect(cell).toMatchObject({ stageId: 'apply', laneId: 'painPoints' })
    expect(cell?.cards[0]).toMatchObject({ kind: 'painPoint', text: 'Queue at the office', mapId: FRAME, pageId: PAGE })
    expect(cell?.cards[0]?.x).toBeCloseTo(ORIGIN.x + cx(1))
  })

  it('puts a card on the page, in absolute coordinates, in the same cell', () => {
    const records = [...pages, ...journey(), note('onPage', PAGE, ORIGIN.x + cx(1), ORIGIN.y + cy(4))]
    expect(cellOf(records, 'onPage')).toEqual({ stageId: 'apply', laneId: 'painPoints' })
  })

  it('puts a card straddling two cells where its centre is', () => {
    const boundary = 280 + 520 // between stage 0 and stage 1
    const records = [
      ...pages,
      ...journey(),
      note('mostlyLeft', FRAME, boundary - 10, cy(2)),
      note('mostlyRight', FRAME, boundary + 10, cy(2)),
      note('onTheLine', FRAME, boundary, 120 + 3 * 280), // exactly on both lines: right and below
      note('bigAndLow', FRAME, cx(0), 120 + 2 * 280 - 30, 'x', { scale: 2 }), // 400 high, centre in lane 1
    ]
    expect(cellOf(records, 'mostlyLeft')).toEqual({ stageId: 'discover', laneId: 'frontstage' })
    expect(cellOf(records, 'mostlyRight')).toEqual({ stageId: 'apply', laneId: 'frontstage' })
    expect(cellOf(records, 'onTheLine')).toEqual({ stageId: 'apply', laneId: 'backstage' })
    expect(cellOf(records, 'bigAndLow')).toEqual({ stageId: 'discover', laneId: 'touchpoints' })
  })

  it('reports cards outside every map as loose, or leaves them out', () => {
    const records = [
      ...pages,
      ...journey(),
      note('far', PAGE, -500, -500),
      note('onHeader', FRAME, cx(2), 60), // in the stage header row: in the map, in no cell
      note('otherPage', PAGE_2, ORIGIN.x + cx(1), ORIGIN.y + cy(1)), // same place, other page
    ]
    const board = readBoard(records)
    expect(board.maps.flatMap(cardsOfMap)).toHaveLength(0)
    expect(board.loose.map((c) => [c.id, c.mapId])).toEqual([
      [createShapeId('far'), null],
      [createShapeId('onHeader'), FRAME],
      [createShapeId('otherPage'), null],
    ])
    expect(readBoard(records, { includeLoose: false }).loose).toEqual([])
    expect(readJourneyMaps(records)[0]?.cells.every((c) => c.cards.length === 0)).toBe(true)
  })

  it('shows renamed stages, from the meta and from a header someone edited', () => {
    let records: TLRecord[] = [...pages, ...journey(), note('card', FRAME, cx(2), cy(0))]
    records = applyDiff(records, renameHeading(records, FRAME, { stageId: 'wait' }, 'Waiting', { newId: idFactory('n') })!.diff)
    records = records.map((r) =>
      r.typeName === 'shape' && partMetaOf(r)?.kind === 'lane' && (partMetaOf(r) as { laneId: string }).laneId === 'actions'
        ? ({ ...r, props: { ...r.props, richText: toRichText('What people do') } } as TLShape)
        : r,
    )
    const [map] = readJourneyMaps(records)
    expect(map?.stages[2]).toEqual({ id: 'wait', label: 'Waiting' })
    expect(map?.lanes[0]).toEqual({ id: 'actions', label: 'What people do' })
    expect(cellOf(records, 'card')).toEqual({ stageId: 'wait', laneId: 'actions' })
  })

  it('shows an added stage, with cards placed in it', () => {
    let records: TLRecord[] = [...pages, ...journey()]
    records = applyDiff(records, addStage(records, FRAME, { after: 'apply', stageId: 'appeal', label: 'Appeal', newId: idFactory('n') })!.diff)
    records.push(note('inNew', FRAME, cx(2), cy(3)))
    const [map] = readJourneyMaps(records)
    expect(map?.stages.map((s) => s.id)).toEqual(['discover', 'apply', 'appeal', 'wait', 'receive', 'after'])
    expect(map?.cells).toHaveLength(6 * 7)
    expect(cellOf(records, 'inNew')).toEqual({ stageId: 'appeal', laneId: 'backstage' })
  })

  it('lists cells stage by stage, lane by lane, and cards top to bottom, left to right', () => {
    const records = [
      ...pages,
      ...journey(),
      note('b-low', FRAME, cx(0) - 100, cy(0) + 60),
      note('b-high-right', FRAME, cx(0) + 100, cy(0) - 60),
      note('b-high-left', FRAME, cx(0) - 100, cy(0) - 60),
      note('c', FRAME, cx(0), cy(1)),
      note('d', FRAME, cx(1), cy(0)),
    ]
    const [map] = readJourneyMaps(records)
    expect(map?.cells.slice(0, 8).map((c) => `${c.stageId}/${c.laneId}`)).toEqual([
      'discover/actions',
      'discover/touchpoints',
      'discover/frontstage',
      'discover/backstage',
      'discover/painPoints',
      'discover/ideas',
      'discover/emotions',
      'apply/actions',
    ])
    expect(cardsOfMap(map!).map((c) => c.id)).toEqual(
      ['b-high-left', 'b-high-right', 'b-low', 'c', 'd'].map((n) => createShapeId(n)),
    )
  })

  it('orders maps by page, then top to bottom, and gives each its own cards', () => {
    const records = [
      ...pages,
      ...journey({ x: 0, y: 5000 }, PAGE, 'low'),
      ...journey({ x: 0, y: 0 }, PAGE_2, 'second'),
      ...journey({ x: 9000, y: 0 }, PAGE, 'top'),
      note('inLow', PAGE, cx(0), 5000 + cy(0)),
    ]
    const maps = readJourneyMaps(records)
    expect(maps.map((m) => m.id)).toEqual([createShapeId('top1'), createShapeId('low1'), createShapeId('second1')])
    expect(cardsOfMap(maps[1]!).map((c) => c.id)).toEqual([createShapeId('inLow')])
  })

  it('follows rotation: a card in a rotated frame stays in its cell', () => {
    const frame = journey().map((s) => (s.id === FRAME ? { ...s, rotation: Math.PI / 2 } : s))
    // Frame rotated 90 degrees about its origin: frame (x, y) is page (ORIGIN.x - y, ORIGIN.y + x).
    const records = [
      ...pages,
      ...frame,
      note('child', FRAME, cx(3), cy(5)),
      note('onPage', PAGE, ORIGIN.x - cy(2), ORIGIN.y + cx(1), 'x', { rotation: Math.PI / 2 }),
    ]
    expect(cellOf(records, 'child')).toEqual({ stageId: 'receive', laneId: 'ideas' })
    // A page-level note rotated by 90 degrees: its centre is at origin + R(100, 100).
    const shifted = records.map((r) =>
      r.id === createShapeId('onPage') ? { ...r, x: ORIGIN.x - cy(2) + 100, y: ORIGIN.y + cx(1) - 100 } : r,
    ) as TLRecord[]
    expect(cellOf(shifted, 'onPage')).toEqual({ stageId: 'apply', laneId: 'frontstage' })
  })

  it('reads a card inside a group inside the frame', () => {
    const group = {
      ...note('unused', FRAME, 0, 0),
      id: createShapeId('group'),
      type: 'group',
      x: cx(4) - 300,
      y: cy(6) - 300,
      props: {},
    } as unknown as TLShape
    const records = [...pages, ...journey(), group, note('grouped', group.id, 300, 300)]
    expect(cellOf(records, 'grouped')).toEqual({ stageId: 'after', laneId: 'emotions' })
  })

  it('reads kind, text, author and votes of each card', () => {
    const richText = {
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Two ' }, { type: 'text', text: 'lines', marks: [{ type: 'bold' }] }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'item' }] }] }] },
      ],
    }
    const records = [
      ...pages,
      ...journey(),
      note('idea', FRAME, cx(0), cy(5), 'Send an SMS', { kind: 'idea', author: '  Ana  ' }),
      note('rich', FRAME, cx(0), cy(5) + 100, '', { richText }),
      { ...note('forged', FRAME, cx(0), cy(6)), meta: { codesign: { kind: 'card', cardKind: 'evil', author: 42 } } },
    ]
    const votes = tally({ id: 'v1', dotsPerPerson: 3 }, { u1: { dots: [createShapeId('idea'), createShapeId('idea')], group: 'citizen' } }, [
      createShapeId('idea'),
    ])
    const cards = cardsOfMap(readJourneyMaps(records, votes)[0]!)
    expect(cards[0]).toMatchObject({ kind: 'idea', text: 'Send an SMS', author: 'Ana' })
    expect(cards[0]?.votes).toEqual({ total: 2, byGroup: { citizen: 2, official: 0, other: 0, undeclared: 0 } })
    expect(cards[1]).toMatchObject({ kind: 'plain', text: 'Two lines\n- item' })
    expect(cards[1]?.author).toBeUndefined()
    expect(cards[1]?.votes.total).toBe(0)
    expect(cards[2]).toMatchObject({ kind: 'plain' })
    expect(cards[2]?.author).toBeUndefined()
  })

  it('reads the persona map by area', () => {
    const shapes = createTemplate('persona', { parentId: PAGE, x: 0, y: 0, newId: idFactory() })
    const records = [...pages, ...shapes, note('feel', FRAME, 1300, 1300, 'Anxious'), note('who', PAGE, 900, 200, 'Retired')]
    const [map] = readJourneyMaps(records)
    expect(map?.layout).toBe('areas')
    expect(map?.stages).toEqual([])
    expect(map?.cells.map((c) => [c.laneId, c.cards.map((k) => k.text)])).toEqual([
      ['persona', ['Retired']],
      ['says', []],
      ['thinks', []],
      ['does', []],
      ['feels', ['Anxious']],
    ])
  })

  it('never throws on a forged document', () => {
    const cycleA = { ...note('cycleA', 'shape:cycleB', 0, 0), id: createShapeId('cycleA') }
    const cycleB = { ...note('cycleB', 'shape:cycleA', 0, 0), id: createShapeId('cycleB') }
    const badFrame = {
      ...journey()[0]!,
      id: createShapeId('bad'),
      meta: { codesign: { kind: 'map', version: 1, template: 'journey', layout: 'grid', stages: 'x', lanes: [], geometry: {} } },
    } as TLShape
    const hugeStages = {
      ...journey()[0]!,
      id: createShapeId('huge'),
      meta: {
        codesign: {
          kind: 'map',
          version: 1,
          template: 'x',
          layout: 'grid',
          stages: Array.from({ length: 10_000 }, (_, i) => ({ id: `s${i}`, label: 'x'.repeat(10_000) })),
          lanes: [{ id: 'l', label: 'l' }],
          geometry: { headerW: 0, headerH: 0, colW: 1, rowH: 1 },
        },
      },
    } as TLShape
    let deep: unknown = { type: 'text', text: 'deep' }
    for (let i = 0; i < 100_000; i++) deep = { type: 'blockquote', content: [deep] }
    const records = [
      ...pages,
      cycleA,
      cycleB,
      badFrame,
      hugeStages,
      note('nan', PAGE, Number.NaN, Number.POSITIVE_INFINITY),
      note('deep', PAGE, 0, 0, '', { richText: { type: 'doc', content: [deep] } }),
      note('junk', PAGE, 10, 10, '', { richText: { type: 'doc', content: [null, 3, 'x', { type: 'text', text: 7 }] } }),
      { ...note('noProps', PAGE, 0, 0), props: null } as unknown as TLShape,
      { typeName: 'shape', type: 'note', id: 42 } as unknown as TLShape,
      null as unknown as TLShape,
    ] as TLRecord[]
    const board = readBoard(records)
    expect(board.maps.map((m) => m.id)).toEqual([createShapeId('huge')])
    expect(board.maps[0]?.stages.length).toBeLessThanOrEqual(40)
    expect(board.maps[0]?.stages[0]?.label.length).toBeLessThanOrEqual(200)
    expect(board.loose.map((c) => c.id)).not.toContain(createShapeId('cycleA'))
    expect(board.loose.find((c) => c.id === createShapeId('deep'))?.text).toBe('')
    expect(board.loose.find((c) => c.id === createShapeId('junk'))?.text).toBe('')
  })
})

describe('richTextToPlain', () => {
  it('keeps line breaks, numbers ordered lists and returns plain strings as they are', () => {
    expect(richTextToPlain(toRichText('one\n\nthree'))).toBe('one\n\nthree')
    expect(
      richTextToPlain({
        type: 'doc',
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'a' }, { type: 'hardBreak' }, { type: 'text', text: 'b' }] },
          {
            type: 'orderedList',
            attrs: { start: 3 },
            content: [
              { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }] },
              { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'y' }] }] },
            ],
          },
        ],
      }),
    ).toBe('a\nb\n3. x\n4. y')
    expect(richTextToPlain('  legacy  ')).toBe('legacy')
    expect(richTextToPlain(undefined)).toBe('')
  })
})
