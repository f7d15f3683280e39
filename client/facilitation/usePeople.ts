/**
 * The people on the board, kept up to date from awareness. Awareness changes with every cursor
 * move; the list only changes (and re-renders) when who is here, or what is shown of them, does.
 */
import { useEffect, useState } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import type { Role } from '../../shared/roles.ts'
import { peopleFromStates, type Person } from './people.ts'

const NOBODY: Person[] = []

export function usePeople(awareness: Awareness | null, role: Role): Person[] {
  const [people, setPeople] = useState<Person[]>(NOBODY)
  useEffect(() => {
    if (!awareness) {
      setPeople(NOBODY)
      return
    }
    let last = ''
    const update = () => {
      const next = peopleFromStates(awareness.getStates(), { clientId: awareness.clientID, role })
      const key = JSON.stringify(next)
      if (key === last) return
      last = key
      setPeople(next)
    }
    update()
    awareness.on('change', update)
    return () => awareness.off('change', update)
  }, [awareness, role])
  return people
}
