/**
 * The facilitator's board settings: the title, the groups people may declare when they join,
 * the notice shown in the join step (the administration's own data-protection wording), and
 * deleting the board, which asks for confirmation in a second step.
 */
import { useId, useState, type FormEvent } from 'react'
import { GROUPS, MAX_NOTICE_LENGTH, type Group } from '../../shared/session.ts'
import { DEFAULT_LIMITS } from '../../shared/limits.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import { deleteBoard, updateSettings } from '../api.ts'
import { Dialog } from '../ui/Dialog.tsx'
import { Flash, setFlash } from '../ui/flash.ts'
import { useBoard } from '../board/boardContext.ts'
import { forgetBoard } from '../board/identity.ts'
import { errorText } from '../board/errorText.ts'

/** How long leaving the deleted board waits for this device's copy to be erased. */
const ERASE_WAIT_MS = 2000

function DeleteSection() {
  const t = useT()
  const board = useBoard()
  const headingId = useId()
  const [step, setStep] = useState<'idle' | 'confirm' | 'busy'>('idle')
  const [error, setError] = useState<string | null>(null)

  async function erase() {
    setStep('busy')
    setError(null)
    try {
      await deleteBoard(board.boardId, board.boardKey)
    } catch (err) {
      setError(t('settings.delete.error', { reason: errorText(err, t) }))
      setStep('confirm')
      return
    }
    // The server has erased it; so does this device (without letting a stuck IndexedDB keep the
    // facilitator here), then the start page says it is done.
    await Promise.race([board.eraseDeviceCopy(), new Promise((resolve) => setTimeout(resolve, ERASE_WAIT_MS))])
    forgetBoard(board.boardId)
    setFlash(Flash.boardDeleted)
    window.location.assign('/')
  }

  return (
    <section className="danger-zone" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('settings.delete.title')}</h3>
      <p className="hint">{t('settings.delete.help')}</p>
      {step === 'idle' ? (
        <button type="button" className="button button-danger-outline" data-testid="delete-board" onClick={() => setStep('confirm')}>
          {t('settings.delete.button')}
        </button>
      ) : (
        <div className="confirm" role="group" aria-labelledby={headingId}>
          <p className="notice notice-warn">{t('settings.delete.confirm', { title: board.settings.title })}</p>
          <div className="button-row">
            <button
              type="button"
              className="button button-danger"
              disabled={step === 'busy'}
              data-testid="confirm-delete-board"
              onClick={() => void erase()}
            >
              {step === 'busy' ? t('settings.delete.busy') : t('settings.delete.yes')}
            </button>
            <button type="button" className="button" autoFocus disabled={step === 'busy'} onClick={() => setStep('idle')}>
              {t('settings.cancel')}
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const t = useT()
  const board = useBoard()
  const titleId = useId()
  const noticeId = useId()
  const noticeHelpId = useId()
  const groupsHelpId = useId()
  const errorId = useId()
  const [title, setTitle] = useState(board.settings.title)
  const [groups, setGroups] = useState<readonly Group[]>(board.settings.groups)
  const [notice, setNotice] = useState(board.settings.notice)
  const [saving, setSaving] = useState(false)
  const [saved, setSaved] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function save(event: FormEvent) {
    event.preventDefault()
    const cleanTitle = title.trim()
    if (!cleanTitle) {
      setError(t('settings.error.title'))
      return
    }
    setSaving(true)
    setSaved(false)
    setError(null)
    try {
      const response = await updateSettings(board.boardId, board.boardKey, {
        title: cleanTitle,
        groups: GROUPS.filter((g) => groups.includes(g)),
        notice,
      })
      board.applySettings(response.settings)
      setSaved(true)
    } catch (err) {
      setError(t('settings.error.save', { reason: errorText(err, t) }))
    } finally {
      setSaving(false)
    }
  }

  const edited = () => setSaved(false)

  return (
    <Dialog title={t('settings.title')} onClose={onClose} testId="settings-dialog">
      <form className="stack" onSubmit={(event) => void save(event)} noValidate>
        <label htmlFor={titleId}>{t('settings.boardTitle')}</label>
        <input
          id={titleId}
          type="text"
          value={title}
          maxLength={DEFAULT_LIMITS.maxTitleLength}
          autoComplete="off"
          aria-invalid={error && !title.trim() ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => {
            setTitle(event.target.value)
            edited()
          }}
        />
        <fieldset className="choices" aria-describedby={groupsHelpId}>
          <legend>{t('settings.groups.legend')}</legend>
          <p id={groupsHelpId} className="hint">
            {t('settings.groups.help')}
          </p>
          {GROUPS.map((group) => (
            <label key={group} className="choice">
              <input
                type="checkbox"
                name="groups"
                value={group}
                checked={groups.includes(group)}
                onChange={(event) => {
                  const on = event.target.checked
                  setGroups((before) => (on ? [...before, group] : before.filter((g) => g !== group)))
                  edited()
                }}
              />
              {t(`group.${group}`)}
            </label>
          ))}
        </fieldset>
        <label htmlFor={noticeId}>{t('settings.notice.label')}</label>
        <textarea
          id={noticeId}
          value={notice}
          rows={5}
          maxLength={MAX_NOTICE_LENGTH}
          aria-describedby={noticeHelpId}
          onChange={(event) => {
            setNotice(event.target.value)
            edited()
          }}
        />
        <p id={noticeHelpId} className="hint">
          {t('settings.notice.help')}
        </p>
        {notice.trim() === '' && (
          <blockquote className="hint" data-testid="settings-default-notice">
            {t('join.notice.default')}
          </blockquote>
        )}
        {error && (
          <p id={errorId} className="form-error" role="alert">
            {error}
          </p>
        )}
        <p className="hint" role="status" aria-live="polite" data-testid="settings-status">
          {saved ? t('settings.saved') : ''}
        </p>
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={saving} data-testid="save-settings">
            {saving ? t('settings.saving') : t('settings.save')}
          </button>
          <button type="button" className="button" onClick={onClose}>
            {t('settings.close')}
          </button>
        </div>
      </form>
      <DeleteSection />
    </Dialog>
  )
}
