/**
 * Reads the board state the server pushes (MessageType.boardState, JSON): checked field by
 * field, since it arrives over the network, so the rest of the client can trust its shape.
 */
import { isRole } from '../../shared/roles.ts'
import { isGroup, type BoardState } from '../../shared/session.ts'

export function parseBoardState(json: string): BoardState | null {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  if (!isRole(v.role) || typeof v.locked !== 'boolean' || typeof v.title !== 'string') return null
  return {
    role: v.role,
    locked: v.locked,
    title: v.title,
    groups: Array.isArray(v.groups) ? v.groups.filter(isGroup) : [],
    notice: typeof v.notice === 'string' ? v.notice : '',
  }
}
