/**
 * Display names of the people on the board by their stable user id, from presence: what a
 * vote that is not anonymous shows next to the dots (ballots are keyed by user id only).
 */
import { useEffect, useState } from 'react'
import type { Awareness } from 'y-protocols/awareness'

function namesOf(awareness: Awareness): Map<string, string> {
  const out = new Map<string, string>()
  for (const state of awareness.getStates().values()) {
    const user: unknown = (state as { user?: unknown }).user
    if (typeof user !== 'object' || user === null) continue
    const { id, name } = user as { id?: unknown; name?: unknown }
    if (typeof id === 'string' && typeof name === 'string' && name.trim()) out.set(id, name.trim().slice(0, 80))
  }
  return out
}

export function useAwarenessNames(awareness: Awareness): ReadonlyMap<string, string> {
  const [names, setNames] = useState(() => namesOf(awareness))
  useEffect(() => {
    // Cursor moves change awareness many times a second; names rarely. Compare before setting.
    let last = JSON.stringify([...namesOf(awareness)])
    const onChange = () => {
      const next = namesOf(awareness)
      const key = JSON.stringify([...next])
      if (key === last) return
      last = key
      setNames(next)
    }
    onChange()
    awareness.on('change', onChange)
    return () => awareness.off('change', onChange)
  }, [awareness])
  return names
}
