/**
 * The facilitator's way to exports, imports and versions: one "Files" button with a small menu
 * in the wide controls row (three more buttons would push the row off the screen), or the three
 * entries as they are inside the Session menu on a phone. The dialogs themselves are loaded
 * when first opened, so none of their code is in the board's first download.
 */
import { lazy, Suspense, useEffect, useId, useRef, useState } from 'react'
import { useI18n } from '../i18n/I18nProvider.tsx'
import { useOwnKeys } from '../ui/useOwnKeys.ts'
import './filesMenu.css'

const ExportDialog = lazy(() => import('./ExportDialog.tsx'))
const ImportDialog = lazy(() => import('./ImportDialog.tsx'))
const VersionsDialog = lazy(() => import('../versions/VersionsDialog.tsx'))

export type FileDialog = 'export' | 'import' | 'versions'

const ENTRIES = [
  { dialog: 'export', label: 'export.button' },
  { dialog: 'import', label: 'import.button' },
  { dialog: 'versions', label: 'versions.button' },
] as const

/** The three entries as buttons (for a menu that is already open). */
export function FileActions({ onOpen }: { onOpen: (dialog: FileDialog) => void }) {
  const { t } = useI18n()
  return (
    <>
      {ENTRIES.map(({ dialog, label }) => (
        <button key={dialog} type="button" className="button" onClick={() => onOpen(dialog)} data-testid={`${dialog}-button`}>
          {t(label)}
        </button>
      ))}
    </>
  )
}

/** A "Files" button opening the entries below it; Escape or a press elsewhere closes it. */
export function FilesMenu({ onOpen }: { onOpen: (dialog: FileDialog) => void }) {
  const { t } = useI18n()
  const menuId = useId()
  const [open, setOpen] = useState(false)
  // The menu owns its keys (see useOwnKeys): Delete on an entry must not delete the selection.
  const menuKeys = useOwnKeys()
  const toggleRef = useRef<HTMLButtonElement>(null)
  const panelRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (!open) return
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node | null
      if (target && (panelRef.current?.contains(target) || toggleRef.current?.contains(target))) return
      setOpen(false)
    }
    document.addEventListener('pointerdown', onPointerDown, true)
    return () => document.removeEventListener('pointerdown', onPointerDown, true)
  }, [open])

  return (
    <div className="session-menu files-menu">
      <button
        type="button"
        ref={toggleRef}
        className={`button${open ? ' button-on' : ''}`}
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((o) => !o)}
        data-testid="files-menu-toggle"
      >
        {t('files.menu')}
      </button>
      {open && (
        <div
          id={menuId}
          ref={panelRef}
          {...menuKeys}
          className="session-menu-panel files-menu-panel"
          role="group"
          aria-label={t('files.menu')}
          onKeyDown={(event) => {
            menuKeys.onKeyDown?.(event)
            if (event.key !== 'Escape') return
            event.stopPropagation()
            setOpen(false)
            toggleRef.current?.focus()
          }}
        >
          <FileActions
            onOpen={(dialog) => {
              setOpen(false)
              // The dialog gives focus back to what had it when it opened: the Files button.
              toggleRef.current?.focus()
              onOpen(dialog)
            }}
          />
        </div>
      )}
    </div>
  )
}

/** The dialog that is open, if it is one of these. */
export function FileDialogs({ open, onClose }: { open: string | null; onClose: () => void }) {
  return (
    <Suspense fallback={null}>
      {open === 'export' && <ExportDialog onClose={onClose} />}
      {open === 'import' && <ImportDialog onClose={onClose} />}
      {open === 'versions' && <VersionsDialog onClose={onClose} />}
    </Suspense>
  )
}
