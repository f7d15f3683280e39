/**
 * The facilitator's share dialog: the participant, view-only and facilitator links, each with a
 * copy button, a QR code for people in the room, and what it lets a person do. The participant
 * and view-only links can be replaced (after it leaked, say): people on the old one are
 * disconnected. A link this device does not know (the board was created elsewhere) can only be
 * replaced by a new one, which the dialog says before doing it.
 */
import { Suspense, lazy, useId, useRef, useState } from 'react'
import type { RotateKeyResponse } from '../../shared/api.ts'
import { useT } from '../i18n/I18nProvider.tsx'
import type { MessageKey } from '../i18n/messages/en.ts'
import { rotateKey } from '../api.ts'
import { Dialog } from '../ui/Dialog.tsx'
import { useBoard } from './boardContext.ts'
import { rememberLinks, type StoredLinks } from './identity.ts'
import { errorText } from './errorText.ts'

type LinkRole = keyof StoredLinks

/** The QR code (and its encoder) loads when the first one is shown, not with the board. */
const QrCode = lazy(async () => ({ default: (await import('../ui/QrCode.tsx')).QrCode }))

/** Per role: the name in test ids (the editor role is "participant" to people) and the words. */
const ROLE_TEXT = {
  editor: { name: 'participant', label: 'share.participant.label', help: 'share.participant.help', confirm: 'share.replace.confirm.participant' },
  viewer: { name: 'viewer', label: 'share.viewer.label', help: 'share.viewer.help', confirm: 'share.replace.confirm.viewer' },
  facilitator: { name: 'facilitator', label: 'share.facilitator.label', help: 'share.facilitator.help', confirm: null },
} as const satisfies Record<LinkRole, { name: string; label: MessageKey; help: MessageKey; confirm: MessageKey | null }>

function absolute(path: string): string {
  return new URL(path, window.location.origin).toString()
}

/** Copies to the clipboard, falling back to the selected text field where the API is missing (plain HTTP). */
async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    // Refused (no permission, not focused): try the old way below.
  }
  if (!input) return false
  input.focus()
  input.select()
  try {
    return document.execCommand('copy')
  } catch {
    return false
  }
}

function LinkSection({ role, path, onReplaced }: { role: LinkRole; path: string | undefined; onReplaced: (role: LinkRole, path: string) => void }) {
  const t = useT()
  const board = useBoard()
  const text = ROLE_TEXT[role]
  const name = text.name
  const headingId = useId()
  const inputId = useId()
  const helpId = useId()
  const input = useRef<HTMLInputElement>(null)
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null)
  const [showQr, setShowQr] = useState(role !== 'facilitator')
  const [step, setStep] = useState<'idle' | 'confirm' | 'busy'>('idle')
  const [error, setError] = useState<string | null>(null)
  const replaceable = role !== 'facilitator'
  const url = path ? absolute(path) : null

  async function replace() {
    if (role === 'facilitator') return
    setStep('busy')
    setError(null)
    try {
      const response: RotateKeyResponse = await rotateKey(board.boardId, board.boardKey, role)
      onReplaced(role, response.link)
      setStep('idle')
      setCopied(null)
      // The new link is what the facilitator wants next: copy it or show its QR code.
      requestAnimationFrame(() => input.current?.focus())
    } catch (err) {
      setError(t('share.replace.error', { reason: errorText(err, t) }))
      setStep('idle')
    }
  }

  return (
    <section className="link-section" aria-labelledby={headingId} data-testid={`link-section-${name}`}>
      <h3 id={headingId}>{t(text.label)}</h3>
      <p id={helpId} className="hint">
        {t(text.help)}
      </p>
      {url ? (
        <div className="link-body">
          <div className="link-text">
            <label htmlFor={inputId} className="visually-hidden">
              {t(text.label)}
            </label>
            <div className="link-field">
              <input
                id={inputId}
                ref={input}
                type="text"
                readOnly
                value={url}
                aria-describedby={helpId}
                data-testid={`${name}-link`}
                onFocus={(e) => e.currentTarget.select()}
              />
              <button
                type="button"
                className="button"
                data-testid={`copy-${name}`}
                onClick={() => {
                  void copyText(url, input.current).then((ok) => setCopied(ok ? 'copied' : 'failed'))
                }}
              >
                {copied === 'copied' ? t('share.copied') : t('share.copy')}
              </button>
            </div>
            <p className="hint" role="status" aria-live="polite">
              {copied === 'copied' ? t('share.copied.status') : copied === 'failed' ? t('share.copy.failed') : ''}
            </p>
            {role === 'facilitator' && (
              <button type="button" className="button" aria-expanded={showQr} onClick={() => setShowQr((s) => !s)}>
                {showQr ? t('share.qr.hide') : t('share.qr.show')}
              </button>
            )}
          </div>
          {showQr && (
            // Its place is kept while it loads, so the dialog does not jump.
            <Suspense fallback={<div className="qr-code" aria-hidden="true" />}>
              <QrCode text={url} label={t('share.qr.label', { link: t(text.label) })} testId={`qr-${name}`} />
            </Suspense>
          )}
        </div>
      ) : (
        <p className="notice" data-testid={`${name}-unknown`}>
          {role === 'facilitator' ? t('share.facilitator.unknown') : t('share.unknown')}
        </p>
      )}
      {replaceable && step !== 'confirm' && (
        <div className="stack-tight">
          {!url && <p className="notice notice-warn">{t('share.create.warning')}</p>}
          <button
            type="button"
            className="button"
            disabled={step === 'busy'}
            data-testid={`replace-${name}`}
            onClick={() => (url ? setStep('confirm') : void replace())}
          >
            {step === 'busy' ? t('share.replace.busy') : url ? t('share.replace') : t('share.create')}
          </button>
        </div>
      )}
      {text.confirm && step === 'confirm' && (
        <div className="confirm" role="group" aria-label={t('share.replace')}>
          <p className="notice notice-warn">{t(text.confirm)}</p>
          <div className="button-row">
            <button type="button" className="button button-danger" data-testid={`confirm-replace-${name}`} onClick={() => void replace()}>
              {t('share.replace.yes')}
            </button>
            <button type="button" className="button" autoFocus onClick={() => setStep('idle')}>
              {t('share.cancel')}
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

export function ShareDialog({ onClose }: { onClose: () => void }) {
  const t = useT()
  const board = useBoard()
  const [announcement, setAnnouncement] = useState('')
  const onReplaced = (role: LinkRole, path: string) => {
    const links = { ...board.links, [role]: path }
    rememberLinks(board.boardId, links)
    board.setLinks(links)
    setAnnouncement(t('share.replaced'))
  }
  return (
    <Dialog title={t('share.title')} onClose={onClose} testId="share-dialog">
      <div className="stack">
        <LinkSection role="editor" path={board.links.editor} onReplaced={onReplaced} />
        <LinkSection role="viewer" path={board.links.viewer} onReplaced={onReplaced} />
        <LinkSection role="facilitator" path={board.links.facilitator} onReplaced={onReplaced} />
        <p role="status" aria-live="polite" className="hint" data-testid="share-announcement">
          {announcement}
        </p>
        <button type="button" className="button" onClick={onClose}>
          {t('share.close')}
        </button>
      </div>
    </Dialog>
  )
}
