/**
 * The frame of each of the kit's panels: a labelled, non-modal region beside the dock on a
 * wide screen, a sheet from the bottom on a phone, so the board stays visible and live. It
 * takes focus when it opens; Escape or its close button closes it and returns focus to the
 * dock button that opened it.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { useT } from '../i18n/I18nProvider.tsx'

export function KitPanel({
  id,
  title,
  onClose,
  children,
  testId,
}: {
  id: string
  title: string
  onClose: () => void
  children: ReactNode
  testId: string
}) {
  const t = useT()
  const titleId = useId()
  const ref = useRef<HTMLElement>(null)
  useEffect(() => {
    ref.current?.focus()
  }, [])
  return (
    <section
      id={id}
      ref={ref}
      className="jk-panel"
      aria-labelledby={titleId}
      tabIndex={-1}
      data-testid={testId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation()
          onClose()
        }
      }}
    >
      <div className="jk-panel-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="button" onClick={onClose} data-testid="journey-panel-close">
          {t('journey.panel.close')}
        </button>
      </div>
      <div className="jk-panel-body">{children}</div>
    </section>
  )
}
