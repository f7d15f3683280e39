/**
 * trackPendingChanges: what "N changes not yet sent" counts and when "All changes saved" may be
 * said, with real Yjs documents standing in for this device and for the server's stored state.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { parseSnapshot, rangesDeleted, trackPendingChanges, type PendingChanges, type PendingChangesSnapshot } from '../../client/board/offlineChanges.ts'
import { DocKeys } from '../../shared/protocol.ts'

type Device = {
  doc: Y.Doc
  kv: YKeyValue<unknown>
  pending: PendingChanges
  probes: number
  persisted: PendingChangesSnapshot | null
  /** Whether sendProbe finds an open connection. */
  online: boolean
  /** Runs the timers the tracker set (the deletion grace period). */
  elapse(): void
  /** What went out, in order: 'update' for each doc update, 'probe' for each probe. */
  wire: string[]
}

const disposers: (() => void)[] = []
afterEach(() => {
  for (const dispose of disposers.splice(0).reverse()) dispose()
})

function createDevice(doc = new Y.Doc()): Device {
  const device: Device = {
    doc,
    kv: new YKeyValue<unknown>(doc.getArray(DocKeys.records)),
    pending: undefined as unknown as PendingChanges,
    probes: 0,
    persisted: null,
    online: true,
    wire: [],
    elapse() {
      const due = [...timers]
      timers.clear()
      for (const fn of due) fn()
    },
  }
  const timers = new Set<() => void>()
  device.pending = trackPendingChanges(doc, {
    sendProbe: () => {
      if (!device.online) return false
      device.probes++
      device.wire.push('probe')
      return true
    },
    persist: (snapshot) => {
      // Kept as the device keeps it: a JSON string.
      device.persisted = JSON.parse(JSON.stringify(snapshot)) as PendingChangesSnapshot
    },
    setTimer: (fn) => {
      timers.add(fn)
      return () => timers.delete(fn)
    },
  })
  doc.on('update', () => device.wire.push('update'))
  disposers.push(() => {
    device.pending.dispose()
    doc.destroy()
  })
  return device
}

/** The server's stored document: receives what the device sends, reports its state vector. */
function createServer() {
  const doc = new Y.Doc()
  disposers.push(() => doc.destroy())
  return {
    doc,
    receive(from: Y.Doc) {
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(from, Y.encodeStateVector(doc)))
    },
    stored: () => Y.decodeStateVector(Y.encodeStateVector(doc)),
    /** The delete set a sync step 2 answer from the server carries. */
    deleted: () => Y.decodeUpdate(Y.encodeStateAsUpdate(doc)).ds.clients,
  }
}

/** Lets the tracker send the probes it deferred until the change was on the wire. */
const probesSent = () => new Promise<void>((resolve) => queueMicrotask(resolve))

const shape = (id: string, x = 0) => ({ id, typeName: 'shape', x })

describe('counting', () => {
  it('counts one change per record, however many transactions it took', () => {
    const a = createDevice()
    for (let x = 0; x < 5; x++) a.kv.set('shape:a', shape('shape:a', x))
    expect(a.pending.count()).toBe(1)
    a.kv.set('shape:b', shape('shape:b'))
    expect(a.pending.count()).toBe(2)
  })

  it('does not count changes that arrived from elsewhere', () => {
    const a = createDevice()
    const other = new Y.Doc()
    disposers.push(() => other.destroy())
    new YKeyValue<unknown>(other.getArray(DocKeys.records)).set('shape:x', shape('shape:x'))
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(other), 'provider')
    expect(a.pending.count()).toBe(0)
    expect(a.kv.get('shape:x')).toEqual(shape('shape:x'))
  })

  it('counts the frames of a stroke being drawn as one change of its shape, saved once stored', () => {
    const a = createDevice()
    a.kv.set('shape:a', shape('shape:a'))
    const stroke = new Y.Text('[{"type":"free","path":"AAAA"}]')
    a.doc.getMap<unknown>(DocKeys.strokes).set('shape:stroke', stroke)
    for (let i = 0; i < 20; i++) stroke.insert(stroke.length - 3, 'AbCd')
    expect(a.pending.count()).toBe(2)
    expect(a.pending.snapshot().entries.flatMap((e) => e.keys).sort()).toEqual(['shape:a', 'shape:stroke'])
    const server = createServer()
    server.receive(a.doc)
    a.pending.saved(server.stored())
    expect(a.pending.count()).toBe(0)
    stroke.insert(stroke.length - 3, 'EfGh')
    expect(a.pending.count()).toBe(1)
  })

  it('tells listeners when the count changes', () => {
    const a = createDevice()
    const counts: number[] = []
    a.pending.onChange(() => counts.push(a.pending.count()))
    a.kv.set('shape:a', shape('shape:a'))
    const server = createServer()
    server.receive(a.doc)
    a.pending.saved(server.stored())
    expect(counts).toEqual([1, 0])
  })
})

