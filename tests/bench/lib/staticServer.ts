/**
 * A small static file server for the plain-tldraw page of the client scenario, with extra
 * JSON documents served from memory (the records to show). Bench only.
 */
import http from 'node:http'
import { readFile } from 'node:fs/promises'
import path from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
}

export type StaticServer = { url: string; close(): Promise<void> }

export async function serveStatic(root: string, extra: Record<string, string> = {}): Promise<StaticServer> {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
    const body = extra[pathname]
    if (body !== undefined) {
      res.writeHead(200, { 'content-type': TYPES['.json'] ?? 'application/json' }).end(body)
      return
    }
    const file = path.join(root, pathname === '/' ? 'index.html' : pathname)
    if (!file.startsWith(root)) {
      res.writeHead(403).end()
      return
    }
    readFile(file).then(
      (data) => res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(data),
      () => res.writeHead(404).end(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
