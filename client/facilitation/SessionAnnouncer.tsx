/**
 * Says politely to screen readers what changed in the session that a sighted person would
 * notice on screen: someone joined or left, a vote opened or closed. (The lock and the timer
 * announce themselves where they are shown.) Visually hidden.
 */
import { useEffect, useRef, useState } from 'react'
import type * as Y from 'yjs'
import { useT } from '../i18n/I18nProvider.tsx'
import { useVoteSession } from '../journey/useSession.ts'
import type { Person } from './people.ts'

export function SessionAnnouncer({ people, doc }: { people: readonly Person[]; doc: Y.Doc }) {
  const t = useT()
  const [message, setMessage] = useState('')
  const known = useRef<Map<string, string> | null>(null)
  useEffect(() => {
    const now = new Map(people.filter((p) => !p.isSelf).map((p) => [p.id, p.name]))
    const before = known.current
    known.current = now
    // The first list is who was already here: nothing to announce.
    if (!before) return
    const joined = [...now].filter(([id]) => !before.has(id)).map(([, name]) => name)
    const left = [...before].filter(([id]) => !now.has(id)).map(([, name]) => name)
    const parts = [
      ...joined.map((name) => t('announce.joined', { name: name || t('people.unnamed') })),
      ...left.map((name) => t('announce.left', { name: name || t('people.unnamed') })),
    ]
    if (parts.length > 0) setMessage(parts.join(' '))
  }, [people, t])

  const vote = useVoteSession(doc)
  const lastVote = useRef<string | null | undefined>(undefined)
  useEffect(() => {
    const key = vote ? `${vote.id}:${vote.status}` : null
    const before = lastVote.current
    lastVote.current = key
    if (before === undefined || before === key) return
    if (vote && vote.status === 'open' && !before?.startsWith(`${vote.id}:`)) {
      setMessage(t('announce.voteOpened', { question: vote.question }))
    } else if (vote && vote.status === 'closed') {
      setMessage(t('announce.voteClosed'))
    }
  }, [vote, t])

  return (
    <div className="visually-hidden" role="status" aria-live="polite" data-testid="session-announcer">
      {message}
    </div>
  )
}
