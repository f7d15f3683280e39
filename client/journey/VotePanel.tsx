/**
 * Dot voting in a panel: the facilitator starts a vote (question, dots per person, which cards,
 * anonymous or not, results live or on reveal), reveals and closes it; a participant sees how
 * many dots they have left, turns on voting on the canvas and finds the dots they placed (to
 * take one back); everyone sees the results, split by declared group, once they may. Closing
 * keeps the results. Viewers watch, they don't vote.
 */
import { useId, useLayoutEffect, useRef, useState } from 'react'
import type * as Y from 'yjs'
import type { Role } from '../../shared/roles.ts'
import { randomToken } from '../../shared/ids.ts'
import { MAX_DOTS_PER_PERSON, MAX_QUESTION_LENGTH, VOTE_GROUPS, type Ballots, type VoteGroup, type VoteScope, type VoteSession } from '../../shared/journey/votes.ts'
import type { JourneyCard } from '../../shared/journey/model.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import type { MessageKey } from '../i18n/messages/en.ts'
import type { JourneyModel } from './journeyModel.ts'
import type { Voting } from './useVoting.ts'
import { writeVote } from './useSession.ts'
import { KindChip } from './CardKindPicker.tsx'
import { usePlural } from './usePlural.ts'

export const VOTE_GROUP_KEYS: Record<VoteGroup, MessageKey> = {
  citizen: 'journey.vote.group.citizen',
  official: 'journey.vote.group.official',
  other: 'journey.vote.group.other',
  undeclared: 'journey.vote.group.undeclared',
}

const STATUS_KEYS: Record<VoteSession['status'], MessageKey> = {
  open: 'journey.vote.status.open',
  revealed: 'journey.vote.status.revealed',
  closed: 'journey.vote.status.closed',
}

type T = ReturnType<typeof useT>

/** A card as one line of text: its words (shortened), or a stand-in text for an empty one. */
export function cardTitle(card: JourneyCard | undefined, t: T): string {
  const text = card?.text.replace(/\s+/g, ' ').trim() ?? ''
  if (!text) return t('journey.outline.emptyCard')
  return text.length > 80 ? `${text.slice(0, 79)}…` : text
}

function frameLabel(frame: JourneyModel['frames'][number], t: T): string {
  return frame.name || (frame.templateNameKey ? t(frame.templateNameKey) : frame.id)
}

