/**
 * The servers a scenario compares, each as a child process on a free port of 127.0.0.1:
 * - codesign: our `server/index.ts`, durable SQLite storage in a fresh data folder, keys
 *   checked, exactly as in production (only limits meant for many addresses are raised);
 * - reference: `@y/websocket-server` 0.1.1 in memory (referenceServer.ts);
 * - floor: a bare relay (floorRelay.ts).
 * Every child is started with `--expose-gc` and memoryProbe.ts preloaded, so memory can be
 * read after a full collection; with `cpuProfileDir` it also writes a V8 CPU profile on exit.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { createBoardOver } from '../../helpers/server.ts'
import { createTmpDir, type TmpDir } from '../../helpers/tmpDir.ts'
import { KEY_SUBPROTOCOL_PREFIX, SUBPROTOCOL, WS_PREFIX } from '../../../shared/protocol.ts'
import { newBoardId } from '../../../shared/ids.ts'
import { MEMORY_LINE_PREFIX } from './memoryProbe.ts'
import { probeProcess, type ProcessProbe } from './proc.ts'

export const ROOT = path.resolve(import.meta.dirname, '../../..')

export const ServerKind = { codesign: 'codesign', reference: 'reference', floor: 'floor' } as const
export type ServerKind = (typeof ServerKind)[keyof typeof ServerKind]

/** How clients reach one board (a room) of a server. */
export type BoardAccess = {
  id: string
  /** The websocket request path. */
  path: string
  /** Subprotocols to offer: our server needs its protocol and a key; the others none. */
  protocols(role: 'facilitator' | 'editor'): string[]
}

/** process.memoryUsage() of the server after a full garbage collection. */
export type NodeMemory = { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number }

export type StopResult = { exitCode: number | null; signal: string | null; killed: boolean }

export type BenchServer = {
  readonly kind: ServerKind
  readonly url: string
  readonly probe: ProcessProbe
  /** Every line the server printed on stdout so far (pino JSON lines for ours). */
  readonly lines: readonly string[]
  /** Our server's data folder; undefined for the in-memory ones. */
  readonly dataDir: string | undefined
  createBoard(title: string): Promise<BoardAccess>
  /** Memory after a full GC (asks the preloaded probe). */
  memoryAfterGc(): Promise<NodeMemory>
  /** Bytes the process caused to be written to storage so far (/proc/<pid>/io write_bytes). */
  writeBytes(): number
  /** What the server logged at warn level or above, by message. */
  warnings(): { message: string; count: number; example: string }[]
  /** Why the server exited on its own, or null while it runs. */
  crashed(): string | null
  /** Stops the server (SIGTERM: ours flushes every board) and removes its data. */
  stop(): Promise<StopResult>
}

export type LaunchOptions = {
  /** Environment for our server (limits, grace periods); ignored by the others. */
  env?: Record<string, string>
  /** Write a V8 CPU profile of the server into this folder when it exits. */
  cpuProfileDir?: string
  /**
   * Our server's entry file, to compare a modified copy (a candidate change) side by side with
   * the current one. Defaults to server/index.ts; the env BENCH_CODESIGN_ENTRY overrides it.
   */
  entry?: string
}

const ENTRIES: Record<ServerKind, string> = {
  codesign: path.join(ROOT, 'server/index.ts'),
  reference: path.join(import.meta.dirname, 'referenceServer.ts'),
  floor: path.join(import.meta.dirname, 'floorRelay.ts'),
}

/** pino's numeric level for warn. */
const WARN_LEVEL = 40
/** A clean shutdown flushes every board; past this it is considered hung and killed. */
const STOP_TIMEOUT_MS = 20_000
const START_TIMEOUT_MS = 30_000

/**
 * Our server's settings for the benchmark: what production would have, except the limits a
 * thousand clients from one address would hit (in production they come from many addresses).
 */
export function codesignEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    LOG_LEVEL: 'info',
    MAX_CONNECTIONS_PER_ADDRESS: '100000',
    MAX_BOARD_CREATIONS_PER_HOUR: '100000',
    MAX_FAILED_KEY_ATTEMPTS_PER_MINUTE: '100000',
    ...extra,
  }
}

