/**
 * The server's logger: pino, JSON lines on stdout. Keys are never passed to it; the
 * redaction list is a second line of defence for headers that could carry one.
 */
import { pino, type Logger } from 'pino'
import { KEY_HEADER } from '../shared/api.ts'

export type Log = Logger

export function createLog(level: string): Log {
  return pino({
    level,
    redact: {
      paths: [`req.headers["${KEY_HEADER}"]`, 'req.headers["sec-websocket-protocol"]', 'key', 'keys'],
      censor: '[redacted]',
    },
  })
}
