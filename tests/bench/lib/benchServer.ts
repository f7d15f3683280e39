/**
 * The server under test: the real `server/index.ts` as a child process with durable SQLite
 * storage in a fresh temporary data folder, exactly as it runs in production. Scenarios get
 * a launcher rather than starting it themselves, so that other servers can be compared by
 * passing another launcher.
 */
import { createTmpDir } from '../../helpers/tmpDir.ts'
import { startChildServer } from '../../helpers/server.ts'
import { DEFAULT_LIMITS } from '../../../shared/limits.ts'
import { probeProcess, type ProcessProbe } from './proc.ts'

export type ServerUnderTest = {
  /** What the tables call this server. */
  readonly label: string
  readonly url: string
  readonly probe: ProcessProbe
  /** What the server logged at warn level or above so far (slow consumers, errors), by message. */
  warnings(): { message: string; count: number; example: string }[]
  /** Why the server exited on its own (a crash), or null while it runs. */
  crashed(): string | null
  /** Stops the server with SIGTERM (it flushes every board) and removes its data. */
  stop(): Promise<StopResult>
}

export type StopResult = { exitCode: number | null; signal: string | null; killed: boolean }

export type ServerLauncher = (options: { connections: number }) => Promise<ServerUnderTest>

/** pino's numeric level for warn. */
const WARN_LEVEL = 40
/** A clean shutdown flushes every board; past this it is considered hung and killed. */
const STOP_TIMEOUT_MS = 15_000

/**
 * Our server. LOG_LEVEL stays at info, the production default: `startChildServer` learns the
 * port from the "running at" line, which is logged at info, and at info the server logs
 * nothing per message (only start, shutdown, board created and refused connections).
 */
export const startCodesignServer: ServerLauncher = async ({ connections }) => {
  const dir = await createTmpDir('codesign-bench-')
  const env: Record<string, string> = { LOG_LEVEL: 'info' }
  // Every benchmark client comes from 127.0.0.1; in production they come from many addresses.
  if (connections > DEFAULT_LIMITS.maxConnectionsPerAddress - 10) {
    env.MAX_CONNECTIONS_PER_ADDRESS = String(connections + 10)
  }
  let child
  try {
    child = await startChildServer(dir.path, env)
  } catch (error) {
    await dir.remove()
    throw error
  }
  const server = child
  const pid = server.process.pid
  if (pid === undefined) throw new Error('server process has no pid')
  // Kept for the report should the server die during the run (the helper keeps its own copy).
  let stderr = ''
  server.process.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  let stopping = false
  let exit: string | null = null
  server.process.once('exit', (code, signal) => {
    if (!stopping) exit = `server exited with code ${code} signal ${signal}: ${stderr.trim() || '(no stderr)'}`
  })
  return {
    label: 'codesign',
    url: server.url,
    probe: probeProcess(pid),
    warnings: () => groupWarnings(server.lines),
    crashed: () => exit,
    async stop() {
      stopping = true
      let killed = false
      const stopped = await Promise.race([
        server.kill('SIGTERM').then(() => true),
        new Promise<false>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS, false).unref()),
      ])
      if (!stopped) {
        killed = true
        await server.kill('SIGKILL')
      }
      await dir.remove()
      return { exitCode: server.process.exitCode, signal: server.process.signalCode, killed }
    },
  }
}

function groupWarnings(lines: readonly string[]): { message: string; count: number; example: string }[] {
  const groups = new Map<string, { message: string; count: number; example: string }>()
  for (const line of lines) {
    let level = Number.POSITIVE_INFINITY
    let message = line
    try {
      const parsed = JSON.parse(line) as { level?: unknown; msg?: unknown }
      level = typeof parsed.level === 'number' ? parsed.level : 0
      message = typeof parsed.msg === 'string' ? parsed.msg : line
    } catch {
      // Not a pino line (a crash trace, say): worth showing as it is.
    }
    if (level < WARN_LEVEL) continue
    const group = groups.get(message) ?? { message, count: 0, example: line }
    group.count += 1
    groups.set(message, group)
  }
  return [...groups.values()].sort((a, b) => b.count - a.count)
}
