/**
 * Uploaded images and videos on disk, content-addressed per board:
 * `<dir>/<boardId>/<sha256 hex>`. The same file uploaded twice is stored once.
 *
 * An upload streams to a temporary file in the board's folder (never whole in memory: a
 * session of forty people may upload at once), is typed from its first bytes, fsynced, and
 * renamed into place, so a stored asset is always complete. Paths are built only from a
 * validated board id and a hex hash. The media type is not stored beside the file: it is a
 * function of the content, which never changes, so it is sniffed again when served.
 */
import { createHash, randomBytes } from 'node:crypto'
import { access, mkdir, open, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { isAssetHash, type MediaType } from '../../shared/assets.ts'
import { isBoardId } from '../../shared/ids.ts'
import { StorageError } from './DocumentStore.ts'
import { SNIFF_BYTES, sniffMediaType } from './mediaType.ts'

export class AssetError extends Error {
  override readonly name = 'AssetError'
  constructor(
    readonly code: 'tooLarge' | 'unsupportedType',
    message: string,
  ) {
    super(message)
  }
}

export type StoredAsset = { hash: string; type: MediaType; size: number; /** False when it was already stored. */ created: boolean }
export type AssetFile = { path: string; type: MediaType; size: number }

export type AssetStore = ReturnType<typeof createAssetStore>

export function createAssetStore({ dir }: { dir: string }) {
  const root = path.resolve(dir)

  function boardDir(boardId: string): string {
    // Callers validate at the boundary; this is the second lock on the file system's door.
    if (!isBoardId(boardId)) throw new TypeError('not a board id')
    return path.join(root, boardId)
  }

  function assetFile(boardId: string, hash: string): string {
    if (!isAssetHash(hash)) throw new TypeError('not an asset hash')
    return path.join(boardDir(boardId), hash)
  }

  /**
   * Stores the bytes of `body` for a board. Throws AssetError `tooLarge` past `maxBytes` and
   * `unsupportedType` as soon as the first bytes show it is no image or video we accept;
   * nothing is left behind either way.
   */
  async function put(boardId: string, body: AsyncIterable<Uint8Array>, { maxBytes }: { maxBytes: number }): Promise<StoredAsset> {
    const folder = boardDir(boardId)
    await mkdir(folder, { recursive: true })
    // Dot-prefixed and never 64 hex characters: a temporary file can never be served.
    const temp = path.join(folder, `.upload-${randomBytes(8).toString('hex')}`)
    const hash = createHash('sha256')
    let size = 0
    let head = Buffer.alloc(0)
    let type: MediaType | undefined
    const sniff = () => {
      type = sniffMediaType(head)
      if (!type) throw new AssetError('unsupportedType', 'The file is not an image or video of a supported type')
    }
    let renamed = false
    try {
      const handle = await open(temp, 'wx', 0o600)
      try {
        for await (const chunk of body) {
          size += chunk.byteLength
          if (size > maxBytes) throw new AssetError('tooLarge', `The file is larger than ${maxBytes} bytes`)
          if (!type) {
            head = Buffer.concat([head, chunk]).subarray(0, SNIFF_BYTES)
            if (head.length >= SNIFF_BYTES) sniff()
          }
          hash.update(chunk)
          await handle.write(chunk)
        }
        if (!type) sniff()
        await handle.sync()
      } finally {
        await handle.close()
      }
      const digest = hash.digest('hex')
      const final = assetFile(boardId, digest)
      const created = !(await exists(final))
      if (created) {
        await rename(temp, final)
        renamed = true
        await syncDirectory(folder)
      }
      return { hash: digest, type: type as MediaType, size, created }
    } catch (error) {
      if (error instanceof AssetError || error instanceof StorageError) throw error
      throw new StorageError('io', `could not store an asset of board ${boardId}`, { cause: error })
    } finally {
      if (!renamed) await rm(temp, { force: true })
    }
  }

  /** The stored asset's file and type, or undefined when the board has no such asset. */
  async function get(boardId: string, hash: string): Promise<AssetFile | undefined> {
    const file = assetFile(boardId, hash)
    let handle
    try {
      handle = await open(file, 'r')
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return undefined
      throw new StorageError('io', `could not open asset ${hash} of board ${boardId}`, { cause: error })
    }
    try {
      const { size } = await handle.stat()
      const head = Buffer.alloc(Math.min(SNIFF_BYTES, size))
      await handle.read(head, 0, head.length, 0)
      const type = sniffMediaType(head)
      // Stored files were all sniffed on the way in; one that no longer passes is not served.
      return type ? { path: file, type, size } : undefined
    } finally {
      await handle.close()
    }
  }

  /** Deletes every asset of a board (and any upload it left half done). Safe to call twice. */
  async function deleteBoardAssets(boardId: string): Promise<void> {
    await rm(boardDir(boardId), { recursive: true, force: true })
  }

  return { put, get, deleteBoardAssets, dir: root }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file)
    return true
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false
    throw error
  }
}

/** Makes a rename in `dir` durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } catch (error) {
    // Some platforms cannot fsync a directory; there the rename is as durable as it can be made.
    if (!isErrno(error, 'EPERM') && !isErrno(error, 'EINVAL') && !isErrno(error, 'EISDIR')) throw error
  } finally {
    await handle.close()
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code
}
