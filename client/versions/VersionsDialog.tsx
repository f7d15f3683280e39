/**
 * The facilitator's versions: save the board as it is now under a name ("after stage
 * mapping"); see every version (named or saved automatically) with its time and size; preview
 * one read-only, download it as a tldraw file, or restore it. Restoring is a change everyone
 * sees at once, and the server first saves the board as it was, so it can be undone by
 * restoring that version. Loaded only when opened.
 */
import { lazy, Suspense, useCallback, useEffect, useId, useState, type FormEvent } from 'react'
import { MAX_VERSION_NAME_LENGTH, type VersionInfo } from '../../shared/api.ts'
import { fetchVersionFile, listVersions, restoreVersion, saveVersion } from '../api.ts'
import { useBoard } from '../board/boardContext.ts'
import { errorText } from '../board/errorText.ts'
import { useI18n } from '../i18n/I18nProvider.tsx'
import { Dialog } from '../ui/Dialog.tsx'
import { fileSafe, saveBlob } from '../export/download.ts'
import { useQuietEditor } from '../export/useQuietEditor.ts'
import './versions.css'

const VersionPreview = lazy(() => import('./VersionPreview.tsx'))

type T = ReturnType<typeof useI18n>['t']

/** A version's name as shown: its own, or what saved it. */
export function versionName(version: VersionInfo, t: T): string {
  return version.name || (version.auto ? t('versions.auto') : t('versions.unnamed'))
}

function sizeText(bytes: number, locale: string): string {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'megabyte'] : [Math.max(1, bytes / 1024), 'kilobyte']
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: value < 10 ? 1 : 0 }).format(value)
}

type Notice = { kind: 'ok' | 'error'; text: string }

