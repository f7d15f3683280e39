/**
 * Who is on the board, read from Yjs awareness: one entry per person (a person with two tabs
 * open is listed once), with the role the server stamped on their presence, the group they
 * declared, and whether they lead ("bring everyone here"). Other people's states come from the
 * network, so every field is checked before it is shown.
 */
import { createUserId, isUserId, type TLUserId } from '@tldraw/editor'
import { isRole, type Role } from '../../shared/roles.ts'
import { isGroup, type Group } from '../../shared/session.ts'

export type Person = {
  clientId: number
  /** The stable id of the person (from their device), as published in `user.id`. */
  id: string
  name: string
  color: string
  /** As the server stamped it (for ourselves: as the server told us). */
  role: Role | null
  group: Group | null
  /** When they asked everyone to follow them (ms), if they did and may (facilitators only). */
  leading: number | null
  isSelf: boolean
}

const MAX_NAME = 40
const COLOR = /^#[0-9a-f]{3,8}$/i
const FALLBACK_COLOR = '#767680'
const ROLE_ORDER: Record<Role, number> = { facilitator: 0, editor: 1, viewer: 2 }

/** The tldraw user id the person's cursor and camera are published under. */
export function tldrawUserId(id: string): TLUserId {
  return isUserId(id) ? id : createUserId(id)
}

function readPerson(clientId: number, raw: unknown, self: { clientId: number; role: Role }): Person | null {
  if (typeof raw !== 'object' || raw === null) return null
  const state = raw as Record<string, unknown>
  const user = state.user
  if (typeof user !== 'object' || user === null) return null
  const { id, name, color, group } = user as Record<string, unknown>
  if (typeof id !== 'string' || id === '' || typeof name !== 'string') return null
  const isSelf = clientId === self.clientId
  const role = isSelf ? self.role : isRole(state.role) ? state.role : null
  const leading = typeof state.leading === 'number' && Number.isFinite(state.leading) ? state.leading : null
  return {
    clientId,
    id,
    name: name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME),
    color: typeof color === 'string' && COLOR.test(color) ? color : FALLBACK_COLOR,
    role,
    group: isGroup(group) ? group : null,
    // The server strips `leading` from everyone but facilitators; checked again here.
    leading: role === 'facilitator' ? leading : null,
    isSelf,
  }
}

/** Everyone in the awareness states: ourselves first, then facilitators, participants, viewers, by name. */
export function peopleFromStates(states: ReadonlyMap<number, unknown>, self: { clientId: number; role: Role }): Person[] {
  const byId = new Map<string, Person>()
  for (const [clientId, raw] of states) {
    const person = readPerson(clientId, raw, self)
    if (!person) continue
    const seen = byId.get(person.id)
    // Two tabs of one person: keep ours, else the one leading, else the newer client.
    if (seen && (seen.isSelf || (seen.leading !== null && person.leading === null))) continue
    byId.set(person.id, person)
  }
  return [...byId.values()].sort(
    (a, b) =>
      Number(b.isSelf) - Number(a.isSelf) ||
      (a.role ? ROLE_ORDER[a.role] : 3) - (b.role ? ROLE_ORDER[b.role] : 3) ||
      a.name.localeCompare(b.name) ||
      a.clientId - b.clientId,
  )
}

export type Lead = {
  /** Identifies one request to follow: a facilitator's client and when they asked. */
  key: string
  userId: TLUserId
  name: string
}

/** The facilitator asking everyone to follow them, unless we dismissed that request (or it is us). */
export function findLead(people: readonly Person[], dismissed: ReadonlySet<string>): Lead | null {
  let lead: (Lead & { at: number }) | null = null
  for (const person of people) {
    if (person.isSelf || person.role !== 'facilitator' || person.leading === null) continue
    const key = `${person.clientId}:${person.leading}`
    if (dismissed.has(key)) continue
    if (!lead || person.leading > lead.at) lead = { key, userId: tldrawUserId(person.id), name: person.name, at: person.leading }
  }
  return lead && { key: lead.key, userId: lead.userId, name: lead.name }
}
