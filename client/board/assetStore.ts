/**
 * The board's tldraw asset store: a dropped, pasted or inserted image or video is uploaded to
 * the server and the document only carries its URL (`/api/boards/<id>/assets/<sha256>`), never
 * the file as a data URL, so a large image costs the others one download, not a huge sync.
 *
 * Reading an asset needs a key of the board; `<img>` cannot send one, so opening the board
 * asks the server for a cookie scoped to this board's assets (`asset-session`). Images wait
 * for it before they load.
 */
import type { TLAssetStore } from 'tldraw'
import { KEY_HEADER } from '../../shared/api.ts'
import {
  assetSessionPath,
  assetsPath,
  isAssetSrc,
  type AssetSessionResponse,
  type UploadAssetResponse,
} from '../../shared/assets.ts'
import { DEFAULT_LIMITS } from '../../shared/limits.ts'
import { translate } from '../i18n/catalog.ts'
import type { MessageKey } from '../i18n/messages/en.ts'

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string

export class UploadError extends Error {
  override readonly name = 'UploadError'
  constructor(
    readonly code: 'tooLarge' | 'unsupportedType' | 'forbidden' | 'failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export type BoardAssetStore = {
  /** Pass as `assets` to `createTLStore`. */
  store: TLAssetStore
  /**
   * Asks for the cookie that lets this board's images load, and learns the server's upload
   * limit. Never rejects: without the cookie images may not show, which a later call retries.
   */
  init(): Promise<{ maxUploadBytes: number }>
}

export function createBoardAssetStore(
  boardId: string,
  key: string,
  {
    /** Messages of thrown errors in the person's language (tldraw logs them and shows a toast). */
    t = (k, values) => translate('en', k, values),
  }: { t?: Translate } = {},
): BoardAssetStore {
  let maxUploadBytes: number = DEFAULT_LIMITS.maxUploadBytes
  let session: Promise<boolean> | undefined

  function openSession(): Promise<boolean> {
    session ??= (async () => {
      const response = await fetch(assetSessionPath(boardId), {
        method: 'POST',
        headers: { [KEY_HEADER]: key },
        credentials: 'same-origin',
        // A server that does not answer must not keep images waiting for long.
        signal: AbortSignal.timeout(10_000),
      })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      const body = (await response.json()) as Partial<AssetSessionResponse>
      if (typeof body.maxUploadBytes === 'number') maxUploadBytes = body.maxUploadBytes
      return true
    })().catch((error: unknown) => {
      // Offline, say: images already in the browser's cache still show; the next image asks again.
      session = undefined
      console.warn('Could not open an asset session; images of this board may not load', error)
      return false
    })
    return session
  }

  const store: TLAssetStore = {
    async upload(_asset, file, abortSignal) {
      await openSession()
      if (file.size > maxUploadBytes) {
        throw new UploadError('tooLarge', t('upload.error.tooLarge', { size: formatMegabytes(maxUploadBytes) }))
      }
      let response: Response
      try {
        response = await fetch(assetsPath(boardId), {
          method: 'POST',
          // The type is only a hint: the server decides by the file's content.
          headers: { [KEY_HEADER]: key, 'content-type': file.type || 'application/octet-stream' },
          body: file,
          signal: abortSignal,
          credentials: 'same-origin',
        })
      } catch (error) {
        if (abortSignal?.aborted) throw error
        throw new UploadError('failed', t('upload.error.failed'), { cause: error })
      }
      if (!response.ok) throw errorForStatus(response.status, maxUploadBytes, t)
      const body = (await response.json()) as Partial<UploadAssetResponse>
      if (typeof body.src !== 'string' || !isAssetSrc(body.src)) throw new UploadError('failed', t('upload.error.failed'))
      return { src: body.src }
    },

    async resolve(asset) {
      const src = asset.props.src
      if (asset.type !== 'image' && asset.type !== 'video') return src
      if (!src) return null
      if (isAssetSrc(src)) {
        await openSession()
        return src
      }
      // An image pasted by an older client may be a data: URL: it needs no request.
      if (src.startsWith('data:image/') || src.startsWith('data:video/')) return src
      // Any other URL would make everyone's browser fetch from another host: not shown.
      return null
    },
  }

  return { store, init: () => openSession().then(() => ({ maxUploadBytes })) }
}

function errorForStatus(status: number, maxUploadBytes: number, t: Translate): UploadError {
  switch (status) {
    case 413:
      return new UploadError('tooLarge', t('upload.error.tooLarge', { size: formatMegabytes(maxUploadBytes) }))
    case 415:
      return new UploadError('unsupportedType', t('upload.error.type'))
    case 403:
      return new UploadError('forbidden', t('upload.error.forbidden'))
    default:
      return new UploadError('failed', t('upload.error.failed'))
  }
}

function formatMegabytes(bytes: number): string {
  return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(bytes / (1024 * 1024))} MB`
}