export async function startServer(kind: ServerKind, options: LaunchOptions = {}): Promise<BenchServer> {
  const dir: TmpDir | undefined = kind === 'codesign' ? await createTmpDir('codesign-bench-') : undefined
  const env: NodeJS.ProcessEnv = { ...process.env }
  if (dir) {
    Object.assign(env, { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir.path }, codesignEnv(options.env))
  }
  const nodeArgs = ['--expose-gc', '--import', 'tsx', '--import', path.join(import.meta.dirname, 'memoryProbe.ts')]
  if (options.cpuProfileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`)
  const entry = kind === 'codesign' ? (options.entry ?? process.env.BENCH_CODESIGN_ENTRY ?? ENTRIES.codesign) : ENTRIES[kind]
  const child = spawn(process.execPath, [...nodeArgs, entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const pid = child.pid
  if (pid === undefined) throw new Error(`${kind} server did not start`)

  const lines: string[] = []
  let stdoutBuffer = ''
  let stderrBuffer = ''
  let stderrTail = ''
  const memoryWaiters: ((memory: NodeMemory) => void)[] = []
  child.stderr.on('data', (chunk: Buffer) => {
    stderrBuffer += chunk.toString()
    let newline
    while ((newline = stderrBuffer.indexOf('\n')) >= 0) {
      const line = stderrBuffer.slice(0, newline)
      stderrBuffer = stderrBuffer.slice(newline + 1)
      if (line.startsWith(MEMORY_LINE_PREFIX)) {
        const memory = JSON.parse(line.slice(MEMORY_LINE_PREFIX.length)) as NodeMemory
        memoryWaiters.shift()?.(memory)
      } else {
        stderrTail = `${stderrTail}${line}\n`.slice(-4000)
      }
    }
  })
  let stopping = false
  let exit: string | null = null
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) exit = `${kind} server exited with code ${code} signal ${signal}: ${stderrTail.trim() || '(no stderr)'}`
      resolve()
    }),
  )
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not report listening: ${stderrTail}`)), START_TIMEOUT_MS)
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBuffer += chunk.toString()
      let newline
      while ((newline = stdoutBuffer.indexOf('\n')) >= 0) {
        const line = stdoutBuffer.slice(0, newline)
        stdoutBuffer = stdoutBuffer.slice(newline + 1)
        lines.push(line)
        try {
          const parsed = JSON.parse(line) as { url?: unknown }
          if (typeof parsed.url === 'string') {
            clearTimeout(timer)
            resolve(parsed.url)
          }
        } catch {
          // not JSON: kept in lines
        }
      }
    })
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(exit ?? `${kind} server exited before listening`))
    })
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL')
    await dir?.remove()
    throw error
  })

  return {
    kind,
    url,
    probe: probeProcess(pid),
    lines,
    dataDir: dir?.path,
    async createBoard(title) {
      if (kind === 'codesign') {
        const board = await createBoardOver(url, title)
        const keys = { facilitator: board.facilitatorKey, editor: board.editorKey }
        return { id: board.id, path: `${WS_PREFIX}${board.id}`, protocols: (role) => [SUBPROTOCOL, KEY_SUBPROTOCOL_PREFIX + keys[role]] }
      }
      const id = newBoardId()
      return { id, path: `${WS_PREFIX}${id}`, protocols: () => [] }
    },
    memoryAfterGc() {
      return new Promise<NodeMemory>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${kind} server did not report its memory`)), 10_000)
        memoryWaiters.push((memory) => {
          clearTimeout(timer)
          resolve(memory)
        })
        child.kill('SIGUSR2')
      })
    },
    writeBytes() {
      const match = /^write_bytes:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))
      if (!match?.[1]) throw new Error(`no write_bytes in /proc/${pid}/io`)
      return Number(match[1])
    },
    warnings: () => groupWarnings(lines),
    crashed: () => exit,
    async stop() {
      stopping = true
      let killed = false
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<false>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS, false).unref()),
      ])
      if (!stopped) {
        killed = true
        child.kill('SIGKILL')
        await exited
      }
      await dir?.remove()
      return { exitCode: child.exitCode, signal: child.signalCode, killed }
    },
  }
}

function groupWarnings(lines: readonly string[]): { message: string; count: number; example: string }[] {
  const groups = new Map<string, { message: string; count: number; example: string }>()
  for (const line of lines) {
    let level = Number.POSITIVE_INFINITY
    let message = line
    try {
      const parsed = JSON.parse(line) as { level?: unknown; msg?: unknown; url?: unknown }
      if (typeof parsed.url === 'string' && parsed.level === undefined) continue
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

/** Log lines of ours with this `msg` (pino JSON), optionally only for one board. */
export function countLogLines(lines: readonly string[], msg: string, board?: string): number {
  let count = 0
  for (const line of lines) {
    if (!line.includes(msg)) continue
    try {
      const parsed = JSON.parse(line) as { msg?: unknown; board?: unknown }
      if (parsed.msg === msg && (board === undefined || parsed.board === board)) count += 1
    } catch {
      // not JSON
    }
  }
  return count
}
