/**
 * Uploaded images and videos: the media types a board accepts, where an asset lives on the
 * server, and what the upload endpoints answer. One definition for client and server.
 */

/**
 * What the server accepts, decided by the file's content (never its name or declared type).
 * These are the types tldraw can show; APNG is stored and served as PNG.
 */
export const MediaType = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  mp4: 'video/mp4',
  webm: 'video/webm',
  quicktime: 'video/quicktime',
} as const
export type MediaType = (typeof MediaType)[keyof typeof MediaType]

/** An asset is named by the SHA-256 of its content, as lowercase hex. */
const HASH_RE = /^[0-9a-f]{64}$/
/** The `src` an uploaded asset gets: a path on this server, never a data: URL. */
const ASSET_SRC_RE = /^\/api\/boards\/[A-Za-z0-9_-]{16}\/assets\/[0-9a-f]{64}$/

export function isAssetHash(value: unknown): value is string {
  return typeof value === 'string' && HASH_RE.test(value)
}

export function isAssetSrc(value: unknown): boolean {
  return typeof value === 'string' && ASSET_SRC_RE.test(value)
}

/** POST a file's bytes here (with the key header) to upload it. */
export function assetsPath(boardId: string): string {
  return `/api/boards/${boardId}/assets`
}

export function assetPath(boardId: string, hash: string): string {
  return `${assetsPath(boardId)}/${hash}`
}

/** POST here (with the key header) to get the cookie that lets `<img>` and `<video>` read assets. */
export function assetSessionPath(boardId: string): string {
  return `/api/boards/${boardId}/asset-session`
}

export type UploadAssetResponse = {
  /** Path of the stored asset; what goes into the tldraw asset record. */
  src: string
  hash: string
  type: MediaType
  size: number
}

export type AssetSessionResponse = {
  /** The server's upload limit, so the client can refuse a larger file before sending it. */
  maxUploadBytes: number
}
