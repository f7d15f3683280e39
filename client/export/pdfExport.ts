/**
 * The board as a PDF to print or file: one landscape page (A4 or A3) per frame, in reading
 * order, each titled with the frame's name, the board's title and the date as real text;
 * the frame itself as vectors (tldraw's SVG drawn by svg2pdf), its labels as text too
 * (svgText.ts). A board without frames gets one page with what is on the current page.
 *
 * All text is set in DejaVu fonts embedded in the PDF (subset to the letters used), so Latvian,
 * other Latin letters, Greek and Cyrillic come out as typed.
 *
 * jsPDF, svg2pdf and the fonts are loaded only when a PDF is asked for: they are not in the
 * board's initial download (the fonts are separate files, fetched from this server).
 */
import type { Editor, TLPageId, TLShapeId } from 'tldraw'
import type { jsPDF as JsPdf } from 'jspdf'
// DejaVu fonts 2.37 (package dejavu-fonts-ttf): Bitstream Vera licence, DejaVu's changes in the
// public domain; free to use, embed and redistribute (node_modules/dejavu-fonts-ttf/LICENSE).
import sansUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url'
import sansBoldUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf?url'
import sansItalicUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf?url'
import sansBoldItalicUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans-BoldOblique.ttf?url'
import serifUrl from 'dejavu-fonts-ttf/ttf/DejaVuSerif.ttf?url'
import serifBoldUrl from 'dejavu-fonts-ttf/ttf/DejaVuSerif-Bold.ttf?url'
import serifItalicUrl from 'dejavu-fonts-ttf/ttf/DejaVuSerif-Italic.ttf?url'
import serifBoldItalicUrl from 'dejavu-fonts-ttf/ttf/DejaVuSerif-BoldItalic.ttf?url'
import monoUrl from 'dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf?url'
import monoBoldUrl from 'dejavu-fonts-ttf/ttf/DejaVuSansMono-Bold.ttf?url'
import monoItalicUrl from 'dejavu-fonts-ttf/ttf/DejaVuSansMono-Oblique.ttf?url'
import monoBoldItalicUrl from 'dejavu-fonts-ttf/ttf/DejaVuSansMono-BoldOblique.ttf?url'
import { framesInReadingOrder, onPage } from './frames.ts'
import { imagesToPng } from './svgImages.ts'
import { foreignObjectsToText, PDF_FAMILIES, type PdfFamily, type PdfFont, type PdfFonts } from './svgText.ts'

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

type FontStyle = 'normal' | 'bold' | 'italic' | 'bolditalic'

function fontStyle(font: PdfFont): FontStyle {
  return font.bold && font.italic ? 'bolditalic' : font.bold ? 'bold' : font.italic ? 'italic' : 'normal'
}

/** The TrueType file of each embedded font (served as a separate asset, fetched when needed). */
const FONT_FILES: Record<PdfFamily, Record<FontStyle, string>> = {
  [PDF_FAMILIES.sans]: { normal: sansUrl, bold: sansBoldUrl, italic: sansItalicUrl, bolditalic: sansBoldItalicUrl },
  [PDF_FAMILIES.serif]: { normal: serifUrl, bold: serifBoldUrl, italic: serifItalicUrl, bolditalic: serifBoldItalicUrl },
  [PDF_FAMILIES.mono]: { normal: monoUrl, bold: monoBoldUrl, italic: monoItalicUrl, bolditalic: monoBoldItalicUrl },
}

/** The font files fetched so far in this tab, as the binary strings jsPDF's file system takes. */
const fontFiles = new Map<string, Promise<string>>()

function fetchFont(url: string): Promise<string> {
  let file = fontFiles.get(url)
  if (!file) {
    file = (async () => {
      const response = await fetch(url)
      if (!response.ok) throw new Error(`font ${url}: HTTP ${response.status}`)
      const bytes = new Uint8Array(await response.arrayBuffer())
      // jsPDF reads a TrueType file given as a binary string (or as base64, which would only
      // add a round trip through btoa and atob).
      let binary = ''
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
      return binary
    })()
    file.catch(() => fontFiles.delete(url))
    fontFiles.set(url, file)
  }
  return file
}

/** jsPDF's parsed TrueType font (jsPDF types it as `any`). */
type TtfMetadata = { characterToGlyph(code: number): number }

