/**
 * What this device remembers: the person (a stable id, display name and colour), the group
 * they declared on each board that asked, and, for boards created or facilitated here, their
 * links (so the facilitator can find the participant and view-only links again).
 * Nothing here leaves the device except through presence while on a board.
 */
import { randomToken } from '../../shared/ids.ts'
import { isGroup, type Group } from '../../shared/session.ts'

const USER_KEY = 'codesign:user'
const LINKS_PREFIX = 'codesign:links:'
const GROUP_PREFIX = 'codesign:group:'

/** tldraw's collaborator colours: readable on the canvas, distinct from each other. */
const COLORS = ['#e03131', '#1971c2', '#2f9e44', '#f08c00', '#9c36b5', '#0c8599', '#c2255c', '#5c940d', '#6741d9', '#e8590c']

export type LocalUser = { id: string; name: string; color: string }

function read(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // Private mode or full storage: the session still works, it just isn't remembered.
  }
}

export function loadUser(): LocalUser {
  const raw = read(USER_KEY)
  if (raw) {
    try {
      const parsed = JSON.parse(raw) as Partial<LocalUser>
      if (typeof parsed.id === 'string' && typeof parsed.color === 'string') {
        return { id: parsed.id, name: typeof parsed.name === 'string' ? parsed.name : '', color: parsed.color }
      }
    } catch {
      // Corrupt entry: start afresh below.
    }
  }
  const bytes = new Uint8Array(1)
  crypto.getRandomValues(bytes)
  const user: LocalUser = { id: randomToken(16), name: '', color: COLORS[(bytes[0] ?? 0) % COLORS.length] ?? '#1971c2' }
  write(USER_KEY, JSON.stringify(user))
  return user
}

export function saveUser(user: LocalUser): void {
  write(USER_KEY, JSON.stringify(user))
}

export type StoredLinks = { facilitator?: string; editor?: string; viewer?: string }

export function rememberLinks(boardId: string, links: StoredLinks): void {
  write(LINKS_PREFIX + boardId, JSON.stringify(links))
}

const LINK_ROLES = ['facilitator', 'editor', 'viewer'] as const

export function recallLinks(boardId: string): StoredLinks {
  const raw = read(LINKS_PREFIX + boardId)
  if (!raw) return {}
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>
    const links: StoredLinks = {}
    for (const role of LINK_ROLES) {
      const link = parsed[role]
      if (typeof link === 'string') links[role] = link
    }
    return links
  } catch {
    return {}
  }
}

/**
 * The group declared on a board: a group, `null` when the person preferred not to say, or
 * `undefined` when they have not been asked on this device yet.
 */
export function loadGroup(boardId: string): Group | null | undefined {
  const raw = read(GROUP_PREFIX + boardId)
  if (raw === null) return undefined
  return isGroup(raw) ? raw : null
}

export function saveGroup(boardId: string, group: Group | null): void {
  write(GROUP_PREFIX + boardId, group ?? '')
}

/** Forgets what this device knew of a board (it was deleted). */
export function forgetBoard(boardId: string): void {
  try {
    localStorage.removeItem(LINKS_PREFIX + boardId)
    localStorage.removeItem(GROUP_PREFIX + boardId)
  } catch {
    // Storage disabled: nothing was remembered either.
  }
}
