/**
 * The client's calls to the server's HTTP API. Keys go in a header, never in a URL.
 */
import {
  KEY_HEADER,
  type ApiError,
  type BoardInfoResponse,
  type CreateBoardResponse,
  type RestoreVersionResponse,
  type RotateKeyResponse,
  type SaveVersionRequest,
  type UpdateSettingsRequest,
  type UpdateSettingsResponse,
  type VersionInfo,
  type VersionsResponse,
} from '../shared/api.ts'
import type { ReportFormat } from '../shared/journey/boardReport.ts'

/** POST /api/boards/:id/import answers how much it added. */
export type ImportPagesResponse = { pages: number; records: number }

export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let response: Response
  try {
    response = await fetch(path, init)
  } catch (error) {
    throw new ApiRequestError(0, 'network', error instanceof Error ? error.message : 'network error')
  }
  if (!response.ok) {
    let body: Partial<ApiError> = {}
    try {
      body = (await response.json()) as Partial<ApiError>
    } catch {
      // Not JSON (a proxy's error page): the status says enough.
    }
    throw new ApiRequestError(response.status, body.error ?? 'http', body.message ?? response.statusText)
  }
  return response
}

async function request<T>(path: string, init: RequestInit): Promise<T> {
  return (await (await send(path, init)).json()) as T
}

function boardUrl(id: string): string {
  return `/api/boards/${encodeURIComponent(id)}`
}

function keyed(key: string, json = false): Record<string, string> {
  return json ? { [KEY_HEADER]: key, 'content-type': 'application/json' } : { [KEY_HEADER]: key }
}

export function createBoard(title: string): Promise<CreateBoardResponse> {
  return request('/api/boards', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  })
}

export function getBoard(id: string, key: string | undefined): Promise<BoardInfoResponse> {
  return request(boardUrl(id), { headers: key ? { [KEY_HEADER]: key } : {} })
}

/** Facilitator: changes any of the settings (title, groups, notice, lock). */
export function updateSettings(id: string, key: string, patch: UpdateSettingsRequest): Promise<UpdateSettingsResponse> {
  return request(boardUrl(id), { method: 'PATCH', headers: keyed(key, true), body: JSON.stringify(patch) })
}

/** Facilitator: replaces the participant or view-only link; people on the old one are disconnected. */
export function rotateKey(id: string, key: string, role: RotateKeyResponse['role']): Promise<RotateKeyResponse> {
  return request(`${boardUrl(id)}/keys/${role}`, { method: 'POST', headers: keyed(key) })
}

/** Facilitator: erases the board and everything of it. */
export async function deleteBoard(id: string, key: string): Promise<void> {
  await send(boardUrl(id), { method: 'DELETE', headers: keyed(key) })
}

/** A file the server sent as a download: its bytes and the name it suggested. */
export type DownloadedFile = { blob: Blob; filename: string | null }

/** The file name in a Content-Disposition header (`filename*=UTF-8''…` preferred), if any. */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)?.[1]
  if (extended) {
    try {
      return decodeURIComponent(extended.trim())
    } catch {
      // Malformed escape: fall back to the plain name below.
    }
  }
  return /filename\s*=\s*"([^"]*)"/i.exec(header)?.[1] ?? /filename\s*=\s*([^;]+)/i.exec(header)?.[1]?.trim() ?? null
}

async function download(path: string, key: string): Promise<DownloadedFile> {
  const response = await send(path, { headers: keyed(key), cache: 'no-store' })
  return { blob: await response.blob(), filename: filenameFromDisposition(response.headers.get('content-disposition')) }
}

/** Facilitator: the structured report of the board's journey maps, rendered by the server. */
export function downloadReport(id: string, key: string, format: ReportFormat, lang = document.documentElement.lang): Promise<DownloadedFile> {
  // In the facilitator's language (the page's, kept by the i18n layer): the server's labels.
  return download(`${boardUrl(id)}/export?format=${format}&lang=${encodeURIComponent(lang)}`, key)
}

/** Facilitator: the board as a zip (board.tldr, uploads, reports, metadata, README). */
export function downloadArchive(id: string, key: string, lang = document.documentElement.lang): Promise<DownloadedFile> {
  return download(`${boardUrl(id)}/archive?lang=${encodeURIComponent(lang)}`, key)
}

/** Anyone: a .tldr file or a board archive becomes a new board; answers its links. */
export function importAsNewBoard(file: Blob, title: string): Promise<CreateBoardResponse> {
  const query = title ? `?title=${encodeURIComponent(title)}` : ''
  return request(`/api/boards/import${query}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file })
}

/** Facilitator: a .tldr file or a board archive added to this board as new pages. */
export function importAsPages(id: string, key: string, file: Blob): Promise<ImportPagesResponse> {
  return request(`${boardUrl(id)}/import`, {
    method: 'POST',
    headers: { ...keyed(key), 'content-type': 'application/octet-stream' },
    body: file,
  })
}

/** Facilitator: the board's saved versions, newest first as the server lists them. */
export async function listVersions(id: string, key: string): Promise<VersionInfo[]> {
  return (await request<VersionsResponse>(`${boardUrl(id)}/versions`, { headers: keyed(key), cache: 'no-store' })).versions
}

/** Facilitator: saves the board as it is now under `name`. */
export function saveVersion(id: string, key: string, name: string): Promise<VersionInfo> {
  const body: SaveVersionRequest = { name }
  return request(`${boardUrl(id)}/versions`, { method: 'POST', headers: keyed(key, true), body: JSON.stringify(body) })
}

/** Facilitator: one version as a tldraw file (JSON text), for a preview or a download. */
export async function fetchVersionFile(id: string, key: string, versionId: string): Promise<DownloadedFile> {
  return download(`${boardUrl(id)}/versions/${encodeURIComponent(versionId)}?download`, key)
}

/** Facilitator: makes the board equal to a version, for everyone; the current board is saved first. */
export function restoreVersion(id: string, key: string, versionId: string): Promise<RestoreVersionResponse> {
  return request(`${boardUrl(id)}/versions/${encodeURIComponent(versionId)}/restore`, { method: 'POST', headers: keyed(key) })
}
