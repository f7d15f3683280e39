/**
 * Decides what an uploaded file is from its first bytes (magic numbers), never from its name
 * or the Content-Type it was sent with: a text or HTML file called "photo.png" is refused.
 *
 * Accepted: PNG (and APNG), JPEG, GIF, WebP, AVIF, SVG, MP4, QuickTime and WebM: what tldraw
 * shows. SVG is accepted because tldraw turns pasted SVG text into an SVG upload; it is served
 * so that it can never run as a page on our origin (see server/http/assets.ts).
 */
import { MediaType } from '../../shared/assets.ts'

/** How many leading bytes the sniffer needs (an SVG may start with a long comment or doctype). */
export const SNIFF_BYTES = 8192

/** The media type of a file starting with `head`, or undefined when it is none we accept. */
export function sniffMediaType(head: Uint8Array): MediaType | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return MediaType.png
  if (startsWith(head, [0xff, 0xd8, 0xff])) return MediaType.jpeg
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return MediaType.gif
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return MediaType.webp
  if (ascii(head, 4, 8) === 'ftyp') return isoMediaType(head)
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return ebmlMediaType(head)
  if (isSvg(head)) return MediaType.svg
  return undefined
}

/** The file extension for a type, used only in the served file name. */
export function extensionOf(type: MediaType): string {
  switch (type) {
    case MediaType.png:
      return 'png'
    case MediaType.jpeg:
      return 'jpg'
    case MediaType.gif:
      return 'gif'
    case MediaType.webp:
      return 'webp'
    case MediaType.avif:
      return 'avif'
    case MediaType.svg:
      return 'svg'
    case MediaType.mp4:
      return 'mp4'
    case MediaType.webm:
      return 'webm'
    case MediaType.quicktime:
      return 'mov'
  }
}

/** HEIF stills (which browsers other than Safari cannot show) and audio-only MPEG-4. */
const REFUSED_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'M4A ', 'M4B ', 'M4P ', 'F4A ', 'F4B '])

/** An ISO base media file (`ftyp` box first): AVIF, QuickTime or MP4 by its brands. */
function isoMediaType(head: Uint8Array): MediaType | undefined {
  const boxSize = ((head[0] ?? 0) << 24) | ((head[1] ?? 0) << 16) | ((head[2] ?? 0) << 8) | (head[3] ?? 0)
  if (boxSize < 16) return undefined
  const major = ascii(head, 8, 12)
  const compatible: string[] = []
  for (let at = 16; at + 4 <= Math.min(boxSize, head.length); at += 4) compatible.push(ascii(head, at, at + 4))
  // AVIF is often labelled with the generic HEIF brand `mif1` and lists `avif` as compatible.
  if (major === 'avif' || major === 'avis' || compatible.includes('avif') || compatible.includes('avis')) return MediaType.avif
  if (major === 'qt  ') return MediaType.quicktime
  if (REFUSED_BRANDS.has(major)) return undefined
  return MediaType.mp4
}

/** An EBML file: WebM when its DocType says so (plain Matroska is not accepted). */
function ebmlMediaType(head: Uint8Array): MediaType | undefined {
  // The DocType element (id 0x4282, then a one-byte size such as 0x84) sits in the short
  // EBML header at the start of the file.
  for (let at = 4; at + 3 < Math.min(head.length, 64); at++) {
    if (head[at] !== 0x42 || head[at + 1] !== 0x82) continue
    const sizeByte = head[at + 2] ?? 0
    if ((sizeByte & 0x80) === 0) return undefined
    const size = sizeByte & 0x7f
    return ascii(head, at + 3, at + 3 + size) === 'webm' ? MediaType.webm : undefined
  }
  return undefined
}

/**
 * An SVG document: after an optional byte order mark, XML declaration, comments, processing
 * instructions and doctype, the first element is `<svg`.
 */
function isSvg(head: Uint8Array): boolean {
  let text = new TextDecoder('utf-8', { fatal: false }).decode(head)
  if (text.startsWith('\ufeff')) text = text.slice(1)
  let at = 0
  for (;;) {
    while (at < text.length && /\s/.test(text[at] ?? '')) at++
    if (text.startsWith('<?', at)) at = endOf(text, '?>', at)
    else if (text.startsWith('<!--', at)) at = endOf(text, '-->', at)
    else if (text.startsWith('<!DOCTYPE', at)) at = endOfDoctype(text, at)
    else break
    if (at < 0) return false
  }
  return /^<svg[\s/>]/.test(text.slice(at, at + 5))
}

function endOf(text: string, terminator: string, from: number): number {
  const end = text.indexOf(terminator, from)
  return end < 0 ? -1 : end + terminator.length
}

/** The end of a doctype, which may hold an internal subset in brackets (Illustrator writes one). */
function endOfDoctype(text: string, from: number): number {
  let inSubset = false
  for (let at = from; at < text.length; at++) {
    const c = text[at]
    if (c === '[') inSubset = true
    else if (c === ']') inSubset = false
    else if (c === '>' && !inSubset) return at + 1
  }
  return -1
}

function startsWith(head: Uint8Array, bytes: readonly number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b)
}

function ascii(head: Uint8Array, from: number, to: number): string {
  let out = ''
  for (let i = from; i < to && i < head.length; i++) out += String.fromCharCode(head[i] ?? 0)
  return out
}
