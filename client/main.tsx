/**
 * Client entry: mounts the app. On a board's page it first starts everything opening the board
 * needs at once (its code, its info, its connection: see board/boardPrefetch.ts). In a language
 * other than English, the first render waits for that language, so the interface never shows
 * in English first.
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App, loadBoardPage, routeOf } from './App.tsx'
import { ENGLISH, initialLocale, loadLanguage, type Language } from './i18n/I18nProvider.tsx'
import { prefetchBoard } from './board/boardPrefetch.ts'
import './ui/app.css'

const root = document.getElementById('root')
if (!root) throw new Error('#root missing from index.html')

const route = routeOf(window.location.pathname)
if (route.kind === 'board') {
  // A failed load shows when the page renders it (React.lazy loads it again then).
  loadBoardPage().catch(() => undefined)
}
const board = route.kind === 'board' ? prefetchBoard(route.boardId, window.location.hash) : null

const render = (language: Language) => {
  createRoot(root).render(
    <StrictMode>
      <App route={route} language={language} board={board} />
    </StrictMode>,
  )
}

const locale = initialLocale()
if (locale === 'en') render(ENGLISH)
else
  loadLanguage(locale).then(render, (error: unknown) => {
    console.warn(`Could not load the language ${locale}; showing English`, error)
    render(ENGLISH)
  })
