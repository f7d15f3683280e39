/**
 * A version shown read-only: its tldraw file loaded into a fresh store (migrated to this
 * tldraw's schema) and drawn by a second, read-only editor in a dialog, with its pages to pick
 * from. Nothing of it touches the live board.
 */
import { useEffect, useId, useState } from 'react'
import { Tldraw, createTLSchema, parseTldrawJsonFile, useValue, type Editor, type TLPageId, type TLStore } from 'tldraw'
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import type { VersionInfo } from '../../shared/api.ts'
import { useBoard } from '../board/boardContext.ts'
import { errorText } from '../board/errorText.ts'
import { useI18n } from '../i18n/I18nProvider.tsx'
import { Dialog } from '../ui/Dialog.tsx'
import './versions.css'

/** Icons and fonts served by us, as for the live board. */
const assetUrls = getAssetUrlsByImport()

/** Everything on the page in view, never magnified past 100% (one small sticky note would fill it). */
function fitContent(editor: Editor): void {
  const bounds = editor.getCurrentPageBounds()
  if (bounds) editor.zoomToBounds(bounds, { targetZoom: 1, inset: 32 })
}

type State = { kind: 'loading' } | { kind: 'ready'; store: TLStore } | { kind: 'error'; text: string }

function PageControls({ editor }: { editor: Editor }) {
  const { t } = useI18n()
  const pageId = useId()
  const pages = useValue('codesign.preview.pages', () => editor.getPages(), [editor])
  const current = useValue('codesign.preview.page', () => editor.getCurrentPageId(), [editor])
  return (
    <div className="version-preview-controls">
      {pages.length > 1 && (
        <span className="version-preview-page">
          <label htmlFor={pageId}>{t('versions.preview.page')}</label>
          <select
            id={pageId}
            value={current}
            onChange={(e) => {
              editor.setCurrentPage(e.target.value as TLPageId)
              fitContent(editor)
            }}
          >
            {pages.map((page) => (
              <option key={page.id} value={page.id}>
                {page.name}
              </option>
            ))}
          </select>
        </span>
      )}
      <button type="button" className="button" onClick={() => fitContent(editor)}>
        {t('versions.preview.fit')}
      </button>
    </div>
  )
}

export default function VersionPreview({
  version,
  title,
  load,
  onClose,
}: {
  version: VersionInfo
  title: string
  /** The version's tldraw file, as text. */
  load: () => Promise<string>
  onClose: () => void
}) {
  const { t } = useI18n()
  const board = useBoard()
  const helpId = useId()
  const [state, setState] = useState<State>({ kind: 'loading' })
  const [editor, setEditor] = useState<Editor | null>(null)
  const schema = board.editor?.store.schema

  useEffect(() => {
    let cancelled = false
    let loaded: TLStore | null = null
    load().then(
      (json) => {
        if (cancelled) return
        const parsed = parseTldrawJsonFile({ json, schema: schema ?? createTLSchema() })
        if (!parsed.ok) {
          setState({ kind: 'error', text: t('versions.preview.error', { reason: parsed.error.type }) })
          return
        }
        loaded = parsed.value
        setState({ kind: 'ready', store: parsed.value })
      },
      (err: unknown) => {
        if (!cancelled) setState({ kind: 'error', text: t('versions.preview.error', { reason: errorText(err, t) }) })
      },
    )
    return () => {
      cancelled = true
      loaded?.dispose()
    }
    // One load per version shown.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version.id])

  return (
    <Dialog title={t('versions.preview.title', { name: title })} onClose={onClose} testId="version-preview-dialog">
      <div className="stack export-ui">
        <p id={helpId} className="hint">
          {t('versions.preview.help')}
        </p>
        {editor && <PageControls editor={editor} />}
        <div
          className="version-preview-canvas"
          role="region"
          aria-label={t('versions.preview.title', { name: title })}
          aria-describedby={helpId}
          aria-busy={state.kind === 'loading'}
          data-testid="version-preview-canvas"
          data-readonly={editor?.getIsReadonly() ?? undefined}
        >
          {state.kind === 'loading' && <p className="hint">{t('versions.loading')}</p>}
          {state.kind === 'error' && (
            <p className="form-error" role="alert">
              {state.text}
            </p>
          )}
          {state.kind === 'ready' && (
            <Tldraw
              store={state.store}
              assetUrls={assetUrls}
              hideUi
              onMount={(mounted) => {
                mounted.updateInstanceState({ isReadonly: true })
                fitContent(mounted)
                setEditor(mounted)
                return () => setEditor(null)
              }}
            />
          )}
        </div>
        <button type="button" className="button" onClick={onClose} data-testid="version-preview-close">
          {t('versions.preview.close')}
        </button>
      </div>
    </Dialog>
  )
}
