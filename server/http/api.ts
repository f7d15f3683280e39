/**
 * The HTTP API: create a board, read a board's public facts (and, with a key, one's role).
 * Every id and body is validated here, at the boundary; errors are JSON with a code.
 */
import express, { type Request, type Response, type NextFunction, type Router } from 'express'
import { isBoardId } from '../../shared/ids.ts'
import { ApiErrorCode, KEY_HEADER, type ApiError, type BoardInfoResponse, type CreateBoardResponse } from '../../shared/api.ts'
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
}

export function createApiRouter({ boards, limits, log, failedKeys, creations }: ApiOptions): Router {
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
      links: { facilitator: created.links.facilitator, editor: created.links.editor },
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
      ...(access.role ? { role: access.role } : {}),
    }
    res.set('Cache-Control', 'no-store').json(body)
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
  const title = (body as { title?: unknown }).title
  if (typeof title !== 'string') throw new HttpError(400, ApiErrorCode.badRequest, 'title must be a string')
  // Collapse control characters and surrounding space; a title is one line of text.
  const clean = title.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  if (clean.length === 0) throw new HttpError(400, ApiErrorCode.badRequest, 'title must not be empty')
  if (clean.length > maxLength) throw new HttpError(400, ApiErrorCode.badRequest, `title must be at most ${maxLength} characters`)
  return clean
}
