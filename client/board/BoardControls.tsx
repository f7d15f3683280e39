/**
 * Our controls on the board, in tldraw's share-panel slot: the connection status a person
 * can trust ("All changes saved", "Offline…"), their role, and the share dialog. Banners for
 * skipped records and a newer board version sit here too.
 */
import { createContext, useContext, useState } from 'react'
import type { Role } from '../../shared/roles.ts'
import { useI18n } from '../i18n/I18nProvider.tsx'
import type { Locale } from '../i18n/locales.ts'
import type { MessageKey } from '../i18n/messages/en.ts'
import type { ConnectionStatus } from './boardConnection.ts'
import { CLOSE_REASON_KEYS } from './boardConnection.ts'
import type { StoredLinks } from './identity.ts'
import { ShareDialog } from './ShareDialog.tsx'

export type BoardContextValue = {
  boardId: string
  title: string
  role: Role
  status: ConnectionStatus
  links: StoredLinks
  invalidRecords: number
  schemaNewer: boolean
}

export const BoardContext = createContext<BoardContextValue | null>(null)

export function useBoard(): BoardContextValue {
  const value = useContext(BoardContext)
  if (!value) throw new Error('useBoard must be used inside the board')
  return value
}

type T = ReturnType<typeof useI18n>['t']

function statusText(status: ConnectionStatus, t: T, locale: Locale): { key: string; text: string; help?: string } {
  switch (status.kind) {
    case 'connecting':
      return { key: 'connecting', text: t('status.connecting') }
    case 'online':
      return status.saved ? { key: 'saved', text: t('status.saved') } : { key: 'saving', text: t('status.saving') }
    case 'offline': {
      if (status.pending === 0) return { key: 'offline', text: t('status.offline') }
      const form = new Intl.PluralRules(locale).select(status.pending) === 'one' ? 'status.offline.pending.one' : 'status.offline.pending.other'
      return { key: 'offline', text: t(form, { count: status.pending }), help: t('status.offline.pending.help') }
    }
    case 'closed': {
      const reasonKey: MessageKey = (CLOSE_REASON_KEYS as Record<number, MessageKey>)[status.code] ?? 'status.reason.other'
      return { key: 'closed', text: t('status.closed', { reason: t(reasonKey) }) }
    }
  }
}

export function BoardControls() {
  const { t, locale } = useI18n()
  const board = useBoard()
  const [sharing, setSharing] = useState(false)
  const status = statusText(board.status, t, locale)
  const pending = board.status.kind === 'online' || board.status.kind === 'offline' ? board.status.pending : 0
  return (
    <div className="board-controls">
      <span
        className={`status-pill status-${status.key}`}
        role="status"
        aria-live="polite"
        title={status.help}
        data-testid="connection-status"
        data-state={status.key}
        data-pending={pending}
      >
        <span className="status-text">{status.text}</span>
        {status.help && <span className="visually-hidden">{status.help}</span>}
      </span>
      <span className="role-badge" data-testid="role">
        {t(`role.${board.role}`)}
      </span>
      {board.role === 'facilitator' && (
        <button type="button" className="button" onClick={() => setSharing(true)} data-testid="share-button">
          {t('share.button')}
        </button>
      )}
      {sharing && <ShareDialog links={board.links} onClose={() => setSharing(false)} />}
      {board.schemaNewer && (
        <div className="board-banner" role="alert">
          <span>{t('board.schemaNewer')}</span>
          <button type="button" className="button" onClick={() => window.location.reload()}>
            {t('board.reload')}
          </button>
        </div>
      )}
      {board.invalidRecords > 0 && !board.schemaNewer && (
        <div className="board-banner" role="status" data-testid="invalid-records">
          {t('board.invalidRecords', { count: board.invalidRecords })}
        </div>
      )}
    </div>
  )
}
