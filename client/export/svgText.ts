/**
 * Makes tldraw's SVG export printable as vector PDF. tldraw draws shape labels (notes, geo
 * shapes, text) as HTML inside <foreignObject>, which no SVG-to-PDF converter can draw. Here
 * every such label is laid out by the browser once more, measured line by line, and replaced
 * by SVG <text> at the same place, so the PDF carries real, selectable, searchable text.
 *
 * PDF text is set in DejaVu fonts embedded in the PDF (see pdfExport.ts): tldraw ships its own
 * fonts as WOFF2, which jsPDF cannot read, while DejaVu is TrueType and covers Latvian, the
 * rest of Latin, Greek and Cyrillic. What a font has no glyph for (emoji, mostly) is replaced
 * rather than silently dropped (PdfFonts.fit).
 */

const SVG_NS = 'http://www.w3.org/2000/svg'

/** The fonts embedded in the PDF, by their jsPDF names (which svg2pdf matches font-family against). */
export const PDF_FAMILIES = { sans: 'dejavusans', serif: 'dejavuserif', mono: 'dejavumono' } as const
export type PdfFamily = (typeof PDF_FAMILIES)[keyof typeof PDF_FAMILIES]
export type PdfFont = { family: PdfFamily; bold: boolean; italic: boolean }

/** The PDF's fonts, as svgText needs them. */
export type PdfFonts = {
  /** Makes sure these fonts are in the PDF (they are fetched the first time). */
  load(fonts: readonly PdfFont[]): Promise<void>
  /** Width of `text` in a loaded font at `size` (board units). */
  measure(text: string, font: PdfFont, size: number): number
  /** `text` as a loaded font can show it: what it has no glyph for is replaced. */
  fit(text: string, font: PdfFont): string
}

/** The embedded font closest to a CSS font-family of tldraw's (draw, sans, serif, mono). */
export function pdfFontFamily(cssFamily: string): PdfFamily {
  const family = cssFamily.toLowerCase()
  if (family.includes('mono') || family.includes('courier')) return PDF_FAMILIES.mono
  if (family.includes('serif') && !family.includes('sans')) return PDF_FAMILIES.serif
  return PDF_FAMILIES.sans
}

function isBold(weight: string): boolean {
  return weight === 'bold' || weight === 'bolder' || Number.parseInt(weight, 10) >= 600
}

type CharBox = { char: string; left: number; right: number; top: number; bottom: number; style: RunStyle; block: Element | null }
type RunStyle = { font: PdfFont; size: number; color: string }

function sameStyle(a: RunStyle, b: RunStyle): boolean {
  return a.size === b.size && a.color === b.color && a.font.family === b.font.family && a.font.bold === b.font.bold && a.font.italic === b.font.italic
}

function styleOf(element: Element): RunStyle {
  const style = getComputedStyle(element)
  return {
    font: { family: pdfFontFamily(style.fontFamily), bold: isBold(style.fontWeight), italic: style.fontStyle === 'italic' || style.fontStyle.startsWith('oblique') },
    size: Number.parseFloat(style.fontSize) || 16,
    color: style.color,
  }
}

/** The block a piece of text sits in (its paragraph, heading or list item), for its alignment. */
function blockOf(element: Element | null): Element | null {
  let at = element
  while (at) {
    const display = getComputedStyle(at).display
    if (display === 'block' || display === 'list-item' || display === 'flex') return at
    at = at.parentElement
  }
  return null
}

/** Every character of `root` with the box the browser laid it out in, relative to `origin`. */
function measureChars(root: Element, origin: DOMRect): CharBox[] {
  const boxes: CharBox[] = []
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
  const range = document.createRange()
  const styles = new Map<Element, { style: RunStyle; block: Element | null }>()
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent ?? ''
    const parent = node.parentElement
    if (!parent || text.length === 0) continue
    let known = styles.get(parent)
    if (!known) {
      known = { style: styleOf(parent), block: blockOf(parent) }
      styles.set(parent, known)
    }
    for (let i = 0; i < text.length; ) {
      // One code point at a time (an emoji is two UTF-16 units but one box).
      const code = text.codePointAt(i) ?? 0
      const length = code > 0xffff ? 2 : 1
      range.setStart(node, i)
      range.setEnd(node, i + length)
      const rects = range.getClientRects()
      const rect = rects[rects.length - 1]
      if (rect && rect.height > 0) {
        boxes.push({
          char: text.slice(i, i + length),
          left: rect.left - origin.left,
          right: rect.right - origin.left,
          top: rect.top - origin.top,
          bottom: rect.bottom - origin.top,
          style: known.style,
          block: known.block,
        })
      }
      i += length
    }
  }
  return boxes
}

type Run = { text: string; left: number; right: number; top: number; bottom: number; style: RunStyle; align: 'start' | 'middle' | 'end' }

/** Characters grouped into runs: one line of one style. */
function runsOf(boxes: CharBox[]): Run[] {
  const runs: Run[] = []
  let run: Run | null = null
  let runBlock: Element | null = null
  for (const box of boxes) {
    const height = box.bottom - box.top
    const sameLine = run !== null && Math.abs(box.top - run.top) < height / 2 && box.left >= run.right - height / 2
    if (run && sameLine && runBlock === box.block && sameStyle(run.style, box.style)) {
      run.text += box.char
      run.right = Math.max(run.right, box.right)
      run.bottom = Math.max(run.bottom, box.bottom)
      continue
    }
    const textAlign = box.block ? getComputedStyle(box.block).textAlign : 'start'
    run = {
      text: box.char,
      left: box.left,
      right: box.right,
      top: box.top,
      bottom: box.bottom,
      style: box.style,
      align: textAlign === 'center' ? 'middle' : textAlign === 'right' || textAlign === 'end' ? 'end' : 'start',
    }
    runBlock = box.block
    runs.push(run)
  }
  return runs
    .map((r) => ({ ...r, text: r.text.replace(/\s+$/u, '') }))
    .filter((r) => r.text.trim().length > 0)
}

