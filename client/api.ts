/**
 * The client's calls to the server's HTTP API. Keys go in a header, never in a URL.
 */
import {
  KEY_HEADER,
  type ApiError,
  type BoardInfoResponse,
  type CreateBoardResponse,
  type RotateKeyResponse,
  type UpdateSettingsRequest,
  type UpdateSettingsResponse,
} from '../shared/api.ts'

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
