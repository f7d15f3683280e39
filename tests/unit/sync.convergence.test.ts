/**
 * Seeded fuzz test of bindStoreToYDoc: three tldraw stores, each bound to its own Y.Doc, talk to
 * a server doc over an in-memory network that delays, reorders and drops messages (on
 * disconnect). Random edits (create, move, restyle, retext, delete, concurrent edits of one
 * shape, pages, arrow bindings, offline edits; and in a second run strokes being drawn, which
 * travel as splices of a Y.Text) must leave every store and every doc equal (the stores
 * without the bindings left pointing at a shape deleted concurrently).
 * A seed that ever failed stays below as a named regression case.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTLStore } from '@tldraw/editor'
import { toRichText, type TLDrawShape, type TLRecord, type TLShape, type TLStore } from '@tldraw/tlschema'
import { bindStoreToYDoc, type StoreBinding } from '../../client/sync/bindStore.ts'
import { isDocumentType, type InvalidRecordInfo } from '../../client/sync/remoteRecord.ts'
import { readMergedRecords } from '../../shared/docRecords.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { seededRandom, type SeededRandom } from '../helpers/seededRandom.ts'

/** Seeds that failed once, with what they caught. Keep adding, never remove. */
const NESTED_WRITE = 'local edits written from inside a Yjs observer were merged away unseen by YKeyValue'
const REGRESSION_SEEDS: { seed: number; caught: string }[] = [1, 8, 11, 15, 16, 17, 22, 23, 25].map((seed) => ({
  seed,
  caught: NESTED_WRITE,
}))
/** 30 seeds in npm test; SYNC_FUZZ_SEEDS=1000 for a deeper run by hand. */
const FUZZ_SEEDS = Array.from({ length: Number(process.env.SYNC_FUZZ_SEEDS ?? 30) }, (_, i) => i + 1)

const NET = Symbol('network')

interface Peer {
  name: string
  doc: Y.Doc
  store: TLStore
  binding: StoreBinding
  invalid: InvalidRecordInfo[]
  /** Callbacks the binding scheduled for its next frame. */
  frame: Set<() => void>
  online: boolean
  counter: number
}

interface Message {
  to: Y.Doc
  update: Uint8Array
  peer: Peer
}

const disposers: (() => void)[] = []
afterEach(() => {
  for (const dispose of disposers.splice(0).reverse()) dispose()
})

/** A server doc and N clients. Messages between a client and the server wait in `queue`. */
function createWorld(rng: SeededRandom, clients: number) {
  // Yjs orders concurrent inserts by client id: fix them so a seed replays exactly.
  const server = new Y.Doc()
  server.clientID = 1
  const queue: Message[] = []
  const peers: Peer[] = []

  for (let i = 0; i < clients; i++) {
    const doc = new Y.Doc()
    doc.clientID = rng.int(2, 2 ** 31)
    const store = createTLStore()
    mountLikeTheEditor(store)
    const frame = new Set<() => void>()
    const invalid: InvalidRecordInfo[] = []
    const binding = bindStoreToYDoc(store, doc, {
      schedule: (fn) => {
        frame.add(fn)
        return () => frame.delete(fn)
      },
      onInvalidRecord: (info) => invalid.push(info),
    })
    const peer: Peer = { name: `client${i}`, doc, store, binding, invalid, frame, online: false, counter: 0 }
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== NET && peer.online) queue.push({ to: server, update, peer })
    })
    peers.push(peer)
    disposers.push(() => {
      binding.dispose()
      store.dispose()
      doc.destroy()
    })
  }
  server.on('update', (update: Uint8Array, origin: unknown) => {
    for (const peer of peers) {
      if (peer.online && origin !== peer) queue.push({ to: peer.doc, update, peer })
    }
  })
  disposers.push(() => server.destroy())

  /** Like y-websocket: exchange what each side misses, then the client is 'synced'. */
  function connect(peer: Peer) {
    peer.online = true
    Y.applyUpdate(peer.doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(peer.doc)), NET)
    Y.applyUpdate(server, Y.encodeStateAsUpdate(peer.doc, Y.encodeStateVector(server)), peer)
    peer.binding.seedIfEmpty()
  }

  function disconnect(peer: Peer) {
    peer.online = false
    // The socket is gone and whatever was in flight with it.
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]?.peer === peer) queue.splice(i, 1)
  }

  /** Delivers one message, not necessarily the oldest: the network reorders. */
  function deliverOne() {
    if (queue.length === 0) return
    const index = rng.chance(0.5) ? 0 : rng.int(0, queue.length - 1)
    const [message] = queue.splice(index, 1)
    if (!message) return
    Y.applyUpdate(message.to, message.update, message.to === server ? message.peer : NET)
  }

  function runFrame(peer: Peer) {
    const tasks = [...peer.frame]
    peer.frame.clear()
    for (const task of tasks) task()
  }

  /** Every frame of the online clients run and every message delivered, until nothing moves. */
  function drain() {
    for (let round = 0; round < 1000; round++) {
      const online = peers.filter((p) => p.online)
      for (const peer of online) runFrame(peer)
      if (queue.length === 0 && online.every((p) => p.frame.size === 0)) return
      while (queue.length > 0) deliverOne()
    }
    throw new Error('the network did not settle')
  }

  /** Everyone online, then drain. */
  function settle() {
    for (const peer of peers) if (!peer.online) connect(peer)
    drain()
  }

  return { server, peers, queue, connect, disconnect, deliverOne, runFrame, drain, settle }
}

