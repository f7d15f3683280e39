/**
 * Uploads over real HTTP against the real server and disk: typed by content, bounded in size,
 * stored once per board by hash, readable only with a key of the board (or its cookie), and
 * served so that they can never act as a page of ours.
 */
import { createHmac } from 'node:crypto'
import http from 'node:http'
import { access, mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KEY_HEADER, type ApiError } from '../../shared/api.ts'
import { assetPath, assetSessionPath, assetsPath, type AssetSessionResponse, type UploadAssetResponse } from '../../shared/assets.ts'
import { newBoardId } from '../../shared/ids.ts'
import { ASSET_COOKIE } from '../../server/http/assets.ts'
import { createServer } from '../../server/createServer.ts'
import { loadConfig } from '../../server/config.ts'
import { createLog } from '../../server/log.ts'
import { createMemoryDocumentStore } from '../../server/storage/MemoryDocumentStore.ts'
import { createMemoryRegistry } from '../../server/storage/LowdbRegistry.ts'
import { createTmpDir, type TmpDir } from '../helpers/tmpDir.ts'
import { ROOT, startServer, type TestServer } from '../helpers/server.ts'
import { HTML, MP4_HEAD, SVG, TEXT, makePng } from '../fixtures/media.ts'

let dir: TmpDir
let server: TestServer

beforeEach(async () => {
  dir = await createTmpDir()
  server = await startServer(dir.path)
})

afterEach(async () => {
  await server.close()
  await dir.remove()
})

/** A board made in-process, so the test has all three keys (the API hands out two). */
async function board() {
  const created = await server.server.boards.create('Uploads')
  return { id: created.record.id, ...created.keys }
}

