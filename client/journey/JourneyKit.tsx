/**
 * The journey-mapping kit on a live board: one mount point for everything issue 5 adds.
 *
 * - A dock of tools at the left edge (Cards, Outline, Vote, Timer, Templates; what a person
 *   sees depends on their role), each opening a non-modal panel.
 * - Card kinds: new notes get the chosen kind, selected notes change to it, and every card
 *   shows its kind on the canvas (CanvasBadges.tsx).
 * - Templates and their structure (facilitator), the outline (everyone), adding cards to a
 *   chosen cell (anyone who can edit).
 * - Dot voting (the facilitator runs it; participants vote; viewers watch) and the timer,
 *   both kept in the board's Y.Doc: `session` (facilitator only, enforced by the server) and
 *   `ballots` (each voter's own).
 *
 * Rendered by LiveBoard next to its overlay, outside tldraw's component: the panels live
 * outside the editor's container, so tldraw's keyboard shortcuts never fire while someone
 * types or tabs through them; only the card badges go into the container (above the canvas,
 * below tldraw's menus).
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react'
import type { Editor } from 'tldraw'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { Role } from '../../shared/roles.ts'
import type { Group } from '../../shared/session.ts'
import { CardKind, cleanAuthor } from '../../shared/journey/cards.ts'
import { resultsVisible } from '../../shared/journey/votes.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import type { MessageKey } from '../i18n/messages/en.ts'
import { useMediaQuery } from '../ui/useMediaQuery.ts'
import { CanvasBadges } from './CanvasBadges.tsx'
import { CardKindPicker } from './CardKindPicker.tsx'
import { giveNewCardsKind, selectedCards, setKindOfSelected } from './cardKinds.ts'
import { createChime } from './chime.ts'
import { Icon } from './icons.tsx'
import { kindLabelKey } from './kinds.ts'
import { KitPanel } from './KitPanel.tsx'
import { OutlinePanel } from './OutlinePanel.tsx'
import { TemplateMenu } from './TemplateMenu.tsx'
import { TimerClock, TimerControls } from './Timer.tsx'
import { VotePanel, cardTitle } from './VotePanel.tsx'
import { useJourneyModel } from './journeyModel.ts'
import { useAnnouncer } from './useAnnouncer.ts'
import { usePlural } from './usePlural.ts'
import { useAwarenessNames } from './useAwarenessNames.ts'
import { useBoardRecords } from './useBoardRecords.ts'
import { useLocalSetting } from './useLocalSetting.ts'
import { useBallots, useTimer, useVoteSession } from './useSession.ts'
import { useVoting } from './useVoting.ts'
import { useVotingMode } from './useVotingMode.ts'
import './journey.css'

export { useServerClock } from './useServerClock.ts'

export type JourneyKitProps = {
  editor: Editor
  doc: Y.Doc
  awareness: Awareness
  role: Role
  /** The editor is read-only for this person (viewer, locked board, disconnected for good). */
  readOnly: boolean
  user: { id: string; name: string; group?: Group }
  /** The server's clock (ms since the epoch): see useServerClock. */
  serverNow: () => number
}

type PanelName = 'cards' | 'outline' | 'vote' | 'timer' | 'templates'

const NARROW = '(max-width: 640px)'

const TITLE_KEYS = {
  cards: 'journey.cards.title',
  outline: 'journey.outline.title',
  vote: 'journey.vote.title',
  timer: 'journey.timer.title',
  templates: 'journey.templates.title',
} as const satisfies Record<PanelName, MessageKey>

