/**
 * The join step: a display name (asked once per device), the group where the board asks for
 * one (optional: "prefer not to say" is always there), and the notice on what is stored: the
 * facilitator's own wording for the board, or ours.
 */
import { LanguagePicker } from '../ui/LanguagePicker.tsx'
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import type { Group } from '../../shared/session.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import { Dialog } from '../ui/Dialog.tsx'

export const MAX_NAME_LENGTH = 40

/** `group` is null when the person preferred not to say (or the board did not ask). */
export type JoinAnswer = { name: string; group: Group | null }

type Props = {
  initial: string
  /** The groups the board offers; empty: the board does not ask. */
  groups: readonly Group[]
  /** The facilitator's notice; empty: the default text. */
  notice: string
  onSubmit: (answer: JoinAnswer) => void
}

export function NamePrompt({ initial, groups, notice, onSubmit }: Props) {
  const t = useT()
  const inputId = useId()
  const noticeId = useId()
  const groupHelpId = useId()
  const [name, setName] = useState(initial)
  // '' is "prefer not to say"; undefined: nothing chosen yet, which counts as the same.
  const [group, setGroup] = useState<Group | '' | undefined>(undefined)
  const [error, setError] = useState<string | null>(null)
  // The name field takes focus, not the language picker above it: the dialog's showModal()
  // (in Dialog's effect, which runs before this one) focuses its first control, and React's
  // autoFocus has already run by then.
  const nameInput = useRef<HTMLInputElement>(null)
  useEffect(() => {
    nameInput.current?.focus()
  }, [])
  function submit(event: FormEvent) {
    event.preventDefault()
    const clean = name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH)
    if (!clean) {
      setError(t('name.error.empty'))
      return
    }
    onSubmit({ name: clean, group: group ? group : null })
  }
  return (
    <Dialog title={t('name.title')} onClose={() => undefined} dismissible={false} testId="name-prompt">
      <form onSubmit={submit} noValidate className="stack">
        <LanguagePicker />
        <label htmlFor={inputId}>{t('name.label')}</label>
        <input
          ref={nameInput}
          id={inputId}
          name="displayName"
          type="text"
          value={name}
          maxLength={MAX_NAME_LENGTH}
          autoComplete="nickname"
          autoFocus
          aria-describedby={noticeId}
          aria-invalid={error ? true : undefined}
          onChange={(event) => setName(event.target.value)}
        />
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {groups.length > 0 && (
          <fieldset className="choices" aria-describedby={groupHelpId} data-testid="group-choice">
            <legend>{t('join.group.legend')}</legend>
            <p id={groupHelpId} className="hint">
              {t('join.group.help')}
            </p>
            {groups.map((g) => (
              <label key={g} className="choice">
                <input type="radio" name="group" value={g} checked={group === g} onChange={() => setGroup(g)} />
                {t(`group.${g}`)}
              </label>
            ))}
            <label className="choice">
              <input type="radio" name="group" value="" checked={group === ''} onChange={() => setGroup('')} />
              {t('join.group.none')}
            </label>
          </fieldset>
        )}
        <div className="join-notice" id={noticeId} data-testid="join-notice">
          <h3>{t('join.notice.title')}</h3>
          <p className="notice-text">{notice || t('join.notice.default')}</p>
        </div>
        <button type="submit" className="button button-primary">
          {t('name.submit')}
        </button>
      </form>
    </Dialog>
  )
}