/**
 * What the editor does when it mounts: a default page and document record (tldraw-internal);
 * and what its side effects do when a shape is deleted, by anyone: its bindings go too.
 */
function mountLikeTheEditor(store: TLStore) {
  ;(store as unknown as { ensureStoreIsUsable(): void }).ensureStoreIsUsable()
  store.sideEffects.registerBeforeDeleteHandler('shape', (shape) => {
    const bindings = store
      .allRecords()
      .filter((r) => r.typeName === 'binding' && (r.fromId === shape.id || r.toId === shape.id))
      .map((r) => r.id)
    if (bindings.length > 0) store.remove(bindings)
  })
}

// --- records a user would make --------------------------------------------------------------

const KINDS = ['geo', 'note', 'text', 'arrow', 'draw'] as const
type Kind = (typeof KINDS)[number]
const COLORS = ['black', 'blue', 'red', 'green', 'violet'] as const

function shapeProps(kind: Kind, rng: SeededRandom): Record<string, unknown> {
  const color = rng.pick(COLORS)
  const richText = toRichText(`text ${rng.int(0, 999)}`)
  switch (kind) {
    case 'geo':
      return {
        geo: rng.pick(['rectangle', 'ellipse', 'cloud']),
        dash: 'draw',
        url: '',
        w: rng.int(10, 300),
        h: rng.int(10, 300),
        growY: 0,
        scale: 1,
        flipX: false,
        flipY: false,
        labelColor: 'black',
        color,
        fill: 'none',
        size: 'm',
        font: 'draw',
        align: 'middle',
        verticalAlign: 'middle',
        richText,
      }
    case 'note':
      return {
        color,
        labelColor: 'black',
        size: 'm',
        font: 'draw',
        fontSizeAdjustment: null,
        align: 'middle',
        verticalAlign: 'middle',
        growY: 0,
        url: '',
        richText,
        scale: 1,
        textLastEditedBy: null,
      }
    case 'text':
      return { color, size: 'm', font: 'draw', textAlign: 'start', w: rng.int(10, 300), richText, scale: 1, autoSize: true }
    case 'arrow':
      return {
        kind: 'arc',
        labelColor: 'black',
        color,
        fill: 'none',
        dash: 'draw',
        size: 'm',
        arrowheadStart: 'none',
        arrowheadEnd: 'arrow',
        font: 'draw',
        start: { x: 0, y: 0 },
        end: { x: rng.int(-200, 200), y: rng.int(-200, 200) },
        bend: 0,
        richText,
        labelPosition: 0.5,
        scale: 1,
        elbowMidPoint: 0.5,
      }
    case 'draw':
      return {
        color,
        fill: 'none',
        dash: 'draw',
        size: 'm',
        segments: [{ type: 'free', path: `p${rng.int(0, 9999)}` }],
        isComplete: true,
        isClosed: false,
        isPen: false,
        scale: 1,
        scaleX: 1,
        scaleY: 1,
      }
  }
}

const INDEX_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function nextId(peer: Peer, prefix: string) {
  peer.counter += 1
  return `${prefix}:${peer.name}-${peer.counter}`
}

function shapesOf(peer: Peer): TLShape[] {
  return peer.store.allRecords().filter((r): r is TLShape => r.typeName === 'shape')
}

