/** Words for a failed API call, for the person who asked for it: what went wrong and what to do. */
import { ApiErrorCode } from '../../shared/api.ts'
import { ApiRequestError } from '../api.ts'
import type { MessageKey } from '../i18n/messages/en.ts'

type T = (key: MessageKey, values?: Record<string, string | number>) => string

export function errorText(error: unknown, t: T): string {
  if (!(error instanceof ApiRequestError)) return error instanceof Error ? error.message : String(error)
  if (error.status === 0) return t('api.error.network')
  switch (error.code) {
    case ApiErrorCode.invalidKey:
      return t('api.error.invalidKey')
    case ApiErrorCode.forbidden:
      return t('api.error.forbidden')
    case ApiErrorCode.notFound:
      return t('api.error.notFound')
    case ApiErrorCode.rateLimited:
      return t('api.error.rateLimited')
    default:
      // The server's own message (bad_request explains which setting is wrong), in English.
      return error.message || t('api.error.other', { status: error.status })
  }
}
