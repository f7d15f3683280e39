/**
 * The board registry's contract: small, human-readable metadata about every board.
 */
import type { Group } from '../../shared/session.ts'

export interface BoardRecord {
  id: string
  title: string
  createdAt: string
  lastActiveAt: string
  locked: boolean
  /** SHA-256 hashes of the role keys, hex (see keys.ts); the keys themselves are never stored. */
  keyHashes: { facilitator: string; editor: string; viewer?: string }
  /** Groups offered in the join step (absent on boards made before groups existed: none). */
  groups?: Group[]
  /** The board's data-protection notice for the join step ('' or absent: the default). */
  notice?: string
}

/**
 * Every method resolves once the change is durable, and hands out copies: editing a returned
 * record changes nothing stored. Ids are taken as given (callers validate them).
 */
export interface Registry {
  get(id: string): Promise<BoardRecord | undefined>
  /** Rejects with StorageError('conflict') if a board with that id exists. */
  create(record: BoardRecord): Promise<void>
  /** The updated record, or undefined if there is no such board. */
  update(id: string, patch: Partial<Omit<BoardRecord, 'id'>>): Promise<BoardRecord | undefined>
  /** Whether there was such a board. */
  delete(id: string): Promise<boolean>
  list(): Promise<BoardRecord[]>
}