function pageIdsOf(peer: Peer): string[] {
  return peer.store
    .allRecords()
    .filter((r) => r.typeName === 'page')
    .map((r) => r.id)
}

function documentRecords(store: TLStore): TLRecord[] {
  return store
    .allRecords()
    .filter((r) => isDocumentType(store.schema, r.typeName))
    .sort((a, b) => a.id.localeCompare(b.id))
}

/** The records of a doc as every reader sees them (merged with the strokes being drawn). */
function docRecords(doc: Y.Doc): unknown[] {
  return [...readMergedRecords(doc).values()].sort((a, b) => (a as TLRecord).id.localeCompare((b as TLRecord).id))
}

// --- what users do -------------------------------------------------------------------------

function createShape(peer: Peer, rng: SeededRandom) {
  const parentId = rng.pick(pageIdsOf(peer))
  const kind = rng.pick(KINDS)
  const shape = {
    id: nextId(peer, 'shape'),
    typeName: 'shape',
    type: kind,
    x: rng.int(-500, 500),
    y: rng.int(-500, 500),
    rotation: 0,
    index: `a${rng.pick([...INDEX_DIGITS])}`,
    parentId,
    isLocked: false,
    opacity: 1,
    props: shapeProps(kind, rng),
    meta: {},
  }
  peer.store.put([shape as unknown as TLRecord])
}

function changeShape(peer: Peer, shape: TLShape, rng: SeededRandom) {
  const props = shape.props as Record<string, unknown>
  const choice = rng.int(0, 3)
  const next =
    choice === 0
      ? { ...shape, x: shape.x + rng.int(-50, 50), y: shape.y + rng.int(-50, 50) }
      : choice === 1
        ? { ...shape, props: { ...props, color: rng.pick(COLORS) } }
        : choice === 2 && 'richText' in props
          ? { ...shape, props: { ...props, richText: toRichText(`edited by ${peer.name} ${rng.int(0, 999)}`) } }
          : { ...shape, rotation: rng.int(0, 6) / 2, opacity: rng.pick([0.5, 1]) }
  peer.store.put([next as TLRecord])
}

