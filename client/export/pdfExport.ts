/**
 * The board as a PDF to print or file: one landscape page (A4 or A3) per frame, in reading
 * order, each titled with the frame's name, the board's title and the date as real text;
 * the frame itself as vectors (tldraw's SVG drawn by svg2pdf), its labels as text too
 * (svgText.ts). A board without frames gets one page with what is on the current page.
 *
 * jsPDF and svg2pdf are loaded only when a PDF is asked for: they are not in the board's
 * initial download.
 */
import type { Editor, TLPageId, TLShapeId } from 'tldraw'
import type { jsPDF as JsPdf } from 'jspdf'
import { framesInReadingOrder, onPage } from './frames.ts'
import { imagesToPng } from './svgImages.ts'
import { foreignObjectsToText, toWinAnsi, type PdfFont } from './svgText.ts'

export const PAPER_SIZES = ['a4', 'a3'] as const
export type PaperSize = (typeof PAPER_SIZES)[number]

export type PdfOptions = {
  paper: PaperSize
  boardTitle: string
  /** The date as the person reads it, e.g. "12 March 2026". */
  dateText: string
  /** The name a frame without one gets ("Frame"), and the current page's heading otherwise. */
  untitledFrame: string
  /** The document's language (BCP 47). */
  lang: string
  /** "Page {n} of {total}" in the person's language. */
  pageLabel: (n: number, total: number) => string
}

export class NothingToPrintError extends Error {
  override readonly name = 'NothingToPrintError'
}

type PdfPage = { title: string; pageId: TLPageId; shapes: TLShapeId[] }

/** The pages of the PDF: the frames in reading order, or the current page's content. */
export function pdfPages(editor: Editor, untitled: string): PdfPage[] {
  const frames = framesInReadingOrder(editor)
  if (frames.length > 0) return frames.map((f) => ({ title: f.name || untitled, pageId: f.pageId, shapes: [f.id] }))
  const page = editor.getCurrentPage()
  const shapes = [...editor.getCurrentPageShapeIds()]
  if (shapes.length === 0) throw new NothingToPrintError('nothing on this page')
  return [{ title: page.name || untitled, pageId: page.id, shapes }]
}

const MARGIN = 28
const TITLE_SIZE = 18
const SUBTITLE_SIZE = 10
const FOOTER_SIZE = 8
/** Where the picture starts, below the title and the subtitle. */
const CONTENT_TOP = MARGIN + TITLE_SIZE + SUBTITLE_SIZE + 18

function fontStyle(font: PdfFont): string {
  return font.bold && font.italic ? 'bolditalic' : font.bold ? 'bold' : font.italic ? 'italic' : 'normal'
}

/** A title on one line: shortened with an ellipsis when wider than the page. */
function fitLine(pdf: JsPdf, text: string, maxWidth: number): string {
  if (pdf.getTextWidth(text) <= maxWidth) return text
  let cut = text
  while (cut.length > 1 && pdf.getTextWidth(`${cut}…`) > maxWidth) cut = cut.slice(0, -1)
  return `${cut.trimEnd()}…`
}

export async function exportPdf(editor: Editor, options: PdfOptions): Promise<Blob> {
  const pages = pdfPages(editor, options.untitledFrame)
  const [{ jsPDF }, { svg2pdf }] = await Promise.all([import('jspdf'), import('svg2pdf.js')])
  const pdf = new jsPDF({ orientation: 'landscape', unit: 'pt', format: options.paper, compress: true })
  const boardTitle = toWinAnsi(options.boardTitle)
  pdf.setProperties({ title: boardTitle, subject: toWinAnsi(options.dateText), creator: 'Co-design Board' })
  pdf.setLanguage(options.lang as Parameters<JsPdf['setLanguage']>[0])
  const measure = (text: string, font: PdfFont, size: number) =>
    pdf.getStringUnitWidth(text, { fontName: font.family, fontStyle: fontStyle(font) }) * size

  for (const [i, page] of pages.entries()) {
    if (i > 0) pdf.addPage(options.paper, 'landscape')
    const width = pdf.internal.pageSize.getWidth()
    const height = pdf.internal.pageSize.getHeight()
    const lineWidth = width - 2 * MARGIN

    // The heading is written by jsPDF itself: real text, found by a search in any PDF reader.
    pdf.setTextColor(29, 29, 31)
    pdf.setFont('helvetica', 'bold')
    pdf.setFontSize(TITLE_SIZE)
    pdf.text(fitLine(pdf, toWinAnsi(page.title), lineWidth), MARGIN, MARGIN + TITLE_SIZE)
    pdf.setFont('helvetica', 'normal')
    pdf.setFontSize(SUBTITLE_SIZE)
    pdf.setTextColor(74, 74, 82)
    pdf.text(fitLine(pdf, `${boardTitle} · ${toWinAnsi(options.dateText)}`, lineWidth), MARGIN, MARGIN + TITLE_SIZE + SUBTITLE_SIZE + 6)
    pdf.setFontSize(FOOTER_SIZE)
    pdf.text(toWinAnsi(options.pageLabel(i + 1, pages.length)), width - MARGIN, height - MARGIN / 2, { align: 'right' })

    const exported = await onPage(editor, page.pageId, () => editor.getSvgElement(page.shapes, { background: true, darkMode: false }))
    if (!exported) continue
    const { svg } = exported
    foreignObjectsToText(svg, measure)
    await imagesToPng(svg)
    // The picture, as large as fits below the heading, centred.
    const areaW = lineWidth
    const areaH = height - CONTENT_TOP - MARGIN
    const scale = Math.min(areaW / exported.width, areaH / exported.height)
    const drawW = exported.width * scale
    const drawH = exported.height * scale
    await svg2pdf(svg, pdf, {
      x: MARGIN + (areaW - drawW) / 2,
      y: CONTENT_TOP,
      width: drawW,
      height: drawH,
      // tldraw embeds images as data: URLs; nothing is fetched from anywhere.
      loadImages: /^data:/,
    })
  }
  return pdf.output('blob')
}