function StartForm({ doc, model, userId, serverNow, onStarted }: { doc: Y.Doc; model: JourneyModel; userId: string; serverNow: () => number; onStarted: (vote: VoteSession) => void }) {
  const t = useT()
  const ids = { question: useId(), dots: useId(), scope: useId(), reveal: useId() }
  const [question, setQuestion] = useState('')
  const [dots, setDots] = useState(3)
  const [scope, setScope] = useState<string>('all')
  const [anonymous, setAnonymous] = useState(true)
  const [reveal, setReveal] = useState<VoteSession['reveal']>('onReveal')
  const [error, setError] = useState<string | null>(null)
  return (
    <form
      className="jk-stack"
      data-testid="vote-start-form"
      onSubmit={(event) => {
        event.preventDefault()
        const q = question.trim()
        if (!q) {
          setError(t('journey.vote.error.question'))
          return
        }
        const frame = model.frames.find((f) => f.id === scope)
        const voteScope: VoteScope = frame ? { kind: 'frame', frameId: frame.id } : { kind: 'all' }
        const vote: VoteSession = {
          id: `v${randomToken(9)}`,
          question: q.slice(0, MAX_QUESTION_LENGTH),
          dotsPerPerson: Math.min(Math.max(1, Math.round(dots) || 1), MAX_DOTS_PER_PERSON),
          scope: voteScope,
          anonymous,
          reveal,
          status: 'open',
          startedAt: serverNow(),
          startedBy: userId,
        }
        writeVote(doc, vote)
        onStarted(vote)
      }}
    >
      <h3 tabIndex={-1}>{t('journey.vote.start.title')}</h3>
      <label htmlFor={ids.question}>{t('journey.vote.question')}</label>
      <input
        id={ids.question}
        type="text"
        value={question}
        maxLength={MAX_QUESTION_LENGTH}
        onChange={(event) => setQuestion(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${ids.question}-hint ${ids.question}-error` : `${ids.question}-hint`}
        data-testid="vote-question"
      />
      <p id={`${ids.question}-hint`} className="hint">
        {t('journey.vote.question.hint')}
      </p>
      {error && (
        <p id={`${ids.question}-error`} className="form-error" role="alert">
          {error}
        </p>
      )}
      <label htmlFor={ids.dots}>{t('journey.vote.dots')}</label>
      <input
        id={ids.dots}
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_DOTS_PER_PERSON}
        value={dots}
        onChange={(event) => setDots(Number(event.target.value))}
        className="jk-number"
        data-testid="vote-dots"
      />
      <label htmlFor={ids.scope}>{t('journey.vote.scope')}</label>
      <select id={ids.scope} value={scope} onChange={(event) => setScope(event.target.value)} data-testid="vote-scope">
        <option value="all">{t('journey.vote.scope.all')}</option>
        {model.frames.map((frame) => (
          <option key={frame.id} value={frame.id}>
            {t('journey.vote.scope.frame', { name: frameLabel(frame, t) })}
          </option>
        ))}
      </select>
      <label className="choice">
        <input type="checkbox" checked={anonymous} onChange={(event) => setAnonymous(event.target.checked)} data-testid="vote-anonymous" />
        <span>{t('journey.vote.anonymous')}</span>
      </label>
      <fieldset className="choices">
        <legend>{t('journey.vote.reveal')}</legend>
        {(['live', 'onReveal'] as const).map((r) => (
          <label key={r} className="choice">
            <input type="radio" name={ids.reveal} checked={reveal === r} onChange={() => setReveal(r)} data-testid={`vote-reveal-${r}`} />
            <span>{t(r === 'live' ? 'journey.vote.reveal.live' : 'journey.vote.reveal.onReveal')}</span>
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button button-primary" data-testid="vote-start">
        {t('journey.vote.start')}
      </button>
    </form>
  )
}

function Results({ vote, model, ballots, names }: { vote: VoteSession; model: JourneyModel; ballots: Ballots; names: ReadonlyMap<string, string> }) {
  const t = useT()
  const plural = usePlural()
  const result = model.tally
  if (!result || result.total.total === 0) return <p className="hint" data-testid="vote-results-empty">{t('journey.vote.results.none')}</p>
  const groups = VOTE_GROUPS.filter((g) => result.total.byGroup[g] > 0)
  // Reading order of the board breaks ties, so equal cards keep their place on the map.
  const order = [...model.cards.keys()]
  const rows = Object.entries(result.byCard).sort(
    ([a, va], [b, vb]) => vb.total - va.total || order.indexOf(a) - order.indexOf(b),
  )
  const who = (cardId: string) => {
    const counts = new Map<string, number>()
    for (const [voterId, ballot] of Object.entries(ballots)) {
      if (ballot.voteId !== undefined && ballot.voteId !== vote.id) continue
      const n = ballot.dots.filter((d) => d === cardId).length
      if (n) counts.set(names.get(voterId) ?? t('people.unnamed'), (counts.get(names.get(voterId) ?? t('people.unnamed')) ?? 0) + n)
    }
    return [...counts].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ')
  }
  const voters = groups.map((g) => `${t(VOTE_GROUP_KEYS[g])} ${result.voters.byGroup[g]}`).join(', ')
  return (
    <div className="jk-stack" data-testid="vote-results">
      <p data-testid="vote-voters">
        {plural(result.voters.total, 'journey.vote.voters.one', 'journey.vote.voters.other')}
        {groups.length > 0 && ` (${voters})`}
      </p>
      <div className="jk-table-wrap">
        <table className="jk-table">
          <caption className="visually-hidden">{t('journey.vote.results')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('journey.vote.col.card')}</th>
              <th scope="col">{t('journey.vote.col.total')}</th>
              {groups.map((g) => (
                <th key={g} scope="col" data-group={g}>
                  {t(VOTE_GROUP_KEYS[g])}
                </th>
              ))}
              {!vote.anonymous && <th scope="col">{t('journey.vote.col.who')}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map(([cardId, votes]) => {
              const card = model.cards.get(cardId)
              return (
                <tr key={cardId} data-testid="vote-result-row" data-card-id={cardId}>
                  <th scope="row">
                    {card && <KindChip kind={card.kind} />} <span data-testid="vote-result-text">{cardTitle(card, t)}</span>
                  </th>
                  <td data-testid="vote-result-total">{votes.total}</td>
                  {groups.map((g) => (
                    <td key={g} data-group={g} data-testid={`vote-result-${g}`}>
                      {votes.byGroup[g]}
                    </td>
                  ))}
                  {!vote.anonymous && <td>{who(cardId)}</td>}
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </div>
  )
}

export function VotePanel({
  doc,
  vote,
  role,
  canRun,
  model,
  ballots,
  voting,
  votingMode,
  onVotingMode,
  readOnly,
  userId,
  names,
  serverNow,
  showResults,
  onDot,
}: {
  doc: Y.Doc
  vote: VoteSession | null
  role: Role
  /** A facilitator who can write: start, reveal, close. */
  canRun: boolean
  model: JourneyModel
  ballots: Ballots
  voting: Voting
  votingMode: boolean
  onVotingMode: (on: boolean) => void
  readOnly: boolean
  userId: string
  names: ReadonlyMap<string, string>
  serverNow: () => number
  showResults: boolean
  onDot: (cardId: string, remove: boolean) => void
}) {
  const t = useT()
  const [starting, setStarting] = useState(false)
  // Starting, revealing, closing or clearing removes the button just pressed: focus moves to
  // the heading of what replaces it, not to the page (in a layout effect: before it is painted).
  const root = useRef<HTMLDivElement>(null)
  // 'vote': once the vote just started has arrived (the render before it still shows the form,
  // whose heading would take the focus and then vanish with it).
  const refocus = useRef<false | 'now' | 'vote'>(false)
  useLayoutEffect(() => {
    if (!refocus.current) return
    if (refocus.current === 'vote' && !vote) return
    refocus.current = false
    root.current?.querySelector<HTMLElement>('h3')?.focus()
  })
  const update = (patch: Partial<VoteSession>) => {
    refocus.current = 'now'
    if (vote) writeVote(doc, { ...vote, ...patch })
  }

  if (!vote || starting) {
    return (
      <div className="jk-stack" data-testid="vote-panel" ref={root}>
        {!vote && <p data-testid="vote-none">{t('journey.vote.none')}</p>}
        {canRun && (
          <StartForm
            doc={doc}
            model={model}
            userId={userId}
            serverNow={serverNow}
            onStarted={() => {
              refocus.current = 'vote'
              setStarting(false)
            }}
          />
        )}
        {starting && (
          <button
            type="button"
            className="button"
            onClick={() => {
              refocus.current = 'now'
              setStarting(false)
            }}
          >
            {t('share.cancel')}
          </button>
        )}
      </div>
    )
  }

  const details = t('journey.vote.details', {
    dots: vote.dotsPerPerson,
    anonymity: t(vote.anonymous ? 'journey.vote.details.anonymous' : 'journey.vote.details.named'),
    reveal: t(vote.reveal === 'live' ? 'journey.vote.details.live' : 'journey.vote.details.onReveal'),
  })
  const myDots = [...voting.mine]
  return (
    <div className="jk-stack" data-testid="vote-panel" data-status={vote.status} ref={root}>
      <h3 tabIndex={-1} data-testid="vote-question-text">{vote.question || t('journey.vote.untitled')}</h3>
      <p className="jk-vote-status" data-testid="vote-status">
        <strong>{t(STATUS_KEYS[vote.status])}</strong> · {details}
      </p>

      {vote.status === 'open' && role === 'viewer' && <p className="hint">{t('journey.vote.viewer')}</p>}
      {vote.status === 'open' && role !== 'viewer' && readOnly && <p className="hint">{t('journey.vote.cannotVote')}</p>}
      {voting.canVote && (
        <div className="jk-stack jk-voter" data-testid="voter">
          <p className="jk-dots-left" data-testid="dots-left" data-left={voting.left}>
            {t('journey.vote.dotsLeft', { left: voting.left, total: vote.dotsPerPerson })}
          </p>
          <button
            type="button"
            className={`button${votingMode ? ' button-on' : ' button-primary'}`}
            aria-pressed={votingMode}
            onClick={() => onVotingMode(!votingMode)}
            data-testid="voting-mode"
          >
            {votingMode && <span aria-hidden="true">✓ </span>}
            {t('journey.vote.mode')}
          </button>
          <p className="hint">{t('journey.vote.mode.help')}</p>
          <h4>{t('journey.vote.myDots')}</h4>
          {myDots.length === 0 ? (
            <p className="hint">{t('journey.vote.myDots.none')}</p>
          ) : (
            <ul className="jk-my-dots" data-testid="my-dots">
              {myDots.map(([cardId, n]) => (
                <li key={cardId}>
                  <span aria-hidden="true" className="jk-dot-row">
                    {'●'.repeat(n)}
                  </span>{' '}
                  <span>{cardTitle(model.cards.get(cardId), t)}</span>{' '}
                  <span className="visually-hidden">{t('journey.outline.myDots', { count: n })}</span>
                  <button type="button" className="button jk-small" onClick={() => onDot(cardId, true)}>
                    {t('journey.outline.removeDot')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      {canRun && (
        <div className="button-row" data-testid="vote-controls">
          {vote.status === 'open' && vote.reveal === 'onReveal' && (
            <button type="button" className="button button-primary" onClick={() => update({ status: 'revealed' })} data-testid="vote-reveal">
              {t('journey.vote.reveal.button')}
            </button>
          )}
          {vote.status !== 'closed' && (
            <button type="button" className="button" onClick={() => update({ status: 'closed' })} data-testid="vote-close">
              {t('journey.vote.close')}
            </button>
          )}
          {vote.status === 'closed' && (
            <>
              <button
                type="button"
                className="button"
                onClick={() => {
                  refocus.current = 'now'
                  setStarting(true)
                }}
                data-testid="vote-new"
              >
                {t('journey.vote.startNew')}
              </button>
              <button
                type="button"
                className="button button-danger-outline"
                onClick={() => {
                  refocus.current = 'now'
                  writeVote(doc, null)
                }}
                data-testid="vote-clear"
              >
                {t('journey.vote.clear')}
              </button>
            </>
          )}
        </div>
      )}

      <h4>{t('journey.vote.results')}</h4>
      {showResults ? <Results vote={vote} model={model} ballots={ballots} names={names} /> : <p className="hint" data-testid="vote-results-hidden">{t('journey.vote.hidden')}</p>}
    </div>
  )
}
