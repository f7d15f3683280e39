/**
 * bindStoreToYDoc, one behaviour at a time: seeding, coalescing, remote changes arriving as
 * 'remote', refusing bad records from the network, concurrent edits, schema versions.
 * (The seeded fuzz test of convergence is sync.convergence.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTLStore } from '@tldraw/editor'
import { toRichText, type TLRecord, type TLShape, type TLStore } from '@tldraw/tlschema'
import { bindStoreToYDoc, type StoreBinding } from '../../client/sync/bindStore.ts'
import { compareDocSchema, isDocSchemaNewer } from '../../client/sync/docSchema.ts'
import type { InvalidRecordInfo } from '../../client/sync/remoteRecord.ts'
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

/** Two clients whose docs exchange updates when `deliver()` is called (never from inside a Yjs event). */
function createPair() {
  const alice = createClient()
  const bob = createClient()
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
  alice.binding.seedIfEmpty()
  deliver()
  bob.binding.seedIfEmpty()
  return { alice, bob, deliver }
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
