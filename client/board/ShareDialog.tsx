/** Shows the links to hand out, each with a copy button and what it lets a person do. */
import { useId, useState } from 'react'
import { useT } from '../i18n/I18nProvider.tsx'
import { Dialog } from '../ui/Dialog.tsx'
import type { StoredLinks } from './identity.ts'

function LinkRow({ label, help, path, testId }: { label: string; help: string; path: string; testId: string }) {
  const t = useT()
  const id = useId()
  const helpId = useId()
  const [copied, setCopied] = useState(false)
  const url = new URL(path, window.location.origin).toString()
  return (
    <div className="link-row">
      <label htmlFor={id}>{label}</label>
      <div className="link-field">
        <input id={id} type="text" readOnly value={url} aria-describedby={helpId} data-testid={testId} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          className="button"
          onClick={() => {
            void navigator.clipboard?.writeText(url).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }}
        >
          {copied ? t('share.copied') : t('share.copy')}
        </button>
      </div>
      <p id={helpId} className="hint">
        {help}
      </p>
    </div>
  )
}

export function ShareDialog({ links, onClose }: { links: StoredLinks; onClose: () => void }) {
  const t = useT()
  return (
    <Dialog title={t('share.title')} onClose={onClose} testId="share-dialog">
      <div className="stack">
        {links.editor ? (
          <LinkRow label={t('share.participant.label')} help={t('share.participant.help')} path={links.editor} testId="participant-link" />
        ) : (
          <p>{t('share.unavailable')}</p>
        )}
        {links.facilitator && (
          <LinkRow label={t('share.facilitator.label')} help={t('share.facilitator.help')} path={links.facilitator} testId="facilitator-link" />
        )}
        <button type="button" className="button" onClick={onClose}>
          {t('share.close')}
        </button>
      </div>
    </Dialog>
  )
}
