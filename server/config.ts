/**
 * Configuration from environment variables, validated once at start. A bad value stops the
 * server with a message naming the variable, rather than running with a surprise.
 */
import path from 'node:path'
import { DEFAULT_LIMITS, type Limits } from '../shared/limits.ts'
import { DEFAULT_GROUP_COMMIT_MS } from './storage/SqliteDocumentStore.ts'

export type Config = {
  port: number
  host: string
  dataDir: string
  /** Folder of the built client; served when it exists. */
  clientDir: string
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Behind a reverse proxy, trust X-Forwarded-For for the client's address. */
  trustProxy: boolean
  /**
   * How long an update waits to share its storage commit with others (GROUP_COMMIT_MS): fewer,
   * larger commits write far less to disk; an edit is reported saved up to this much later.
   */
  groupCommitMs: number
  limits: Limits
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

/** Environment variable for each limit; documented in the README's configuration table. */
export const LIMIT_ENV: Record<keyof Limits, string> = {
  maxPayloadBytes: 'MAX_PAYLOAD_BYTES',
  maxBoardBytes: 'MAX_BOARD_BYTES',
  maxConnectionsPerBoard: 'MAX_CONNECTIONS_PER_BOARD',
  maxConnectionsPerAddress: 'MAX_CONNECTIONS_PER_ADDRESS',
  maxTitleLength: 'MAX_TITLE_LENGTH',
  maxJsonBodyBytes: 'MAX_JSON_BODY_BYTES',
  maxUploadBytes: 'MAX_UPLOAD_BYTES',
  unloadGraceSeconds: 'UNLOAD_GRACE_SECONDS',
  maxMessagesPerSecond: 'MAX_MESSAGES_PER_SECOND',
  maxBytesPerSecond: 'MAX_BYTES_PER_SECOND',
  maxAwarenessBytes: 'MAX_AWARENESS_BYTES',
  maxSendBufferBytes: 'MAX_SEND_BUFFER_BYTES',
  compactionMinBytes: 'COMPACTION_MIN_BYTES',
  maxBoardCreationsPerHour: 'MAX_BOARD_CREATIONS_PER_HOUR',
  maxFailedKeyAttemptsPerMinute: 'MAX_FAILED_KEY_ATTEMPTS_PER_MINUTE',
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`)
  return value
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const limits = { ...DEFAULT_LIMITS } as Limits
  for (const key of Object.keys(LIMIT_ENV) as (keyof Limits)[]) {
    // Zero would disable a limit by accident; every limit must be at least 1.
    limits[key] = integer(env, LIMIT_ENV[key], DEFAULT_LIMITS[key], key === 'unloadGraceSeconds' ? 0 : 1, 2 ** 31)
  }
  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel']
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`)
  }
  const host = env.HOST ?? '0.0.0.0'
  if (host.trim() === '') throw new ConfigError('HOST must not be empty')
  const trustProxy = env.TRUST_PROXY ?? 'false'
  if (trustProxy !== 'true' && trustProxy !== 'false') {
    throw new ConfigError(`TRUST_PROXY must be true or false, got "${trustProxy}"`)
  }
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host,
    dataDir: path.resolve(cwd, env.DATA_DIR ?? 'data'),
    clientDir: path.resolve(cwd, env.CLIENT_DIR ?? 'dist'),
    logLevel,
    trustProxy: trustProxy === 'true',
    groupCommitMs: integer(env, 'GROUP_COMMIT_MS', DEFAULT_GROUP_COMMIT_MS, 0, 1000),
    limits,
  }
}
