/**
 * Templates and structure edits produce records tldraw accepts (checked with tldraw's own
 * schema and a real TLStore), drawn from the map's meta, in the board's language, and edits
 * keep every card in its stage.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createTLStore } from '@tldraw/editor'
import type { RecordsDiff } from '@tldraw/store'
import {
  createShapeId,
  createTLSchema,
  toRichText,
  type TLNoteShape,
  type TLPageId,
  type TLRecord,
  type TLShape,
  type TLShapeId,
} from '@tldraw/tlschema'
import { JOURNEY_LABELS_EN, type JourneyLabelKey } from '../../shared/journey/labels.ts'
import { indexKeyAbove, indexKeyAt } from '../../shared/journey/layout.ts'
import { addStage, removeStage, renameHeading } from '../../shared/journey/mapEdits.ts'
import { mapMetaOf, partMetaOf, type GridMapMeta } from '../../shared/journey/mapMeta.ts'
import { readBoard } from '../../shared/journey/model.ts'
import { TEMPLATES, createTemplate, templateMeta, templateSize } from '../../shared/journey/templates.ts'
import { richTextToPlain } from '../../shared/journey/richText.ts'

const schema = createTLSchema()
const PAGE = 'page:main' as TLPageId
const page: TLRecord = { typeName: 'page', id: PAGE, name: 'Page 1', index: 'a1', meta: {} } as TLRecord

function idFactory(prefix = 't'): () => TLShapeId {
  let n = 0
  return () => createShapeId(`${prefix}${++n}`)
}

function validate(record: TLRecord): void {
  expect(() => schema.types[record.typeName].validate(record)).not.toThrow()
}

function applyDiff(records: TLRecord[], diff: RecordsDiff<TLRecord>): TLRecord[] {
  const byId = new Map<string, TLRecord>(records.map((r) => [r.id, r]))
  for (const id of Object.keys(diff.removed)) byId.delete(id)
  for (const [id, [, to]] of Object.entries(diff.updated)) byId.set(id, to)
  for (const [id, record] of Object.entries(diff.added)) byId.set(id, record)
  return [...byId.values()]
}

function changed(diff: RecordsDiff<TLRecord>): TLRecord[] {
  return [...Object.values(diff.added), ...Object.values(diff.updated).map(([, to]) => to)]
}

/** A note whose centre is at (cx, cy) in its parent's coordinates. */
function note(name: string, parentId: string, cx: number, cy: number, text = name): TLNoteShape {
  return {
    id: createShapeId(name),
    typeName: 'shape',
    type: 'note',
    x: cx - 100,
    y: cy - 100,
    rotation: 0,
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
      richText: toRichText(text),
      scale: 1,
      textLastEditedBy: null,
    },
    meta: {},
  }
}

const disposers: (() => void)[] = []
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose()
})

