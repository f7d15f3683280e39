/**
 * bindStoreToYDoc and what remote records point at: records valid on their own that tldraw
 * cannot live with once in the store (parent loops, bindings to nothing or from a non-arrow),
 * and a change the store or a side effect throws on. Each is skipped and reported, the valid
 * records of the same change apply, and a record refused for what it points at comes back when
 * that changes.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTLStore } from '@tldraw/editor'
import { toRichText, type TLRecord, type TLStore } from '@tldraw/tlschema'
import { bindStoreToYDoc, type StoreBinding } from '../../client/sync/bindStore.ts'
import type { InvalidRecordInfo } from '../../client/sync/remoteRecord.ts'

const NET = Symbol('network')

interface Client {
  doc: Y.Doc
  store: TLStore
  binding: StoreBinding
  invalid: InvalidRecordInfo[]
  /** Runs what the binding scheduled for the next frame. */
  frame(): void
  /** Writes into the doc as another client would (the change arrives from the network). */
  remote(write: (set: (value: TLRecord | Record<string, unknown>) => void, remove: (key: string) => void) => void): void
}

const disposers: (() => void)[] = []
afterEach(() => {
  for (const dispose of disposers.splice(0).reverse()) dispose()
})

function createClient(doc = new Y.Doc(), prepare?: (store: TLStore) => void): Client {
  const store = createTLStore()
  ;(store as unknown as { ensureStoreIsUsable(): void }).ensureStoreIsUsable()
  prepare?.(store)
  const scheduled = new Set<() => void>()
  const invalid: InvalidRecordInfo[] = []
  const binding = bindStoreToYDoc(store, doc, {
    schedule: (fn) => {
      scheduled.add(fn)
      return () => scheduled.delete(fn)
    },
    onInvalidRecord: (info) => invalid.push(info),
  })
  binding.seedIfEmpty()
  disposers.push(() => {
    binding.dispose()
    store.dispose()
    doc.destroy()
  })
  return {
    doc,
    store,
    binding,
    invalid,
    frame() {
      const tasks = [...scheduled]
      scheduled.clear()
      for (const task of tasks) task()
    },
    remote(write) {
      doc.transact(
        () =>
          write(
            (value) => binding.kv.set(String(value.id), value),
            (key) => binding.kv.delete(key),
          ),
        NET,
      )
    },
  }
}

/** Someone opening the board now: a fresh client loading the whole doc at once. */
function lateJoinerOf(client: Client): Client {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(client.doc))
  return createClient(doc)
}

function shape(id: string, type: string, props: Record<string, unknown>, parentId = 'page:page'): TLRecord {
  return {
    id,
    typeName: 'shape',
    type,
    x: 0,
    y: 0,
    rotation: 0,
    index: 'a1',
    parentId,
    isLocked: false,
    opacity: 1,
    meta: {},
    props,
  } as unknown as TLRecord
}

function geo(id: string, parentId = 'page:page', meta: Record<string, unknown> = {}): TLRecord {
  const record = shape(id, 'geo', {
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
  }, parentId)
  return { ...record, meta } as TLRecord
}

function frame(id: string, parentId = 'page:page'): TLRecord {
  return shape(id, 'frame', { w: 400, h: 300, name: 'Stage 1', color: 'black' }, parentId)
}

function arrow(id: string): TLRecord {
  return shape(id, 'arrow', {
    kind: 'arc',
    labelColor: 'black',
    color: 'black',
    fill: 'none',
    dash: 'draw',
    size: 'm',
    arrowheadStart: 'none',
    arrowheadEnd: 'arrow',
    font: 'draw',
    start: { x: 0, y: 0 },
    end: { x: 100, y: 0 },
    bend: 0,
    richText: toRichText(''),
    labelPosition: 0.5,
    scale: 1,
    elbowMidPoint: 0.5,
  })
}

