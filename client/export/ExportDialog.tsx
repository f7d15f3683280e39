/**
 * The facilitator's export dialog: the board as an image (PNG or SVG) of the current page, the
 * selection or one frame; as a PDF with a page per frame; the journey maps as a structured
 * report (Markdown, CSV, HTML, JSON); and the board itself as a tldraw file or a complete
 * archive. Loaded only when opened, and the PDF code only when a PDF is made.
 */
import { useId, useState, type ReactNode } from 'react'
import { serializeTldrawJsonBlob, useValue, type Editor } from 'tldraw'
import type { ReportFormat } from '../../shared/journey/boardReport.ts'
import { downloadArchive, downloadReport, type DownloadedFile } from '../api.ts'
import { useBoard } from '../board/boardContext.ts'
import { errorText } from '../board/errorText.ts'
import { useI18n } from '../i18n/I18nProvider.tsx'
import type { MessageKey } from '../i18n/messages/en.ts'
import { Dialog } from '../ui/Dialog.tsx'
import { useQuietEditor } from './useQuietEditor.ts'
import './export.css'
import { fileSafe, isoDate, saveBlob } from './download.ts'
import { framesInReadingOrder } from './frames.ts'
import { exportImage, NothingToExportError, PNG_SCALES, type ImageArea, type ImageFormat, type PngScale } from './imageExport.ts'
// Types only: the PDF code itself is imported when a PDF is asked for.
import type { PaperSize } from './pdfExport.ts'

type Busy = 'image' | 'pdf' | 'tldr' | 'archive' | ReportFormat | null

const REPORTS: readonly { format: ReportFormat; label: MessageKey }[] = [
  { format: 'md', label: 'export.report.md' },
  { format: 'csv', label: 'export.report.csv' },
  { format: 'html', label: 'export.report.html' },
  { format: 'json', label: 'export.report.json' },
]

function Section({ title, help, children }: { title: string; help?: string; children: ReactNode }) {
  const headingId = useId()
  return (
    <section className="export-section" aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      {help && <p className="hint">{help}</p>}
      {children}
    </section>
  )
}

/** The area chosen in the image section, as the <select>'s value: "page", "selection" or "frame:<id>". */
function areaOf(value: string, editor: Editor): ImageArea {
  if (value === 'selection') return { kind: 'selection' }
  if (value.startsWith('frame:')) {
    const frame = framesInReadingOrder(editor).find((f) => f.id === value.slice('frame:'.length))
    if (frame) return { kind: 'frame', frameId: frame.id, pageId: frame.pageId }
  }
  return { kind: 'page' }
}