describe('templates', () => {
  it.each(TEMPLATES)('the %s template is a frame of valid tldraw records', (template) => {
    const shapes = createTemplate(template, { parentId: PAGE, x: 100, y: 200, newId: idFactory() })
    for (const shape of shapes) validate(shape)
    const [frame, ...parts] = shapes
    expect(frame?.type).toBe('frame')
    expect(frame && mapMetaOf(frame)?.template).toBe(template)
    expect(frame?.props).toMatchObject(templateSize(template))
    expect(parts.length).toBeGreaterThan(3)
    for (const part of parts) {
      expect(part.parentId).toBe(frame?.id)
      expect(part.isLocked).toBe(true)
      expect(partMetaOf(part)).not.toBeNull()
    }
    expect(new Set(shapes.map((s) => s.id)).size).toBe(shapes.length)
    expect(new Set(parts.map((s) => s.index)).size).toBe(parts.length)
    // The check has teeth: tldraw's schema refuses a colour it does not know.
    expect(() => schema.types.shape.validate({ ...frame, props: { ...frame?.props, color: 'pink' } })).toThrow()
  })

  it.each(TEMPLATES)('a real tldraw store accepts the %s template', (template) => {
    const store = createTLStore()
    disposers.push(() => store.dispose())
    const shapes = createTemplate(template, { parentId: PAGE, x: 0, y: 0, newId: idFactory() })
    expect(() => store.put([page, ...shapes])).not.toThrow()
    expect(store.allRecords().filter((r) => r.typeName === 'shape')).toHaveLength(shapes.length)
  })

  it('is deterministic for a deterministic id factory', () => {
    const a = createTemplate('blueprint', { parentId: PAGE, x: 0, y: 0, newId: idFactory() })
    const b = createTemplate('blueprint', { parentId: PAGE, x: 0, y: 0, newId: idFactory() })
    expect(a).toEqual(b)
  })

  it('draws the journey map with the stages, the seven lanes and their headers', () => {
    const meta = templateMeta('journey') as GridMapMeta
    expect(meta.stages.map((s) => s.label)).toEqual([
      'Finding out',
      'Applying',
      'Waiting for a decision',
      'Receiving the service',
      'Afterwards',
    ])
    expect(meta.lanes.map((l) => l.id)).toEqual([
      'actions',
      'touchpoints',
      'frontstage',
      'backstage',
      'painPoints',
      'ideas',
      'emotions',
    ])
    const shapes = createTemplate('journey', { parentId: PAGE, x: 0, y: 0, newId: idFactory() })
    const headers = shapes.filter((s) => partMetaOf(s)?.kind === 'lane')
    expect(headers.map((h) => richTextToPlain((h.props as { richText: unknown }).richText))).toContain(
      'Frontstage: what officials do',
    )
  })

  it('draws the blueprint lines of interaction, visibility and internal interaction', () => {
    const shapes = createTemplate('blueprint', { parentId: PAGE, x: 0, y: 0, newId: idFactory() })
    const labels = shapes
      .filter((s) => s.type === 'text')
      .map((s) => richTextToPlain((s.props as { richText: unknown }).richText))
    expect(labels).toEqual(['Line of interaction', 'Line of visibility', 'Line of internal interaction'])
  })

  it("takes its labels from the caller's translation, falling back to English for a missing one", () => {
    const t = (key: JourneyLabelKey) => (key === 'template.persona.area.says' ? '' : `«${key}»`)
    const [frame, ...parts] = createTemplate('persona', { parentId: PAGE, x: 0, y: 0, newId: idFactory(), t })
    expect(frame?.props).toMatchObject({ name: '«template.persona.name»' })
    const texts = parts.map((p) => richTextToPlain((p.props as { richText: unknown }).richText))
    expect(texts).toContain('«template.persona.area.feels»')
    expect(texts).toContain(JOURNEY_LABELS_EN['template.persona.area.says'])
  })

  it('makes valid index keys in increasing order', () => {
    const keys = Array.from({ length: 200 }, (_, i) => indexKeyAt(i))
    const schemaShape = createTemplate('journey', { parentId: PAGE, x: 0, y: 0, newId: idFactory() })[0] as TLShape
    for (const key of [...keys, indexKeyAbove('a1'), indexKeyAbove('a1V'), indexKeyAbove('a1z'), indexKeyAbove('b0z')]) {
      validate({ ...schemaShape, index: key })
    }
    expect([...keys].sort()).toEqual(keys)
    expect(indexKeyAbove('a1') > 'a1' && indexKeyAbove('a1') < 'a2').toBe(true)
    expect(indexKeyAbove('a1z') > 'a1z' && indexKeyAbove('a1z') < 'a2').toBe(true)
  })
})

