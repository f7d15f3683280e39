/**
 * The board route: checks the board and the link's key with the server, then the join step
 * (a display name the first time on this device; the group too, once per board, where the board
 * asks), then opens the live board. A wrong key or unknown board gets its own page, never an
 * empty board.
 */
import { useCallback, useEffect, useState } from 'react'
import { isBoardId, keyFromHash } from '../../shared/ids.ts'
import type { BoardInfoResponse } from '../../shared/api.ts'
import type { BoardSettings, Group } from '../../shared/session.ts'
import { ApiRequestError, getBoard } from '../api.ts'
import { ErrorPage, InvalidLinkPage, Loading, NotFoundPage } from '../ui/Pages.tsx'
import { loadGroup, loadUser, saveGroup, saveUser, type LocalUser } from './identity.ts'
import { NamePrompt, type JoinAnswer } from './NamePrompt.tsx'
import { LiveBoard } from './LiveBoard.tsx'
import type { BoardPrefetch } from './boardPrefetch.ts'

type State =
  | { kind: 'loading' }
  | { kind: 'notFound' }
  | { kind: 'invalidLink' }
  | { kind: 'error'; reason: string }
  | { kind: 'ready'; info: BoardInfoResponse & { role: NonNullable<BoardInfoResponse['role']> }; key: string }

type Props = {
  boardId: string
  /** The info request and connection started by the entry script (main.tsx), if any. */
  prefetch: BoardPrefetch | null
}

export default function BoardPage({ boardId, prefetch }: Props) {
  const [state, setState] = useState<State>({ kind: 'loading' })
  const [user, setUser] = useState<LocalUser>(loadUser)
  const [group, setGroup] = useState<Group | null | undefined>(() => loadGroup(boardId))
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    if (!isBoardId(boardId)) {
      setState({ kind: 'notFound' })
      return
    }
    const key = keyFromHash(window.location.hash)
    if (!key) {
      setState({ kind: 'invalidLink' })
      return
    }
    let cancelled = false
    // The first check uses the answer asked for while this page's code loaded; a retry or a
    // new key asks again.
    const early = attempt === 0 && prefetch?.boardId === boardId && prefetch.key === key
    const info = early ? prefetch.info : getBoard(boardId, key)
    info.then(
      (info) => {
        if (cancelled) return
        if (!info.role) {
          prefetch?.release()
          setState({ kind: 'invalidLink' })
        } else setState({ kind: 'ready', info: { ...info, role: info.role }, key })
      },
      (error: unknown) => {
        if (cancelled) return
        // Not opening this board now: a retry connects anew.
        prefetch?.release()
        if (error instanceof ApiRequestError && error.status === 404) setState({ kind: 'notFound' })
        else if (error instanceof ApiRequestError && error.status === 403) setState({ kind: 'invalidLink' })
        else setState({ kind: 'error', reason: error instanceof Error ? error.message : String(error) })
      },
    )
    return () => {
      cancelled = true
    }
  }, [boardId, attempt, prefetch])

  // A new link for the same board pasted into this tab changes only the fragment, which does
  // not reload the page: open the board again with the new key.
  useEffect(() => {
    const onHashChange = () => setAttempt((n) => n + 1)
    window.addEventListener('hashchange', onHashChange)
    return () => window.removeEventListener('hashchange', onHashChange)
  }, [])

  const onJoin = useCallback(
    ({ name, group: declared }: JoinAnswer, askedGroup: boolean) => {
      const next = { ...user, name }
      saveUser(next)
      setUser(next)
      if (askedGroup) {
        saveGroup(boardId, declared)
        setGroup(declared)
      }
    },
    [user, boardId],
  )

  switch (state.kind) {
    case 'loading':
      return <Loading />
    case 'notFound':
      return <NotFoundPage />
    case 'invalidLink':
      return <InvalidLinkPage />
    case 'error':
      return <ErrorPage reason={state.reason} onRetry={() => setAttempt((n) => n + 1)} />
    case 'ready': {
      const settings: BoardSettings = state.info.settings ?? { title: state.info.title, groups: [], notice: '', locked: false }
      // The facilitator sets the groups up; they are not asked for one themselves.
      const askGroup = state.info.role !== 'facilitator' && settings.groups.length > 0 && group === undefined
      if (!user.name || askGroup) {
        return (
          <NamePrompt
            initial={user.name}
            groups={askGroup ? settings.groups : []}
            notice={settings.notice}
            onSubmit={(answer) => onJoin(answer, askGroup)}
          />
        )
      }
      return (
        <LiveBoard
          key={state.key}
          boardId={boardId}
          boardKey={state.key}
          role={state.info.role}
          settings={settings}
          user={user}
          group={group ?? null}
          prefetch={prefetch}
        />
      )
    }
  }
}
