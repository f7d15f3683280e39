/**
 * Presence over Yjs awareness: publishes our tldraw presence (cursor, page, selection, camera
 * for following) and who we are, at most 20 times a second; mirrors the other clients'
 * presences into the store as `instance_presence` records so tldraw draws their cursors.
 *
 * Awareness fields written: `presence` (a TLInstancePresence) and `user` ({ id, name, color,
 * group }) for the parts of the app that list participants.
 */
import type { Awareness } from 'y-protocols/awareness'
import {
  InstancePresenceRecordType,
  computed,
  createPresenceStateDerivation,
  createUserId,
  isUserId,
  react,
  type Editor,
  type Signal,
  type TLInstancePresence,
  type TLUser,
} from '@tldraw/editor'
import { InvalidRecordCode, InvalidRecordError, type InvalidRecordInfo } from './remoteRecord.ts'

export interface PresenceUser {
  /** The stable id from localStorage (with or without the `user:` prefix). */
  id: string
  name: string
  color: string
  /** Declared group, such as citizen, official or facilitator. */
  group?: string
}

export interface BindPresenceOptions {
  /** Minimum time between two awareness updates of ours. Default 50 ms (20 a second). */
  throttleMs?: number
  /** Another client's presence was refused. */
  onInvalidPresence?(info: InvalidRecordInfo & { clientId: number }): void
}

export interface PresenceBinding {
  dispose(): void
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] }

/** Only the editor's store is used, so tests can pass `{ store }`. */
export function bindPresence(
  editor: Pick<Editor, 'store'>,
  awareness: Awareness,
  user$: Signal<PresenceUser>,
  opts: BindPresenceOptions = {},
): PresenceBinding {
  const { store } = editor
  const throttleMs = opts.throttleMs ?? 50
  const presenceId = (clientId: number) => InstancePresenceRecordType.createId(String(clientId))

  // --- publishing ours ---
  const $userRecord = computed<TLUser>('codesign.presenceUser', () => {
    const user = user$.get()
    return { typeName: 'user', id: toUserId(user.id), name: user.name, color: user.color, imageUrl: '', meta: {} }
  })
  const $presence = createPresenceStateDerivation($userRecord, { instanceId: presenceId(awareness.clientID) })(store)

  let lastPublished = -Infinity
  let timer: ReturnType<typeof setTimeout> | null = null
  const publish = () => {
    timer = null
    const state = awareness.getLocalState()
    // null means the provider has marked us offline (destroyed); don't come back to life.
    if (state === null) return
    lastPublished = Date.now()
    const { id, name, color, group } = user$.get()
    awareness.setLocalState({ ...state, presence: $presence.get(), user: { id, name, color, group: group ?? null } })
  }
  const stopPublishing = react('codesign.publishPresence', () => {
    $presence.get()
    user$.get()
    if (timer !== null) return
    const wait = lastPublished + throttleMs - Date.now()
    if (wait <= 0) publish()
    else timer = setTimeout(publish, wait)
  })

  // --- mirroring theirs ---
  const mirrored = new Set<number>()
  const mirror = ({ added, updated, removed }: AwarenessChange) => {
    const puts: TLInstancePresence[] = []
    const removes: TLInstancePresence['id'][] = []
    const states = awareness.getStates()
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue
      const raw: unknown = states.get(clientId)?.presence
      if (raw === undefined || raw === null) {
        if (mirrored.delete(clientId)) removes.push(presenceId(clientId))
        continue
      }
      const record = checkPresence(clientId, raw)
      if (record) {
        puts.push(record)
        mirrored.add(clientId)
      }
    }
    for (const clientId of removed) {
      if (mirrored.delete(clientId)) removes.push(presenceId(clientId))
    }
    apply(puts, removes)
  }
  const checkPresence = (clientId: number, raw: unknown): TLInstancePresence | null => {
    const id = presenceId(clientId)
    try {
      if (typeof raw !== 'object' || raw === null) throw new TypeError('presence is not an object')
      // The record id is ours to choose, from the awareness client id: a client cannot
      // overwrite someone else's cursor by naming their record.
      return store.schema.types.instance_presence.validate({ ...raw, id, typeName: 'instance_presence' }) as TLInstancePresence
    } catch (cause) {
      const error = new InvalidRecordError(InvalidRecordCode.validationFailed, `presence of client ${clientId} is invalid`, { cause })
      opts.onInvalidPresence?.({ id, typeName: 'instance_presence', error, clientId })
      return null
    }
  }
  const apply = (puts: TLInstancePresence[], removes: TLInstancePresence['id'][]) => {
    const existing = removes.filter((id) => store.has(id))
    if (puts.length === 0 && existing.length === 0) return
    store.mergeRemoteChanges(() => {
      if (existing.length > 0) store.remove(existing)
      if (puts.length > 0) store.put(puts)
    })
  }

  awareness.on('change', mirror)
  mirror({ added: [...awareness.getStates().keys()], updated: [], removed: [] })

  let disposed = false
  return {
    dispose() {
      if (disposed) return
      disposed = true
      stopPublishing()
      if (timer !== null) clearTimeout(timer)
      timer = null
      awareness.off('change', mirror)
      apply([], [...mirrored].map(presenceId))
      mirrored.clear()
      if (awareness.getLocalState() !== null) awareness.setLocalStateField('presence', null)
    },
  }
}

function toUserId(id: string): TLUser['id'] {
  return isUserId(id) ? id : createUserId(id)
}
