/** The join step: a display name, asked once per device, with a note on what is shared. */
import { useId, useState, type FormEvent } from 'react'
import { useT } from '../i18n/I18nProvider.tsx'
import { Dialog } from '../ui/Dialog.tsx'

export const MAX_NAME_LENGTH = 40

export function NamePrompt({ initial, onSubmit }: { initial: string; onSubmit: (name: string) => void }) {
  const t = useT()
  const inputId = useId()
  const helpId = useId()
  const [name, setName] = useState(initial)
  const [error, setError] = useState<string | null>(null)
  function submit(event: FormEvent) {
    event.preventDefault()
    const clean = name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH)
    if (!clean) {
      setError(t('name.error.empty'))
      return
    }
    onSubmit(clean)
  }
  return (
    <Dialog title={t('name.title')} onClose={() => undefined} dismissible={false} testId="name-prompt">
      <form onSubmit={submit} noValidate className="stack">
        <label htmlFor={inputId}>{t('name.label')}</label>
        <input
          id={inputId}
          name="displayName"
          type="text"
          value={name}
          maxLength={MAX_NAME_LENGTH}
          autoComplete="nickname"
          autoFocus
          placeholder={t('name.placeholder')}
          aria-describedby={helpId}
          aria-invalid={error ? true : undefined}
          onChange={(event) => setName(event.target.value)}
        />
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <p id={helpId} className="hint">
          {t('name.help')}
        </p>
        <button type="submit" className="button button-primary">
          {t('name.submit')}
        </button>
      </form>
    </Dialog>
  )
}
