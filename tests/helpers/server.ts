/**
 * Starts the real server for a test: in this process on a free port (with real SQLite and
 * lowdb storage in a temporary data folder), or as a child process that a test can kill.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { createServer, type AppServer } from '../../server/createServer.ts'
import { loadConfig, type Config } from '../../server/config.ts'
import { createLog } from '../../server/log.ts'
import { createSqliteDocumentStore } from '../../server/storage/SqliteDocumentStore.ts'
import type { DocumentStore } from '../../server/storage/DocumentStore.ts'
import { createLowdbRegistry } from '../../server/storage/LowdbRegistry.ts'
import type { CreateBoardResponse } from '../../shared/api.ts'
import { keyFromHash } from '../../shared/ids.ts'

export const ROOT = path.resolve(import.meta.dirname, '../..')

export type TestServer = {
  url: string
  port: number
  server: AppServer
  dataDir: string
  /** The server's document store (to see what it stored). */
  store: DocumentStore
  close(): Promise<void>
}

/** A server in this process, on port 0, with its data in `dataDir`. */
export async function startServer(
  dataDir: string,
  env: Record<string, string> = {},
  port = 0,
): Promise<TestServer> {
  // CLIENT_DIR from the environment lets a run test a client built elsewhere (vite build --outDir).
  const clientDir = process.env.CLIENT_DIR ? { CLIENT_DIR: process.env.CLIENT_DIR } : {}
  const config: Config = loadConfig({ LOG_LEVEL: 'silent', UNLOAD_GRACE_SECONDS: '1', ...clientDir, ...env, DATA_DIR: dataDir }, ROOT)
  const log = createLog(config.logLevel)
  const store = await createSqliteDocumentStore({ file: path.join(dataDir, 'boards.sqlite'), groupCommitMs: config.groupCommitMs })
  const registry = await createLowdbRegistry({ file: path.join(dataDir, 'registry.json') })
  const server = createServer({ config, store, registry, log })
  const listening = await server.listen(port, '127.0.0.1')
  return { url: listening.url, port: listening.port, server, dataDir, store, close: () => server.close() }
}

export type ChildServer = {
  url: string
  port: number
  process: ChildProcess
  /** Every line the server printed to stdout so far (pino JSON). */
  lines: string[]
  /** Everything it printed to stderr so far. */
  stderr(): string
  kill(signal?: NodeJS.Signals): Promise<void>
}

/**
 * The real `server/index.ts` in a child process; resolves once it listens. It learns the port
 * from the "running at" line, logged at info level: LOG_LEVEL must be info or more verbose.
 */
export async function startChildServer(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  // `node --import tsx`, not the tsx binary: the binary runs the server in a grandchild
  // process, which a SIGKILL of the child would leave running.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/index.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATA_DIR: dataDir, UNLOAD_GRACE_SECONDS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  let buffer = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      let newline
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + 1)
        lines.push(line)
        try {
          const parsed = JSON.parse(line) as { url?: string }
          if (parsed.url) resolve(parsed.url)
        } catch {
          // not JSON: ignore
        }
      }
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)))
    setTimeout(() => reject(new Error(`server did not report listening within 30 s: ${stderr}`)), 30_000).unref()
  })
  return {
    url,
    port: Number(new URL(url).port),
    process: child,
    lines,
    stderr: () => stderr,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
}

/** Creates a board over the API; returns its id and keys. */
export async function createBoardOver(url: string, title = 'Test board') {
  const response = await fetch(`${url}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  })
  if (response.status !== 201) throw new Error(`create board: ${response.status} ${await response.text()}`)
  const body = (await response.json()) as CreateBoardResponse
  const facilitatorKey = keyFromHash(body.links.facilitator.split('#')[1] ?? '')
  const editorKey = keyFromHash(body.links.editor.split('#')[1] ?? '')
  if (!facilitatorKey || !editorKey) throw new Error('links carry no keys')
  return { id: body.id, facilitatorKey, editorKey, links: body.links }
}
