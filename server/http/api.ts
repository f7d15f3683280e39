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
  type RestoreVersionResponse,
  type VersionInfo,
  type VersionsResponse,
  MAX_VERSION_NAME_LENGTH,
  VERSION_ID_RE,
  type UpdateSettingsResponse,
} from '../../shared/api.ts'
import { CloseCode, DocKeys } from '../../shared/protocol.ts'
import { GROUPS, MAX_NOTICE_LENGTH, isGroup, type BoardSettings } from '../../shared/session.ts'
import type { Role } from '../../shared/roles.ts'
import { settingsOf } from '../boards.ts'
import type { RoomManager } from '../sync/RoomManager.ts'
import type { DocumentStore } from '../storage/DocumentStore.ts'
import type { BoardRecord } from '../storage/Registry.ts'
import * as Y from 'yjs'
import type { TLRecord } from '@tldraw/tlschema'
import { docFromState, readRecords, toTldrFile } from '../sync/boardDocument.ts'
import { isReportFormat, renderReport, REPORT_FORMATS, REPORT_MEDIA_TYPES } from '../../shared/journey/boardReport.ts'
import { reportLanguage } from '../../shared/journey/labelsByLocale.ts'
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

  const requireRole = createKeyCheck({ boards, failedKeys })

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

  /**
   * Runs `read` on the board's document: the live one when the board is loaded (so the
   * export includes edits not yet compacted), else one built from storage and then dropped.
   */
  async function withBoardDoc<T>(boardId: string, read: (doc: Y.Doc) => T): Promise<T> {
    const live = rooms.loaded(boardId)
    if (live) return read(live.doc)
    const doc = new Y.Doc()
    try {
      for (const entry of await store.load(boardId)) Y.applyUpdate(doc, entry.update)
      return read(doc)
    } finally {
      doc.destroy()
    }
  }

  // The structured report, from the stored document, without a browser.
  router.get('/boards/:id/export', async (req, res) => {
    const record = await requireRole(req, ['facilitator'])
    const format = req.query.format ?? 'md'
    if (!isReportFormat(format)) {
      throw new HttpError(400, ApiErrorCode.badRequest, `format must be one of: ${REPORT_FORMATS.join(', ')}`)
    }
    const date = new Date().toISOString().slice(0, 10)
    // In the language the facilitator picks (?lang=it|es|lv|en); English otherwise.
    const language = reportLanguage(req.query.lang)
    const body = await withBoardDoc(record.id, (doc) =>
      renderReport(format, {
        title: record.title,
        date,
        ...language,
        records: readRecords(doc) as unknown as TLRecord[],
        vote: doc.getMap(DocKeys.session).get('vote'),
        ballots: doc.getMap(DocKeys.ballots).toJSON(),
      }),
    )
    res.type(REPORT_MEDIA_TYPES[format])
    res.set('Cache-Control', 'no-store')
    if (format === 'html') {
      // The report is a document to keep, not part of the app: no scripts, nothing fetched.
      res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    }
    res.attachment(`${fileSafe(record.title)} ${date}.${format}`)
    res.send(body)
  })

  // Versions: named moments of a board, saved by the facilitator or automatically.
  router.get('/boards/:id/versions', async (req, res) => {
    const record = await requireRole(req, ['facilitator'])
    const body: VersionsResponse = { versions: await store.listSnapshots(record.id) }
    res.set('Cache-Control', 'no-store').json(body)
  })

  router.post('/boards/:id/versions', async (req, res) => {
    const record = await requireRole(req, ['facilitator'])
    const name = cleanVersionName((req.body as { name?: unknown } | undefined)?.name)
    const room = await rooms.acquire(record.id)
    try {
      const saved = await room.saveVersion(name, false)
      if (!saved) throw new HttpError(500, ApiErrorCode.internal, 'The version could not be saved')
      log.info({ board: record.id, version: saved.id }, 'version saved')
      res.status(201).json(saved satisfies VersionInfo)
    } finally {
      rooms.release(room)
    }
  })

  async function findVersion(boardId: string, versionId: unknown): Promise<{ meta: VersionInfo; state: Uint8Array }> {
    if (typeof versionId !== 'string' || !VERSION_ID_RE.test(versionId)) {
      throw new HttpError(400, ApiErrorCode.badRequest, 'Malformed version id')
    }
    const meta = (await store.listSnapshots(boardId)).find((v) => v.id === versionId)
    const state = meta ? await store.loadSnapshot(boardId, versionId) : undefined
    if (!meta || !state) throw new HttpError(404, ApiErrorCode.notFound, 'No such version')
    return { meta, state }
  }

  router.get('/boards/:id/versions/:versionId', async (req, res) => {
    const record = await requireRole(req, ['facilitator'])
    const { meta, state } = await findVersion(record.id, req.params.versionId)
    const doc = docFromState(state)
    try {
      const file = toTldrFile(doc)
      if (req.query.download !== undefined) {
        res.attachment(`${fileSafe(record.title)} - ${fileSafe(meta.name || meta.createdAt)}.tldr`)
      }
      res.set('Cache-Control', 'no-store').json(file)
    } finally {
      doc.destroy()
    }
  })

  router.post('/boards/:id/versions/:versionId/restore', async (req, res) => {
    const record = await requireRole(req, ['facilitator'])
    const { meta, state } = await findVersion(record.id, req.params.versionId)
    const room = await rooms.acquire(record.id)
    try {
      // First keep the board as it is now, so restoring is undone by restoring this one.
      const backup = await room.saveVersion(`Before restoring ${meta.name || meta.createdAt}`.slice(0, MAX_VERSION_NAME_LENGTH), false)
      if (!backup) throw new HttpError(500, ApiErrorCode.internal, 'The current board could not be saved first')
      const changed = room.restore(state)
      log.info({ board: record.id, version: meta.id, ...changed }, 'version restored')
      const body: RestoreVersionResponse = { restored: meta, backup }
      res.json(body)
    } finally {
      rooms.release(room)
    }
  })

  router.use((_req, _res) => {
    throw new HttpError(404, ApiErrorCode.notFound, 'No such endpoint')
  })

  router.use(apiErrorHandler(log))
  return router
}