describe('structure edits', () => {
  const FRAME = createShapeId('t1')
  // Journey grid: header column 280 wide, header row 120 high, columns 520, rows 280.
  const cx = (stage: number) => 280 + stage * 520 + 260
  const cy = (lane: number) => 120 + lane * 280 + 140

  function board(): TLRecord[] {
    return [page, ...createTemplate('journey', { parentId: PAGE, x: 1000, y: 500, newId: idFactory() })]
  }

  it('renames a stage in the meta and on its header, as one valid diff', () => {
    const records = board()
    const edit = renameHeading(records, FRAME, { stageId: 'wait' }, '  Waiting  ', { newId: idFactory('n') })
    expect(edit).not.toBeNull()
    for (const record of changed(edit!.diff)) validate(record)
    expect(Object.keys(edit!.diff.added)).toHaveLength(0)
    const after = readBoard(applyDiff(records, edit!.diff)).maps[0]
    expect(after?.stages.map((s) => s.label)).toContain('Waiting')
  })

  it('renames a lane, and refuses an unknown heading or a frame that is not a map', () => {
    const records = board()
    const edit = renameHeading(records, FRAME, { laneId: 'emotions' }, 'Feelings', { newId: idFactory('n') })
    expect(readBoard(applyDiff(records, edit!.diff)).maps[0]?.lanes.at(-1)?.label).toBe('Feelings')
    expect(renameHeading(records, FRAME, { laneId: 'nope' }, 'x', { newId: idFactory('n') })).toBeNull()
    expect(renameHeading(records, FRAME, { areaId: 'says' }, 'x', { newId: idFactory('n') })).toBeNull()
    expect(renameHeading(records, createShapeId('t2'), { laneId: 'emotions' }, 'x', { newId: idFactory('n') })).toBeNull()
  })

  it('renames an area of the empathy map, and adds no stage to it', () => {
    const records = [page, ...createTemplate('persona', { parentId: PAGE, x: 0, y: 0, newId: idFactory() })]
    const edit = renameHeading(records, FRAME, { areaId: 'says' }, 'Says out loud', { newId: idFactory('n') })!
    for (const record of changed(edit.diff)) validate(record)
    expect(readBoard(applyDiff(records, edit.diff)).maps[0]?.lanes[1]).toEqual({ id: 'says', label: 'Says out loud' })
    expect(addStage(records, FRAME, { newId: idFactory('n') })).toBeNull()
    expect(removeStage(records, FRAME, 'says', { newId: idFactory('n') })).toBeNull()
  })

  it('adds a stage after another: cards right of it move one column and keep their stage', () => {
    const records = [
      ...board(),
      note('in-discover', FRAME, cx(0), cy(0)),
      note('in-apply', FRAME, cx(1), cy(4)),
      // On the page, over the map's last column: absolute coordinates.
      note('page-after', PAGE, 1000 + cx(4), 500 + cy(2)),
    ]
    const edit = addStage(records, FRAME, { after: 'discover', label: 'Asking a friend', newId: idFactory('n') })
    expect(edit).not.toBeNull()
    for (const record of changed(edit!.diff)) validate(record)
    const next = applyDiff(records, edit!.diff)
    const map = readBoard(next).maps[0]!
    expect(map.stages.map((s) => s.label)).toEqual([
      'Finding out',
      'Asking a friend',
      'Applying',
      'Waiting for a decision',
      'Receiving the service',
      'Afterwards',
    ])
    const where = (id: string) => map.cells.find((c) => c.cards.some((card) => card.id === createShapeId(id)))
    expect(where('in-discover')).toMatchObject({ stageId: 'discover', laneId: 'actions' })
    expect(where('in-apply')).toMatchObject({ stageId: 'apply', laneId: 'painPoints' })
    expect(where('page-after')).toMatchObject({ stageId: 'after', laneId: 'frontstage' })
    const frame = next.find((r) => r.id === FRAME) as TLShape
    expect((frame.props as { w: number }).w).toBe(280 + 6 * 520)
    // The new stage got a header and a grid line; nothing was removed.
    expect(Object.values(edit!.diff.added).map((s) => partMetaOf(s as TLShape)?.kind).sort()).toEqual(['gridLine', 'stage'])
    expect(Object.keys(edit!.diff.removed)).toHaveLength(0)
  })

  it('adds a stage at the end, and before another', () => {
    const records = board()
    const atEnd = addStage(records, FRAME, { newId: idFactory('n') })!
    expect(atEnd.meta.layout === 'grid' && atEnd.meta.stages.at(-1)).toEqual({ id: 'stage-6', label: 'New stage' })
    const first = addStage(records, FRAME, { before: 'discover', stageId: 'before', label: 'Before', newId: idFactory('n') })!
    expect(first.meta.layout === 'grid' && first.meta.stages[0]).toEqual({ id: 'before', label: 'Before' })
    expect(addStage(records, FRAME, { after: 'nope', newId: idFactory('n') })).toBeNull()
  })

  it('applies in a real tldraw store as one diff', () => {
    const store = createTLStore()
    disposers.push(() => store.dispose())
    const records = [...board(), note('card', FRAME, cx(3), cy(1))]
    store.put(records)
    const edit = addStage(records, FRAME, { after: 'apply', newId: idFactory('n') })!
    expect(() => store.applyDiff(edit.diff)).not.toThrow()
    const map = readBoard(store.allRecords()).maps[0]!
    expect(map.cells.find((c) => c.cards.length)).toMatchObject({ stageId: 'receive', laneId: 'touchpoints' })
  })

  it('removes a stage without deleting its cards: they move below the map, the rest move left', () => {
    const records = [
      ...board(),
      note('doomed-1', FRAME, cx(2), cy(0)),
      note('doomed-2', PAGE, 1000 + cx(2), 500 + cy(5)),
      note('kept', FRAME, cx(3), cy(6)),
      note('before', FRAME, cx(1), cy(1)),
    ]
    const edit = removeStage(records, FRAME, 'wait', { newId: idFactory('n') })
    expect(edit).not.toBeNull()
    for (const record of changed(edit!.diff)) validate(record)
    expect(edit!.movedOut.sort()).toEqual([createShapeId('doomed-1'), createShapeId('doomed-2')].sort())
    const next = applyDiff(records, edit!.diff)
    expect(next.filter((r) => r.typeName === 'shape' && r.type === 'note')).toHaveLength(4)
    const { maps, loose } = readBoard(next)
    const map = maps[0]!
    expect(map.stages.map((s) => s.id)).toEqual(['discover', 'apply', 'receive', 'after'])
    const where = (id: string) => map.cells.find((c) => c.cards.some((card) => card.id === createShapeId(id)))
    expect(where('kept')).toMatchObject({ stageId: 'receive', laneId: 'emotions' })
    expect(where('before')).toMatchObject({ stageId: 'apply', laneId: 'touchpoints' })
    // Parked below the frame (which is 120 + 7 * 280 = 2080 high, at y = 500), on the page.
    expect(loose.map((c) => c.id).sort()).toEqual(edit!.movedOut.sort())
    for (const card of loose) {
      expect(card.mapId).toBeNull()
      expect(card.y).toBeGreaterThan(500 + 2080)
      expect((next.find((r) => r.id === card.id) as TLShape).parentId).toBe(PAGE)
    }
    // The stage's header and its grid line are gone.
    const removedParts = Object.values(edit!.diff.removed).map((s) => partMetaOf(s as TLShape))
    expect(removedParts).toEqual(
      expect.arrayContaining([
        { kind: 'stage', stageId: 'wait' },
        { kind: 'gridLine', lineId: 'col:wait' },
      ]),
    )
  })

  it('keeps at least one stage', () => {
    let records = board()
    for (const id of ['discover', 'apply', 'wait', 'receive']) {
      records = applyDiff(records, removeStage(records, FRAME, id, { newId: idFactory('n') })!.diff)
    }
    expect(removeStage(records, FRAME, 'after', { newId: idFactory('n') })).toBeNull()
    expect(readBoard(records).maps[0]?.stages.map((s) => s.id)).toEqual(['after'])
  })

  it('redraws a header someone deleted when the structure changes', () => {
    const records = board().filter((r) => !(r.typeName === 'shape' && partMetaOf(r)?.kind === 'lane'))
    const edit = addStage(records, FRAME, { newId: idFactory('n') })!
    const added = Object.values(edit.diff.added).map((s) => partMetaOf(s as TLShape)?.kind)
    expect(added.filter((k) => k === 'lane')).toHaveLength(7)
    for (const record of changed(edit.diff)) validate(record)
  })
})
