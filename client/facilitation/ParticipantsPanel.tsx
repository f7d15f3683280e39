/**
 * The participants panel: everyone connected, with their colour, name, role and declared
 * group. Each other person is a button that follows their view; following is shown (and can
 * be stopped) here and in the banner. A drawer at the side on a wide screen, a sheet from the
 * bottom on a phone; not modal, so the board stays visible and live behind it.
 */
import { LanguagePicker } from '../ui/LanguagePicker.tsx'
import { useEffect, useId, useRef } from 'react'
import { useValue } from 'tldraw'
import { useI18n } from '../i18n/I18nProvider.tsx'
import { useBoard } from '../board/boardContext.ts'
import { tldrawUserId, type Person } from './people.ts'

/** The people toggle in the board controls, so focus can return to it when the panel closes. */
export const PEOPLE_TOGGLE_ID = 'codesign-people-toggle'
export const PEOPLE_PANEL_ID = 'codesign-people-panel'

/** Below this width the panel covers the board: following someone closes it so their view shows. */
const NARROW = '(max-width: 640px)'

function PersonLabel({ person }: { person: Person }) {
  const { t } = useI18n()
  const details = [person.role ? t(`role.${person.role}`) : null, person.group ? t(`group.${person.group}`) : null].filter(Boolean)
  return (
    <>
      <span className="person-swatch" style={{ background: person.color }} aria-hidden="true" />
      <span className="person-text">
        <span className="person-name" data-testid="person-name">
          {person.name || t('people.unnamed')}
          {person.isSelf && <span className="person-you"> {t('people.you')}</span>}
        </span>
        <span className="person-details" data-testid="person-details">
          {details.join(' · ')}
        </span>
      </span>
    </>
  )
}

export function ParticipantsPanel() {
  const { t } = useI18n()
  const board = useBoard()
  const { editor, people } = board
  const titleId = useId()
  const helpId = useId()
  const panel = useRef<HTMLElement>(null)
  const followingUserId = useValue('codesign.followingUserId', () => editor?.getInstanceState().followingUserId ?? null, [editor])
  const open = board.peopleOpen

  useEffect(() => {
    if (open) panel.current?.focus()
  }, [open])

  if (!open) return null

  const close = () => {
    board.setPeopleOpen(false)
    document.getElementById(PEOPLE_TOGGLE_ID)?.focus()
  }

  return (
    <aside
      id={PEOPLE_PANEL_ID}
      ref={panel}
      className="drawer"
      aria-labelledby={titleId}
      tabIndex={-1}
      data-testid="people-panel"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation()
          close()
        }
      }}
    >
      <div className="drawer-header">
        <h2 id={titleId}>{t('people.title', { count: people.length })}</h2>
        <button type="button" className="button" onClick={close}>
          {t('people.close')}
        </button>
      </div>
      <p id={helpId} className="hint">
        {t('people.help')}
      </p>
      <ul className="people-list" data-testid="people-list">
        {people.map((person) => {
          const userId = tldrawUserId(person.id)
          const following = followingUserId === userId
          return (
            <li key={person.clientId} data-testid="person" data-self={person.isSelf || undefined} data-role={person.role ?? undefined}>
              {person.isSelf ? (
                <div className="person person-self">
                  <PersonLabel person={person} />
                </div>
              ) : (
                <button
                  type="button"
                  className="person"
                  aria-pressed={following}
                  aria-describedby={helpId}
                  onClick={() => {
                    if (!editor) return
                    if (following) {
                      editor.stopFollowingUser()
                      return
                    }
                    editor.startFollowingUser(userId)
                    if (window.matchMedia(NARROW).matches) close()
                  }}
                >
                  <PersonLabel person={person} />
                  <span className="person-action">{following ? t('people.following') : t('people.follow')}</span>
                </button>
              )}
            </li>
          )
        })}
      </ul>
      {followingUserId && editor && (
        <button type="button" className="button" onClick={() => editor.stopFollowingUser()}>
          {t('follow.stop')}
        </button>
      )}
      <details className="data-notice">
        <summary>{t('people.notice.title')}</summary>
        <p className="notice-text">{board.settings.notice || t('join.notice.default')}</p>
      </details>
      {/* Switching language keeps the board, the camera and the selection as they are. */}
      <LanguagePicker />
    </aside>
  )
}
