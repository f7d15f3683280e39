/**
 * bindPresence: our tldraw presence goes into awareness (throttled), the others' come back
 * into the store as instance_presence records, checked, and leave with their clients.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness'
import { atom, createTLStore } from '@tldraw/editor'
import type { TLRecord, TLStore } from '@tldraw/tlschema'
import { bindPresence, type PresenceBinding, type PresenceUser } from '../../client/sync/presence.ts'
import type { InvalidRecordInfo } from '../../client/sync/remoteRecord.ts'

const REMOTE = 'remote'
const disposers: (() => void)[] = []

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  for (const dispose of disposers.splice(0).reverse()) dispose()
  vi.useRealTimers()
})

interface Person {
  store: TLStore
  awareness: Awareness
  binding: PresenceBinding
  user: ReturnType<typeof atom<PresenceUser>>
  invalid: (InvalidRecordInfo & { clientId: number })[]
}

function createAwareness() {
  const doc = new Y.Doc()
  const awareness = new Awareness(doc)
  disposers.push(() => {
    awareness.destroy()
    doc.destroy()
  })
  return awareness
}

function createPerson(user: PresenceUser, awareness = createAwareness()): Person {
  const store = createTLStore()
  ;(store as unknown as { ensureStoreIsUsable(): void }).ensureStoreIsUsable()
  const $user = atom<PresenceUser>('user', user)
  const invalid: Person['invalid'] = []
  const binding = bindPresence({ store }, awareness, $user, { onInvalidPresence: (info) => invalid.push(info) })
  disposers.push(() => {
    binding.dispose()
    store.dispose()
  })
  return { store, awareness, binding, user: $user, invalid }
}

/** Relays awareness updates between everyone, as a y-websocket server would. */
function connect(...awarenesses: Awareness[]) {
  for (const from of awarenesses) {
    from.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === REMOTE) return
      const update = encodeAwarenessUpdate(from, [...added, ...updated, ...removed])
      for (const to of awarenesses) if (to !== from) applyAwarenessUpdate(to, update, REMOTE)
    })
  }
  for (const from of awarenesses) {
    const update = encodeAwarenessUpdate(from, [...from.getStates().keys()])
    for (const to of awarenesses) if (to !== from) applyAwarenessUpdate(to, update, REMOTE)
  }
}

const presences = (store: TLStore) => store.allRecords().filter((r) => r.typeName === 'instance_presence')

function movePointer(store: TLStore, x: number, y: number) {
  const pointer = store.get('pointer:pointer' as TLRecord['id'])
  store.put([{ ...pointer, x, y } as TLRecord])
}

describe('bindPresence', () => {
  it('publishes our presence, with a user: id, and who we are', () => {
    const alice = createPerson({ id: 'alice-123', name: 'Alice', color: '#ff0000', group: 'citizen' })
    const state = alice.awareness.getLocalState()
    expect(state?.presence).toMatchObject({
      typeName: 'instance_presence',
      userId: 'user:alice-123',
      userName: 'Alice',
      color: '#ff0000',
      currentPageId: 'page:page',
    })
    expect(state?.user).toEqual({ id: 'alice-123', name: 'Alice', color: '#ff0000', group: 'citizen' })
  })

  it("mirrors the others' presences into the store, not our own", () => {
    const alice = createPerson({ id: 'alice', name: 'Alice', color: '#ff0000' })
    const bob = createPerson({ id: 'bob', name: 'Bob', color: '#0000ff' })
    connect(alice.awareness, bob.awareness)
    expect(presences(bob.store)).toEqual([
      expect.objectContaining({ id: `instance_presence:${alice.awareness.clientID}`, userId: 'user:alice', userName: 'Alice' }),
    ])
    expect(presences(alice.store).map((p) => p.id)).toEqual([`instance_presence:${bob.awareness.clientID}`])

    movePointer(alice.store, 40, 50)
    vi.advanceTimersByTime(100)
    expect(presences(bob.store)[0]).toMatchObject({ cursor: { x: 40, y: 50 } })
  })

  it('sends at most one update per 50 ms, the latest one last', () => {
    const alice = createPerson({ id: 'alice', name: 'Alice', color: '#ff0000' })
    let sent = 0
    alice.awareness.on('change', (_: unknown, origin: unknown) => {
      if (origin === 'local') sent++
    })
    // A pointer moving every 10 ms for 300 ms: 30 changes, about 6 updates.
    for (let i = 1; i <= 30; i++) {
      movePointer(alice.store, i, i)
      vi.advanceTimersByTime(10)
    }
    vi.advanceTimersByTime(50)
    expect(sent).toBeGreaterThanOrEqual(5)
    expect(sent).toBeLessThanOrEqual(7)
    expect(alice.awareness.getLocalState()?.presence).toMatchObject({ cursor: { x: 30, y: 30 } })
  })

  it('removes a presence when its client leaves', () => {
    const alice = createPerson({ id: 'alice', name: 'Alice', color: '#ff0000' })
    const bob = createPerson({ id: 'bob', name: 'Bob', color: '#0000ff' })
    connect(alice.awareness, bob.awareness)
    expect(presences(bob.store)).toHaveLength(1)
    removeAwarenessStates(alice.awareness, [alice.awareness.clientID], 'window closed')
    expect(presences(bob.store)).toEqual([])
  })

  it('refuses a presence that fails validation, and cannot be made to overwrite another', () => {
    const bob = createPerson({ id: 'bob', name: 'Bob', color: '#0000ff' })
    const mallory = createAwareness()
    connect(bob.awareness, mallory)
    mallory.setLocalState({ presence: { cursor: 'banana' } })
    expect(presences(bob.store)).toEqual([])
    expect(bob.invalid.map((i) => i.clientId)).toEqual([mallory.clientID])

    // A valid presence claiming someone else's record id is stored under its own client id.
    const alice = createPerson({ id: 'alice', name: 'Alice', color: '#ff0000' })
    const stolen = { ...alice.awareness.getLocalState()?.presence, id: 'instance_presence:victim' }
    mallory.setLocalState({ presence: stolen })
    expect(presences(bob.store).map((p) => p.id)).toEqual([`instance_presence:${mallory.clientID}`])
  })

  it('on dispose, clears our presence and the mirrored ones', () => {
    const alice = createPerson({ id: 'alice', name: 'Alice', color: '#ff0000' })
    const bob = createPerson({ id: 'bob', name: 'Bob', color: '#0000ff' })
    connect(alice.awareness, bob.awareness)
    bob.binding.dispose()
    bob.binding.dispose()
    expect(presences(bob.store)).toEqual([])
    expect(bob.awareness.getLocalState()?.presence).toBeNull()
    expect(presences(alice.store)).toEqual([])
  })
})
