/**
 * bindStoreToYDoc, one behaviour at a time: seeding, coalescing, remote changes arriving as
 * 'remote', refusing bad records from the network, concurrent edits, schema versions.
 * (The seeded fuzz test of convergence is sync.convergence.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTLStore } from '@tldraw/editor'
import { b64Vecs, toRichText, type TLDrawShape, type TLRecord, type TLShape, type TLStore } from '@tldraw/tlschema'
import { bindStoreToYDoc, type StoreBinding } from '../../client/sync/bindStore.ts'
import { compareDocSchema, isDocSchemaNewer } from '../../client/sync/docSchema.ts'
import type { InvalidRecordInfo } from '../../client/sync/remoteRecord.ts'
import { MAX_STROKE_CHARS, readMergedRecords } from '../../shared/docRecords.ts'
import { DocKeys } from '../../shared/protocol.ts'

const NET = Symbol('network')

interface Client {
  doc: Y.Doc
  store: TLStore
  binding: StoreBinding
  invalid: InvalidRecordInfo[]
  /** Runs what the binding scheduled for the next frame. */
  frame(): void
  newerSchemaSeen: number
}

const disposers: (() => void)[] = []
afterEach(() => {
  for (const dispose of disposers.splice(0).reverse()) dispose()
})

function createClient(doc = new Y.Doc()): Client {
  const store = createTLStore()
  ;(store as unknown as { ensureStoreIsUsable(): void }).ensureStoreIsUsable()
  const scheduled = new Set<() => void>()
  const client: Client = {
    doc,
    store,
    invalid: [],
    newerSchemaSeen: 0,
    frame() {
      const tasks = [...scheduled]
      scheduled.clear()
      for (const task of tasks) task()
    },
    binding: undefined as unknown as StoreBinding,
  }
  client.binding = bindStoreToYDoc(store, doc, {
    schedule: (fn) => {
      scheduled.add(fn)
      return () => scheduled.delete(fn)
    },
    onInvalidRecord: (info) => client.invalid.push(info),
    onDocSchemaNewer: () => client.newerSchemaSeen++,
  })
  disposers.push(() => {
    client.binding.dispose()
    store.dispose()
    doc.destroy()
  })
  return client
}

/**
 * Two clients whose docs exchange updates when `deliver()` is called (never from inside a Yjs
 * event). `clientIds` fixes their Yjs client ids, which decide which of two concurrent writes of
 * a record wins.
 */
function createPair(clientIds?: [number, number]) {
  const docs = [new Y.Doc(), new Y.Doc()] as const
  if (clientIds) [docs[0].clientID, docs[1].clientID] = clientIds
  const alice = createClient(docs[0])
  const bob = createClient(docs[1])
  const queue: { to: Y.Doc; update: Uint8Array }[] = []
  alice.doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== NET) queue.push({ to: bob.doc, update })
  })
  bob.doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== NET) queue.push({ to: alice.doc, update })
  })
  const deliver = () => {
    while (queue.length > 0) {
      const message = queue.shift()
      if (message) Y.applyUpdate(message.to, message.update, NET)
    }
  }
  /** The network loses what is on its way (a connection dropped). */
  const drop = () => void queue.splice(0)
  alice.binding.seedIfEmpty()
  deliver()
  bob.binding.seedIfEmpty()
  return { alice, bob, deliver, drop }
}

function geo(id: string, overrides: Partial<TLShape> = {}, props: Record<string, unknown> = {}): TLRecord {
  return {
    id,
    typeName: 'shape',
    type: 'geo',
    x: 0,
    y: 0,
    rotation: 0,
    index: 'a1',
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    meta: {},
    ...overrides,
    props: {
      geo: 'rectangle',
      dash: 'draw',
      url: '',
      w: 100,
      h: 100,
      growY: 0,
      scale: 1,
      flipX: false,
      flipY: false,
      labelColor: 'black',
      color: 'black',
      fill: 'none',
      size: 'm',
      font: 'draw',
      align: 'middle',
      verticalAlign: 'middle',
      richText: toRichText('hello'),
      ...props,
    },
  } as unknown as TLRecord
}

/** A point of a hand-drawn wave, as tldraw's draw tool records them (relative to the shape). */
const wavePoint = (i: number) => ({ x: i * 3, y: Math.round(40 * Math.sin(i / 8)), z: 0.5 })
const wave = (n: number) => Array.from({ length: n }, (_, i) => wavePoint(i))

/** Someone drawing: their store, and the end of their frame (when the binding writes). */
type Drawer = { store: { put(records: TLRecord[]): void }; frame(): void }

/** Draws `shape:stroke` as the draw tool does: one more point per frame, up to `points` (nothing delivered). */
function drawPointByPoint(person: Drawer, points: number): void {
  for (let n = 1; n <= points; n++) {
    person.store.put([draw('shape:stroke', wave(n))])
    person.frame()
  }
}