export default function ExportDialog({ onClose }: { onClose: () => void }) {
  const { t, locale } = useI18n()
  const board = useBoard()
  useQuietEditor(board.editor)
  const { editor } = board
  const ids = { area: useId(), scale: useId(), format: useId(), paper: useId() }
  const [area, setArea] = useState('page')
  const [format, setFormat] = useState<ImageFormat>('png')
  const [scale, setScale] = useState<PngScale>(2)
  const [paper, setPaper] = useState<PaperSize>('a4')
  const [busy, setBusy] = useState<Busy>(null)
  const [done, setDone] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  const frames = useValue('codesign.export.frames', () => (editor ? framesInReadingOrder(editor) : []), [editor])
  const selected = useValue('codesign.export.selected', () => editor?.getSelectedShapeIds().length ?? 0, [editor])
  const plural = <K extends 'export.image.area.selection' | 'export.pdf.help.frames'>(count: number, key: K) =>
    new Intl.PluralRules(locale).select(count) === 'one' ? (`${key}.one` as const) : (`${key}.other` as const)
  const title = board.settings.title
  const date = isoDate()
  const frameLabel = (name: string) => name || t('export.frame.untitled')
  // A choice that went away (the selection was cleared, the frame deleted) falls back to the page.
  const gone = (area === 'selection' && selected === 0) || (area.startsWith('frame:') && !frames.some((f) => `frame:${f.id}` === area))
  const areaValue = gone ? 'page' : area

  async function run(kind: Exclude<Busy, null>, work: () => Promise<string>) {
    setBusy(kind)
    setError(null)
    setDone(null)
    try {
      const name = await work()
      setDone(t('export.done', { name }))
    } catch (err) {
      if (err instanceof NothingToExportError || (err instanceof Error && err.name === 'NothingToPrintError')) setError(t('export.error.empty'))
      else setError(t('export.error.failed', { reason: errorText(err, t) }))
    } finally {
      setBusy(null)
    }
  }

  function save(blob: Blob, name: string): string {
    saveBlob(blob, name)
    return name
  }

  function saveDownloaded(file: DownloadedFile, fallback: string): string {
    return save(file.blob, file.filename ?? fallback)
  }

  const downloadImage = () =>
    run('image', async () => {
      if (!editor) throw new NothingToExportError('no editor')
      const chosen = areaOf(areaValue, editor)
      const frame = chosen.kind === 'frame' ? frames.find((f) => f.id === chosen.frameId) : undefined
      const blob = await exportImage(editor, chosen, format, scale)
      const what = frame ? ` - ${fileSafe(frameLabel(frame.name), 'frame')}` : ''
      return save(blob, `${fileSafe(title)}${what} ${date}.${format}`)
    })

  const downloadPdf = () =>
    run('pdf', async () => {
      if (!editor) throw new NothingToExportError('no editor')
      const { exportPdf } = await import('./pdfExport.ts')
      const blob = await exportPdf(editor, {
        paper,
        boardTitle: title,
        dateText: new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date()),
        untitledFrame: t('export.frame.untitled'),
        lang: locale,
        pageLabel: (n, total) => t('export.pdf.pageLabel', { n, total }),
      })
      return save(blob, `${fileSafe(title)} ${date}.pdf`)
    })

  const downloadTldr = () =>
    run('tldr', async () => {
      if (!editor) throw new NothingToExportError('no editor')
      return save(await serializeTldrawJsonBlob(editor), `${fileSafe(title)} ${date}.tldr`)
    })

  const disabled = busy !== null || !editor
  const busyLabel = (kind: Exclude<Busy, null>, idle: string) => (busy === kind ? t('export.busy') : idle)

  return (
    <Dialog title={t('export.title')} onClose={onClose} testId="export-dialog">
      <div className="stack export-ui">
        <Section title={t('export.image.title')} help={t('export.image.help')}>
          <div className="export-fields">
            <label htmlFor={ids.area}>{t('export.image.area')}</label>
            <select id={ids.area} value={areaValue} onChange={(e) => setArea(e.target.value)} data-testid="export-area">
              <option value="page">{t('export.image.area.page')}</option>
              <option value="selection" disabled={selected === 0}>
                {selected === 0 ? t('export.image.area.noSelection') : t(plural(selected, 'export.image.area.selection'), { count: selected })}
              </option>
              {frames.map((frame) => (
                <option key={frame.id} value={`frame:${frame.id}`}>
                  {t('export.image.area.frame', { name: frameLabel(frame.name), page: frame.pageName })}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="choices choices-inline">
            <legend>{t('export.image.format')}</legend>
            {(['png', 'svg'] as const).map((f) => (
              <label key={f} className="choice">
                <input type="radio" name={ids.format} value={f} checked={format === f} onChange={() => setFormat(f)} data-testid={`export-format-${f}`} />
                {t(f === 'png' ? 'export.image.png' : 'export.image.svg')}
              </label>
            ))}
          </fieldset>
          {format === 'png' && (
            <div className="export-fields">
              <label htmlFor={ids.scale}>{t('export.image.scale')}</label>
              <select id={ids.scale} value={scale} onChange={(e) => setScale(Number(e.target.value) as PngScale)} data-testid="export-scale">
                {PNG_SCALES.map((s) => (
                  <option key={s} value={s}>
                    {t(`export.image.scale.${s}`)}
                  </option>
                ))}
              </select>
            </div>
          )}
          <button type="button" className="button button-primary" disabled={disabled} onClick={() => void downloadImage()} data-testid="export-image">
            {busyLabel('image', t('export.image.download'))}
          </button>
        </Section>

        <Section
          title={t('export.pdf.title')}
          help={frames.length > 0 ? t(plural(frames.length, 'export.pdf.help.frames'), { count: frames.length }) : t('export.pdf.help.noFrames')}
        >
          <fieldset className="choices choices-inline">
            <legend>{t('export.pdf.paper')}</legend>
            {(['a4', 'a3'] as const).map((p) => (
              <label key={p} className="choice">
                <input type="radio" name={ids.paper} value={p} checked={paper === p} onChange={() => setPaper(p)} data-testid={`export-paper-${p}`} />
                {t(p === 'a4' ? 'export.pdf.a4' : 'export.pdf.a3')}
              </label>
            ))}
          </fieldset>
          <button type="button" className="button button-primary" disabled={disabled} onClick={() => void downloadPdf()} data-testid="export-pdf">
            {busyLabel('pdf', t('export.pdf.download'))}
          </button>
        </Section>

        <Section title={t('export.report.title')} help={t('export.report.help')}>
          <div className="button-row">
            {REPORTS.map(({ format: f, label }) => (
              <button
                key={f}
                type="button"
                className="button"
                disabled={disabled}
                data-testid={`export-report-${f}`}
                onClick={() =>
                  void run(f, async () => saveDownloaded(await downloadReport(board.boardId, board.boardKey, f), `${fileSafe(title)} ${date}.${f}`))
                }
              >
                {busyLabel(f, t(label))}
              </button>
            ))}
          </div>
        </Section>

        <Section title={t('export.file.title')}>
          <div className="stack-tight">
            <p className="hint">{t('export.tldr.help')}</p>
            <button type="button" className="button" disabled={disabled} onClick={() => void downloadTldr()} data-testid="export-tldr">
              {busyLabel('tldr', t('export.tldr.download'))}
            </button>
            <p className="hint">{t('export.archive.help')}</p>
            <button
              type="button"
              className="button"
              disabled={disabled}
              data-testid="export-archive"
              onClick={() =>
                void run('archive', async () => saveDownloaded(await downloadArchive(board.boardId, board.boardKey), `${fileSafe(title)} ${date}.zip`))
              }
            >
              {busyLabel('archive', t('export.archive.download'))}
            </button>
          </div>
        </Section>

        <p role="status" aria-live="polite" className="hint" data-testid="export-status">
          {busy ? t('export.preparing') : (done ?? '')}
        </p>
        {error && (
          <p className="form-error" role="alert" data-testid="export-error">
            {error}
          </p>
        )}
        <button type="button" className="button" onClick={onClose}>
          {t('export.close')}
        </button>
      </div>
    </Dialog>
  )
}
