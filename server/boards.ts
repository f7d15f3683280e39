/**
 * Board lifecycle over the registry: create with fresh role keys (only their hashes kept),
 * look up, and decide which role a presented key gives.
 */
import { newBoardId, newKey, boardPath } from '../shared/ids.ts'
import type { Role } from '../shared/roles.ts'
import type { BoardSettings } from '../shared/session.ts'
import type { Registry, BoardRecord } from './storage/Registry.ts'
import { hashKey, keyMatches } from './storage/keys.ts'

export type CreatedBoard = {
  record: BoardRecord
  keys: { facilitator: string; editor: string; viewer: string }
  links: { facilitator: string; editor: string; viewer: string }
}

export type Boards = ReturnType<typeof createBoards>

export function createBoards({ registry, now = () => new Date() }: { registry: Registry; now?: () => Date }) {
  async function create(title: string): Promise<CreatedBoard> {
    const keys = { facilitator: newKey(), editor: newKey(), viewer: newKey() }
    const at = now().toISOString()
    const record: BoardRecord = {
      id: newBoardId(),
      title,
      createdAt: at,
      lastActiveAt: at,
      locked: false,
      keyHashes: { facilitator: hashKey(keys.facilitator), editor: hashKey(keys.editor), viewer: hashKey(keys.viewer) },
    }
    await registry.create(record)
    return {
      record,
      keys,
      links: {
        facilitator: boardPath(record.id, keys.facilitator),
        editor: boardPath(record.id, keys.editor),
        viewer: boardPath(record.id, keys.viewer),
      },
    }
  }

  /** The role a key gives on a board. Every hash is compared (in constant time) whatever matched. */
  function roleFor(record: BoardRecord, key: string | undefined): Role | undefined {
    if (!key) return undefined
    const facilitator = keyMatches(key, record.keyHashes.facilitator)
    const editor = keyMatches(key, record.keyHashes.editor)
    const viewer = record.keyHashes.viewer ? keyMatches(key, record.keyHashes.viewer) : false
    if (facilitator) return 'facilitator'
    if (editor) return 'editor'
    if (viewer) return 'viewer'
    return undefined
  }

  async function authorize(boardId: string, key: string | undefined): Promise<{ exists: boolean; role?: Role; record?: BoardRecord }> {
    const record = await registry.get(boardId)
    if (!record) return { exists: false }
    const role = roleFor(record, key)
    return role ? { exists: true, role, record } : { exists: true, record }
  }

  /** Replaces the key of a role; the old one stops working. Returns the new link. */
  async function rotateKey(boardId: string, role: 'editor' | 'viewer'): Promise<string | undefined> {
    const record = await registry.get(boardId)
    if (!record) return undefined
    const key = newKey()
    await registry.update(boardId, { keyHashes: { ...record.keyHashes, [role]: hashKey(key) } })
    return boardPath(boardId, key)
  }

  async function updateSettings(boardId: string, patch: Partial<BoardSettings>): Promise<BoardRecord | undefined> {
    return registry.update(boardId, { ...patch, lastActiveAt: now().toISOString() })
  }

  return {
    create,
    authorize,
    roleFor,
    rotateKey,
    updateSettings,
    get: (id: string) => registry.get(id),
    delete: (id: string) => registry.delete(id),
  }
}

export function settingsOf(record: BoardRecord): BoardSettings {
  return { title: record.title, groups: record.groups ?? [], notice: record.notice ?? '', locked: record.locked }
}