/** Where, in a line box of the label's font, the baseline sits (ascent over ascent plus descent). */
const BASELINE_RATIO = 0.78

function textElement(run: Run, fonts: PdfFonts): SVGTextElement {
  const text = fonts.fit(run.text.replace(/\s+/gu, ' '), run.style.font)
  const width = run.right - run.left
  // The PDF font is not the board's: shrink a line that would come out wider than on the board.
  const natural = fonts.measure(text, run.style.font, run.style.size)
  const size = natural > width && natural > 0 ? run.style.size * Math.max(0.6, width / natural) : run.style.size
  const x = run.align === 'middle' ? (run.left + run.right) / 2 : run.align === 'end' ? run.right : run.left
  const element = document.createElementNS(SVG_NS, 'text')
  element.setAttribute('x', String(x))
  element.setAttribute('y', String(run.top + (run.bottom - run.top) * BASELINE_RATIO))
  setFont(element, run.style.font)
  element.setAttribute('font-size', String(size))
  element.setAttribute('fill', run.style.color)
  element.setAttribute('text-anchor', run.align)
  element.setAttributeNS('http://www.w3.org/XML/1998/namespace', 'xml:space', 'preserve')
  element.textContent = text
  return element
}

/** Points an SVG element at an embedded font, in the words svg2pdf matches against jsPDF's fonts. */
function setFont(element: Element, font: PdfFont): void {
  element.setAttribute('font-family', font.family)
  element.setAttribute('font-weight', font.bold ? 'bold' : 'normal')
  element.setAttribute('font-style', font.italic ? 'italic' : 'normal')
  if (element instanceof SVGElement) for (const p of ['font-family', 'font-weight', 'font-style', 'font']) element.style.removeProperty(p)
}

/** A font property of an SVG element, set on it or on the closest ancestor that sets it. */
function inherited(element: Element, property: string): string {
  for (let at: Element | null = element; at; at = at.parentElement) {
    const value = (at instanceof SVGElement ? at.style.getPropertyValue(property) : '') || at.getAttribute(property)
    if (value && value !== 'inherit') return value
  }
  return ''
}

/**
 * Replaces every <foreignObject> of `svg` (tldraw's export) by SVG text drawn where the browser
 * puts its lines, points every <text> at an embedded PDF font (loaded here) and keeps to what
 * that font can show.
 */
export async function foreignObjectsToText(svg: SVGSVGElement, fonts: PdfFonts): Promise<void> {
  const host = document.createElement('div')
  // Laid out (so it can be measured) but never seen or reached.
  host.style.cssText = 'position:fixed;left:0;top:0;width:0;height:0;overflow:hidden;visibility:hidden;pointer-events:none'
  host.setAttribute('aria-hidden', 'true')
  document.body.append(host)
  const labels: { fo: SVGForeignObjectElement; x: number; y: number; runs: Run[] }[] = []
  try {
    for (const fo of [...svg.querySelectorAll('foreignObject')]) {
      const width = Number.parseFloat(fo.getAttribute('width') ?? '0')
      const height = Number.parseFloat(fo.getAttribute('height') ?? '0')
      const x = Number.parseFloat(fo.getAttribute('x') ?? '0') || 0
      const y = Number.parseFloat(fo.getAttribute('y') ?? '0') || 0
      // Measured alone, at its own size and without the shape's rotation, in its own units.
      // tldraw inlined every computed style into it, and the page has the board's fonts.
      const probe = document.createElementNS(SVG_NS, 'svg')
      probe.setAttribute('width', String(width))
      probe.setAttribute('height', String(height))
      probe.style.position = 'absolute'
      const clone = fo.cloneNode(true) as SVGForeignObjectElement
      clone.setAttribute('x', '0')
      clone.setAttribute('y', '0')
      probe.append(clone)
      host.append(probe)
      labels.push({ fo, x, y, runs: runsOf(measureChars(clone, probe.getBoundingClientRect())) })
      probe.remove()
    }
  } finally {
    host.remove()
  }

  // tldraw's own <text> (and <tspan>), with the font each asks for.
  const texts = [...svg.querySelectorAll('text, tspan')].map((element) => ({
    element,
    font: {
      family: pdfFontFamily(inherited(element, 'font-family')),
      bold: isBold(inherited(element, 'font-weight')),
      italic: /italic|oblique/.test(inherited(element, 'font-style')),
    } satisfies PdfFont,
  }))
  const base: PdfFont = { family: PDF_FAMILIES.sans, bold: false, italic: false }
  await fonts.load([base, ...labels.flatMap((l) => l.runs.map((r) => r.style.font)), ...texts.map((t) => t.font)])

  // Whatever names no font of its own falls back to the embedded sans, not to a standard PDF font.
  setFont(svg, base)
  for (const { fo, x, y, runs } of labels) {
    const group = document.createElementNS(SVG_NS, 'g')
    if (x || y) group.setAttribute('transform', `translate(${x} ${y})`)
    for (const run of runs) group.append(textElement(run, fonts))
    fo.replaceWith(group)
  }
  for (const { element, font } of texts) {
    setFont(element, font)
    for (const node of element.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) node.textContent = fonts.fit(node.textContent ?? '', font)
    }
  }
}
