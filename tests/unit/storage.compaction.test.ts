/**
 * mergeEntries: a board's log merged into one update holding the same state.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { StoredEntry } from '../../server/storage/DocumentStore.ts'
import { mergeEntries } from '../../server/storage/compaction.ts'

/** The log of a board where one shape was moved `moves` times. */
function logOfMoves(moves: number): { doc: Y.Doc; entries: StoredEntry[] } {
  const doc = new Y.Doc()
  const entries: StoredEntry[] = []
  doc.on('update', (update: Uint8Array) => entries.push({ seq: entries.length + 1, update }))
  const shapes = doc.getMap<{ x: number; y: number; text: string }>('shapes')
  for (let i = 0; i < moves; i++) shapes.set('shape:1', { x: i, y: 2 * i, text: 'a sticky note' })
  return { doc, entries }
}

function stateOf(updates: readonly Uint8Array[]): unknown {
  const doc = new Y.Doc()
  for (const update of updates) Y.applyUpdate(doc, update)
  return doc.getMap('shapes').toJSON()
}

describe('mergeEntries', () => {
  it('merges a log into one update holding the same state', () => {
    const { doc, entries } = logOfMoves(50)
    const { merged } = mergeEntries(entries)
    expect(stateOf([merged])).toEqual(doc.getMap('shapes').toJSON())
  })

  it('covers up to the highest seq among the entries', () => {
    const { entries } = logOfMoves(5)
    const shuffled = [entries[3]!, entries[0]!, entries[4]!, entries[1]!, entries[2]!]
    expect(mergeEntries(shuffled).upTo).toBe(5)
  })

  it('drops the content of overwritten values, unlike Y.mergeUpdates', () => {
    const { entries } = logOfMoves(500)
    const { merged } = mergeEntries(entries)
    expect(merged.byteLength).toBeLessThan(Y.mergeUpdates(entries.map((entry) => entry.update)).byteLength / 4)
  })

  it('keeps updates whose dependencies are missing, so they apply once those arrive', () => {
    const { doc, entries } = logOfMoves(10)
    const [first, ...rest] = entries

    const { merged } = mergeEntries(rest)

    expect(stateOf([merged, first!.update])).toEqual(doc.getMap('shapes').toJSON())
  })

  it('refuses an empty log', () => {
    expect(() => mergeEntries([])).toThrow(RangeError)
  })
})