function bindArrow(peer: Peer, rng: SeededRandom) {
  const shapes = shapesOf(peer)
  const arrows = shapes.filter((s) => s.type === 'arrow')
  const targets = shapes.filter((s) => s.type !== 'arrow')
  if (arrows.length === 0 || targets.length === 0) return
  const binding = {
    id: nextId(peer, 'binding'),
    typeName: 'binding',
    type: 'arrow',
    fromId: rng.pick(arrows).id,
    toId: rng.pick(targets).id,
    props: { terminal: rng.pick(['start', 'end']), normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' },
    meta: {},
  }
  peer.store.put([binding as unknown as TLRecord])
}

function randomEdit(peer: Peer, rng: SeededRandom) {
  const shapes = shapesOf(peer)
  const r = rng.next()
  if (r < 0.35 || shapes.length === 0) createShape(peer, rng)
  else if (r < 0.7) changeShape(peer, rng.pick(shapes), rng)
  else if (r < 0.82) peer.store.remove([rng.pick(shapes).id])
  else if (r < 0.9) bindArrow(peer, rng)
  else if (r < 0.94) {
    const page = { id: nextId(peer, 'page'), typeName: 'page', name: `Page of ${peer.name}`, index: `a${rng.int(2, 9)}`, meta: {} }
    peer.store.put([page as unknown as TLRecord])
  } else if (r < 0.97) {
    const pages = pageIdsOf(peer)
    // A page deleted under someone else's new shape leaves that shape orphaned: still converges.
    if (pages.length > 1) peer.store.remove([rng.pick(pages) as TLRecord['id']])
  } else {
    const document = peer.store.get('document:document' as TLRecord['id'])
    if (document) peer.store.put([{ ...document, name: `Board named by ${peer.name}` } as TLRecord])
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const b64Chars = (rng: SeededRandom, n: number) => Array.from({ length: n }, () => B64[rng.int(0, 63)]).join('')

/**
 * What the draw tool does, one frame at a time: start a stroke, add points to the path of its
 * last segment (or change the last point's characters, as it does when it merges a point), add
 * a straight segment, lift the pen.
 */
function drawStep(peer: Peer, rng: SeededRandom) {
  const drawing = shapesOf(peer).filter((s): s is TLDrawShape => s.type === 'draw' && !(s as TLDrawShape).props.isComplete)
  if (drawing.length === 0 || rng.chance(0.1)) {
    const shape = {
      id: nextId(peer, 'shape'),
      typeName: 'shape',
      type: 'draw',
      x: rng.int(-500, 500),
      y: rng.int(-500, 500),
      rotation: 0,
      index: `a${rng.pick([...INDEX_DIGITS])}`,
      parentId: rng.pick(pageIdsOf(peer)),
      isLocked: false,
      opacity: 1,
      props: { ...shapeProps('draw', rng), segments: [{ type: 'free', path: b64Chars(rng, 16) }], isComplete: false },
      meta: {},
    }
    peer.store.put([shape as unknown as TLRecord])
    return
  }
  const shape = rng.pick(drawing)
  const segments = [...shape.props.segments]
  const last = segments.at(-1)
  const r = rng.next()
  if (r < 0.15 || !last) {
    peer.store.put([{ ...shape, props: { ...shape.props, isComplete: true } }])
    return
  }
  if (r < 0.3) segments[segments.length - 1] = { ...last, path: last.path.slice(0, -4) + b64Chars(rng, 4) }
  else if (r < 0.4) segments.push({ type: 'straight', path: b64Chars(rng, 16) })
  else segments[segments.length - 1] = { ...last, path: last.path + b64Chars(rng, rng.int(4, 12)) }
  peer.store.put([{ ...shape, props: { ...shape.props, segments } }])
}

/** Two people change the same shape before either hears of the other. */
function concurrentEdit(peers: Peer[], rng: SeededRandom) {
  const [a, b] = rng.shuffle(peers.filter((p) => p.online))
  if (!a || !b) return
  const shared = shapesOf(a).filter((s) => b.store.has(s.id))
  if (shared.length === 0) return
  const id = rng.pick(shared).id
  changeShape(a, a.store.get(id) as TLShape, rng)
  const theirs = b.store.get(id) as TLShape
  if (rng.chance(0.2)) b.store.remove([id])
  else changeShape(b, theirs, rng)
}

/**
 * `strokes`: a third of the steps are strokes being drawn (drawStep) by whoever is online. Off,
 * the random stream is the one the regression seeds were found with.
 */
function runFuzz(seed: number, { strokes = false } = {}) {
  const rng = seededRandom(seed)
  const world = createWorld(rng, 3)
  const { peers } = world

  // Either the first client seeds an empty board and the others join it, or all three find
  // it empty at the same moment and seed concurrently.
  const [first] = peers
  if (!first) throw new Error('no peers')
  if (rng.chance(0.3)) {
    for (const peer of peers) peer.online = true
    for (const peer of peers) peer.binding.seedIfEmpty()
  } else {
    world.connect(first)
  }

  for (let step = 0; step < 150; step++) {
    const online = peers.filter((p) => p.online)
    if (strokes && online.length > 0 && rng.chance(0.33)) {
      drawStep(rng.pick(online), rng)
      continue
    }
    const r = rng.next()
    if (r < 0.5 && online.length > 0) randomEdit(rng.pick(online), rng)
    else if (r < 0.62) world.runFrame(rng.pick(peers))
    else if (r < 0.85) for (let n = rng.int(1, 4); n > 0; n--) world.deliverOne()
    else if (r < 0.92) concurrentEdit(peers, rng)
    else {
      const peer = rng.pick(peers)
      if (!peer.online) world.connect(peer)
      else if (peer !== first || online.length > 1) world.disconnect(peer)
    }
  }
  world.settle()
  return world
}

/**
 * Bindings of the doc whose shape is gone: someone bound an arrow to a shape that someone else
 * deleted meanwhile. No store holds them: the deletion took them from the stores that had them
 * (as the editor does), and the others refused them as pointing at nothing.
 */
function danglingBindingIds(records: unknown[]): Set<string> {
  const shapeIds = new Set((records as TLRecord[]).filter((r) => r.typeName === 'shape').map((r) => r.id as string))
  return new Set(
    (records as TLRecord[])
      .filter((r) => r.typeName === 'binding' && !(shapeIds.has(r.fromId) && shapeIds.has(r.toId)))
      .map((r) => r.id as string),
  )
}

function expectConverged(world: ReturnType<typeof createWorld>) {
  const inDoc = docRecords(world.server)
  const dangling = danglingBindingIds(inDoc)
  const expected = inDoc.filter((r) => !dangling.has((r as TLRecord).id))
  expect(expected.length).toBeGreaterThan(0)
  for (const peer of world.peers) {
    // The only records ever refused are bindings that arrived after their shape was deleted
    // (some came back with the shape, when an edit won over the deletion).
    expect(peer.invalid.filter((i) => i.error.code !== 'missing-reference' || i.typeName !== 'binding')).toEqual([])
    expect(peer.doc.getArray(DocKeys.records).toJSON(), `${peer.name}'s doc`).toEqual(
      world.server.getArray(DocKeys.records).toJSON(),
    )
    expect(peer.doc.getMap(DocKeys.strokes).toJSON(), `${peer.name}'s strokes`).toEqual(world.server.getMap(DocKeys.strokes).toJSON())
    expect(documentRecords(peer.store), `${peer.name}'s store`).toEqual(expected)
  }
}

describe('bindStoreToYDoc: convergence', () => {
  it.each(FUZZ_SEEDS)('three clients converge after random edits (seed %i)', (seed) => {
    expectConverged(runFuzz(seed))
  })

  it.each(REGRESSION_SEEDS)('regression: seed $seed ($caught)', ({ seed }) => {
    expectConverged(runFuzz(seed))
  })

  it.each(FUZZ_SEEDS)('three clients converge while strokes are being drawn, moved and deleted (seed %i)', (seed) => {
    const world = runFuzz(seed, { strokes: true })
    expectConverged(world)
    // Strokes were drawn, and some were still being drawn at the end: both paths were taken.
    const draws = docRecords(world.server).filter((r): r is TLDrawShape => (r as TLShape).type === 'draw')
    expect(draws.length).toBeGreaterThan(0)
  })

  it('three fresh clients that seed an empty board at once end up with one default page', () => {
    const world = createWorld(seededRandom(7), 3)
    for (const peer of world.peers) peer.online = true
    for (const peer of world.peers) expect(peer.binding.seedIfEmpty()).toBe(true)
    world.settle()
    expectConverged(world)
    for (const peer of world.peers) expect(pageIdsOf(peer)).toEqual(['page:page'])
  })

  it('a late joiner does not overwrite the board with its own default page', () => {
    const world = createWorld(seededRandom(8), 2)
    const [alice, bob] = world.peers as [Peer, Peer]
    world.connect(alice)
    world.drain()
    const page = alice.store.get('page:page' as TLRecord['id'])
    alice.store.put([{ ...page, name: 'Citizen journey' } as TLRecord])
    alice.store.put([
      { id: 'page:stakeholders', typeName: 'page', name: 'Stakeholders', index: 'a2', meta: {} } as unknown as TLRecord,
    ])
    alice.store.remove(['page:page' as TLRecord['id']])
    world.drain()
    world.connect(bob)
    world.drain()
    // Bob's fresh store still has the default 'Page 1'; joining must not bring it back.
    expect(pageIdsOf(bob)).toEqual(['page:stakeholders'])
    expect(pageIdsOf(alice)).toEqual(['page:stakeholders'])
    expectConverged(world)
  })

  it('a default page deleted while another client seeds it concurrently comes back (a put wins over a concurrent delete)', () => {
    // Both clients find the board empty; Alice deletes the default page before Bob's seed of
    // the same record reaches her. Known limitation of seeding from clients: the page returns
    // (identical on both), it is never duplicated. A server that seeds new boards avoids it.
    const world = createWorld(seededRandom(10), 2)
    const [alice, bob] = world.peers as [Peer, Peer]
    world.connect(alice)
    world.connect(bob)
    alice.store.put([{ id: 'page:stakeholders', typeName: 'page', name: 'Stakeholders', index: 'a2', meta: {} } as unknown as TLRecord])
    alice.store.remove(['page:page' as TLRecord['id']])
    world.drain()
    expectConverged(world)
    expect(pageIdsOf(alice).sort()).toEqual(['page:page', 'page:stakeholders'])
  })

  it('edits made offline merge with edits made meanwhile by others', () => {
    const rng = seededRandom(9)
    const world = createWorld(rng, 2)
    const [alice, bob] = world.peers as [Peer, Peer]
    world.connect(alice)
    world.connect(bob)
    for (let i = 0; i < 5; i++) createShape(alice, rng)
    world.settle()
    world.disconnect(bob)
    for (let i = 0; i < 10; i++) randomEdit(bob, rng)
    for (let i = 0; i < 10; i++) randomEdit(alice, rng)
    world.runFrame(alice)
    world.runFrame(bob)
    world.settle()
    expectConverged(world)
  })
})