/** The embedded fonts of one PDF: loaded on demand, measured and kept to their glyphs. */
function pdfFonts(pdf: JsPdf): PdfFonts {
  const loaded = new Map<string, TtfMetadata>()
  const key = (font: PdfFont) => `${font.family} ${fontStyle(font)}`
  const metadata = (font: PdfFont) => {
    const found = loaded.get(key(font))
    if (!found) throw new Error(`font not loaded: ${key(font)}`)
    return found
  }
  return {
    async load(fonts) {
      const wanted = new Map(fonts.filter((f) => !loaded.has(key(f))).map((f) => [key(f), f]))
      const files = await Promise.all([...wanted.values()].map((f) => fetchFont(FONT_FILES[f.family][fontStyle(f)])))
      for (const [i, font] of [...wanted.values()].entries()) {
        const name = `${key(font).replace(' ', '-')}.ttf`
        pdf.addFileToVFS(name, files[i] ?? '')
        pdf.addFont(name, font.family, fontStyle(font), undefined, 'Identity-H')
        pdf.setFont(font.family, fontStyle(font))
        loaded.set(key(font), pdf.getFont().metadata as TtfMetadata)
      }
    },
    measure: (text, font, size) => pdf.getStringUnitWidth(text, { fontName: font.family, fontStyle: fontStyle(font) }) * size,
    fit(text, font) {
      const ttf = metadata(font)
      const has = (char: string) => {
        const code = char.codePointAt(0) ?? 0
        // jsPDF encodes text by UTF-16 unit: a letter beyond U+FFFF cannot be set.
        return code <= 0xffff && ttf.characterToGlyph(code) !== 0
      }
      const replacement = has('\uFFFD') ? '\uFFFD' : '?'
      let out = ''
      for (const char of text.normalize('NFC')) {
        if (has(char)) out += char
        else if (/\s/u.test(char)) out += ' '
        // Marks and invisibles (variation selectors, joiners) of a missing glyph: nothing to show.
        else if (!/[\p{M}\p{Cf}]/u.test(char)) out += replacement
      }
      return out
    },
  }
}

/**
 * A document property (the title) that survives jsPDF: it writes text beyond Latin-1 as UTF-16
 * in a literal string without escaping line ends, and a reader turns the byte 0x0D of "č"
 * (U+010D) into 0x0A. Such letters are decomposed (č into c and a combining caron).
 */
function infoText(text: string): string {
  // No UTF-16 unit beyond Latin-1 with a line end (0x0A, 0x0D) as its low byte.
  const safe = (t: string) => [...Array(t.length).keys()].every((i) => t.charCodeAt(i) <= 0xff || ![0x0a, 0x0d].includes(t.charCodeAt(i) & 0xff))
  let out = ''
  for (const char of text.normalize('NFC')) out += safe(char) ? char : safe(char.normalize('NFD')) ? char.normalize('NFD') : '?'
  return out
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
  pdf.setProperties({ title: infoText(options.boardTitle), subject: infoText(options.dateText), creator: 'Co-design Board' })
  pdf.setLanguage(options.lang as Parameters<JsPdf['setLanguage']>[0])
  const fonts = pdfFonts(pdf)
  const regular: PdfFont = { family: PDF_FAMILIES.sans, bold: false, italic: false }
  const bold: PdfFont = { ...regular, bold: true }
  await fonts.load([regular, bold])
  const boardTitle = fonts.fit(options.boardTitle, regular)

  for (const [i, page] of pages.entries()) {
    if (i > 0) pdf.addPage(options.paper, 'landscape')
    const width = pdf.internal.pageSize.getWidth()
    const height = pdf.internal.pageSize.getHeight()
    const lineWidth = width - 2 * MARGIN

    // The heading is written by jsPDF itself: real text, found by a search in any PDF reader.
    pdf.setTextColor(29, 29, 31)
    pdf.setFont(bold.family, fontStyle(bold))
    pdf.setFontSize(TITLE_SIZE)
    pdf.text(fitLine(pdf, fonts.fit(page.title, bold), lineWidth), MARGIN, MARGIN + TITLE_SIZE)
    pdf.setFont(regular.family, fontStyle(regular))
    pdf.setFontSize(SUBTITLE_SIZE)
    pdf.setTextColor(74, 74, 82)
    pdf.text(fitLine(pdf, `${boardTitle} · ${fonts.fit(options.dateText, regular)}`, lineWidth), MARGIN, MARGIN + TITLE_SIZE + SUBTITLE_SIZE + 6)
    pdf.setFontSize(FOOTER_SIZE)
    pdf.text(fonts.fit(options.pageLabel(i + 1, pages.length), regular), width - MARGIN, height - MARGIN / 2, { align: 'right' })

    const exported = await onPage(editor, page.pageId, () => editor.getSvgElement(page.shapes, { background: true, darkMode: false }))
    if (!exported) continue
    const { svg } = exported
    await foreignObjectsToText(svg, fonts)
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
