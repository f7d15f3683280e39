/**
 * Board archives and imports. An archive is a zip that still opens without us in ten years:
 * the board as a tldraw file, every upload, the structured report (HTML, CSV, Markdown) and
 * a README saying what is inside. Import takes a .tldr or such an archive, into a new board or
 * as new pages of an existing one; the file is checked whole before anything is changed.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import express, { type Request, type Router } from 'express'
import * as Y from 'yjs'
import { zipSync, strToU8 } from 'fflate'
import { createTLSchema, type TLRecord } from '@tldraw/tlschema'
import { ApiErrorCode, type CreateBoardResponse } from '../../shared/api.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { assetPath } from '../../shared/assets.ts'
import { renderReport } from '../../shared/journey/boardReport.ts'
import { reportLanguage } from '../../shared/journey/labelsByLocale.ts'
import type { Limits } from '../../shared/limits.ts'
import type { Boards } from '../boards.ts'
import type { Log } from '../log.ts'
import type { KeyedRateLimiter } from '../rateLimit.ts'
import type { AssetStore } from '../storage/AssetStore.ts'
import type { DocumentStore } from '../storage/DocumentStore.ts'
import type { RoomManager } from '../sync/RoomManager.ts'
import { readRecords, toTldrFile } from '../sync/boardDocument.ts'
import { dataUrlBytes, ImportError, parseBoardFile, remapForImport, type ParsedBoardFile } from '../sync/importBoard.ts'
import { sniffMediaType } from '../storage/mediaType.ts'
import { apiErrorHandler, createKeyCheck, HttpError } from './api.ts'

type Deps = {
  boards: Boards
  rooms: RoomManager
  store: DocumentStore
  assets: AssetStore
  limits: Limits
  log: Log
  failedKeys: KeyedRateLimiter
  creations: KeyedRateLimiter
}

const CURRENT_SCHEMA = createTLSchema().serialize()

export function createArchiveRouter({ boards, rooms, store, assets, limits, log, failedKeys, creations }: Deps): Router {
  const router = express.Router()
  const addressOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown'
  // The whole file is needed to check it before anything changes; bounded like a board.
  const raw = express.raw({ type: () => true, limit: limits.maxBoardBytes })

  const requireRole = createKeyCheck({ boards, failedKeys })
  const requireFacilitator = async (req: Request) => (await requireRole(req, ['facilitator'])).id

  /**
   * Checks the whole file and prepares everything it needs (uploads hashed and typed) before
   * anything is written; then stores the uploads and adds the records in one change.
   */
  async function importInto(boardId: string, file: ParsedBoardFile, keepDocument: boolean) {
    const uploads = new Map(file.assets)
    const dataUrlHashes = new Map<string, string>()
    for (const record of file.records) {
      if (record.typeName !== 'asset') continue
      const src = (record.props as { src?: unknown }).src
      if (typeof src !== 'string' || !src.startsWith('data:')) continue
      const bytes = dataUrlBytes(src)
      if (!bytes || bytes.byteLength > limits.maxUploadBytes || !sniffMediaType(bytes.subarray(0, 8192))) continue
      const hash = createHash('sha256').update(bytes).digest('hex')
      uploads.set(hash, bytes)
      dataUrlHashes.set(src, hash)
    }
    const referenced = new Set<string>()
    for (const record of file.records) {
      const src = record.typeName === 'asset' ? (record.props as { src?: unknown }).src : undefined
      const hash = typeof src === 'string' ? /\/assets\/([0-9a-f]{64})$/.exec(src)?.[1] : undefined
      if (hash) referenced.add(hash)
    }
    const available = new Set(uploads.keys())
    for (const hash of referenced) if (!available.has(hash) && (await assets.get(boardId, hash))) available.add(hash)

    const room = await rooms.acquire(boardId)
    try {
      const records = remapForImport(file.records, {
        existingPageIndexes: room.pageIndexes(),
        assetSrc: (hash) => (available.has(hash) ? assetPath(boardId, hash) : undefined),
        storeDataUrl: (dataUrl) => dataUrlHashes.get(dataUrl),
        keepDocument,
        ...(keepDocument ? {} : { pageSuffix: ' (imported)' }),
      })
      if (!records.some((r) => r.typeName === 'page')) throw new ImportError('invalid', 'The file has no page to import')
      for (const [, bytes] of uploads) {
        await assets.put(boardId, oneChunk(bytes), { maxBytes: limits.maxUploadBytes })
      }
      room.importRecords(records, CURRENT_SCHEMA)
      await room.flush()
      return { pages: records.filter((r) => r.typeName === 'page').length, records: records.length }
    } finally {
      rooms.release(room)
    }
  }

  function parseOrRefuse(req: Request): ParsedBoardFile {
    const body = req.body as unknown
    if (!(body instanceof Buffer) || body.byteLength === 0) throw new HttpError(400, ApiErrorCode.badRequest, 'Send the file as the request body')
    try {
      return parseBoardFile(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), limits.maxBoardBytes)
    } catch (error) {
      if (error instanceof ImportError) {
        const status = error.code === 'too_large' ? 413 : error.code === 'unsupported' ? 415 : 422
        throw new HttpError(status, error.code === 'too_large' ? ApiErrorCode.tooLarge : ApiErrorCode.badRequest, error.message)
      }
      throw error
    }
  }

  router.post('/boards/import', raw, async (req, res) => {
    const file = parseOrRefuse(req)
    if (!creations.take(addressOf(req))) throw new HttpError(429, ApiErrorCode.rateLimited, 'Too many boards created from this address')
    const requested = typeof req.query.title === 'string' ? req.query.title.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim() : ''
    const title = (requested || file.title || 'Imported board').slice(0, limits.maxTitleLength)
    const created = await boards.create(title)
    try {
      const result = await importInto(created.record.id, file, true)
      log.info({ board: created.record.id, ...result }, 'board imported')
    } catch (error) {
      await boards.delete(created.record.id)
      throw error
    }
    const body: CreateBoardResponse = { id: created.record.id, title, links: created.links }
    res.status(201).json(body)
  })

  router.post('/boards/:id/import', raw, async (req, res) => {
    const id = await requireFacilitator(req)
    const file = parseOrRefuse(req)
    const result = await importInto(id, file, false)
    log.info({ board: id, ...result }, 'file imported as new pages')
    res.status(201).json(result)
  })

  router.get('/boards/:id/archive', async (req, res) => {
    const id = await requireFacilitator(req)
    const record = await boards.get(id)
    if (!record) throw new HttpError(404, ApiErrorCode.notFound, 'Board not found')
    const live = rooms.loaded(id)
    const doc = live ? live.doc : new Y.Doc()
    try {
      if (!live) for (const entry of await store.load(id)) Y.applyUpdate(doc, entry.update)
      const tldr = toTldrFile(doc)
      const files: Record<string, Uint8Array> = {}
      for (const asset of tldr.records.filter((r) => r.typeName === 'asset')) {
        const hash = /\/assets\/([0-9a-f]{64})$/.exec(String((asset.props as { src?: unknown } | undefined)?.src ?? ''))?.[1]
        const stored = hash ? await assets.get(id, hash) : undefined
        if (hash && stored) files[`assets/${hash}`] = new Uint8Array(await readFile(stored.path))
      }
      const date = new Date().toISOString()
      const contents = {
        title: record.title,
        date: date.slice(0, 10),
        ...reportLanguage(req.query.lang),
        records: readRecords(doc) as unknown as TLRecord[],
        vote: doc.getMap(DocKeys.session).get('vote'),
        ballots: doc.getMap(DocKeys.ballots).toJSON(),
      }
      files['board.tldr'] = strToU8(JSON.stringify(tldr))
      files['report.html'] = strToU8(renderReport('html', contents))
      files['report.csv'] = strToU8(renderReport('csv', contents))
      files['report.md'] = strToU8(renderReport('md', contents))
      files['metadata.json'] = strToU8(
        JSON.stringify(
          {
            format: 'codesign-board/archive',
            version: 1,
            title: record.title,
            boardId: id,
            createdAt: record.createdAt,
            exportedAt: date,
            settings: { groups: record.groups ?? [], notice: record.notice ?? '' },
            versions: await store.listSnapshots(id),
          },
          null,
          2,
        ),
      )
      files['README.txt'] = strToU8(readme(record.title, date))
      // Uploads are already compressed; storing them as they are keeps the zip fast.
      const zip = zipSync(Object.fromEntries(Object.entries(files).map(([name, data]) => [name, [data, { level: name.startsWith('assets/') ? 0 : 6 }]])))
      res.type('application/zip')
      res.attachment(`${record.title.replace(/[^\p{L}\p{N} ._-]+/gu, '_').slice(0, 80) || 'board'} ${date.slice(0, 10)}.zip`)
      res.set('Cache-Control', 'no-store')
      res.send(Buffer.from(zip))
    } finally {
      if (!live) doc.destroy()
    }
  })

  router.use(apiErrorHandler(log))
  return router
}

async function* oneChunk(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes
}

function readme(title: string, date: string): string {
  return [
    `Co-design Board archive: ${title}`,
    `Exported ${date}`,
    '',
    'What is inside:',
    '- board.tldr      the whole board as a tldraw file; open it at tldraw.com or in any tldraw',
    '                  app, or import it into a Co-design Board.',
    '- assets/         the uploaded images and videos, each named by the SHA-256 of its content.',
    '- report.html     the journey maps as a readable, printable page (open in any browser).',
    '- report.csv      one row per card (stage, lane, kind, text, votes by group, author).',
    '- report.md       the same report as plain text (Markdown).',
    '- metadata.json   the board title, dates, settings and its saved versions.',
    '',
  ].join('\n')
}
