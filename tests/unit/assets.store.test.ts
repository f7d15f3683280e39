/**
 * The asset store on a real disk, and the server secret that signs asset cookies.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MediaType } from '../../shared/assets.ts'
import { newBoardId } from '../../shared/ids.ts'
import { AssetError, createAssetStore, type AssetStore } from '../../server/storage/AssetStore.ts'
import { loadOrCreateSecret, lazySecret } from '../../server/storage/secret.ts'
import { StorageError } from '../../server/storage/DocumentStore.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'
import { HTML, makePng } from '../fixtures/media.ts'

let dir: TmpDir
let assets: AssetStore

beforeEach(async () => {
  dir = await createTmpDir()
  assets = createAssetStore({ dir: dir.file('assets') })
})

afterEach(async () => {
  await dir.remove()
})

async function* chunks(buffer: Buffer, size = 1000): AsyncIterable<Uint8Array> {
  for (let at = 0; at < buffer.length; at += size) yield buffer.subarray(at, at + size)
}

describe('the asset store', () => {
  it('stores a file under its SHA-256 in the board folder, once however often it is uploaded', async () => {
    const board = newBoardId()
    const png = makePng(200, 100)
    const first = await assets.put(board, chunks(png), { maxBytes: 1 << 20 })
    const again = await assets.put(board, chunks(png, 7), { maxBytes: 1 << 20 })
    const hash = createHash('sha256').update(png).digest('hex')
    expect(first).toEqual({ hash, type: MediaType.png, size: png.length, created: true })
    expect(again).toEqual({ ...first, created: false })
    expect(await readdir(join(assets.dir, board))).toEqual([hash])
    expect(await readFile(join(assets.dir, board, hash))).toEqual(png)
    expect(await assets.get(board, hash)).toEqual({ path: join(assets.dir, board, hash), type: MediaType.png, size: png.length })
  })

  it('refuses a file past the limit and leaves nothing behind', async () => {
    const board = newBoardId()
    const png = makePng(300, 300, [1, 2, 3])
    await expect(assets.put(board, chunks(png), { maxBytes: png.length - 1 })).rejects.toMatchObject({ code: 'tooLarge' })
    expect(await readdir(join(assets.dir, board))).toEqual([])
  })

  it('refuses a file that is no accepted type as soon as its first bytes are in', async () => {
    const board = newBoardId()
    let pulled = 0
    async function* endless(): AsyncIterable<Uint8Array> {
      for (;;) {
        pulled++
        yield HTML
      }
    }
    const error = await assets.put(board, endless(), { maxBytes: 1 << 30 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AssetError)
    expect((error as AssetError).code).toBe('unsupportedType')
    expect(pulled * HTML.length).toBeLessThan(16_384)
    expect(await readdir(join(assets.dir, board))).toEqual([])
  })

  it('answers undefined for an asset the board does not have', async () => {
    const board = newBoardId()
    const { hash } = await assets.put(board, chunks(makePng(4, 4)), { maxBytes: 1 << 20 })
    expect(await assets.get(newBoardId(), hash)).toBeUndefined()
    expect(await assets.get(board, 'f'.repeat(64))).toBeUndefined()
  })

  it('builds no path from anything but a board id and a hex hash', async () => {
    await expect(assets.get('../../etc', 'a'.repeat(64))).rejects.toThrow(TypeError)
    await expect(assets.get(newBoardId(), '../secret')).rejects.toThrow(TypeError)
    await expect(assets.put('..', chunks(makePng(1, 1)), { maxBytes: 100 })).rejects.toThrow(TypeError)
    await expect(assets.deleteBoardAssets('')).rejects.toThrow(TypeError)
  })

  it('deletes every asset of one board and no other, and may be asked twice', async () => {
    const [a, b] = [newBoardId(), newBoardId()]
    await assets.put(a, chunks(makePng(5, 5)), { maxBytes: 1 << 20 })
    const kept = await assets.put(b, chunks(makePng(6, 6)), { maxBytes: 1 << 20 })
    await assets.deleteBoardAssets(a)
    await assets.deleteBoardAssets(a)
    expect(await readdir(assets.dir)).toEqual([b])
    expect(await assets.get(b, kept.hash)).toBeDefined()
  })
})

describe('the server secret', () => {
  it('is made once, 32 random bytes, readable only by the server', async () => {
    const file = dir.file('secret')
    const made = await loadOrCreateSecret(file)
    expect(made.length).toBe(32)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect(await loadOrCreateSecret(file)).toEqual(made)
    expect(await readdir(dir.path)).toEqual(['secret'])
  })

  it('is the same for every caller that asks at once', async () => {
    const load = lazySecret(dir.file('secret'))
    const [a, b, c] = await Promise.all([load(), load(), loadOrCreateSecret(dir.file('secret'))])
    expect(a).toEqual(b)
    expect(a).toEqual(c)
  })

  it('refuses a damaged secret file rather than making up a new one', async () => {
    await writeFile(dir.file('secret'), 'not hex\n')
    await expect(loadOrCreateSecret(dir.file('secret'))).rejects.toBeInstanceOf(StorageError)
  })
})
