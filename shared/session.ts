/**
 * What a live session shares beyond the drawing: the board's settings a facilitator controls,
 * the state the server enforces and pushes to every connection (lock, title), and the shape
 * of each person's presence (awareness) so the participants panel and "bring everyone here"
 * read the same fields the client writes.
 */
import type { Role } from './roles.ts'

/** Groups a person may declare when joining, when the board asks (labels come from i18n). */
export const GROUPS = ['citizen', 'official', 'other'] as const
export type Group = (typeof GROUPS)[number]

export function isGroup(value: unknown): value is Group {
  return typeof value === 'string' && (GROUPS as readonly string[]).includes(value)
}

export const MAX_NOTICE_LENGTH = 2000

/** Settings a facilitator edits; stored in the registry. */
export type BoardSettings = {
  title: string
  /** Groups offered in the join step; empty: the board does not ask. */
  groups: Group[]
  /** The data-protection notice shown in the join step; empty: the default text. */
  notice: string
  locked: boolean
}

/** Pushed by the server (MessageType.boardState) on connect and on every change. */
export type BoardState = BoardSettings & {
  /** The role this connection has, as the server decided it. */
  role: Role
}

/**
 * A person's awareness state. `role` is stamped by the server on every presence it relays,
 * so nobody can pass for the facilitator; the rest is the client's own.
 */
export type PresenceState = {
  user?: { id: string; name: string; color: string; group?: Group }
  /** tldraw's instance presence (cursor, page, selection, camera). */
  presence?: unknown
  role?: Role
  /** Set by a facilitator who asked everyone to follow them: when they asked (ms). */
  leading?: number
}
