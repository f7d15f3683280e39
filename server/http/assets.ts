/**
 * Uploads: images and videos go to the server, never into the document as data URLs.
 *
 *   POST /api/boards/:id/asset-session  key header (any role) -> cookie for reading assets
 *   POST /api/boards/:id/assets         key header (facilitator or editor), body = the file
 *   GET  /api/boards/:id/assets/:hash   the cookie or the key header
 *
 * Reading needs a key of the board, but an `<img>` cannot send a header: so a client that
 * shows its key once gets an HttpOnly, SameSite=Strict cookie scoped to that board's asset
 * path, whose value is an HMAC of the board id under the server's secret. It proves "this
 * browser had a key of this board" without storing anything per session.
 *
 * Served assets can never act as a page of our origin: `nosniff`, a sandboxing CSP that
 * allows nothing, `Cross-Origin-Resource-Policy: same-origin`, and SVG (the one type that can
 * hold script) as an attachment, so opening its URL downloads it instead of rendering it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import { ApiErrorCode, KEY_HEADER, type ApiError } from '../../shared/api.ts'
import {
  MediaType,
  assetPath,
  assetsPath,
  isAssetHash,
  type AssetSessionResponse,
  type UploadAssetResponse,
} from '../../shared/assets.ts'
import { isBoardId } from '../../shared/ids.ts'
import type { Role } from '../../shared/roles.ts'
import type { Limits } from '../../shared/limits.ts'
import type { Boards } from '../boards.ts'
import type { Log } from '../log.ts'
import type { KeyedRateLimiter } from '../rateLimit.ts'
import { AssetError, type AssetStore } from '../storage/AssetStore.ts'
import { extensionOf } from '../storage/mediaType.ts'
import { createKeyCheck, HttpError } from './api.ts'

/** The cookie's name; its Path makes it one cookie per board. */
export const ASSET_COOKIE = 'codesign_assets'

/** Headers of every served asset (Content-Type and Content-Disposition are added per file). */
const SERVED_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Content-addressed: a URL's bytes never change. Private: readable only with a key.
  'Cache-Control': 'private, max-age=31536000, immutable',
} as const

type Deps = {
  boards: Boards
  assets: AssetStore
  limits: Limits
  log: Log
  /** The HMAC key for the cookie; loaded when first needed. */
  secret: () => Promise<Buffer>
  /** Wrong keys per address, shared with the rest of the API (guessing keys is throttled). */
  failedKeys: KeyedRateLimiter
}