/** A stroke begun (its first point, one frame) and grown to `points` points in the next frame. */
function startStroke(person: Drawer, points: number): void {
  person.store.put([draw('shape:stroke', wave(1))])
  person.frame()
  person.store.put([draw('shape:stroke', wave(points))])
  person.frame()
}

/** A draw shape as tldraw 5's draw tool writes it: `points` in one free segment. */
function draw(id: string, points: { x: number; y: number; z: number }[], isComplete = false, props: Record<string, unknown> = {}): TLDrawShape {
  return {
    id,
    typeName: 'shape',
    type: 'draw',
    x: 100,
    y: 100,
    rotation: 0,
    index: 'a1',
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      color: 'black',
      fill: 'none',
      dash: 'draw',
      size: 'm',
      segments: [{ type: 'free', path: b64Vecs.encodePoints(points, 2), dim: 2 }],
      isComplete,
      isClosed: false,
      isPen: false,
      scale: 1,
      scaleX: 1,
      scaleY: 1,
      ...props,
    },
  } as unknown as TLDrawShape
}

/** `record` (a draw shape in `store`) with `props` changed, as the editor would put it. */
function withProps(store: TLStore, shapeId: string, props: Partial<TLDrawShape['props']>): TLDrawShape {
  const shape = store.get(id(shapeId)) as TLDrawShape
  return { ...shape, props: { ...shape.props, ...props } }
}

/** The sizes of the updates `doc` emits while `fn` runs. */
function updateSizes(doc: Y.Doc, fn: () => void): number[] {
  const sizes: number[] = []
  const onUpdate = (update: Uint8Array) => sizes.push(update.byteLength)
  doc.on('update', onUpdate)
  try {
    fn()
  } finally {
    doc.off('update', onUpdate)
  }
  return sizes
}

const id = (value: string) => value as TLRecord['id']
const kvOf = (doc: Y.Doc) => doc.getArray<{ key: string; val: unknown }>(DocKeys.records)
const docIds = (doc: Y.Doc) => kvOf(doc).toArray().map((e) => e.key).sort()