function arrowBinding(id: string, fromId: string, toId: string): TLRecord {
  return {
    id,
    typeName: 'binding',
    type: 'arrow',
    fromId,
    toId,
    props: { terminal: 'end', normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' },
    meta: {},
  } as unknown as TLRecord
}

const id = (value: string) => value as TLRecord['id']
const codesOf = (client: Client) => Object.fromEntries(client.invalid.map((i) => [i.id, i.error.code]))
const withParent = (record: TLRecord, parentId: string) => ({ ...record, parentId }) as TLRecord

describe('bindStoreToYDoc: what remote records point at', () => {
  describe('parent loops', () => {
    it('skips and reports shapes whose parent chain loops, while the valid records of the change apply', () => {
      const client = createClient()
      client.remote((set) => {
        set(geo('shape:self', 'shape:self'))
        set(geo('shape:two-a', 'shape:two-b'))
        set(geo('shape:two-b', 'shape:two-a'))
        set(geo('shape:three-a', 'shape:three-b'))
        set(geo('shape:three-b', 'shape:three-c'))
        set(geo('shape:three-c', 'shape:three-a'))
        // Not in the loop, but its ancestors are: walking them would never end either.
        set(geo('shape:below-loop', 'shape:two-a'))
        set(frame('shape:frame'))
        set(geo('shape:in-frame', 'shape:frame'))
        set(geo('shape:valid'))
      })

      const looping = ['shape:self', 'shape:two-a', 'shape:two-b', 'shape:three-a', 'shape:three-b', 'shape:three-c', 'shape:below-loop']
      for (const key of looping) expect(client.store.has(id(key)), key).toBe(false)
      for (const key of ['shape:frame', 'shape:in-frame', 'shape:valid']) expect(client.store.has(id(key)), key).toBe(true)
      expect(codesOf(client)).toEqual(Object.fromEntries(looping.map((key) => [key, 'parent-cycle'])))
      expect(client.invalid.find((i) => i.id === 'shape:self')?.typeName).toBe('shape')
      expect(client.invalid.find((i) => i.id === 'shape:self')?.error.message).toMatch(/its own parent/)
    })

    it('a shape whose parent arrives in a later change is applied at once, and is in its parent when it comes', () => {
      const client = createClient()
      client.remote((set) => set(geo('shape:child', 'shape:frame-later')))
      // tldraw tolerates a missing parent (the shape is on no page and not drawn): keeping it
      // keeps the store a mirror of the doc, so nothing waits for the parent.
      expect(client.store.get(id('shape:child'))).toMatchObject({ parentId: 'shape:frame-later' })
      client.remote((set) => set(frame('shape:frame-later')))
      expect(client.store.has(id('shape:frame-later'))).toBe(true)
      expect(client.store.has(id('shape:child'))).toBe(true)
      expect(client.invalid).toEqual([])
    })

    it('a parent arriving later that closes a loop is refused: the loop never reaches the store', () => {
      const client = createClient()
      client.remote((set) => set(geo('shape:a', 'shape:b')))
      client.remote((set) => set(geo('shape:b', 'shape:a')))
      expect(client.store.has(id('shape:a'))).toBe(true)
      expect(client.store.has(id('shape:b'))).toBe(false)
      expect(codesOf(client)).toEqual({ 'shape:b': 'parent-cycle' })

      // Someone opening the board gets both at once and refuses both (and says so).
      const latecomer = lateJoinerOf(client)
      expect(latecomer.store.has(id('shape:a'))).toBe(false)
      expect(latecomer.store.has(id('shape:b'))).toBe(false)
      expect(codesOf(latecomer)).toEqual({ 'shape:a': 'parent-cycle', 'shape:b': 'parent-cycle' })
    })

    it('shapes refused for a loop apply once someone breaks the loop', () => {
      const client = createClient()
      client.remote((set) => {
        set(geo('shape:a', 'shape:b'))
        set(geo('shape:b', 'shape:a'))
      })
      expect(client.store.has(id('shape:a'))).toBe(false)
      client.remote((set) => set(geo('shape:a', 'page:page')))
      expect(client.store.get(id('shape:a'))).toMatchObject({ parentId: 'page:page' })
      expect(client.store.get(id('shape:b'))).toMatchObject({ parentId: 'shape:a' })
      // Reported when they arrived, not again.
      expect(client.invalid.map((i) => i.id).sort()).toEqual(['shape:a', 'shape:b'])
    })

    it('a good shape overwritten with a looping parent keeps its last good version here, and is missing (and reported) for a late joiner', () => {
      const client = createClient()
      client.remote((set) => {
        set(frame('shape:frame'))
        set(geo('shape:good', 'shape:frame'))
      })
      client.remote((set) => set(withParent(frame('shape:frame'), 'shape:good')))
      expect(client.store.get(id('shape:frame'))).toMatchObject({ parentId: 'page:page' })
      expect(client.store.get(id('shape:good'))).toMatchObject({ parentId: 'shape:frame' })
      expect(codesOf(client)).toEqual({ 'shape:frame': 'parent-cycle' })

      const latecomer = lateJoinerOf(client)
      expect(latecomer.store.has(id('shape:frame'))).toBe(false)
      expect(latecomer.store.has(id('shape:good'))).toBe(false)
      expect(codesOf(latecomer)).toEqual({ 'shape:frame': 'parent-cycle', 'shape:good': 'parent-cycle' })
    })
  })

  describe('bindings', () => {
    it('skips and reports bindings from a shape that is not an arrow, to nothing, or to an arrow', () => {
      const client = createClient()
      client.remote((set) => {
        set(arrow('shape:arrow'))
        set(arrow('shape:other-arrow'))
        set(geo('shape:box'))
        set(arrowBinding('binding:from-a-box', 'shape:box', 'shape:arrow'))
        set(arrowBinding('binding:to-nothing', 'shape:arrow', 'shape:nothing'))
        set(arrowBinding('binding:from-nothing', 'shape:nothing', 'shape:box'))
        set(arrowBinding('binding:to-an-arrow', 'shape:arrow', 'shape:other-arrow'))
        set(arrowBinding('binding:to-itself', 'shape:arrow', 'shape:arrow'))
        set(arrowBinding('binding:valid', 'shape:arrow', 'shape:box'))
      })
      expect(codesOf(client)).toEqual({
        'binding:from-a-box': 'wrong-reference-type',
        'binding:to-nothing': 'missing-reference',
        'binding:from-nothing': 'missing-reference',
        'binding:to-an-arrow': 'wrong-reference-type',
        'binding:to-itself': 'wrong-reference-type',
      })
      for (const key of Object.keys(codesOf(client))) expect(client.store.has(id(key)), key).toBe(false)
      expect(client.store.has(id('binding:valid'))).toBe(true)
      expect(client.store.has(id('shape:box'))).toBe(true)
    })

    it('checks binding ends against the store and the change together', () => {
      const client = createClient()
      client.remote((set) => {
        set(arrow('shape:arrow'))
        set(geo('shape:box'))
      })
      client.remote((set, remove) => {
        set(arrowBinding('binding:to-a-new-box', 'shape:arrow', 'shape:new-box'))
        set(geo('shape:new-box'))
        set(arrowBinding('binding:to-a-removed-box', 'shape:arrow', 'shape:box'))
        remove('shape:box')
      })
      expect(client.store.has(id('binding:to-a-new-box'))).toBe(true)
      expect(client.store.has(id('binding:to-a-removed-box'))).toBe(false)
      expect(codesOf(client)).toEqual({ 'binding:to-a-removed-box': 'missing-reference' })
    })

    it('a binding that arrived after its shape was deleted applies when the shape comes back', () => {
      const client = createClient()
      client.remote((set) => set(arrow('shape:arrow')))
      client.remote((set) => set(arrowBinding('binding:b', 'shape:arrow', 'shape:box')))
      expect(client.store.has(id('binding:b'))).toBe(false)
      // Someone's edit of the box won over its deletion (or the deletion was undone).
      client.remote((set) => set(geo('shape:box')))
      expect(client.store.has(id('binding:b'))).toBe(true)
    })

    it('a binding waiting for a shape applies when the shape comes back here, by an undo', () => {
      const client = createClient()
      client.remote((set) => set(arrow('shape:arrow')))
      client.remote((set) => set(arrowBinding('binding:b', 'shape:arrow', 'shape:box')))
      client.store.put([geo('shape:box')])
      client.frame()
      expect(client.store.has(id('binding:b'))).toBe(true)
      expect(client.binding.kv.has('shape:box')).toBe(true)
    })

    it('refuses to turn a bound arrow into another type of shape', () => {
      const client = createClient()
      client.remote((set) => {
        set(arrow('shape:arrow'))
        set(geo('shape:box'))
        set(arrowBinding('binding:b', 'shape:arrow', 'shape:box'))
      })
      client.remote((set) => set(geo('shape:arrow')))
      expect(client.store.get(id('shape:arrow'))).toMatchObject({ type: 'arrow' })
      expect(codesOf(client)).toEqual({ 'shape:arrow': 'wrong-reference-type' })
      // Once the binding is gone, the change applies.
      client.remote((_set, remove) => remove('binding:b'))
      expect(client.store.get(id('shape:arrow'))).toMatchObject({ type: 'geo' })
    })
  })

  describe('a change the store throws on', () => {
    /** A side effect that throws on shapes marked `explode`, after doing something itself. */
    function explosive(store: TLStore) {
      store.sideEffects.registerAfterCreateHandler('shape', (created) => {
        if (!created.meta['explode']) return
        // Side effects run after the store took the records, as tldraw's binding utils do.
        store.put([geo(`${created.id}-debris`)])
        throw new Error('boom')
      })
    }

    it('is applied again in parts, so that only the culprit is skipped and reported', () => {
      const client = createClient(new Y.Doc(), explosive)
      client.remote((set, remove) => {
        for (let i = 0; i < 20; i++) set(geo(`shape:good-${i}`))
        set(geo('shape:culprit', 'page:page', { explode: true }))
        set(arrow('shape:arrow'))
        set(arrowBinding('binding:valid', 'shape:arrow', 'shape:good-3'))
        remove('page:page')
        set({ id: 'page:next', typeName: 'page', name: 'Next', index: 'a2', meta: {} } as unknown as TLRecord)
      })

      for (let i = 0; i < 20; i++) expect(client.store.has(id(`shape:good-${i}`))).toBe(true)
      expect(client.store.has(id('binding:valid'))).toBe(true)
      expect(client.store.has(id('page:next'))).toBe(true)
      expect(client.store.has(id('page:page'))).toBe(false)
      expect(client.store.has(id('shape:culprit'))).toBe(false)
      expect(client.invalid).toHaveLength(1)
      expect(client.invalid[0]).toMatchObject({ id: 'shape:culprit', typeName: 'shape', error: { code: 'rejected-by-store' } })
      expect((client.invalid[0]?.error.cause as Error).message).toBe('boom')
    })

    it('forgets what a failed attempt did: nothing of it reaches the doc', () => {
      const client = createClient(new Y.Doc(), explosive)
      client.remote((set) => {
        set(geo('shape:good'))
        set(geo('shape:culprit', 'page:page', { explode: true }))
      })
      client.frame()
      expect(client.store.has(id('shape:culprit-debris'))).toBe(false)
      expect(client.binding.kv.has('shape:culprit-debris')).toBe(false)
      expect(client.store.has(id('shape:good'))).toBe(true)
      // The binding still works both ways.
      client.store.put([geo('shape:mine')])
      client.frame()
      expect(client.binding.kv.has('shape:mine')).toBe(true)
      client.remote((set) => set(geo('shape:theirs')))
      expect(client.store.has(id('shape:theirs'))).toBe(true)
    })
  })
})
