/**
 * The routes: `/` starts a board, `/b/<id>` opens one, `/accessibility` is the accessibility
 * statement. Anything else is "not found". The board page is loaded on demand so the start
 * page stays light on a phone; main.tsx starts loading it (and opening the board) before the
 * first render when the route is a board's.
 */
import { lazy, Suspense } from 'react'
import { I18nProvider, type Language } from './i18n/I18nProvider.tsx'
import { HomePage } from './home/HomePage.tsx'
import { AccessibilityStatement } from './a11y/AccessibilityStatement.tsx'
import { Loading, NotFoundPage } from './ui/Pages.tsx'
import type { BoardPrefetch } from './board/boardPrefetch.ts'

export type Route = { kind: 'home' } | { kind: 'accessibility' } | { kind: 'board'; boardId: string } | { kind: 'notFound' }

export function routeOf(path: string): Route {
  if (path === '/') return { kind: 'home' }
  if (/^\/accessibility\/?$/.test(path)) return { kind: 'accessibility' }
  const boardMatch = /^\/b\/([^/]+)\/?$/.exec(path)
  if (boardMatch?.[1]) {
    try {
      return { kind: 'board', boardId: decodeURIComponent(boardMatch[1]) }
    } catch {
      // A malformed escape is no board's id.
    }
  }
  return { kind: 'notFound' }
}

/** The board page's code; calling it again returns the same module. */
export const loadBoardPage = () => import('./board/BoardPage.tsx')

const BoardPage = lazy(loadBoardPage)

type Props = {
  route: Route
  /** The language to show first, already loaded. */
  language: Language
  /** The board being opened since the entry script ran, if the route is a board's. */
  board: BoardPrefetch | null
}

export function App({ route, language, board }: Props) {
  return (
    <I18nProvider initial={language}>
      {route.kind === 'home' ? (
        <HomePage />
      ) : route.kind === 'accessibility' ? (
        <AccessibilityStatement />
      ) : route.kind === 'board' ? (
        <Suspense fallback={<Loading />}>
          <BoardPage boardId={route.boardId} prefetch={board} />
        </Suspense>
      ) : (
        <NotFoundPage />
      )}
    </I18nProvider>
  )
}
