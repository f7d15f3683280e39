/**
 * shared/docRecords.ts, the pure part of strokes: the one splice that turns a stroke's old JSON
 * into its new one, and which strokes apply to which records.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { MAX_STROKE_CHARS, mergeStroke, readMergedRecords, textSplice, type TextSplice } from '../../shared/docRecords.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { seededRandom } from '../helpers/seededRandom.ts'

const apply = (from: string, splice: TextSplice | null) =>
  splice ? from.slice(0, splice.index) + splice.insert + from.slice(splice.index + splice.remove) : from

const isWellFormed = (text: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)

describe('textSplice', () => {
  it('appending points to a path costs the new characters and the padding that changes', () => {
    // btoa('ABCDEFGH') and btoa('ABCDEFGHIJKL'): the last group and its padding change.
    const from = '[{"type":"free","path":"QUJDREVGR0g=","dim":2}]'
    const to = '[{"type":"free","path":"QUJDREVGR0hJSktM","dim":2}]'
    expect(textSplice(from, to)).toEqual({ index: 34, remove: 2, insert: 'hJSktM' })
    expect(apply(from, textSplice(from, to))).toBe(to)
  })

  it('is null for equal texts and handles empty ones', () => {
    expect(textSplice('same', 'same')).toBeNull()
    expect(textSplice('', 'abc')).toEqual({ index: 0, remove: 0, insert: 'abc' })
    expect(textSplice('abc', '')).toEqual({ index: 0, remove: 3, insert: '' })
  })

  it('never splits a surrogate pair', () => {
    // Same high surrogate, different low ones: the splice takes the whole pair.
    expect(textSplice('a\u{1F600}b', 'a\u{1F601}b')).toEqual({ index: 1, remove: 2, insert: '\u{1F601}' })
  })

  it('always turns one text into the other, in well-formed pieces (seeded)', () => {
    const rng = seededRandom(42)
    const alphabet = ['A', 'b', '=', '"', '\u{1F600}', '\u{1F601}', '\u{10437}', 'é']
    const text = () => Array.from({ length: rng.int(0, 12) }, () => rng.pick(alphabet)).join('')
    for (let i = 0; i < 2000; i++) {
      const from = text()
      const to = rng.chance(0.5) ? from + text() : text()
      const splice = textSplice(from, to)
      expect(apply(from, splice), `${from} -> ${to}`).toBe(to)
      if (splice) {
        expect(isWellFormed(splice.insert), `${from} -> ${to}`).toBe(true)
        expect(isWellFormed(from.slice(splice.index, splice.index + splice.remove)), `${from} -> ${to}`).toBe(true)
      }
    }
  })
})

describe('mergeStroke', () => {
  const drawing = { id: 'shape:a', typeName: 'shape', type: 'draw', props: { isComplete: false, segments: [{ type: 'free', path: 'AA==' }] } }
  const segments = [{ type: 'free', path: 'AAAAAA==' }]
  const inDoc = (value: unknown) => {
    const doc = new Y.Doc()
    doc.getMap<unknown>(DocKeys.strokes).set('shape:a', value)
    return doc.getMap<unknown>(DocKeys.strokes).get('shape:a')
  }

  it('takes the segments of a readable stroke for a shape being drawn', () => {
    expect(mergeStroke(drawing, inDoc(new Y.Text(JSON.stringify(segments))))).toEqual({
      record: { ...drawing, props: { ...drawing.props, segments } },
      merged: true,
    })
  })

  it('leaves alone what a stroke does not apply to: no stroke, a finished shape, another shape', () => {
    const stroke = inDoc(new Y.Text(JSON.stringify(segments)))
    const finished = { ...drawing, props: { ...drawing.props, isComplete: true } }
    const geo = { id: 'shape:a', typeName: 'shape', type: 'geo', props: {} }
    for (const record of [drawing, finished, geo, null, 'text']) {
      const stroke2 = record === drawing ? undefined : stroke
      expect(mergeStroke(record, stroke2)).toEqual({ record, merged: false })
    }
  })

  it('says why a stroke that applies cannot be read', () => {
    const problem = (value: unknown) => mergeStroke(drawing, inDoc(value)).problem?.code
    expect(problem(42)).toBe('not-text')
    expect(problem(new Y.Map())).toBe('not-text')
    expect(problem(new Y.Text('[{'))).toBe('not-json')
    expect(problem(new Y.Text('{"type":"free","path":"AA"}'))).toBe('not-segments')
    expect(problem(new Y.Text('[{"type":"free","path":5}]'))).toBe('not-segments')
    expect(problem(new Y.Text('x'.repeat(MAX_STROKE_CHARS + 1)))).toBe('too-large')
    expect(problem(new Y.Text('[{"type":"wiggly","path":"AA"}]'))).toBe('not-segments')
    expect(problem(new Y.Text('[{"type":"free","path":"AA","dim":7}]'))).toBe('not-segments')
    expect(problem(new Y.Text('[{"type":"free","path":"AA","dim":{"x":2}}]'))).toBe('not-segments')
  })

  it('rebuilds each segment from the fields of tldraw 5.4.2 only, dropping others however deeply nested', () => {
    // 30,000 nested lists: JSON.parse reads them, JSON.stringify (an export, a restored version) cannot.
    const depth = 30_000
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`
    const text = `[{"type":"free","path":"AAAA","dim":2,"x":${nested}},{"extra":{"a":1},"type":"straight","path":"BBBB"}]`
    expect(text.length).toBeLessThan(MAX_STROKE_CHARS)
    expect(() => JSON.stringify(JSON.parse(text))).toThrow(RangeError)
    const merged = mergeStroke(drawing, inDoc(new Y.Text(text)))
    const expected = [
      { type: 'free', path: 'AAAA', dim: 2 },
      { type: 'straight', path: 'BBBB' },
    ]
    expect(merged).toEqual({ record: { ...drawing, props: { ...drawing.props, segments: expected } }, merged: true })
    expect(JSON.stringify(merged.record)).toContain('"segments":[{"type":"free","path":"AAAA","dim":2},{"type":"straight","path":"BBBB"}]')
  })

  it('reads no stroke longer than 64 KB, which holds a dozen of the longest freehand segments tldraw draws', () => {
    // tldraw 5.4.2 ends a freehand segment past 600 points (maxPointsPerShape): with pressure, a
    // first point of 12 bytes and 600 deltas of 6, in base64.
    const longest = { type: 'free', path: 'A'.repeat(Math.ceil((12 + 600 * 6) / 3) * 4) }
    expect(JSON.stringify(Array.from({ length: 12 }, () => longest)).length).toBeLessThanOrEqual(MAX_STROKE_CHARS)
    expect(MAX_STROKE_CHARS).toBe(64 * 1024)
    const segments = [{ type: 'free', path: 'A'.repeat(MAX_STROKE_CHARS) }]
    expect(mergeStroke(drawing, inDoc(new Y.Text(JSON.stringify(segments)))).problem?.code).toBe('too-large')
  })
})

describe('readMergedRecords', () => {
  it('reads the last entry of a key, merged with its stroke, and no stroke without a record', () => {
    const doc = new Y.Doc()
    const drawing = { id: 'shape:a', typeName: 'shape', type: 'draw', props: { isComplete: false, segments: [] } }
    doc.transact(() => {
      doc.getArray(DocKeys.records).push([
        { key: 'shape:a', val: { stale: true } },
        { key: 'shape:a', val: drawing },
        'not an entry',
      ])
      doc.getMap(DocKeys.strokes).set('shape:a', new Y.Text('[{"type":"free","path":"AA=="}]'))
      doc.getMap(DocKeys.strokes).set('shape:orphan', new Y.Text('[]'))
    })
    expect([...readMergedRecords(doc)]).toEqual([['shape:a', { ...drawing, props: { ...drawing.props, segments: [{ type: 'free', path: 'AA==' }] } }]])
    doc.destroy()
  })
})
