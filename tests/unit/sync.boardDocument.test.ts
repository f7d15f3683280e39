/**
 * The server's view of a board's document (server/sync/boardDocument.ts) with strokes being
 * drawn: what exports and versions read is each record merged with its stroke, and restoring
 * a version leaves no stroke that would change what was restored. Documents are written by the
 * real client binding over real tldraw stores.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTLStore } from '@tldraw/editor'
import { b64Vecs, type TLDrawShape, type TLRecord } from '@tldraw/tlschema'
import { bindStoreToYDoc, type StoreBinding } from '../../client/sync/bindStore.ts'
import { readRecords, replaceRecords, toTldrFile, type StoredRecord } from '../../server/sync/boardDocument.ts'
import { DocKeys } from '../../shared/protocol.ts'

const disposers: (() => void)[] = []
afterEach(() => {
  for (const dispose of disposers.splice(0).reverse()) dispose()
})

/** A person's board: a tldraw store bound to a doc; `frame()` writes what is pending. */
function board(doc = new Y.Doc()) {
  const store = createTLStore()
  ;(store as unknown as { ensureStoreIsUsable(): void }).ensureStoreIsUsable()
  const binding: StoreBinding = bindStoreToYDoc(store, doc, { schedule: () => () => {} })
  binding.seedIfEmpty()
  disposers.push(() => {
    binding.dispose()
    store.dispose()
    doc.destroy()
  })
  return { doc, store, binding, frame: () => binding.flush() }
}

const points = (n: number) => Array.from({ length: n }, (_, i) => ({ x: i * 4, y: (i % 7) * 3, z: 0.5 }))

function draw(id: string, n: number, isComplete: boolean): TLDrawShape {
  return {
    id,
    typeName: 'shape',
    type: 'draw',
    x: 10,
    y: 10,
    rotation: 0,
    index: 'a1',
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      color: 'blue',
      fill: 'none',
      dash: 'draw',
      size: 'm',
      segments: [{ type: 'free', path: b64Vecs.encodePoints(points(n), 2), dim: 2 }],
      isComplete,
      isClosed: false,
      isPen: false,
      scale: 1,
      scaleX: 1,
      scaleY: 1,
    },
  } as unknown as TLDrawShape
}

/** Alice starts a stroke and draws `n` points of it, frame by frame, without lifting the pen. */
function drawUnfinished(alice: ReturnType<typeof board>, id: string, n: number): void {
  for (let i = 1; i <= n; i++) {
    alice.store.put([draw(id, i, false) as TLRecord])
    alice.frame()
  }
}

const byId = (records: StoredRecord[], id: string) => records.find((r) => r.id === id)

describe('the server reading a board', () => {
  it('reads a stroke still being drawn with all its points, in exports too', () => {
    const alice = board()
    drawUnfinished(alice, 'shape:wave', 50)
    const server = new Y.Doc()
    Y.applyUpdate(server, Y.encodeStateAsUpdate(alice.doc))
    expect(server.getMap(DocKeys.strokes).size).toBe(1)
    expect(byId(readRecords(server), 'shape:wave')).toEqual(draw('shape:wave', 50, false))
    expect(byId(toTldrFile(server).records, 'shape:wave')).toEqual(draw('shape:wave', 50, false))
    server.destroy()
  })

  it('reads the records entry when a stroke cannot be read, and ignores strokes that apply to nothing', () => {
    const alice = board()
    drawUnfinished(alice, 'shape:wave', 1)
    alice.doc.transact(() => {
      alice.doc.getMap(DocKeys.strokes).set('shape:wave', new Y.Text('[{"type":"free",'))
      alice.doc.getMap(DocKeys.strokes).set('shape:nobody', new Y.Text('[]'))
    })
    const records = readRecords(alice.doc)
    expect(byId(records, 'shape:wave')).toEqual(draw('shape:wave', 1, false))
    expect(byId(records, 'shape:nobody')).toBeUndefined()
  })
})