export function JourneyKit({ editor, doc, awareness, role, readOnly, user, serverNow }: JourneyKitProps) {
  const t = useT()
  const plural = usePlural()
  const narrow = useMediaQuery(NARROW)
  const panelId = useId()
  const [open, setOpen] = useState<PanelName | null>(null)
  const dockButtons = useRef(new Map<PanelName, HTMLButtonElement>())
  const [message, announce] = useAnnouncer()

  const canEdit = role !== 'viewer' && !readOnly
  const canRun = role === 'facilitator' && !readOnly

  // --- cards ---
  const [nextKind, setNextKind] = useState<CardKind>(CardKind.plain)
  const [sign, setSign] = useLocalSetting('codesign:journey:sign', false)
  const [kindStatus, setKindStatus] = useState('')
  const author = sign ? cleanAuthor(user.name) : undefined
  const newCards = useRef({ kind: nextKind, author })
  useEffect(() => {
    newCards.current = { kind: nextKind, author }
  }, [nextKind, author])
  useEffect(() => giveNewCardsKind(editor, () => newCards.current), [editor])

  // --- the board as data, the vote, the timer ---
  const vote = useVoteSession(doc)
  const records = useBoardRecords(editor, open === 'outline' || open === 'vote' || vote !== null)
  const timer = useTimer(doc)
  const ballots = useBallots(doc)
  const model = useJourneyModel(records, vote, ballots)
  const names = useAwarenessNames(awareness)
  const voting = useVoting({ doc, vote, ballots, scope: model.scope, voterId: user.id, group: user.group, mayVote: canEdit })
  const showResults = vote !== null && resultsVisible(vote, role)

  const onDot = useCallback(
    (cardId: string, remove: boolean) => {
      const title = cardTitle(model.cards.get(cardId), t)
      const result = remove ? voting.remove(cardId) : voting.place(cardId)
      switch (result) {
        case 'placed':
          announce(t('journey.vote.placed', { card: title, left: Math.max(0, voting.left - 1) }))
          break
        case 'removed':
          announce(t('journey.vote.removed', { card: title, left: voting.left + 1 }))
          break
        case 'noneLeft':
          announce(t('journey.vote.noneLeft'))
          break
        case 'notVotable':
          announce(t('journey.vote.notVotable'))
          break
        case 'closed':
        case 'noDot':
          break
      }
    },
    [model.cards, voting, announce, t],
  )

  const [votingMode, setVotingMode] = useState(false)
  const votingOn = votingMode && voting.canVote
  useVotingMode(editor, votingOn, {
    onCard: (id, remove) => onDot(id, remove),
    onExit: () => setVotingMode(false),
  })

  // Say what the facilitator did with the vote (not on arrival: only changes seen here).
  const lastVote = useRef<{ id: string; status: string } | null | undefined>(undefined)
  useEffect(() => {
    const now = vote ? { id: vote.id, status: vote.status } : null
    const before = lastVote.current
    lastVote.current = now
    if (before === undefined || !now) return
    if (!before || before.id !== now.id) announce(t('journey.vote.started', { question: vote?.question ?? '' }))
    else if (before.status !== now.status) {
      announce(t(now.status === 'closed' ? 'journey.vote.closed' : 'journey.vote.revealed'))
    }
    if (!before || before.id !== now.id) setVotingMode(false)
  }, [vote, announce, t])

  // --- timer ---
  const chime = useMemo(() => createChime(), [])
  useEffect(() => () => chime.dispose(), [chime])
  const [sound, setSound] = useLocalSetting('codesign:journey:sound', role === 'facilitator')

  // --- panels ---
  // Focus goes back to the dock button that opened the panel.
  const close = useCallback(() => {
    if (open) dockButtons.current.get(open)?.focus()
    setOpen(null)
  }, [open])

  const pickKind = (kind: CardKind) => {
    setNextKind(kind)
    const name = t(kindLabelKey(kind))
    const changed = setKindOfSelected(editor, kind)
    if (changed > 0) {
      setKindStatus(plural(changed, 'journey.cards.changed.one', 'journey.cards.changed.other', { kind: name }))
      return
    }
    setKindStatus(`${t('journey.cards.next', { kind: name })} ${t('journey.cards.placeHint', { kind: name })}`)
    editor.setCurrentTool('note')
    // On a phone the panel covers the board: get out of the way of the tap that places the card.
    if (narrow) close()
  }

  const dock: { name: PanelName; label: string; show: boolean }[] = [
    { name: 'cards', label: t('journey.dock.cards'), show: canEdit },
    { name: 'outline', label: t('journey.dock.outline'), show: true },
    { name: 'vote', label: t('journey.dock.vote'), show: canRun || vote !== null },
    { name: 'timer', label: t('journey.dock.timer'), show: canRun },
    { name: 'templates', label: t('journey.dock.templates'), show: canRun },
  ]
  const visibleOpen = open && dock.find((d) => d.name === open)?.show ? open : null

  let panel: ReactNode = null
  switch (visibleOpen) {
    case 'cards':
      panel = (
        <CardKindPicker
          kind={nextKind}
          onPick={pickKind}
          sign={sign}
          onSign={setSign}
          status={kindStatus || (selectedCards(editor).length ? '' : t('journey.cards.next', { kind: t(kindLabelKey(nextKind)) }))}
        />
      )
      break
    case 'outline':
      panel = (
        <OutlinePanel
          editor={editor}
          model={model}
          canEdit={canEdit}
          canStructure={canRun}
          showVotes={showResults}
          voting={vote ? { voting, scope: model.scope, onDot } : null}
          nextKind={nextKind}
          author={author}
          announce={announce}
        />
      )
      break
    case 'vote':
      panel = (
        <VotePanel
          doc={doc}
          vote={vote}
          role={role}
          canRun={canRun}
          model={model}
          ballots={ballots}
          voting={voting}
          votingMode={votingOn}
          onVotingMode={setVotingMode}
          readOnly={readOnly}
          userId={user.id}
          names={names}
          serverNow={serverNow}
          showResults={showResults}
          onDot={onDot}
        />
      )
      break
    case 'timer':
      panel = <TimerControls doc={doc} timer={timer} serverNow={serverNow} chime={chime} announce={announce} />
      break
    case 'templates':
      panel = <TemplateMenu editor={editor} onInserted={announce} />
      break
    case null:
      break
  }

  const totals = useMemo(() => {
    if (!showResults || !model.tally) return null
    return new Map(Object.entries(model.tally.byCard).map(([id, v]) => [id, v.total]))
  }, [showResults, model.tally])

  return (
    <>
      <div className="journey-kit" data-testid="journey-kit" data-role={role}>
        <nav className="jk-dock" aria-label={t('journey.dock.label')}>
          {dock
            .filter((d) => d.show)
            .map((d) => (
              <button
                key={d.name}
                ref={(el) => {
                  if (el) dockButtons.current.set(d.name, el)
                  else dockButtons.current.delete(d.name)
                }}
                type="button"
                className={`jk-dock-button${visibleOpen === d.name ? ' is-open' : ''}`}
                aria-expanded={visibleOpen === d.name}
                aria-controls={visibleOpen === d.name ? panelId : undefined}
                onClick={() => setOpen(visibleOpen === d.name ? null : d.name)}
                data-testid={`journey-dock-${d.name}`}
              >
                <Icon name={d.name} />
                <span className="jk-dock-label">{d.label}</span>
              </button>
            ))}
        </nav>

        <div className="jk-top">
          <TimerClock timer={timer} serverNow={serverNow} sound={sound} onSound={setSound} chime={chime} announce={announce} />
          {vote && vote.status !== 'closed' && (
            <div className="jk-vote-bar" data-testid="vote-bar">
              <button type="button" className="jk-vote-bar-title" onClick={() => setOpen('vote')}>
                {t('journey.vote.bar', { question: vote.question || t('journey.vote.untitled') })}
              </button>
              {voting.canVote && (
                <>
                  <span className="jk-vote-bar-left" data-testid="vote-bar-left">
                    {t('journey.vote.dotsLeft', { left: voting.left, total: vote.dotsPerPerson })}
                  </span>
                  <button
                    type="button"
                    className={`button jk-small${votingOn ? ' button-on' : ' button-primary'}`}
                    aria-pressed={votingOn}
                    onClick={() => setVotingMode(!votingOn)}
                    data-testid="vote-bar-mode"
                  >
                    {votingOn && <span aria-hidden="true">✓ </span>}
                    {t('journey.vote.mode')}
                  </button>
                </>
              )}
            </div>
          )}
        </div>

        {visibleOpen && (
          <KitPanel id={panelId} title={t(TITLE_KEYS[visibleOpen])} onClose={close} testId={`journey-panel-${visibleOpen}`}>
            {panel}
          </KitPanel>
        )}

        <div className="visually-hidden" role="status" aria-live="polite" data-testid="journey-announcer">
          {message}
        </div>
      </div>
      <CanvasBadges editor={editor} totals={totals} mine={voting.mine} />
    </>
  )
}