export default function VersionsDialog({ onClose }: { onClose: () => void }) {
  const { t, locale } = useI18n()
  const board = useBoard()
  useQuietEditor(board.editor)
  const { boardId, boardKey } = board
  const nameId = useId()
  const nameHintId = useId()
  const listHeadingId = useId()
  const [versions, setVersions] = useState<VersionInfo[] | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [name, setName] = useState('')
  const [busy, setBusy] = useState<string | null>(null)
  const [confirming, setConfirming] = useState<VersionInfo | null>(null)
  const [previewing, setPreviewing] = useState<VersionInfo | null>(null)
  const [notice, setNotice] = useState<Notice | null>(null)
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })

  const refresh = useCallback(async () => {
    try {
      const list = await listVersions(boardId, boardKey)
      setVersions([...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt)))
      setLoadError(null)
    } catch (err) {
      setLoadError(t('versions.error.list', { reason: errorText(err, t) }))
    }
  }, [boardId, boardKey, t])

  useEffect(() => {
    // The list comes from the server once the dialog opens (the state is set when it answers).
    void refresh()
  }, [refresh])

  async function act(key: string, work: () => Promise<Notice>) {
    setBusy(key)
    setNotice(null)
    try {
      setNotice(await work())
    } catch (err) {
      setNotice({ kind: 'error', text: t('versions.error.action', { reason: errorText(err, t) }) })
    } finally {
      setBusy(null)
    }
  }

  const save = (event: FormEvent) => {
    event.preventDefault()
    void act('save', async () => {
      const saved = await saveVersion(boardId, boardKey, name.trim())
      setName('')
      await refresh()
      return { kind: 'ok', text: t('versions.saved', { name: versionName(saved, t) }) }
    })
  }

  const download = (version: VersionInfo) =>
    act(`download:${version.id}`, async () => {
      const file = await fetchVersionFile(boardId, boardKey, version.id)
      const filename = file.filename ?? `${fileSafe(board.settings.title)} - ${fileSafe(versionName(version, t), 'version')}.tldr`
      saveBlob(file.blob, filename)
      return { kind: 'ok', text: t('versions.downloaded', { name: filename }) }
    })

  const restore = (version: VersionInfo) =>
    act(`restore:${version.id}`, async () => {
      const { backup } = await restoreVersion(boardId, boardKey, version.id)
      setConfirming(null)
      await refresh()
      return { kind: 'ok', text: t('versions.restored', { name: versionName(version, t), backup: versionName(backup, t) }) }
    })

  return (
    <Dialog title={t('versions.title')} onClose={onClose} testId="versions-dialog">
      <div className="stack export-ui">
        <form className="stack-tight versions-save" onSubmit={save}>
          <label htmlFor={nameId}>{t('versions.name')}</label>
          <div className="link-field">
            <input
              id={nameId}
              type="text"
              value={name}
              maxLength={MAX_VERSION_NAME_LENGTH}
              aria-describedby={nameHintId}
              onChange={(e) => setName(e.target.value)}
              data-testid="version-name"
            />
            <button type="submit" className="button button-primary" disabled={busy !== null} data-testid="version-save">
              {busy === 'save' ? t('versions.saving') : t('versions.save')}
            </button>
          </div>
          <p id={nameHintId} className="hint">
            {t('versions.name.hint')} {t('versions.help')}
          </p>
        </form>

        <div role="status" aria-live="polite" data-testid="versions-status">
          {notice?.kind === 'ok' && <p className="notice notice-ok">{notice.text}</p>}
        </div>
        {notice?.kind === 'error' && (
          <p className="form-error" role="alert">
            {notice.text}
          </p>
        )}

        <section aria-labelledby={listHeadingId} className="stack-tight">
          <h3 id={listHeadingId}>{t('versions.list')}</h3>
          {loadError && (
            <p className="form-error" role="alert">
              {loadError}
            </p>
          )}
          {versions === null && !loadError && <p className="hint">{t('versions.loading')}</p>}
          {versions?.length === 0 && <p className="hint">{t('versions.empty')}</p>}
          {versions && versions.length > 0 && (
            <ul className="versions-list" data-testid="versions-list">
              {versions.map((version) => {
                const label = versionName(version, t)
                return (
                  <li key={version.id} className="version" data-testid="version" data-version-id={version.id} data-auto={version.auto}>
                    <div className="version-text">
                      <span className="version-name">{label}</span>
                      <span className="version-details">
                        <time dateTime={version.createdAt}>{when.format(new Date(version.createdAt))}</time>
                        {' · '}
                        {sizeText(version.bytes, locale)}
                        {version.auto && version.name ? ` · ${t('versions.auto')}` : ''}
                      </span>
                    </div>
                    <div className="button-row">
                      <button
                        type="button"
                        className="button"
                        aria-label={t('versions.preview.label', { name: label })}
                        onClick={() => setPreviewing(version)}
                        data-testid="version-preview"
                      >
                        {t('versions.preview')}
                      </button>
                      <button
                        type="button"
                        className="button"
                        aria-label={t('versions.download.label', { name: label })}
                        disabled={busy !== null}
                        onClick={() => void download(version)}
                        data-testid="version-download"
                      >
                        {t('versions.download')}
                      </button>
                      <button
                        type="button"
                        className="button"
                        aria-label={t('versions.restore.label', { name: label })}
                        disabled={busy !== null}
                        aria-expanded={confirming?.id === version.id}
                        onClick={() => setConfirming(version)}
                        data-testid="version-restore"
                      >
                        {t('versions.restore')}
                      </button>
                    </div>
                    {confirming?.id === version.id && (
                      <div className="confirm" role="group" aria-label={t('versions.restore.label', { name: label })}>
                        <p className="notice notice-warn">{t('versions.restore.confirm', { name: label })}</p>
                        <div className="button-row">
                          <button
                            type="button"
                            className="button button-danger"
                            disabled={busy !== null}
                            onClick={() => void restore(version)}
                            data-testid="version-restore-confirm"
                          >
                            {busy === `restore:${version.id}` ? t('versions.restoring') : t('versions.restore.yes')}
                          </button>
                          <button type="button" className="button" autoFocus onClick={() => setConfirming(null)}>
                            {t('versions.cancel')}
                          </button>
                        </div>
                      </div>
                    )}
                  </li>
                )
              })}
            </ul>
          )}
        </section>
        <button type="button" className="button" onClick={onClose}>
          {t('versions.close')}
        </button>
      </div>
      {previewing && (
        <Suspense fallback={null}>
          <VersionPreview
            version={previewing}
            title={versionName(previewing, t)}
            load={() => fetchVersionFile(boardId, boardKey, previewing.id).then((file) => file.blob.text())}
            onClose={() => setPreviewing(null)}
          />
        </Suspense>
      )}
    </Dialog>
  )
}
