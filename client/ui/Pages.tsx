/** Whole-page messages: loading, not found, invalid link, error. */
import type { ReactNode } from 'react'
import { useT } from '../i18n/I18nProvider.tsx'

export function MessagePage({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <main className="page page-message" data-testid={testId}>
      <h1>{title}</h1>
      {children}
    </main>
  )
}

export function Loading() {
  const t = useT()
  return (
    <main className="page page-message" aria-busy="true">
      <p role="status">{t('board.loading')}</p>
    </main>
  )
}

export function NotFoundPage() {
  const t = useT()
  return (
    <MessagePage title={t('board.notFound.title')} testId="board-not-found">
      <p>{t('board.notFound.body')}</p>
      <p>
        <a href="/">{t('board.home')}</a>
      </p>
    </MessagePage>
  )
}

export function InvalidLinkPage() {
  const t = useT()
  return (
    <MessagePage title={t('board.invalidLink.title')} testId="board-invalid-link">
      <p>{t('board.invalidLink.body')}</p>
      <p>
        <a href="/">{t('board.home')}</a>
      </p>
    </MessagePage>
  )
}

export function ErrorPage({ reason, onRetry }: { reason: string; onRetry: () => void }) {
  const t = useT()
  return (
    <MessagePage title={t('board.error.title')} testId="board-error">
      <p>{t('board.error.body', { reason })}</p>
      <p>
        <button type="button" className="button" onClick={onRetry}>
          {t('board.retry')}
        </button>
      </p>
    </MessagePage>
  )
}
