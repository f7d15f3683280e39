/**
 * Import a tldraw file (.tldr) or a board archive (.zip): into a new board, whose facilitator
 * link is then offered (and remembered on this device), or as new pages of this board. The
 * server checks the whole file before it changes anything; what it refuses is said plainly.
 */
import { useId, useState, type FormEvent } from 'react'
import type { CreateBoardResponse } from '../../shared/api.ts'
import { ApiRequestError, importAsNewBoard, importAsPages } from '../api.ts'
import { useBoard } from '../board/boardContext.ts'
import { errorText } from '../board/errorText.ts'
import { rememberLinks } from '../board/identity.ts'
import { useI18n } from '../i18n/I18nProvider.tsx'
import { Dialog } from '../ui/Dialog.tsx'
import { useQuietEditor } from './useQuietEditor.ts'
import './export.css'

type Target = 'newBoard' | 'pages'
type Result = { kind: 'newBoard'; board: CreateBoardResponse } | { kind: 'pages'; pages: number }

export default function ImportDialog({ onClose }: { onClose: () => void }) {
  const { t, locale } = useI18n()
  const board = useBoard()
  useQuietEditor(board.editor)
  const ids = { file: useId(), fileHelp: useId(), title: useId(), titleHint: useId(), target: useId() }
  const [file, setFile] = useState<File | null>(null)
  const [target, setTarget] = useState<Target>('newBoard')
  const [title, setTitle] = useState('')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<Result | null>(null)
  const [error, setError] = useState<string | null>(null)

  function refusal(err: unknown): string {
    if (err instanceof ApiRequestError) {
      // The server says what is wrong with the file (in English); the sentence around it is ours.
      if (err.status === 413) return t('import.error.tooLarge')
      if (err.status === 415) return t('import.error.unsupported', { reason: err.message })
      if (err.status === 400 || err.status === 422) return t('import.error.invalid', { reason: err.message })
    }
    return t('import.error.failed', { reason: errorText(err, t) })
  }

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (!file) {
      setError(t('import.error.noFile'))
      return
    }
    setBusy(true)
    setError(null)
    setResult(null)
    try {
      if (target === 'newBoard') {
        // An archive knows its board's title; a .tldr file does not, so its name stands in.
        const fallback = /\.zip$/i.test(file.name) ? '' : file.name.replace(/\.tldr$/i, '')
        const created = await importAsNewBoard(file, title.trim() || fallback)
        rememberLinks(created.id, created.links)
        setResult({ kind: 'newBoard', board: created })
      } else {
        const added = await importAsPages(board.boardId, board.boardKey, file)
        setResult({ kind: 'pages', pages: added.pages })
      }
    } catch (err) {
      setError(refusal(err))
    } finally {
      setBusy(false)
    }
  }

  const pagesText = (count: number) =>
    t(new Intl.PluralRules(locale).select(count) === 'one' ? 'import.done.pages.one' : 'import.done.pages.other', { count })

  return (
    <Dialog title={t('import.title')} onClose={onClose} testId="import-dialog">
      <form className="stack export-ui" onSubmit={(e) => void submit(e)}>
        <label htmlFor={ids.file}>{t('import.file')}</label>
        <p id={ids.fileHelp} className="hint">
          {t('import.file.help')}
        </p>
        <input
          id={ids.file}
          type="file"
          className="file-input"
          accept=".tldr,.zip,application/zip,application/json"
          aria-describedby={ids.fileHelp}
          data-testid="import-file"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null)
            setResult(null)
            setError(null)
          }}
        />
        <fieldset className="choices">
          <legend>{t('import.target')}</legend>
          <label className="choice">
            <input type="radio" name={ids.target} checked={target === 'newBoard'} onChange={() => setTarget('newBoard')} data-testid="import-target-new" />
            {t('import.target.newBoard')}
          </label>
          <label className="choice">
            <input type="radio" name={ids.target} checked={target === 'pages'} onChange={() => setTarget('pages')} data-testid="import-target-pages" />
            {t('import.target.pages')}
          </label>
        </fieldset>
        {target === 'newBoard' && (
          <>
            <label htmlFor={ids.title}>{t('import.newTitle')}</label>
            <input
              id={ids.title}
              type="text"
              value={title}
              maxLength={200}
              aria-describedby={ids.titleHint}
              onChange={(e) => setTitle(e.target.value)}
              data-testid="import-title"
            />
            <p id={ids.titleHint} className="hint">
              {t('import.newTitle.hint')}
            </p>
          </>
        )}
        <button type="submit" className="button button-primary" disabled={busy} data-testid="import-submit">
          {busy ? t('import.busy') : t('import.submit')}
        </button>
        <div role="status" aria-live="polite" data-testid="import-status">
          {result?.kind === 'newBoard' && (
            <div className="notice notice-ok stack-tight">
              <span>{t('import.done.newBoard', { title: result.board.title })}</span>
              <a className="button" href={result.board.links.facilitator} target="_blank" rel="noopener noreferrer" data-testid="import-open">
                {t('import.open')}
              </a>
              <span className="hint">{t('import.open.help')}</span>
            </div>
          )}
          {result?.kind === 'pages' && <p className="notice notice-ok">{pagesText(result.pages)}</p>}
        </div>
        {error && (
          <p className="form-error" role="alert" data-testid="import-error">
            {error}
          </p>
        )}
        <button type="button" className="button" onClick={onClose}>
          {t('export.close')}
        </button>
      </form>
    </Dialog>
  )
}