function upload(boardId: string, key: string | undefined, body: Buffer | ReadableStream<Uint8Array>, type = 'image/png') {
  return fetch(server.url + assetsPath(boardId), {
    method: 'POST',
    headers: { 'content-type': type, ...(key ? { [KEY_HEADER]: key } : {}) },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit)
}

async function uploaded(boardId: string, key: string, body: Buffer, type = 'image/png'): Promise<UploadAssetResponse> {
  const response = await upload(boardId, key, body, type)
  expect(response.status).toBeLessThan(300)
  return (await response.json()) as UploadAssetResponse
}

/** The cookie `asset-session` sets for a key, as a Cookie header value, and its attributes. */
async function assetCookie(boardId: string, key: string): Promise<{ cookie: string; setCookie: string }> {
  const response = await fetch(server.url + assetSessionPath(boardId), { method: 'POST', headers: { [KEY_HEADER]: key } })
  expect(response.status).toBe(200)
  expect(((await response.json()) as AssetSessionResponse).maxUploadBytes).toBe(10 * 1024 * 1024)
  const setCookie = response.headers.getSetCookie()[0] ?? ''
  return { cookie: setCookie.split(';')[0] ?? '', setCookie }
}

async function errorOf(response: Response): Promise<ApiError> {
  return (await response.json()) as ApiError
}

/** A request with its path sent exactly as written (fetch would normalize `..`). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: server.port, path, headers }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    request.on('error', reject)
    request.end()
  })
}

describe('uploading', () => {
  it('an editor uploads a PNG and it is served with its type and the protective headers', async () => {
    const b = await board()
    const png = makePng(64, 48)
    const response = await upload(b.id, b.editor, png)
    expect(response.status).toBe(201)
    const body = (await response.json()) as UploadAssetResponse
    expect(body.src).toBe(assetPath(b.id, body.hash))
    expect(body).toMatchObject({ type: 'image/png', size: png.length })
    expect(body.hash).toMatch(/^[0-9a-f]{64}$/)

    const { cookie } = await assetCookie(b.id, b.viewer)
    const served = await fetch(server.url + body.src, { headers: { cookie } })
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer())).toEqual(png)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(served.headers.get('x-content-type-options')).toBe('nosniff')
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
    expect(served.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
    expect(served.headers.get('content-disposition')).toBe(`inline; filename="${body.hash}.png"`)
  })

  it('the same file uploaded twice has the same hash and is stored once', async () => {
    const b = await board()
    const png = makePng(30, 30, [200, 10, 10])
    const first = await upload(b.id, b.editor, png)
    const second = await upload(b.id, b.facilitator, png, 'application/octet-stream')
    expect(first.status).toBe(201)
    expect(second.status).toBe(200)
    const [one, two] = (await Promise.all([first.json(), second.json()])) as UploadAssetResponse[]
    expect(two?.hash).toBe(one?.hash)
    expect(await readdir(join(dir.path, 'assets', b.id))).toEqual([one?.hash])
  })

  it('a file that is not an image is refused whatever its name or declared type', async () => {
    const b = await board()
    for (const [body, type] of [
      [TEXT, 'image/png'],
      [HTML, 'image/png'],
      [HTML, 'text/html'],
    ] as const) {
      const response = await upload(b.id, b.editor, body, type)
      expect(response.status).toBe(415)
      expect((await errorOf(response)).error).toBe('unsupported_type')
    }
    expect(await readdir(join(dir.path, 'assets', b.id))).toEqual([])
  })

  it('an SVG is accepted but served as a download, never as a page', async () => {
    const b = await board()
    const body = await uploaded(b.id, b.editor, SVG, 'image/svg+xml')
    expect(body.type).toBe('image/svg+xml')
    const served = await fetch(server.url + body.src, { headers: { [KEY_HEADER]: b.editor } })
    expect(served.headers.get('content-type')).toBe('image/svg+xml')
    expect(served.headers.get('content-disposition')).toBe(`attachment; filename="${body.hash}.svg"`)
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
  })

  it('a video can be read in ranges, as browsers do to play and seek', async () => {
    const b = await board()
    const video = Buffer.concat([MP4_HEAD, Buffer.alloc(5000, 7)])
    const body = await uploaded(b.id, b.editor, video, 'video/mp4')
    expect(body.type).toBe('video/mp4')
    const part = await fetch(server.url + body.src, { headers: { [KEY_HEADER]: b.editor, range: 'bytes=4-11' } })
    expect(part.status).toBe(206)
    expect(Buffer.from(await part.arrayBuffer()).toString('ascii')).toBe('ftypisom')
  })

  it('only facilitators and editors may upload', async () => {
    const b = await board()
    const png = makePng(8, 8)
    const viewer = await upload(b.id, b.viewer, png)
    expect(viewer.status).toBe(403)
    expect((await errorOf(viewer)).error).toBe('forbidden')
    const wrong = await upload(b.id, 'A'.repeat(32), png)
    expect(wrong.status).toBe(403)
    expect((await errorOf(wrong)).error).toBe('invalid_key')
    expect((await upload(b.id, undefined, png)).status).toBe(403)
    expect((await upload(newBoardId(), b.editor, png)).status).toBe(404)
    expect((await upload('not-a-board', b.editor, png)).status).toBe(400)
    expect(await readdir(join(dir.path, 'assets')).catch(() => [])).toEqual([])
  })
})

describe('the upload limit', () => {
  beforeEach(async () => {
    await server.close()
    server = await startServer(dir.path, { MAX_UPLOAD_BYTES: '4096' })
  })

  it('a file past MAX_UPLOAD_BYTES is refused with 413 and a clear error, and the server carries on', async () => {
    const b = await board()
    const big = makePng(200, 200, [1, 2, 3]) // random-free but far past 4 KiB raw
    const declared = Buffer.concat([big, Buffer.alloc(8192)])
    const response = await upload(b.id, b.editor, declared)
    expect(response.status).toBe(413)
    expect(await errorOf(response)).toEqual({ error: 'too_large', message: 'The file is larger than the limit of 4096 bytes' })

    // Sent in chunks without a declared length: refused once it passes the limit.
    const chunks = Array.from({ length: 8 }, (_, i) => (i === 0 ? makePng(2, 2) : Buffer.alloc(1024, i)))
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift()
        if (next) controller.enqueue(next)
        else controller.close()
      },
    })
    const streamed = await upload(b.id, b.editor, stream)
    expect(streamed.status).toBe(413)
    expect(await readdir(join(dir.path, 'assets', b.id))).toEqual([])

    const small = await upload(b.id, b.editor, makePng(4, 4))
    expect(small.status).toBe(201)
  })
})

describe('reading', () => {
  it('needs the cookie of asset-session or a key of the board', async () => {
    const b = await board()
    const { src } = await uploaded(b.id, b.editor, makePng(10, 10))
    const anonymous = await fetch(server.url + src)
    expect(anonymous.status).toBe(403)
    expect(await anonymous.text()).not.toContain('PNG')
    expect((await fetch(server.url + src, { headers: { [KEY_HEADER]: 'A'.repeat(32) } })).status).toBe(403)
    expect((await fetch(server.url + src, { headers: { cookie: `${ASSET_COOKIE}=forged` } })).status).toBe(403)

    const { cookie, setCookie } = await assetCookie(b.id, b.viewer)
    expect(setCookie).toContain(`Path=${assetsPath(b.id)}`)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')
    expect((await fetch(server.url + src, { headers: { cookie } })).status).toBe(200)
    expect((await fetch(server.url + src, { headers: { [KEY_HEADER]: b.viewer } })).status).toBe(200)
  })

  it("one board's cookie does not open another board's assets", async () => {
    const [mine, theirs] = [await board(), await board()]
    const { src } = await uploaded(theirs.id, theirs.editor, makePng(12, 12))
    const { cookie } = await assetCookie(mine.id, mine.facilitator)
    expect((await fetch(server.url + src, { headers: { cookie } })).status).toBe(403)
    // The same file on my board is mine to read: assets are per board even when equal.
    expect((await fetch(server.url + assetPath(mine.id, src.slice(-64)), { headers: { cookie } })).status).toBe(404)
  })

  it('the cookie still works after a restart (the secret is kept in the data folder)', async () => {
    const b = await board()
    const { src } = await uploaded(b.id, b.editor, makePng(9, 9))
    const { cookie } = await assetCookie(b.id, b.editor)
    await server.close()
    server = await startServer(dir.path)
    expect((await fetch(server.url + src, { headers: { cookie } })).status).toBe(200)
  })

  it('asset-session needs a valid key', async () => {
    const b = await board()
    const post = (id: string, key?: string) =>
      fetch(server.url + assetSessionPath(id), { method: 'POST', headers: key ? { [KEY_HEADER]: key } : {} })
    const refused = await post(b.id, 'B'.repeat(32))
    expect(refused.status).toBe(403)
    expect(refused.headers.getSetCookie()).toEqual([])
    expect((await post(b.id)).status).toBe(403)
    expect((await post(newBoardId(), b.editor)).status).toBe(404)
  })

  it('malformed names and path tricks are refused and never reach another file', async () => {
    const b = await board()
    await uploaded(b.id, b.editor, makePng(3, 3))
    await assetCookie(b.id, b.editor) // makes the secret file
    const secret = await readFile(join(dir.path, 'secret'), 'utf8')
    const registry = await readFile(join(dir.path, 'registry.json'), 'utf8')
    const base = assetsPath(b.id)
    const attempts = [
      `${base}/../../../../secret`,
      `${base}/..%2F..%2F..%2F..%2Fsecret`,
      `${base}/%2e%2e%2f%2e%2e%2fregistry.json`,
      `${base}/..%5c..%5csecret`,
      `${base}/${'a'.repeat(63)}`,
      `${base}/${'A'.repeat(64)}`,
      `${base}/.upload-0123456789abcdef`,
      `/api/boards/..%2F..%2Fsecret/assets/${'a'.repeat(64)}`,
      `/api/boards/${'.'.repeat(16)}/assets/${'a'.repeat(64)}`,
    ]
    for (const path of attempts) {
      const response = await rawGet(path, { [KEY_HEADER]: b.editor })
      expect([400, 404], path).toContain(response.status)
      expect(response.body).not.toContain(secret.trim())
      expect(response.body).not.toContain(registry.slice(0, 40))
    }
    expect((await rawGet(`${base}/${'f'.repeat(64)}`, { [KEY_HEADER]: b.editor })).status).toBe(404)
  })
})

describe('deleting a board', () => {
  it("deleteBoardAssets removes the board's folder and leaves other boards alone", async () => {
    const [gone, kept] = [await board(), await board()]
    const { src } = await uploaded(gone.id, gone.editor, makePng(20, 20))
    const other = await uploaded(kept.id, kept.editor, makePng(21, 21))
    await server.server.assets.deleteBoardAssets(gone.id)
    expect(await readdir(join(dir.path, 'assets'))).toEqual([kept.id])
    expect((await fetch(server.url + src, { headers: { [KEY_HEADER]: gone.editor } })).status).toBe(404)
    expect((await fetch(server.url + other.src, { headers: { [KEY_HEADER]: kept.editor } })).status).toBe(200)
  })
})

describe('a server given its own collaborators', () => {
  it('signs cookies with an injected secret and takes no uploads from editors while the board is locked', async () => {
    const registry = await createMemoryRegistry()
    const dataDir = dir.file('injected')
    await mkdir(dataDir)
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir }, ROOT)
    const secret = Buffer.alloc(32, 7)
    const app = createServer({ config, store: createMemoryDocumentStore(), registry, log: createLog('silent'), secret })
    const { url } = await app.listen(0, '127.0.0.1')
    try {
      const created = await app.boards.create('Locked')
      const id = created.record.id
      const session = await fetch(url + assetSessionPath(id), { method: 'POST', headers: { [KEY_HEADER]: created.keys.editor } })
      const expected = createHmac('sha256', secret).update(`assets:${id}`).digest('base64url')
      expect(session.headers.getSetCookie()[0]).toMatch(new RegExp(`^${ASSET_COOKIE}=${expected};`))
      await expect(access(join(dataDir, 'secret'))).rejects.toThrow()

      await registry.update(id, { locked: true })
      const post = (key: string) =>
        fetch(url + assetsPath(id), { method: 'POST', headers: { [KEY_HEADER]: key }, body: makePng(7, 7) } as RequestInit)
      const editor = await post(created.keys.editor)
      expect(editor.status).toBe(403)
      expect(await errorOf(editor)).toEqual({ error: 'forbidden', message: 'The board is locked' })
      expect((await post(created.keys.facilitator)).status).toBe(201)
    } finally {
      await app.close()
    }
  })
})