describe('confirmation', () => {
  it('confirms a change once a saved notice covers it, not before', () => {
    const a = createDevice()
    const server = createServer()
    a.pending.sent()
    a.kv.set('shape:a', shape('shape:a'))
    a.pending.saved(server.stored())
    expect(a.pending.count()).toBe(1)
    server.receive(a.doc)
    a.pending.saved(server.stored())
    expect(a.pending.count()).toBe(0)
    expect(a.probes).toBe(0)
  })

  it('keeps counting a later change while an earlier one is confirmed', () => {
    const a = createDevice()
    const server = createServer()
    a.kv.set('shape:a', shape('shape:a'))
    server.receive(a.doc)
    a.kv.set('shape:b', shape('shape:b'))
    a.pending.saved(server.stored())
    // One entry merged both (neither was probed): confirmed only when both are stored.
    expect(a.pending.count()).toBe(2)
    server.receive(a.doc)
    a.pending.saved(server.stored())
    expect(a.pending.count()).toBe(0)
  })

  it('does not take a deletion as saved from a notice that covers the clock: it waits for a probe answered first', async () => {
    const a = createDevice()
    const server = createServer()
    a.pending.sent()
    a.kv.set('shape:a', shape('shape:a'))
    server.receive(a.doc)
    a.pending.saved(server.stored())
    expect(a.pending.count()).toBe(0)

    a.kv.delete('shape:a')

    await probesSent()
    expect(a.pending.count()).toBe(1)
    expect(a.probes).toBe(1)
    // This notice could have left the server before the deletion arrived: the state vector is
    // the same with or without it.
    a.pending.saved(server.stored())
    expect(a.pending.count()).toBe(1)
    server.receive(a.doc)
    a.pending.probeAnswered(server.deleted())
    expect(a.pending.count()).toBe(1)
    a.pending.saved(server.stored())
    expect(a.pending.count()).toBe(0)
    expect(server.doc.getArray(DocKeys.records).length).toBe(0)
  })

  it('confirms a deletion the server already had once the connection stayed open for a grace period', async () => {
    const a = createDevice()
    const server = createServer()
    a.kv.set('shape:a', shape('shape:a'))
    server.receive(a.doc)
    a.pending.saved(server.stored())
    // Someone else deleted the same record first: ours changes nothing on the server, so no
    // notice follows it.
    const other = new Y.Doc()
    disposers.push(() => other.destroy())
    Y.applyUpdate(other, Y.encodeStateAsUpdate(server.doc))
    new YKeyValue<unknown>(other.getArray(DocKeys.records)).delete('shape:a')
    server.receive(other)
    a.pending.sent()
    a.kv.delete('shape:a')
    await probesSent()
    server.receive(a.doc)
    a.pending.probeAnswered(server.deleted())
    expect(a.pending.count()).toBe(1)
    a.elapse()
    expect(a.pending.count()).toBe(0)
  })

  it('does not confirm a deletion the server did not apply', async () => {
    const a = createDevice()
    const server = createServer()
    a.kv.set('shape:a', shape('shape:a'))
    server.receive(a.doc)
    a.pending.saved(server.stored())
    a.pending.sent()
    a.kv.delete('shape:a')
    await probesSent()
    // A read-only connection: the server dropped the update.
    a.pending.probeAnswered(server.deleted())
    a.pending.saved(server.stored())
    a.elapse()
    expect(a.pending.count()).toBe(1)
    // Not probed again on the same connection (it would only be refused again)...
    expect(a.probes).toBe(1)
    // ...but on the next one.
    a.pending.disconnected()
    a.pending.sent()
    expect(a.probes).toBe(2)
  })

  it('lets no grace period of a lost connection confirm anything', async () => {
    const a = createDevice()
    const server = createServer()
    a.kv.set('shape:a', shape('shape:a'))
    server.receive(a.doc)
    a.pending.saved(server.stored())
    a.pending.sent()
    a.kv.delete('shape:a')
    await probesSent()
    server.receive(a.doc)
    a.pending.probeAnswered(server.deleted())
    a.pending.disconnected()
    a.elapse()
    expect(a.pending.count()).toBe(1)
  })

  it('sends a probe only after the deletion it is for went out', async () => {
    const a = createDevice()
    a.pending.sent()
    a.kv.set('shape:a', shape('shape:a'))
    a.kv.delete('shape:a')
    await probesSent()
    expect(a.wire).toEqual(['update', 'update', 'probe'])
  })

  it('sends no probe before its step 2 is out, and one at a time', async () => {
    const a = createDevice()
    a.kv.set('shape:a', shape('shape:a'))
    a.kv.delete('shape:a')
    await probesSent()
    expect(a.probes).toBe(0)
    a.pending.sent()
    expect(a.probes).toBe(1)
    a.kv.set('shape:b', shape('shape:b'))
    a.kv.delete('shape:b')
    await probesSent()
    expect(a.probes).toBe(1)
    a.pending.probeAnswered(new Map())
    expect(a.probes).toBe(2)
  })

  it('forgets probes when the connection drops, and probes again on the next one', async () => {
    const a = createDevice()
    const server = createServer()
    a.kv.set('shape:a', shape('shape:a'))
    server.receive(a.doc)
    a.pending.saved(server.stored())
    a.pending.sent()
    a.kv.delete('shape:a')
    await probesSent()
    server.receive(a.doc)
    a.pending.probeAnswered(server.deleted())
    // The server restarted before storing the deletion; its first notice covers the clock.
    a.pending.disconnected()
    a.pending.saved(server.stored())
    expect(a.pending.count()).toBe(1)
    a.pending.sent()
    expect(a.probes).toBe(2)
    a.pending.probeAnswered(server.deleted())
    a.pending.saved(server.stored())
    expect(a.pending.count()).toBe(0)
  })

  it('does not lose a probe that could not be sent', async () => {
    const a = createDevice()
    a.online = false
    a.pending.sent()
    a.kv.set('shape:a', shape('shape:a'))
    a.kv.delete('shape:a')
    await probesSent()
    expect(a.probes).toBe(0)
    a.online = true
    a.pending.disconnected()
    a.pending.sent()
    expect(a.probes).toBe(1)
  })
})