export function createAssetsRouter({ boards, assets, limits, log, secret, failedKeys }: Deps): Router {
  const router = express.Router()

  const requireRole = createKeyCheck({ boards, failedKeys })
  /** The board's id and the role the key header gives, or an HTTP error. */
  async function authorizeKey(req: Request): Promise<{ id: string; role: Role; locked: boolean }> {
    const record = await requireRole(req)
    return { id: record.id, role: record.role, locked: record.locked }
  }

  async function cookieValue(boardId: string): Promise<string> {
    return createHmac('sha256', await secret()).update(`assets:${boardId}`).digest('base64url')
  }

  router.post('/boards/:id/asset-session', async (req, res) => {
    const { id } = await authorizeKey(req)
    const attributes = [`Path=${assetsPath(id)}`, 'HttpOnly', 'SameSite=Strict']
    if (req.secure) attributes.push('Secure')
    // A session cookie: the client asks again each time it opens the board.
    res.append('Set-Cookie', `${ASSET_COOKIE}=${await cookieValue(id)}; ${attributes.join('; ')}`)
    const body: AssetSessionResponse = { maxUploadBytes: limits.maxUploadBytes }
    res.set('Cache-Control', 'no-store').json(body)
  })

  router.post('/boards/:id/assets', async (req, res) => {
    const { id, role, locked } = await authorizeKey(req)
    if (role === 'viewer') throw new HttpError(403, ApiErrorCode.forbidden, 'Viewers cannot add files to the board')
    // Like every other edit, an upload waits while the facilitator has the board locked.
    if (role === 'editor' && locked) throw new HttpError(403, ApiErrorCode.forbidden, 'The board is locked')
    // Refused before a byte is read when the client says up front that it is too large.
    const declared = Number(req.get('content-length') ?? 0)
    if (declared > limits.maxUploadBytes) throw tooLarge(limits.maxUploadBytes)
    let stored
    try {
      // Not destroyed when the store stops reading early: the error response must still go out.
      stored = await assets.put(id, req.iterator({ destroyOnReturn: false }), { maxBytes: limits.maxUploadBytes })
    } catch (error) {
      if (!(error instanceof AssetError)) throw error
      if (error.code === 'tooLarge') throw tooLarge(limits.maxUploadBytes)
      throw new HttpError(
        415,
        ApiErrorCode.unsupportedType,
        'Only PNG, JPEG, GIF, WebP, AVIF and SVG images and MP4, MOV and WebM videos can be added',
      )
    }
    log.info({ board: id, asset: stored.hash, type: stored.type, size: stored.size, created: stored.created }, 'asset stored')
    const body: UploadAssetResponse = { src: assetPath(id, stored.hash), hash: stored.hash, type: stored.type, size: stored.size }
    res
      .status(stored.created ? 201 : 200)
      .set('Cache-Control', 'no-store')
      .json(body)
  })

  router.get('/boards/:id/assets/:hash', async (req, res) => {
    const id = boardIdOf(req)
    const hash = req.params.hash
    if (!isAssetHash(hash)) throw new HttpError(400, ApiErrorCode.badRequest, 'Malformed asset name')
    if (!(await boards.get(id))) throw new HttpError(404, ApiErrorCode.notFound, 'Board not found')
    if (!hasCookie(req, await cookieValue(id))) {
      if (req.get(KEY_HEADER) === undefined) {
        throw new HttpError(403, ApiErrorCode.invalidKey, 'Open the board with its link to see its images')
      }
      await authorizeKey(req)
    }
    const file = await assets.get(id, hash)
    if (!file) throw new HttpError(404, ApiErrorCode.notFound, 'No such asset')
    const filename = `${hash}.${extensionOf(file.type)}`
    res.set(SERVED_HEADERS)
    res.set('Content-Type', file.type)
    res.set('Content-Disposition', `${file.type === MediaType.svg ? 'attachment' : 'inline'}; filename="${filename}"`)
    res.set('ETag', `"${hash}"`)
    await new Promise<void>((resolve, reject) => {
      // send handles Range (video seeking), HEAD and If-None-Match against our ETag.
      res.sendFile(file.path, { cacheControl: false, etag: false, lastModified: false, dotfiles: 'allow' }, (error) => {
        // A reader that went away mid-file is no server error.
        if (error && !res.headersSent) reject(error)
        else resolve()
      })
    })
  })

  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error)
    const status = error instanceof HttpError ? error.status : 500
    const body: ApiError =
      error instanceof HttpError
        ? { error: error.code, message: error.message }
        : { error: ApiErrorCode.internal, message: 'Something went wrong on the server' }
    if (status >= 500) log.error({ err: error }, 'asset request failed')
    if (status === 429) res.set('Retry-After', '60')
    if (!req.complete) {
      // Refused before the whole body was read. Reading the rest keeps the connection usable
      // (and lets the client see this answer), but only when its length is declared and
      // within the limit; otherwise the connection is closed after the answer.
      const declared = Number(req.get('content-length'))
      if (status === 413 || !(declared <= limits.maxUploadBytes)) res.set('Connection', 'close')
      else req.resume()
    }
    res.status(status).json(body)
  })
  return router
}

function boardIdOf(req: Request): string {
  const id = req.params.id
  if (!isBoardId(id)) throw new HttpError(400, ApiErrorCode.badRequest, 'Malformed board id')
  return id
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, ApiErrorCode.tooLarge, `The file is larger than the limit of ${maxBytes} bytes`)
}

/** Whether the request carries the board's asset cookie, compared in constant time. */
function hasCookie(req: Request, expected: string): boolean {
  const header = req.get('cookie')
  if (!header) return false
  const want = Buffer.from(expected)
  let found = false
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== ASSET_COOKIE) continue
    const got = Buffer.from(part.slice(eq + 1).trim())
    if (got.length === want.length && timingSafeEqual(got, want)) found = true
  }
  return found
}