/** Turns any error into a JSON answer with a code: HttpErrors as they say, the rest as 500. */
export function apiErrorHandler(log: Log) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error)
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
  }
}

/**
 * The one check every keyed HTTP route makes: a well-formed board id, the address not out of
 * wrong-key attempts, a board that exists, a key of it (a wrong one counts against the
 * address), and, when `roles` is given, one of those roles.
 */
export function createKeyCheck({ boards, failedKeys }: { boards: Boards; failedKeys: KeyedRateLimiter }) {
  return async function requireRole(req: Request, roles?: readonly Role[]): Promise<BoardRecord & { role: Role }> {
    const id = req.params.id
    if (!isBoardId(id)) throw new HttpError(400, ApiErrorCode.badRequest, 'Malformed board id')
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown'
    if (!failedKeys.allows(address)) {
      throw new HttpError(429, ApiErrorCode.rateLimited, 'Too many attempts with a wrong key; try again in a minute')
    }
    const key = req.get(KEY_HEADER)
    const access = await boards.authorize(id, key)
    if (!access.exists || !access.record) throw new HttpError(404, ApiErrorCode.notFound, 'Board not found')
    if (!access.role) {
      if (key !== undefined) failedKeys.take(address)
      throw new HttpError(403, ApiErrorCode.invalidKey, 'This link is not valid')
    }
    if (roles && !roles.includes(access.role)) throw new HttpError(403, ApiErrorCode.forbidden, 'Only the facilitator can do this')
    return { ...access.record, role: access.role }
  }
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

function cleanVersionName(name: unknown): string {
  if (name === undefined) return ''
  if (typeof name !== 'string') throw new HttpError(400, ApiErrorCode.badRequest, 'name must be a string')
  const clean = name.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  if (clean.length > MAX_VERSION_NAME_LENGTH) {
    throw new HttpError(400, ApiErrorCode.badRequest, `name must be at most ${MAX_VERSION_NAME_LENGTH} characters`)
  }
  return clean
}

/** A title made safe for a file name in a download. */
function fileSafe(text: string): string {
  return text.replace(/[^\p{L}\p{N} ._-]+/gu, '_').slice(0, 80).trim() || 'board'
}
