/**
 * Board ids and role keys: their format, validation and generation.
 * One definition for client and server; nothing here touches DOM or node.
 */

/** 16 url-safe characters: 96 random bits, short enough for a QR code and a spoken link. */
export const BOARD_ID_LENGTH = 16
/** 32 url-safe characters: 192 random bits (the design asks for at least 128). */
export const KEY_LENGTH = 32

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const BOARD_ID_RE = /^[A-Za-z0-9_-]{16}$/
const KEY_RE = /^[A-Za-z0-9_-]{32}$/

export type BoardId = string & { readonly __brand: 'BoardId' }

export function isBoardId(value: unknown): value is BoardId {
  return typeof value === 'string' && BOARD_ID_RE.test(value)
}

export function isKey(value: unknown): value is string {
  return typeof value === 'string' && KEY_RE.test(value)
}

/** Random url-safe string from a CSPRNG (Web Crypto exists in browsers and in Node 20). */
export function randomToken(length: number): string {
  const bytes = new Uint8Array(length)
  globalThis.crypto.getRandomValues(bytes)
  let out = ''
  // 64 symbols divide 256 evenly, so `& 63` keeps the distribution uniform.
  for (const b of bytes) out += URL_SAFE[b & 63]
  return out
}

export function newBoardId(): BoardId {
  return randomToken(BOARD_ID_LENGTH) as BoardId
}

export function newKey(): string {
  return randomToken(KEY_LENGTH)
}

/** The path of a board's page; the key travels in the fragment so it never reaches a server log. */
export function boardPath(boardId: string, key?: string): string {
  return key ? `/b/${boardId}#k=${key}` : `/b/${boardId}`
}

/** Reads `k` from a location hash such as `#k=abc`; undefined when absent or malformed. */
export function keyFromHash(hash: string): string | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const k = params.get('k') ?? undefined
  return isKey(k) ? k : undefined
}
