/**
 * What the board's own controls (status, share, people, facilitation) need to know and do,
 * provided by LiveBoard around tldraw so components in tldraw's slots can read it.
 */
import { createContext, useContext } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import type { Editor } from 'tldraw'
import type { Role } from '../../shared/roles.ts'
import type { BoardSettings } from '../../shared/session.ts'
import type { Person } from '../facilitation/people.ts'
import type { ConnectionStatus } from './boardConnection.ts'
import type { StoredLinks } from './identity.ts'

export type BoardContextValue = {
  boardId: string
  /** The key of the link this person opened: facilitator calls to the API carry it. */
  boardKey: string
  role: Role
  settings: BoardSettings
  status: ConnectionStatus
  links: StoredLinks
  invalidRecords: number
  schemaNewer: boolean
  people: readonly Person[]
  awareness: Awareness | null
  editor: Editor | null
  peopleOpen: boolean
  setPeopleOpen(open: boolean): void
  /** Settings the facilitator just saved (the server's push follows for everyone). */
  applySettings(settings: BoardSettings): void
  setLinks(links: StoredLinks): void
  /** Deletes this device's copy of the board (after the facilitator deleted it). */
  eraseDeviceCopy(): Promise<void>
}

export const BoardContext = createContext<BoardContextValue | null>(null)

export function useBoard(): BoardContextValue {
  const value = useContext(BoardContext)
  if (!value) throw new Error('useBoard must be used inside the board')
  return value
}
