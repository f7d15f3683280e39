/**
 * Roles a connection can have on a board. Decided by the server from the key a client presents.
 */
export const Role = {
  facilitator: 'facilitator',
  editor: 'editor',
  viewer: 'viewer',
} as const
export type Role = (typeof Role)[keyof typeof Role]

export const ROLES: readonly Role[] = [Role.facilitator, Role.editor, Role.viewer]

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

export function canEdit(role: Role): boolean {
  return role === Role.facilitator || role === Role.editor
}
