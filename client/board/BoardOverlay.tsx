/**
 * What sits over the board outside tldraw's own interface: the banners (the link was replaced,
 * the board was deleted or locked, following someone, a newer board version, skipped items),
 * the participants panel, and following the facilitator when they bring everyone to their view.
 * Outside tldraw's slots so it keeps working in tldraw's focus mode.
 */
import { useEffect, useRef, useState } from 'react'
import { useValue } from 'tldraw'
import { CloseCode } from '../../shared/protocol.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import { ParticipantsPanel } from '../facilitation/ParticipantsPanel.tsx'
import { useFollowLead } from '../facilitation/useFollowLead.ts'
import { toggleLeading } from '../facilitation/leading.ts'
import { useBoard } from './boardContext.ts'

function ClosedBanner({ code }: { code: number }) {
  const t = useT()
  const text =
    code === CloseCode.linkRevoked
      ? t('board.closed.linkRevoked')
      : code === CloseCode.boardDeleted
        ? t('board.closed.deleted')
        : code === CloseCode.unauthorized
          ? t('board.closed.unauthorized')
          : null
  if (!text) return null
  return (
    <div className="board-banner banner-danger" role="alert" data-testid="closed-banner" data-code={code}>
      <span>{text}</span>
      {code === CloseCode.boardDeleted && (
        <a className="button" href="/">
          {t('board.home')}
        </a>
      )}
    </div>
  )
}

/** Says the lock (for participants) politely, and that it was lifted, for screen readers too. */
function LockBanner() {
  const t = useT()
  const board = useBoard()
  const locked = board.settings.locked
  const [unlockedNote, setUnlockedNote] = useState(false)
  const wasLocked = useRef(locked)
  useEffect(() => {
    if (wasLocked.current && !locked) setUnlockedNote(true)
    if (locked) setUnlockedNote(false)
    wasLocked.current = locked
  }, [locked])
  let content = null
  if (locked && board.role === 'editor') {
    content = (
      <div className="board-banner" data-testid="locked-banner">
        <strong>{t('lock.banner.title')}</strong> <span>{t('lock.banner.body')}</span>
      </div>
    )
  } else if (locked && board.role === 'facilitator') {
    content = (
      <div className="board-banner banner-quiet" data-testid="locked-banner-facilitator">
        {t('lock.banner.facilitator')}
      </div>
    )
  }
  return (
    // Always present, so screen readers announce what appears in it.
    <div role="status" aria-live="polite" className="banner-slot">
      {content}
      {!locked && unlockedNote && board.role === 'editor' && <span className="visually-hidden">{t('lock.unlocked')}</span>}
    </div>
  )
}

function FollowBanner() {
  const t = useT()
  const board = useBoard()
  const { editor, people } = board
  const lead = useFollowLead(editor, people)
  const following = useValue(
    'codesign.following',
    () => {
      if (!editor) return null
      const userId = editor.getInstanceState().followingUserId
      if (!userId) return null
      const name = editor.getCollaborators().find((c) => c.userId === userId)?.userName ?? ''
      return { userId, name }
    },
    [editor],
  )
  return (
    <div role="status" aria-live="polite" className="banner-slot">
      {following && editor && (
        <div className="board-banner banner-follow" data-testid="follow-banner">
          <span>
            {lead && lead.userId === following.userId
              ? t('follow.leading', { name: lead.name || t('people.unnamed') })
              : t('follow.banner', { name: following.name || t('people.unnamed') })}
          </span>
          <button type="button" className="button" onClick={() => editor.stopFollowingUser()} data-testid="stop-following">
            {t('follow.stop')}
          </button>
        </div>
      )}
    </div>
  )
}

/** The facilitator, while everyone follows them: a reminder, and the way to let them go. */
function LeadingBanner() {
  const t = useT()
  const board = useBoard()
  const leading = board.people.find((p) => p.isSelf)?.leading != null
  return (
    <div role="status" aria-live="polite" className="banner-slot">
      {leading && (
        <div className="board-banner banner-follow" data-testid="leading-banner">
          <span>{t('lead.banner')}</span>
          <button type="button" className="button" onClick={() => toggleLeading(board.awareness, true)} data-testid="stop-leading">
            {t('lead.stop')}
          </button>
        </div>
      )}
    </div>
  )
}

function ViewerBanner() {
  const t = useT()
  const [dismissed, setDismissed] = useState(false)
  if (dismissed) return null
  return (
    <div className="board-banner banner-quiet" data-testid="viewer-banner">
      <span>{t('viewer.banner')}</span>
      <button type="button" className="button" onClick={() => setDismissed(true)}>
        {t('banner.dismiss')}
      </button>
    </div>
  )
}

export function BoardOverlay() {
  const t = useT()
  const board = useBoard()
  return (
    <div className="board-overlay">
      <div className="board-banners">
        {board.status.kind === 'closed' && <ClosedBanner code={board.status.code} />}
        {board.schemaNewer && (
          <div className="board-banner" role="alert">
            <span>{t('board.schemaNewer')}</span>
            <button type="button" className="button" onClick={() => window.location.reload()}>
              {t('board.reload')}
            </button>
          </div>
        )}
        <LockBanner />
        <FollowBanner />
        {board.role === 'facilitator' && <LeadingBanner />}
        {board.role === 'viewer' && board.status.kind !== 'closed' && <ViewerBanner />}
        {board.invalidRecords > 0 && !board.schemaNewer && (
          <div className="board-banner" role="status" data-testid="invalid-records">
            {t('board.invalidRecords', { count: board.invalidRecords })}
          </div>
        )}
      </div>
      <ParticipantsPanel />
    </div>
  )
}
