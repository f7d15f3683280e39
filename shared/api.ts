/**
 * Shapes of the HTTP API's bodies, shared so client and server agree.
 */
import type { Role } from './roles.ts'
import type { BoardSettings } from './session.ts'

export type CreateBoardRequest = { title: string }
export type CreateBoardResponse = {
  id: string
  title: string
  /** Paths, `/b/<id>#k=<key>`: the client makes them absolute with its own origin. */
  links: { facilitator: string; editor: string; viewer: string }
}
export type BoardInfoResponse = {
  id: string
  title: string
  createdAt: string
  /** Present when the request carried a valid key of this board. */
  role?: Role
  /** Present with a valid key: what the join step and the board need. */
  settings?: BoardSettings
}

/** PATCH /api/boards/:id (facilitator key): any subset of the settings. */
export type UpdateSettingsRequest = Partial<BoardSettings>
export type UpdateSettingsResponse = { settings: BoardSettings }

/** POST /api/boards/:id/keys/:role (facilitator key): a new link; the old one stops working. */
export type RotateKeyResponse = { role: 'editor' | 'viewer'; link: string }
export type ApiError = { error: ApiErrorCode; message: string }

export const ApiErrorCode = {
  badRequest: 'bad_request',
  notFound: 'not_found',
  invalidKey: 'invalid_key',
  /** A valid key whose role may not do this (a viewer uploading). */
  forbidden: 'forbidden',
  tooLarge: 'too_large',
  /** An upload whose content is not an image or video type the board accepts. */
  unsupportedType: 'unsupported_type',
  rateLimited: 'rate_limited',
  internal: 'internal',
} as const
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode]

/** Header carrying a board key on HTTP requests (never a query string, which gets logged). */
export const KEY_HEADER = 'x-board-key'

/** A saved version of a board (GET /api/boards/:id/versions). */
export type VersionInfo = { id: string; name: string; createdAt: string; auto: boolean; bytes: number }
export type VersionsResponse = { versions: VersionInfo[] }
export type SaveVersionRequest = { name: string }
export type RestoreVersionResponse = { restored: VersionInfo; backup: VersionInfo }
export const MAX_VERSION_NAME_LENGTH = 100
export const VERSION_ID_RE = /^v[a-z0-9]{4,24}$/
