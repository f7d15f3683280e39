/**
 * Guards the facilitator's session state in a board's document (DocKeys.session: the vote,
 * the timer). Yjs has no permissions: any editor's update can write any key. So the server
 * watches that map, and when a change to it came from a connection that is not a
 * facilitator's, it writes the previous values back at once. Its write comes causally after
 * the forged one, so every client converges to the restored values.
 */
import type * as Y from 'yjs'
import { DocKeys } from '../../shared/protocol.ts'

/** Origin of the guard's own restoring writes. */
const GUARD_ORIGIN = Symbol('session-guard')

export type SessionGuard = { destroy(): void; restored(): number }

export function guardSession(doc: Y.Doc, mayWrite: (origin: unknown) => boolean): SessionGuard {
  const session = doc.getMap(DocKeys.session)
  // The last values a facilitator (or the stored state) gave each key.
  let trusted = new Map<string, unknown>(session.entries())
  let restorations = 0

  const onChange = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
    if (transaction.origin === GUARD_ORIGIN) return
    if (mayWrite(transaction.origin)) {
      trusted = new Map(session.entries())
      return
    }
    const keys = [...event.keysChanged]
    restorations++
    // After the observers of this transaction: writing inside an observer is not allowed.
    queueMicrotask(() => {
      doc.transact(() => {
        for (const key of keys) {
          if (trusted.has(key)) session.set(key, trusted.get(key))
          else session.delete(key)
        }
      }, GUARD_ORIGIN)
    })
  }
  session.observe(onChange)
  return {
    destroy: () => session.unobserve(onChange),
    restored: () => restorations,
  }
}