describe('across sessions on one device', () => {
  /** A new tab: a new Y.Doc (new client id) loaded from the device's copy of the old one. */
  function reopen(previous: Device): Device {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(previous.doc), 'indexeddb')
    const next = createDevice(doc)
    next.pending.restore(JSON.stringify(previous.persisted))
    return next
  }

  it('still counts changes a closed tab did not send, and confirms them once stored', () => {
    const first = createDevice()
    first.kv.set('shape:a', shape('shape:a'))
    first.kv.set('shape:b', shape('shape:b'))
    const second = reopen(first)
    expect(second.doc.clientID).not.toBe(first.doc.clientID)
    expect(second.pending.count()).toBe(2)
    const server = createServer()
    server.receive(second.doc)
    second.pending.saved(server.stored())
    expect(second.pending.count()).toBe(0)
  })

  it('still counts a deletion a closed tab did not send, and wants a probe for it', async () => {
    const first = createDevice()
    const server = createServer()
    first.kv.set('shape:a', shape('shape:a'))
    server.receive(first.doc)
    first.pending.saved(server.stored())
    first.kv.delete('shape:a')
    await probesSent()
    const second = reopen(first)
    expect(second.pending.count()).toBe(1)
    // The server's first notice on the new connection covers every clock, deletion or not.
    second.pending.saved(server.stored())
    expect(second.pending.count()).toBe(1)
    second.pending.sent()
    expect(second.probes).toBe(1)
    server.receive(second.doc)
    second.pending.probeAnswered(server.deleted())
    second.pending.saved(server.stored())
    expect(second.pending.count()).toBe(0)
    expect(server.doc.getArray(DocKeys.records).length).toBe(0)
  })

  it('counts content the device holds beyond what was confirmed even when the list of changes was not written', () => {
    const first = createDevice()
    const snapshotBeforeEdit = JSON.stringify(first.pending.snapshot())
    first.kv.set('shape:a', shape('shape:a'))
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(first.doc), 'indexeddb')
    const second = createDevice(doc)
    second.pending.restore(snapshotBeforeEdit)
    expect(second.pending.count()).toBe(1)
    const server = createServer()
    server.receive(second.doc)
    second.pending.saved(server.stored())
    expect(second.pending.count()).toBe(0)
  })

  it('does not count what earlier sessions had confirmed', () => {
    const first = createDevice()
    const server = createServer()
    first.kv.set('shape:a', shape('shape:a'))
    server.receive(first.doc)
    first.pending.saved(server.stored())
    const second = reopen(first)
    expect(second.pending.count()).toBe(0)
    expect(second.persisted?.confirmed.map(([client]) => client)).toEqual([second.doc.clientID])
  })

  it('treats a missing or malformed snapshot as none', () => {
    for (const value of [undefined, null, 'not json', '{"version":2}', 42, { version: 1, confirmed: 'x', entries: [] }]) {
      const device = createDevice()
      device.pending.restore(value)
      expect(device.pending.count()).toBe(0)
    }
    expect(
      parseSnapshot({
        version: 1,
        confirmed: [[1, 2], ['a', 1]],
        entries: [
          { client: 1, clock: -1, deletionOnly: false, deleted: [], keys: [] },
          { client: 1, clock: 3, deletionOnly: true, deleted: [[1, 0, 2], [1, 'x', 1]], keys: ['shape:a', 7] },
        ],
      }),
    ).toEqual({
      version: 1,
      confirmed: [[1, 2]],
      entries: [{ client: 1, clock: 3, deletionOnly: true, deleted: [[1, 0, 2]], keys: ['shape:a'] }],
    })
  })
})

describe('rangesDeleted', () => {
  it('is true only when every item of every range is in the delete set', () => {
    const ds = new Map([
      [1, [{ clock: 5, len: 3 }, { clock: 0, len: 5 }]],
      [2, [{ clock: 10, len: 1 }]],
    ])
    expect(rangesDeleted([[1, 0, 8]], ds)).toBe(true)
    expect(rangesDeleted([[1, 2, 3], [2, 10, 1]], ds)).toBe(true)
    expect(rangesDeleted([[1, 0, 9]], ds)).toBe(false)
    expect(rangesDeleted([[2, 9, 2]], ds)).toBe(false)
    expect(rangesDeleted([[3, 0, 1]], ds)).toBe(false)
    expect(rangesDeleted([], ds)).toBe(true)
  })
})
