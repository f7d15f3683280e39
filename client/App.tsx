/**
 * The routes: `/` starts a board, `/b/<id>` opens one, `/accessibility` is the accessibility
 * statement. Anything else is "not found". The board page is loaded on demand so the start
 * page stays light on a phone.
 */
import { lazy, Suspense } from 'react'
import { I18nProvider, type Language } from './i18n/I18nProvider.tsx'
import { HomePage } from './home/HomePage.tsx'
import { AccessibilityStatement } from './a11y/AccessibilityStatement.tsx'
import { Loading, NotFoundPage } from './ui/Pages.tsx'

const BoardPage = lazy(() => import('./board/BoardPage.tsx'))

/** `language`: the language to show first, already loaded. */
export function App({ language }: { language: Language }) {
  const path = window.location.pathname
  const boardMatch = /^\/b\/([^/]+)\/?$/.exec(path)
  return (
    <I18nProvider initial={language}>
      {path === '/' ? (
        <HomePage />
      ) : /^\/accessibility\/?$/.test(path) ? (
        <AccessibilityStatement />
      ) : boardMatch?.[1] ? (
        <Suspense fallback={<Loading />}>
          <BoardPage boardId={decodeURIComponent(boardMatch[1])} />
        </Suspense>
      ) : (
        <NotFoundPage />
      )}
    </I18nProvider>
  )
}
