/**
 * The process entry point, and the only module with side effects: read the configuration,
 * open storage in the data folder, start the server, flush everything on SIGTERM/SIGINT.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ConfigError, loadConfig } from './config.ts'
import { createLog } from './log.ts'
import { createServer } from './createServer.ts'
import { createSqliteDocumentStore } from './storage/SqliteDocumentStore.ts'
import { createLowdbRegistry } from './storage/LowdbRegistry.ts'
import { StorageError } from './storage/DocumentStore.ts'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`)
      process.exit(2)
    }
    throw error
  }
  const log = createLog(config.logLevel)
  fs.mkdirSync(config.dataDir, { recursive: true })
  const store = await createSqliteDocumentStore({ file: path.join(config.dataDir, 'boards.sqlite'), groupCommitMs: config.groupCommitMs, log })
  const registry = await createLowdbRegistry({ file: path.join(config.dataDir, 'registry.json') })
  const server = createServer({ config, store, registry, log })
  const { url } = await server.listen()
  log.info({ url, dataDir: config.dataDir }, `Co-design Board is running at ${url}`)

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down: saving every board')
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((error: unknown) => {
  // A storage problem is said plainly (e.g. a second server started on the same data folder);
  // anything else is a bug, shown with its stack.
  const cause = error instanceof StorageError && error.cause instanceof Error ? `: ${error.cause.message}` : ''
  const text = error instanceof StorageError ? `${error.message}${cause}` : error instanceof Error ? error.stack : String(error)
  process.stderr.write(`Co-design Board could not start: ${text}\n`)
  process.exit(1)
})
