/**
 * The board route: checks the board and the link's key with the server, asks for a display
 * name the first time, then opens the live board. A wrong key or unknown board gets its own
 * page, never an empty board.
 */
import { useCallback, useEffect, useState } from 'react'
import { isBoardId, keyFromHash } from '../../shared/ids.ts'
import type { BoardInfoResponse } from '../../shared/api.ts'
import { ApiRequestError, getBoard } from '../api.ts'
import { ErrorPage, InvalidLinkPage, Loading, NotFoundPage } from '../ui/Pages.tsx'
import { loadUser, saveUser, type LocalUser } from './identity.ts'
import { NamePrompt } from './NamePrompt.tsx'
import { LiveBoard } from './LiveBoard.tsx'

type State =
  | { kind: 'loading' }
  | { kind: 'notFound' }
  | { kind: 'invalidLink' }
  | { kind: 'error'; reason: string }
  | { kind: 'ready'; info: BoardInfoResponse & { role: NonNullable<BoardInfoResponse['role']> }; key: string }

export default function BoardPage({ boardId }: { boardId: string }) {
  const [state, setState] = useState<State>({ kind: 'loading' })
  const [user, setUser] = useState<LocalUser>(loadUser)
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
    getBoard(boardId, key).then(
      (info) => {
        if (cancelled) return
        if (!info.role) setState({ kind: 'invalidLink' })
        else setState({ kind: 'ready', info: { ...info, role: info.role }, key })
      },
      (error: unknown) => {
        if (cancelled) return
        if (error instanceof ApiRequestError && error.status === 404) setState({ kind: 'notFound' })
        else if (error instanceof ApiRequestError && error.status === 403) setState({ kind: 'invalidLink' })
        else setState({ kind: 'error', reason: error instanceof Error ? error.message : String(error) })
      },
    )
    return () => {
      cancelled = true
    }
  }, [boardId, attempt])

  const onName = useCallback(
    (name: string) => {
      const next = { ...user, name }
      saveUser(next)
      setUser(next)
    },
    [user],
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
    case 'ready':
      if (!user.name) return <NamePrompt initial="" onSubmit={onName} />
      return <LiveBoard boardId={boardId} boardKey={state.key} role={state.info.role} title={state.info.title} user={user} />
  }
}