describe('a stroke a raw client filled with a deeply nested field', () => {
  it('is exported and restored without it', () => {
    const alice = board()
    drawUnfinished(alice, 'shape:wave', 3)
    // Not our client: 30,000 nested lists in a field tldraw's segments do not have.
    const depth = 30_000
    const hostile = `[{"type":"free","path":"AAAA","dim":2,"x":${'['.repeat(depth)}${']'.repeat(depth)}}]`
    alice.doc.transact(() => alice.doc.getMap(DocKeys.strokes).set('shape:wave', new Y.Text(hostile)))
    const server = new Y.Doc()
    Y.applyUpdate(server, Y.encodeStateAsUpdate(alice.doc))
    const expected = { ...draw('shape:wave', 3, false), props: { ...draw('shape:wave', 3, false).props, segments: [{ type: 'free', path: 'AAAA', dim: 2 }] } }
    expect(byId(readRecords(server), 'shape:wave')).toEqual(expected)
    // The archive is written with JSON.stringify.
    const archive = JSON.parse(JSON.stringify(toTldrFile(server))) as ReturnType<typeof toTldrFile>
    expect(byId(archive.records, 'shape:wave')).toEqual(expected)
    // Restoring a version compares records with JSON.stringify: both with and without the stroke.
    expect(replaceRecords(server, readRecords(server), 'restore')).toEqual({ set: 0, removed: 0 })
    const moved = readRecords(server).map((r) => (r.id === 'shape:wave' ? { ...r, x: 50 } : r))
    expect(replaceRecords(server, moved, 'restore')).toEqual({ set: 1, removed: 0 })
    expect(byId(readRecords(server), 'shape:wave')).toEqual({ ...expected, x: 50 })
    expect(server.getMap(DocKeys.strokes).size).toBe(0)
    server.destroy()
  })
})

describe('restoring a version', () => {
  it('brings back a stroke as the version had it and deletes strokes the version does not have', () => {
    const alice = board()
    drawUnfinished(alice, 'shape:kept', 20)
    alice.store.put([draw('shape:done', 30, true) as TLRecord])
    alice.frame()
    const version = new Y.Doc()
    Y.applyUpdate(version, Y.encodeStateAsUpdate(alice.doc))

    // Afterwards: the kept stroke is finished, the finished one deleted, a new one started.
    alice.store.put([draw('shape:kept', 40, true) as TLRecord])
    alice.store.remove(['shape:done' as TLRecord['id']])
    alice.frame()
    drawUnfinished(alice, 'shape:later', 10)
    expect(alice.doc.getMap(DocKeys.strokes).size).toBe(1)

    const bob = board(new Y.Doc())
    Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc))
    const server = new Y.Doc()
    Y.applyUpdate(server, Y.encodeStateAsUpdate(alice.doc))
    const result = replaceRecords(server, readRecords(version), 'restore')
    expect(result).toEqual({ set: 2, removed: 1 })
    expect(readRecords(server).sort((a, b) => a.id.localeCompare(b.id))).toEqual(readRecords(version).sort((a, b) => a.id.localeCompare(b.id)))
    // The version's unfinished stroke is now a whole record; no stroke is left to change it.
    expect(server.getMap(DocKeys.strokes).size).toBe(0)

    // What the clients see is what was restored.
    Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(bob.doc)))
    expect(bob.store.get('shape:kept' as TLRecord['id'])).toEqual(draw('shape:kept', 20, false))
    expect(bob.store.get('shape:done' as TLRecord['id'])).toEqual(draw('shape:done', 30, true))
    expect(bob.store.has('shape:later' as TLRecord['id'])).toBe(false)
    version.destroy()
    server.destroy()
  })

  it('changes nothing of a stroke being drawn that already reads as the version has it', () => {
    const alice = board()
    drawUnfinished(alice, 'shape:wave', 25)
    const server = new Y.Doc()
    Y.applyUpdate(server, Y.encodeStateAsUpdate(alice.doc))
    const before = Y.encodeStateVector(server)
    expect(replaceRecords(server, readRecords(server), 'restore')).toEqual({ set: 0, removed: 0 })
    expect(Y.encodeStateVector(server)).toEqual(before)
    expect(server.getMap(DocKeys.strokes).size).toBe(1)
    server.destroy()
  })
})
