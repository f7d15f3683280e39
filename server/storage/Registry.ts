/**
 * The board registry's contract: small, human-readable metadata about every board.
 */
export interface BoardRecord {
  id: string
  title: string
  createdAt: string
  lastActiveAt: string
  locked: boolean
  /** scrypt/sha-256 hashes of the role keys, hex; the keys themselves are never stored. */
  keyHashes: { facilitator: string; editor: string; viewer?: string }
}

export interface Registry {
  get(id: string): Promise<BoardRecord | undefined>
  create(record: BoardRecord): Promise<void>
  update(id: string, patch: Partial<Omit<BoardRecord, 'id'>>): Promise<BoardRecord | undefined>
  delete(id: string): Promise<boolean>
  list(): Promise<BoardRecord[]>
}
