/**
 * An accessible modal dialog on the native <dialog> element: it traps focus, closes on
 * Escape, and returns focus to where it was when it closes.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { useOwnKeys } from './useOwnKeys.ts'

export function Dialog({
  title,
  onClose,
  children,
  testId,
  dismissible = true,
}: {
  title: string
  onClose: () => void
  children: ReactNode
  testId?: string
  dismissible?: boolean
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  // On a board, keys pressed in the dialog are the dialog's, not the canvas's shortcuts.
  const ownKeys = useOwnKeys()
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const previous = document.activeElement as HTMLElement | null
    if (!dialog.open) dialog.showModal()
    return () => {
      if (dialog.open) dialog.close()
      previous?.focus?.()
    }
  }, [])
  return (
    <dialog
      ref={ref}
      {...ownKeys}
      className="dialog"
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault()
        if (dismissible) onClose()
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  )
}
