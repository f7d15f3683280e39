/**
 * The client's calls to the server's HTTP API. Keys go in a header, never in a URL.
 */
import { KEY_HEADER, type ApiError, type BoardInfoResponse, type CreateBoardResponse } from '../shared/api.ts'

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

async function request<T>(path: string, init: RequestInit): Promise<T> {
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
  return (await response.json()) as T
}

export function createBoard(title: string): Promise<CreateBoardResponse> {
  return request('/api/boards', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  })
}

export function getBoard(id: string, key: string | undefined): Promise<BoardInfoResponse> {
  return request(`/api/boards/${encodeURIComponent(id)}`, { headers: key ? { [KEY_HEADER]: key } : {} })
}
