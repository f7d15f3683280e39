/**
 * The start page: give a title, create the board, land on it as its facilitator. The links
 * (facilitator, participant, view-only) are remembered on this device so the share dialog can
 * show them. After a board is deleted, the facilitator lands here with a message saying so.
 * The footer links to the accessibility statement.
 */
import { useId, useState, type FormEvent } from 'react'
import { useT } from '../i18n/I18nProvider.tsx'
import { createBoard } from '../api.ts'
import { rememberLinks } from '../board/identity.ts'
import { LanguagePicker } from '../ui/LanguagePicker.tsx'
import { takeFlash } from '../ui/flash.ts'

export function HomePage() {
  const t = useT()
  const inputId = useId()
  const errorId = useId()
  const hintId = useId()
  const [title, setTitle] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // Read once: a reload of the start page no longer shows it.
  const [flash] = useState(takeFlash)

  async function onSubmit(event: FormEvent) {
    event.preventDefault()
    if (title.trim() === '') {
      setError(t('home.error.empty'))
      return
    }
    setBusy(true)
    setError(null)
    try {
      const created = await createBoard(title.trim())
      rememberLinks(created.id, created.links)
      window.location.assign(created.links.facilitator)
    } catch (err) {
      setError(t('home.error.failed', { reason: err instanceof Error ? err.message : String(err) }))
      setBusy(false)
    }
  }

  return (
    <>
      <main className="page page-home">
        <header className="home-header">
          <h1>{t('app.name')}</h1>
          <LanguagePicker />
        </header>
        {flash === 'boardDeleted' && (
          <p className="notice notice-ok" role="status" data-testid="flash">
            {t('home.boardDeleted')}
          </p>
        )}
        <p className="lead">{t('app.tagline')}</p>
        <form className="create-form" onSubmit={onSubmit} noValidate>
          <label htmlFor={inputId}>{t('home.title.label')}</label>
          <input
            id={inputId}
            name="title"
            type="text"
            value={title}
            maxLength={200}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${hintId} ${errorId}` : hintId}
            onChange={(event) => setTitle(event.target.value)}
          />
          <p id={hintId} className="hint">
            {t('home.title.hint')}
          </p>
          {error && (
            <p id={errorId} className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('home.creating') : t('home.create')}
          </button>
        </form>
        <p className="hint">{t('home.explainer')}</p>
      </main>
      <footer className="page page-footer">
        <a href="/accessibility">{t('a11y.link')}</a>
      </footer>
    </>
  )
}