describe('bindStoreToYDoc', () => {
  describe('seeding', () => {
    it('writes nothing until the doc is loaded or seeded', () => {
      const client = createClient()
      client.store.put([geo('shape:early')])
      client.frame()
      expect(client.binding.isLive()).toBe(false)
      expect(kvOf(client.doc).length).toBe(0)
    })

    it('seeds an empty doc with the document records only, and the schema', () => {
      const client = createClient()
      expect(client.binding.seedIfEmpty()).toBe(true)
      expect(docIds(client.doc)).toEqual(['document:document', 'page:page'])
      expect(client.doc.getMap(DocKeys.meta).get('schema')).toEqual(client.store.schema.serialize())
      expect(compareDocSchema(client.doc, client.store.schema)).toBe('same')
      expect(client.binding.seedIfEmpty()).toBe(false)
    })

    it('takes a non-empty doc in place of its own default records', () => {
      const { alice } = createPair()
      alice.store.put([geo('shape:a')])
      alice.store.remove([id('page:page')])
      alice.store.put([{ id: 'page:journey', typeName: 'page', name: 'Journey', index: 'a1', meta: {} } as unknown as TLRecord])
      alice.binding.flush()

      const latecomer = createClient(new Y.Doc())
      Y.applyUpdate(latecomer.doc, Y.encodeStateAsUpdate(alice.doc))
      expect(latecomer.binding.isLive()).toBe(true)
      expect(latecomer.store.has(id('page:page'))).toBe(false)
      expect(latecomer.store.has(id('page:journey'))).toBe(true)
      expect(latecomer.store.has(id('shape:a'))).toBe(true)
      expect(latecomer.binding.seedIfEmpty()).toBe(false)
    })
  })

  describe('local changes', () => {
    it('are written once per frame, as the net result', () => {
      const client = createClient()
      client.binding.seedIfEmpty()
      let transactions = 0
      client.doc.on('afterTransaction', (tr: Y.Transaction) => {
        if (tr.origin === client.binding.origin) transactions++
      })
      for (let x = 0; x < 50; x++) client.store.put([geo('shape:dragged', { x })])
      client.store.put([geo('shape:fleeting')])
      client.store.remove([id('shape:fleeting')])
      expect(kvOf(client.doc).length).toBe(2)

      client.frame()
      expect(transactions).toBe(1)
      expect(docIds(client.doc)).toEqual(['document:document', 'page:page', 'shape:dragged'])
      expect(client.binding.kv.get('shape:dragged')).toMatchObject({ x: 49 })
      // YKeyValue keeps one entry per key: 50 moves do not grow the array.
      expect(kvOf(client.doc).length).toBe(3)
    })

    it('write nothing when a record ends the frame as it began', () => {
      const client = createClient()
      client.binding.seedIfEmpty()
      client.store.put([geo('shape:a')])
      client.frame()
      const before = Y.encodeStateVector(client.doc)
      client.store.put([geo('shape:a', { x: 10 })])
      client.store.put([geo('shape:a', { x: 0 })])
      client.frame()
      expect(Y.encodeStateVector(client.doc)).toEqual(before)
    })

    it('are written by dispose, after which nothing is', () => {
      const client = createClient()
      client.binding.seedIfEmpty()
      client.store.put([geo('shape:last')])
      client.binding.dispose()
      client.binding.dispose()
      expect(client.binding.kv.has('shape:last')).toBe(true)
      client.store.put([geo('shape:after')])
      client.frame()
      expect(client.binding.kv.has('shape:after')).toBe(false)
    })
  })

  describe('remote changes', () => {
    it('reach the store as remote changes, which is what keeps them out of the undo history', () => {
      const { alice, bob, deliver } = createPair()
      const seen = { user: 0, remote: 0 }
      bob.store.listen(() => seen.user++, { source: 'user', scope: 'document' })
      bob.store.listen(() => seen.remote++, { source: 'remote', scope: 'document' })
      alice.store.put([geo('shape:a')])
      alice.frame()
      deliver()
      bob.store._flushHistory()
      expect(bob.store.get(id('shape:a'))).toEqual(alice.store.get(id('shape:a')))
      expect(seen).toEqual({ user: 0, remote: 1 })
    })

    it('skip and report invalid records while the valid ones of the same transaction apply', () => {
      const { alice, bob } = createPair()
      const kv = bob.binding.kv
      bob.doc.transact(() => {
        kv.set('shape:good', geo('shape:good'))
        kv.set('shape:banana', geo('shape:banana', {}, { w: 'banana' }))
        kv.set('spaceship:1', { id: 'spaceship:1', typeName: 'spaceship' })
        kv.set('shape:bare', { id: 'shape:bare', typeName: 'shape', type: 'geo' })
        kv.set('instance:instance', { id: 'instance:instance', typeName: 'instance' })
        kv.set('shape:alias', geo('shape:other'))
        kv.set('constructor:x', { id: 'constructor:x', typeName: 'constructor' })
        kv.set('shape:number', 42)
        kv.set('shape:good2', geo('shape:good2', { x: 5 }))
      }, NET)
      // Bob wrote straight into his doc (as a remote would): send it to Alice.
      Y.applyUpdate(alice.doc, Y.encodeStateAsUpdate(bob.doc), NET)

      expect(alice.store.has(id('shape:good'))).toBe(true)
      expect(alice.store.get(id('shape:good2'))).toMatchObject({ x: 5 })
      for (const key of ['shape:banana', 'spaceship:1', 'shape:bare', 'shape:alias', 'shape:number']) {
        expect(alice.store.has(id(key)), key).toBe(false)
      }
      // Alice's own session record was not replaced by the one from the network.
      expect(alice.store.get(id('instance:instance'))).toHaveProperty('currentPageId', 'page:page')
      const codes = Object.fromEntries(alice.invalid.map((i) => [i.id, i.error.code]))
      expect(codes).toEqual({
        'shape:banana': 'validation-failed',
        'spaceship:1': 'unknown-type',
        'shape:bare': 'validation-failed',
        'instance:instance': 'not-document-scoped',
        'shape:alias': 'bad-id',
        'constructor:x': 'unknown-type',
        'shape:number': 'not-an-object',
      })
      expect(alice.invalid.find((i) => i.id === 'shape:banana')?.typeName).toBe('shape')
      // NET is not Bob's binding's origin either: his store got the same check.
      expect(bob.invalid).toHaveLength(7)
    })

    it('keep the last valid version of a record that a remote update makes invalid', () => {
      const { alice, bob, deliver } = createPair()
      alice.store.put([geo('shape:a', { x: 1 })])
      alice.frame()
      deliver()
      alice.binding.kv.set('shape:a', geo('shape:a', { x: 2 }, { w: -5 }))
      deliver()
      expect(bob.invalid.map((i) => i.id)).toEqual(['shape:a'])
      expect(bob.store.get(id('shape:a'))).toMatchObject({ x: 1 })
    })

    it('ignore the removal of a record the store never had', () => {
      const { alice, bob, deliver } = createPair()
      alice.binding.kv.set('shape:broken', { id: 'shape:broken', typeName: 'shape' })
      deliver()
      alice.binding.kv.delete('shape:broken')
      alice.binding.kv.set('shape:fine', geo('shape:fine'))
      expect(() => deliver()).not.toThrow()
      expect(bob.invalid.map((i) => i.id)).toEqual(['shape:broken'])
      expect(bob.store.has(id('shape:fine'))).toBe(true)
    })

    it('apply a shape whose page is missing without breaking the binding', () => {
      const { alice, bob, deliver } = createPair()
      alice.binding.kv.set('shape:orphan', geo('shape:orphan', { parentId: 'page:nowhere' as TLShape['parentId'] }))
      deliver()
      expect(bob.store.has(id('shape:orphan'))).toBe(true)
      alice.store.put([geo('shape:next')])
      alice.frame()
      deliver()
      expect(bob.store.has(id('shape:next'))).toBe(true)
      expect(bob.invalid).toEqual([])
    })
  })

  describe('concurrent edits', () => {
    it('a local edit not yet written wins over a remote edit of the same record, on both sides', () => {
      const { alice, bob, deliver } = createPair()
      alice.store.put([geo('shape:a')])
      alice.frame()
      deliver()

      alice.store.put([geo('shape:a', { x: 111 })])
      bob.store.put([geo('shape:a', { x: 222 })])
      bob.frame()
      deliver() // Bob's edit reaches Alice before her frame
      expect(alice.store.get(id('shape:a'))).toMatchObject({ x: 111 })
      alice.frame()
      deliver()
      expect(alice.store.get(id('shape:a'))).toMatchObject({ x: 111 })
      expect(bob.store.get(id('shape:a'))).toMatchObject({ x: 111 })
      expect(alice.binding.kv.get('shape:a')).toEqual(bob.binding.kv.get('shape:a'))

      // Regression (fuzz seed 1): Alice's winning write must be known to her YKeyValue, or
      // Bob's later removal of the record never reaches her store.
      bob.store.remove([id('shape:a')])
      bob.frame()
      deliver()
      expect(alice.store.has(id('shape:a'))).toBe(false)
    })
  })

  describe('strokes being drawn', () => {
    it('reach the other person frame by frame, and as one whole record once complete', () => {
      const { alice, bob, deliver } = createPair()
      alice.store.put([draw('shape:stroke', wave(1))])
      alice.frame()
      deliver()
      for (let n = 2; n <= 120; n++) {
        alice.store.put([draw('shape:stroke', wave(n))])
        alice.frame()
        deliver()
        bob.frame()
        expect(bob.store.get(id('shape:stroke')), `frame ${n}`).toEqual(alice.store.get(id('shape:stroke')))
      }
      expect(alice.binding.strokes.has('shape:stroke')).toBe(true)
      // The records entry keeps the segments it was first written with.
      expect(alice.binding.kv.get('shape:stroke')).toEqual(draw('shape:stroke', wave(1)))

      alice.store.put([draw('shape:stroke', wave(120), true)])
      alice.frame()
      deliver()
      for (const client of [alice, bob]) {
        expect(client.binding.strokes.size).toBe(0)
        expect(client.binding.kv.get('shape:stroke')).toEqual(draw('shape:stroke', wave(120), true))
        expect(client.store.get(id('shape:stroke'))).toEqual(draw('shape:stroke', wave(120), true))
      }
      expect(bob.invalid).toEqual([])
    })

    it('cost each frame about the points appended, not the whole record', () => {
      const { alice, deliver } = createPair()
      alice.store.put([draw('shape:stroke', wave(1))])
      alice.frame()
      deliver()
      const perFrame: { bytes: number; recordBytes: number }[] = []
      for (let n = 2; n <= 600; n++) {
        alice.store.put([draw('shape:stroke', wave(n))])
        const bytes = updateSizes(alice.doc, () => alice.frame())
        expect(bytes).toHaveLength(1)
        perFrame.push({ bytes: bytes[0] ?? 0, recordBytes: JSON.stringify(alice.store.get(id('shape:stroke'))).length })
      }
      // A point is 4 bytes of path, about 6 base64 characters; Yjs adds its ids and the deletion
      // of the old tail (the base64 padding). The same at the 600th point as at the 2nd.
      // (The 2nd frame creates the stroke with the segments so far.)
      for (const [i, frame] of perFrame.slice(1).entries()) expect(frame.bytes, `frame ${i + 3}`).toBeLessThanOrEqual(60)
      const last = perFrame.at(-1)
      expect(last?.recordBytes).toBeGreaterThan(3000)
      const ours = perFrame.reduce((sum, f) => sum + f.bytes, 0)
      const naive = perFrame.reduce((sum, f) => sum + f.recordBytes, 0)
      expect(ours).toBeLessThan(naive / 50)
    })

    it('are applied by a reader once a frame, however many edits of their text arrive between two frames', () => {
      const { alice, bob, deliver } = createPair()
      startStroke(alice, 2)
      deliver()
      bob.frame()
      let applied = 0
      const stop = bob.store.listen(() => applied++, { source: 'remote', scope: 'document' })
      // 40 frames of Alice's reach Bob at once (a stalled connection), then his next frame runs.
      for (let n = 3; n <= 42; n++) {
        alice.store.put([draw('shape:stroke', wave(n))])
        alice.frame()
      }
      deliver()
      bob.store._flushHistory()
      expect(applied).toBe(0)
      bob.frame()
      bob.store._flushHistory()
      expect(applied).toBe(1)
      expect(bob.store.get(id('shape:stroke'))).toEqual(draw('shape:stroke', wave(42)))
      // Lifting the pen (the stroke deleted, the record whole) reaches him at once.
      alice.store.put([draw('shape:stroke', wave(42), true)])
      alice.frame()
      deliver()
      expect(bob.store.get(id('shape:stroke'))).toEqual(draw('shape:stroke', wave(42), true))
      stop()
    })

    it('rewrite the records entry whole when another field changes, then go back to splicing the stroke', () => {
      const { alice, bob, deliver } = createPair()
      drawPointByPoint(alice, 300)
      deliver()
      alice.store.put([draw('shape:stroke', wave(301), false, { isClosed: true, color: 'red' })])
      alice.frame()
      // Whole, so that the entry alone is the shape as it is now (a completion written at the
      // same time by someone else then loses nothing drawn before this change).
      expect(alice.binding.kv.get('shape:stroke')).toEqual(draw('shape:stroke', wave(301), false, { isClosed: true, color: 'red' }))
      deliver()
      expect(bob.store.get(id('shape:stroke'))).toEqual(alice.store.get(id('shape:stroke')))
      alice.store.put([draw('shape:stroke', wave(302), false, { isClosed: true, color: 'red' })])
      const bytes = updateSizes(alice.doc, () => alice.frame())
      expect(bytes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60)
      deliver()
      bob.frame()
      expect(bob.store.get(id('shape:stroke'))).toEqual(alice.store.get(id('shape:stroke')))
    })

    it('deleting a shape being drawn deletes its stroke with it', () => {
      const { alice, bob, deliver } = createPair()
      startStroke(alice, 30)
      deliver()
      expect(bob.binding.strokes.has('shape:stroke')).toBe(true)
      bob.store.remove([id('shape:stroke')])
      bob.frame()
      deliver()
      for (const client of [alice, bob]) {
        expect(client.store.has(id('shape:stroke'))).toBe(false)
        expect(client.binding.kv.has('shape:stroke')).toBe(false)
        expect(client.binding.strokes.size).toBe(0)
      }
    })

    it('a stroke left in progress (its author gone) is read by a late joiner and by every reader of the doc', () => {
      const { alice } = createPair()
      startStroke(alice, 80)
      const state = Y.encodeStateAsUpdate(alice.doc)
      alice.binding.dispose()

      const reader = new Y.Doc()
      Y.applyUpdate(reader, state)
      expect(readMergedRecords(reader).get('shape:stroke')).toEqual(draw('shape:stroke', wave(80)))
      reader.destroy()
      const latecomer = createClient()
      Y.applyUpdate(latecomer.doc, state)
      expect(latecomer.store.get(id('shape:stroke'))).toEqual(draw('shape:stroke', wave(80)))
      expect(latecomer.invalid).toEqual([])
    })

    it('a stroke written while offline reaches the others on reconnect, whole', () => {
      const { alice, bob, drop } = createPair()
      const offline: Uint8Array[] = []
      alice.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== NET) offline.push(update)
      })
      drawPointByPoint(alice, 50)
      drop() // the network carried none of it
      // Bob reconnects to Alice's state as y-websocket's sync step 2 would bring it.
      Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc, Y.encodeStateVector(bob.doc)), NET)
      expect(bob.store.get(id('shape:stroke'))).toEqual(draw('shape:stroke', wave(50)))
      expect(offline.length).toBeGreaterThan(0)
    })

    it("someone else's edit of a stroke being drawn keeps the points drawn meanwhile", () => {
      const { alice, bob, deliver } = createPair()
      startStroke(alice, 20)
      deliver()
      // Bob recolours it while Alice's next points are on their way: his edit is pending when
      // they arrive, so his store keeps his version until he writes it.
      bob.store.put([withProps(bob.store, 'shape:stroke', { color: 'blue' })])
      alice.store.put([draw('shape:stroke', wave(40))])
      alice.frame()
      deliver()
      expect(bob.store.get(id('shape:stroke'))).toMatchObject({ props: { color: 'blue', segments: draw('x', wave(20)).props.segments } })
      bob.frame()
      // Written, his store takes the points Alice drew meanwhile; he never wrote his older ones.
      expect(bob.store.get(id('shape:stroke'))).toEqual(draw('shape:stroke', wave(40), false, { color: 'blue' }))
      deliver()
      expect(alice.store.get(id('shape:stroke'))).toEqual(draw('shape:stroke', wave(40), false, { color: 'blue' }))
      expect(readMergedRecords(alice.doc).get('shape:stroke')).toEqual(draw('shape:stroke', wave(40), false, { color: 'blue' }))

      // Alice draws on (the draw tool changes only the segments) and lifts the pen.
      alice.store.put([withProps(alice.store, 'shape:stroke', { segments: draw('x', wave(60)).props.segments })])
      alice.frame()
      alice.store.put([withProps(alice.store, 'shape:stroke', { isComplete: true })])
      alice.frame()
      deliver()
      for (const client of [alice, bob]) {
        expect(client.store.get(id('shape:stroke'))).toEqual(draw('shape:stroke', wave(60), true, { color: 'blue' }))
        expect(client.binding.strokes.size).toBe(0)
      }
      expect([...alice.invalid, ...bob.invalid]).toEqual([])
    })

    it("a completion written at the moment someone else edits the stroke keeps every point, whichever write wins", () => {
      // Yjs orders concurrent writes of a records entry by client id: both orders are tried.
      for (const clientIds of [[1, 2], [2, 1]] as [number, number][]) {
        const { alice, bob, deliver } = createPair(clientIds)
        drawPointByPoint(alice, 200)
        deliver()
        // Bob recolours the stroke while Alice lifts the pen; neither hears of the other first.
        bob.store.put([withProps(bob.store, 'shape:stroke', { color: 'blue' })])
        bob.frame()
        alice.store.put([draw('shape:stroke', wave(200), true)])
        alice.frame()
        deliver()
        alice.frame()
        bob.frame()
        deliver()
        const shape = alice.store.get(id('shape:stroke')) as TLDrawShape
        // One of the two writes wins whole; either way the shape has the 200 points drawn.
        expect(shape.props.segments, `client ids ${clientIds}`).toEqual(draw('x', wave(200)).props.segments)
        expect(bob.store.get(id('shape:stroke'))).toEqual(shape)
        expect(readMergedRecords(bob.doc).get('shape:stroke')).toEqual(shape)
      }
    })

    it("someone's edit pending when the stroke's completion arrives leaves it complete, with every point", () => {
      const { alice, bob, deliver } = createPair()
      drawPointByPoint(alice, 50)
      deliver()
      bob.frame()
      // Bob recolours the stroke; before his next frame, Alice's completion reaches him.
      bob.store.put([withProps(bob.store, 'shape:stroke', { color: 'blue' })])
      alice.store.put([draw('shape:stroke', wave(50), true)])
      alice.frame()
      deliver()
      bob.frame()
      deliver()
      for (const client of [alice, bob]) {
        expect(client.store.get(id('shape:stroke'))).toEqual(draw('shape:stroke', wave(50), true, { color: 'blue' }))
        expect(client.binding.strokes.size).toBe(0)
      }
    })

    it('a completion written offline, while someone moved the stroke, keeps the points that person had seen', () => {
      const outcomes: string[] = []
      // Yjs orders concurrent writes of a records entry by client id: both orders are tried.
      for (const clientIds of [[1, 2], [2, 1]] as [number, number][]) {
        const { alice, bob, deliver, drop } = createPair(clientIds)
        drawPointByPoint(alice, 100)
        deliver()
        // Alice's connection drops: she draws on and lifts the pen; Bob nudges the stroke.
        for (let n = 101; n <= 400; n++) {
          alice.store.put([draw('shape:stroke', wave(n))])
          alice.frame()
        }
        alice.store.put([draw('shape:stroke', wave(400), true)])
        alice.frame()
        bob.store.put([{ ...(bob.store.get(id('shape:stroke')) as TLDrawShape), x: 110 }])
        bob.frame()
        drop()
        // She reconnects: sync step 2 both ways.
        Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc, Y.encodeStateVector(bob.doc)), NET)
        Y.applyUpdate(alice.doc, Y.encodeStateAsUpdate(bob.doc, Y.encodeStateVector(alice.doc)), NET)
        deliver()
        alice.frame()
        bob.frame()
        deliver()
        const shape = alice.store.get(id('shape:stroke')) as TLDrawShape
        expect(bob.store.get(id('shape:stroke'))).toEqual(shape)
        if (shape.props.isComplete) {
          outcomes.push('alice')
          expect(shape).toEqual(draw('shape:stroke', wave(400), true))
        } else {
          // Bob's write won: the shape is as he wrote it, with the 100 points that had reached
          // him, not the first point of the records entry.
          outcomes.push('bob')
          expect(shape).toEqual({ ...draw('shape:stroke', wave(100)), x: 110 })
        }
      }
      expect(outcomes.sort()).toEqual(['alice', 'bob'])
    })

    it("undoing an edit of someone else's stroke being drawn never writes into that stroke", () => {
      const { alice, bob, deliver } = createPair([2, 1])
      drawPointByPoint(alice, 50)
      deliver()
      const before = bob.store.get(id('shape:stroke')) as TLDrawShape
      bob.store.put([withProps(bob.store, 'shape:stroke', { color: 'blue' })])
      bob.frame()
      deliver()
      for (let n = 51; n <= 100; n++) {
        alice.store.put([draw('shape:stroke', wave(n), false, { color: 'blue' })])
        alice.frame()
      }
      deliver()
      // Bob undoes his recolour (tldraw's undo puts the record back as it was: 50 points) while
      // Alice draws her next frame.
      bob.store.put([before])
      bob.frame()
      alice.store.put([draw('shape:stroke', wave(101), false, { color: 'blue' })])
      alice.frame()
      deliver()
      alice.frame()
      bob.frame()
      deliver()
      // The stroke reads Alice's segments, not a mix of hers and Bob's 50 points.
      expect(alice.binding.strokes.get('shape:stroke')?.toString()).toBe(JSON.stringify(draw('x', wave(101)).props.segments))
      for (const client of [alice, bob]) {
        expect((client.store.get(id('shape:stroke')) as TLDrawShape).props.segments).toEqual(draw('x', wave(101)).props.segments)
      }
      expect(bob.store.get(id('shape:stroke'))).toEqual(alice.store.get(id('shape:stroke')))
      expect([...alice.invalid, ...bob.invalid]).toEqual([])
    })

    it("the one drawing a stroke still writes it after undoing and redoing its deletion", () => {
      const { alice, bob, deliver } = createPair()
      startStroke(alice, 30)
      deliver()
      // Alice deletes it, then undoes that (tldraw's undo puts it back as it was) and draws on.
      alice.store.remove([id('shape:stroke')])
      alice.frame()
      deliver()
      expect(bob.store.has(id('shape:stroke'))).toBe(false)
      alice.store.put([draw('shape:stroke', wave(30))])
      alice.frame()
      for (let n = 31; n <= 60; n++) {
        alice.store.put([draw('shape:stroke', wave(n))])
        alice.frame()
        deliver()
        bob.frame()
        expect(bob.store.get(id('shape:stroke')), `frame ${n}`).toEqual(draw('shape:stroke', wave(n)))
      }
      expect(alice.binding.strokes.has('shape:stroke')).toBe(true)
      alice.store.put([draw('shape:stroke', wave(60), true)])
      alice.frame()
      deliver()
      expect(bob.store.get(id('shape:stroke'))).toEqual(draw('shape:stroke', wave(60), true))
      expect(bob.binding.strokes.size).toBe(0)
    })

    it('a stroke holding an embed (from a raw client) is replaced by the next frame, not spliced off by one', () => {
      const { alice, bob, deliver } = createPair()
      drawPointByPoint(alice, 20)
      deliver()
      // Not our client: an embed counts in the text's positions but not in its toString().
      const raw = new Y.Doc()
      Y.applyUpdate(raw, Y.encodeStateAsUpdate(bob.doc))
      raw.getMap<Y.Text>(DocKeys.strokes).get('shape:stroke')?.insertEmbed(0, { x: 1 })
      Y.applyUpdate(alice.doc, Y.encodeStateAsUpdate(raw, Y.encodeStateVector(alice.doc)), NET)
      Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(raw, Y.encodeStateVector(bob.doc)), NET)
      raw.destroy()
      for (let n = 21; n <= 60; n++) {
        alice.store.put([draw('shape:stroke', wave(n))])
        alice.frame()
        deliver()
        bob.frame()
        expect(bob.store.get(id('shape:stroke')), `frame ${n}`).toEqual(draw('shape:stroke', wave(n)))
      }
      const text = alice.binding.strokes.get('shape:stroke') as Y.Text
      expect(text.toString()).toBe(JSON.stringify(draw('x', wave(60)).props.segments))
      expect(text.length).toBe(text.toString().length)
    })

    it('a stroke past MAX_STROKE_CHARS is not read, and a writer whose segments outgrow it writes the record whole', () => {
      const { alice, bob, deliver } = createPair()
      // The longest freehand segment tldraw 5.4.2 draws (maxPointsPerShape 600, with pressure):
      // a dozen of them fit.
      const longest = { type: 'free', path: b64Vecs.encodePoints(wave(601)) }
      expect(JSON.stringify(Array.from({ length: 12 }, () => longest)).length).toBeLessThan(MAX_STROKE_CHARS)
      // A reader parses a stroke whole on every change of it: it reads none above 64 KB.
      expect(MAX_STROKE_CHARS).toBeLessThanOrEqual(64 * 1024)
      const big = Array.from({ length: 40 }, () => longest)
      expect(JSON.stringify(big).length).toBeGreaterThan(MAX_STROKE_CHARS)
      alice.doc.transact(() => {
        alice.binding.kv.set('shape:raw', draw('shape:raw', wave(5)))
        alice.binding.strokes.set('shape:raw', new Y.Text(JSON.stringify(big)))
      }, NET)
      deliver()
      Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc, Y.encodeStateVector(bob.doc)), NET)
      expect(bob.store.get(id('shape:raw'))).toEqual(draw('shape:raw', wave(5)))
      expect(bob.invalid.map((i) => [i.id, i.error.code])).toEqual([['shape:raw', 'invalid-stroke']])

      alice.store.put([draw('shape:stroke', wave(1))])
      alice.frame()
      alice.store.put([withProps(alice.store, 'shape:stroke', { segments: big as TLDrawShape['props']['segments'] })])
      alice.frame()
      deliver()
      expect(alice.binding.strokes.has('shape:stroke')).toBe(false)
      expect(bob.store.get(id('shape:stroke'))).toEqual(alice.store.get(id('shape:stroke')))
    })

    it('hostile content in the strokes map is skipped and reported, and never breaks the board', () => {
      const { alice, bob, deliver } = createPair()
      const kv = alice.binding.kv
      const strokes = alice.doc.getMap<unknown>(DocKeys.strokes)
      const cases: Record<string, unknown> = {
        'shape:number': 42,
        'shape:map': new Y.Map(),
        'shape:notjson': new Y.Text('[{"type":"free","path":'),
        'shape:object': new Y.Text('{"type":"free","path":"AAAA"}'),
        'shape:garbage': new Y.Text('[{"type":"free","path":5}]'),
        'shape:wiggly': new Y.Text('[{"type":"wiggly","path":"AAAA"}]'),
        'shape:huge': new Y.Text(`[{"type":"free","path":"${'A'.repeat(MAX_STROKE_CHARS)}"}]`),
      }
      alice.doc.transact(() => {
        for (const [key, value] of Object.entries(cases)) {
          kv.set(key, draw(key, wave(5)))
          strokes.set(key, value)
        }
        // Strokes that apply to nothing: ignored.
        kv.set('shape:geo', geo('shape:geo'))
        strokes.set('shape:geo', new Y.Text('[]'))
        kv.set('shape:done', draw('shape:done', wave(5), true))
        strokes.set('shape:done', new Y.Text('[]'))
        strokes.set('shape:orphan', new Y.Text(JSON.stringify(draw('x', wave(9)).props.segments)))
      }, NET)
      expect(() => deliver()).not.toThrow()
      Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc), NET)

      for (const key of Object.keys(cases)) expect(bob.store.get(id(key)), key).toEqual(draw(key, wave(5)))
      expect(bob.store.get(id('shape:geo'))).toEqual(geo('shape:geo'))
      expect(bob.store.get(id('shape:done'))).toEqual(draw('shape:done', wave(5), true))
      expect(bob.store.has(id('shape:orphan'))).toBe(false)
      const reported = Object.fromEntries(bob.invalid.map((i) => [i.id, i.error.code]))
      expect(reported).toEqual(Object.fromEntries(Object.keys(cases).map((key) => [key, 'invalid-stroke'])))

      // A valid stroke written later over a hostile one is used.
      const fixed = JSON.stringify(draw('x', wave(12)).props.segments)
      alice.doc.transact(() => strokes.set('shape:notjson', new Y.Text(fixed)), NET)
      Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc, Y.encodeStateVector(bob.doc)), NET)
      expect(bob.store.get(id('shape:notjson'))).toEqual(draw('shape:notjson', wave(12)))

      // And the board goes on.
      bob.store.put([geo('shape:after')])
      bob.frame()
      deliver()
      Y.applyUpdate(alice.doc, Y.encodeStateAsUpdate(bob.doc, Y.encodeStateVector(alice.doc)), NET)
      expect(readMergedRecords(alice.doc).has('shape:after')).toBe(true)
    })
  })

  describe('schema versions', () => {
    it('a doc written by a newer client is detected, and the binding writes nothing to it', () => {
      const { alice, bob, deliver } = createPair()
      const newer = structuredClone(alice.store.schema.serialize())
      newer.sequences['com.tldraw.shape.geo'] = (newer.sequences['com.tldraw.shape.geo'] ?? 0) + 1
      alice.doc.getMap(DocKeys.meta).set('schema', newer)
      deliver()
      expect(isDocSchemaNewer(bob.doc, bob.store)).toBe(true)
      expect(bob.newerSchemaSeen).toBe(1)
      bob.store.put([geo('shape:from-the-past')])
      bob.frame()
      expect(bob.binding.kv.has('shape:from-the-past')).toBe(false)
    })

    it('a record type the client does not know makes the doc newer', () => {
      const client = createClient()
      client.binding.seedIfEmpty()
      const schema = structuredClone(client.store.schema.serialize())
      schema.sequences['com.example.shape.hologram'] = 1
      client.doc.getMap(DocKeys.meta).set('schema', schema)
      expect(isDocSchemaNewer(client.doc, client.store)).toBe(true)
    })

    it('a doc written by an older client is migrated up when loaded', () => {
      const old = new Y.Doc()
      const schema = structuredClone(createTLStore().schema.serialize())
      schema.sequences['com.tldraw.shape.geo'] = 11 // before flipX and flipY existed
      const record = geo('shape:old') as TLShape
      const { flipX: _x, flipY: _y, ...oldProps } = record.props as Record<string, unknown>
      old.transact(() => {
        old.getMap(DocKeys.meta).set('schema', schema)
        kvOf(old).push([{ key: 'shape:old', val: { ...record, props: oldProps } }])
      })
      const client = createClient(old)
      expect(client.invalid).toEqual([])
      expect(client.store.get(id('shape:old'))).toMatchObject({ props: { flipX: false, flipY: false } })
      client.frame()
      expect(client.binding.kv.get('shape:old')).toMatchObject({ props: { flipX: false } })
      expect(compareDocSchema(old, client.store.schema)).toBe('same')
    })
  })
})
