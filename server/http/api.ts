/**
 * The HTTP API: create a board, read a board's public facts (and, with a key, one's role).
 * Every id and body is validated here, at the boundary; errors are JSON with a code.
 */
import express, { type Request, type Response, type NextFunction, type Router } from 'express'
import { isBoardId } from '../../shared/ids.ts'
import {
  ApiErrorCode,
  KEY_HEADER,
  type ApiError,
  type BoardInfoResponse,
  type CreateBoardResponse,
  type RotateKeyResponse,
  type UpdateSettingsResponse,
} from '../../shared/api.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { GROUPS, MAX_NOTICE_LENGTH, isGroup, type BoardSettings } from '../../shared/session.ts'
import type { Role } from '../../shared/roles.ts'
import { settingsOf } from '../boards.ts'
import type { RoomManager } from '../sync/RoomManager.ts'
import type { DocumentStore } from '../storage/DocumentStore.ts'
import type { BoardRecord } from '../storage/Registry.ts'
import type { Limits } from '../../shared/limits.ts'
import type { Boards } from '../boards.ts'
import type { Log } from '../log.ts'
import type { KeyedRateLimiter } from '../rateLimit.ts'

export class HttpError extends Error {
  override readonly name = 'HttpError'
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export type ApiOptions = {
  boards: Boards
  limits: Limits
  log: Log
  /** Wrong-key attempts per address, shared with the websocket handler. */
  failedKeys: KeyedRateLimiter
  /** Board creations per address. */
  creations: KeyedRateLimiter
  rooms: RoomManager
  store: DocumentStore
  /** Erases a board's uploads. */
  deleteBoardAssets: (boardId: string) => Promise<void>
}

export function createApiRouter({ boards, limits, log, failedKeys, creations, rooms, store, deleteBoardAssets }: ApiOptions): Router {
  const router = express.Router()
  const addressOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown'
  router.use(express.json({ limit: limits.maxJsonBodyBytes, strict: true }))

  router.get('/health', (_req, res) => {
    res.json({ ok: true })
  })

  router.post('/boards', async (req, res) => {
    const title = parseTitle(req.body, limits.maxTitleLength)
    if (!creations.take(addressOf(req))) {
      res.set('Retry-After', '120')
      throw new HttpError(429, ApiErrorCode.rateLimited, 'Too many boards created from this address; try again later')
    }
    const created = await boards.create(title)
    log.info({ board: created.record.id }, 'board created')
    const body: CreateBoardResponse = {
      id: created.record.id,
      title: created.record.title,
      links: created.links,
    }
    res.status(201).json(body)
  })

  router.get('/boards/:id', async (req, res) => {
    const id = req.params.id
    if (!isBoardId(id)) throw new HttpError(400, ApiErrorCode.badRequest, 'Malformed board id')
    const key = req.get(KEY_HEADER)
    const address = addressOf(req)
    if (key !== undefined && !failedKeys.allows(address)) {
      res.set('Retry-After', '60')
      throw new HttpError(429, ApiErrorCode.rateLimited, 'Too many attempts with a wrong key; try again in a minute')
    }
    const access = await boards.authorize(id, key)
    if (!access.exists || !access.record) throw new HttpError(404, ApiErrorCode.notFound, 'Board not found')
    if (key !== undefined && !access.role) {
      failedKeys.take(address)
      throw new HttpError(403, ApiErrorCode.invalidKey, 'This link is not valid')
    }
    const body: BoardInfoResponse = {
      id: access.record.id,
      title: access.record.title,
      createdAt: access.record.createdAt,
      ...(access.role ? { role: access.role, settings: settingsOf(access.record) } : {}),
    }
    res.set('Cache-Control', 'no-store').json(body)
  })

  /** The board's record when the request carries a key of one of `roles`; throws otherwise. */
  async function requireRole(req: Request, roles: readonly Role[]): Promise<BoardRecord> {
    const id = req.params.id
    if (!isBoardId(id)) throw new HttpError(400, ApiErrorCode.badRequest, 'Malformed board id')
    const address = addressOf(req)
    if (!failedKeys.allows(address)) throw new HttpError(429, ApiErrorCode.rateLimited, 'Too many attempts with a wrong key; try again in a minute')
    const access = await boards.authorize(id, req.get(KEY_HEADER))
    if (!access.exists || !access.record) throw new HttpError(404, ApiErrorCode.notFound, 'Board not found')
    if (!access.role) {
      failedKeys.take(address)
      throw new HttpError(403, ApiErrorCode.invalidKey, 'This link is not valid')
    }
    if (!roles.includes(access.role)) throw new HttpError(403, ApiErrorCode.forbidden, 'Only the facilitator can do this')
    return access.record
  }

  router.patch('/boards/:id', async (req, res) => {
    const record = await requireRole(req, ['facilitator'])
    const patch = parseSettingsPatch(req.body, limits.maxTitleLength)
    const updated = await boards.updateSettings(record.id, patch)
    if (!updated) throw new HttpError(404, ApiErrorCode.notFound, 'Board not found')
    const settings = settingsOf(updated)
    // Enforced from the next message of every connection; no reconnect needed.
    rooms.loaded(record.id)?.applySettings(settings)
    log.info({ board: record.id, changed: Object.keys(patch) }, 'board settings changed')
    const body: UpdateSettingsResponse = { settings }
    res.json(body)
  })

  router.post('/boards/:id/keys/:role', async (req, res) => {
    const record = await requireRole(req, ['facilitator'])
    const role = req.params.role
    if (role !== 'editor' && role !== 'viewer') {
      throw new HttpError(400, ApiErrorCode.badRequest, 'Only the participant and view-only links can be replaced')
    }
    const link = await boards.rotateKey(record.id, role)
    if (!link) throw new HttpError(404, ApiErrorCode.notFound, 'Board not found')
    rooms.loaded(record.id)?.closeRole(role, CloseCode.linkRevoked, 'link replaced')
    log.info({ board: record.id, role }, 'link replaced')
    const body: RotateKeyResponse = { role, link }
    res.json(body)
  })

  router.delete('/boards/:id', async (req, res) => {
    const record = await requireRole(req, ['facilitator'])
    // Registry first: from here no key opens it, so nobody can reconnect while it is erased.
    await boards.delete(record.id)
    rooms.loaded(record.id)?.closeAll(CloseCode.boardDeleted, 'board deleted')
    rooms.discard(record.id)
    await store.delete(record.id)
    await deleteBoardAssets(record.id)
    log.info({ board: record.id }, 'board deleted')
    res.status(204).end()
  })

  router.use((_req, _res) => {
    throw new HttpError(404, ApiErrorCode.notFound, 'No such endpoint')
  })

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(error)
    const body: ApiError =
      error instanceof HttpError
        ? { error: error.code, message: error.message }
        : status === 413
          ? { error: ApiErrorCode.tooLarge, message: 'Request body too large' }
          : status === 400
            ? { error: ApiErrorCode.badRequest, message: 'Malformed request body' }
            : { error: ApiErrorCode.internal, message: 'Something went wrong on the server' }
    if (status >= 500) log.error({ err: error }, 'request failed')
    res.status(status).json(body)
  })
  return router
}

function httpStatusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status
  // body-parser's errors carry a status (400 for bad JSON, 413 for too large).
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500
}

function parseTitle(body: unknown, maxLength: number): string {
  if (typeof body !== 'object' || body === null) throw new HttpError(400, ApiErrorCode.badRequest, 'Expected a JSON object')
  return cleanTitle((body as { title?: unknown }).title, maxLength)
}

function cleanTitle(title: unknown, maxLength: number): string {
  if (typeof title !== 'string') throw new HttpError(400, ApiErrorCode.badRequest, 'title must be a string')
  // Collapse control characters and surrounding space; a title is one line of text.
  const clean = title.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  if (clean.length === 0) throw new HttpError(400, ApiErrorCode.badRequest, 'title must not be empty')
  if (clean.length > maxLength) throw new HttpError(400, ApiErrorCode.badRequest, `title must be at most ${maxLength} characters`)
  return clean
}

function parseSettingsPatch(body: unknown, maxTitleLength: number): Partial<BoardSettings> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, ApiErrorCode.badRequest, 'Expected a JSON object')
  }
  const input = body as Record<string, unknown>
  const allowed = new Set(['title', 'groups', 'notice', 'locked'])
  const unknown = Object.keys(input).filter((k) => !allowed.has(k))
  if (unknown.length > 0) throw new HttpError(400, ApiErrorCode.badRequest, `Unknown setting: ${unknown.join(', ')}`)
  const patch: Partial<BoardSettings> = {}
  if ('title' in input) patch.title = cleanTitle(input.title, maxTitleLength)
  if ('groups' in input) {
    const groups = input.groups
    if (!Array.isArray(groups) || !groups.every(isGroup)) {
      throw new HttpError(400, ApiErrorCode.badRequest, `groups must be a list of: ${GROUPS.join(', ')}`)
    }
    patch.groups = GROUPS.filter((g) => groups.includes(g))
  }
  if ('notice' in input) {
    if (typeof input.notice !== 'string') throw new HttpError(400, ApiErrorCode.badRequest, 'notice must be a string')
    const notice = input.notice.replace(/\r\n/g, '\n').trim()
    if (notice.length > MAX_NOTICE_LENGTH) {
      throw new HttpError(400, ApiErrorCode.badRequest, `notice must be at most ${MAX_NOTICE_LENGTH} characters`)
    }
    patch.notice = notice
  }
  if ('locked' in input) {
    if (typeof input.locked !== 'boolean') throw new HttpError(400, ApiErrorCode.badRequest, 'locked must be true or false')
    patch.locked = input.locked
  }
  return patch
}
