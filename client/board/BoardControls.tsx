/**
 * Our controls on the board, in tldraw's share-panel slot: the connection status a person can
 * trust ("All changes saved", "Offline…"), their role, the people on the board, and for the
 * facilitator the session controls: share, lock, bring everyone here, files (export, import,
 * versions), settings.
 */
import { useEffect, useId, useRef, useState } from 'react'
import { useI18n } from '../i18n/I18nProvider.tsx'
import type { Locale } from '../i18n/locales.ts'
import type { MessageKey } from '../i18n/messages/en.ts'
import { updateSettings } from '../api.ts'
import { PEOPLE_PANEL_ID, PEOPLE_TOGGLE_ID } from '../facilitation/ParticipantsPanel.tsx'
import { SettingsDialog } from '../facilitation/SettingsDialog.tsx'
import type { ConnectionStatus } from './boardConnection.ts'
import { CLOSE_REASON_KEYS } from './boardConnection.ts'
import { useBoard } from './boardContext.ts'
import { errorText } from './errorText.ts'
import { useMediaQuery } from '../ui/useMediaQuery.ts'
import { KeysEditorContext, useOwnKeys } from '../ui/useOwnKeys.ts'
import { ShareDialog } from './ShareDialog.tsx'
import { toggleLeading } from '../facilitation/leading.ts'
import { FileActions, FileDialogs, FilesMenu, type FileDialog } from '../export/FilesMenu.tsx'

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

/**
 * The facilitator's session controls: in a row on a wide screen; behind one "Session" button on
 * a phone or a narrow window, where a row of them would not fit next to tldraw's menus.
 */
function FacilitatorControls({ compact }: { compact: boolean }) {
  const { t } = useI18n()
  const board = useBoard()
  const menuId = useId()
  const menuRef = useRef<HTMLDivElement>(null)
  const toggleRef = useRef<HTMLButtonElement>(null)
  const [menuOpen, setMenuOpen] = useState(false)
  // The menu owns its keys (see useOwnKeys): Delete on an entry must not delete the selection.
  const menuKeys = useOwnKeys()
  const [dialog, setDialog] = useState<'share' | 'settings' | FileDialog | null>(null)
  const [locking, setLocking] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const self = board.people.find((p) => p.isSelf)
  const leading = self?.leading != null
  const { locked } = board.settings

  // The menu closes on a press anywhere else (but stays open under a dialog opened from it).
  useEffect(() => {
    if (!menuOpen || dialog) return
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node | null
      if (target && (menuRef.current?.contains(target) || toggleRef.current?.contains(target))) return
      setMenuOpen(false)
    }
    document.addEventListener('pointerdown', onPointerDown, true)
    return () => document.removeEventListener('pointerdown', onPointerDown, true)
  }, [menuOpen, dialog])

  async function toggleLock() {
    setLocking(true)
    setError(null)
    try {
      const response = await updateSettings(board.boardId, board.boardKey, { locked: !locked })
      board.applySettings(response.settings)
    } catch (err) {
      setError(t(locked ? 'lock.error.unlock' : 'lock.error.lock', { reason: errorText(err, t) }))
    } finally {
      setLocking(false)
    }
  }

  const actions = (
    <>
      <button type="button" className="button" onClick={() => setDialog('share')} data-testid="share-button">
        {t('share.button')}
      </button>
      <button
        type="button"
        className={`button${locked ? ' button-on' : ''}`}
        onClick={() => void toggleLock()}
        disabled={locking}
        data-testid="lock-toggle"
        data-locked={locked}
      >
        {locked ? t('lock.unlock') : t('lock.lock')}
      </button>
      <button
        type="button"
        className={`button${leading ? ' button-on' : ''}`}
        onClick={() => toggleLeading(board.awareness, leading)}
        disabled={!board.awareness}
        data-testid="lead-toggle"
        data-leading={leading}
      >
        {leading ? t('lead.stop') : t('lead.start')}
      </button>
      {compact ? <FileActions onOpen={setDialog} /> : <FilesMenu onOpen={setDialog} />}
      <button type="button" className="button" onClick={() => setDialog('settings')} data-testid="settings-button">
        {t('settings.button')}
      </button>
    </>
  )

  return (
    <>
      {compact ? (
        <div className="session-menu">
          <button
            type="button"
            ref={toggleRef}
            className={`button${menuOpen ? ' button-on' : ''}`}
            aria-expanded={menuOpen}
            aria-controls={menuOpen ? menuId : undefined}
            onClick={() => setMenuOpen((open) => !open)}
            data-testid="session-menu-toggle"
          >
            {t('session.menu')}
          </button>
          {menuOpen && (
            <div
              id={menuId}
              ref={menuRef}
              {...menuKeys}
              className="session-menu-panel"
              role="group"
              aria-label={t('session.menu')}
              onKeyDown={(event) => {
                menuKeys.onKeyDown?.(event)
                if (event.key !== 'Escape') return
                event.stopPropagation()
                setMenuOpen(false)
                toggleRef.current?.focus()
              }}
            >
              {actions}
            </div>
          )}
        </div>
      ) : (
        actions
      )}
      {error && (
        <p className="controls-error" role="alert">
          <span>{error}</span>
          <button type="button" className="button" onClick={() => setError(null)}>
            {t('banner.dismiss')}
          </button>
        </p>
      )}
      {dialog === 'share' && <ShareDialog onClose={() => setDialog(null)} />}
      {dialog === 'settings' && <SettingsDialog onClose={() => setDialog(null)} />}
      <FileDialogs open={dialog} onClose={() => setDialog(null)} />
    </>
  )
}

/** Below this width the facilitator's controls go behind one button. */
export const COMPACT_CONTROLS = '(max-width: 999px)'

export function BoardControls() {
  const { t, locale } = useI18n()
  const board = useBoard()
  const compact = useMediaQuery(COMPACT_CONTROLS)
  const status = statusText(board.status, t, locale)
  const pending = board.status.kind === 'online' || board.status.kind === 'offline' ? board.status.pending : 0
  return (
    <KeysEditorContext.Provider value={board.editor}>
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
        <button
          type="button"
          id={PEOPLE_TOGGLE_ID}
          className={`button${board.peopleOpen ? ' button-on' : ''}`}
          aria-expanded={board.peopleOpen}
          aria-controls={board.peopleOpen ? PEOPLE_PANEL_ID : undefined}
          onClick={() => board.setPeopleOpen(!board.peopleOpen)}
          data-testid="people-toggle"
          data-count={board.people.length}
        >
          {t('people.toggle', { count: board.people.length })}
        </button>
        {board.role === 'facilitator' && <FacilitatorControls compact={compact} />}
      </div>
    </KeysEditorContext.Provider>
  )
}
